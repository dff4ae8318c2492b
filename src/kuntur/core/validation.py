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

from kuntur.core.i18n import N_, _

# Each message once, with the context value it shows (if any), and the pydantic error
# types it answers (several types say the same thing: a date given as text, as a number,
# as a datetime...).
_MESSAGES: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    (N_("falta este dato"), None, ("missing",)),
    (N_("debe tener al menos {min_length} caracteres"), "min_length", ("string_too_short",)),
    (N_("debe tener como mucho {max_length} caracteres"), "max_length", ("string_too_long",)),
    (N_("no tiene la forma esperada"), None, ("string_pattern_mismatch",)),
    (N_("debe ser un texto"), None, ("string_type",)),
    (N_("debe tener al menos {min_length} elementos"), "min_length", ("too_short",)),
    (N_("debe tener como mucho {max_length} elementos"), "max_length", ("too_long",)),
    (N_("debe ser un número entero"), None, ("int_parsing", "int_type", "int_from_float")),
    (N_("debe ser un número"), None, ("float_parsing", "float_type")),
    (N_("debe ser un número finito"), None, ("finite_number",)),
    (N_("debe ser sí o no (true o false)"), None, ("bool_parsing", "bool_type")),
    (N_("debe ser mayor que {gt}"), "gt", ("greater_than",)),
    (N_("debe ser al menos {ge}"), "ge", ("greater_than_equal",)),
    (N_("debe ser menor que {lt}"), "lt", ("less_than",)),
    (N_("debe ser como mucho {le}"), "le", ("less_than_equal",)),
    (
        N_("no es una fecha AAAA-MM-DD"),
        None,
        ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type"),
    ),
    (
        N_("no es una fecha y hora (AAAA-MM-DDTHH:MM)"),
        None,
        ("datetime_parsing", "datetime_from_date_parsing", "datetime_type"),
    ),
    (N_("debe ser uno de: {expected}"), "expected", ("literal_error", "enum")),
    (N_("el cuerpo no es JSON válido"), None, ("json_invalid",)),
    (N_("debe ser un objeto JSON"), None, ("model_attributes_type", "dict_type")),
    (N_("debe ser una lista"), None, ("list_type",)),
    (N_("no es un dato que se acepte aquí"), None, ("extra_forbidden",)),
    (N_("no es un identificador válido"), None, ("uuid_parsing",)),
)


def _say(msgid: str, key: str | None) -> Callable[[Mapping[str, Any]], str]:
    if key is None:
        return lambda ctx: _(msgid)
    return lambda ctx: _(msgid, **{key: ctx.get(key, "")})


# pydantic's error type -> the message with its context's values.
WORDS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    kind: _say(msgid, key) for msgid, key, kinds in _MESSAGES for kind in kinds
}

# What pydantic's own error of a type carries; one raised by Kuntur's validators under
# the same type (PydanticCustomError) without it is already in words, and kept.
NEEDS = {kind: key for _msgid, key, kinds in _MESSAGES if key for kind in kinds}


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
