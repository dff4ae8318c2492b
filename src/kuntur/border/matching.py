"""Screening travellers and vehicles against watchlists: ranked candidates, each with a
score in [0, 1] and the evidence per feature that an officer reads ("apellido materno
distinto", "fecha con día y mes invertidos", "documento con un dígito distinto").

How a person is scored (docs/border.md): each feature adds a log-likelihood weight in the
manner of Fellegi and Sunter (1969), "A theory for record linkage", JASA 64(328): agreement
adds what it is worth as evidence of the same person, disagreement takes away what it is
worth as evidence of another. The features are the first given name (nicknames and
spellings resolved), the father's and the mother's surname (aligned allowing surnames
first, a dropped second surname and swapped surnames), the birth date (exact, day and month
swapped, one digit off, only the year), the document (equal, one digit off or two swapped,
Damerau-Levenshtein distance 1) and the nationality. The sum, less a prior offset, goes
through the logistic function: the score reads as a probability, 0.5 the default threshold.
A namesake whose birth date and document both disagree loses 7.5 and falls far below it; a
listed person with one field missing or mistyped keeps enough.

Blocking keeps a million entries fast: a candidate shares with the traveller a pair of name
sound keys, a document within one edit (symmetric deletions, as in SymSpell), or the birth
date and one name key. Expired entries are skipped when screened.

Vehicles: plates compared as read, and folded over the confusions that reading plates
makes (O/0, I/1, B/8, S/5, Z/2, G/6); VINs exactly. Phones (E.164) and accounts (CCI digits)
exactly, once normalised.

Pure: records in, candidates out.
"""

from __future__ import annotations

import math
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import combinations

import numpy as np
from rapidfuzz.distance import OSA, JaroWinkler

from kuntur.border import names
from kuntur.core.i18n import N_, render
from kuntur.intelligence.identifiers import fold, normalise_cci, normalise_phone

THRESHOLD = 0.5  # the default: at or above it, a hit
OFFSET = 4.0  # the prior: the weight a candidate needs for a score of 0.5
MAX_CANDIDATES = 300  # scored per traveller, the most blocking keys shared first
MAX_POSTING = 50_000  # a key shared by more entries than this blocks nothing


# --- records --------------------------------------------------------------------------


@dataclass(frozen=True)
class BirthDate:
    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        if self.month is None or self.day is None:
            return f"{self.year:04d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def parse_birth(text: str | None) -> BirthDate | None:
    """``YYYY-MM-DD`` or ``YYYY`` (also ``DD/MM/YYYY``); None when empty. ValueError when
    it is not a date."""
    t = (text or "").strip()
    if not t:
        return None
    if re.fullmatch(r"\d{4}", t):
        year = int(t)
        if not 1900 <= year <= 2100:
            raise ValueError(t)
        return BirthDate(year)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t) or None
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t)
        if not m:
            raise ValueError(t)
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    date(y, mo, d)  # ValueError for 2001-02-30
    return BirthDate(y, mo, d)


def normalise_document(text: str | None) -> str | None:
    """Upper-case letters and digits only, leading zeros kept; None when empty."""
    t = re.sub(r"[^0-9A-Z]", "", fold(text or "").upper())
    return t or None


def normalise_nationality(text: str | None) -> str | None:
    t = (text or "").strip().upper()
    return t or None


@dataclass(frozen=True)
class Person:
    """A watchlist entry for a person."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    birth: BirthDate | None = None
    nationality: str | None = None
    document: str | None = None
    list: str = ""
    expires: date | None = None

    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Traveller:
    id: str
    name: str
    birth: BirthDate | None = None
    nationality: str | None = None
    document: str | None = None


@dataclass(frozen=True)
class Feature:
    """One feature's evidence: its weight and the sentence that says it."""

    feature: (
        str  # given_names | paternal | maternal | surnames | birth_date | document | nationality
    )
    weight: float
    note: str  # an N_ message (Spanish msgid)

    def text(self, lang: str = "es") -> str:
        return render(self.note, lang)


@dataclass
class Candidate:
    entry_id: str
    score: float
    features: list[Feature] = field(default_factory=list)
    matched_name: str = ""
    list: str = ""

    def explanation(self, lang: str = "es") -> str:
        return "; ".join(f.text(lang) for f in self.features if f.note)


