"""An incident file into events per unit, with the importer's own readers and checks.

Any file ``kuntur incidents import`` reads (CSV, gzip, any delimiter and encoding,
GeoJSON, GeoPackage), the same column flags. Rows the importer would reject (no time, no
coordinates, a time it cannot read) are counted and the first few named by line and
field; rows with an empty unit are counted too. Nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import LANGS, SEPARATOR, _, both
from kuntur.incidents.importing import readers
from kuntur.incidents.importing.normalise import ColumnMapping, Reject, normalise
from kuntur.incidents.importing.options import ReadOptions

SHOWN_REJECTS = 5


@dataclass
class Events:
    times: np.ndarray  # datetime64[ns], local wall-clock time of the file's zone
    units: np.ndarray  # object (text)
    lon: np.ndarray
    lat: np.ndarray
    rows_read: int
    rejected: int
    notes: list[str] = field(default_factory=list)


def read_events(path: Path, *, mapping: ColumnMapping, read: ReadOptions, unit_col: str) -> Events:
    table = readers.read_table(
        path, delimiter=read.delimiter, encoding=read.encoding, layer=read.layer
    )
    columns = [str(c) for c in table.frame.columns]
    if unit_col not in columns:
        raise InvalidInput(
            _(
                "{file}: no hay columna {col!r} (--unit-col); columnas: {cols}",
                file=path.name,
                col=unit_col,
                cols=", ".join(c for c in columns if not c.startswith("__")),
            )
        )
    result = normalise(table, mapping)
    frame = result.frame
    rows_read = len(table.frame) + len(table.bad_rows)
    notes = list(result.warnings)
    notes.extend(_rejected(path.name, r) for r in result.rejects[:SHOWN_REJECTS])
    if len(frame) == 0:
        first = result.rejects[0] if result.rejects else None
        detail = _rejected(path.name, first) if first else path.name
        raise InvalidInput(
            _(
                "ninguna fila utilizable ({n} rechazadas); la primera: {detail}",
                n=len(result.rejects),
                detail=detail,
            )
        )
    # The unit of each good row: its line back to its row of the table.
    position = np.searchsorted(table.lines, frame["line"].to_numpy())
    units = table.frame[unit_col].to_numpy(dtype=object)[position]
    units = np.array([str(u).strip() for u in units], dtype=object)
    # "7" and "7.0" are the same district (a column read as numbers somewhere upstream).
    units = np.array(
        [u[:-2] if u.endswith(".0") and u[:-2].isdigit() else u for u in units], dtype=object
    )
    empty = units == ""
    rejected = len(result.rejects)
    if empty.any():
        line = int(frame["line"].to_numpy()[np.argmax(empty)])
        notes.append(
            _(
                "{n} filas sin unidad en {col} (la primera: {file}, línea {line}); no se cuentan",
                n=int(empty.sum()),
                col=unit_col,
                file=path.name,
                line=line,
            )
        )
        rejected += int(empty.sum())
    keep = ~empty
    zone = str(result.mapping_used.get("timezone") or "UTC")
    utc = pd.to_datetime(frame["occurred_at"].to_numpy()[keep]).tz_localize("UTC")
    local = utc.tz_convert(zone).tz_localize(None).to_numpy("datetime64[ns]")
    return Events(
        times=local,
        units=units[keep],
        lon=frame["longitude"].to_numpy(float)[keep],
        lat=frame["latitude"].to_numpy(float)[keep],
        rows_read=rows_read,
        rejected=rejected,
        notes=notes,
    )


def _rejected(name: str, r: Reject) -> str:
    """A rejected row in words; its reason is already "es / en": each half goes to its own
    language, not the whole pair into both."""
    halves = r.reason.split(SEPARATOR, 1)
    reasons = dict(zip(LANGS, halves if len(halves) == 2 else [r.reason, r.reason], strict=True))
    return both(
        lambda lang: _(
            "{file}, línea {line}, campo {field}: {reason}",
            lang,
            file=name,
            line=r.line,
            field=r.field,
            reason=reasons[lang],
        )
    )
