"""Observed against counterfactual as an SVG drawn here, on the server (no script, no
CDN): the page, the brief and its PDF show the same picture. Labels in Spanish."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from kuntur.core.i18n import _

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 28, 40
LABEL_WIDTH = 130  # "inicio de la intervención" at 11 px, about
OBSERVED = "#1f4e79"
COUNTERFACTUAL = "#c0504d"


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    for step in (1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if v <= step * 5:
            return step * 5 if v > step * 4 else step * 4 if v > step * 3 else step * 3
    return v * 1.1


def observed_vs_counterfactual(
    periods: Sequence[str],
    observed: Sequence[float | None],
    counterfactual: Sequence[float | None],
    post: Sequence[bool],
    *,
    title: str | None = None,
    unit: str | None = None,
    treated: str | None = None,
    ended: bool = False,
    lang: str = "es",
) -> str:
    """``ended``: the intervention has an end (closed), marked where its post-period
    stops, whether or not the data go on after it. Labels in ``lang``."""
    title = title or _("Observado y contrafactual", lang)
    began = _("inicio de la intervención", lang)
    ended_label = _("fin de la intervención", lang)
    unit = unit or _("incidentes por periodo", lang)
    treated = treated or _("distritos tratados", lang)
    n = len(periods)
    if n == 0:
        return ""
    values = [v for v in (*observed, *counterfactual) if v is not None]
    top = _nice_max(max(values) if values else 1.0)
    w, h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (w * i / (n - 1) if n > 1 else w / 2)

    def y(v: float) -> float:
        return TOP + h - h * v / top

    def path(series: Sequence[float | None]) -> str:
        pts = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(series) if v is not None]
        return "M" + " L".join(pts) if pts else ""

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    first_post = next((i for i, p in enumerate(post) if p), None)
    if first_post is not None:
        last_post = max(i for i, p in enumerate(post) if p)
        x0, x1 = x(first_post), x(last_post)
        parts.append(
            f'<rect x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1):.1f}" height="{h}" '
            'fill="#f2f2f2"/>'
        )
        parts.extend(_marker(x0, TOP, TOP + h, began, "start"))
        if ended or last_post < n - 1:  # closed: where it ended, marked too
            parts.extend(_marker(x1, TOP, TOP + h, ended_label, "end"))
    for k in range(5):
        v = top * k / 4
        yy = y(v)
        parts.append(
            f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{LEFT + w}" y2="{yy:.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">{_axis(v, lang)}</text>'
        )
    for i, anchor in _ticks(periods, x):
        parts.append(
            f'<text x="{x(i):.1f}" y="{TOP + h + 16}" text-anchor="{anchor}">'
            f"{escape(periods[i])}</text>"
        )
    parts.append(
        f'<text x="14" y="{TOP + h / 2:.0f}" transform="rotate(-90 14 {TOP + h / 2:.0f})" '
        f'text-anchor="middle">{escape(unit)}</text>'
    )
    parts.append(
        f'<path d="{path(counterfactual)}" fill="none" stroke="{COUNTERFACTUAL}" '
        'stroke-width="2" stroke-dasharray="6 3"/>'
    )
    parts.append(f'<path d="{path(observed)}" fill="none" stroke="{OBSERVED}" stroke-width="2"/>')
    ly = HEIGHT - 8
    parts.append(
        f'<line x1="{LEFT}" y1="{ly - 4}" x2="{LEFT + 24}" y2="{ly - 4}" stroke="{OBSERVED}" '
        'stroke-width="2"/>'
    )
    seen = _("observado ({what})", lang, what=treated)
    parts.append(f'<text x="{LEFT + 30}" y="{ly}">{escape(seen)}</text>')
    parts.append(
        f'<line x1="{LEFT + 230}" y1="{ly - 4}" x2="{LEFT + 254}" y2="{ly - 4}" '
        f'stroke="{COUNTERFACTUAL}" stroke-width="2" stroke-dasharray="6 3"/>'
    )
    made = _("contrafactual (control sintético)", lang)
    parts.append(f'<text x="{LEFT + 260}" y="{ly}">{escape(made)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _axis(value: float, lang: str | None) -> str:
    """An axis figure as the chart's language writes it: 37,5 in Spanish, 37.5 in English."""
    text = f"{value:g}"
    return text if lang == "en" else text.replace(".", ",")


CHAR_PX = 7.0  # a character of the 11 px labels at its widest (DejaVu Sans, in the PDF)
TICK_GAP_PX = 6.0


def _ticks(periods: Sequence[str], x: Callable[[int], float]) -> list[tuple[int, str]]:
    """The periods labelled under the plot, with their anchor: evenly spaced, as many as
    fit, the first and the last inside the picture (anchored at their outer end); none
    runs into the next (the first two had, in the PDF, whose font is wider than a
    browser's)."""
    n = len(periods)
    if n == 1:
        return [(0, "middle")]
    width = max(len(p) for p in periods) * CHAR_PX
    per_period = max(x(1) - x(0), 1e-9)
    # A label anchored at its start beside one centred on its tick: 1.5 widths apart.
    step = max(1, math.ceil((1.5 * width + TICK_GAP_PX) / per_period))
    ticks = list(range(0, n, step))
    rest = n - 1 - ticks[-1]
    if rest and rest * per_period >= 1.5 * width + TICK_GAP_PX:
        ticks.append(n - 1)
    elif rest and len(ticks) > 1:
        ticks[-1] = n - 1  # the last period labelled instead of the one just before it
    return [(i, "start" if i == 0 else "end" if i == n - 1 else "middle") for i in ticks]