def probability(weight: float) -> float:
    return round(1.0 / (1.0 + math.exp(-(weight - OFFSET))), 4)


# --- the features ---------------------------------------------------------------------

NAME_SAME = N_("nombre igual")
NAME_NICKNAME = N_("nombre por su apodo o forma corta")
NAME_SPELLING = N_("nombre con otra grafía")
NAME_CLOSE = N_("nombre con una letra distinta")
NAME_OTHER = N_("nombre distinto")
SECOND_GIVEN_OTHER = N_("segundo nombre distinto")
SECOND_GIVEN_SAME = N_("segundo nombre igual")
PATERNAL_SAME = N_("apellido paterno igual")
PATERNAL_SPELLING = N_("apellido paterno con otra grafía")
PATERNAL_CLOSE = N_("apellido paterno con una letra distinta")
PATERNAL_OTHER = N_("apellido paterno distinto")
MATERNAL_SAME = N_("apellido materno igual")
MATERNAL_SPELLING = N_("apellido materno con otra grafía")
MATERNAL_CLOSE = N_("apellido materno con una letra distinta")
MATERNAL_OTHER = N_("apellido materno distinto")
MATERNAL_MISSING = N_("sin apellido materno en uno de los dos")
ONLY_MATERNAL = N_("solo figura el apellido materno")
SURNAMES_SWAPPED = N_("apellidos en orden invertido")
SURNAME_RARE = N_("apellido poco frecuente en la lista")
SURNAME_COMMON = N_("apellido frecuente en la lista")
SURNAMES_FIRST = N_("apellidos escritos primero")
NAME_ALIAS = N_("coincide con un alias")
FULLNAME_CLOSE = N_("nombre completo parecido")
FULLNAME_OTHER = N_("nombre completo distinto")
DATE_SAME = N_("fecha de nacimiento igual")
DATE_SWAPPED = N_("fecha con día y mes invertidos")
DATE_DIGIT = N_("fecha de nacimiento con un dígito distinto")
DATE_YEAR = N_("solo el año de nacimiento, coincide")
DATE_YEAR_NEAR = N_("solo el año de nacimiento, un año de diferencia")
DATE_OTHER = N_("fecha de nacimiento distinta")
DATE_MISSING = N_("sin fecha de nacimiento para comparar")
DOC_SAME = N_("documento igual")
DOC_DIGIT = N_("documento con un dígito distinto")
DOC_SWAPPED = N_("documento con dos dígitos transpuestos")
DOC_LENGTH = N_("documento con un dígito de más o de menos")
DOC_OTHER = N_("documento distinto")
DOC_MISSING = N_("sin documento para comparar")
NAT_SAME = N_("nacionalidad igual")
NAT_OTHER = N_("nacionalidad distinta")


RARITY_CAP = 1.0  # the most a surname's rarity adds (or its commonness takes away)
RARITY_MIN_ENTRIES = 1_000  # below this the list's own counts say too little
RARITY_NOTE = 0.25  # from this much either way, the explanation says it


