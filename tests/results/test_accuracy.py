"""The evaluation against the outside evaluation's bar, on random designs on real data:
Chicago's aggravated assaults 2010-2019 (22 districts, tests/results/data), a known share
of the treated districts' events removed at random after a random start, the way an
outside evaluator injects an effect (benchmarks/results_accuracy.py draws the designs;
docs/results.md has the figures over hundreds of them).

The bar is "within 4 percentage points of the truth, the truth inside the 95 % interval,
no effect where none was injected". On random designs no method meets the first part
every time: a district drifts from every comparison by several points over a year or two
for reasons of its own (Chicago's downtown district doubled its share of the city's
assaults from 2010 to 2019), and that drift is in the error of any estimate built from
the other districts. What is asserted: most designs within the 4 points, the error far
below a plain before/after's, and intervals honest about the rest (the truth inside the
95 % interval, zero inside it when nothing was removed)."""

from __future__ import annotations

import pytest

from benchmarks.results_accuracy import BAR, draw_designs, run_designs, summary


@pytest.fixture(scope="module")
def outcomes():  # type: ignore[no-untyped-def]
    # 28 designs of 2 to 6 years and 12 on the whole ten years (the longest post-periods,
    # where the drift is largest); seeds fixed, so the run is the same every time.
    return run_designs(draw_designs(28, 118) + draw_designs(12, 218, whole=True))


def test_the_estimate_is_mostly_within_the_bar_and_well_ahead_of_before_after(outcomes) -> None:
    s = summary(outcomes)
    assert s["median_error"] < BAR, s
    assert s["within_bar"] >= 0.6, s  # 0.675 as shipped; 0.575 before the recency level
    assert s["p90_error"] < 0.10, s
    assert s["median_error"] < 0.6 * s["before_after_median"], s


def test_the_95_interval_covers_the_truth(outcomes) -> None:
    s = summary(outcomes)
    # 0.975 as shipped; the conformal interval alone covered 0.825 of these designs.
    assert s["coverage95"] >= 0.9, s
    for o in outcomes:
        assert o.ci95[0] <= o.effect <= o.ci95[1]


def test_a_placebo_shows_no_effect(outcomes) -> None:
    nulls = [o for o in outcomes if o.spec.share == 0]
    assert len(nulls) >= 8
    # Nothing removed: the 95 % interval covers zero (it missed in 2 of these 10 designs
    # with the conformal interval alone).
    missed = [o for o in nulls if not o.ci95[0] <= 0 <= o.ci95[1]]
    assert len(missed) <= len(nulls) // 10, missed
