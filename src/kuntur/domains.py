"""The domains, found and wired once by every entry point (app, CLI, migrations, tests).

A domain is a subpackage of ``kuntur``. Its ``manifest`` declares its permissions, audit
event types, pages with their navigation entries, texts and command group
(``core.registry``); whatever it keeps in ``models`` joins the store's metadata; the
``router`` of its ``views`` is mounted by the app; its ``cli`` is loaded when its group
is used; a ``subscriptions`` or ``purposes`` module with a ``register()`` wires what it
does when other domains announce a change, or what it tells them. Nothing here names a
domain: adding one touches no central file (docs/decisions/0009-kernel-and-layers.md).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from types import ModuleType
from typing import Any

import kuntur
from kuntur.core import registry
from kuntur.core.registry import Manifest

WIRING = ("subscriptions", "purposes")


def packages() -> list[str]:
    """Every domain package of ``kuntur``, by name (sorted: a stable order)."""
    return sorted(m.name for m in pkgutil.iter_modules(kuntur.__path__) if m.ispkg)


def _optional(package: str, module: str) -> ModuleType | None:
    name = f"kuntur.{package}.{module}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:  # the module exists but something it imports does not
            raise
        return None


def manifests() -> list[Manifest]:
    """Every domain's declarations (importing a manifest registers it), in package order."""
    for package in packages():
        _optional(package, "manifest")
    return registry.manifests()


@functools.cache
def load_models() -> None:
    """Import every domain's ``models`` so that ``Base.metadata`` knows all tables."""
    for package in packages():
        _optional(package, "models")


def routers() -> list[Any]:
    """Every domain's API routers (the ``router`` of each module its manifest names in
    ``api``; ``views`` for a domain without a manifest), in package order."""
    declared = {m.domain: m.api for m in manifests()}
    found = (
        _optional(package, module)
        for package in packages()
        for module in declared.get(package, ("views",))
    )
    return [module.router for module in found if module is not None and hasattr(module, "router")]


@functools.cache
def load() -> None:
    """Manifests, models, then each domain's wiring (subscriptions, purpose checks)."""
    manifests()
    load_models()
    for package in packages():
        for module in WIRING:
            found = _optional(package, module)
            register = getattr(found, "register", None)
            if callable(register):
                register()
