"""Stated purposes, checked against what the store records rather than taken on trust.

Victims' narratives of extortion, kidnapping and trafficking, and every intelligence
search, need a reason. A reason is one of:

- **an open case the reader is a member of**, by its number (``CASO-2026-0001``), or by
  the number of its investigation when exactly one of the reader's open cases belongs to
  it (several cases may share one investigation; the log always names the case). This is
  the only purpose for intelligence work (network searches and views).
- **an incident the reader is handling**, as ``INC-<incident id>``, for that incident's
  narrative only: the reader dispatched a unit to it (``assignments.dispatched_by``) and
  that assignment is still open (not released when the incident was cleared). It is the
  narrowest rule dispatch records can support: a desk-wide rule (any open assignment of
  the reader's agency) would let every dispatcher of an agency read every victim's
  narrative the agency handles. Known limit: a dispatcher taking over another's incidents
  at a shift change has no purpose for them until a unit is dispatched again.

Opening a case needs no earlier purpose: the case being opened is the purpose of the view
that opens it, and opening it is itself audited. Inside a case (notes, entities, the
report), the case is the purpose and membership is the check (``intelligence.cases``).

The audit log records the checked reference (``case:CASO-2026-0001``,
``assignment:17``) as the event's purpose, never the typed text. A missing or refused
purpose is an audit event of its own, written in a transaction of its own (the refused
request's work rolls back, the attempt stays logged); a refused one carries a reason code and
a keyed commitment to what was typed (``audit.commitments``), never the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NoReturn

from kuntur.audit import commitments
from kuntur.core.errors import Forbidden
from kuntur.core.i18n import N_, _, both
from kuntur.core.registry import EventType
from kuntur.identity.actor import Actor
from kuntur.identity.manifest import PURPOSE_MISSING, PURPOSE_REFUSED

# What counts as a purpose is recorded by the domains above identity (intelligence keeps
# the cases, dispatch the assignments): each registers how to check its kind at start-up
# (``kuntur.domains``), so that identity imports neither.
CaseCheck = Callable[[Actor, str, str], tuple[str | None, str]]
AssignmentCheck = Callable[[Actor, int], str | None]
_case_check: list[CaseCheck] = []
_assignment_check: list[AssignmentCheck] = []


def register_case_check(check: CaseCheck) -> None:
    """``check(actor, normalised, as_typed)`` -> (reference, reason code)."""
    _case_check[:] = [check]


def register_assignment_check(check: AssignmentCheck) -> None:
    """``check(actor, incident_id)`` -> a reference to the reader's open assignment."""
    _assignment_check[:] = [check]


def _case(actor: Actor, text: str, stated: str) -> tuple[str | None, str]:
    return _case_check[0](actor, text, stated) if _case_check else (None, "no_such_case")


def _assignment(actor: Actor, named: int, incident_id: int) -> str | None:
    if named != incident_id or not _assignment_check:
        return None
    return _assignment_check[0](actor, incident_id)


# A case number: letters, digits, hyphens, dots and slashes, at least one letter, up to 40
# characters (e.g. CASO-2026-0001). A code, so it can stand in the audit log as it is.
CASE_NUMBER = re.compile(r"^(?=[0-9./-]*[A-Z])[A-Z0-9][A-Z0-9./-]{2,39}$")
INCIDENT_REF = re.compile(r"^INC-?(\d{1,19})$")

ASK_CASE = N_("el número de un caso abierto del que usted es miembro (p. ej. CASO-2026-0001)")
ASK_INCIDENT = N_("o INC-{id} si usted despachó una unidad a este incidente")


def normalise(text: str) -> str:
    """How a case number is written and compared: trimmed, upper case, spaces as hyphens."""
    return re.sub(r"\s+", "-", text.strip().upper())


def check_case_number(number: str) -> str:
    """A new case's number, normalised; refused unless it is a code (see ``CASE_NUMBER``)."""
    from kuntur.core.errors import InvalidInput

    text = normalise(number)
    if not CASE_NUMBER.fullmatch(text) or INCIDENT_REF.fullmatch(text):
        raise InvalidInput(
            _(
                "número: letras, cifras y guiones, con al menos una letra y hasta 40 "
                "caracteres (p. ej. CASO-2026-0001; INC-... nombra incidentes)"
            )
        )
    return text


def require(
    actor: Actor,
    *,
    object_type: str,
    object_id: str,
    incident_id: int | None = None,
) -> Actor:
    """``ctx`` with its stated purpose checked: ``ctx.purpose`` is then the reference the
    audit log records. ``incident_id``: the incident whose narrative is read (an
    assignment counts for it alone); None: intelligence work, where only cases count.

    Missing or not valid: Forbidden, saying what to enter; the refusal is audited."""
    stated = (actor.ctx.stated_purpose or "").strip()
    if not stated:
        _refuse(
            actor,
            PURPOSE_MISSING,
            {},
            object_type,
            object_id,
            both(
                lambda lang: _(
                    "Indique el motivo: {ask}; la consulta queda registrada.",
                    lang,
                    ask=_ask(incident_id, lang),
                )
            ),
        )
    text = normalise(stated)
    wanted = INCIDENT_REF.fullmatch(text)
    if wanted and incident_id is not None:
        ref = _assignment(actor, int(wanted.group(1)), incident_id)
        reason = "no_open_assignment"
        why = N_("usted no tiene un despacho abierto del incidente {id}")
    elif wanted:
        ref, reason = None, "not_a_case"
        why = N_("un incidente no es motivo aquí")
    else:
        ref, reason = _case(actor, text, stated)
        # The same answer whether the case does not exist, is closed or is another team's:
        # a non-member learns nothing about other agencies' cases.
        why = N_("no es un caso abierto del que usted sea miembro")
        if reason == "several_cases":  # the reader's own cases: nothing of others'
            why = N_("varios de sus casos pertenecen a esa investigación: indique el número de uno")
    if ref is not None:
        return actor.with_purpose(ref)
    _refuse(
        actor,
        PURPOSE_REFUSED,
        # What was typed may be anything (a name, a phone number): a commitment to it, as
        # normalised, so that it can be proven later without the log holding it.
        {"reason": reason, "stated": commitments.commit("purpose", text)},
        object_type,
        object_id,
        both(
            lambda lang: _(
                "Motivo no válido: {why}. Indique {ask}.",
                lang,
                why=_(why, lang, id=incident_id),
                ask=_ask(incident_id, lang),
            )
        ),
    )


def _ask(incident_id: int | None, lang: str) -> str:
    if incident_id is None:
        return _(ASK_CASE, lang)
    return f"{_(ASK_CASE, lang)} {_(ASK_INCIDENT, lang, id=incident_id)}"


def _refuse(
    actor: Actor,
    event: EventType,
    details: dict[str, object],
    object_type: str,
    object_id: str,
    message: str,
) -> NoReturn:
    # Logged apart from the request's transaction, which the refusal rolls back.
    actor.record_apart(
        event,
        object_type=object_type,
        object_id=object_id,
        outcome="denied",
        details=details,
    )
    raise Forbidden(message)
