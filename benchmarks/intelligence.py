"""Intelligence benchmarks: extraction precision and recall per identifier type on the
annotated corpus (tests/intelligence/extraction_corpus.jsonl), and extraction speed."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from kuntur.intelligence.extraction import KINDS, extract

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
    lines.append("")
    return lines