class Rarity:
    """How common each surname (by sound key) is among the list's entries, for the
    u-probabilities of Fellegi and Sunter: two records agreeing on a surname that one entry
    in ten thousand carries is stronger evidence of the same person than agreeing on one
    that one in fifty carries. The weight of an agreement moves by
    ``0.5 · ln(ref / count)``, capped at ±``RARITY_CAP``, where ``ref = Σ count² / Σ count``
    is the count of the surname of an entry drawn at random: a list whose surnames are all
    equally common moves nothing."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.entries = 0
        self._ref: float | None = None
        self._most: float | None = None

    @staticmethod
    def keys_of(e: Person) -> set[str]:
        out: set[str] = set()
        for n in e.all_names():
            out.update(names.key(w) for w in names.parse(n).surnames)
        out.discard("")
        return out

    def add(self, e: Person, sign: int = 1) -> None:
        for k in self.keys_of(e):
            c = self.counts.get(k, 0) + sign
            if c > 0:
                self.counts[k] = c
            else:
                self.counts.pop(k, None)
        self.entries += sign
        self._ref = self._most = None

    def ref(self) -> float:
        if self._ref is None:
            # a copy taken in one step: a change log applied in another thread may be
            # adding surnames meanwhile
            values = np.fromiter(list(self.counts.values()), dtype=np.float64)
            total = float(values.sum())
            self._ref = float((values * values).sum()) / total if total else 0.0
        return self._ref

    def most(self) -> float:
        """The most two agreeing surnames can add (for skipping hopeless candidates)."""
        if self.entries < RARITY_MIN_ENTRIES or not self.counts:
            return 0.0
        if self._most is None:
            self._most = 2 * max(
                0.0, min(RARITY_CAP, 0.5 * math.log(self.ref() / min(self.counts.values())))
            )
        return self._most

    def weight(self, word: str) -> float:
        if self.entries < RARITY_MIN_ENTRIES:
            return 0.0
        c = self.counts.get(names.key(word), 0)
        if c <= 0:
            return 0.0
        return max(-RARITY_CAP, min(RARITY_CAP, 0.5 * math.log(self.ref() / c)))


def _rarity(rarity: Rarity | None, kind: str, word: str, s: float) -> list[Feature]:
    """The rarity of an agreeing surname (``s``: how well it agrees), as its own feature."""
    if rarity is None or s < 0.8:
        return []
    w = round(rarity.weight(word) * min(s, 1.0), 2)
    if abs(w) < 0.05:
        return []
    note = SURNAME_RARE if w >= RARITY_NOTE else SURNAME_COMMON if w <= -RARITY_NOTE else ""
    return [Feature(kind, w, note)]


def _word_note(a: str, b: str, s: float, same: str, spelling: str, close: str, other: str) -> str:
    if a == b:
        return same
    if s >= 1.0:
        return spelling
    return close if s >= 0.4 else other


def _given(x: names.Name, y: names.Name) -> tuple[float, list[Feature]]:
    ga, gb = x.given, y.given
    s1 = max(names.same_word(ga[0], g) for g in gb)
    s2 = max(names.same_word(gb[0], g) for g in ga)
    s = max(s1, s2)
    a, b = (ga[0], max(gb, key=lambda g: names.same_word(ga[0], g)))
    if s1 < s2:
        a, b = gb[0], max(ga, key=lambda g: names.same_word(gb[0], g))
    note = _word_note(a, b, s, NAME_SAME, NAME_SPELLING, NAME_CLOSE, NAME_OTHER)
    w = 1.5 if s >= 1.0 else -3.0 + 4.0 * s
    out = [Feature("given_names", round(w, 2), note)]
    # A second given name on both sides that disagrees: a little evidence of another.
    if len(ga) > 1 and len(gb) > 1:
        rest = max(names.same_word(p, q) for p in ga[1:] for q in gb[1:])
        if rest < 0.4 and s >= 1.0:
            out.append(Feature("given_names", -0.7, SECOND_GIVEN_OTHER))
        elif rest >= 1.0 and s >= 1.0:
            out.append(Feature("given_names", 0.5, SECOND_GIVEN_SAME))
    return w + sum(f.weight for f in out[1:]), out


def _surname(
    a: str, b: str, kind: str, *, good: float, bad: float, notes: tuple[str, str, str, str]
) -> Feature:
    s = names.same_word(a, b)
    w = good if s >= 1.0 else bad + (good - bad) * s
    return Feature(kind, round(w, 2), _word_note(a, b, s, *notes))


PAT_NOTES = (PATERNAL_SAME, PATERNAL_SPELLING, PATERNAL_CLOSE, PATERNAL_OTHER)
MAT_NOTES = (MATERNAL_SAME, MATERNAL_SPELLING, MATERNAL_CLOSE, MATERNAL_OTHER)


def _surnames(
    x: names.Name, y: names.Name, rarity: Rarity | None = None
) -> tuple[float, list[Feature]]:
    """``y`` is the entry's name: the rarity counted is that of the list's word."""
    xs, ys = x.surnames, y.surnames
    if len(xs) >= 2 and len(ys) >= 2:
        p = names.same_word(xs[0], ys[0])
        m = names.same_word(xs[1], ys[1])
        cross = min(names.same_word(xs[0], ys[1]), names.same_word(xs[1], ys[0]))
        if cross >= 0.9 and min(p, m) < 0.9:
            return 1.0, [Feature("surnames", 1.0, SURNAMES_SWAPPED)]
        fp = _surname(xs[0], ys[0], "paternal", good=2.0, bad=-4.0, notes=PAT_NOTES)
        fm = _surname(xs[1], ys[1], "maternal", good=1.5, bad=-2.5, notes=MAT_NOTES)
        out = [fp, *_rarity(rarity, "paternal", ys[0], p), fm]
        out += _rarity(rarity, "maternal", ys[1], m)
        return sum(f.weight for f in out), out
    one, two = (xs, ys) if len(xs) <= len(ys) else (ys, xs)
    fp = _surname(one[0], two[0], "paternal", good=2.0, bad=-4.0, notes=PAT_NOTES)
    listed = ys[0]
    out = [fp, *_rarity(rarity, "paternal", listed, names.same_word(one[0], two[0]))]
    out.append(Feature("maternal", 0.0, MATERNAL_MISSING))
    if len(two) >= 2 and fp.weight < 1.0 and names.same_word(one[0], two[1]) >= 1.0:
        out = [Feature("paternal", 0.5, ONLY_MATERNAL)]
        out += _rarity(rarity, "paternal", ys[1] if two is ys else ys[0], 1.0)
    return sum(f.weight for f in out), out


def _name_pair(
    x: names.Name, y: names.Name, rarity: Rarity | None = None
) -> tuple[float, list[Feature]]:
    if not x.given or not y.given or not x.surnames or not y.surnames:
        a, b = " ".join(x.words), " ".join(y.words)
        s = float(JaroWinkler.similarity(a, b))
        w = -4.0 + 8.0 * max(0.0, (s - 0.75) / 0.25)
        note = FULLNAME_CLOSE if w > 0 else FULLNAME_OTHER
        return w, [Feature("given_names", round(w, 2), note)]
    wg, fg = _given(x, y)
    ws, fs = _surnames(x, y, rarity)
    return wg + ws, fg + fs


def _readings(name: str, first: str | None) -> list[tuple[names.Name, str | None, float]]:
    """A name's readings: as parsed; then surnames first (``first``, the traveller's only)
    and a three-word name split the other way, each at a small cost."""
    out: list[tuple[names.Name, str | None, float]] = [(names.parse(name), None, 0.0)]
    if first:
        out.append((names.surnames_first(name), first, 0.3))
    alt = names.other_split(name)
    if alt is not None:
        out.append((alt, None, 1.5))
    return out


def name_evidence(
    traveller: str, entry_names: Sequence[str], rarity: Rarity | None = None
) -> tuple[float, list[Feature], str]:
    """The best reading of the traveller's name against any reading of the entry's names
    (with ``rarity``, an agreeing surname weighs by how rare it is in the list)."""
    readings = _readings(traveller, SURNAMES_FIRST)
    best: tuple[float, list[Feature], str] = (-99.0, [], "")
    for i, en in enumerate(entry_names):
        for y, _how, ycost in _readings(en, None):
            for x, how, xcost in readings:
                w, fs = _name_pair(x, y, rarity)
                if how:
                    fs = [*fs, Feature("given_names", -xcost, how)]
                w -= xcost + ycost
                if i > 0:
                    fs = [*fs, Feature("given_names", 0.0, NAME_ALIAS)]
                if w > best[0]:
                    best = (w, fs, en)
    return best


def _digits_one_off(a: int, b: int, width: int) -> bool:
    return OSA.distance(f"{a:0{width}d}", f"{b:0{width}d}") == 1


def date_evidence(a: BirthDate | None, b: BirthDate | None) -> Feature:
    if a is None or b is None:
        return Feature("birth_date", 0.0, DATE_MISSING)
    if a.month is None or b.month is None:
        if a.year == b.year:
            return Feature("birth_date", 1.2, DATE_YEAR)
        if abs(a.year - b.year) == 1:
            return Feature("birth_date", -1.0, DATE_YEAR_NEAR)
        return Feature("birth_date", -4.5, DATE_OTHER)
    if a == b:
        return Feature("birth_date", 3.0, DATE_SAME)
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return Feature("birth_date", 2.2, DATE_SWAPPED)
    if (a.year, a.month) == (b.year, b.month) and _digits_one_off(a.day or 0, b.day or 0, 2):
        return Feature("birth_date", 1.5, DATE_DIGIT)
    if (a.year, a.day) == (b.year, b.day) and _digits_one_off(a.month or 0, b.month or 0, 2):
        return Feature("birth_date", 1.5, DATE_DIGIT)
    if (a.month, a.day) == (b.month, b.day) and _digits_one_off(a.year, b.year, 4):
        # 1985 / 1986 is a slip; 1966 / 1986 is one digit too, but twenty years apart
        return Feature("birth_date", 1.5 if abs(a.year - b.year) < 10 else 0.5, DATE_DIGIT)
    return Feature("birth_date", -4.5, DATE_OTHER)


def document_evidence(a: str | None, b: str | None) -> Feature:
    if not a or not b:
        return Feature("document", 0.0, DOC_MISSING)
    if a == b or a.lstrip("0") == b.lstrip("0"):
        return Feature("document", 5.0, DOC_SAME)
    da, db = re.sub(r"\D", "", a), re.sub(r"\D", "", b)
    if len(da) >= 6 and da.lstrip("0") == db.lstrip("0"):
        return Feature("document", 5.0, DOC_SAME)  # V-18765432 / 18765432
    if len(da) >= 6 and len(db) >= 6 and (da != a or db != b):
        a, b = da, db  # the digits compared, a letter prefix aside
    if min(len(a), len(b)) >= 5 and OSA.distance(a, b) == 1:
        if len(a) != len(b):
            return Feature("document", 2.0, DOC_LENGTH)
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 2:
            return Feature("document", 2.5, DOC_SWAPPED)
        return Feature("document", 2.5, DOC_DIGIT)
    return Feature("document", -3.0, DOC_OTHER)


def nationality_evidence(a: str | None, b: str | None) -> Feature | None:
    if not a or not b:
        return None
    if a == b:
        return Feature("nationality", 0.4, NAT_SAME)
    return Feature("nationality", -1.0, NAT_OTHER)


NAME_MAX = 5.5  # the most a name can add: given 1.5 + 0.5 + father's 2.0 + mother's 1.5


def compare(t: Traveller, e: Person, rarity: Rarity | None = None) -> Candidate:
    """The traveller against one entry: every feature's evidence and the score."""
    c = compare_above(t, e, 0.0, rarity)
    assert c is not None
    return c


