"""Reports linked through shared identifiers into networks, and who matters in them.

Every report is a node; every distinct *strong* identifier (a phone or wallet number, a
CCI, an account, a plate) is a node; a mention is an edge. Equal normalised values are the
same node, so two reports that share only one phone number always land in the same
network (the exact-identifier guarantee). A Yape or Plin wallet is a phone number, so a
wallet and a phone with the same number are one node. Aliases and gang names are kept as
entities but do not join networks on their own: "el Gato" names many people.

Inside a large network, Leiden communities (Traag, Waltman & van Eck 2019, modularity)
split the cells of an organisation; key players are the entities whose removal fragments
the network most (articulation points ranked by the reports they cut off), payment hubs
(payment identifiers by distinct reports) and brokers (entities linking communities,
ranked by betweenness).

Pure: arrays in, arrays and small tables out (numpy, scipy, igraph).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

STRONG = frozenset({"phone", "wallet", "cci", "account", "plate"})
PAYMENT = frozenset({"wallet", "cci", "account"})
ENTITY_KIND = {  # mention kind -> entity kind (a wallet is a phone number)
    "phone": "phone",
    "wallet": "phone",
    "cci": "payment_account",
    "account": "payment_account",
    "plate": "vehicle",
    "alias": "alias",
    "name": "person",
    "gang": "organisation",
}


def entity_key(kind: str, value: str) -> str:
    """The identity of an entity: kind family and normalised value."""
    return f"{ENTITY_KIND.get(kind, kind)}:{value}"


@dataclass
class Networks:
    """``network[i]`` is the network of ``reports[i]`` (0..n-1, largest first)."""

    reports: np.ndarray
    network: np.ndarray
    sizes: np.ndarray  # reports per network, by network id
    entity_keys: np.ndarray  # strong entities, as keys
    entity_network: np.ndarray
    entity_reports: np.ndarray  # distinct reports per entity

    @property
    def count(self) -> int:
        return len(self.sizes)


def link(reports: np.ndarray, kinds: np.ndarray, values: np.ndarray) -> Networks:
    """Networks from mentions (one row per report x identifier found in it).

    Reports without any strong identifier are networks of their own.
    """
    reports = np.asarray(reports, np.int64)
    kinds = np.asarray(kinds, object)
    values = np.asarray(values, object)
    report_ids, r_idx = np.unique(reports, return_inverse=True)
    strong = np.isin(kinds, list(STRONG))
    keys = np.array(
        [entity_key(k, v) for k, v in zip(kinds[strong], values[strong], strict=True)], dtype=object
    )
    e_idx, e_keys = pd.factorize(pd.Series(keys, dtype=object))
    n_r, n_e = len(report_ids), len(e_keys)
    rows = r_idx[strong]
    cols = n_r + e_idx
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_r + n_e, n_r + n_e))
    _n, labels = connected_components(graph, directed=False)
    # Number networks by size, largest first, and only over reports.
    rep_labels = labels[:n_r]
    uniq, inverse, counts = np.unique(rep_labels, return_inverse=True, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    network = rank[inverse]
    label_to_net = dict(zip(uniq, rank, strict=True))
    ent_net = np.array([label_to_net.get(lbl, -1) for lbl in labels[n_r:]], np.int64)
    pairs = np.unique(np.stack([e_idx, rows]), axis=1) if len(rows) else np.zeros((2, 0), int)
    ent_reports = np.bincount(pairs[0], minlength=n_e) if n_e else np.zeros(0, int)
    return Networks(
        report_ids, network, counts[order], np.asarray(e_keys, object), ent_net, ent_reports
    )


def communities(
    reports: np.ndarray, kinds: np.ndarray, values: np.ndarray, *, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Leiden communities (modularity) over the whole report-identifier graph at once.

    Returns (report ids, community per report). One igraph build and one Leiden run:
    a million reports take seconds, so every network gets its cells in one pass.
    """
    reports = np.asarray(reports, np.int64)
    kinds = np.asarray(kinds, object)
    strong = np.isin(kinds, list(STRONG))
    report_ids, r_idx = np.unique(reports, return_inverse=True)
    keys = np.array(
        [entity_key(k, v) for k, v in zip(kinds[strong], np.asarray(values)[strong], strict=True)],
        dtype=object,
    )
    e_idx, e_keys = pd.factorize(pd.Series(keys, dtype=object))
    n_r = len(report_ids)
    edges = np.unique(np.stack([r_idx[strong], n_r + e_idx], axis=1), axis=0)
    g = ig.Graph(n=n_r + len(e_keys), edges=edges.tolist())
    ig.set_random_number_generator(random.Random(seed))
    parts = g.community_leiden(objective_function="modularity", n_iterations=2)
    return report_ids, np.asarray(parts.membership[:n_r], np.int64)


@dataclass
class Analysis:
    """One network looked at closely."""

    network: int
    reports: list[int]
    communities: dict[int, int]  # report id -> community
    key_players: list[dict[str, Any]] = field(default_factory=list)
    payment_hubs: list[dict[str, Any]] = field(default_factory=list)
    brokers: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)


PERSON_THRESHOLD = 0.6  # names.score at the benchmark's best F1 (docs/intelligence.md)


