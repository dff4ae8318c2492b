"""`kuntur public release --period YYYY-MM --epsilon E [--json]`: the exact flags, the JSON
keys docs/public.md lists, and bad input (a bad period, an epsilon that is not a number
above 0, a month inside the holdback, a budget that does not cover it): one Spanish-first
line on standard error, exit code 2, nothing written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.audit.models import AuditEvent
from kuntur.cli import app
from kuntur.config import Settings
from kuntur.public import service
from kuntur.public.models import PrivacyBudget, StatCell, StatRelease
from tests.public.helpers import month_start, period, put_incidents

runner = CliRunner()
KEYS = {
    "release_id",
    "period",
    "epsilon",
    "mechanism",
    "scale",
    "ci95",
    "min_count",
    "year",
    "budget",
    "spent",
    "left",
    "covers_from",
    "covers_until",
    "counts",
    "district_totals",
}


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, ["public", *args], env={"COLUMNS": "300"})
    assert r.exception is None or isinstance(r.exception, SystemExit)  # never a traceback
    return r.exit_code, r.stdout, r.stderr


def nothing_written(engine: Engine) -> bool:
    with Session(engine) as db:
        return all(
            (db.scalar(select(func.count()).select_from(t)) or 0) == 0
            for t in (StatRelease, StatCell, PrivacyBudget, AuditEvent)
        )


def test_release_json_contract(engine: Engine, cli_env: Settings) -> None:
    put_incidents(engine, {("150101", "theft"): 20}, month_start(2) + timedelta(days=2))
    p = period(2)
    code, out, err = run("release", "--period", p, "--epsilon", "0.5", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert set(got) == KEYS
    assert got["period"] == p and got["epsilon"] == 0.5 and got["scale"] == 2.0
    assert got["mechanism"] == "discrete_laplace" and got["ci95"] == 6
    assert (got["budget"], got["spent"], got["left"]) == (4.0, 0.5, 3.5)
    assert len(got["counts"]) == len(service.districts()) * len(service.CATEGORIES)
    assert set(got["counts"][0]) == {"district", "category", "noisy_count", "shown"}
    assert got["district_totals"]["150101"] == sum(
        c["noisy_count"] for c in got["counts"] if c["district"] == "150101"
    )
    # Without --json: the figures, epsilon, the budget spent and left, in words.
    code, out, err = run("release", "--period", period(3), "--epsilon", "1")
    assert code == 0, err
    assert f"Publicado {period(3)}: ε = 1.0" in out
    assert "gastado ε = 1.5 de 4.0, quedan ε = 2.5" in out
    code, out, _ = run("ledger", "--json")
    assert code == 0 and json.loads(out)["years"][0]["spent"] == 1.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "2026-13", "--epsilon", "1"), "periodo no válido"),
        (("--period", "2026/05", "--epsilon", "1"), "periodo no válido"),
        (("--period", "mayo", "--epsilon", "1"), "periodo no válido"),
        (("--period", "{p}", "--epsilon", "0"), "épsilon no válido"),
        (("--period", "{p}", "--epsilon", "-0.5"), "épsilon no válido"),
        (("--period", "{p}", "--epsilon", "uno"), "épsilon no válido"),
        (("--period", "{p}", "--epsilon", "nan"), "épsilon no válido"),
        (("--period", "{p}", "--epsilon", "inf"), "épsilon no válido"),
        (("--period", "{p}", "--epsilon", "4.5"), "presupuesto de privacidad agotado"),
        (("--period", "{now}", "--epsilon", "1"), "aún no puede publicarse"),
    ],
)
def test_bad_input_exits_2_in_words_and_writes_nothing(
    engine: Engine, cli_env: Settings, args: tuple[str, ...], message: str
) -> None:
    filled = [a.format(p=period(2), now=period(0)) for a in args]
    code, out, err = run("release", *filled, "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("Error: ") and message in err
    assert " / " in err  # Spanish first, then English
    assert nothing_written(engine)


def test_the_flags_are_required(cli_env: Settings) -> None:
    code, _out, err = run("release", "--period", "2026-01")
    assert code == 2 and "--epsilon" in err
