"""A labelled screening benchmark, generated deterministically from name pools, and the
baseline it is measured against.

The watchlist: persons with Peruvian, Venezuelan, Colombian and Ecuadorian names (given
names + father's + mother's surname), a birth date (a tenth only the year), a nationality and
a document of that country's shape. The travellers: half are listed persons as a border
post would see them, each changed in one category (``format``: case, accents, "APELLIDOS,
Nombres"; ``order``: surnames first; ``dropped_surname``; ``nickname``; ``spelling``
(Yorbis/Jorbis, Hernández/Hernandes, a slip of one letter); ``date_swapped``;
``date_year``; ``document_typo``; ``document_missing``) and often a second; half are not
listed: ``stranger`` (drawn from the same pools), ``namesake`` (the same name, another
birth date and document), ``relative`` (the same surnames, another given name) and
``swapped_surnames`` (the same names, surnames the other way round, another person).

``baseline``: rapidfuzz token-set ratio on the names (candidates sharing a name word or
the document) plus a bonus for an agreeing birth date and document.

Pure: a seed in, records and scores out.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from kuntur.border.matching import BirthDate, Person, Traveller, normalise_document
from kuntur.intelligence.identifiers import fold

GIVEN_M = [
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
    "Martín",
    "Jesús",
    "Mario",
    "Jefferson",
    "Jhon",
    "Brayan",
    "Kevin",
    "Franklin",
    "Wilson",
    "Ronald",
    "Ángel",
    "David",
    "Daniel",
    "Alejandro",
    "Andrés",
    "Javier",
    "Sergio",
    "Diego",
    "Pablo",
    "Rafael",
    "Santiago",
    "Yorbis",
    "Jhoan",
    "Yeison",
    "Yorman",
    "Darwin",
    "Jhonatan",
    "Stiven",
    "Yeiner",
    "Duván",
    "Yesid",
    "Edison",
    "Anderson",
    "Freddy",
    "Oswaldo",
    "Ramiro",
    "Gonzalo",
    "Gustavo",
    "Felipe",
    "Fabián",
    "Sebastián",
    "Samuel",
    "Mateo",
    "Nicolás",
    "Camilo",
    "Julián",
    "Esteban",
    "Jairo",
    "Omar",
    "Wilfredo",
    "Ramón",
    "Rubén",
    "Héctor",
    "Nelson",
    "Edgar",
    "Orlando",
    "Rodrigo",
    "Iván",
    "Gerardo",
    "Arturo",
    "Alfredo",
    "Segundo",
    "Teodoro",
    "Félix",
    "Richard",
    "Henry",
    "Elvis",
]
GIVEN_F = [
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
    "Karina",
    "Lucía",
    "Patricia",
    "Elena",
    "Teresa",
    "Silvia",
    "Susana",
    "Martha",
    "Verónica",
    "Lourdes",
    "Diana",
    "Sandra",
    "Liliana",
    "Ángela",
    "Sofía",
    "Valeria",
    "Camila",
    "Yusmary",
    "Yorgelis",
    "Yuleidy",
    "Yeimy",
    "Leidy",
    "Yesenia",
    "Yuliana",
    "Deisy",
    "Dayana",
    "Yoselin",
    "Maryuri",
    "Yajaira",
    "Wendy",
    "Andreína",
    "Marielys",
    "Oriana",
    "Luisana",
    "Yulimar",
    "Paola",
    "Gabriela",
    "Catalina",
    "Carolina",
    "Lorena",
    "Natalia",
    "Paula",
    "Tatiana",
    "Viviana",
    "Yenny",
    "Valentina",
    "Mariana",
    "Juliana",
    "Daniela",
    "Andrea",
    "Alejandra",
    "Fernanda",
    "Marisol",
    "Yamile",
    "Yaneth",
    "Gloria",
    "Esperanza",
    "Beatriz",
    "Nancy",
]
SURNAMES = [
    "Quispe",
    "Flores",
    "Sánchez",
    "Rodríguez",
    "García",
    "Rojas",
    "Mamani",
    "Huamán",
    "Chávez",
    "Vásquez",
    "Ramos",
    "Torres",
    "Díaz",
    "Mendoza",
    "Castillo",
    "López",
    "Espinoza",
    "Ruiz",
    "Gonzales",
    "Pérez",
    "Romero",
    "Gutiérrez",
    "Cruz",
    "Vargas",
    "Reyes",
    "Morales",
    "Hernández",
    "Ramírez",
    "Salazar",
    "Jiménez",
    "Medina",
    "Soto",
    "Fernández",
    "Castro",
    "Vega",
    "Cárdenas",
    "Córdova",
    "Aguilar",
    "Ortiz",
    "Delgado",
    "Ccori",
    "Condori",
    "Choque",
    "Apaza",
    "Ticona",
    "Huanca",
    "Cusi",
    "Paucar",
    "Yupanqui",
    "Poma",
    "Mayta",
    "Calle",
    "Cahuana",
    "Gómez",
    "Martínez",
    "Álvarez",
    "Moreno",
    "Muñoz",
    "Rivera",
    "Suárez",
    "Herrera",
    "Ospina",
    "Giraldo",
    "Cardona",
    "Londoño",
    "Restrepo",
    "Valencia",
    "Arango",
    "Zambrano",
    "Cedeño",
    "Intriago",
    "Mero",
    "Vera",
    "Macías",
    "Villamar",
    "Chiriboga",
    "Guerrero",
    "Peña",
    "Contreras",
    "Carrasco",
    "Marcano",
    "Briceño",
    "Colmenares",
    "Urdaneta",
    "Rondón",
    "Sequera",
    "Bracho",
    "Montilla",
    "Zerpa",
    "Quintero",
    "Villalobos",
    "Parra",
    "Rincón",
    "Osorio",
    "Cáceres",
    "Benítez",
    "Navarro",
    "Palacios",
    "Salas",
    "Ríos",
    "Campos",
    "Núñez",
    "Bautista",
    "Carrillo",
    "Arias",
    "Acosta",
    "Pacheco",
    "Cabrera",
    "Escobar",
    "Lozano",
    "Bermúdez",
    "Zapata",
    "Galindo",
    "Paredes",
    "Cuadros",
]
NICKNAMES = {
    "José": ["Pepe", "Chepe"],
    "Luis": ["Lucho"],
    "Francisco": ["Pancho", "Paco", "Pacho"],
    "Enrique": ["Quique"],
    "Guillermo": ["Memo"],
    "Jesús": ["Chucho", "Chuy"],
    "Alberto": ["Beto"],
    "Felipe": ["Pipe"],
    "Gustavo": ["Tavo"],
    "Gonzalo": ["Chalo"],
    "Nicolás": ["Nico"],
    "Manuel": ["Manolo"],
    "Rafael": ["Rafa"],
    "Gabriela": ["Gaby"],
    "Catalina": ["Cata"],
    "Rosario": ["Charo"],
    "Fernando": ["Nando", "Fercho"],
    "Ramón": ["Moncho"],
}
SPELLINGS = {
    "Yorbis": ["Jorbis", "Yorbys"],
    "Jhoan": ["Johan", "Yohan", "Joan"],
    "Hernández": ["Hernandes", "Fernández"],
    "Yeison": ["Jeison"],
    "Jhonatan": ["Jonathan", "Jonatan"],
    "Stiven": ["Steven", "Estiven"],
    "Wilmer": ["Wuilmer"],
    "Jefferson": ["Yeferson", "Jeferson"],
    "Vilma": ["Bilma"],
    "Huamán": ["Guamán", "Wamán"],
    "Ccori": ["Cori"],
    "Yessica": ["Jessica"],
    "Yenny": ["Jenny"],
    "Deisy": ["Daisy"],
    "Jhon": ["John"],
    "Brayan": ["Bryan"],
    "Gonzales": ["González"],
    "Vásquez": ["Vázquez", "Vasques"],
    "Yoselin": ["Joselin", "Yoselyn"],
    "Zambrano": ["Sambrano"],
    "Cedeño": ["Cedeno"],
}
DOC_LEN = {"PE": 8, "VE": 8, "CO": 10, "EC": 10}
NATIONALITIES = ("PE", "PE", "VE", "VE", "CO", "EC")
LISTS = ("requisitoria", "interpol", "alerta_migratoria", "orden_judicial")
POSITIVE = (
    "format",
    "order",
    "dropped_surname",
    "nickname",
    "spelling",
    "date_swapped",
    "date_year",
    "document_typo",
    "document_missing",
)
NEGATIVE = ("stranger", "namesake", "relative", "swapped_surnames")


@dataclass(frozen=True)
class Identity:
    given: tuple[str, ...]
    paternal: str
    maternal: str
    birth: BirthDate
    nationality: str
    document: str

    def name(self) -> str:
        return " ".join((*self.given, self.paternal, self.maternal))


@dataclass(frozen=True)
class Case:
    traveller: Traveller
    truth: str | None  # the listed entry's id, or None
    category: str


def _identity(rng: random.Random) -> Identity:
    pool = GIVEN_M if rng.random() < 0.6 else GIVEN_F
    n_given = 1 if rng.random() < 0.45 else 2
    given = tuple(rng.sample(pool, n_given))
    p, m = rng.sample(SURNAMES, 2)
    nat = rng.choice(NATIONALITIES)
    return Identity(given, p, m, _birth(rng), nat, _doc(rng, nat))


def _birth(rng: random.Random) -> BirthDate:
    return BirthDate(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))


def _doc(rng: random.Random, nat: str) -> str:
    n = DOC_LEN[nat]
    return str(rng.randint(10 ** (n - 1), 10**n - 1))


def watchlist(size: int, seed: int = 17) -> tuple[list[Person], list[Identity]]:
    """``size`` listed persons (a tenth with only the birth year), and who they are."""
    rng = random.Random(seed)
    people, ids = [], []
    for i in range(size):
        ident = _identity(rng)
        aliases: tuple[str, ...] = ()
        if rng.random() < 0.1:
            aliases = (f"{rng.choice(GIVEN_M + GIVEN_F)} {ident.paternal}",)
        birth = BirthDate(ident.birth.year) if rng.random() < 0.1 else ident.birth
        doc = ident.document if rng.random() < 0.9 else None
        people.append(
            Person(
                f"W{i:07d}",
                ident.name(),
                aliases,
                birth,
                ident.nationality,
                doc,
                rng.choice(LISTS),
            )
        )
        ids.append(ident)
    return people, ids


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    if op < 0.4:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op < 0.7:  # drop one
        return word[:i] + word[i + 1 :]
    return word[:i] + rng.choice("aeioulnrs") + word[i + 1 :]


def _doc_typo(rng: random.Random, doc: str) -> str:
    i = rng.randrange(len(doc) - 1)
    if rng.random() < 0.5:
        return (
            doc[:i] + doc[i + 1] + doc[i] + doc[i + 2 :]
            if doc[i] != doc[i + 1]
            else doc[:i] + str((int(doc[i]) + 1) % 10) + doc[i + 1 :]
        )
    return doc[:i] + str((int(doc[i]) + rng.randint(1, 9)) % 10) + doc[i + 1 :]


def _fmt(rng: random.Random, ident: Identity, given: Sequence[str], sur: Sequence[str]) -> str:
    style = rng.random()
    if style < 0.5:
        return " ".join((*given, *sur))
    if style < 0.75:
        return " ".join((*given, *sur)).upper()
    return fold(" ".join(sur)).upper() + ", " + " ".join(given)


def _vary(rng: random.Random, ident: Identity, entry: Person, category: str) -> Traveller:
    given, sur = list(ident.given), [ident.paternal, ident.maternal]
    birth: BirthDate | None = ident.birth
    doc: str | None = ident.document
    name = None
    if category == "format":
        if rng.random() < 0.5:
            name = fold(" ".join((*sur,))).upper() + ", " + " ".join(given)
        else:
            name = fold(" ".join((*given, *sur))).upper()
    elif category == "order":
        name = " ".join((*sur, *given)).upper()
    elif category == "dropped_surname":
        sur = sur[:1]
        if len(given) > 1 and rng.random() < 0.5:
            given = given[:1]
    elif category == "nickname":
        cands = [i for i, g in enumerate(given) if g in NICKNAMES]
        if cands:
            i = cands[0]
            given[i] = rng.choice(NICKNAMES[given[i]])
        else:
            given = given[:1]
    elif category == "spelling":
        words = given + sur
        known = [i for i, w in enumerate(words) if w in SPELLINGS]
        i = rng.choice(known) if known and rng.random() < 0.7 else rng.randrange(len(words))
        words[i] = (
            rng.choice(SPELLINGS[words[i]]) if words[i] in SPELLINGS else _typo(rng, words[i])
        )
        given, sur = words[: len(given)], words[len(given) :]
    elif category == "date_swapped":
        b = ident.birth
        if b.day and b.day <= 12 and b.day != b.month:
            birth = BirthDate(b.year, b.day, b.month)
        else:
            birth = BirthDate(b.year)
    elif category == "date_year":
        birth = BirthDate(ident.birth.year)
    elif category == "document_typo":
        doc = _doc_typo(rng, ident.document)
    elif category == "document_missing":
        doc = None
    # Often a second, independent change on another field (or the name's format).
    r = rng.random()
    if category not in ("date_swapped", "date_year") and r < 0.25:
        birth = None if rng.random() < 0.5 else BirthDate(ident.birth.year)
    elif category not in ("document_typo", "document_missing") and r < 0.45:
        doc = None
    if name is None:
        name = _fmt(rng, ident, given, sur)
    nat = ident.nationality if rng.random() < 0.9 else None
    return Traveller("", name, birth, nat, doc)


def _other_birth(rng: random.Random, b: BirthDate) -> BirthDate:
    while True:
        o = _birth(rng)
        if abs(o.year - b.year) > 1:
            return o


def travellers(
    people: Sequence[Person], idents: Sequence[Identity], size: int, seed: int = 29
) -> list[Case]:
    """``size`` travellers, half listed (one per category in turn), half not."""
    rng = random.Random(seed)
    cases = []
    for i in range(size):
        k = rng.randrange(len(people))
        entry, ident = people[k], idents[k]
        if i % 2 == 0:
            category = POSITIVE[(i // 2) % len(POSITIVE)]
            t = _vary(rng, ident, entry, category)
            truth: str | None = entry.id
        else:
            category = NEGATIVE[(i // 2) % len(NEGATIVE)]
            truth = None
            other = _identity(rng)
            ob = _other_birth(rng, ident.birth)
            od = _doc(rng, ident.nationality)
            if category == "stranger":
                t = Traveller("", other.name(), other.birth, other.nationality, other.document)
            elif category == "namesake":
                t = Traveller("", ident.name(), ob, ident.nationality, od)
            elif category == "relative":
                pool = GIVEN_M if ident.given[0] in GIVEN_M else GIVEN_F
                g = rng.choice([x for x in pool if x not in ident.given])
                t = Traveller(
                    "", f"{g} {ident.paternal} {ident.maternal}", ob, ident.nationality, od
                )
            else:
                t = Traveller(
                    "",
                    " ".join((*ident.given, ident.maternal, ident.paternal)),
                    ob,
                    ident.nationality,
                    od,
                )
            if rng.random() < 0.2:  # not every namesake shows a document
                t = Traveller("", t.name, t.birth, t.nationality, None)
        cases.append(
            Case(
                Traveller(
                    f"T{i:06d}", t.name, t.birth, t.nationality, normalise_document(t.document)
                ),
                truth,
                category,
            )
        )
    return cases


# --- the baseline and the scoring ------------------------------------------------------


class Baseline:
    """rapidfuzz token-set ratio on names, + 0.15 for an equal birth date (or year, when
    one side has only the year) and + 0.15 for an equal document; candidates share a name
    word or the document."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.people = list(people)
        self.by_word: dict[str, list[int]] = {}
        self.by_doc: dict[str, list[int]] = {}
        self.folded = []
        for i, p in enumerate(self.people):
            words = set()
            for n in p.all_names():
                words.update(fold(n).replace(",", " ").split())
            self.folded.append([fold(n) for n in p.all_names()])
            for w in words:
                self.by_word.setdefault(w, []).append(i)
            if p.document:
                self.by_doc.setdefault(p.document, []).append(i)

    def best(self, t: Traveller) -> tuple[str | None, float]:
        words = set(fold(t.name).replace(",", " ").split())
        cands: set[int] = set()
        # The rarest two words block (common surnames would pull in thousands).
        lists = sorted((self.by_word.get(w, []) for w in words), key=len)
        for lst in lists[:2]:
            cands.update(lst)
        if t.document:
            cands.update(self.by_doc.get(t.document, []))
        name = fold(t.name).replace(",", " ")
        best: tuple[str | None, float] = (None, 0.0)
        for i in cands:
            p = self.people[i]
            s = max(fuzz.token_set_ratio(name, n.replace(",", " ")) for n in self.folded[i]) / 100
            s = 0.7 * s
            if (
                t.birth
                and p.birth
                and (
                    t.birth == p.birth
                    or (
                        (t.birth.month is None or p.birth.month is None)
                        and t.birth.year == p.birth.year
                    )
                )
            ):
                s += 0.15
            if t.document and p.document and t.document == p.document:
                s += 0.15
            if s > best[1]:
                best = (p.id, round(s, 4))
        return best


