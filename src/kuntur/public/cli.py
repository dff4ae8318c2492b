"""`kuntur public ...`: make a statistics release (and spend its epsilon), read the ledger.

`kuntur public release --period YYYY-MM --epsilon E [--json]` prints the noisy counts, the
epsilon, the year's budget spent and left. Bad input (a bad period, an epsilon that is not
a number above 0, a month not over plus the holdback, a month already released, a budget
that does not cover it) is one line on standard error, Spanish first, exit code 2, and
nothing written.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, NoReturn

import typer

from kuntur.core.i18n import _
from kuntur.public.manifest import MANIFEST

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
Opt = typer.Option


@app.callback()
def _group() -> None:
    """Public statistics and alerts."""


def fail(message: str) -> NoReturn:
    """The error on one line of standard error (scripts read it), exit 2."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


def release_json(out: dict[str, Any]) -> dict[str, Any]:
    """The ``--json`` answer (docs/public.md lists its keys)."""
    return {
        "release_id": out["id"],
        "period": out["period"],
        "epsilon": out["epsilon"],
        "mechanism": out["mechanism"],
        "scale": out["scale"],
        "ci95": out["ci95"],
        "min_count": out["min_count"],
        "year": out["year"],
        "budget": out["year_budget"],
        "spent": out["spent"],
        "left": out["left"],
        "covers_from": out["covers_from"],
        "covers_until": out["covers_until"],
        "counts": [
            {
                "district": c["district"],
                "category": c["category"],
                "noisy_count": c["noisy_count"],
                "shown": c["shown"],
            }
            for c in out["cells"]
        ],
        "district_totals": {d["district"]: d["noisy_total"] for d in out["districts"]},
    }


@app.command(
    "release",
    help=_(
        "Publicar las cifras de un mes con privacidad diferencial (ruido de Laplace discreto, "
        "OpenDP) y gastar su épsilon del presupuesto anual."
    ),
)
def release_cmd(
    period: Annotated[str, Opt("--period", help=_("el mes, AAAA-MM (hora de Lima)"))],
    epsilon: Annotated[
        str, Opt("--epsilon", help=_("épsilon de esta publicación, mayor que 0 (p. ej. 0.5)"))
    ],
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el resultado como JSON"))] = False,
) -> None:
    """Release one month's counts with differential privacy and spend its epsilon."""
    from kuntur.public import privacy

    try:  # checked before the store is opened: bad input writes nothing
        month = privacy.parse_period(period)
        eps = privacy.parse_epsilon(epsilon)
    except privacy.ReleaseRefused as exc:
        fail(str(exc))

    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.identity.actor import system
    from kuntur.public import service

    try:
        with Session(engine()) as db, db.begin():
            actor = system(db, "public release")
            made = service.make_release(actor, period=str(month), epsilon=eps)
            out = service.release_out(made, service.cells_of(db, made), "es")
    except (privacy.ReleaseRefused, KunturError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(release_json(out), ensure_ascii=False))
        return
    typer.echo(
        _(
            "Publicado {period}: ε = {eps}, escala b = {scale:.4g}, intervalo del 95 % por "
            "celda ± {ci}",
            period=out["period"],
            eps=out["epsilon"],
            scale=out["scale"],
            ci=out["ci95"],
        )
    )
    typer.echo(
        _(
            "Presupuesto {year}: gastado ε = {spent} de {budget}, quedan ε = {left}",
            year=out["year"],
            spent=out["spent"],
            budget=out["year_budget"],
            left=out["left"],
        )
    )
    for d in out["districts"]:
        typer.echo(f"  {d['district']}  {d['district_name']:<32} {d['shown']!s:>6}  ± {d['ci95']}")


@app.command("ledger", help=_("Mostrar el registro de publicaciones y el presupuesto gastado."))
def ledger_cmd(
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el resultado como JSON"))] = False,
) -> None:
    """Show every release with its epsilon and the year's cumulative spend."""
    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.public import service

    with Session(engine()) as db:
        out = service.ledger(db)
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    for e in out["releases"]:
        typer.echo(f"{e['period']}  ε = {e['epsilon']:<8} {e['cumulative']:>8}  {e['created_at']}")
    for y in out["years"]:
        typer.echo(
            _(
                "{year}: gastado ε = {spent} de {budget}, quedan {left}",
                year=y["year"],
                spent=y["spent"],
                budget=y["budget"],
                left=y["left"],
            )
        )
