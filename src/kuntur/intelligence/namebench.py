"""Scoring a labelled name-pair file: precision, recall and F1 at the best threshold.

Pure: used by the tests, the benchmark and ``kuntur intel score-names``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz import fuzz

from kuntur.intelligence.names import fold, score


def baseline(a: str, b: str) -> float:
    """The plain baseline: rapidfuzz token-sort ratio on accent-folded names."""
    return float(fuzz.token_sort_ratio(fold(a), fold(b))) / 100.0


def best_threshold(scores: np.ndarray, same: np.ndarray) -> dict[str, float]:
    """The threshold with the highest F1, and its precision and recall."""
    best = {"f1": 0.0, "threshold": 1.0, "precision": 0.0, "recall": 0.0}
    positives = max(int(same.sum()), 1)
    for t in np.unique(np.round(scores, 4)):
        pred = scores >= t
        tp = int((pred & same).sum())
        p = tp / max(int(pred.sum()), 1)
        r = tp / positives
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best["f1"]:
            best = {"f1": f1, "threshold": float(t), "precision": p, "recall": r}
    return best


def evaluate(
    pairs: Sequence[tuple[str, str]], same: np.ndarray, matcher: Callable[[str, str], float] = score
) -> tuple[np.ndarray, dict[str, float]]:
    scores = np.array([matcher(a, b) for a, b in pairs])
    return scores, best_threshold(scores, np.asarray(same, bool))
