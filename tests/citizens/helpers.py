"""Sending tips as a citizen would (the form or the JSON route), and the JPEG with GPS."""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image

from kuntur.citizens import pow

PHONE = "987 654 321"  # a fictional Lima mobile, as in the demo's synthetic reports


def gps_jpeg(comment: bytes = b"Casa de la bodeguera") -> bytes:
    """A JPEG with EXIF (camera, time) and a GPS position, and a comment."""
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "TelefonoMarca"  # Make
    exif[0x0110] = "Modelo X-123"  # Model
    exif[0x0132] = "2026:11:30 21:14:05"  # DateTime
    gps = {1: "S", 2: (12.0, 1.0, 30.0), 3: "W", 4: (77.0, 0.0, 45.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes(), comment=comment)
    return out.getvalue()


def challenge(client: Any) -> dict[str, str]:
    c = client.get("/api/citizens/public/challenge").json()["challenge"]
    return {"challenge": c, "nonce": pow.solve(c)}


def submit_json(client: Any, **fields: Any) -> Any:
    body = {"category": "extortion", "summary": "Me cobran cupo en mi bodega", **fields}
    return client.post("/api/citizens/public/tips", json={**body, **challenge(client)})


def form_page(client: Any) -> dict[str, str]:
    html = client.get("/denuncia").text
    found = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)  # type: ignore[union-attr]
        for name in ("form_token", "challenge")
    }
    return found


def submit_form(client: Any, files: list[tuple[str, bytes]] | None = None, **fields: str) -> Any:
    page = form_page(client)
    data = {
        **page,
        "nonce": pow.solve(page["challenge"]),
        "category": "extortion",
        "summary": "Me cobran cupo en mi bodega",
        **fields,
    }
    upload = [("photos", (name, content, "image/jpeg")) for name, content in files or []]
    return client.post("/denuncia", data=data, files=upload or None, follow_redirects=False)


def receipt_after(client: Any, response: Any) -> str:
    assert response.status_code == 303, response.text
    html = client.get("/denuncia/recibo").text
    return re.search(r'data-testid="receipt">([^<]+)<', html).group(1)  # type: ignore[union-attr]
