"""Merkle proofs against the transparency-dev/merkle vectors, and property tests."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuntur.audit import merkle

VECTORS = Path(__file__).parent / "vectors"


def b64(value: str) -> bytes:
    return base64.b64decode(value)


def cases(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json"))


@pytest.mark.parametrize("path", cases("inclusion"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_inclusion_vectors(path: Path) -> None:
    case = json.loads(path.read_text())
    args = (
        case["leafIdx"],
        case["treeSize"],
        b64(case["leafHash"]),
        [b64(p) for p in case["proof"] or []],
        b64(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)


@pytest.mark.parametrize("path", cases("consistency"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_consistency_vectors(path: Path) -> None:
    case = json.loads(path.read_text())
    args = (
        case["size1"],
        case["size2"],
        b64(case["root1"]),
        b64(case["root2"]),
        [b64(p) for p in case["proof"] or []],
    )
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args)
    else:
        merkle.verify_consistency(*args)


def test_all_vectors_were_read() -> None:
    assert len(cases("inclusion")) + len(cases("consistency")) == 196


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH written as the RFC states it (recursive), independent of ``pieces``."""
    if not leaves:
        return merkle.EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return merkle.node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def test_rfc_6962_example_tree_of_seven() -> None:
    """RFC 6962 section 2.1.3: the seven-leaf tree and its named nodes."""
    a, b, c, d, e, f, j = (merkle.leaf_hash(bytes([i])) for i in range(7))
    g, h, i = merkle.node_hash(a, b), merkle.node_hash(c, d), merkle.node_hash(e, f)
    k, l_ = merkle.node_hash(g, h), merkle.node_hash(i, j)
    read = merkle.memory_reader([a, b, c, d, e, f, j])
    assert merkle.root(7, read) == merkle.node_hash(k, l_)
    assert merkle.inclusion_proof(0, 7, read) == [b, h, l_]  # "the audit path for d0"
    assert merkle.inclusion_proof(3, 7, read) == [c, g, l_]
    assert merkle.inclusion_proof(4, 7, read) == [f, j, k]
    assert merkle.inclusion_proof(6, 7, read) == [i, k]
    assert merkle.consistency_proof(3, 7, read) == [c, d, g, l_]
    assert merkle.consistency_proof(4, 7, read) == [l_]
    assert merkle.consistency_proof(6, 7, read) == [i, j, k]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=70), st.data())
def test_generated_proofs_verify(size: int, data: st.DataObject) -> None:
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    read = merkle.memory_reader(leaves)
    root = merkle.root(size, read)
    assert root == reference_root(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    merkle.verify_inclusion(
        index, size, leaves[index], merkle.inclusion_proof(index, size, read), root
    )
    old = data.draw(st.integers(min_value=1, max_value=size))
    old_root = merkle.root(old, read)
    assert old_root == reference_root(leaves[:old])
    merkle.verify_consistency(old, size, old_root, root, merkle.consistency_proof(old, size, read))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=40), st.data())
def test_any_changed_leaf_breaks_its_proof(size: int, data: st.DataObject) -> None:
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    read = merkle.memory_reader(leaves)
    root = merkle.root(size, read)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = merkle.inclusion_proof(index, size, read)
    forged = merkle.leaf_hash(b"forged")
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(index, size, forged, proof, root)
    if proof:
        k = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        bad = list(proof)
        bad[k] = bytes([bad[k][0] ^ 1]) + bad[k][1:]
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(index, size, leaves[index], bad, root)
