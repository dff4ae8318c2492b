"""Write tests/intelligence/name_pairs.csv: labelled Peruvian name pairs by category.

Each pair is built from one person's name and a variant of it (same person) or another
person's (different). Categories: accents and case, surnames first, dropped mother's
surname, dropped second given name, nickname, Quechua spelling, phonetic spelling, one-letter
slip (same); swapped surnames, siblings, another father, -a/-o, unrelated (different).
Seeded: python scripts/make_name_pairs.py
"""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "intelligence" / "name_pairs.csv"
rng = np.random.default_rng(95)

MALE = [
    "José",
    "Luis",
    "Juan",
    "Carlos",
    "Jorge",
    "Miguel",
    "Pedro",
    "Víctor",
    "César",
    "Julio",
    "Manuel",
    "Francisco",
    "Antonio",
    "Eduardo",
    "Fernando",
    "Enrique",
    "Alberto",
    "Ricardo",
    "Raúl",
    "Wilmer",
    "Edwin",
    "Percy",
    "Walter",
    "Hugo",
    "Óscar",
    "Roberto",
    "Guillermo",
    "Ignacio",
    "Gregorio",
    "Martín",
    "Jesús",
    "Alfonso",
    "Mario",
    "Jefferson",
    "Jhon",
    "Brayan",
    "Kevin",
    "Franklin",
    "Wilson",
    "Ronald",
]
FEMALE = [
    "María",
    "Rosa",
    "Carmen",
    "Ana",
    "Luz",
    "Pilar",
    "Rosario",
    "Isabel",
    "Graciela",
    "Vilma",
    "Yessica",
    "Elizabeth",
    "Milagros",
    "Gladys",
    "Norma",
    "Flor",
    "Nelly",
    "Sonia",
    "Julia",
    "Marleny",
    "Yolanda",
    "Francisca",
    "Juana",
    "Carla",
    "Karina",
]
SURNAMES = [
    "Pérez",
    "García",
    "Rojas",
    "Flores",
    "Quispe",
    "Mamani",
    "Huamán",
    "Condori",
    "Ccori",
    "Choque",
    "Sánchez",
    "Torres",
    "Ramírez",
    "Mendoza",
    "Vásquez",
    "Chávez",
    "Castillo",
    "Gutiérrez",
    "Ruiz",
    "Díaz",
    "Huanca",
    "Ccama",
    "Apaza",
    "Ticona",
    "Salazar",
    "Cárdenas",
    "Huaranga",
    "Espinoza",
    "Villanueva",
    "Zapata",
    "Cusi",
    "Yupanqui",
    "Huillca",
    "Castro",
    "Herrera",
    "Ortiz",
    "Silva",
    "Vargas",
    "Paredes",
    "Medina",
]
NICK = {
    "José": "Pepe",
    "Luis": "Lucho",
    "Francisco": "Pancho",
    "Enrique": "Quique",
    "Guillermo": "Memo",
    "Ignacio": "Nacho",
    "Antonio": "Toño",
    "Eduardo": "Lalo",
    "Fernando": "Nando",
    "Jesús": "Chucho",
    "Alberto": "Beto",
    "Rosario": "Charo",
    "Luz": "Lucha",
    "Pilar": "Pili",
    "Gregorio": "Goyo",
    "Manuel": "Manolo",
    "Isabel": "Chabela",
    "Graciela": "Chela",
    "Martín": "Tincho",
    "Alfonso": "Poncho",
}
QUECHUA = {
    "Huamán": "Guamán",
    "Ccori": "Cori",
    "Ccama": "Cama",
    "Huanca": "Guanca",
    "Huaranga": "Guaranga",
    "Huillca": "Willca",
    "Quispe": "Quispi",
    "Choque": "Choqque",
}
PHONETIC = {
    "Jefferson": "Yeferson",
    "Vilma": "Bilma",
    "Yessica": "Jessica",
    "Jhon": "John",
    "Elizabeth": "Elisabeth",
    "Víctor": "Bíctor",
    "Wilmer": "Huilmer",
    "Brayan": "Bryan",
    "Vásquez": "Vázquez",
    "Chávez": "Chaves",
    "Zapata": "Sapata",
    "Yupanqui": "Llupanqui",
    "Villanueva": "Billanueva",
    "Cusi": "Cussi",
    "Silva": "Sylva",
}


