"""What each domain declares about itself, and where the rest of Kuntur finds it.

A domain's ``manifest`` module (``kuntur/<domain>/manifest.py``) declares, in one place,
its permissions (with the roles that hold them), its audit event types, its pages with
their navigation entries (each with the permission it needs), its translations and its
command-line group. Declaring registers: the app, the CLI, authorization, the audit log
and the web pages read this registry and never list a domain's items themselves, so a
new domain touches no central file (docs/decisions/0009-kernel-and-layers.md).

Permissions and event types are strings (their codes, as stored and logged), so they
compare, hash and serialise as the codes themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Self

from kuntur.core import i18n

# A text: its Spanish (the msgid, English in the domain's catalogue: ``core.i18n``), or,
# for a domain not yet converted (``scripts/pairs_to_gettext.py``), a (Spanish, English) pair.
Label = i18n.Text


class _Code(str):
    """A declared code with its title: the Spanish, translated from the domain's catalogue.
    A third argument (the English, as domains declared it before their catalogues) is still
    taken, for a domain not yet converted."""

    es: str
    title_text: i18n.Text

    def __new__(cls, code: str, es: str, en: str | None = None) -> Self:
        obj = super().__new__(cls, code)
        obj.es = es
        obj.title_text = (es, en) if en is not None else es
        return obj

    @property
    def en(self) -> str:
        return self.label("en")

    @property
    def value(self) -> str:  # the code, as an enumeration member would give it
        return str(self)

    def label(self, lang: str | None) -> str:
        """The title in ``lang``; both ("es / en") with none."""
        return i18n.render(self.title_text, lang)

    def __reduce__(self) -> tuple[type[str], tuple[str]]:  # pickles as its code
        return str, (str(self),)


class Permission(_Code):
    """A permission: its code, its titles and the roles that hold it."""

    roles: frozenset[str]

    def __new__(cls, code: str, es: str, en: str | None = None, roles: Iterable[str] = ()) -> Self:
        obj = super().__new__(cls, code, es, en)
        obj.roles = frozenset(str(r) for r in roles)
        return obj


class EventType(_Code):
    """An audit event type: the code the log records, and its titles."""


class Scope(_Code):
    """A scope an integrator's token may be limited to ("eido:read"): its code, its title,
    and the permissions it lets the token use (the account's roles must still hold them)."""

    permissions: frozenset[str]

    def __new__(
        cls, code: str, es: str, en: str | None = None, permissions: Iterable[str] = ()
    ) -> Self:
        obj = super().__new__(cls, code, es, en)
        obj.permissions = frozenset(str(p) for p in permissions)
        return obj


@dataclass(frozen=True)
class Page:
    """An HTML page: its path, its template (in ``web/templates`` or the domain's own
    ``templates`` folder), the permission it needs (None: any logged-in user) and, when it
    appears in the navigation, its label's text key and its place there."""

    path: str
    template: str
    permission: Permission | None = None
    nav: str | None = None  # the text key of its navigation label

    nav_order: int = 100
    active: str = ""  # the template's ``active`` key, marking the page in the navigation


@dataclass(frozen=True)
class Manifest:
    """Everything one domain tells the rest of the system."""

    domain: str
    permissions: tuple[Permission, ...] = ()
    events: tuple[EventType, ...] = ()
    pages: tuple[Page, ...] = ()
    texts: Mapping[str, Label] = field(default_factory=dict)
    cli_group: tuple[str, str] | None = None  # (command name, help msgid); module ``cli``
    api: tuple[str, ...] = ("views",)  # the modules whose ``router`` the app mounts
    scopes: tuple[Scope, ...] = ()  # what integrators' tokens may be limited to

    @property
    def cli_help(self) -> str | None:
        """The group's help line, Spanish first, then English."""
        return i18n.render(self.cli_group[1]) if self.cli_group else None


_MANIFESTS: dict[str, Manifest] = {}
_PERMISSIONS: dict[str, Permission] = {}
_EVENTS: dict[str, EventType] = {}
_TEXTS: dict[str, Label] = {}
_PAGES: dict[str, Page] = {}
_SCOPES: dict[str, Scope] = {}


def declare(manifest: Manifest) -> Manifest:
    """Register ``manifest``; a code, text key or path that another domain already
    declared is an error at import time, not a silent override."""
    if manifest.domain in _MANIFESTS:
        return _MANIFESTS[manifest.domain]
    for registry, items, what in (
        (_PERMISSIONS, {str(p): p for p in manifest.permissions}, "permission"),
        (_EVENTS, {str(e): e for e in manifest.events}, "event type"),
        (_TEXTS, dict(manifest.texts), "text key"),
        (_PAGES, {p.path: p for p in manifest.pages}, "page"),
        (_SCOPES, {str(s): s for s in manifest.scopes}, "scope"),
    ):
        clash = sorted(set(items) & set(registry))
        if clash:
            raise ValueError(f"{manifest.domain} declares {what} {clash[0]!r} again")
    _PERMISSIONS.update({str(p): p for p in manifest.permissions})
    _EVENTS.update({str(e): e for e in manifest.events})
    _TEXTS.update(manifest.texts)
    _PAGES.update({p.path: p for p in manifest.pages})
    _SCOPES.update({str(s): s for s in manifest.scopes})
    _MANIFESTS[manifest.domain] = manifest
    return manifest


def manifests() -> list[Manifest]:
    return list(_MANIFESTS.values())


def permissions() -> list[Permission]:
    return list(_PERMISSIONS.values())


def events() -> list[EventType]:
    return list(_EVENTS.values())


def event_title(code: str, lang: str = "es") -> str:
    """The title of an event code in ``lang``; an unknown code (from an older version)
    is shown as it was logged."""
    found = _EVENTS.get(code)
    return found.label(lang) if found else code


def texts() -> dict[str, Label]:
    return dict(_TEXTS)


def scopes() -> list[Scope]:
    return sorted(_SCOPES.values())


def scope(code: str) -> Scope | None:
    return _SCOPES.get(code)


def pages() -> list[Page]:
    return sorted(_PAGES.values(), key=lambda p: (p.nav_order, p.path))
