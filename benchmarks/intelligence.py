"""Intelligence benchmarks: extraction precision and recall per identifier type on the
annotated corpus (tests/intelligence/extraction_corpus.jsonl), extraction speed, and
networks + communities for a million reports."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from kuntur.identity.actor import Actor
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
    lines += ["", *networks_at_scale(), incremental(), "", *names(), ""]
    return lines


def names() -> list[str]:
    """Kuntur's matcher against the token-sort baseline on the labelled pairs, by category."""
    import csv

    from kuntur.intelligence.namebench import baseline, evaluate

    path = CORPUS.parent / "name_pairs.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pairs = [(r["name_a"], r["name_b"]) for r in rows]
    same = np.array([r["same"] == "1" for r in rows])
    cats = np.array([r["category"] for r in rows])
    t0 = time.perf_counter()
    reps = 5
    for _ in range(reps):
        ours_scores, ours = evaluate(pairs, same)
    rate = reps * len(pairs) / (time.perf_counter() - t0)
    base_scores, base = evaluate(pairs, same, baseline)
    lines = [
        f"Name matching: {len(pairs):,} labelled pairs (`tests/intelligence/name_pairs.csv`, "
        "written by `scripts/make_name_pairs.py`), each matcher at its own best threshold; "
        f"Kuntur scores {rate:,.0f} pairs/s (target 20,000).",
        "",
        "| matcher | threshold | precision | recall | F1 |",
        "|---|---|---|---|---|",
    ]
    for nm, m in (("Kuntur (names.py)", ours), ("rapidfuzz token-sort", base)):
        lines.append(
            f"| {nm} | {m['threshold']:.3f} | {m['precision']:.3f} | "
            f"{m['recall']:.3f} | {m['f1']:.3f} |"
        )
    lines += [
        "",
        "| category | same person? | pairs | Kuntur correct | baseline correct |",
        "|---|---|---|---|---|",
    ]
    ok_ours = (ours_scores >= ours["threshold"]) == same
    ok_base = (base_scores >= base["threshold"]) == same
    for c in dict.fromkeys(cats.tolist()):
        m = cats == c
        lines.append(
            f"| {c} | {'yes' if same[m][0] else 'no'} | {int(m.sum())} | "
            f"{ok_ours[m].mean():.2f} | {ok_base[m].mean():.2f} |"
        )
    return lines


def incremental(new_reports: int = 200) -> str:
    """A new report linked (extracted, entities upserted, links stored, committed) on a store
    holding 120 days of the demo scenario, already linked."""
    import uuid

    from sqlalchemy.orm import Session

    from kuntur.core import migrate
    from kuntur.core.context import RequestContext
    from kuntur.core.db import make_engine
    from kuntur.demo import service as demo
    from kuntur.incidents import service as incidents
    from kuntur.incidents.schemas import IncidentCreate
    from kuntur.intelligence import service as intel

    path = Path(__file__).parent / "out" / f"intel-{uuid.uuid4().hex[:6]}.db"
    path.parent.mkdir(exist_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    demo.seed(engine, days=120, seed=7)
    ctx = RequestContext.system("bench")
    with Session(engine) as db, db.begin():
        links = intel.index_all(Actor(db, ctx))
    rng = np.random.default_rng(3)
    times = []
    for i in range(new_reports):
        text = (
            f"Me llaman del 9{rng.integers(10**7, 10**8)} y piden yapear al "
            f"9{rng.integers(10**7, 10**8)}, alias 'el Gato'. Reporte {i}."
        )
        t0 = time.perf_counter()
        with Session(engine) as db, db.begin():
            incidents.create(
                actor=Actor(db, ctx),
                data=IncidentCreate(
                    source="police_report",
                    category="extortion",
                    occurred_at="2026-11-20T10:00",
                    latitude=-12.05,
                    longitude=-77.03,
                    narrative=text,
                ),
            )
        times.append(time.perf_counter() - t0)
    engine.dispose()
    path.unlink(missing_ok=True)
    ms = np.array(times) * 1000
    p95 = float(np.percentile(ms, 95))
    return (
        f"| a new extortion report stored and linked (store: {links:,} links) | p95 "
        f"{p95:.1f} ms (p50 {float(np.percentile(ms, 50)):.1f}), SQLite, including the "
        f"audited insert | < 200 ms | {'meets' if p95 < 200 else 'MISSES'} |"
    )


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
