"""Messages in two languages: Spanish first (the command's working language), English second.

Every domain keeps its own texts as ``(spanish, english)`` pairs; ``render`` fills them in.
"""

from __future__ import annotations


def render(pair: tuple[str, str], lang: str | None = None, **values: object) -> str:
    """``pair`` with its values filled in, in ``lang``; with no ``lang`` (API answers, which
    know no page language), Spanish first, then English: "es / en". A count ``n`` also sets
    ``s`` to the plural ending (both languages make these plurals with an "s")."""
    if "n" in values:
        values["s"] = "" if values["n"] == 1 else "s"
    es, en = (text.format(**values) for text in pair)
    if lang is None:
        return f"{es} / {en}"
    return es if lang == "es" else en
