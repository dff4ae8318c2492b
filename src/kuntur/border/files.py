"""Reading watchlists and passenger manifests: CSV and FollowTheMoney JSON in, checked
rows out, and for each bad row an error that names the file, the row and the field.

Watchlist CSV (docs/border.md): ``id,name,aliases,birth_date,nationality,document_number,
list``, aliases separated by ``;``, ``birth_date`` YYYY-MM-DD or YYYY, ``nationality`` ISO
3166 alpha-2. Optional columns: ``kind`` (person, plate, vin, phone, account; default
person; ``serial`` for an arm), ``value`` (a vehicle's plate or VIN, a phone, an account,
an arm's serial number), ``document_type``,
``reason``, ``agency``, ``classification`` (0-3), ``expires`` (YYYY-MM-DD), ``network``.

FollowTheMoney (https://followthemoney.tech): one entity per line, or a JSON array; Person
(name, alias/weakAlias, birthDate, nationality/country, idNumber/passportNumber), Vehicle
(registrationNumber, vinCode), BankAccount (accountNumber, iban), and phones of a Person
(``phone``) as entries of their own; the list from ``topics``/``program``/``datasets``.

Traveller CSV: ``id,name,birth_date,nationality,document_number`` (only id and name needed).

Pure: text in, rows and errors out.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kuntur.border.matching import (
    Traveller,
    normalise_document,
    normalise_identifier,
    parse_birth,
)
from kuntur.core.i18n import _

KINDS = ("person", "plate", "vin", "phone", "account", "serial")
LISTS = {
    "requisitoria": "requisitoria",
    "interpol": "interpol",
    "alerta_migratoria": "alerta_migratoria",
    "migracion": "alerta_migratoria",
    "orden_judicial": "orden_judicial",
    "court_order": "orden_judicial",
    "court": "orden_judicial",
    "orden": "orden_judicial",
    "interpol_notice": "interpol",
    "red_notice": "interpol",
    "notificacion_roja": "interpol",
    "migration_alert": "alerta_migratoria",
    "migracion_alerta": "alerta_migratoria",
    "warrant": "requisitoria",
    "captura": "requisitoria",
}
WATCHLIST_COLUMNS = (
    "id",
    "name",
    "aliases",
    "birth_date",
    "nationality",
    "document_number",
    "list",
)
TRAVELLER_COLUMNS = ("id", "name", "birth_date", "nationality", "document_number")
MAX_ROWS = 2_000_000


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # 1 = the first data row (the header is row 0)
    field: str
    message: str
    # A warning, not an error: the row was kept without this field (a watchlist entry
    # with a bad birth date is still a person to screen for, on the rest).
    kept: bool = False

    def __str__(self) -> str:
        if self.kept:
            return _(
                "{file}, fila {row}, campo {field}: {message}; aviso: la entrada se guarda "
                "sin ese dato",
                "es",
                file=self.file,
                row=self.row,
                field=self.field,
                message=self.message,
            )
        return _(  # Spanish frame; the message itself is Spanish / English
            "{file}, fila {row}, campo {field}: {message}",
            "es",
            file=self.file,
            row=self.row,
            field=self.field,
            message=self.message,
        )


def split_warnings(found: list[RowError]) -> tuple[list[RowError], list[RowError]]:
    """The bad rows (left out) and the warnings (rows kept without a field)."""
    return [e for e in found if not e.kept], [e for e in found if e.kept]


class Unusable(Exception):
    """The file cannot be read at all (not CSV, no header, missing columns): exit 2."""


@dataclass
class EntryRow:
    entry_id: str
    kind: str
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    birth_date: str | None = None
    nationality: str | None = None
    document_type: str | None = None
    document_number: str | None = None
    value: str | None = None
    source_list: str = "requisitoria"
    reason: str = ""
    owner_agency: str = "PNP"
    classification: int = 0
    expires_on: date | None = None
    network: str | None = None


def _reader(text: str, filename: str, needed: tuple[str, ...]) -> csv.DictReader[str]:
    if text.startswith("\ufeff"):
        text = text[1:]
    # newline="": the csv module reads \r\n, \n and a lone \r (old Mac files, pasted
    # text) as ends of lines, instead of failing on a \r inside an unquoted field.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise _unreadable(filename, reader, exc) from exc
    header = [h.strip() for h in (fieldnames or [])]
    if not header:
        raise Unusable(_("{file}: vacío o sin encabezado", file=filename))
    missing = [c for c in needed if c not in header]
    if missing:
        raise Unusable(
            _(
                "{file}: faltan las columnas {cols} (se esperan {want})",
                file=filename,
                cols=", ".join(missing),
                want=",".join(needed),
            )
        )
    reader.fieldnames = header
    return reader


def _unreadable(filename: str, reader: csv.DictReader[str], exc: csv.Error) -> Unusable:
    return Unusable(
        _(
            "{file}, línea {line}: no es un CSV legible ({error}); revise las comillas",
            file=filename,
            line=reader.line_num,
            error=str(exc),
        )
    )


def _rows(reader: csv.DictReader[str], filename: str) -> Iterator[dict[str, Any]]:
    """The reader's rows; a line the csv module cannot read refuses the file by name and
    line (the good rows are not half-written: nothing is stored before the whole file is
    read)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _unreadable(filename, reader, exc) from exc
        yield row


