"""Networks from shared identifiers: the exact-identifier guarantee, weak identifiers, key
players on a hand-built case, and the demo's planted networks recovered."""

from __future__ import annotations

import numpy as np
import pytest

from kuntur.demo import service as demo
from kuntur.intelligence.extraction import extract
from kuntur.intelligence.networks import analyse, communities, link, nmi


def mentions(texts: dict[int, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r, k, v = [], [], []
    for rid, text in texts.items():
        for f in extract(text):
            r.append(rid)
            k.append(f.kind)
            v.append(f.value)
    return np.array(r), np.array(k, object), np.array(v, object)


def test_one_shared_phone_joins_two_reports_whatever_the_format() -> None:
    net = link(
        *mentions(
            {
                1: "Me llamaron del 987 654 321 exigiendo S/ 500.",
                2: "Amenazas por https://wa.me/51987654321, piden yapear al 912-345-678.",
                3: "Llamadas del +51 923 456 789.",
            }
        )
    )
    by_report = dict(zip(net.reports.tolist(), net.network.tolist(), strict=True))
    assert by_report[1] == by_report[2] != by_report[3]


def test_a_wallet_and_a_phone_with_the_same_number_are_one_entity() -> None:
    net = link(*mentions({1: "Que yapee al 956 111 222.", 2: "Me llamó el 956111222."}))
    assert net.count == 1 and list(net.entity_keys) == ["phone:+51956111222"]


def test_aliases_and_gangs_alone_do_not_join_networks() -> None:
    net = link(
        *mentions(
            {
                1: "Llamó del 987 654 321, alias 'el Gato' de la banda Los Pulpos.",
                2: "Llamó del 912 345 678, alias 'el Gato' de la banda Los Pulpos.",
            }
        )
    )
    assert net.count == 2


def test_key_players_on_a_hand_built_network() -> None:
    # Two groups of three reports, each group sharing its own phone; one CCI is named in a
    # report of each group: it alone holds the network together.
    cci = "00219100123456789053"
    texts = {
        1: "Del 987 000 001.",
        2: "Del 987 000 001.",
        3: f"Del 987 000 001, CCI {cci}.",
        4: f"Del 912 000 002, CCI {cci}.",
        5: "Del 912 000 002.",
        6: "Del 912 000 002.",
    }
    r, k, v = mentions(texts)
    net = link(r, k, v)
    assert net.count == 1
    a = analyse(0, r, k, v)
    assert a.key_players[0]["entity"] == f"payment_account:{cci}"
    assert a.key_players[0]["reports_cut_off"] == 3
    assert a.payment_hubs[0] == {"entity": f"payment_account:{cci}", "reports": 2}
    # Modularity puts the two ends apart (the CCI and its two reports may form a third).
    c = a.communities
    assert c[1] == c[2] != c[5] == c[6]
    # Brokers touch more than one community: here each phone reaches into the middle one.
    assert {b["entity"] for b in a.brokers} == {"phone:+51987000001", "phone:+51912000002"}


@pytest.fixture(scope="module")
def scenario() -> demo.Scenario:
    return demo.build(demo.Region.LIMA, days=120, seed=7)


def test_planted_networks_recovered(scenario: demo.Scenario) -> None:
    inc = scenario.incidents
    texts = {int(i): t for i, t in enumerate(inc["narrative"]) if isinstance(t, str)}
    r, k, v = mentions(texts)
    net = link(r, k, v)
    truth = {row: i for i, n in enumerate(scenario.networks) for row in n.rows}
    pos = {int(x): i for i, x in enumerate(net.reports)}
    members = [row for row in truth if row in pos]
    assert len(members) >= 0.95 * len(truth)
    score = nmi(
        np.array([truth[m] for m in members]), np.array([net.network[pos[m]] for m in members])
    )
    assert score >= 0.95
    ids, comm = communities(r, k, v)
    assert len(ids) == len(net.reports) and len(comm) == len(ids)


def test_payee_names_resolve_to_one_person_per_planted_network(scenario: demo.Scenario) -> None:
    from kuntur.intelligence.names import fold

    inc = scenario.incidents
    texts = {int(i): t for i, t in enumerate(inc["narrative"]) if isinstance(t, str)}
    r, k, v = mentions(texts)
    net = link(r, k, v)
    pos = {int(x): i for i, x in enumerate(net.reports)}
    for planted in scenario.networks:
        rows = [row for row in planted.rows if row in pos]
        network = net.network[pos[rows[0]]]
        sel = np.isin(r, net.reports[net.network == network])
        found = analyse(int(network), r[sel], k[sel], v[sel]).people
        assert len(found) == 1, [p["variants"] for p in found]  # many spellings, one person
        assert len(found[0]["variants"]) >= 2
        assert fold(planted.identifiers.payee or "") in found[0]["variants"]


def test_a_similar_name_alone_does_not_join_networks() -> None:
    net = link(
        *mentions(
            {
                1: "Llamó del 987 654 321; que yapee a nombre de Juan Pérez García.",
                2: "Llamó del 912 345 678; que yapee a nombre de JUAN PEREZ GARCIA.",
            }
        )
    )
    assert net.count == 2