def pick(xs: list[str]) -> str:
    return xs[int(rng.integers(len(xs)))]


def person(with_nick: bool = False) -> tuple[list[str], str, str]:
    pool = list(NICK) if with_nick else (MALE if rng.random() < 0.6 else FEMALE)
    first = pick(pool)
    given = [first] + ([pick(MALE if first in MALE else FEMALE)] if rng.random() < 0.5 else [])
    p, m = pick(SURNAMES), pick(SURNAMES)
    while m == p:
        m = pick(SURNAMES)
    return given, p, m


def name(given: list[str], p: str, m: str | None) -> str:
    return " ".join([*given, p, *([m] if m else [])])


def strip(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def slip(word: str) -> str:
    i = int(rng.integers(1, len(word) - 1))
    return (
        word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if rng.random() < 0.5
        else (word[:i] + word[i + 1 :])
    )


def pairs_for(category: str) -> tuple[str, str, int]:
    g, p, m = person(with_nick=category == "nickname")
    a = name(g, p, m)
    if category == "accents_case":
        return a, strip(a).upper(), 1
    if category == "surnames_first":
        return a, f"{strip(p).upper()} {strip(m).upper()}, {' '.join(g)}", 1
    if category == "dropped_maternal":
        return a, name(g, p, None), 1
    if category == "dropped_second_given":
        g2 = [*g, pick(MALE)] if len(g) == 1 else g
        return name(g2, p, m), name(g2[:1], p, m), 1
    if category == "nickname":
        return a, name([NICK[g[0]]], p, m if rng.random() < 0.5 else None), 1
    if category == "quechua_spelling":
        p2 = pick(list(QUECHUA))
        return name(g, p2, m), name(g, QUECHUA[p2], m), 1
    if category == "phonetic_spelling":
        key = pick(list(PHONETIC))
        if key in SURNAMES:
            return name(g, key, m), name(g, PHONETIC[key], m), 1
        return name([key], p, m), name([PHONETIC[key]], p, m), 1
    if category == "typo":
        return a, name(g, slip(p) if rng.random() < 0.5 else p, slip(m)), 1
    if category == "swapped_surnames":
        return a, name(g, m, p), 0
    if category == "sibling":
        other = pick(MALE if g[0] in MALE else FEMALE)
        while other in g:  # not one of the person's own given names
            other = pick(MALE if g[0] in MALE else FEMALE)
        return a, name([other], p, m), 0
    if category == "different_father":
        p2 = pick(SURNAMES)
        while p2 in (p, m):
            p2 = pick(SURNAMES)
        return a, name(g, p2, m), 0
    if category == "a_o":
        pairs = [
            ("María", "Mario"),
            ("Julia", "Julio"),
            ("Francisca", "Francisco"),
            ("Juana", "Juan"),
            ("Carla", "Carlos"),
        ]
        f, mm = pairs[int(rng.integers(len(pairs)))]
        return name([f], p, m), name([mm], p, m), 0
    g2, p2, m2 = person()
    return a, name(g2, p2, m2), 0


CATEGORIES = [
    "accents_case",
    "surnames_first",
    "dropped_maternal",
    "dropped_second_given",
    "nickname",
    "quechua_spelling",
    "phonetic_spelling",
    "typo",
    "swapped_surnames",
    "sibling",
    "different_father",
    "a_o",
    "unrelated",
]


def main() -> None:
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name_a", "name_b", "same", "category"])
        for cat in CATEGORIES:
            for _ in range(160):
                a, b, same = pairs_for(cat)
                w.writerow([a, b, same, cat])
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