def _clean(v: str | None) -> str:
    return (v or "").strip()


def _nationality(v: str) -> str | None:
    if not v:
        return None
    if not re.fullmatch(r"[A-Za-z]{2}", v):
        raise ValueError(_("nacionalidad «{v}» no es un código ISO 3166 de dos letras", v=v))
    return v.upper()


def _birth(v: str) -> str | None:
    try:
        b = parse_birth(v)
    except ValueError:
        raise ValueError(_("fecha «{v}» no es AAAA-MM-DD ni AAAA", v=v)) from None
    return b.iso() if b else None


def read_watchlist_csv(text: str, filename: str) -> tuple[list[EntryRow], list[RowError]]:
    """The good rows and an error for each bad one (a duplicate id keeps the first). A bad
    birth date does not refuse the row: the entry is kept without it and the error is a
    warning (``kept``), since the name and the document still screen."""
    reader = _reader(text, filename, ("id", "name"))
    rows: list[EntryRow] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for n, raw in enumerate(_rows(reader, filename), start=1):
        warnings: list[RowError] = []
        if n > MAX_ROWS:
            raise Unusable(_("{file}: más de {n} filas", file=filename, n=MAX_ROWS))
        r = {k: _clean(v if isinstance(v, str) else None) for k, v in raw.items() if k}
        where = "id"
        try:
            eid = r.get("id", "")
            if not eid or len(eid) > 120:
                raise ValueError(_("falta el id (o pasa de 120 caracteres)"))
            if eid in seen:
                raise ValueError(_("id «{id}» repetido en el archivo", id=eid))
            where = "kind"
            kind = (r.get("kind") or "person").lower()
            if kind not in KINDS:
                raise ValueError(
                    _("tipo «{v}» desconocido ({kinds})", v=kind, kinds=", ".join(KINDS))
                )
            row = EntryRow(eid, kind)
            where = "list"
            lst = (r.get("list") or "requisitoria").strip().lower().replace(" ", "_")
            # A list of another name is still a list to screen against: its entry is
            # kept under the name given (an officer reads it), never dropped.
            row.source_list = LISTS.get(lst) or lst[:40]
            if kind == "person":
                where = "name"
                row.name = r.get("name", "")
                if not re.search(r"\w", row.name) or len(row.name) > 300:
                    raise ValueError(_("falta el nombre"))
                row.aliases = [a.strip() for a in r.get("aliases", "").split(";") if a.strip()]
                where = "birth_date"
                try:
                    row.birth_date = _birth(r.get("birth_date", ""))
                except ValueError as exc:
                    warnings.append(RowError(filename, n, "birth_date", str(exc), kept=True))
                where = "nationality"
                row.nationality = _nationality(r.get("nationality", ""))
                where = "document_number"
                row.document_number = normalise_document(r.get("document_number"))
                if row.document_number and len(row.document_number) > 40:
                    raise ValueError(_("documento demasiado largo"))
                row.document_type = (r.get("document_type") or None) and r["document_type"][:20]
            else:
                where = "value"
                raw_value = r.get("value") or r.get("document_number") or ""
                value = normalise_identifier(kind, raw_value)
                if not value:
                    raise ValueError(
                        _("«{v}» no es un valor válido de tipo {kind}", v=raw_value, kind=kind)
                    )
                row.value = value
                row.name = r.get("name", "")[:300]
            where = "reason"
            row.reason = r.get("reason", "")[:2000]
            where = "agency"
            row.owner_agency = (r.get("agency") or "PNP").upper()[:20]
            where = "classification"
            c = r.get("classification") or "0"
            if c not in ("0", "1", "2", "3"):
                raise ValueError(_("clasificación «{v}» no es 0, 1, 2 ni 3", v=c))
            row.classification = int(c)
            where = "expires"
            if r.get("expires"):
                try:
                    row.expires_on = date.fromisoformat(r["expires"])
                except ValueError:
                    raise ValueError(
                        _("vencimiento «{v}» no es AAAA-MM-DD", v=r["expires"])
                    ) from None
            row.network = (r.get("network") or None) and r["network"][:200]
        except ValueError as exc:
            errors.append(RowError(filename, n, where, str(exc)))
            continue
        seen.add(eid)
        rows.append(row)
        errors.extend(warnings)
    return rows, errors


