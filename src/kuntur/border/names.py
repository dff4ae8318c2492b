"""Travellers' names at a border post: the Peruvian name matcher, extended to the names
common among Venezuelan, Colombian and Ecuadorian travellers and their spellings.

``kuntur.intelligence.names`` knows Peruvian names (given names + father's surname +
mother's surname, nicknames, Quechua spellings). At the border the same person is also
written Yorbis / Jorbis, Jhoan / Johan / Yohan, Hernández / Hernandes, Yeison / Jeison,
Wuilmer / Wilmer, Jhonatan / Jonathan, Stiven / Steven. ``key`` folds those spellings onto
one sound key (the Peruvian ``phonetic`` after a few orthographic rewrites that travellers'
documents make); ``tokens`` splits a name into given names and surnames ("APELLIDOS,
Nombres" understood; surnames first without a comma tried too, by the screening).

Pure: strings in, tuples out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler

from kuntur.intelligence import names as peru
from kuntur.intelligence.identifiers import fold

# Nicknames and short forms used across the Andean region and Venezuela (on top of the
# Peruvian ones): a listed "José" travels as "Chepe".
NICKNAMES = {
    **peru.NICKNAMES,
    "chepe": "jose",
    "cheo": "jose",
    "pacho": "francisco",
    "pipe": "felipe",
    "tavo": "gustavo",
    "chalo": "gonzalo",
    "nico": "nicolas",
    "gaby": "gabriela",
    "pao": "paola",
    "cata": "catalina",
    "caro": "carolina",
    "fercho": "fernando",
    "moncho": "ramon",
    "chuy": "jesus",
    "mayi": "maria",
    "yoli": "yolanda",
    "juanca": "juan",
    "alex": "alejandro",
    "sebas": "sebastian",
    "vale": "valentina",
    "tatis": "tatiana",
}
# Given names frequent among Venezuelan, Colombian and Ecuadorian travellers (registries'
# and migration's most frequent, folded), with the Peruvian ones: in a three-word name
# they tell two given names from two surnames.
GIVEN_NAMES = peru.GIVEN_NAMES | frozenset(
    [
        "yorbis",
        "jorbis",
        "jhoan",
        "johan",
        "yohan",
        "yoan",
        "jhon",
        "jhonny",
        "johnny",
        "yonny",
        "yeison",
        "jeison",
        "jason",
        "yorman",
        "jorman",
        "darwin",
        "jhonatan",
        "jonathan",
        "jonatan",
        "wuilmer",
        "wilmer",
        "yeferson",
        "jeferson",
        "stiven",
        "steven",
        "estiven",
        "yeiner",
        "jhonier",
        "duvan",
        "yesid",
        "edison",
        "anderson",
        "freddy",
        "fredy",
        "oswaldo",
        "ramiro",
        "gonzalo",
        "gustavo",
        "felipe",
        "fabian",
        "sebastian",
        "samuel",
        "mateo",
        "nicolas",
        "santiago",
        "alejandro",
        "camilo",
        "julian",
        "esteban",
        "jairo",
        "yordan",
        "jordan",
        "deiby",
        "dairon",
        "brayan",
        "breiner",
        "kevin",
        "wilfredo",
        "omar",
        "yusmary",
        "yorgelis",
        "yuleidy",
        "yeimy",
        "leidy",
        "yesenia",
        "yuliana",
        "deisy",
        "daisy",
        "nayeli",
        "dayana",
        "yoselin",
        "joselin",
        "maryuri",
        "yajaira",
        "wendy",
        "andreina",
        "marielys",
        "oriana",
        "luisana",
        "yulimar",
        "keila",
        "luisa",
        "paola",
        "gabriela",
        "catalina",
        "carolina",
        "lorena",
        "natalia",
        "paula",
        "tatiana",
        "viviana",
        "yenny",
        "jenny",
        "valentina",
        "mariana",
        "juliana",
        "daniela",
        "andrea",
        "alejandra",
        "fernanda",
        "marisol",
        "yamile",
        "yaneth",
        "janeth",
        "yurany",
        "yurani",
        "leonor",
        "dolores",
        "mercedes",
        "gloria",
        "esperanza",
        "beatriz",
        "amparo",
        "nancy",
        "ramon",
        "ruben",
        "hector",
        "nelson",
        "jhony",
        "edgar",
        "orlando",
        "rodrigo",
        "ivan",
        "gerardo",
        "arturo",
        "alfredo",
    ]
)
PARTICLES = peru.PARTICLES


@lru_cache(maxsize=262144)
def key(word: str) -> str:
    """A sound key for a name word: Yorbis = Jorbis, Jhoan = Johan = Yohan, Hernández =
    Hernandes, Wuilmer = Wilmer, Stiven = Steven, Yeison = Jeison; then the Peruvian
    phonetic rules (Huamán = Guamán, Yeferson = Jefferson, Bilma = Vilma)."""
    w = re.sub(r"[^a-z]", "", fold(word))
    if not w:
        return ""
    w = w.replace("jh", "j").replace("wu", "w")
    w = re.sub(r"^y(?=[aeiou])", "j", w)  # Yorbis / Jorbis, Yohan / Johan
    w = re.sub(r"^es(?=t)", "s", w)  # Estiven / Stiven
    w = re.sub(r"^stiv", "stev", w)  # Stiven / Steven
    w = re.sub(r"(?<=.)y", "i", w)  # Yorbys / Yorbis, Deisy / Deisi
    w = re.sub(r"k", "c", w)
    w = re.sub(r"ie", "e", w)  # Stiven / Steven
    w = re.sub(r"ei", "e", w)  # Jeison / Jason-like spellings, Deiby / Deby
    w = re.sub(r"(?<=[aeiou])h(?=[aeiou])", "", w)  # Johan / Joan
    k = peru.phonetic(w)
    k = k.replace("y", "j")  # the Peruvian rule writes je as ye: one letter for both
    return k


def canonical(word: str) -> str:
    """A folded word with its nickname resolved (Pepe -> jose, Chepe -> jose)."""
    return NICKNAMES.get(word, word)


@lru_cache(maxsize=262144)
def same_word(a: str, b: str) -> float:
    """1.0 for the same word or sound; otherwise how close the spellings are, steeply
    (one slip keeps most of it); a gendered pair (María / Mario) is another person."""
    if a == b or key(a) == key(b):
        return 1.0
    if peru._gendered_pair(a, b):
        return 0.0
    jw = max(0.0, (float(JaroWinkler.similarity(a, b)) - 0.84) / 0.16)
    if min(len(a), len(b)) >= 4 and OSA.distance(a, b) == 1:
        return max(jw, 0.8)  # one slip: a letter swapped, dropped, added or changed
    return jw


@dataclass(frozen=True)
class Name:
    """A parsed name: folded, nicknames resolved, in order."""

    given: tuple[str, ...]
    surnames: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        return self.given + self.surnames


@lru_cache(maxsize=262144)
def _folded(piece: str) -> str:
    return re.sub(r"[^a-z,\-']", " ", fold(piece))


_SPACE = re.compile(r"\s+")
_SPLIT = re.compile(r"[\s\-']+")


def words_of(name: str) -> list[str]:
    """The folded words of a name, a comma kept as a word of its own (each piece folded
    once per process: names repeat their words)."""
    text = " ".join(_folded(p) for p in _SPACE.split(name) if p)
    return [t for t in _SPLIT.split(text.replace(",", " , ")) if t]


@lru_cache(maxsize=262144)
def parse(name: str) -> Name:
    """Given names and surnames ("APELLIDOS, Nombres" understood). Without a comma: known
    given names at the start are given names; otherwise one given name for three words,
    two for four or more (the last two are the surnames)."""
    raw = words_of(name)
    if "," in raw:
        i = raw.index(",")
        surnames = [t for t in raw[:i] if t not in PARTICLES and t != ","]
        given = [t for t in raw[i + 1 :] if t not in PARTICLES and t != ","]
    else:
        tokens = [t for t in raw if t not in PARTICLES and t != ","]
        n_given = 0
        while (
            n_given < len(tokens) - 1 and canonical(tokens[n_given]) in GIVEN_NAMES and n_given < 2
        ):
            n_given += 1
        if n_given == 0:
            n_given = 1 if len(tokens) <= 3 else len(tokens) - 2
        if len(tokens) - n_given > 2:
            n_given = len(tokens) - 2
        given, surnames = tokens[:n_given], tokens[n_given:]
    return Name(tuple(canonical(t) for t in given), tuple(surnames))


def surnames_first(name: str) -> Name:
    """The same words read surnames first without a comma ("QUISPE MAMANI JOSE LUIS"):
    the first two words (or one, in a two-word name) are the surnames."""
    tokens = [t for t in words_of(name) if t not in PARTICLES and t != ","]
    if len(tokens) < 2:
        return parse(name)
    cut = 2 if len(tokens) >= 3 else 1
    return Name(tuple(canonical(t) for t in tokens[cut:]), tuple(tokens[:cut]))


@lru_cache(maxsize=262144)
def other_split(name: str) -> Name | None:
    """A three-word name without a comma read the other way: "Anyelo Brayhan Quispe" is
    parsed as one given name and two surnames unless Brayhan is a known given name; this is
    the reading with two given names and one surname (or the reverse). None otherwise."""
    if "," in name:
        return None
    n = parse(name)
    words = n.words
    if len(words) != 3:
        return None
    cut = 2 if len(n.given) == 1 else 1
    return Name(words[:cut], words[cut:])