def compare_above(
    t: Traveller, e: Person, floor: float, rarity: Rarity | None = None
) -> Candidate | None:
    """``compare``, or None when even a perfect name could not lift the other features'
    evidence to ``floor`` (the name, the costly part, is then not compared)."""
    return _compare(
        t, e.id, e.all_names(), e.birth, e.nationality, e.document, e.list, floor, rarity
    )


def compare_row(t: Traveller, r: Row, floor: float, rarity: Rarity | None) -> Candidate | None:
    """``compare_above`` on an entry as the index holds it (no object made for it)."""
    return _compare(t, r[0], (r[1], *r[2]), birth_cached(r[3]), r[4], r[5], r[6], floor, rarity)


def _compare(
    t: Traveller,
    entry_id: str,
    entry_names: Sequence[str],
    birth: BirthDate | None,
    nationality: str | None,
    document: str | None,
    lst: str,
    floor: float,
    rarity: Rarity | None,
) -> Candidate | None:
    fd = date_evidence(t.birth, birth)
    fdoc = document_evidence(t.document, document)
    fnat = nationality_evidence(t.nationality, nationality)
    rest = fd.weight + fdoc.weight + (fnat.weight if fnat else 0.0)
    most = NAME_MAX + (rarity.most() if rarity is not None else 0.0)
    if floor > 0.0 and probability(rest + most) < floor:
        return None
    wn, fs, matched = name_evidence(t.name, entry_names, rarity)
    features = [*fs, fd, fdoc] + ([fnat] if fnat else [])
    return Candidate(entry_id, probability(wn + rest), features, matched, lst)