def _marker(at: float, top: float, bottom: float, label: str, mark: str) -> list[str]:
    """A dashed line across the plot at ``at`` with its label near the top, on the side of
    the line with room for it (a start or an end near the right edge would run off the
    picture); ``mark``: "start" or "end" (``data-mark``, the label's row)."""
    room = at + 4 + LABEL_WIDTH <= WIDTH - RIGHT
    lx, anchor = (at + 4, "start") if room else (at - 4, "end")
    ly = top + (12 if mark == "start" else 26)
    return [
        f'<line x1="{at:.1f}" y1="{top}" x2="{at:.1f}" y2="{bottom}" stroke="#555" '
        f'stroke-dasharray="4 3" data-mark="{mark}"/>',
        f'<text x="{lx:.1f}" y="{ly}" fill="#333" text-anchor="{anchor}">{escape(label)}</text>',
    ]


def from_result(result: dict[str, object], title: str | None = None, lang: str = "es") -> str:
    series = result["series"]
    assert isinstance(series, dict)
    return observed_vs_counterfactual(
        series["periods"],
        series["observed"],
        series["counterfactual"],
        series["post"],
        title=title,
        treated=_("la zona", lang) if result.get("treated") == ["zona"] else None,
        ended=result.get("end") is not None,
        lang=lang,
    )


PANEL_HEIGHT = 120


def weekly_kpis(kpis: dict[str, object], lang: str | None = None, place: str = "") -> str:
    """The KPIs week by week (``service.weekly_kpis``, the city's or ``place``'s) as small
    multiples, one line chart each, one above the other, on a shared time axis, each with
    its baseline dashed across (the mean of the first weeks, when it has one)."""
    weeks = kpis["weeks"]
    assert isinstance(weeks, list)
    n = len(weeks)
    if n == 0:
        return ""
    panels = [
        (_("Incidentes por semana", lang), "incidents", OBSERVED),
        (_("Llamada a despacho, mediana (min)", lang), "dispatch_p50_min", "#4f7f3f"),
        (_("Reportes de uso de la fuerza por semana", lang), "uof", COUNTERFACTUAL),
        (
            _("Pronósticos: incidentes en las celdas marcadas (%)", lang),
            "forecast_hit_pct",
            "#6a3d9a",
        ),
    ]
    baseline = kpis.get("baseline") or {}
    assert isinstance(baseline, dict)
    w = WIDTH - LEFT - RIGHT
    height = TOP + len(panels) * PANEL_HEIGHT + 24
    title = _("Indicadores semana a semana", lang) + (f": {place}" if place else "")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]

    def x(i: int) -> float:
        return LEFT + (w * i / (n - 1) if n > 1 else w / 2)

    for p, (label, key, colour) in enumerate(panels):
        series = kpis.get(key) or [None] * n
        assert isinstance(series, list)
        top_y = TOP + p * PANEL_HEIGHT + 16
        h = PANEL_HEIGHT - 36
        level = baseline.get(key)
        values = [float(v) for v in [*series, level] if v is not None]
        top = _nice_max(max(values) if values else 1.0)

        def y(v: float, top_y: float = top_y, h: float = h, top: float = top) -> float:
            return top_y + h - h * v / top

        parts.append(
            f'<text x="{LEFT}" y="{top_y - 4:.0f}" font-weight="bold">{escape(label)}</text>'
        )
        for k in (0, 2, 4):
            v = top * k / 4
            parts.append(
                f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{LEFT + w}" y2="{y(v):.1f}" stroke="#ddd"/>'
            )
            parts.append(
                f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{_axis(v, lang)}</text>'
            )
        if level is not None:
            parts.append(
                f'<line x1="{LEFT}" y1="{y(float(level)):.1f}" x2="{LEFT + w}" '
                f'y2="{y(float(level)):.1f}" stroke="{colour}" stroke-dasharray="4 3" '
                'stroke-opacity="0.6" data-baseline="1"/>'
            )
        pts = [f"{x(i):.1f},{y(float(v)):.1f}" for i, v in enumerate(series) if v is not None]
        if len(pts) == 1:  # one week alone (forecasts end now and then): a dot, not a line
            cx, cy = pts[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}" data-kpi="1"/>')
        elif pts:
            parts.append(
                f'<path d="M{" L".join(pts)}" fill="none" stroke="{colour}" stroke-width="2" '
                'data-kpi="1"/>'
            )
        else:
            empty = escape(_("sin datos en estas semanas", lang))
            parts.append(
                f'<text x="{LEFT + w / 2:.0f}" y="{top_y + h / 2:.0f}" text-anchor="middle" '
                f'fill="#777">{empty}</text>'
            )
    weeks_base = kpis.get("baseline_weeks")
    note = _("semanas de siete días, por su primer día", lang)
    if weeks_base:
        note += " · " + _(
            "a trazos: la línea de base, media de las {n} primeras semanas", lang, n=weeks_base
        )
    axis_y = TOP + len(panels) * PANEL_HEIGHT + 4
    step = max(1, n // 6)
    for i in range(0, n, step):
        parts.append(
            f'<text x="{x(i):.1f}" y="{axis_y}" text-anchor="middle">{escape(str(weeks[i]))}</text>'
        )
    parts.append(f'<text x="{LEFT}" y="{axis_y + 16}" fill="#555">{escape(note)}</text>')
    parts.append("</svg>")
    return "".join(parts)