def _first(props: dict[str, Any], *keys: str) -> str:
    for k in keys:
        v = props.get(k)
        if isinstance(v, list) and v:
            return str(v[0])
        if isinstance(v, str) and v:
            return v
    return ""


def _all(props: dict[str, Any], *keys: str) -> list[str]:
    out: list[str] = []
    for k in keys:
        v = props.get(k)
        if isinstance(v, list):
            out.extend(str(x) for x in v if x)
    return out


def _ftm_list(entity: dict[str, Any], props: dict[str, Any]) -> str:
    words = " ".join(
        _all(props, "topics", "program") + [str(d) for d in entity.get("datasets", [])]
    )
    w = words.lower()
    if "interpol" in w or "wanted" in w:
        return "interpol"
    if "migra" in w:
        return "alerta_migratoria"
    if "court" in w or "judicial" in w:
        return "orden_judicial"
    return "requisitoria"


def read_watchlist_ftm(text: str, filename: str) -> tuple[list[EntryRow], list[RowError]]:
    """FollowTheMoney entities (JSON lines or an array) as watchlist rows."""
    stripped = text.strip()
    try:
        if stripped.startswith("["):
            entities = json.loads(stripped)
        else:
            entities = [json.loads(line) if line.strip() else None for line in text.splitlines()]
    except json.JSONDecodeError as exc:
        raise Unusable(
            _("{file}: no es JSON de FollowTheMoney ({err})", file=filename, err=exc.msg)
        ) from None
    rows: list[EntryRow] = []
    errors: list[RowError] = []
    for n, ent in enumerate(entities, start=1):
        if ent is None:
            continue
        if (
            not isinstance(ent, dict)
            or not ent.get("id")
            or not isinstance(ent.get("properties"), dict)
        ):
            errors.append(RowError(filename, n, "id", _("no es una entidad con id y properties")))
            continue
        props, schema, eid = ent["properties"], ent.get("schema", ""), str(ent["id"])[:100]
        lst = _ftm_list(ent, props)
        reason = _first(props, "notes", "summary", "reason")[:2000]
        try:
            if schema in ("Person", "LegalEntity"):
                names = _all(props, "name")
                if not names:
                    raise ValueError(_("persona sin nombre"))
                birth = _first(props, "birthDate")
                try:
                    birth_iso = _birth(birth[:10] if len(birth) >= 10 else birth[:4])
                except ValueError as exc:  # kept without the date, and said so
                    birth_iso = None
                    errors.append(RowError(filename, n, "birthDate", str(exc), kept=True))
                nat = _first(props, "nationality", "citizenship", "country")
                rows.append(
                    EntryRow(
                        eid,
                        "person",
                        name=names[0],
                        aliases=names[1:] + _all(props, "alias", "weakAlias"),
                        birth_date=birth_iso,
                        nationality=nat.upper()[:2] if len(nat) == 2 else None,
                        document_number=normalise_document(
                            _first(props, "idNumber", "passportNumber")
                        ),
                        source_list=lst,
                        reason=reason,
                    )
                )
                for i, phone in enumerate(_all(props, "phone")):
                    value = normalise_identifier("phone", phone)
                    if value:
                        rows.append(
                            EntryRow(
                                f"{eid}:phone:{i}",
                                "phone",
                                name=names[0],
                                value=value,
                                source_list=lst,
                                reason=reason,
                            )
                        )
            elif schema == "Vehicle":
                plate = _first(props, "registrationNumber")
                vin = _first(props, "vinCode")
                if not plate and not vin:
                    raise ValueError(_("vehículo sin placa ni VIN"))
                if plate:
                    rows.append(
                        EntryRow(
                            eid,
                            "plate",
                            name=_first(props, "name"),
                            value=normalise_identifier("plate", plate),
                            source_list=lst,
                            reason=reason,
                        )
                    )
                if vin:
                    rows.append(
                        EntryRow(
                            f"{eid}:vin" if plate else eid,
                            "vin",
                            name=_first(props, "name"),
                            value=normalise_identifier("vin", vin),
                            source_list=lst,
                            reason=reason,
                        )
                    )
            elif schema == "BankAccount":
                acc = normalise_identifier("account", _first(props, "accountNumber", "iban"))
                if not acc:
                    raise ValueError(_("cuenta sin número válido"))
                rows.append(EntryRow(eid, "account", value=acc, source_list=lst, reason=reason))
            else:
                continue  # other schemata (sanctions, addresses) carry no screenable entry
        except ValueError as exc:
            errors.append(RowError(filename, n, "properties", str(exc)))
    return rows, errors