# --- blocking and the index -----------------------------------------------------------


def _name_codes(name: str) -> list[str]:
    n = names.parse(name)
    return sorted({names.key(w) for w in n.words if names.key(w)})


def _deletions(doc: str) -> set[str]:
    out = {doc}
    if len(doc) >= 5:
        out.update(doc[:i] + doc[i + 1 :] for i in range(len(doc)))
    return out


def _date_keys(b: BirthDate | None, swapped: bool = False) -> list[str]:
    if b is None or b.month is None or b.day is None:
        return []
    keys = [b.iso()]
    if swapped and b.day <= 12 and b.day != b.month:
        keys.append(BirthDate(b.year, b.day, b.month).iso())
    return keys


def person_keys(e: Person) -> set[str]:
    keys: set[str] = set()
    for n in e.all_names():
        codes = _name_codes(n)
        keys.update(f"n:{a}|{b}" for a, b in combinations(codes, 2))
        for d in _date_keys(e.birth):
            keys.update(f"b:{d}|{c}" for c in codes)
    if e.document:
        keys.update(f"d:{d}" for d in _deletions(e.document))
    return keys


def traveller_keys(t: Traveller) -> set[str]:
    codes = _name_codes(t.name)
    keys = {f"n:{a}|{b}" for a, b in combinations(codes, 2)}
    for d in _date_keys(t.birth, swapped=True):
        keys.update(f"b:{d}|{c}" for c in codes)
    if t.document:
        keys.update(f"d:{d}" for d in _deletions(t.document))
    return keys


