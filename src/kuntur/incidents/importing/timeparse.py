"""Read timestamps the way real crime files write them, vectorised.

Formats: ISO 8601 (with or without offset or ``Z``), day-first
``dd/mm/yyyy HH:MM[:SS]`` (Peru, most of the world) and US ``MM/DD/YYYY hh:mm:ss AM``.
``--time-format`` takes ``iso``, ``dayfirst``, ``monthfirst`` or a strptime
pattern. Without it the order is decided on the data: a first number above 12
means day-first, a second above 12 month-first, AM/PM suggests month-first, and
a file that never tells is read day-first with a warning.
Naive times are local to ``timezone``; everything comes out in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _

_ISO = re.compile(r"^\d{4}-\d{1,2}(?:-\d{1,2}|$)")  # full dates, or year-month alone
_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"
_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})")
_SAMPLE = 20_000

_TIME_PARTS = ["%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", ""]


def _slashed_formats(order: str, sep: str, year: str) -> list[str]:
    date = f"%d{sep}%m{sep}{year}" if order == "dayfirst" else f"%m{sep}%d{sep}{year}"
    return [f"{date} {t}".strip() for t in _TIME_PARTS]


@dataclass
class ParsedTimes:
    utc: pd.Series  # datetime64[ns, UTC]; NaT where unreadable
    bad: np.ndarray  # bool: non-empty but unreadable
    missing: np.ndarray  # bool: empty
    format: str
    warning: str | None = None


# The nanosecond times the import works in hold the years 1678 to 2261 (pandas reads a
# year like 1016 or 3016 at a coarser unit, and putting it among them overflowed, which
# failed the whole file). Such a time goes to the edge of that range, where the checks
# after parsing refuse its row in words: before 1900, in the future.
_NS_FIRST = pd.Timestamp("1678-01-01")
_NS_LAST = pd.Timestamp("2261-12-31")


def _within_ns(parsed: pd.Series) -> pd.Series:
    tz = parsed.dt.tz
    first = _NS_FIRST if tz is None else _NS_FIRST.tz_localize(tz)
    last = _NS_LAST if tz is None else _NS_LAST.tz_localize(tz)
    edged = parsed.mask(parsed < first, first).mask(parsed > last, last)
    return edged.dt.as_unit("ns")


def _localise(naive: pd.Series, tz: str) -> pd.Series:
    # Clock changes: a time that happens twice (fall back) is read as the first one,
    # a time that never happened (spring forward) is moved past the gap. Both are
    # real reports with a clock reading, not errors to reject.
    naive = _within_ns(naive)
    first = np.ones(len(naive), dtype=bool)
    return naive.dt.tz_localize(tz, ambiguous=first, nonexistent="shift_forward").dt.tz_convert(
        "UTC"
    )


def _parse_iso(values: pd.Series, tz: str) -> pd.Series:
    has_offset = values.str.contains(_OFFSET, regex=True)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if has_offset.any():
        out[has_offset] = _within_ns(
            pd.to_datetime(values[has_offset], format="ISO8601", utc=True, errors="coerce")
        )
    naive = ~has_offset
    if naive.any():
        parsed = pd.to_datetime(values[naive], format="ISO8601", errors="coerce")
        out[naive] = _localise(parsed, tz)
    return out


def _parse_with(values: pd.Series, formats: list[str], tz: str) -> pd.Series:
    """Try each format on what the previous ones left unread (files mix with/without seconds)."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    todo = values.index
    for fmt in formats:
        if len(todo) == 0:
            break
        parsed = pd.to_datetime(values[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        out[todo[ok.to_numpy()]] = parsed[ok]
        todo = todo[~ok.to_numpy()]
    return _localise(out, tz)


def decide_order(sample: pd.Series) -> tuple[str, str | None]:
    """'dayfirst' or 'monthfirst' for slashed dates, and a warning if the data never says."""
    parts = sample.str.extract(_SLASHED)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    day_first = bool((first > 12).any())
    month_first = bool((second > 12).any())
    if day_first and month_first:
        raise InvalidInput(
            _("las fechas mezclan el orden día-mes y el orden mes-día; indique --time-format")
        )
    if day_first:
        return "dayfirst", None
    if month_first:
        return "monthfirst", None
    if sample.str.contains(r"[AaPp]\.?\s?[Mm]\.?$", regex=True).any():
        return "monthfirst", None
    return "dayfirst", _(
        "las fechas nunca muestran si va primero el día o el mes; se leyeron con el día "
        "primero (dd/mm/aaaa). Indique --time-format monthfirst si no es así"
    )


def parse_times(values: pd.Series, *, time_format: str | None, timezone: str) -> ParsedTimes:
    values = values.astype(str).str.strip()
    missing = (values == "").to_numpy()
    present = values[~missing]
    sample = present.iloc[:_SAMPLE]
    warning = None
    fmt = (time_format or "").strip()
    if fmt.lower() in ("", "auto"):
        if sample.empty or sample.str.match(_ISO).mean() > 0.5:
            fmt = "iso"
        elif sample.str.match(_SLASHED).mean() > 0.5:
            fmt, warning = decide_order(sample)
        else:
            raise InvalidInput(
                _(
                    "no se reconoce el formato de la hora en valores como {value!r}; indique "
                    "--time-format (iso, dayfirst, monthfirst o un patrón como "
                    "'%d.%m.%Y %H:%M')",
                    value=sample.iloc[0],
                )
            )
    fmt_key = fmt.lower()
    # Normalise AM/PM spellings ("p. m.", "pm") so %p can read them.
    if fmt_key != "iso":
        present = present.str.replace(r"\s*([AaPp])\.?\s?[Mm]\.?$", r" \1M", regex=True).str.upper()
    if fmt_key == "iso":
        parsed = _parse_iso(present, timezone)
    elif fmt_key in ("dayfirst", "monthfirst"):
        seps = sample.str.extract(r"^\d{1,2}([/.-])")[0].dropna()
        sep = seps.iloc[0] if len(seps) else "/"
        year_len = sample.str.extract(_SLASHED)[2].dropna().str.len().max()
        year = "%y" if year_len == 2 else "%Y"
        parsed = _parse_with(present, _slashed_formats(fmt_key, sep, year), timezone)
    else:
        parsed = _parse_with(present, [fmt], timezone)
    utc = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    utc[present.index] = parsed
    bad = (~missing) & utc.isna().to_numpy()
    return ParsedTimes(utc=utc, bad=bad, missing=missing, format=fmt, warning=warning)


def compose_from_parts(frame: pd.DataFrame, cols: dict[str, str], timezone: str) -> ParsedTimes:
    """Times spread over YEAR, MONTH, DAY[, HOUR, MINUTE] columns (e.g. Vancouver's files)."""
    parts = {k: pd.to_numeric(frame[c].str.strip(), errors="coerce") for k, c in cols.items()}
    missing = parts["year"].isna().to_numpy()
    for k in ("hour", "minute"):
        parts.setdefault(k, pd.Series(0, index=frame.index))
        parts[k] = parts[k].fillna(0)
    naive = pd.to_datetime(pd.DataFrame(parts), errors="coerce")
    utc = _localise(naive, timezone)
    bad = (~missing) & utc.isna().to_numpy()
    return ParsedTimes(
        utc=utc, bad=bad, missing=missing, format="columns:" + ",".join(cols.values())
    )