def best_threshold(
    results: Sequence[tuple[str | None, float]], truths: Sequence[str | None]
) -> dict[str, float]:
    """Precision, recall and F1 at the threshold with the best F1: a traveller is a true
    positive when its best candidate, at or above the threshold, is its listed entry."""
    positives = sum(1 for t in truths if t)
    rows = sorted(zip(results, truths, strict=True), key=lambda r: -r[0][1])
    best = {"f1": 0.0, "threshold": 1.0, "precision": 0.0, "recall": 0.0}
    tp = fp = 0
    i = 0
    while i < len(rows):
        s = rows[i][0][1]
        while i < len(rows) and rows[i][0][1] == s:
            (eid, _), truth = rows[i]
            if eid is not None:
                if truth is not None and eid == truth:
                    tp += 1
                else:
                    fp += 1
            i += 1
        if s <= 0:
            break
        p = tp / max(tp + fp, 1)
        r = tp / max(positives, 1)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best["f1"]:
            best = {"f1": f1, "threshold": s, "precision": p, "recall": r}
    return best


def at_threshold(
    results: Sequence[tuple[str | None, float]], truths: Sequence[str | None], threshold: float
) -> dict[str, float]:
    tp = sum(
        1 for (e, s), t in zip(results, truths, strict=True) if s >= threshold and e and e == t
    )
    fp = sum(
        1 for (e, s), t in zip(results, truths, strict=True) if s >= threshold and e and e != t
    )
    positives = sum(1 for t in truths if t)
    p = tp / max(tp + fp, 1)
    r = tp / max(positives, 1)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def run(
    matcher: Callable[[Traveller], tuple[str | None, float]], cases: Sequence[Case]
) -> list[tuple[str | None, float]]:
    return [matcher(c.traveller) for c in cases]
