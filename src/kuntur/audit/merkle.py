"""Merkle tree hashing, proofs and their verification (RFC 6962 / RFC 9162).

Pure functions: no database. Leaf hash = SHA-256(0x00 || data), node hash =
SHA-256(0x01 || left || right). A tree of size n is stored as its complete,
aligned subtrees: node ``(level, index)`` covers leaves
``[index * 2**level, (index + 1) * 2**level)``. Any range the RFC algorithms need
(``MTH(D[a:b])`` with ``a`` aligned to the range's split) is the right fold of a
few such nodes (``pieces``), so proofs read O(log n) stored nodes, whatever n is.

Verification follows RFC 9162 sections 2.1.3.2 and 2.1.4.2 and passes the
transparency-dev/merkle test vectors (tests/oversight/vectors).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
Node = tuple[int, int]  # (level, index)
NodeReader = Callable[[Iterable[Node]], dict[Node, bytes]]

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or arguments no proof can satisfy."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """Largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def pieces(start: int, end: int) -> list[Node]:
    """Aligned complete subtrees that make up leaves [start, end), left to right."""
    out: list[Node] = []
    while start < end:
        size = 1 << ((end - start).bit_length() - 1)  # largest power of two <= remaining
        while start % size:
            size >>= 1
        level = size.bit_length() - 1
        out.append((level, start >> level))
        start += size
    return out


def fold(hashes: Sequence[bytes]) -> bytes:
    """Hash of a range from its pieces: fold from the right (RFC 6962 MTH)."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def _path_ranges(index: int, start: int, end: int) -> list[tuple[int, int]]:
    """The sibling ranges of RFC 6962 PATH(m, D[start:end]), leaf to root order."""
    out: list[tuple[int, int]] = []
    while end - start > 1:
        k = _largest_power_of_two_below(end - start)
        if index < start + k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start += k
    return list(reversed(out))


def _subproof_ranges(m: int, start: int, end: int, whole: bool) -> list[tuple[int, int]]:
    """The ranges of RFC 6962 SUBPROOF(m, D[start:end], b), in proof order."""
    n = end - start
    if m == n:
        return [] if whole else [(start, end)]
    k = _largest_power_of_two_below(n)
    if m <= k:
        return [*_subproof_ranges(m, start, start + k, whole), (start + k, end)]
    return [*_subproof_ranges(m - k, start + k, end, False), (start, start + k)]


def _hash_ranges(ranges: list[tuple[int, int]], read: NodeReader) -> list[bytes]:
    needed = {node for a, b in ranges for node in pieces(a, b)}
    nodes = read(needed)
    missing = needed - nodes.keys()
    if missing:
        raise ProofError(f"tree nodes missing from the store: {sorted(missing)[:5]}")
    return [fold([nodes[p] for p in pieces(a, b)]) for a, b in ranges]


def root(size: int, read: NodeReader) -> bytes:
    if size == 0:
        return EMPTY_ROOT
    return _hash_ranges([(0, size)], read)[0]


def inclusion_proof(index: int, size: int, read: NodeReader) -> list[bytes]:
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    return _hash_ranges(_path_ranges(index, 0, size), read)


def consistency_proof(size1: int, size2: int, read: NodeReader) -> list[bytes]:
    if not 0 < size1 <= size2:
        raise ProofError(f"no consistency proof from size {size1} to size {size2}")
    return _hash_ranges(_subproof_ranges(size1, 0, size2, True), read)


def memory_reader(leaves: Sequence[bytes]) -> NodeReader:
    """A reader over leaf hashes held in memory (tests, small trees, verification)."""
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        prev = levels[-1]
        levels.append([node_hash(prev[i], prev[i + 1]) for i in range(0, len(prev) - 1, 2)])

    def read(wanted: Iterable[Node]) -> dict[Node, bytes]:
        out = {}
        for level, idx in wanted:
            if level < len(levels) and idx < len(levels[level]):
                out[(level, idx)] = levels[level][idx]
        return out

    return read


def _check_size(*hashes: bytes) -> None:
    for h in hashes:
        if len(h) != HASH_SIZE:
            raise ProofError(f"hash of {len(h)} bytes, expected {HASH_SIZE}")


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> None:
    """Raise ProofError unless ``proof`` shows leaf ``index`` in the tree with that root."""
    if index >= size or index < 0:
        raise ProofError(f"index {index} is beyond the tree size {size}")
    _check_size(leaf, expected_root, *proof)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("proof longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof shorter than the tree is deep")
    if r != expected_root:
        raise ProofError("calculated root differs from the expected root")


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ProofError unless ``proof`` shows the tree (size1, root1) is a prefix of
    (size2, root2)."""
    if size1 <= 0:
        raise ProofError("a consistency proof from an empty tree proves nothing")
    if size2 < size1:
        raise ProofError(f"size2 {size2} is smaller than size1 {size1}")
    if size1 == size2:
        if proof:
            raise ProofError("equal sizes need an empty proof")
        if root1 != root2:
            raise ProofError("equal sizes but different roots")
        return
    if not proof:
        raise ProofError("empty proof for different sizes")
    _check_size(root1, root2, *proof)
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # an exact power of two: its root is the first node
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("proof longer than needed")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof shorter than needed")
    if fr != root1:
        raise ProofError("proof does not lead to the first root")
    if sr != root2:
        raise ProofError("proof does not lead to the second root")
