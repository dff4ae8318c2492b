#!/usr/bin/env python3
"""Convert a domain's (Spanish, English) pairs to gettext: Spanish msgids in the code, the
English in the domain's catalogue (docs/decisions/0010-messages-gettext.md).

    PYTHONPATH=src python scripts/pairs_to_gettext.py <domain> [--dry-run]

AST-based, so the conversion is faithful: it finds

- ``Permission(code, es, en, ...)`` and ``EventType(code, es, en)``: the English goes to the
  catalogue, the call keeps ``(code, es, ...)``;
- two-string tuples that are values of a module-level table of texts (a dict assigned to a
  name ending in TEXT, TEXTS, LABELS, NAMES or MESSAGES, or annotated ``Label``, or a
  manifest's ``texts=``; other two-string tuples, such as ``(name, kind)``, are not texts),
  and module-level ``NAME: Label = (es, en)``: each becomes ``N_("es")`` (``Np_("key",
  "es")`` where the same Spanish has another English in this domain or another's catalogue);
- a manifest's ``cli_group=(name, help)``: the help is marked ``N_`` (its English is left
  empty in the catalogue for a person to write: the completeness test says so).

Pairs it cannot convert alone (f-strings, pairs built at run time) are listed for a person.
Re-runnable: what is already converted is left as it is, and the catalogue is merged.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

SRC = Path(__file__).resolve().parents[1] / "src" / "kuntur"
TABLE_NAME = re.compile(r"(TEXT|TEXTS|LABELS|NAMES|MESSAGES)$")
MARKERS = ("N_", "Np_")


def _str(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _pair(node: ast.AST) -> tuple[str, str] | None:
    if isinstance(node, ast.Tuple) and len(node.elts) == 2:
        es, en = (_str(e) for e in node.elts)
        if es is not None and en is not None:
            return es, en
    return None


def _is_table(target: ast.AST, annotation: ast.AST | None, source: str) -> bool:
    name = target.id if isinstance(target, ast.Name) else ""
    note = ast.get_source_segment(source, annotation) if annotation is not None else ""
    return bool(TABLE_NAME.search(name)) or "Label" in (note or "")


class Found:
    def __init__(self) -> None:
        self.edits: list[tuple[int, int, str]] = []  # (start offset, end offset, new text)
        self.messages: list[tuple[str, str, str | None, str]] = []  # es, en, key, where
        self.manual: list[str] = []


def _offsets(source: str) -> list[int]:
    starts, total = [0], 0
    for line in source.splitlines(keepends=True):
        total += len(line.encode("utf-8"))
        starts.append(total)
    return starts


def scan(path: Path, found: Found) -> None:
    source = path.read_text(encoding="utf-8")
    data = source.encode("utf-8")
    lines = _offsets(source)
    tree = ast.parse(source)

    def span(node: ast.AST) -> tuple[int, int]:
        start = lines[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        end = lines[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]
        return start, end

    def text(node: ast.AST) -> str:
        start, end = span(node)
        return data[start:end].decode("utf-8")

    def pair_at(node: ast.AST, key: str | None) -> None:
        pair = _pair(node)
        if pair is None:
            if (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 2
                and any(isinstance(e, ast.JoinedStr) for e in node.elts)
            ):
                found.manual.append(f"{path}:{node.lineno}: an f-string pair")
            return
        start, end = span(node)
        found.messages.append((pair[0], pair[1], key, f"{path.name}:{node.lineno}"))
        found.edits.append((start, end, f"\0{len(found.messages) - 1}\0" + text(node.elts[0])))

    def table(value: ast.AST) -> None:
        if isinstance(value, ast.Dict):
            for k, v in zip(value.keys, value.values, strict=True):
                key = _str(k) if k is not None else None
                if key is None and k is not None:
                    key = ast.unparse(k).split(".")[-1].lower()
                pair_at(v, key)

    for node in tree.body:
        target, annotation, value = None, None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, annotation, value = node.target, node.annotation, node.value
        if target is not None and value is not None and _is_table(target, annotation, source):
            if isinstance(value, ast.Dict):
                table(value)
            elif isinstance(value, ast.Tuple):
                name = target.id.lower() if isinstance(target, ast.Name) else None
                pair_at(value, name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if called in ("Permission", "EventType") and len(node.args) >= 3:
            es, en = _str(node.args[1]), _str(node.args[2])
            if es is not None and en is not None:
                found.messages.append((es, en, None, f"{path.name}:{node.lineno}"))
                start = span(node.args[1])[1]
                end = span(node.args[2])[1]
                found.edits.append((start, end, ""))
        for kw in node.keywords:
            if kw.arg == "texts":
                table(kw.value)
            if kw.arg == "cli_group" and isinstance(kw.value, ast.Tuple):
                help_node = kw.value.elts[1] if len(kw.value.elts) == 2 else None
                helptext = _str(help_node) if help_node is not None else None
                if helptext is not None and help_node is not None:
                    start, end = span(help_node)
                    found.messages.append((helptext, "", None, f"{path.name}:{node.lineno}"))
                    found.edits.append((start, end, f"N_({text(help_node)})"))


def _known(exclude: Path) -> dict[tuple[str | None, str], str]:
    """Every other catalogue's English, so one Spanish text keeps one English across them."""
    out: dict[tuple[str | None, str], str] = {}
    for po in SRC.glob("*/locale/en/LC_MESSAGES/kuntur.po"):
        if po.resolve() == exclude.resolve():
            continue
        with po.open("rb") as fh:
            for m in read_po(fh):
                if m.id and isinstance(m.id, str) and m.string:
                    out[(m.context, m.id)] = str(m.string)
    return out


