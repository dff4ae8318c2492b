"""A matcher for Peruvian personal names: same person or not, with a score in [0, 1].

A Peruvian name is given names + father's surname + mother's surname ("José Luis Pérez
García"); police reports also write "PEREZ GARCIA, Jose Luis". What varies for one person:
accents and case, a dropped mother's surname or second given name, nicknames (Pepe = José,
Lucho = Luis, Pancho/Paco = Francisco), Quechua spellings (Huamán/Guamán, Ccori/Cori,
Quispe/Quisper), phonetic spellings (Yeferson/Jefferson, Bilma/Vilma) and typing slips.
What marks a different person: swapped surnames ("García Pérez" is usually someone else),
a different father's surname, a different first given name.

The score is built from the parts, in that order of weight: paternal surname (must agree),
maternal surname (agree, or missing on one side), given names (the first must agree with
one of the other's, nicknames resolved). Parts agree when their Spanish phonetic keys are
equal or their Jaro-Winkler similarity is high (``rapidfuzz``).

Pure: strings in, a float out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from kuntur.intelligence.identifiers import fold

NICKNAMES = {
    "pepe": "jose",
    "chema": "jose",
    "pepito": "jose",
    "lucho": "luis",
    "pancho": "francisco",
    "paco": "francisco",
    "curro": "francisco",
    "quique": "enrique",
    "kike": "enrique",
    "memo": "guillermo",
    "nacho": "ignacio",
    "tono": "antonio",
    "toño": "antonio",
    "lalo": "eduardo",
    "nando": "fernando",
    "chucho": "jesus",
    "beto": "alberto",
    "tito": "alberto",
    "charo": "rosario",
    "lucha": "luz",
    "pili": "pilar",
    "maru": "maria",
    "mari": "maria",
    "cucho": "agustin",
    "goyo": "gregorio",
    "pancha": "francisca",
    "juancho": "juan",
    "manolo": "manuel",
    "chabela": "isabel",
    "chela": "graciela",
    "rafa": "rafael",
    "santi": "santiago",
    "tincho": "martin",
    "poncho": "alfonso",
}
PARTICLES = {"de", "del", "la", "las", "los", "y", "da", "dos"}
# Common given names in Peru (RENIEC's most frequent, folded): in a three-word name they
# tell "José Luis Pérez" (two given names) from "José Pérez García" (two surnames).
GIVEN_NAMES = frozenset(
    [
        "jose",
        "luis",
        "juan",
        "carlos",
        "jorge",
        "miguel",
        "pedro",
        "victor",
        "cesar",
        "julio",
        "manuel",
        "francisco",
        "antonio",
        "eduardo",
        "fernando",
        "enrique",
        "alberto",
        "ricardo",
        "raul",
        "wilmer",
        "edwin",
        "percy",
        "walter",
        "hugo",
        "oscar",
        "roberto",
        "guillermo",
        "ignacio",
        "gregorio",
        "martin",
        "jesus",
        "alfonso",
        "mario",
        "jefferson",
        "jhon",
        "john",
        "brayan",
        "bryan",
        "kevin",
        "franklin",
        "wilson",
        "ronald",
        "angel",
        "david",
        "daniel",
        "alejandro",
        "andres",
        "javier",
        "sergio",
        "diego",
        "pablo",
        "rafael",
        "santiago",
        "segundo",
        "teodoro",
        "felix",
        "alex",
        "christian",
        "cristian",
        "richard",
        "henry",
        "william",
        "elvis",
        "maria",
        "rosa",
        "carmen",
        "ana",
        "luz",
        "pilar",
        "rosario",
        "isabel",
        "graciela",
        "vilma",
        "bilma",
        "yessica",
        "jessica",
        "elizabeth",
        "milagros",
        "gladys",
        "norma",
        "flor",
        "nelly",
        "sonia",
        "julia",
        "marleny",
        "yolanda",
        "francisca",
        "juana",
        "carla",
        "karina",
        "lucia",
        "patricia",
        "elena",
        "teresa",
        "silvia",
        "susana",
        "martha",
        "marta",
        "veronica",
        "lourdes",
        "diana",
        "sandra",
        "liliana",
        "angela",
        "sofia",
        "valeria",
        "camila",
    ]
)


@lru_cache(maxsize=65536)
def phonetic(word: str) -> str:
    """A Spanish (and Andean) sound key: spellings that sound alike get the same key."""
    w = fold(word)
    w = re.sub(r"[^a-z]", "", w)
    rules = [
        (r"^hu(?=[aeio])", "w"),
        (r"^gu(?=[aeio])", "w"),
        (r"^wa", "wa"),  # Huamán / Guamán
        (r"cc", "c"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"sh", "s"),
        (r"qu(?=[ei])", "k"),
        (r"c(?=[ei])", "s"),
        (r"z", "s"),
        (r"x", "s"),
        (r"c", "k"),
        (r"q", "k"),
        (r"gu(?=[ei])", "g"),
        (r"g(?=[ei])", "j"),
        (r"ll", "y"),
        (r"^j(?=e)", "y"),
        (r"i(?=[aeou])", "y"),  # Jefferson / Yeferson
        (r"v", "b"),
        (r"w", "u"),
        (r"h", ""),
        (r"(.)\1+", r"\1"),
    ]
    for pattern, repl in rules:
        w = re.sub(pattern, repl, w)
    return w.rstrip("s") if len(w) > 4 else w  # Quispe / Quispes


@dataclass(frozen=True)
class PersonName:
    given: tuple[str, ...]
    paternal: str | None
    maternal: str | None


def parse(name: str) -> PersonName:
    """Split a name into given names and surnames ("SURNAMES, Given" also understood)."""
    text = fold(name).strip()
    if "," in text:
        surnames, given_text = (p.strip() for p in text.split(",", 1))
        s = [t for t in re.split(r"[\s\-]+", surnames) if t and t not in PARTICLES]
        g = [t for t in given_text.split() if t]
    else:
        tokens = [t for t in re.split(r"[\s]+", text) if t and t not in PARTICLES]
        if len(tokens) >= 4:
            g, s = tokens[:-2], tokens[-2:]
        elif len(tokens) == 3 and tokens[1] in GIVEN_NAMES and tokens[2] not in GIVEN_NAMES:
            g, s = tokens[:2], tokens[2:]  # "José Luis Pérez": the mother's surname dropped
        else:
            g, s = tokens[:1], tokens[1:]
    return PersonName(
        tuple(NICKNAMES.get(t, t) for t in g), s[0] if s else None, s[1] if len(s) > 1 else None
    )


def same_word(a: str, b: str) -> float:
    """1.0 for the same sound; otherwise how close the spellings are, steeply: a slip of
    one letter keeps most of it (Quispe / Quipse), María / Mario keeps little."""
    if a == b or phonetic(a) == phonetic(b):
        return 1.0
    if _gendered_pair(a, b):
        return 0.0  # María / Mario, Juana / Juan, Carla / Carlos: another person
    jw = float(JaroWinkler.similarity(a, b))
    return max(0.0, (jw - 0.85) / 0.15)


def _gendered_pair(a: str, b: str) -> bool:
    """The same stem with a feminine -a against a masculine -o, -os or no ending."""
    for f, m in ((a, b), (b, a)):
        if f.endswith("a") and len(f) > 3:
            stem = f[:-1]
            if m in (stem, stem + "o", stem + "os"):
                return True
    return False


def score(a: str, b: str) -> float:
    """How likely ``a`` and ``b`` name the same person, 0 to 1."""
    x, y = parse(a), parse(b)
    if not x.paternal or not y.paternal or not x.given or not y.given:
        return float(JaroWinkler.similarity(fold(a), fold(b))) * 0.5
    paternal = same_word(x.paternal, y.paternal)
    if x.maternal and y.maternal:
        maternal = same_word(x.maternal, y.maternal)
        # "Pérez García" vs "García Pérez": the surnames crossed means another person.
        crossed = (
            same_word(x.paternal, y.maternal) > 0.92 and same_word(x.maternal, y.paternal) > 0.92
        )
        if crossed and paternal < 0.92:
            return 0.2
    else:
        maternal = 0.9  # one side dropped the mother's surname: no evidence either way
    first = max(same_word(x.given[0], g) for g in y.given)
    first = max(first, max(same_word(y.given[0], g) for g in x.given))
    # Weighted, then the weakest part caps it: a wrong father's surname is a wrong person.
    weighted = 0.45 * paternal + 0.25 * maternal + 0.30 * first
    return round(min(weighted, 0.5 + 0.5 * min(paternal, first, maternal)), 4)
