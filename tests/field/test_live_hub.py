"""The field streams' hub (one per server process): each event reaches only the streams it
concerns (the unit's own changes, its incident's, the orders to it or to a node above it),
a position event reaches none, and a dispatch moves the stream on to its new incident."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import create_engine

from kuntur.core import events
from kuntur.field.live import Hub, Stream


def ev(kind: str, **payload: object) -> events.Event:
    return events.Event.parse(json.dumps({"kind": kind, **payload}))


def kinds(s: Stream) -> list[str]:
    out = []
    while not s.queue.empty():
        out.append(s.queue.get_nowait())
    return out


def test_each_event_reaches_only_the_streams_it_concerns() -> None:
    async def scenario() -> None:
        hub = Hub(events.Broker(), create_engine("sqlite://"))
        a = Stream(unit_id=1, nodes=frozenset({10, 1}), incident_id=None, session_id=None)
        b = Stream(unit_id=2, nodes=frozenset({20, 1}), incident_id=77, session_id=None)
        # Registered by hand: add() would start the router and the session checker.
        for s in (a, b):
            hub.streams.add(s)
            hub.by_unit.setdefault(s.unit_id, set()).add(s)
            for n in s.nodes:
                hub.by_node.setdefault(n, set()).add(s)
        hub.by_incident[77] = {b}

        hub.deliver(ev("positions", positions=[{"id": 1}, {"id": 2}]))
        assert kinds(a) == [] and kinds(b) == []  # a position concerns no phone

        hub.deliver(ev("unit", id=1, incident_id=55))  # unit 1 dispatched to incident 55
        assert kinds(a) == ["unit"] and kinds(b) == []
        hub.deliver(ev("incident", id=55))
        assert kinds(a) == ["incident"] and kinds(b) == []
        hub.deliver(ev("incident", id=77))
        assert kinds(a) == [] and kinds(b) == ["incident"]

        hub.deliver(ev("order", target_unit_id=2, target_node_id=None))
        assert kinds(a) == [] and kinds(b) == ["order"]
        hub.deliver(ev("order", target_unit_id=None, target_node_id=1))  # above both
        assert kinds(a) == ["order"] and kinds(b) == ["order"]
        hub.deliver(ev("order", target_unit_id=None, target_node_id=10))
        assert kinds(a) == ["order"] and kinds(b) == []

        hub.deliver(ev("unit", id=1, incident_id=None))  # released: 55 is no longer its own
        assert kinds(a) == ["unit"]
        hub.deliver(ev("incident", id=55))
        assert kinds(a) == []

        hub.remove(a)
        hub.deliver(ev("unit", id=1, incident_id=None))
        assert kinds(a) == [] and 1 not in hub.by_unit and 10 not in hub.by_node

    asyncio.run(scenario())
