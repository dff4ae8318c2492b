"""The Peruvian name matcher against a labelled benchmark of 2,080 pairs, and by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from kuntur.intelligence.namebench import baseline, evaluate
from kuntur.intelligence.names import parse, phonetic, score

PAIRS = Path(__file__).parent / "name_pairs.csv"


def load() -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
    with PAIRS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return (
        [(r["name_a"], r["name_b"]) for r in rows],
        np.array([r["same"] == "1" for r in rows]),
        np.array([r["category"] for r in rows]),
    )


def test_benchmark_is_big_and_balanced() -> None:
    pairs, same, cats = load()
    assert len(pairs) >= 2000 and len(set(cats)) >= 12
    assert 0.4 < same.mean() < 0.7


def test_matcher_beats_the_plain_baseline() -> None:
    pairs, same, cats = load()
    scores, ours = evaluate(pairs, same)
    _b, base = evaluate(pairs, same, baseline)
    assert ours["f1"] >= 0.95 and ours["f1"] > base["f1"] + 0.1, (ours, base)
    pred = scores >= ours["threshold"]
    for cat in (
        "swapped_surnames",
        "different_father",
        "a_o",
        "nickname",
        "quechua_spelling",
        "dropped_maternal",
    ):
        m = cats == cat
        assert (pred[m] == same[m]).mean() >= 0.95, cat


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("José Luis Pérez García", "JOSE LUIS PEREZ GARCIA", True),
        ("José Luis Pérez García", "Pepe Pérez", True),
        ("PÉREZ GARCÍA, José Luis", "José Luis Pérez García", True),
        ("Juan Huamán Quispe", "Juan Guamán Quispe", True),
        ("Yeferson Ccori Mamani", "Jefferson Cori Mamani", True),
        ("José Luis Pérez García", "José Luis García Pérez", False),
        ("María Quispe Mamani", "Mario Quispe Mamani", False),
        ("José Luis Pérez García", "Carlos Pérez García", False),
    ],
)
def test_by_hand(a: str, b: str, same: bool) -> None:
    assert (score(a, b) >= 0.6) is same, score(a, b)


def test_parsing_and_sounds() -> None:
    assert parse("José Luis Pérez") == parse("José Luis Pérez")
    assert parse("José Luis Pérez").paternal == "perez"
    assert parse("José Pérez García").maternal == "garcia"
    assert phonetic("Huamán") == phonetic("Guamán") and phonetic("Ccori") == phonetic("Cori")
    assert phonetic("Vilma") == phonetic("Bilma") and phonetic("Rojas") != phonetic("Rosas")


def test_score_names_cli(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from kuntur.cli import app

    f = tmp_path / "pairs.csv"
    f.write_text(
        'name_a,name_b,same\nJosé Pérez García,"PEREZ GARCIA, José",1\n,Ana,1\n'
        "María Rojas Soto,Mario Rojas Soto,0\n",
        encoding="utf-8",
    )
    r = CliRunner().invoke(app, ["intel", "score-names", str(f), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert [p["line"] for p in out["pairs"]] == [2, 4] and out["skipped_lines"] == [3]
    assert out["pairs"][0]["score"] > 0.9 > out["pairs"][1]["score"]
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\nx,y\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["intel", "score-names", str(bad)])
    assert r.exit_code != 0 and "name_a" in r.output