def people(reports: np.ndarray, kinds: np.ndarray, values: np.ndarray) -> list[dict[str, Any]]:
    """Names mentioned in one network, resolved into people by the Peruvian name matcher.

    Inside a network the reports already share identifiers, so a close name there is strong
    evidence of one person ("Juan Pérez García" paid by Yape = "JUAN PEREZ"); across
    networks a similar name alone links nothing.
    """
    from kuntur.intelligence.names import score

    mentions = [
        (int(r), str(v)) for r, k, v in zip(reports, kinds, values, strict=True) if k == "name"
    ]
    distinct = sorted({v for _, v in mentions})
    parent = list(range(len(distinct)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(distinct)):
        for j in range(i + 1, len(distinct)):
            if score(distinct[i], distinct[j]) >= PERSON_THRESHOLD:
                parent[root(j)] = root(i)
    groups: dict[int, dict[str, Any]] = {}
    for r, v in mentions:
        g = groups.setdefault(root(distinct.index(v)), {"variants": {}, "reports": set()})
        g["variants"][v] = g["variants"].get(v, 0) + 1
        g["reports"].add(r)
    out = [
        {
            "name": max(g["variants"].items(), key=lambda kv: (kv[1], len(kv[0])))[0],
            "variants": sorted(g["variants"]),
            "reports": sorted(g["reports"]),
        }
        for g in groups.values()
    ]
    out.sort(key=lambda p: (-len(p["reports"]), p["name"]))
    return out


def analyse(
    network: int,
    reports: np.ndarray,
    kinds: np.ndarray,
    values: np.ndarray,
    *,
    seed: int = 0,
    top: int = 10,
) -> Analysis:
    """Communities and key players of one network, from its mentions (strong and weak)."""
    reports = np.asarray(reports, np.int64)
    strong = np.isin(np.asarray(kinds, object), list(STRONG))
    keys = [entity_key(k, v) for k, v in zip(kinds, values, strict=True)]
    r_ids = sorted(set(reports.tolist()))
    s_keys = sorted({k for k, s in zip(keys, strong, strict=True) if s})
    names = [f"report:{r}" for r in r_ids] + s_keys
    index = {n: i for i, n in enumerate(names)}
    edges = {
        (index[f"report:{r}"], index[k])
        for r, k, s in zip(reports.tolist(), keys, strong, strict=True)
        if s
    }
    g = ig.Graph(n=len(names), edges=sorted(edges))
    g.vs["name"] = names
    ig.set_random_number_generator(random.Random(seed))  # Leiden is randomised: seed it
    parts = g.community_leiden(objective_function="modularity", n_iterations=-1)
    membership = parts.membership
    communities = {r: membership[index[f"report:{r}"]] for r in r_ids}
    out = Analysis(network, r_ids, communities)
    out.people = people(reports, np.asarray(kinds, object), np.asarray(values, object))
    n_reports = len(r_ids)
    # Key players: removing an articulation point splits the network; rank by the reports
    # no longer in the largest piece.
    for v in g.articulation_points():
        name = names[v]
        if name.startswith("report:"):
            continue
        h = g.copy()
        h.delete_vertices([v])
        comp = h.connected_components()
        biggest = (
            max(sum(1 for u in c if h.vs[u]["name"].startswith("report:")) for c in comp)
            if len(comp)
            else 0
        )
        out.key_players.append(
            {"entity": name, "reports_cut_off": n_reports - biggest, "pieces": len(comp)}
        )
    out.key_players.sort(key=lambda d: (-d["reports_cut_off"], d["entity"]))
    out.key_players = out.key_players[:top]
    degree = g.degree()
    paid = {key for key, kind in zip(keys, kinds, strict=True) if kind in PAYMENT}
    for k in sorted(paid):
        out.payment_hubs.append({"entity": k, "reports": degree[index[k]]})
    out.payment_hubs.sort(key=lambda d: (-d["reports"], d["entity"]))
    out.payment_hubs = out.payment_hubs[:top]
    if len(set(membership)) > 1:
        btw = g.betweenness()
        for k in s_keys:
            v = index[k]
            touched = {membership[u] for u in g.neighbors(v)}
            if len(touched) > 1:
                out.brokers.append(
                    {"entity": k, "communities": len(touched), "betweenness": round(btw[v], 1)}
                )
        out.brokers.sort(key=lambda d: (-d["betweenness"], d["entity"]))
        out.brokers = out.brokers[:top]
    return out


def nmi(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised mutual information of two labelings (arithmetic mean normalisation)."""
    return float(ig.compare_communities(list(map(int, a)), list(map(int, b)), method="nmi"))


def collapse(
    pairs: list[tuple[int, str]], keep: frozenset[str] | None = None
) -> tuple[dict[str, list[int]], dict[tuple[str, str], list[int]]]:
    """Reports folded into the identifiers they name: for the link chart.

    ``pairs``: (report, entity key). Returns each identifier's reports, and for every two
    identifiers named in the same report, the reports they share (an edge whose weight is
    their number). ``keep``: the entity kinds to draw (default: the strong identifiers'
    kinds). A network of 300 reports on two phones is two nodes and one edge of weight
    300, not 302 nodes."""
    kinds = keep if keep is not None else frozenset(ENTITY_KIND[k] for k in STRONG)
    by_report: dict[int, set[str]] = {}
    for report, key in pairs:
        if key.split(":", 1)[0] in kinds:
            by_report.setdefault(int(report), set()).add(key)
    nodes: dict[str, list[int]] = {}
    edges: dict[tuple[str, str], list[int]] = {}
    for report in sorted(by_report):
        keys = sorted(by_report[report])
        for i, a in enumerate(keys):
            nodes.setdefault(a, []).append(report)
            for b in keys[i + 1 :]:
                edges.setdefault((a, b), []).append(report)
    return nodes, edges
