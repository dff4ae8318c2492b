"""Files people open in a spreadsheet: cells that cannot run as formulas.

A value from an imported file (a rejected row's text, a name) that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and LibreOffice as a
formula ("CSV injection", OWASP). Such a cell is written with a leading apostrophe,
which spreadsheets show as text and which a reader can still see was added.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value``, made inert for a spreadsheet if it is text that would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: list[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
