#!/usr/bin/env python3
"""`make messages`: extract every domain's messages and update its English catalogue.

Each package of ``src/kuntur`` that declares itself (``manifest.py``) has its catalogue in
``<package>/locale/en/LC_MESSAGES/kuntur.po``; the layout's and the kernel's (``web``,
``core`` and the top-level modules) are in ``web/locale``. No list of domains: a new one
is found by its manifest. ``pybabel extract`` (python and Jinja2 extractors, ``babel.cfg``)
then ``pybabel update`` (or ``init`` the first time); new messages arrive with an empty
English that ``tests/test_messages.py`` reports until someone writes it.

    PYTHONPATH=src python scripts/messages.py [domain ...]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "kuntur"
OUT = ROOT / "var" / "messages"
# The marker functions of kuntur.core.i18n, besides Babel's defaults (_, gettext, ngettext,
# pgettext, npgettext, N_), and the titles declared with Permission, EventType and Scope.
KEYWORDS = ("n_:1,2", "p_:1c,2", "Nn_:1,2", "Np_:1c,2", "Permission:2", "EventType:2", "Scope:2")
KERNEL = ("web", "core")  # their messages go to the web catalogue


def sources() -> dict[str, list[Path]]:
    """Catalogue owner -> the files and folders whose messages it holds."""
    found = {p.parent.name: [p.parent] for p in sorted(SRC.glob("*/manifest.py")) if p.parent.name}
    found["web"] = [SRC / name for name in KERNEL] + sorted(SRC.glob("*.py"))
    return found


def update(owner: str, inputs: list[Path]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    pot = OUT / f"{owner}.pot"
    cli = CommandLineInterface()
    keywords = [arg for kw in KEYWORDS for arg in ("-k", kw)]
    cli.run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            *keywords,
            "--add-location=file",
            "--sort-output",
            "--project=Kuntur",
            "-o",
            str(pot),
            # Relative to the repository, so a catalogue's locations do not depend on
            # where the checkout lies.
            *(str(p.relative_to(ROOT)) for p in inputs),
        ]
    )
    locale = SRC / owner / "locale"
    po = locale / "en" / "LC_MESSAGES" / "kuntur.po"
    before = po.read_text(encoding="utf-8") if po.exists() else None
    step = ["update", "--ignore-obsolete", "--no-fuzzy-matching"] if po.exists() else ["init"]
    cli.run(
        ["pybabel", "-q", *step, "-i", str(pot), "-d", str(locale), "-l", "en", "-D", "kuntur"]
        + (["-w", "100"] if po.exists() else [])
    )
    # A run that found nothing new would still stamp a new POT-Creation-Date: keep the file
    # as it was, so catalogues change only with their messages (and merge cleanly).
    if before is not None and _undated(po.read_text(encoding="utf-8")) == _undated(before):
        po.write_text(before, encoding="utf-8")


def _undated(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "POT-Creation-Date" not in line)


def main(argv: list[str]) -> int:
    os.chdir(ROOT)
    for owner, inputs in sources().items():
        if argv and owner not in argv:
            continue
        update(owner, inputs)
        print(f"{owner}: {SRC / owner / 'locale'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