def key_hash(key: str) -> int:
    """A blocking key as 64 bits, the same in every process (the on-disk index): CRC-32 and
    Adler-32 side by side. Two keys that collide only bring an extra candidate to be scored,
    never lose one."""
    b = key.encode()
    return (zlib.crc32(b) << 32) | zlib.adler32(b)


@lru_cache(maxsize=65536)
def birth_cached(text: str | None) -> BirthDate | None:
    try:
        return parse_birth(text)
    except ValueError:
        return None


# An entry as the index holds it: (id, name, aliases, birth ISO, nationality, document,
# list, expires). Tuples of strings: a tenth of the memory of objects, and quick to store.
Row = tuple[str, str, tuple[str, ...], str | None, str | None, str | None, str, date | None]


def person_row(e: Person) -> Row:
    return (
        e.id,
        e.name,
        e.aliases,
        e.birth.iso() if e.birth else None,
        e.nationality,
        e.document,
        e.list,
        e.expires,
    )


def row_person(r: Row) -> Person:
    return Person(r[0], r[1], r[2], birth_cached(r[3]), r[4], r[5], r[6], r[7])


@dataclass
class Frozen:
    """The bulk of an index as three arrays (compressed sparse rows): the sorted distinct
    key hashes, where each one's postings start, and the postings (row positions)."""

    keys: np.ndarray  # uint64, sorted, distinct
    starts: np.ndarray  # int64, len(keys) + 1
    postings: np.ndarray  # int32

    @staticmethod
    def build(hashes: array[int], positions: array[int]) -> Frozen:
        h = np.frombuffer(hashes, dtype=np.uint64) if len(hashes) else np.zeros(0, np.uint64)
        p = np.frombuffer(positions, dtype=np.int32) if len(positions) else np.zeros(0, np.int32)
        order = np.argsort(h, kind="stable")
        h, p = h[order], p[order]
        keys, first = np.unique(h, return_index=True)
        starts = np.append(first, len(h)).astype(np.int64)
        return Frozen(keys, starts, np.ascontiguousarray(p))

    def lookup(self, hashes: Sequence[int]) -> list[list[int]]:
        """The postings of each of ``hashes`` found (none longer than ``MAX_POSTING``), as
        lists: a traveller's few keys are counted faster in Python than in numpy."""
        if not len(self.keys) or not hashes:
            return []
        q = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
        at = self.keys.searchsorted(q)
        at[at == len(self.keys)] = 0
        out = []
        for i in at[self.keys[at] == q].tolist():
            a, b = self.starts[i : i + 2].tolist()
            if b - a <= MAX_POSTING:
                out.append(self.postings[a:b].tolist())
        return out


