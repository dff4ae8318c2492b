"""Every declared permission and audit event type has its Spanish and English titles (the
audit page and the role screens show them), and every code is declared once."""

from __future__ import annotations

import pytest

from kuntur import domains
from kuntur.core import registry
from kuntur.core.registry import EventType, Manifest, Permission


def test_every_code_is_titled() -> None:
    domains.manifests()
    declared = [*registry.permissions(), *registry.events()]
    assert len(registry.events()) > 40 and len(registry.permissions()) > 10
    assert [str(c) for c in declared if not (c.es and c.en)] == []
    assert registry.event_title("incident.created", "es") == "Incidente registrado"
    assert registry.event_title("no.such.event") == "no.such.event"


def test_a_code_declared_twice_is_refused() -> None:
    domains.manifests()
    again = EventType("incident.created", "Otro", "Other")
    with pytest.raises(ValueError, match=r"incident\.created"):
        registry.declare(Manifest(domain="intruder", events=(again,)))
    with pytest.raises(ValueError, match=r"incidents\.read"):
        registry.declare(
            Manifest(domain="intruder", permissions=(Permission("incidents.read", "x", "y"),))
        )
    assert "intruder" not in {m.domain for m in registry.manifests()}
