"""Find the identifiers in a Spanish extortion report: who called, where to pay, what car.

Each find keeps its span, the rule that found it and a confidence, so a link built
on it can show its provenance. Kinds:

- ``phone``: a number the threat came from or was mentioned (E.164);
- ``wallet``: a phone used as a Yape / Plin wallet (E.164; the same number as a
  ``phone`` links the two);
- ``cci``: a 20-digit interbank code with valid check digits;
- ``account``: a bank account number written near "cuenta" (digits only);
- ``plate``: a Peruvian vehicle plate (``ABC-123``);
- ``alias``: "alias 'el Gato'", "apodado Chino", "conocido como la Tía";
- ``gang``: "la banda Los Pulpos", "organización criminal Los Injertos del Cono Norte";
- ``name``: a person named as payee or caller ("a nombre de Juan Pérez García", "se
  identificó como ...", "dijo llamarse ..."), lower case without accents; people are resolved
  across reports by ``intelligence.names``;
- ``amount``: money demanded (``PEN 5000``, ``USD 500``);
- ``deadline``: "plazo de 48 horas", "hasta el viernes".

Pure: a string in, a list of finds out. Phone numbers go through ``phonenumbers``
(Peru by default), which also reads ``wa.me`` links once we strip them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from kuntur.intelligence.identifiers import (
    DEFAULT_REGION,
    fold,
    normalise_cci,
    normalise_phone,
)

KINDS = (
    "phone",
    "wallet",
    "cci",
    "account",
    "plate",
    "alias",
    "gang",
    "name",
    "amount",
    "deadline",
)


@dataclass(frozen=True)
class Found:
    kind: str
    value: str  # normalised: equal values mean the same identifier
    start: int
    end: int
    text: str  # as written
    rule: str
    confidence: float


_WA = re.compile(
    r"(?:https?://)?(?:wa\.me/|api\.whatsapp\.com/send\?phone=)\+?(\d{8,15})", re.IGNORECASE
)
_WALLET_CUE = re.compile(r"\b(yape\w*|plin\w*|billetera)\b", re.IGNORECASE)
_DIGIT_RUN = re.compile(r"(?<![\d\w])\d[\d \-.]{17,32}\d(?![\d\w])")
# "cuenta" then the number within the same sentence (a full stop before a capital ends it).
_ACCOUNT = re.compile(
    r"\bcuenta\b(?:(?!\.\s+[A-ZÁÉÍÓÚÑ])[^\d\n]){0,60}?(?<![\d\w])(\d[\d\-]{8,22}\d)(?![\d\w])",
    re.IGNORECASE,
)
_PLATE = re.compile(r"(?<![\w-])((?:[A-Z]{3}|[A-Z]\d[A-Z]|[A-Z]{2}\d))[- ]?(\d{3})(?![\w-])")
_PLATE_CUE = re.compile(
    r"\b(placa|placas|veh[ií]culo|auto|carro|moto|mototaxi|camioneta|combi|custer|taxi)\b",
    re.IGNORECASE,
)
_NAME = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+"
_ALIAS = re.compile(
    r"\b(?:alias|apodad[oa]|conocid[oa] como|le dicen|le llaman)\s*[:,]?\s*"
    r"[\"'“‘«]?((?:el|la|El|La)\s+)?(" + _NAME + r")[\"'”’»]?"
)
_GANG = re.compile(
    r"\b(?:banda|organizaci[oó]n criminal|organizaci[oó]n|clan|grupo criminal|mafia)"
    r"\s+(?:(?:denominad[ao]|llamad[ao]|conocid[ao] como)\s+)?[\"“«]?"
    r"((?:Los|Las|La|El)\s+" + _NAME + r"(?:\s+" + _NAME + r"){0,2}"
    r"(?:\s+(?:de|del)\s+(?:la\s+|los\s+|las\s+)?"
    r"(?:" + _NAME + r")(?:\s+" + _NAME + r")?)?)"
)
_WORD = r"(?:[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+|[A-ZÁÉÍÓÚÑ]{2,})"
_PERSON = re.compile(
    r"\b(?i:a\s+nombre\s+de|se\s+identific[oó]\s+como|dijo\s+llamarse|de\s+nombre|"
    r"titular(?:\s+de\s+la\s+cuenta)?:?)\s+("
    + _WORD
    + r"(?:\s+(?:de\s+la\s+|del\s+)?"
    + _WORD
    + r"){1,4})"
)
_KNOWN_GANGS = re.compile(r"\b(Tren de Aragua)\b")
_NUMBER = r"\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT_PREFIX = re.compile(
    r"(S/\.?|S\.\s?/|US\$|USD|\$)\s?(" + _NUMBER + r")(\s*mil\b)?", re.IGNORECASE
)
_AMOUNT_SUFFIX = re.compile(
    r"(?<![\w/$])(" + _NUMBER + r")\s*(mil\s+)?(soles|nuevos soles|d[oó]lares)\b", re.IGNORECASE
)
_DAYS = r"lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo"
_MONTHS = (
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre"
)
_DEADLINE = re.compile(
    r"\b(?:(?:un\s+)?plazo\s+de|tiene[ns]?\s+hasta|hasta\s+(?:el|este|el\s+pr[oó]ximo)|"
    r"antes\s+del?|a\s+m[aá]s\s+tardar\s+(?:el)?|en\s+(?:las\s+pr[oó]ximas)?)\s*"
    r"(\d{1,3}\s*(?:horas|hrs|d[ií]as|semanas)|(?:"
    + _DAYS
    + r")|\d{1,2}\s+de\s+(?:"
    + _MONTHS
    + r")|fin\s+de\s+mes|mañana)\b",
    re.IGNORECASE,
)


def _money(number: str) -> float | None:
    s = number.replace(" ", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", s):  # thousands separators only
        return float(re.sub(r"[.,]", "", s))
    m = re.fullmatch(r"(\d{1,3}(?:[.,]\d{3})+)([.,])(\d{1,2})", s)
    if m:
        return float(re.sub(r"[.,]", "", m.group(1)) + "." + m.group(3))
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return None


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in taken)


def extract(text: str, region: str = DEFAULT_REGION) -> list[Found]:
    """Every identifier found, in text order."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []  # digit spans already claimed (CCI before phones)

    def wallet_context(start: int) -> bool:
        return bool(_WALLET_CUE.search(text[max(0, start - 45) : start]))

    for m in _DIGIT_RUN.finditer(text):
        cci = normalise_cci(m.group(0))
        if cci:
            found.append(Found("cci", cci, m.start(), m.end(), m.group(0), "cci-check", 0.99))
            taken.append((m.start(), m.end()))
    for m in _ACCOUNT.finditer(text):
        s, e = m.span(1)
        digits = re.sub(r"\D", "", m.group(1))
        if _overlaps(s, e, taken) or not 10 <= len(digits) <= 20 or normalise_cci(digits):
            continue
        if len(digits) in (9, 11) and normalise_phone(digits, region):
            continue  # a phone number written after "cuenta", not an account
        found.append(Found("account", digits, s, e, m.group(1), "cuenta-number", 0.85))
        taken.append((s, e))
    for m in _WA.finditer(text):
        e164 = normalise_phone("+" + m.group(1), region)
        if e164:
            kind = "wallet" if wallet_context(m.start()) else "phone"
            found.append(Found(kind, e164, m.start(), m.end(), m.group(0), "wa.me", 0.99))
            taken.append((m.start(), m.end()))
    for match in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.VALID
    ):
        s, e = match.start, match.end
        if _overlaps(s, e, taken):
            continue
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        kind = "wallet" if wallet_context(s) else "phone"
        found.append(Found(kind, e164, s, e, match.raw_string, "libphonenumber", 0.95))
        taken.append((s, e))
    for m in _PLATE.finditer(text):
        cue = _PLATE_CUE.search(text[max(0, m.start() - 60) : m.start()])
        hyphen = "-" in m.group(0)
        if not (cue or hyphen) or _overlaps(m.start(), m.end(), taken):
            continue
        value = f"{m.group(1)}-{m.group(2)}"
        found.append(
            Found(
                "plate",
                value,
                m.start(),
                m.end(),
                m.group(0),
                "plate-pattern",
                0.95 if cue else 0.8,
            )
        )
    for m in _ALIAS.finditer(text):
        article = (m.group(1) or "").strip().lower()
        value = fold(f"{article} {m.group(2)}".strip())
        found.append(Found("alias", value, m.start(), m.end(), m.group(0), "alias-cue", 0.9))
    for rx, rule in ((_GANG, "gang-cue"), (_KNOWN_GANGS, "known-gang")):
        for m in rx.finditer(text):
            name = m.group(1)
            found.append(Found("gang", fold(name), m.start(1), m.end(1), name, rule, 0.9))
    for m in _PERSON.finditer(text):
        name = m.group(1)
        found.append(Found("name", fold(name), m.start(1), m.end(1), name, "name-cue", 0.85))
    for m in _AMOUNT_PREFIX.finditer(text):
        n = _money(m.group(2))
        if n is None:
            continue
        n *= 1000 if m.group(3) else 1
        cur = "PEN" if m.group(1).upper().startswith("S") else "USD"
        found.append(
            Found("amount", f"{cur} {n:g}", m.start(), m.end(), m.group(0), "currency-prefix", 0.95)
        )
    for m in _AMOUNT_SUFFIX.finditer(text):
        if _overlaps(m.start(), m.end(), [(f.start, f.end) for f in found if f.kind == "amount"]):
            continue
        n = _money(m.group(1))
        if n is None:
            continue
        n *= 1000 if m.group(2) else 1
        cur = "USD" if fold(m.group(3)).startswith("dol") else "PEN"
        found.append(
            Found("amount", f"{cur} {n:g}", m.start(), m.end(), m.group(0), "currency-word", 0.9)
        )
    for m in _DEADLINE.finditer(text):
        found.append(
            Found(
                "deadline",
                fold(re.sub(r"\s+", " ", m.group(1))),
                m.start(),
                m.end(),
                m.group(0),
                "deadline-cue",
                0.8,
            )
        )
    found.sort(key=lambda f: (f.start, f.kind))
    return found
