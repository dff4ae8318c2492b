"""Identifiers that link extortion reports, normalised so that equal means equal.

- phones: E.164 (``+51987654321``) via Google's libphonenumber (``phonenumbers``),
  Peru as the default region; mobiles are 9 digits starting with 9, Lima landlines
  01 + 7 digits;
- CCI (código de cuenta interbancario): 20 digits = bank (3) + office (3) + account
  (12) + two check digits, one over bank+office and one over the account, each
  computed with alternating weights 1, 2 (two-digit products summed), modulo 10;
- plates: Peruvian plates ``ABC-123`` and ``A1B-234``, upper case, with the hyphen.

Pure functions: strings in, normalised strings (or None) out.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

DEFAULT_REGION = "PE"


def fold(text: str) -> str:
    """Lower case without accents: how names, aliases and gangs are compared."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def cci_check_digit(digits: str) -> str:
    """One CCI check digit over ``digits`` (weights 1, 2, 1, 2 ... from the left)."""
    total = 0
    for i, ch in enumerate(digits):
        p = int(ch) * (1 if i % 2 == 0 else 2)
        total += p // 10 + p % 10
    return str((10 - total % 10) % 10)


def normalise_cci(text: str) -> str | None:
    """The 20 digits of a valid CCI (separators ignored), else None."""
    digits = re.sub(r"[\s.\-]", "", text)
    if not re.fullmatch(r"\d{20}", digits):
        return None
    ok = digits[18] == cci_check_digit(digits[:6]) and digits[19] == cci_check_digit(digits[6:18])
    return digits if ok else None


def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 of a valid number (``+51...`` for Peru), else None."""
    try:
        num = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


_PLATE = re.compile(r"^([A-Z]{3}|[A-Z]\d[A-Z]|[A-Z]{2}\d)-?(\d{3})$")


def normalise_plate(text: str) -> str | None:
    """``ABC-123`` / ``A1B-123`` upper case with hyphen, else None."""
    m = _PLATE.match(re.sub(r"\s", "", text.upper()))
    return f"{m.group(1)}-{m.group(2)}" if m else None
