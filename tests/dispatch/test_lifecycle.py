"""Incident lifecycle: every allowed move, and every illegal one refused with the options."""

from __future__ import annotations

import itertools

import pytest

from kuntur.dispatch.lifecycle import INCIDENT_MOVES, IllegalMove, check_move
from kuntur.incidents.categories import Status

HAPPY = ["received", "triaged", "dispatched", "en_route", "on_scene", "cleared"]


def test_the_happy_path_is_allowed() -> None:
    for a, b in itertools.pairwise(HAPPY):
        check_move(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("received", "on_scene"),
        ("triaged", "en_route"),
        ("en_route", "triaged"),
        ("on_scene", "dispatched"),
        ("cleared", "received"),
        ("closed", "triaged"),
    ],
)
def test_illegal_moves_say_what_is_allowed(a: str, b: str) -> None:
    with pytest.raises(IllegalMove, match="allowed"):
        check_move(a, b)


def test_closed_states_are_final() -> None:
    assert INCIDENT_MOVES[Status.CLEARED] == frozenset()
    assert INCIDENT_MOVES[Status.CLOSED] == frozenset()
