"""Write tests/intelligence/extraction_corpus.jsonl: varied Spanish extortion narratives with
their identifiers labelled.

Each narrative is assembled from hand-written sentence patterns (threat, payment, vehicle,
alias, gang, amount, deadline, and distractors such as DNI numbers, dates, times, RUC, invoice
numbers and 20-digit codes with wrong check digits), with identifiers written in the ways
victims and police write them. The labels are the values put in, so they are right by
construction; a sample was read through by hand (see the test's docstring). Seeded, so the
file is reproducible: python scripts/make_extraction_corpus.py
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np

from kuntur.demo.narratives import ALIASES, GANGS, cci, plate
from kuntur.intelligence.identifiers import cci_check_digit

OUT = Path(__file__).resolve().parents[1] / "tests" / "intelligence" / "extraction_corpus.jsonl"
rng = np.random.default_rng(2026)


def mobile() -> str:
    return "9" + "".join(str(d) for d in rng.integers(0, 10, 8))


def phone_text(num: str) -> str:
    """How people write a Peruvian mobile."""
    styles = [
        num,
        f"{num[:3]} {num[3:6]} {num[6:]}",
        f"{num[:3]}-{num[3:6]}-{num[6:]}",
        f"+51 {num[:3]} {num[3:6]} {num[6:]}",
        f"+51{num}",
        f"(+51) {num}",
        f"51{num}",
    ]
    return styles[int(rng.integers(len(styles)))]


def landline() -> tuple[str, str]:
    n = "".join(str(d) for d in rng.integers(0, 10, 7))
    n = str(int(rng.integers(2, 8))) + n[1:]
    return f"(01) {n[:3]}-{n[3:]}", f"+511{n}"


def cci_text(code: str) -> str:
    styles = [
        code,
        f"{code[:3]}-{code[3:6]}-{code[6:18]}-{code[18:]}",
        f"{code[:4]} {code[4:8]} {code[8:12]} {code[12:16]} {code[16:]}",
    ]
    return styles[int(rng.integers(len(styles)))]


def bad_cci() -> str:
    c = cci(rng)
    wrong = str((int(c[19]) + 3) % 10)
    assert wrong != cci_check_digit(c[6:18])
    return c[:19] + wrong


def amount() -> tuple[str, str]:
    n = int(rng.choice([300, 500, 800, 1000, 1500, 2000, 3000, 5000, 10000, 20000, 50000]))
    styles = [
        (f"S/ {n:,}", "PEN"),
        (f"S/.{n}", "PEN"),
        (f"S/ {n:,}.00", "PEN"),
        (f"{n:,} soles".replace(",", "."), "PEN"),
        (f"US$ {n}", "USD"),
        (f"{n} dólares", "USD"),
    ]
    if n % 1000 == 0:
        styles.append((f"{n // 1000} mil soles", "PEN"))
    text, cur = styles[int(rng.integers(len(styles)))]
    return text, f"{cur} {n}"


PEOPLE = [
    "Juan Carlos Pérez García", "Rosa Quispe Mamani", "Luis Alberto Huamán Condori",
    "María Elena Rojas Torres", "Jhon Ccori Apaza", "Pedro Salazar Vargas", "ANA FLORES RUIZ",
    "Wilmer Yupanqui Choque", "Carmen Rosa Huanca Ticona", "José Luis Chávez Medina",
]
NAME_PAT = [
    "Que yapee al {w} a nombre de {n}.",
    "El sujeto dijo llamarse {n}.",
    "Al llamar se identificó como {n}.",
]
DEADLINES = [
    ("en un plazo de 24 horas", "24 horas"),
    ("tiene hasta el viernes", "viernes"),
    ("antes del 15 de diciembre", "15 de diciembre"),
    ("en las próximas 48 horas", "48 horas"),
    ("hasta el lunes", "lunes"),
    ("a más tardar el sábado", "sabado"),
    ("con plazo de 3 días", "3 dias"),
    ("antes de fin de mes", "fin de mes"),
]
THREATS = [
    "Me llamaron del {p} amenazando con atentar contra mi familia.",
    "Recibí mensajes de WhatsApp del número {p} exigiendo dinero.",
    "Desde el celular {p} me enviaron fotos de mi casa.",
    "El sujeto llamó al {p} de mi esposa y dijo que me vigilan.",
    "Un mensaje de wa.me/51{pr} decía que quemarían el local.",
    "Me escribieron por https://wa.me/51{pr} con amenazas de muerte.",
]
PAYMENTS = [
    "Exigen que yapee al {w}.",
    "Piden el pago por Yape al número {w}.",
    "Que deposite por Plin al {w} a nombre de un tercero.",
    "Debo transferir al CCI {c}.",
    "Indicaron la cuenta interbancaria {c} para el depósito.",
    "Pidieron depositar en la cuenta de ahorros BCP {a}.",
    "Quieren que pague por Yape ({w}) o al CCI {c}.",
]
VEHICLES = [
    "Llegaron en una moto lineal de placa {v}.",
    "El auto con placa {v} rondaba el paradero.",
    "Vieron una mototaxi {v} estacionada frente a la bodega.",
    "La camioneta de placa {v} los esperaba en la esquina.",
]
ALIAS_PAT = [
    "El que llama se hace llamar alias {al}.",
    "Uno de ellos es conocido como {al}.",
    "Dijo que venía de parte de alias '{al}'.",
    "Al cabecilla le dicen {al}.",
]
GANG_PAT = [
    "Dicen pertenecer a la banda {g}.",
    "Se identificaron como la organización criminal {g}.",
    "Mencionaron al clan {g}.",
]
DISTRACTORS = [
    "Mi DNI es {dni}.",
    "Los hechos ocurrieron el {d}/{m}/2026 a las {h}:{mi}.",
    "La empresa tiene RUC 20{ruc}.",
    "Adjunto la boleta N° 001-{bol}.",
    "Mz. {mz} Lt. {lt}, km {km} de la Panamericana.",
    "Un código que me dieron, {bad}, no corresponde a ninguna cuenta.",
    "El ticket de la denuncia anterior es el {tk}.",
]


def fold(text: str) -> str:
    """Lower case without accents: how alias and gang values are compared."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def digits(n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, n))


