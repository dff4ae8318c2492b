"""`kuntur intel ...`: link stored reports into networks; list networks."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from sqlalchemy.orm import Session

from kuntur.core.cli_support import console, engine, fail
from kuntur.core.context import RequestContext
from kuntur.core.errors import Forbidden
from kuntur.core.exports import safe_row
from kuntur.core.i18n import _
from kuntur.identity.actor import Actor
from kuntur.intelligence import service
from kuntur.intelligence.manifest import MANIFEST

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)


@app.command(
    "index",
    help=_(
        "Extraer identificadores de cada denuncia de extorsión, secuestro y homicidio, y "
        "vincularlos."
    ),
)
def index() -> None:
    """Extract identifiers from every extortion, kidnapping and homicide report and link them."""
    with Session(engine()) as db, db.begin():
        n = service.index_all(Actor(db, RequestContext.system("intel")))
    console.print(_("Vínculos registrados: {n}", n=n), highlight=False)


@app.command(
    "networks",
    help=_(
        "Redes ordenadas por tamaño, crecimiento, violencia y actualidad; --purpose "
        "nombra un caso abierto (la línea de comandos actúa como el sistema: no se pide "
        "ser miembro)."
    ),
)
def networks_cmd(
    purpose: Annotated[
        str,
        typer.Option(
            help=_("el número de un caso abierto: por qué consulta (verificado, auditado)")
        ),
    ],
    min_reports: Annotated[int, typer.Option(min=1)] = 2,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Networks ranked by size, growth, violence and recency; --purpose names an open case
    (the command line acts as the system, so membership is not asked)."""
    ctx = RequestContext.system("intel", purpose=purpose)
    try:
        with Session(engine()) as db, db.begin():
            rows = service.list_networks(Actor(db, ctx), min_reports=min_reports)
    except Forbidden as exc:  # not an open case: say what to give instead
        fail(str(exc))
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        print(
            f"{r['network']}\t{r['reports']} reportes\t{r['growth']:+d} en 30 días\t"
            f"{r['violent_reports']} violentos\túltimo {r['last_report_at']}"
        )


@app.command(
    "score-names",
    help=_(
        "Puntuar cada par con el comparador de nombres de Kuntur (0-1), para fijar su "
        "propio umbral."
    ),
)
def score_names(
    file: Annotated[Path, typer.Argument(help=_("CSV con columnas name_a,name_b (UTF-8)"))],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Score each pair with Kuntur's name matcher (0-1), so you can set your own threshold.

    A ``same`` column (1/0), if present, is used to report the best threshold's precision,
    recall and F1 for the matcher and for a plain token-sort baseline.
    """
    from kuntur.intelligence.namebench import baseline, best_threshold
    from kuntur.intelligence.names import score

    try:
        with file.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"name_a", "name_b"} - set(reader.fieldnames or [])
            if missing:
                fail(
                    _(
                        "{path}: faltan columnas: {columns}",
                        path=file,
                        columns=", ".join(sorted(missing)),
                    )
                )
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: {exc}")
    out: list[dict[str, Any]] = []
    bad: list[int] = []
    for line, r in enumerate(rows, start=2):
        a, b = (r.get("name_a") or "").strip(), (r.get("name_b") or "").strip()
        if not a or not b:
            bad.append(line)
            continue
        out.append({"line": line, "name_a": a, "name_b": b, "score": score(a, b)})
    if as_json:
        print(json.dumps({"pairs": out, "skipped_lines": bad}, ensure_ascii=False))
    else:
        w = csv.writer(sys.stdout)
        w.writerow(["name_a", "name_b", "score"])
        for o in out:
            w.writerow(safe_row([o["name_a"], o["name_b"], f"{o['score']:.4f}"]))
    if bad:
        warning = _("Aviso:")
        skipped = _(
            "{n} filas sin nombre omitidas (líneas {lines})",
            n=len(bad),
            lines=", ".join(map(str, bad[:10])),
        )
        console.print(f"[yellow]{warning}[/] {skipped}", highlight=False)
    if rows and "same" in rows[0] and out:
        labelled = [(o, rows[o["line"] - 2]["same"].strip()) for o in out]
        labelled = [(o, s) for o, s in labelled if s in ("0", "1")]
        if labelled:
            same = np.array([s == "1" for _, s in labelled])
            ours = best_threshold(np.array([o["score"] for o, _ in labelled]), same)
            base = best_threshold(
                np.array([baseline(o["name_a"], o["name_b"]) for o, _ in labelled]), same
            )
            for nm, m in (("kuntur", ours), ("token-sort", base)):
                threshold = _("umbral {value:.3f}", value=m["threshold"])
                console.print(
                    f"{nm}: {threshold}  P {m['precision']:.3f}  "
                    f"R {m['recall']:.3f}  F1 {m['f1']:.3f}",
                    highlight=False,
                )
