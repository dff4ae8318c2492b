"""Every auditable event type has its Spanish and English title (pages list them all)."""

from __future__ import annotations

from kuntur.audit.catalogue import TITLES, EventType


def test_every_event_type_is_titled() -> None:
    missing = [t.value for t in EventType if t not in TITLES]
    assert missing == []
    assert all(es and en for es, en in TITLES.values())