class PersonIndex:
    """Persons by blocking key; ``screen`` ranks a traveller's candidates.

    Built in bulk (``build``: every entry's keys hashed into arrays, sorted once) or one
    entry at a time (``upsert``: a small dictionary of postings beside the arrays). An entry
    replaced or withdrawn is a tombstone on its old row; the arrays are never rewritten,
    so a change to a million-entry list costs what the change costs."""

    def __init__(self, entries: Iterable[Person] = ()) -> None:
        self.rows: list[Row] = []
        self.position: dict[str, int] = {}  # entry id -> its live row
        # rows replaced or withdrawn: True at their position (grown on demand; a row past
        # its end is live). An array, not a set: a screening in another thread reads it
        # while the change log is applied, and one element written is all a change does.
        self.dead = np.zeros(0, dtype=bool)
        self.n_dead = 0
        self.frozen = Frozen(np.zeros(0, np.uint64), np.zeros(1, np.int64), np.zeros(0, np.int32))
        self.postings: dict[int, list[int]] = {}  # key hash -> rows added since the build
        self.rarity = Rarity()
        self._bulk(entries)

    @classmethod
    def build(cls, entries: Iterable[Person]) -> PersonIndex:
        return cls(entries)

    def _bulk(self, entries: Iterable[Person]) -> None:
        idx = self
        hashes: array[int] = array("Q")
        positions: array[int] = array("i")
        for e in entries:
            if e.id in idx.position:
                idx.remove(e.id)
            idx.rarity.add(e)
            i = len(idx.rows)
            idx.rows.append(person_row(e))
            idx.position[e.id] = i
            ks = [key_hash(k) for k in person_keys(e)]
            hashes.extend(ks)
            positions.extend([i] * len(ks))
        if idx.rows:
            idx.frozen = Frozen.build(hashes, positions)

    @classmethod
    def from_parts(
        cls, rows: list[Row], frozen: Frozen, rarity: tuple[dict[str, int], int] | None = None
    ) -> PersonIndex:
        """An index loaded as stored (``rows``, the arrays and the surname counts, which
        are counted anew when not given), a later entry of an id replacing an earlier one."""
        idx = cls()
        idx.rows, idx.frozen = rows, frozen
        for i, r in enumerate(rows):
            if r[0] in idx.position:
                idx.remove(r[0])
            idx.position[r[0]] = i
            if rarity is None:
                idx.rarity.add(row_person(r))
        if rarity is not None:
            idx.rarity.counts, idx.rarity.entries = rarity
        return idx

    def __len__(self) -> int:
        return len(self.position)

    @property
    def entries(self) -> list[Person]:
        """The live entries (built on demand: for tests and small lists)."""
        return [self.entry(i) for i in sorted(self.position.values())]

    def entry(self, i: int) -> Person:
        return row_person(self.rows[i])

    def add(self, e: Person) -> None:
        self.upsert(e)

    def upsert(self, e: Person) -> None:
        """Add an entry, or replace the one with its id (its old row a tombstone)."""
        self.remove(e.id)
        i = len(self.rows)
        self.rows.append(person_row(e))
        self.position[e.id] = i
        self.rarity.add(e)
        for k in person_keys(e):
            self.postings.setdefault(key_hash(k), []).append(i)

    def remove(self, entry_id: str) -> None:
        old = self.position.pop(entry_id, None)
        if old is not None:
            if old >= len(self.dead):
                grown = np.zeros(max(old + 1, 2 * len(self.dead), len(self.rows)), dtype=bool)
                grown[: len(self.dead)] = self.dead
                self.dead = grown  # one assignment: a reader has the old or the new
            self.dead[old] = True
            self.n_dead += 1
            self.rarity.add(self.entry(old), -1)

    def candidates(self, t: Traveller) -> list[int]:
        hashes = [key_hash(k) for k in traveller_keys(t)]
        hits: Counter[int] = Counter()
        for p in self.frozen.lookup(hashes):
            hits.update(p)
        for h in hashes:
            q = self.postings.get(h)
            if q and len(q) <= MAX_POSTING:
                hits.update(q)
        if self.n_dead and hits:
            dead = self.dead  # the array as it is now: a row past its end is live
            rows = np.fromiter(hits, dtype=np.int64, count=len(hits))
            inside = rows < len(dead)
            for i in rows[inside][dead[rows[inside]]].tolist():
                del hits[i]
        if len(hits) <= MAX_CANDIDATES:
            return list(hits)
        return [i for i, _ in hits.most_common(MAX_CANDIDATES)]

    def screen(
        self,
        t: Traveller,
        *,
        today: date | None = None,
        threshold: float = THRESHOLD,
        limit: int = 5,
    ) -> list[Candidate]:
        """The candidates at or above ``threshold``, best first (expired entries skipped:
        checked here, at match time, so that an entry running out needs no change)."""
        today = today or date.today()
        out = []
        for i in self.candidates(t):
            r = self.rows[i]
            if r[7] is not None and r[7] < today:
                continue
            c = compare_row(t, r, threshold, self.rarity)
            if c is not None and c.score >= threshold:
                out.append(c)
        out.sort(key=lambda c: (-c.score, c.entry_id))
        return out[:limit]


