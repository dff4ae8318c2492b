"""`kuntur intel ...`: link stored reports into networks; list networks."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from kuntur.core.cli_support import console, engine
from kuntur.core.context import RequestContext
from kuntur.intelligence import service

app = typer.Typer(help="Inteligencia: vincular reportes en redes.", no_args_is_help=True)


@app.command("index")
def index() -> None:
    """Extract identifiers from every extortion, kidnapping and homicide report and link them."""
    with Session(engine()) as db, db.begin():
        n = service.index_all(db, RequestContext.system("intel"))
    console.print(f"Vínculos registrados: {n}", highlight=False)


@app.command("networks")
def networks_cmd(
    purpose: Annotated[str, typer.Option(help="case number: why you look (audited)")],
    min_reports: Annotated[int, typer.Option(min=1)] = 2,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Networks ranked by size, growth, violence and recency."""
    ctx = RequestContext.system("intel", purpose=purpose)
    with Session(engine()) as db, db.begin():
        rows = service.list_networks(db, ctx, min_reports=min_reports)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        print(
            f"{r['network']}\t{r['reports']} reportes\t{r['growth']:+d} en 30 días\t"
            f"{r['violent_reports']} violentos\túltimo {r['last_report_at']}"
        )
