"""The column-mapping flags, declared once for every command that reads incident files.

`kuntur incidents import` and `kuntur forecast evaluate` read the same files
with the same flags. ``with_mapping_options`` adds the flags to a Typer command
and hands it a ready ``ColumnMapping`` and ``ReadOptions`` instead, so the
flags, their help and their checks live here only.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from kuntur.core.cli_support import fail
from kuntur.core.errors import KunturError
from kuntur.core.i18n import _
from kuntur.incidents.categories import Category
from kuntur.incidents.importing.normalise import ColumnMapping
from kuntur.incidents.importing.service import read_category_map

Opt = typer.Option


@dataclass(frozen=True)
class ReadOptions:
    """How to read the file itself (the mapping says what its columns mean)."""

    delimiter: str | None = None
    encoding: str | None = None
    layer: str | None = None


_FLAGS: list[tuple[str, Any, Any]] = [
    ("time_col", Annotated[str | None, Opt(help=_("columna de la fecha y hora"))], None),
    (
        "time_of_day_col",
        Annotated[
            str | None, Opt(help=_("columna aparte de la hora del día (HH:MM o HHMM), si la hay"))
        ],
        None,
    ),
    ("lat_col", Annotated[str | None, Opt(help=_("columna de la latitud (grados)"))], None),
    ("lon_col", Annotated[str | None, Opt(help=_("columna de la longitud (grados)"))], None),
    ("x_col", Annotated[str | None, Opt(help=_("columna X proyectada (con --crs)"))], None),
    ("y_col", Annotated[str | None, Opt(help=_("columna Y proyectada (con --crs)"))], None),
    (
        "crs",
        Annotated[
            str | None, Opt(help=_("sistema de coordenadas de --x-col/--y-col, p. ej. EPSG:32718"))
        ],
        None,
    ),
    ("category_col", Annotated[str | None, Opt(help=_("columna de la etiqueta del delito"))], None),
    (
        "category_map",
        Annotated[Path | None, Opt(help=_("CSV o JSON: etiqueta -> código de categoría"))],
        None,
    ),
    (
        "category",
        Annotated[
            Category, Opt(help=_("categoría cuando el archivo no tiene columna de etiqueta"))
        ],
        Category.OTHER,
    ),
    ("id_col", Annotated[str | None, Opt(help=_("columna del id propio de la fuente"))], None),
    ("address_col", Annotated[str | None, Opt(help=_("columna de la dirección"))], None),
    ("narrative_col", Annotated[str | None, Opt(help=_("columna del relato"))], None),
    (
        "time_format",
        Annotated[str | None, Opt(help=_("iso | dayfirst | monthfirst | un patrón de strptime"))],
        None,
    ),
    (
        "timezone",
        Annotated[
            str | None,
            Opt(
                help=_(
                    "zona de las horas escritas sin desfase (por omisión America/Lima, o la zona "
                    "donde están los puntos cuando la mayoría está fuera del Perú)"
                )
            ),
        ],
        None,
    ),
    ("delimiter", Annotated[str | None, Opt(help=_("reemplaza el delimitador detectado"))], None),
    (
        "decimal",
        Annotated[str | None, Opt(help=_("reemplaza el separador decimal detectado: . o ,"))],
        None,
    ),
    ("encoding", Annotated[str | None, Opt(help=_("reemplaza la codificación detectada"))], None),
    (
        "layer",
        Annotated[str | None, Opt(help=_("capa del GeoPackage (por omisión: la primera)"))],
        None,
    ),
]
_READ = {"delimiter", "encoding", "layer"}


def build_mapping(values: dict[str, Any]) -> ColumnMapping:
    """The mapping from the flags' values; a clear CLI error for values that cannot work."""
    if values["decimal"] not in (None, ".", ","):
        fail(_("--decimal debe ser '.' o ','"))
    try:
        if values["timezone"] is not None:
            ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        fail(
            _(
                "--timezone {zone!r} no es el nombre de una zona horaria (p. ej. America/Lima)",
                zone=values["timezone"],
            )
        )
    try:
        cmap = values["category_map"]
        return ColumnMapping(
            **{
                k: v
                for k, v in values.items()
                if k not in _READ and k not in ("category_map", "category")
            },
            category_map=read_category_map(cmap) if cmap else {},
            default_category=values["category"].value,
        )
    except (KunturError, OSError, ValueError) as exc:
        fail(str(exc))


F = TypeVar("F", bound=Callable[..., Any])


def with_mapping_options(func: F) -> F:
    """Give a command the mapping flags; it receives ``mapping`` and ``read`` instead."""
    sig = inspect.signature(func, eval_str=True)
    own = [p for p in sig.parameters.values() if p.name not in ("mapping", "read")]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
        for name, ann, default in _FLAGS
    ]
    names = [name for name, _, _ in _FLAGS]

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        values = {n: kwargs.pop(n) for n in names}
        read = ReadOptions(**{k: values[k] for k in _READ})
        return func(**kwargs, mapping=build_mapping(values), read=read)

    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + added
    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper  # type: ignore[return-value]
