"""Every message in Spanish first, English second, from each domain's own catalogue
(docs/decisions/0010-messages-gettext.md): what the code and templates say has its English,
no entry is fuzzy or obsolete, one Spanish text keeps one English across catalogues, and
plural forms follow each language's rule."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("kuntur_messages", ROOT / "scripts" / "messages.py")
assert spec is not None and spec.loader is not None
messages_script = importlib.util.module_from_spec(spec)
sys.modules["kuntur_messages"] = messages_script
spec.loader.exec_module(messages_script)


def extracted(inputs: list[Path]) -> set[tuple[str | None, str]]:
    """(context, msgid) of every message ``make messages`` would extract from ``inputs``."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file

    keywords = dict(DEFAULT_KEYWORDS)
    for kw in messages_script.KEYWORDS:
        name, _, spec_text = kw.partition(":")
        parts: list[int | tuple[int, str]] = []
        for part in spec_text.split(","):
            parts.append((int(part[:-1]), "c") if part.endswith("c") else int(part))
        keywords[name] = tuple(parts)
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: set[tuple[str | None, str]] = set()
    for path in inputs:
        if path.is_dir():
            hits = (
                (m[1], m[2], m[4])
                for m in extract_from_dir(path, method_map, options_map, keywords=keywords)
            )
        else:
            hits = (
                (m[0], m[1], m[3])
                for m in extract_from_file("python", path, keywords=keywords, options={})
            )
        for _line, msg, ctx in hits:
            found.add((ctx, msg[0] if isinstance(msg, tuple) else msg))
    return found


def catalogue(owner: str) -> Catalog:
    po = ROOT / "src" / "kuntur" / owner / "locale" / "en" / "LC_MESSAGES" / "kuntur.po"
    assert po.is_file(), f"{owner} has no English catalogue: run `make messages`"
    with po.open("rb") as fh:
        return read_po(fh, locale="en")


OWNERS = messages_script.sources()


@pytest.mark.parametrize("owner", sorted(OWNERS))
def test_every_message_has_its_english(owner: str) -> None:
    cat = catalogue(owner)
    untranslated, fuzzy = [], []
    for ctx, msgid in sorted(extracted(OWNERS[owner]), key=str):
        entry = cat.get(msgid, context=ctx)
        strings = entry.string if entry is not None else None
        ok = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if not ok:
            untranslated.append(msgid)
        elif entry is not None and entry.fuzzy:
            fuzzy.append(msgid)
    assert not untranslated, (
        f"{owner}: no English for {untranslated} (make messages, then write it)"
    )
    assert not fuzzy, f"{owner}: fuzzy entries {fuzzy}"
    assert not cat.obsolete, f"{owner}: obsolete entries {list(cat.obsolete)}"


@pytest.mark.parametrize("owner", sorted(OWNERS))
def test_no_entry_is_fuzzy_or_left_over(owner: str) -> None:
    cat = catalogue(owner)
    used = extracted(OWNERS[owner])
    entries = [m for m in cat if m.id]
    assert not [m.id for m in entries if m.fuzzy]
    left = [
        m.id for m in entries if (m.context, m.id if isinstance(m.id, str) else m.id[0]) not in used
    ]
    assert not left, f"{owner}: entries no code says any more: {left} (make messages)"


def test_one_spanish_text_has_one_english() -> None:
    """The catalogues are merged at run time, so they must agree where they overlap."""
    seen: dict[tuple[str | None, str], tuple[str, object]] = {}
    for owner in OWNERS:
        for m in catalogue(owner):
            if not m.id:
                continue
            key = (m.context, str(m.id if isinstance(m.id, str) else m.id[0]))
            if key in seen:
                assert seen[key][1] == m.string, (key, seen[key], owner, m.string)
            seen.setdefault(key, (owner, m.string))


def test_plural_forms_in_both_languages() -> None:
    from kuntur import domains
    from kuntur.core import i18n
    from kuntur.identity.messages import message

    domains.load()
    assert message("login_locked", "es", n=1).endswith("en 1 minuto")
    assert message("login_locked", "es", n=2).endswith("en 2 minutos")
    assert message("login_locked", "en", n=1).endswith("in 1 minute")
    assert message("login_locked", "en", n=2).endswith("in 2 minutes")
    assert message("login_too_many", n=1) == (
        "Demasiados intentos de inicio de sesión; intente de nuevo en 1 segundo / "
        "Too many logon attempts; try again in 1 second"
    )
    assert i18n.ngettext("x", "xs", 0, "en") == "xs"  # English: 0 takes the plural too


def test_api_and_cli_texts_are_spanish_first() -> None:
    from kuntur import domains
    from kuntur.core import i18n
    from kuntur.dispatch.recommend import reason_text

    domains.load()
    assert reason_text("lacks", {"capabilities": "extortion"}) == (
        "no tiene capacidad: antiextorsión / lacks: anti-extortion"
    )
    assert reason_text("too_far", {"minutes": "1089"}) == (
        "demasiado lejos (1089 min) / too far (1089 min)"
    )
    assert i18n._("Usuario", "en") == "Username"
