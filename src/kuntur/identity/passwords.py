"""Password policy: long enough, not too long, not common, not the username.

Following NIST SP 800-63B (5.1.1.2): length over composition rules, and a check against
passwords known to be common. The list (``data/common-passwords.txt``) is written by
``scripts/make_common_passwords.py`` from well-known patterns: the passwords every leaked
list starts with, Spanish and Peruvian words people use (cities, clubs, names, "clave",
"contraseña", the institutions themselves), number and keyboard runs. It holds words, not
every decoration of them: a password is common when, lower-cased and without accents,
it is on the list, or is a listed word with digits and symbols around it ("Peru2024!"),
with look-alike characters ("p@ssw0rd"), with spaces ("te amo") or repeated
("peruperu"), or a run of one character.
"""

from __future__ import annotations

import string
import unicodedata
from functools import lru_cache
from importlib import resources

from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 hashes any length; a cap keeps a megabyte "password" out

_DECORATION = string.digits + string.punctuation + string.whitespace
# Look-alike characters, both readings of the ambiguous ones.
_LEET = [
    str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "0": "o", "$": "s", "5": "s", "7": "t"}),
    str.maketrans({"@": "a", "4": "a", "3": "e", "1": "l", "0": "o", "$": "s", "5": "s", "7": "t"}),
]


def normalise(text: str) -> str:
    """Lower case, no accents or diacritics (contraseña -> contrasena), NFC otherwise."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def common() -> frozenset[str]:
    text = (resources.files("kuntur") / "identity" / "data" / "common-passwords.txt").read_text(
        encoding="utf-8"
    )
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _repeats(text: str) -> str | None:
    """The unit ``text`` repeats ("peru" for "peruperuperu"), if it is a repetition."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return None


def is_common(password: str) -> bool:
    listed = common()
    plain = normalise(password)
    candidates = {plain, plain.replace(" ", "")}
    for text in list(candidates):
        core = text.strip(_DECORATION)
        candidates |= {core, *(core.translate(table) for table in _LEET)}
    for text in list(candidates):
        unit = _repeats(text)
        if unit is not None:
            if len(unit) <= 2:  # "aaaaaaaaaaaa", "abababababab"
                return True
            candidates.add(unit)
    return any(text in listed for text in candidates if text)


def check(password: str, username: str | None = None) -> None:
    """Raise InvalidInput, saying why, unless ``password`` is acceptable."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(_("La contraseña necesita al menos {n} caracteres", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise InvalidInput(_("La contraseña admite a lo sumo {n} caracteres", n=MAX_LENGTH))
    if username and normalise(username) in normalise(password):
        raise InvalidInput(_("La contraseña no puede contener el nombre de usuario"))
    if is_common(password):
        raise InvalidInput(
            _(
                "La contraseña es demasiado común (una palabra o secuencia conocida, aunque lleve "
                "números o signos); elija otra, por ejemplo varias palabras al azar"
            )
        )
