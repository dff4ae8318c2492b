"""Results benchmark (issue 18): the whole evaluation of one intervention on a 10-year
weekly panel of 50 districts (522 weeks), target under 10 s.

The panel is simulated with a known truth (two common factors, a yearly season, a trend
per district, Poisson counts around 20 a week per district), 3 districts treated from
week 400 with 20 % of their events removed at random; one placebo panel with no effect.
"The whole evaluation" is what ``kuntur results evaluate`` computes: the synthetic
control with its shrinkage chosen on the pre-period, its 90 % and 95 % conformal
intervals, difference-in-differences with its intervals and pre-trend test, the
placebo-in-space for each of the 47 untreated districts, the placebo-in-time (with its
own intervals) and the displacement estimate for a ring of 5 neighbours. Reading and
counting a file are not included (``kuntur incidents import``'s benchmarks measure the
readers). Accuracy over 20 such panels is reported next to the time, and the accuracy on
real incidents: random designs on Chicago's districts with a known effect injected
(``benchmarks/results_accuracy.py``).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from kuntur.results.evaluation import Panel, Treatment, evaluate

N_UNITS = 50
N_WEEKS = 522
START = 400
TARGET_S = 10.0


def panel(seed: int, effect: float) -> tuple[Panel, list[Treatment], float]:
    rng = np.random.default_rng(seed)
    t = np.arange(N_WEEKS)
    season = 1 + 0.15 * np.sin(2 * np.pi * t / 52.18)
    f1 = np.cumsum(rng.normal(0, 0.01, N_WEEKS))
    f2 = np.cumsum(rng.normal(0, 0.01, N_WEEKS))
    level = rng.uniform(8, 40, N_UNITS)
    l1, l2 = rng.normal(1, 0.3, N_UNITS), rng.normal(0, 0.5, N_UNITS)
    log_mu = np.log(level)[:, None] + l1[:, None] * f1 + l2[:, None] * f2
    y = rng.poisson(np.exp(log_mu) * season).astype(float)
    treated = [0, 1, 2]
    original = y[treated, START:].sum()
    y[treated, START:] = rng.binomial(y[treated, START:].astype(int), 1 + effect)
    truth = y[treated, START:].sum() / original - 1
    units = [f"D{i:02d}" for i in range(N_UNITS)]
    p = Panel(units, [str(w) for w in range(N_WEEKS)], y)
    return p, [Treatment(units[i], START) for i in treated], float(truth)


def run(machine: str, reps: int = 20) -> list[str]:
    neighbours = {"D00": ["D03", "D04"], "D01": ["D05", "D06"], "D02": ["D07"]}
    times, errors, covered, placebo_cover = [], [], 0, 0
    for r in range(reps):
        p, tr, truth = panel(r, -0.2)
        t0 = time.perf_counter()
        ev = evaluate(p, tr, neighbours=neighbours)
        times.append(time.perf_counter() - t0)
        errors.append(ev.effect - truth)
        covered += ev.ci[0.95][0] <= truth <= ev.ci[0.95][1]
        p0, tr0, _ = panel(1000 + r, 0.0)
        ev0 = evaluate(p0, tr0, placebos=False)
        placebo_cover += ev0.ci[0.95][0] <= 0 <= ev0.ci[0.95][1]
    worst = max(times)
    verdict = "meets" if worst < TARGET_S else "MISSES"
    return [
        "## Results: evaluating an intervention",
        "",
        machine,
        f"- Panel: {N_UNITS} districts x {N_WEEKS} weeks (10 years), 3 treated from week "
        f"{START}, 20 % of their events removed at random; the full evaluation (synthetic "
        "control + intervals, DiD + intervals + pre-trend, 47 placebos in space, placebo in "
        "time with intervals, displacement ring with intervals)",
        f"- Time per evaluation over {reps} panels: median {statistics.median(times):.2f} s, "
        f"worst {worst:.2f} s; target < {TARGET_S:.0f} s: **{verdict}**",
        f"- Accuracy on those panels: mean error {np.mean(errors) * 100:+.2f} points, "
        f"largest {np.max(np.abs(errors)) * 100:.2f} points; the truth inside the 95 % "
        f"interval {covered}/{reps}; with no effect injected, the 95 % interval covers zero "
        f"{placebo_cover}/{reps}",
        *real_data_lines(),
        "",
    ]


def real_data_lines() -> list[str]:
    """The harness of random designs on real Chicago data, as shipped (same seeds as the
    before/after table under this section)."""
    from benchmarks import results_accuracy as ra

    out = [
        "- Real incidents (Chicago aggravated assaults 2010-2019, 22 districts; a known share "
        "of the treated districts' events removed at random after the start; "
        "`python -m benchmarks.results_accuracy`):"
    ]
    for label, specs in (
        ("200 designs of 2-6 years, seed 18", ra.draw_designs(200, 18)),
        ("100 designs on the whole ten years, seed 18", ra.draw_designs(100, 18, whole=True)),
    ):
        s = ra.summary(ra.run_designs(specs))
        out.append(
            f"  - {label}: error median {s['median_error'] * 100:.1f} points, 90th percentile "
            f"{s['p90_error'] * 100:.1f}; within 4 points {s['within_bar']:.0%}; the truth "
            f"inside the 95 % interval {s['coverage95']:.0%}; nothing removed and the 95 % "
            f"interval misses zero {s['false_positive']:.0%}; a plain before/after's error "
            f"median {s['before_after_median'] * 100:.1f} points"
        )
    return out


if __name__ == "__main__":
    print("\n".join(run("- (standalone run)", reps=5)))
