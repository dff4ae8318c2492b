"""`kuntur geo ...`: look up districts by name or point."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kuntur.core.i18n import _
from kuntur.geography import service
from kuntur.geography.manifest import MANIFEST

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)


@app.command("find", help=_("Distritos con este nombre (Lima y Callao primero)."))
def find(
    name: Annotated[
        str, typer.Argument(help=_("nombre del distrito, con o sin mayúsculas o tildes"))
    ],
    department: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Districts with this name (Lima and Callao first)."""
    found = service.find_districts(name, department=department)
    print(json.dumps([vars(d) for d in found], ensure_ascii=False, indent=1))
    if not found:
        raise typer.Exit(1)


@app.command("locate", help=_("Distrito (ubigeo) en un punto."))
def locate(lat: float, lon: float) -> None:
    """District (ubigeo) at a point."""
    ubigeo = service.locate_one(lon, lat)
    district = service.get_district(ubigeo) if ubigeo else None
    print(
        json.dumps(
            {"ubigeo": ubigeo, "name": district.name if district else None}, ensure_ascii=False
        )
    )
