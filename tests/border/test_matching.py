"""The screening engine alone: the explanations an officer reads, namesakes below the real
person, a missing or mistyped field still found, the regional spellings, plate
confusions, expiry."""

from __future__ import annotations

from datetime import date

import pytest

from kuntur.border import names
from kuntur.border.matching import (
    THRESHOLD,
    BirthDate,
    Person,
    PersonIndex,
    Thing,
    ThingIndex,
    Traveller,
    compare,
    parse_birth,
)

LISTED = Person(
    "W1", "José Luis Quispe Mamani", ("El Cholo",), BirthDate(1985, 3, 12), "PE", "41234567"
)


def t(name: str, birth: str | None = "1985-03-12", doc: str | None = "41234567") -> Traveller:
    return Traveller("T", name, parse_birth(birth), "PE", doc)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Yorbis", "Jorbis"),
        ("Jhoan", "Johan"),
        ("Johan", "Yohan"),
        ("Hernández", "Hernandes"),
        ("Yeison", "Jeison"),
        ("Wilmer", "Wuilmer"),
        ("Stiven", "Steven"),
        ("Jefferson", "Yeferson"),
        ("Huamán", "Guamán"),
    ],
)
def test_regional_spellings_sound_alike(a: str, b: str) -> None:
    assert names.key(a) == names.key(b)


@pytest.mark.parametrize(("a", "b"), [("Quispe", "Mamani"), ("María", "Mario"), ("Rosa", "Ruiz")])
def test_different_words_do_not(a: str, b: str) -> None:
    assert names.same_word(names.fold(a), names.fold(b)) < 0.5


def test_exact_person_scores_high() -> None:
    c = compare(t("José Luis Quispe Mamani"), LISTED)
    assert c.score > 0.99
    assert "fecha de nacimiento igual" in c.explanation()
    assert "documento igual" in c.explanation()


@pytest.mark.parametrize(
    ("traveller", "phrase"),
    [
        (t("José Luis Quispe Flores", doc="41234567"), "apellido materno distinto"),
        (t("José Luis Quispe Mamani", birth="1985-12-03"), "fecha con día y mes invertidos"),
        (t("José Luis Quispe Mamani", doc="41234667"), "documento con un dígito distinto"),
        (t("José Luis Quispe Mamani", doc="42134567"), "documento con dos dígitos transpuestos"),
        (t("José Quispe", doc=None), "sin apellido materno"),
        (t("Pepe Quispe Mamani"), "nombre igual"),
        (t("QUISPE MAMANI, José Luis"), "apellido paterno igual"),
        (t("José Luis Quispe Mamani", birth="1985"), "solo el año de nacimiento, coincide"),
        (t("José Luis Mamani Quispe"), "apellidos en orden invertido"),
    ],
)
def test_explanations(traveller: Traveller, phrase: str) -> None:
    assert phrase in compare(traveller, LISTED).explanation()


@pytest.mark.parametrize(
    "traveller",
    [
        t("José Luis Quispe Mamani", birth=None),  # no birth date
        t("José Luis Quispe Mamani", doc=None),  # no document
        t("José Luis Quispe Mamani", doc="41234568"),  # a document typo
        t("Jose Luis Qispe Mamani"),  # a surname typo
        t("José Quispe", birth="1985-12-03"),  # dropped surname and swapped date
        t("QUISPE MAMANI JOSE LUIS"),  # surnames first, no comma
        t("Pepe Quispe Mamani", birth="1985", doc=None),  # nickname, year only, no document
    ],
)
def test_listed_person_with_a_missing_or_mistyped_field_is_found(traveller: Traveller) -> None:
    assert compare(traveller, LISTED).score >= THRESHOLD


def test_namesake_with_another_birth_date_and_document_is_below_threshold() -> None:
    namesake = t("José Luis Quispe Mamani", birth="1990-08-30", doc="70011223")
    assert compare(namesake, LISTED).score < THRESHOLD


def test_namesake_does_not_outrank_the_real_person() -> None:
    other = Person("W2", "José Luis Quispe Mamani", (), BirthDate(1990, 8, 30), "PE", "70011223")
    idx = PersonIndex([other, LISTED])
    hits = idx.screen(t("Jose Luis Quispe Mamani", doc="41234568"), threshold=0.0)
    assert hits[0].entry_id == "W1"
    assert all(h.score < THRESHOLD for h in hits[1:])


def test_relative_is_not_a_hit() -> None:
    brother = t("Juan Carlos Quispe Mamani", birth="1988-01-20", doc="45550001")
    assert compare(brother, LISTED).score < THRESHOLD


def test_alias_matches() -> None:
    c = compare(Traveller("T", "El Cholo", parse_birth("1985-03-12"), None, None), LISTED)
    assert "alias" in c.explanation()


def test_index_finds_by_document_with_a_typo_even_with_another_name() -> None:
    idx = PersonIndex([LISTED])
    cands = idx.candidates(Traveller("T", "Pedro Ramos", None, None, "41234576"))
    assert cands == [0]


def test_expired_entry_no_longer_hits() -> None:
    expired = Person(
        "W9",
        "Yorbis Hernández Marcano",
        (),
        BirthDate(1990),
        "VE",
        "18765432",
        expires=date(2026, 1, 31),
    )
    idx = PersonIndex([expired])
    tr = Traveller("T", "Jorbis Hernandes Marcano", BirthDate(1990), "VE", "18765432")
    assert idx.screen(tr, today=date(2026, 1, 31))
    assert idx.screen(tr, today=date(2026, 2, 1)) == []


@pytest.mark.parametrize("read", ["ABO-123", "AB0-I23", "A8O-123", "ABO-1Z3", "abo 123"])
def test_plate_reading_confusions(read: str) -> None:
    idx = ThingIndex([Thing("V1", "plate", "ABO123", "requisitoria")])
    hits = idx.screen("plate", read)
    assert [h.entry_id for h in hits] == ["V1"]
    if read.replace(" ", "").replace("-", "").upper() != "ABO123":
        assert "confusión de lectura" in hits[0].explanation()


def test_plate_another_plate_is_no_hit() -> None:
    idx = ThingIndex([Thing("V1", "plate", "ABO123", "requisitoria")])
    assert idx.screen("plate", "ABC-123") == []


def test_phone_and_account_exact_when_normalised() -> None:
    idx = ThingIndex(
        [
            Thing("P1", "phone", "+51987654321"),
            Thing("A1", "account", "00219300123456789012"),
        ]
    )
    assert [h.entry_id for h in idx.screen("phone", "987 654 321")] == ["P1"]
    assert idx.screen("phone", "987 654 322") == []
    assert idx.screen("account", "002-193-001234567890-12")[0].entry_id == "A1"


@pytest.mark.parametrize("bad", ["1985-13-01", "85", "2001-02-30", "ayer"])
def test_bad_dates_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_birth(bad)
