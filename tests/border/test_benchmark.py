"""The labelled screening benchmark (kept here, generated deterministically): 2,000
travellers against 20,000 listed persons, every category of change and of namesake;
precision, recall and F1 at the best threshold for Kuntur and for the baseline (rapidfuzz
token-set on names plus a bonus for an agreeing birth date and document)."""

from __future__ import annotations

from collections import Counter

import pytest

from kuntur.border import bench
from kuntur.border.matching import THRESHOLD, PersonIndex, Traveller


@pytest.fixture(scope="module")
def labelled() -> tuple[PersonIndex, list[bench.Case], bench.Baseline]:
    people, idents = bench.watchlist(20_000)
    cases = bench.travellers(people, idents, 2_000)
    return PersonIndex(people), cases, bench.Baseline(people)


def _kuntur(idx: PersonIndex):  # type: ignore[no-untyped-def]
    def best(t: Traveller) -> tuple[str | None, float]:
        hits = idx.screen(t, threshold=0.0, limit=1)
        return (hits[0].entry_id, hits[0].score) if hits else (None, 0.0)

    return best


def test_benchmark_covers_every_category(
    labelled: tuple[PersonIndex, list[bench.Case], bench.Baseline],
) -> None:
    idx, cases, _ = labelled
    assert len(idx) == 20_000 and len(cases) == 2_000
    seen = Counter(c.category for c in cases)
    assert set(seen) == set(bench.POSITIVE) | set(bench.NEGATIVE)
    assert sum(1 for c in cases if c.truth) == 1_000


def test_benchmark_is_deterministic() -> None:
    a, ia = bench.watchlist(200)
    b, ib = bench.watchlist(200)
    assert a == b
    assert bench.travellers(a, ia, 50) == bench.travellers(b, ib, 50)


def test_kuntur_beats_the_baseline(
    labelled: tuple[PersonIndex, list[bench.Case], bench.Baseline],
) -> None:
    idx, cases, baseline = labelled
    truths = [c.truth for c in cases]
    ours = bench.run(_kuntur(idx), cases)
    theirs = bench.run(baseline.best, cases)
    k = bench.best_threshold(ours, truths)
    b = bench.best_threshold(theirs, truths)
    at_default = bench.at_threshold(ours, truths, THRESHOLD)
    print(f"\nkuntur {k}\nkuntur at {THRESHOLD}: {at_default}\nbaseline {b}")
    assert k["f1"] >= 0.99, k
    assert at_default["f1"] >= 0.99, at_default  # the default threshold is near the best
    assert k["f1"] > b["f1"]
    assert 0.9 < b["f1"] < 0.99  # the baseline is a real one, not a straw man


def test_no_category_is_left_behind(
    labelled: tuple[PersonIndex, list[bench.Case], bench.Baseline],
) -> None:
    idx, cases, _ = labelled
    best = _kuntur(idx)
    wrong: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for c in cases:
        eid, score = best(c.traveller)
        total[c.category] += 1
        hit = score >= THRESHOLD
        if (c.truth and not (hit and eid == c.truth)) or (not c.truth and hit):
            wrong[c.category] += 1
    for cat, n in total.items():
        assert wrong[cat] / n <= 0.03, (cat, wrong[cat], n)
