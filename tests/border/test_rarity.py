"""Rare surnames weigh more (issue 17): agreeing on a surname few entries of the list
carry is stronger evidence than agreeing on one that many carry, so a traveller who shares
only a common name with an entry ranks below one who shares a rare one."""

from __future__ import annotations

from kuntur.border import matching
from kuntur.border.matching import BirthDate, Person, PersonIndex, Traveller


def _list() -> list[Person]:
    # 1,200 entries: Quispe and Mamani on hundreds of them, each other surname on a few
    given = ["Juan", "Rosa", "Pedro", "Luz", "Carlos", "Ana"]
    tail = [f"Apellido{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(300)]
    out = []
    for i in range(1_200):
        p = "Quispe" if i % 3 == 0 else tail[i % 300]
        m = "Mamani" if i % 4 == 0 else tail[(i * 7) % 300]
        out.append(
            Person(f"E{i}", f"{given[i % 6]} {p} {m}", (), BirthDate(1960 + i % 40, 1, 1 + i % 28))
        )
    out.append(Person("RARE", "Wilber Zevallos Ccorimanya", (), BirthDate(1980, 5, 5)))
    out.append(Person("COMMON", "Wilber Quispe Mamani", (), BirthDate(1980, 5, 5)))
    return out


def _score(idx: PersonIndex, name: str, entry: str) -> matching.Candidate:
    found = {c.entry_id: c for c in idx.screen(Traveller("T", name), threshold=0.0, limit=50)}
    return found[entry]


def test_a_rare_surname_agreeing_weighs_more_than_a_common_one() -> None:
    idx = PersonIndex(_list())
    rare = _score(idx, "Wilber Zevallos Ccorimanya", "RARE")
    common = _score(idx, "Wilber Quispe Mamani", "COMMON")
    assert rare.score > common.score + 0.1, (rare.score, common.score)
    assert "apellido poco frecuente en la lista" in rare.explanation()
    assert "apellido frecuente en la lista" in common.explanation()
    # the same comparisons without the list's counts weigh alike
    plain_rare = matching.compare(Traveller("T", "Wilber Zevallos Ccorimanya"), _list()[-2])
    plain_common = matching.compare(Traveller("T", "Wilber Quispe Mamani"), _list()[-1])
    assert plain_rare.score == plain_common.score
    assert rare.score > plain_rare.score > common.score


def test_the_counts_follow_the_list_and_a_small_list_moves_nothing() -> None:
    idx = PersonIndex(_list()[-2:])  # two entries: the list's counts say nothing yet
    assert idx.rarity.weight("zevallos") == 0.0
    idx = PersonIndex(_list())
    before = idx.rarity.weight("quispe")
    assert before < 0 < idx.rarity.weight("zevallos")
    for i in range(0, 600, 3):  # withdraw half the Quispes: it grows rarer
        idx.remove(f"E{i}")
    idx.upsert(Person("X", "Luz Huanca Poma", (), None))
    assert idx.rarity.entries >= matching.RARITY_MIN_ENTRIES
    assert before < idx.rarity.weight("quispe") < 0
    assert idx.rarity.entries == len(idx)
