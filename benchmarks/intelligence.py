"""Intelligence benchmarks: extraction precision and recall per identifier type on the
annotated corpus (tests/intelligence/extraction_corpus.jsonl), extraction speed, and
networks + communities for a million reports."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from kuntur.intelligence.extraction import KINDS, extract
from kuntur.intelligence.networks import communities, link

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "intelligence" / "extraction_corpus.jsonl"


def run(machine: str) -> list[str]:
    items = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    tp: Counter[str] = Counter()
    pred: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    t0 = time.perf_counter()
    for _ in range(5):
        results = [extract(it["text"]) for it in items]
    per_s = 5 * len(items) / (time.perf_counter() - t0)
    for it, found in zip(items, results, strict=True):
        want = {(lbl["kind"], lbl["value"]) for lbl in it["labels"]}
        got = {(f.kind, f.value) for f in found}
        gold.update(k for k, _ in want)
        pred.update(k for k, _ in got)
        tp.update(k for k, _ in want & got)
    lines = [
        "## Intelligence: identifiers extracted from narratives",
        "",
        machine,
        f"- Corpus: {len(items)} Spanish narratives (`tests/intelligence/extraction_corpus.jsonl`,"
        " written by `scripts/make_extraction_corpus.py`; distractors: DNI, dates, times, RUC,"
        " invoice numbers, 20-digit codes with wrong check digits); exact match of the"
        " normalised value",
        f"- Speed: {per_s:,.0f} narratives/s",
        "",
        "| identifier | in corpus | precision | recall |",
        "|---|---|---|---|",
    ]
    for k in KINDS:
        p = tp[k] / pred[k] if pred[k] else 1.0
        r = tp[k] / gold[k] if gold[k] else 1.0
        lines.append(f"| {k} | {gold[k]} | {p:.3f} | {r:.3f} |")
    lines += ["", *networks_at_scale(), ""]
    return lines


NETWORK_TARGET_S = 60.0


def networks_at_scale(n: int = 1_000_000, per_report: int = 3) -> list[str]:
    """1,000,000 reports x 3 identifiers: 80 % seen once, 20 % drawn from a pool of 200,000
    shared ones (networks); networks, then Leiden communities over everything."""
    rng = np.random.default_rng(1)
    reports = np.repeat(np.arange(n), per_report)
    kinds = rng.choice(
        np.array(["phone", "wallet", "cci", "plate"], object),
        per_report * n,
        p=[0.5, 0.3, 0.1, 0.1],
    )
    fresh = rng.random(per_report * n) < 0.8
    raw = np.where(fresh, np.arange(per_report * n), rng.integers(0, 200_000, per_report * n))
    values = np.array([f"+519{v:08d}" for v in raw], object)
    t0 = time.perf_counter()
    net = link(reports, kinds, values)
    t_link = time.perf_counter() - t0
    t1 = time.perf_counter()
    _ids, comm = communities(reports, kinds, values)
    t_comm = time.perf_counter() - t1
    total = t_link + t_comm
    verdict = "meets" if total < NETWORK_TARGET_S else "MISSES"
    return [
        "| benchmark | result | target | verdict |",
        "|---|---|---|---|",
        f"| {n:,} reports x {per_report} identifiers -> entities, links, networks, "
        f"communities | {total:.1f} s (networks {t_link:.1f} s: {net.count:,}, largest "
        f"{net.sizes[0]:,} reports; Leiden {t_comm:.1f} s: {len(set(comm.tolist())):,} "
        f"communities) | < {NETWORK_TARGET_S:.0f} s | {verdict} |",
    ]
