"""Messages in two languages: Spanish first (the command's working language), English second.

Gettext, the ecosystem's way (docs/decisions/0010-messages-gettext.md): the code says each
message in Spanish, which is its ``msgid``; each domain keeps the English in its own
catalogue, ``kuntur/<domain>/locale/en/LC_MESSAGES/kuntur.po`` (the layout's and the
kernel's in ``kuntur/web/locale``). The catalogues are found through the registry and the
package path, never a list of domains, compiled with Babel when first needed and merged.

- ``_(msgid, lang, **values)``: the message in ``lang`` with its values filled in; with no
  ``lang`` (API answers, the command line, which know no page language) both languages,
  Spanish first: "es / en". ``n_`` (plural forms: ``n`` picks the form by each language's
  rule, from the catalogue header) and ``p_`` (a context, where one Spanish word needs two
  English ones) are the same with ``ngettext`` and ``pgettext``.
- ``N_`` / ``Nn_`` / ``Np_`` mark a message where it is declared (module level: labels,
  reasons) without translating it; ``render`` translates it later, in a language.
- ``render`` still takes a ``(spanish, english)`` pair, for a domain not yet converted
  (``scripts/pairs_to_gettext.py <domain>`` converts one).
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Mapping
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from babel.support import NullTranslations, Translations
    from jinja2 import Environment
    from jinja2.runtime import Context

LANGS = ("es", "en")
SOURCE = "es"  # the language of every msgid
DOMAIN = "kuntur"  # the gettext domain: every catalogue is ``locale/<lang>/LC_MESSAGES/kuntur.po``
SEPARATOR = " / "


class Message(str):
    """A message marked where it is declared: its Spanish text (the ``msgid``), with the
    plural form and the context the catalogue files it under, when it has them."""

    plural: str | None
    context: str | None

    def __new__(cls, msgid: str, plural: str | None = None, context: str | None = None) -> Self:
        obj = super().__new__(cls, msgid)
        obj.plural, obj.context = plural, context
        return obj


Text = str | Message | tuple[str, str]  # a msgid, a marked message or a legacy pair


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction; translated where it is shown (``render``)."""
    return msgid


def Nn_(singular: str, plural: str) -> Message:
    """A message with a plural form (the count ``n`` picks one when it is rendered)."""
    return Message(singular, plural=plural)


def Np_(context: str, msgid: str) -> Message:
    """A message under a context (the same Spanish, different English)."""
    return Message(msgid, context=context)


def _package_dirs(package: str) -> list[Path]:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        return []
    return [Path(p) for p in spec.submodule_search_locations]


def catalogue_files(lang: str) -> list[Path]:
    """Every catalogue for ``lang``: each subpackage of ``kuntur`` (on every entry of its
    path, so a domain kept outside the source tree counts) and each registered domain's."""
    from kuntur.core import registry

    found: dict[Path, None] = {}
    packages = {m.domain for m in registry.manifests()}
    for root in _package_dirs("kuntur"):
        if root.is_dir():
            packages.update(p.name for p in root.iterdir() if (p / "__init__.py").exists())
    for package in sorted(packages):
        for folder in _package_dirs(f"kuntur.{package}"):
            po = folder / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
            if po.is_file():
                found[po.resolve()] = None
    return list(found)


