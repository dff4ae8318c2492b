"""Differentially private monthly counts: the release rules, the noise and its published
accuracy. Pure (no web framework, no ORM): counts in, noisy counts out.

The unit of privacy is one incident, as if each person were in at most one incident
("one incident per person"). A month's histogram (district x category) then changes by
1 in one cell when one person is added or removed: L1 sensitivity 1. The discrete
Laplace mechanism with scale ``b = 1/epsilon`` on every cell is ``epsilon``-DP for the
whole histogram (the cells are disjoint: parallel composition), and releases add up
(sequential composition), so a year's releases together spend the sum of their epsilons.

Notes
-----
Discrete Laplace ("two-sided geometric") noise: P(X = x) = (1 - a) / (1 + a) * a^|x| with
a = exp(-1/b) (Ghosh, Roughgarden & Sundararajan 2012, "Universally utility-maximizing
privacy mechanisms"; Canonne, Kamath & Steinke 2020 for exact sampling). Its mean is 0,
its variance 2a / (1 - a)^2 and its mean absolute value 2a / (1 - a^2); close to the
continuous Laplace's 2b^2 and b for large b. The noise is drawn by OpenDP
(``make_laplace`` on an integer vector domain, which is the discrete Laplace), whose
privacy map is checked before every release.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from kuntur.core.i18n import _

MECHANISM = "discrete_laplace"
SENSITIVITY = 1  # one incident per person: one cell changes by one
UNIT = "incident"
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_EPS_DIGITS = 6  # epsilons are kept to a millionth, so the ledger adds up exactly


class ReleaseRefused(ValueError):
    """A release that the policy does not allow: the message says why, Spanish first, and
    what would be allowed instead."""


@dataclass(frozen=True)
class Period:
    """A calendar month in the command's time zone (Lima)."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) of the month in ``tz``, as UTC instants."""
        start = datetime(self.year, self.month, 1, tzinfo=tz)
        nxt = datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=tz)
        return start.astimezone(UTC), nxt.astimezone(UTC)


def parse_period(text: str) -> Period:
    """``YYYY-MM`` (2026-03), or a clear refusal."""
    found = _PERIOD.match(text.strip()) if isinstance(text, str) else None
    if not found or not 2000 <= int(found.group(1)) <= 2999:
        raise ReleaseRefused(
            _("periodo no válido: «{value}»; use AAAA-MM, por ejemplo 2026-03", value=text)
        )
    return Period(int(found.group(1)), int(found.group(2)))


def parse_epsilon(value: object) -> float:
    """A positive, finite epsilon (rounded to a millionth), or a clear refusal."""
    try:
        eps = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        eps = math.nan
    if not math.isfinite(eps) or round(eps, _EPS_DIGITS) <= 0:
        raise ReleaseRefused(
            _(
                "épsilon no válido: «{value}»; debe ser un número mayor que 0 (por ejemplo 0.5)",
                value=value,
            )
        )
    return round(eps, _EPS_DIGITS)


def release_window(
    period: Period, now: datetime, holdback_days: int, tz: tzinfo
) -> tuple[datetime, datetime]:
    """The instants a release of ``period`` covers: the whole month, once it ended at least
    ``holdback_days`` ago. A month not over, or over for fewer days, is refused with the
    first day it may be released: the last days are never released, and a month is never
    released in part (a second, later release of the rest would be harder to read)."""
    start, end = period.bounds(tz)
    ready = end + timedelta(days=holdback_days)
    if now < ready:
        raise ReleaseRefused(
            _(
                "el periodo {period} aún no puede publicarse: no se publican los últimos "
                "{days} días; podrá publicarse desde el {ready}",
                period=str(period),
                days=holdback_days,
                ready=ready.astimezone(tz).date().isoformat(),
            )
        )
    return start, end


def budget_left(year_budget: float, spent: float) -> float:
    return round(year_budget - spent, _EPS_DIGITS)


def check_budget(epsilon: float, *, year: int, year_budget: float, spent: float) -> None:
    """Refuse a release whose epsilon would take the year's releases past the budget."""
    left = budget_left(year_budget, spent)
    if round(spent + epsilon, _EPS_DIGITS) > round(year_budget, _EPS_DIGITS):
        raise ReleaseRefused(
            _(
                "presupuesto de privacidad agotado para {year}: se pidió ε = {eps}, quedan "
                "ε = {left} de {budget} (gastado {spent})",
                year=year,
                eps=f"{epsilon:g}",
                left=f"{left:g}",
                budget=f"{year_budget:g}",
                spent=f"{spent:g}",
            )
        )


def scale_for(epsilon: float) -> float:
    """The discrete Laplace scale that gives ``epsilon`` at L1 sensitivity 1."""
    return SENSITIVITY / epsilon


def noise_variance(scale: float) -> float:
    """Variance of the discrete Laplace noise of ``scale``: 2a / (1 - a)^2, a = exp(-1/b)."""
    a = math.exp(-1.0 / scale)
    return 2.0 * a / (1.0 - a) ** 2


def mean_abs_noise(scale: float) -> float:
    """Mean absolute error of one noisy cell: 2a / (1 - a^2)."""
    a = math.exp(-1.0 / scale)
    return 2.0 * a / (1.0 - a * a)


def interval_halfwidth(scale: float, confidence: float = 0.95) -> int:
    """t with P(|noise| > t) <= 1 - confidence for one cell: a count's interval is
    [noisy - t, noisy + t]. OpenDP's own accuracy function, floored (as it documents: the
    noise is an integer, so the floor keeps the coverage)."""
    import opendp.prelude as dp

    return math.floor(float(dp.discrete_laplacian_scale_to_accuracy(scale, 1.0 - confidence)))


def interval_halfwidth_exact(scale: float, confidence: float = 0.95) -> int:
    """The same from the distribution itself: P(|X| > t) = 2a^(t+1) / (1 + a)."""
    a = math.exp(-1.0 / scale)
    t = 0
    while 2.0 * a ** (t + 1) / (1.0 + a) > 1.0 - confidence:
        t += 1
    return t


def noisy_counts(true_counts: Sequence[int], epsilon: float) -> list[int]:
    """Discrete Laplace noise of scale 1/epsilon on every count (OpenDP), after checking
    that OpenDP's privacy map gives at most ``epsilon`` for a change of 1 in L1."""
    import opendp.prelude as dp

    dp.enable_features("contrib")  # OpenDP's mechanisms not yet vetted by its own review
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    measurement = dp.m.make_laplace(*space, scale=scale_for(epsilon))
    spent = float(measurement.map(SENSITIVITY))
    if spent > epsilon * (1 + 1e-9):
        raise RuntimeError(f"OpenDP's privacy map gives {spent} > {epsilon}")
    if not true_counts:
        return []
    return [int(v) for v in measurement([int(c) for c in true_counts])]


def shown(noisy: int, k: int) -> str | int:
    """What the public page shows for a noisy count: below ``k``, "menos de k" (decided on
    the noisy value: post-processing, no privacy spent, nothing learnt of the true count)."""
    return f"<{k}" if noisy < k else noisy
