"""Extraction measured on an annotated corpus of 320 Spanish narratives, plus edge cases.

The corpus (extraction_corpus.jsonl, written by scripts/make_extraction_corpus.py) mixes
threats, payments, vehicles, aliases, gangs, amounts and deadlines with distractors: DNI
numbers, dates, clock times, RUC numbers, invoice numbers and 20-digit codes with wrong
check digits. Labels are the values put in; the first 40 narratives were also read through
by hand against their labels.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from kuntur.intelligence.extraction import KINDS, extract
from kuntur.intelligence.identifiers import normalise_cci, normalise_phone, normalise_plate

CORPUS = Path(__file__).parent / "extraction_corpus.jsonl"
# Floors the extractor must keep (measured figures are in docs/benchmarks.md).
MIN_PRECISION = 0.95
MIN_RECALL = 0.95


def scores() -> dict[str, dict[str, float]]:
    tp: Counter[str] = Counter()
    pred: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        want = {(lbl["kind"], lbl["value"]) for lbl in item["labels"]}
        got = {(f.kind, f.value) for f in extract(item["text"])}
        for kind, _ in want:
            gold[kind] += 1
        for kind, _ in got:
            pred[kind] += 1
        for kind, _ in want & got:
            tp[kind] += 1
    return {
        k: {
            "precision": tp[k] / pred[k] if pred[k] else 1.0,
            "recall": tp[k] / gold[k] if gold[k] else 1.0,
            "n": gold[k],
        }
        for k in KINDS
    }


def test_corpus_is_big_and_varied() -> None:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 300
    kinds = Counter(lbl["kind"] for line in lines for lbl in json.loads(line)["labels"])
    assert all(kinds[k] >= 20 for k in KINDS), kinds


@pytest.mark.parametrize("kind", KINDS)
def test_precision_and_recall_per_kind(kind: str) -> None:
    s = scores()[kind]
    assert s["precision"] >= MIN_PRECISION, (kind, s)
    assert s["recall"] >= MIN_RECALL, (kind, s)


def test_wallet_and_phone_share_the_normalised_number() -> None:
    found = extract("Llamó del 987 654 321 y pidió yapear al +51 987-654-321.")
    assert [(f.kind, f.value) for f in found] == [
        ("phone", "+51987654321"),
        ("wallet", "+51987654321"),
    ]


def test_provenance_points_at_the_text() -> None:
    text = "Exigen S/ 2,500 y que pague al CCI 00219100123456789054."
    for f in extract(text):
        assert text[f.start : f.end] == f.text and f.rule and 0 < f.confidence <= 1


def test_distractors_are_not_identifiers() -> None:
    text = (
        "DNI 45678912, RUC 20123456789, boleta 001-123456, el 15/12/2026 a las 10:30, "
        "Mz. B Lt. 12, código 00219100123456789099."
    )
    assert extract(text) == []


def test_normalisers() -> None:
    assert normalise_phone("(01) 426-1234") == "+5114261234"
    assert normalise_phone("123") is None
    assert normalise_cci("002-191-001234567890-53") is not None
    assert normalise_cci("00219100123456789099") is None  # wrong check digits
    assert normalise_plate("a1b 234") == "A1B-234" and normalise_plate("1234") is None