def compile_po(path: Path, lang: str) -> Translations:
    """One ``.po`` file compiled in memory (Babel's reader and ``.mo`` writer): no build
    step, so a fresh clone runs as it is. Fuzzy entries are left out, as ``msgfmt`` does."""
    from babel.messages import mofile, pofile
    from babel.support import Translations

    with path.open("rb") as fh:
        catalogue = pofile.read_po(fh, locale=lang, domain=DOMAIN)
    buf = BytesIO()
    mofile.write_mo(buf, catalogue, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


@functools.cache
def _translations(lang: str, _domains: int) -> NullTranslations:
    from babel.support import NullTranslations, Translations

    merged: NullTranslations = NullTranslations()
    if lang == SOURCE:
        return merged  # the msgids are the Spanish; its plural rule is gettext's default
    for path in catalogue_files(lang):
        one = compile_po(path, lang)
        if isinstance(merged, Translations):
            merged.merge(one)
        else:
            merged = one
    return merged


def translations(lang: str) -> NullTranslations:
    """Every domain's catalogue for ``lang``, merged (cached; the registry only grows)."""
    from kuntur.core import registry

    return _translations(lang if lang in LANGS else SOURCE, len(registry.manifests()))


def gettext(msgid: str, lang: str) -> str:
    return str(translations(lang).gettext(msgid))


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    return str(translations(lang).ngettext(singular, plural, n))


def pgettext(context: str, msgid: str, lang: str) -> str:
    return str(translations(lang).pgettext(context, msgid))


def npgettext(context: str, singular: str, plural: str, n: int, lang: str) -> str:
    return str(translations(lang).npgettext(context, singular, plural, n))


def translate(text: Text, lang: str, n: int | None = None) -> str:
    """``text`` in ``lang``, its values not yet filled in."""
    if isinstance(text, tuple):  # a legacy (spanish, english) pair
        return text[0] if lang == SOURCE else text[1]
    context = getattr(text, "context", None)
    plural = getattr(text, "plural", None)
    msgid = str(text)
    if plural is not None:
        count = 1 if n is None else int(n)
        if context is not None:
            return npgettext(context, msgid, plural, count, lang)
        return ngettext(msgid, plural, count, lang)
    if context is not None:
        return pgettext(context, msgid, lang)
    return gettext(msgid, lang)


def _fill(template: str, values: Mapping[str, object]) -> str:
    return template.format(**values) if values else template


def render(text: Text, lang: str | None = None, **values: object) -> str:
    """``text`` translated into ``lang`` with its values filled in; with no ``lang``, Spanish
    first, then English: "es / en". A count ``n`` picks the plural form."""
    n = values.get("n")
    count = int(n) if isinstance(n, int | float | str) and str(n).lstrip("-").isdigit() else None
    if lang is None:
        return SEPARATOR.join(_fill(translate(text, lg, count), values) for lg in LANGS)
    return _fill(translate(text, lang, count), values)


def _(msgid: str, lang: str | None = None, **values: object) -> str:
    """``msgid`` (Spanish) in ``lang``, filled in; both languages when ``lang`` is None."""
    return render(msgid, lang, **values)


def n_(singular: str, plural: str, n: int, lang: str | None = None, **values: object) -> str:
    """The plural form for ``n`` (each language's rule), filled in (``n`` included)."""
    return render(Message(singular, plural=plural), lang, n=n, **values)


def p_(context: str, msgid: str, lang: str | None = None, **values: object) -> str:
    """``msgid`` under ``context``, filled in."""
    return render(Message(msgid, context=context), lang, **values)


def both(words: Callable[[str], str]) -> str:
    """A text built from several messages, once per language: "es / en"."""
    return SEPARATOR.join(words(lang) for lang in LANGS)


def pair(words: Callable[[str], str]) -> tuple[str, str]:
    """The same, kept apart: (Spanish, English)."""
    return words("es"), words("en")


def each(texts: Mapping[str, Text], lang: str) -> dict[str, str]:
    """A keyed table of messages, translated (the ``labels`` the screens' scripts read)."""
    return {key: translate(text, lang) for key, text in texts.items()}


def install_gettext(env: Environment) -> None:
    """Jinja2's i18n extension (``{% trans %}``, ``{{ _("...") }}``) on ``env``, translating
    into the language of the template being rendered: the callables read its ``lang``
    (Spanish when it has none), so one shared environment serves concurrent renderings in
    either language (what ``install_gettext_translations`` per request would do, without a
    race). The pages and the printable case report use it."""
    from jinja2 import pass_context

    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")

    def lang_of(context: Context) -> str:
        lang = context.get("lang")
        return lang if lang in LANGS else SOURCE

    @pass_context
    def gettext(context: Context, message: str) -> str:
        return str(translations(lang_of(context)).gettext(message))

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, n: int) -> str:
        return str(translations(lang_of(context)).ngettext(singular, plural, n))

    @pass_context
    def pgettext(context: Context, ctx: str, message: str) -> str:
        return str(translations(lang_of(context)).pgettext(ctx, message))

    @pass_context
    def npgettext(context: Context, ctx: str, singular: str, plural: str, n: int) -> str:
        return str(translations(lang_of(context)).npgettext(ctx, singular, plural, n))

    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