def read_travellers(text: str, filename: str) -> tuple[list[Traveller], list[RowError]]:
    """Travellers and the errors found. A row without id or name is left out; a bad birth
    date or nationality is reported and that field left empty (the traveller is still
    screened on the rest: one line per traveller)."""
    reader = _reader(text, filename, ("id", "name"))
    out: list[Traveller] = []
    errors: list[RowError] = []
    for n, raw in enumerate(_rows(reader, filename), start=1):
        if n > MAX_ROWS:
            raise Unusable(_("{file}: más de {n} filas", file=filename, n=MAX_ROWS))
        r = {k: _clean(v if isinstance(v, str) else None) for k, v in raw.items() if k}
        if not r.get("id"):
            errors.append(RowError(filename, n, "id", _("falta el id")))
            continue
        if not re.search(r"\w", r.get("name", "")):
            errors.append(RowError(filename, n, "name", _("falta el nombre")))
            continue
        birth = None
        try:
            birth = parse_birth(r.get("birth_date", ""))
        except ValueError:
            errors.append(
                RowError(
                    filename,
                    n,
                    "birth_date",
                    _("fecha «{v}» no es AAAA-MM-DD ni AAAA", v=r.get("birth_date", "")),
                )
            )
        nat = None
        try:
            nat = _nationality(r.get("nationality", ""))
        except ValueError as exc:
            errors.append(RowError(filename, n, "nationality", str(exc)))
        out.append(
            Traveller(
                r["id"][:120],
                r["name"][:300],
                birth,
                nat,
                normalise_document(r.get("document_number")),
            )
        )
    return out, errors
