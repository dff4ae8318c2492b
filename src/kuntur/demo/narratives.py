"""Spanish narratives and identifiers for synthetic extortion reports.

Every identifier is generated: phone numbers are random 9-digit mobiles, CCI
codes carry valid check digits over random account numbers, plates follow the
Peruvian pattern. None is taken from a real person. Each narrative says it is
synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kuntur.intelligence.identifiers import cci_check_digit

SYNTHETIC_MARK = "[SINTÉTICO]"

BANKS = ["002", "003", "011", "009", "018"]  # BCP, Interbank, BBVA, Scotiabank, Banco de la Nación
ALIASES = [
    "el Gato",
    "Chino",
    "el Flaco",
    "Cachorro",
    "la Tía",
    "Zorro",
    "el Loco",
    "Negro",
    "el Viejo",
    "Chato",
    "Pelón",
    "el Cholo",
    "Gringo",
    "Monstruo",
    "Pitufo",
    "Cuy",
    "el Tigre",
    "Calvo",
    "Mudo",
    "Charapa",
]
GANGS = [
    "Los Injertos del Cono Norte",
    "Los Malditos de Bayóvar",
    "Los Pulpos",
    "La Nueva Generación del Callao",
    "Los Gallegos",
    "Los Rucos de Huaycán",
    "Los Topos de Comas",
    "Tren de Aragua",
    "Los Trujillanos",
    "Los Cuervos de Ate",
]
VICTIMS = [
    "la empresa de transportes",
    "mi bodega",
    "mi negocio de abarrotes",
    "la obra",
    "mi taller de mecánica",
    "la ferretería",
    "mi mototaxi",
    "el restaurante",
    "mi colegio particular",
    "la agencia de buses",
    "mi puesto del mercado",
    "la discoteca",
    "mi salón de belleza",
]
STREETS = [
    "Av. Los Próceres",
    "Av. Próceres de la Independencia",
    "Jr. Las Flores",
    "Av. Túpac Amaru",
    "Av. Universitaria",
    "Calle Los Pinos",
    "Av. Canta Callao",
    "Jr. Huancavelica",
    "Av. El Sol",
    "Av. Pachacútec",
    "Calle Las Begonias",
    "Av. Separadora Industrial",
    "Av. Naranjal",
    "Jr. Ayacucho",
    "Av. Wiesse",
    "Av. Néstor Gambetta",
    "Av. Argentina",
    "Jr. Junín",
    "Av. Revolución",
    "Calle Los Álamos",
]


def phone(rng: np.random.Generator) -> str:
    return "9" + "".join(str(d) for d in rng.integers(0, 10, 8))


def cci(rng: np.random.Generator) -> str:
    """A 20-digit interbank code: bank(3) office(3) account(12) check(2)."""
    bank = BANKS[int(rng.integers(len(BANKS)))]
    office = "".join(str(d) for d in rng.integers(0, 10, 3))
    account = "".join(str(d) for d in rng.integers(0, 10, 12))
    return bank + office + account + cci_check_digit(bank + office) + cci_check_digit(account)


def plate(rng: np.random.Generator) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    if rng.random() < 0.5:
        return (
            "".join(letters[i] for i in rng.integers(0, len(letters), 3))
            + "-"
            + "".join(str(d) for d in rng.integers(0, 10, 3))
        )
    a, b = (letters[i] for i in rng.integers(0, len(letters), 2))
    return f"{a}{rng.integers(0, 10)}{b}-{''.join(str(d) for d in rng.integers(0, 10, 3))}"


@dataclass
class Identifiers:
    phones: list[str] = field(default_factory=list)
    wallets: list[str] = field(default_factory=list)  # Yape / Plin numbers
    accounts: list[str] = field(default_factory=list)  # CCI
    plates: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    gang: str | None = None
    payee: str | None = None  # the name the wallet is registered to (networks only)


# Who the planted networks' wallets are registered to; victims write these names in many ways.
PAYEES = [
    "Juan Carlos Huamán Quispe",
    "José Luis Pérez García",
    "Rosa Elena Condori Mamani",
    "Francisco Javier Ccori Apaza",
    "Wilmer Yupanqui Choque",
]
_NICK = {"José": "Pepe", "Francisco": "Pancho", "Luis": "Lucho"}
_SPELLING = {"Huamán": "Guamán", "Ccori": "Cori", "Wilmer": "Huilmer"}


def payee_variant(name: str, seed: list[int]) -> str:
    """How one victim wrote the payee's name (its own generator: the scenario's stream of
    random numbers stays as it was)."""
    rng = np.random.default_rng(seed)
    words = name.split()
    choice = int(rng.integers(5))
    if choice == 1:  # the mother's surname dropped
        words = words[:-1]
    elif choice == 2:  # as printed on a receipt
        return strip_accents(name).upper()
    elif choice == 3:
        words = [_NICK.get(words[0], words[0]), *words[-2:]]
    elif choice == 4:
        words = [_SPELLING.get(w, w) for w in words]
    return " ".join(words)


def strip_accents(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def fresh_identifiers(rng: np.random.Generator) -> Identifiers:
    return Identifiers(
        phones=[phone(rng)],
        wallets=[phone(rng)] if rng.random() < 0.6 else [],
        accounts=[cci(rng)] if rng.random() < 0.3 else [],
        plates=[plate(rng)] if rng.random() < 0.2 else [],
        aliases=[ALIASES[int(rng.integers(len(ALIASES)))]] if rng.random() < 0.4 else [],
        gang=None,
    )


def pick(rng: np.random.Generator, items: list[str]) -> str:
    return items[int(rng.integers(len(items)))]


def extortion_narrative(rng: np.random.Generator, ids: Identifiers) -> str:
    victim = pick(rng, VICTIMS)
    amount = int(rng.choice([300, 500, 800, 1000, 1500, 2000, 3000, 5000, 10000, 20000]))
    parts = [SYNTHETIC_MARK]
    p = pick(rng, ids.phones)
    if rng.random() < 0.3:
        parts.append(f"Recibí mensajes de WhatsApp (wa.me/51{p}) amenazando a {victim}.")
    else:
        fmt = p if rng.random() < 0.5 else f"{p[:3]} {p[3:6]} {p[6:]}"
        parts.append(f"Desde el número {fmt} me llaman y amenazan a {victim}.")
    if ids.gang:
        parts.append(f"Dicen ser de la banda «{ids.gang}».")
    if ids.aliases:
        parts.append(f"El que habla se hace llamar alias '{pick(rng, ids.aliases)}'.")
    parts.append(
        f"Exigen S/ {amount:,}".replace(",", ".")
        + (" semanales" if rng.random() < 0.4 else "")
        + "."
    )
    if ids.wallets:
        app_name = "Yape" if rng.random() < 0.7 else "Plin"
        wallet = pick(rng, ids.wallets)
        payee = (
            f" a nombre de {payee_variant(ids.payee, [int(wallet), amount, len(victim)])}"
            if ids.payee
            else ""
        )
        parts.append(f"Piden que deposite por {app_name} al {wallet}{payee}.")
    if ids.accounts:
        parts.append(f"También dieron la cuenta interbancaria CCI {pick(rng, ids.accounts)}.")
    if ids.plates:
        parts.append(f"Vi una moto/auto de placa {pick(rng, ids.plates)} rondando el local.")
    parts.append(
        pick(
            rng,
            [
                "Me dieron 48 horas.",
                "Tengo plazo hasta el viernes.",
                "Si no pago dicen que van a atentar contra mi familia.",
                "Dejaron un explosivo artesanal como advertencia.",
                "Ya balearon la fachada la semana pasada.",
            ],
        )
    )
    return " ".join(parts)


def address(rng: np.random.Generator) -> str:
    return f"{pick(rng, STREETS)} cuadra {int(rng.integers(1, 40))}"
