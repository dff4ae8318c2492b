"""What the public tip routes keep in memory, per server process: the keys, the proofs of
work already spent, and global budgets of tips and receipt look-ups.

No budget is per client: counting per address would mean holding addresses. Instead a
tip must carry a small proof of work (``pow``), each challenge is good once, and the
whole process accepts so many tips an hour (fewer from pages without JavaScript, which
cannot do the work) and so many receipt look-ups a minute. A flood then slows everyone's
tips down for a while; it cannot enumerate receipts (66 bits) and it learns nothing.
With several server processes each keeps its own share.

``hide_from_access_log`` keeps uvicorn's access log (which prints the client's address
and the exact time) off these routes altogether.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from fastapi import Request

from kuntur.citizens import keys as citizens_keys
from kuntur.citizens import pow
from kuntur.citizens.service import Refused
from kuntur.config import Settings
from kuntur.core.errors import TooManyRequests
from kuntur.core.i18n import N_, render
from kuntur.identity.ratelimit import SlidingWindow

# Every route a tipster uses: nothing about a request to these is logged.
PUBLIC_PREFIXES = ("/denuncia", "/seguimiento", "/api/citizens/public")
CHALLENGE_MAX_AGE_S = 2 * 3600  # a form may take a while to fill in
_ALL = "all"  # the one key of the global windows


class _QuietTipRoutes(logging.Filter):
    """Drop uvicorn access-log lines of the tip routes (client address, exact time)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args: Any = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = args[2]
            return not any(
                path == p or path.startswith(p + "/") or path.startswith(p + "?")
                for p in PUBLIC_PREFIXES
            )
        return True


_FILTER = _QuietTipRoutes()


def hide_from_access_log() -> None:
    """Install the filter on uvicorn's access logger (once; any process that serves)."""
    log = logging.getLogger("uvicorn.access")
    if _FILTER not in log.filters:
        log.addFilter(_FILTER)


class Busy(TooManyRequests):
    """Too many for now, said in the reader's language on the pages (``text``)."""

    def __init__(self, msgid: str, retry_after: int, **values: object) -> None:
        super().__init__(render(msgid, None, **values), retry_after)
        self.msgid, self.values = msgid, values

    def text(self, lang: str | None) -> str:
        return render(self.msgid, lang, **self.values)


class Intake:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = citizens_keys.for_settings(settings)
        share = settings.server_processes or 1
        self.tips = SlidingWindow(-(-settings.tip_submissions_per_hour // share), 3600, 1)
        self.unproven = SlidingWindow(-(-settings.tip_unproven_per_hour // share), 3600, 1)
        self.lookups = SlidingWindow(-(-settings.tip_lookups_per_minute // share), 60, 1)
        self._spent: dict[str, float] = {}
        self._lock = threading.Lock()

    def challenge(self) -> str:
        return pow.issue(self.keys.challenges, time.time(), self.settings.tip_pow_bits)

    def admit_tip(self, challenge: str | None, nonce: str | None) -> None:
        """Let a tip in, or say why not: a proof of work that fails, one spent already, or
        the hour's budget used up (for tips without a proof, a smaller budget)."""
        now = time.time()
        with self._lock:
            for spent, at in list(self._spent.items()):
                if at < now - CHALLENGE_MAX_AGE_S - 60:
                    del self._spent[spent]
            proven = bool(challenge and nonce)
            if proven:
                assert challenge is not None and nonce is not None
                why = pow.check(self.keys.challenges, challenge, nonce, now, CHALLENGE_MAX_AGE_S)
                if why is not None or challenge in self._spent:
                    raise Refused(
                        N_(
                            "la comprobación contra el abuso venció o no es válida: vuelva a "
                            "enviar el formulario"
                        )
                    )
            window = self.tips if proven else self.unproven
            wait = max(window.wait(_ALL, now), self.tips.wait(_ALL, now))
            if wait > 0:
                minutes = max(1, round(wait / 60))
                raise Busy(
                    N_(
                        "estamos recibiendo demasiadas denuncias a la vez: inténtelo de nuevo en "
                        "{n} minutos. Si su vida corre peligro ahora, llame al 105."
                    ),
                    int(wait) + 1,
                    n=minutes,
                )
            window.record(_ALL, now)
            if window is not self.tips:
                self.tips.record(_ALL, now)
            if proven:
                assert challenge is not None
                self._spent[challenge] = now

    def admit_lookup(self) -> None:
        now = time.time()
        with self._lock:
            wait = self.lookups.wait(_ALL, now)
            if wait > 0:
                raise Busy(
                    N_(
                        "demasiadas consultas de seguimiento en este momento: espere {n} segundos "
                        "e inténtelo otra vez"
                    ),
                    int(wait) + 1,
                    n=int(wait) + 1,
                )
            self.lookups.record(_ALL, now)


_INTAKES_LOCK = threading.Lock()


def of(request: Request) -> Intake:
    """This app's intake (made on first use)."""
    state = request.app.state
    found = getattr(state, "citizens_intake", None)
    if found is None:
        with _INTAKES_LOCK:
            found = getattr(state, "citizens_intake", None)
            if found is None:
                found = Intake(state.settings)
                state.citizens_intake = found
    return found
