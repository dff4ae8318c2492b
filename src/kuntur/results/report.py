"""The evaluation in plain Spanish, a few lines, for the terminal and the brief."""

from __future__ import annotations

from typing import Any

from kuntur.results.area import RING

METHOD_NAMES = {
    "synthetic_control": "control sintético",
    "did": "diferencias en diferencias",
}


KIND_NAMES = {
    "state_of_emergency": "estado de emergencia",
    "patrol_plan": "plan de patrullaje",
    "operation": "operativo",
    "programme": "programa",
}


def num(v: float | str | None, digits: int | None = 2, lang: str = "es") -> str:
    """A number as ``lang`` writes it (Spanish: decimal comma, as the percentages are);
    ``digits`` None: up to four significant ones. Text (a "—") is kept."""
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    text = f"{v:.4g}" if digits is None else f"{v:.{digits}f}"
    return text.replace(".", ",") if lang == "es" else text


def half(text: str, lang: str) -> str:
    """A reason given "Spanish / English": the half in ``lang`` where the split is
    unambiguous (one separator), else the whole (as the pages' ``inLanguage``)."""
    halves = text.split(" / ")
    return halves[1 if lang == "en" else 0] if len(halves) == 2 else text


def pct(v: float | None, signed: bool = True) -> str:
    if v is None:
        return "—"
    text = f"{v * 100:+.1f}" if signed else f"{v * 100:.1f}"
    return text.replace(".", ",") + " %"


def interval(ci: list[float | None]) -> str:
    return f"[{pct(ci[0])}; {pct(ci[1])}]"


def verdict(result: dict[str, Any]) -> str:
    lo, hi = result["ci95"]
    if lo is None or hi is None:
        return "sin conclusión: los datos no acotan el efecto"
    if hi < 0:
        return "bajó: el intervalo de 95 % queda entero por debajo de cero"
    if lo > 0:
        return "subió: el intervalo de 95 % queda entero por encima de cero"
    return "sin efecto demostrable: el intervalo de 95 % incluye el cero"


def summary_lines(result: dict[str, Any]) -> list[str]:
    fit = result["pre_fit"]
    left_out = len(result.get("excluded_donors") or [])
    names = result.get("unit_names") or {}

    def unit(code: str) -> str:  # a stored district by its name, its ubigeo beside it
        name = names.get(code)
        if not name or name == code:
            return code
        return f"{name} ({code})" if code.isdigit() else name

    lines = []
    if result.get("title"):  # a recorded intervention: which one, what and when
        until = f"hasta {result['end']}" if result.get("end") else "sin fecha de fin"
        kind = KIND_NAMES.get(result.get("kind") or "", result.get("kind") or "")
        lines.append(f"Intervención {result['intervention']}: {result['title']}")
        lines.append(f"  {kind}, desde {result['start']}, {until}")
    lines += [
        f"Unidades tratadas: {', '.join(map(unit, result['treated']))} "
        f"(comparación: {len(result['donors'])} unidades no tratadas"
        + (f"; {left_out} fuera por cambiar por su cuenta al inicio" if left_out else "")
        + ")",
        f"Periodos: {result['pre_periods']} antes, {result['post_periods']} después",
        f"Efecto ({METHOD_NAMES.get(result['method'], result['method'])}): "
        f"{pct(result['effect'])} respecto del contrafactual",
        f"  intervalo de 90 %: {interval(result['ci90'])}",
        f"  intervalo de 95 %: {interval(result['ci95'])}",
        f"  conclusión: {verdict(result)}",
    ]
    other = result.get("other_method")
    if other:
        lines.append(
            f"Segundo método ({METHOD_NAMES.get(other['method'], other['method'])}): "
            f"{pct(other['effect'])}, 95 % {interval(other['ci95'])}"
        )
    lines.append(
        f"Ajuste antes del inicio: RMSPE {num(fit['rmspe'])}, R² {num(fit['r2'])}, "
        f"error / ruido de conteo {num(fit['noise_ratio'])}"
    )
    if result.get("placebo_p") is not None:
        lines.append(
            f"Placebo en el espacio: p = {num(result['placebo_p'], 3)} "
            f"({len(result['placebo_in_space'])} unidades no tratadas como falsas tratadas)"
        )
    pt = result.get("placebo_in_time")
    if pt:
        lines.append(
            f"Placebo en el tiempo (inicio {pt['start']}): {pct(pt['effect'])}, "
            f"95 % {interval(pt['ci95'])}"
        )
    trend = result.get("pre_trend") or {}
    if trend.get("p") is not None:
        lines.append(f"Prueba de tendencia previa: p = {num(trend['p'], 3)}")
    disp = result.get("displacement")
    if disp:
        where = (
            "su entorno de 1 km"  # a drawn zone's band
            if disp["units"] == [RING]
            else "vecinas " + ", ".join(map(unit, disp["units"]))
        )
        lines.append(
            f"Desplazamiento ({where}): {pct(disp['effect'])}, 95 % {interval(disp['ci95'])}"
        )
    for code, ws in (result.get("weights") or {}).items():
        top = "; ".join(f"{unit(d)} = {num(w)}" for d, w in list(ws.items())[:6])
        lines.append(f"Pesos de {unit(code)}: {top}")
    for w in result.get("warnings", []):
        lines.append(f"Advertencia: {w}")
    return lines