def convert(domain_dir: Path, dry_run: bool = False) -> int:
    po_path = domain_dir / "locale" / "en" / "LC_MESSAGES" / "kuntur.po"
    known = _known(po_path)
    if po_path.exists():
        with po_path.open("rb") as fh:
            catalogue = read_po(fh, locale="en")
    else:
        catalogue = Catalog(locale="en", project="Kuntur", domain="kuntur", fuzzy=False)
    total, manual = 0, []
    for path in sorted(domain_dir.rglob("*.py")):
        found = Found()
        scan(path, found)
        manual += found.manual
        if not found.edits:
            continue
        english_of: dict[str, set[str]] = {}
        for es, en, _key, _where in found.messages:
            if en:
                english_of.setdefault(es, set()).add(en)
        replaced: dict[int, str] = {}
        for i, (es, en, key, where) in enumerate(found.messages):
            clash = len(english_of.get(es, ())) > 1 or (
                en and (None, es) in known and known[(None, es)] != en
            )
            existing = catalogue.get(es)
            if en and existing is not None and existing.string and existing.string != en:
                clash = True
            context = key if clash and key else None
            if clash and not key:
                manual.append(f"{where}: {es!r} needs a context (two English texts)")
            old = catalogue.get(es, context=context)
            if old is None:
                catalogue.add(es, en, locations=[(where, 0)], context=context)
            elif en and not old.string:
                old.string = en
            replaced[i] = f"Np_({context!r}, " if context else "N_("
        data = path.read_text(encoding="utf-8").encode("utf-8")
        for start, end, new in sorted(found.edits, reverse=True):
            if new.startswith("\0"):
                index, first = new[1:].split("\0", 1)
                new = replaced[int(index)] + first + ")"
            data = data[:start] + new.encode("utf-8") + data[end:]
        out = data.decode("utf-8")
        needs = sorted({m for m in MARKERS if f"{m}(" in out})
        if needs and not re.search(r"^from kuntur\.core\.i18n import .*\bN_\b", out, re.M):
            imports = ", ".join(needs)
            line = f"from kuntur.core.i18n import {imports}\n"
            tree = ast.parse(out)
            after = max(
                (
                    n.end_lineno or 0
                    for n in tree.body
                    if isinstance(n, ast.ImportFrom | ast.Import)
                ),
                default=0,
            )
            lines = out.splitlines(keepends=True)
            lines.insert(after, line)
            out = "".join(lines)
        total += len(found.messages)
        print(f"{path}: {len(found.messages)} messages")
        if not dry_run:
            path.write_text(out, encoding="utf-8")
    for line in manual:
        print("by hand:", line, file=sys.stderr)
    if not dry_run and total:
        po_path.parent.mkdir(parents=True, exist_ok=True)
        catalogue.header_comment = (
            f"# English for kuntur.{domain_dir.name}: msgid is the Spanish (the source language)."
        )
        with po_path.open("wb") as fh:
            write_po(fh, catalogue, width=100, sort_output=True, omit_header=False)
    print(f"{total} messages; catalogue {po_path}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("domain", help="a package under src/kuntur, or a domain's folder")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    folder = Path(args.domain)
    if not folder.is_dir():
        folder = SRC / args.domain
    return convert(folder, args.dry_run)


if __name__ == "__main__":
    raise SystemExit(main())
