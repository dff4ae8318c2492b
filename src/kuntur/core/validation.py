"""A request's shape refused (FastAPI's 422), in words: Spanish, then English.

pydantic explains a refused field in English ("String should have at least 3
characters"), which every form then showed to a Spanish-speaking user. The answer keeps
pydantic's shape (``detail``: a list of ``{loc, msg, type, ...}``, what API clients read)
with ``msg`` in both languages ("es / en", as every reason of the service), so that the
page shows its half. A kind of error not listed here keeps pydantic's own words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kuntur.core.i18n import _

# pydantic's error type -> the message with its context's values.
WORDS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda c: _("falta este dato"),
    "string_too_short": lambda c: _(
        "debe tener al menos {min_length} caracteres", min_length=c.get("min_length", 1)
    ),
    "string_too_long": lambda c: _(
        "debe tener como mucho {max_length} caracteres", max_length=c.get("max_length")
    ),
    "string_pattern_mismatch": lambda c: _("no tiene la forma esperada"),
    "string_type": lambda c: _("debe ser un texto"),
    "too_short": lambda c: _(
        "debe tener al menos {min_length} elementos", min_length=c.get("min_length", 1)
    ),
    "too_long": lambda c: _(
        "debe tener como mucho {max_length} elementos", max_length=c.get("max_length")
    ),
    "int_parsing": lambda c: _("debe ser un número entero"),
    "int_type": lambda c: _("debe ser un número entero"),
    "int_from_float": lambda c: _("debe ser un número entero"),
    "float_parsing": lambda c: _("debe ser un número"),
    "float_type": lambda c: _("debe ser un número"),
    "finite_number": lambda c: _("debe ser un número finito"),
    "bool_parsing": lambda c: _("debe ser sí o no (true o false)"),
    "bool_type": lambda c: _("debe ser sí o no (true o false)"),
    "greater_than": lambda c: _("debe ser mayor que {gt}", gt=c.get("gt", "")),
    "greater_than_equal": lambda c: _("debe ser al menos {ge}", ge=c.get("ge", "")),
    "less_than": lambda c: _("debe ser menor que {lt}", lt=c.get("lt", "")),
    "less_than_equal": lambda c: _("debe ser como mucho {le}", le=c.get("le", "")),
    "date_parsing": lambda c: _("no es una fecha AAAA-MM-DD"),
    "date_from_datetime_parsing": lambda c: _("no es una fecha AAAA-MM-DD"),
    "date_from_datetime_inexact": lambda c: _("no es una fecha AAAA-MM-DD"),
    "date_type": lambda c: _("no es una fecha AAAA-MM-DD"),
    "datetime_parsing": lambda c: _("no es una fecha y hora (AAAA-MM-DDTHH:MM)"),
    "datetime_from_date_parsing": lambda c: _("no es una fecha y hora (AAAA-MM-DDTHH:MM)"),
    "datetime_type": lambda c: _("no es una fecha y hora (AAAA-MM-DDTHH:MM)"),
    "literal_error": lambda c: _("debe ser uno de: {expected}", expected=c.get("expected", "")),
    "enum": lambda c: _("debe ser uno de: {expected}", expected=c.get("expected", "")),
    "json_invalid": lambda c: _("el cuerpo no es JSON válido"),
    "model_attributes_type": lambda c: _("debe ser un objeto JSON"),
    "dict_type": lambda c: _("debe ser un objeto JSON"),
    "list_type": lambda c: _("debe ser una lista"),
    "extra_forbidden": lambda c: _("no es un dato que se acepte aquí"),
    "uuid_parsing": lambda c: _("no es un identificador válido"),
}


# What pydantic's own error of a type carries; one raised by Kuntur's validators under
# the same type (PydanticCustomError) without it is already in words, and kept.
NEEDS = {
    "string_too_short": "min_length",
    "string_too_long": "max_length",
    "too_short": "min_length",
    "too_long": "max_length",
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
    "literal_error": "expected",
    "enum": "expected",
}


def in_words(errors: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``errors`` (pydantic's, as FastAPI gives them) with their ``msg`` in words."""
    out = []
    for e in errors:
        kind = str(e.get("type"))
        ctx = e.get("ctx") or {}
        say = WORDS.get(kind)
        msg = str(e.get("msg", ""))
        if say is not None and (kind not in NEEDS or NEEDS[kind] in ctx):
            msg = say(ctx)
        elif msg.startswith("Value error, "):  # our own validators' reasons, already in words
            msg = msg.removeprefix("Value error, ")
        out.append({**e, "msg": msg})
    return out
