"""bench-compare: one suite at a commit and at the working tree, interleaved, in one run.

    python -m benchmarks.compare REF [--suite foundation] [--rounds 3] [RUN ARGS...]
    make bench-compare REF=<commit> [SUITE=foundation|load|audit] [ROUNDS=3] [ARGS=...]
    (ARGS='--against B' measures commit B instead of the working tree)

REF is checked out into a temporary git worktree (removed afterwards). Each side runs
``python -m benchmarks.run --suites SUITE --json ... --no-doc`` in a subprocess of its
own: the measuring code is always the working tree's ``benchmarks/`` (so both sides are
measured the same way), the product code is each side's ``src/`` (PYTHONPATH put in
front of the editable install; the run checks where ``kuntur`` was imported from and
stops if it is not that side's). Both sides use this venv: a REF that needs other
dependencies is flagged. Rounds alternate the order (REF, work; work, REF; ...) so that
a drift in the machine's speed hits both sides alike.

Printed per figure: the best run of each side (highest throughput, lowest latency),
the ratio working tree / REF (> 1 = working tree is higher), and each side's spread
over its rounds (max/min), which says how much of a difference is noise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
# A modest size by default: a comparison is rerun often and only the ratio matters.
DEFAULTS = {
    "foundation": ["--rows", "200000", "--runs", "1", "--wide-n", "15"],
    "load": ["--load-clients", "50", "--load-seconds", "20", "--load-solo-seconds", "8"],
    "audit": ["--proof-leaves", "1000000", "--verify-events", "100000"],
}


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def run_side(src: Path, suite: str, args: list[str], json_path: Path) -> list[dict[str, Any]]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
        "KUNTUR_BENCH_EXPECT_SRC": str(src),
    }
    cmd = [sys.executable, "-m", "benchmarks.run", "--suites", suite, "--json", str(json_path)]
    proc = subprocess.run([*cmd, "--no-doc", *args], cwd=ROOT, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark failed on {src} (exit {proc.returncode})")
    figures: list[dict[str, Any]] = json.loads(json_path.read_text())
    return figures


def best(values: list[float], higher_is_better: bool) -> float:
    return max(values) if higher_is_better else min(values)


def spread(values: list[float]) -> float:
    lo, hi = min(values), max(values)
    return hi / lo if lo > 0 else float("inf")


def rows_of(rounds: dict[str, list[list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """Per figure (and per median and ratio-to-baseline where a figure has them)."""
    series: dict[str, dict[str, Any]] = {}
    for side, runs in rounds.items():
        for figures in runs:
            for f in figures:
                key = f.get("key") or f["name"]
                variants = [(key, f["name"], f["value"], f["unit"], f["higher_is_better"])]
                if f.get("median") is not None:
                    variants.append(
                        (key + ".median", f["name"] + ", median", f["median"], "ms", False)
                    )
                if f.get("cpu_median") is not None:
                    variants.append(
                        (key + ".cpu", f["name"] + ", CPU median", f["cpu_median"], "ms", False)
                    )
                if f.get("vs_baseline") is not None:
                    variants.append(
                        (
                            key + ".vs_baseline",
                            f"{f['name']} / {f['baseline']}",
                            f["vs_baseline"],
                            "x",
                            f["higher_is_better"],
                        )
                    )
                for k, name, value, unit, hib in variants:
                    s = series.setdefault(
                        k, {"name": name, "unit": unit, "hib": hib, "ref": [], "work": []}
                    )
                    s[side].append(float(value))
    out = []
    for key, s in series.items():
        if not s["ref"] or not s["work"]:
            continue
        ref, work = best(s["ref"], s["hib"]), best(s["work"], s["hib"])
        ratio = work / ref if ref else float("inf")
        noise = max(spread(s["ref"]), spread(s["work"]))
        worse = (ratio < 1 / max(1.1, noise)) if s["hib"] else (ratio > max(1.1, noise))
        better = (ratio > max(1.1, noise)) if s["hib"] else (ratio < 1 / max(1.1, noise))
        out.append(
            {
                "key": key,
                "name": s["name"],
                "unit": s["unit"],
                "higher_is_better": s["hib"],
                "ref": s["ref"],
                "work": s["work"],
                "ref_best": ref,
                "work_best": work,
                "ratio": ratio,
                "noise": noise,
                "flag": "WORSE" if worse else ("better" if better else ""),
            }
        )
    return out


def print_table(rows: list[dict[str, Any]], ref_name: str, work_name: str) -> None:
    print(f"\nbench-compare: {work_name} vs {ref_name} (best run of each side)\n")
    width = max(len(r["name"]) for r in rows) if rows else 10
    print(f"{'figure':<{width}}  {'REF':>12}  {'work':>12}  {'work/REF':>8}  {'noise':>6}  flag")
    for r in rows:
        arrow = "higher" if r["higher_is_better"] else "lower"
        print(
            f"{r['name']:<{width}}  {r['ref_best']:>12,.2f}  {r['work_best']:>12,.2f}  "
            f"{r['ratio']:>8.2f}  {r['noise']:>6.2f}  {r['flag']:<6}  ({r['unit']}, {arrow} "
            "is better)"
        )
    print(
        "\nnoise = the larger side's max/min over its rounds; a figure is flagged when the "
        "ratio is beyond both 10 % and that noise."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="commit, branch or tag to compare against")
    parser.add_argument("--suite", default="foundation", choices=sorted(DEFAULTS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql", help="passed to benchmarks.run")
    parser.add_argument("--against", help="a second commit to measure instead of the working tree")
    args, extra = parser.parse_known_args()
    sha = git("rev-parse", "--verify", f"{args.ref}^{{commit}}")
    short = git("rev-parse", "--short", sha)
    head = git("rev-parse", "--short", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", "src"))
    work_name = f"working tree ({head}{' + changes' if dirty else ''})"
    run_args = [*DEFAULTS[args.suite], "--backends", args.backends, *extra]
    OUT.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="kuntur-bench-ref-"))
    trees = [tmp / "ref"]
    git("worktree", "add", "--detach", str(trees[0]), sha)
    try:
        sides = {"ref": trees[0] / "src", "work": ROOT / "src"}
        if args.against:
            other = git("rev-parse", "--verify", f"{args.against}^{{commit}}")
            head = git("rev-parse", "--short", other)
            work_name = f"{head} ({args.against})"
            trees.append(tmp / "work")
            git("worktree", "add", "--detach", str(trees[1]), other)
            sides["work"] = trees[1] / "src"
        ours = (ROOT / "pyproject.toml").read_text()
        for tree in trees:
            if _deps(ours) != _deps((tree / "pyproject.toml").read_text()):
                print(
                    f"note: {tree.name} declares other dependencies than the working tree; "
                    "every side runs on this venv",
                    file=sys.stderr,
                )
        rounds: dict[str, list[list[dict[str, Any]]]] = {"ref": [], "work": []}
        for i in range(args.rounds):
            order = ["ref", "work"] if i % 2 == 0 else ["work", "ref"]
            for side in order:
                label = short if side == "ref" else work_name
                print(f"\n=== round {i + 1}/{args.rounds}: {label} ===", flush=True)
                figures = run_side(sides[side], args.suite, run_args, tmp / f"{side}-{i}.json")
                rounds[side].append(figures)
    finally:
        for tree in trees:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False
            )
        shutil.rmtree(tmp, ignore_errors=True)
    rows = rows_of(rounds)
    print_table(rows, f"{short} ({args.ref})", work_name)
    record = OUT / f"compare-{args.suite}-{short}-vs-{head}.json"
    record.write_text(
        json.dumps(
            {"ref": sha, "work": work_name, "suite": args.suite, "args": run_args, "rows": rows},
            indent=1,
        )
    )
    print(f"\nall runs: {record}")


def _deps(pyproject: str) -> str:
    """The dependency lists of a pyproject.toml, as text (enough to tell them apart)."""
    import tomllib

    data = tomllib.loads(pyproject).get("project", {})
    return json.dumps(
        [data.get("dependencies", []), data.get("optional-dependencies", {})], sort_keys=True
    )


if __name__ == "__main__":
    main()
