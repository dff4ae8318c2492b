"""The domains' cross-domain wiring, loaded once by every entry point (app, CLI).

A domain that reacts to another's events subscribes here, through its own
``subscriptions.register``; the publisher never imports it.
"""

from __future__ import annotations

import functools


@functools.cache
def load() -> None:
    from kuntur.intelligence import subscriptions as intelligence

    intelligence.register()
