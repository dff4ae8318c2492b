"""Import service: file in, batch stored, rejects written, summary out."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.exports import safe_row
from kuntur.core.i18n import _
from kuntur.core.timeutil import utcnow
from kuntur.geography import hexgrid
from kuntur.geography import service as geo
from kuntur.geography.names import normalise_name
from kuntur.identity.actor import Actor
from kuntur.incidents.categories import Category, Source, Status
from kuntur.incidents.importing import readers, store
from kuntur.incidents.importing.normalise import ColumnMapping, ImportRefused, Reject, normalise
from kuntur.incidents.manifest import INCIDENTS_IMPORT

Stage = Callable[[str, int], Callable[[int], None]]  # (description, total) -> advance(n)


@dataclass
class ImportResult:
    file: str
    batch_id: int | None
    rows_read: int
    imported: int
    rejected: int
    duplicates: int
    rejects_file: str | None
    detected: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "rejects_file": self.rejects_file,
            "rows_read": self.rows_read,
            "batch_id": self.batch_id,
            "file": self.file,
            "detected": self.detected,
            "warnings": self.warnings,
        }


def read_category_map(path: Path) -> dict[str, str]:
    """Label -> category code, from JSON ({"ROBO": "aggravated_robbery"}) or a 2-column CSV."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        pairs = json.loads(text).items()
    else:
        rows = list(
            csv.reader(
                text.splitlines(), delimiter=readers.detect_delimiter(text.splitlines()[:50]) or ","
            )
        )
        pairs = [(r[0], r[1]) for r in rows if len(r) >= 2 and r[0].strip()]
        if pairs and normalise_name(pairs[0][1]) in ("category", "categoria", "code", "codigo"):
            pairs = pairs[1:]
    out: dict[str, str] = {}
    valid = {c.value for c in Category}
    for label, code in pairs:
        code = str(code).strip()
        if code not in valid:
            raise ImportRefused(
                _(
                    "{path}: {label!r} corresponde a {code!r}, que no es una categoría; use una "
                    "de {valid}",
                    path=path,
                    label=label,
                    code=code,
                    valid=", ".join(sorted(valid)),
                )
            )
        out[normalise_name(str(label))] = code
    return out


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def enrich(frame: pd.DataFrame, *, dataset: str, actor: str) -> pd.DataFrame:
    """Add the columns the store needs: keys, H3 cells, district, times, provenance."""
    n = len(frame)
    ext = frame["external_id"].tolist()
    hashes = frame["row_hash"].tolist()
    keys = [
        f"import:{dataset}:{e}" if e is not None else f"row:{h}"
        for e, h in zip(ext, hashes, strict=True)
    ]
    lat = frame["latitude"].to_numpy(np.float64)
    lon = frame["longitude"].to_numpy(np.float64)
    cells = hexgrid.cells(lat, lon)
    now = pd.Timestamp(utcnow())

    def text(values: object) -> pd.Series:  # keep Python strings: see normalise._objects
        return pd.Series(values, index=frame.index, dtype=object)

    return frame.assign(
        source=text(Source.IMPORT.value),
        dedup_key=text(keys),
        status=text(Status.CLOSED.value),
        received_at=np.full(n, now.tz_localize(None).to_datetime64()),
        h3_cell=cells,
        h3_r9=hexgrid.parents(cells, 9),
        district_ubigeo=text(geo.locate(lon, lat)),
        created_by=text(actor),
    )


def write_rejects(rejects: list[Reject], source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    out = folder / f"{source.name}.{stamp}.rejects.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "field", "value", "reason"])
        for r in rejects:
            writer.writerow(safe_row([r.line, r.field, r.value, r.reason]))
    return out


def import_file(
    engine: Engine,
    path: Path,
    *,
    ctx: RequestContext,
    mapping: ColumnMapping,
    dataset: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    rejects_dir: Path,
    stage: Stage | None = None,
) -> ImportResult:
    """Import one file; raises ``FileRefused`` (nothing written) if it cannot be read.
    The caller needs ``incidents.import`` (refusals audited), checked before any reading."""
    with Session(engine) as db, db.begin():
        Actor(db, ctx).require(INCIDENTS_IMPORT, object_type="import_batch")

    def step(desc: str, total: int) -> Callable[[int], None]:
        return stage(desc, total) if stage else (lambda _n: None)

    advance = step(_("Leyendo archivo"), 1)
    table = readers.read_table(path, delimiter=delimiter, encoding=encoding, layer=layer)
    advance(1)
    advance = step(_("Validando filas"), 1)
    result = normalise(table, mapping)
    advance(1)
    dataset = dataset or path.name.split(".")[0]
    advance = step(_("Geocodificando (distrito, H3)"), 1)
    frame = enrich(result.frame, dataset=dataset, actor=ctx.actor)
    advance(1)
    detected = {**table.detected, **result.mapping_used}
    rejects_file = str(write_rejects(result.rejects, path, rejects_dir)) if result.rejects else None
    meta = {
        "file_name": path.name,
        "file_sha256": sha256_of(path),
        "dataset": dataset,
        "options": detected,
        "actor": ctx.actor,
    }
    advance = step(_("Guardando"), len(frame))
    rows_read = len(table.frame) + len(table.bad_rows)
    batch_id, imported, duplicates = store.write_batch(
        engine,
        frame=frame,
        meta=meta,
        rows_read=rows_read,
        rejected=len(result.rejects),
        ctx=ctx,
        progress=advance,
    )
    return ImportResult(
        file=str(path),
        batch_id=batch_id,
        rows_read=rows_read,
        imported=imported,
        rejected=len(result.rejects),
        duplicates=duplicates,
        rejects_file=rejects_file,
        detected=detected,
        warnings=result.warnings,
    )