def narrative() -> tuple[str, list[dict[str, str]]]:
    parts: list[str] = []
    labels: list[dict[str, str]] = []
    p = mobile()
    t = THREATS[int(rng.integers(len(THREATS)))]
    if "{pr}" in t:
        parts.append(t.format(pr=p))
    elif rng.random() < 0.15:
        shown, value = landline()
        parts.append(t.format(p=shown))
        p = value[4:]
        labels.append({"kind": "phone", "value": value})
    else:
        parts.append(t.format(p=phone_text(p)))
    if not labels:
        labels.append({"kind": "phone", "value": "+51" + p})
    if rng.random() < 0.85:
        pay = PAYMENTS[int(rng.integers(len(PAYMENTS)))]
        w, c = mobile(), cci(rng)
        a = f"{digits(3)}-{digits(8)}-{digits(1)}-{digits(2)}"
        parts.append(pay.format(w=phone_text(w), c=cci_text(c), a=a))
        if "{w}" in pay:
            labels.append({"kind": "wallet", "value": "+51" + w})
        if "{c}" in pay:
            labels.append({"kind": "cci", "value": c})
        if "{a}" in pay:
            labels.append({"kind": "account", "value": a.replace("-", "")})
    if rng.random() < 0.3:
        n = PEOPLE[int(rng.integers(len(PEOPLE)))]
        pat = NAME_PAT[int(rng.integers(len(NAME_PAT)))]
        w = mobile()
        parts.append(pat.format(w=phone_text(w), n=n))
        labels.append({"kind": "name", "value": fold(n)})
        if "{w}" in pat:
            labels.append({"kind": "wallet", "value": "+51" + w})
    if rng.random() < 0.6:
        text, value = amount()
        dl, dlv = DEADLINES[int(rng.integers(len(DEADLINES)))]
        if rng.random() < 0.7:
            parts.append(f"Piden {text} {dl}.")
            labels += [{"kind": "amount", "value": value}, {"kind": "deadline", "value": dlv}]
        else:
            parts.append(f"Exigen un cupo de {text} semanales.")
            labels.append({"kind": "amount", "value": value})
    if rng.random() < 0.35:
        v = plate(rng)
        shown = v if rng.random() < 0.7 else v.replace("-", "")
        parts.append(VEHICLES[int(rng.integers(len(VEHICLES)))].format(v=shown))
        labels.append({"kind": "plate", "value": v})
    if rng.random() < 0.45:
        al = ALIASES[int(rng.integers(len(ALIASES)))]
        parts.append(ALIAS_PAT[int(rng.integers(len(ALIAS_PAT)))].format(al=al))
        labels.append({"kind": "alias", "value": fold(al)})
    if rng.random() < 0.35:
        g = GANGS[int(rng.integers(len(GANGS)))]
        if g.startswith("Tren"):
            parts.append(f"Dijeron que son del {g}.")
        else:
            parts.append(GANG_PAT[int(rng.integers(len(GANG_PAT)))].format(g=g))
        labels.append({"kind": "gang", "value": fold(g)})
    for _ in range(int(rng.integers(1, 3))):
        d = DISTRACTORS[int(rng.integers(len(DISTRACTORS)))]
        parts.append(
            d.format(
                dni=digits(8),
                d=int(rng.integers(1, 29)),
                m=int(rng.integers(1, 13)),
                h=int(rng.integers(0, 24)),
                mi=f"{int(rng.integers(0, 60)):02d}",
                ruc=digits(9),
                bol=digits(6),
                mz=chr(65 + int(rng.integers(0, 8))),
                lt=int(rng.integers(1, 40)),
                km=int(rng.integers(1, 60)),
                bad=bad_cci(),
                tk=digits(7),
            )
        )
    order = rng.permutation(len(parts) - 1) + 1
    text = " ".join([parts[0], *(parts[i] for i in order)])
    return text, labels


def main() -> None:
    with OUT.open("w", encoding="utf-8") as fh:
        for i in range(320):
            text, labels = narrative()
            fh.write(
                json.dumps({"id": i, "text": text, "labels": labels}, ensure_ascii=False) + "\n"
            )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