# --- vehicles, phones, accounts -------------------------------------------------------

PLATE_CONFUSIONS = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "B": "8", "S": "5", "Z": "2", "G": "6"}
)
PLATE_SAME = N_("placa igual")
PLATE_CONFUSED = N_("placa igual salvo una confusión de lectura ({pairs})")
VIN_SAME = N_("VIN igual")
PHONE_SAME = N_("teléfono igual")
ACCOUNT_SAME = N_("cuenta igual")
SERIAL_SAME = N_("número de serie igual")


def plate_text(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", fold(text).upper())


def plate_key(text: str) -> str:
    """The plate folded over reading confusions: ``ABO-123`` and ``AB0-I23`` agree."""
    return plate_text(text).translate(PLATE_CONFUSIONS)


def normalise_identifier(kind: str, text: str) -> str | None:
    """How a vehicle, phone or account identifier is compared."""
    if kind == "plate":
        return plate_text(text) or None
    if kind in ("vin", "serial"):  # a VIN; an arm's serial number
        return plate_text(text) or None
    if kind == "phone":
        return normalise_phone(text)
    if kind == "account":
        digits = re.sub(r"[\s.\-]", "", text)
        return normalise_cci(digits) or (digits if re.fullmatch(r"\d{6,34}", digits) else None)
    raise ValueError(kind)


@dataclass(frozen=True)
class Thing:
    """A watchlist entry for a vehicle (plate, VIN), a phone or a payment account."""

    id: str
    kind: str  # plate | vin | phone | account | serial (an arm)
    value: str  # normalised
    list: str = ""
    expires: date | None = None
    label: str = ""


@dataclass
class ThingHit:
    entry_id: str
    kind: str
    value: str
    score: float
    note: str
    list: str = ""
    values: dict[str, str] = field(default_factory=dict)

    def explanation(self, lang: str = "es") -> str:
        return render(self.note, lang, **self.values)


class ThingIndex:
    def __init__(self, entries: Iterable[Thing] = ()) -> None:
        self.exact: dict[tuple[str, str], list[Thing]] = {}
        self.folded: dict[str, list[Thing]] = {}
        self.where: dict[str, Thing] = {}
        for e in entries:
            self.add(e)

    def add(self, e: Thing) -> None:
        self.remove(e.id)
        self.exact.setdefault((e.kind, e.value), []).append(e)
        if e.kind == "plate":
            self.folded.setdefault(plate_key(e.value), []).append(e)
        self.where[e.id] = e

    def remove(self, entry_id: str) -> None:
        """Take an entry out (replaced or withdrawn)."""
        e = self.where.pop(entry_id, None)
        if e is None:
            return
        self.exact[(e.kind, e.value)] = [x for x in self.exact[(e.kind, e.value)] if x.id != e.id]
        if e.kind == "plate":
            k = plate_key(e.value)
            self.folded[k] = [x for x in self.folded[k] if x.id != e.id]

    def all(self) -> list[Thing]:
        return list(self.where.values())

    def screen(self, kind: str, text: str, *, today: date | None = None) -> list[ThingHit]:
        today = today or date.today()
        value = normalise_identifier(kind, text)
        if not value:
            return []
        out: dict[str, ThingHit] = {}
        for e in self.exact.get((kind, value), []):
            if e.expires is not None and e.expires < today:
                continue
            note = {
                "plate": PLATE_SAME,
                "vin": VIN_SAME,
                "phone": PHONE_SAME,
                "serial": SERIAL_SAME,
            }.get(kind, ACCOUNT_SAME)
            out[e.id] = ThingHit(e.id, kind, e.value, 1.0, note, e.list)
        if kind == "plate":
            for e in self.folded.get(plate_key(value), []):
                if e.id in out or len(e.value) != len(value):
                    continue
                if e.expires is not None and e.expires < today:
                    continue
                pairs = ", ".join(f"{a}/{b}" for a, b in zip(value, e.value, strict=True) if a != b)
                out[e.id] = ThingHit(
                    e.id, kind, e.value, 0.9, PLATE_CONFUSED, e.list, {"pairs": pairs}
                )
        return sorted(out.values(), key=lambda h: (-h.score, h.entry_id))
