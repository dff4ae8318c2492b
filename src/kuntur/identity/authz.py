"""Authorization: deny by default; roles grant permissions; every denial is audited.

Checks run on the server, in the service layer's entry points, against the request
context (roles read from the store on every request). Per-record rules (agency,
clearance, stated purpose) build on ``require`` as the records that need them arrive.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from kuntur.audit import service as audit
from kuntur.audit.catalogue import EventType
from kuntur.core.context import RequestContext
from kuntur.core.errors import Forbidden, Unauthenticated
from kuntur.identity.roles import Role


class Permission(StrEnum):
    INCIDENTS_READ = "incidents.read"
    INCIDENTS_WRITE = "incidents.write"
    INCIDENTS_IMPORT = "incidents.import"
    FORECASTS_READ = "forecasts.read"
    FORECASTS_RUN = "forecasts.run"
    COMMAND_READ = "command.read"  # units, readiness, authorizations, orders, live picture
    UNITS_REPORT = "units.report"  # position and status reports (field units, TAK gateways)
    DISPATCH = "dispatch"  # triage, dispatch, lifecycle, merge
    ORDERS_ISSUE = "orders.issue"
    LEGAL_WRITE = "legal.write"  # record states of emergency and Resoluciones Supremas
    INTEL_READ = "intel.read"  # networks, entities, links (always with a stated purpose)
    AUDIT_READ = "audit.read"
    AUDIT_CHECKPOINT = "audit.checkpoint"
    USERS_MANAGE = "users.manage"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DISPATCHER: frozenset(
        {
            Permission.INCIDENTS_READ,
            Permission.INCIDENTS_WRITE,
            Permission.FORECASTS_READ,
            Permission.COMMAND_READ,
            Permission.UNITS_REPORT,
            Permission.DISPATCH,
        }
    ),
    Role.COMMANDER: frozenset(
        {
            Permission.INCIDENTS_READ,
            Permission.INCIDENTS_WRITE,
            Permission.FORECASTS_READ,
            Permission.FORECASTS_RUN,
            Permission.COMMAND_READ,
            Permission.UNITS_REPORT,
            Permission.DISPATCH,
            Permission.ORDERS_ISSUE,
            Permission.LEGAL_WRITE,
        }
    ),
    Role.CRIME_ANALYST: frozenset(
        {
            Permission.INCIDENTS_READ,
            Permission.INCIDENTS_IMPORT,
            Permission.FORECASTS_READ,
            Permission.FORECASTS_RUN,
        }
    ),
    Role.INTEL_ANALYST: frozenset({Permission.INCIDENTS_READ, Permission.INTEL_READ}),
    Role.BORDER_OFFICER: frozenset(),
    # Oversight reads operations and the log; it changes nothing operational.
    Role.AUDITOR: frozenset(
        {
            Permission.INCIDENTS_READ,
            Permission.AUDIT_READ,
            Permission.AUDIT_CHECKPOINT,
            Permission.FORECASTS_READ,
            Permission.COMMAND_READ,
        }
    ),
    Role.ADMIN: frozenset(
        {Permission.USERS_MANAGE, Permission.AUDIT_CHECKPOINT, Permission.INCIDENTS_IMPORT}
    ),
}


def permissions(ctx: RequestContext) -> frozenset[Permission]:
    if "system" in ctx.roles:  # the CLI and scheduled work act as the system itself
        return frozenset(Permission)
    out: set[Permission] = set()
    for role in ctx.roles:
        if role in Role.__members__.values():
            out |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(out)


def can(ctx: RequestContext, permission: Permission) -> bool:
    return permission in permissions(ctx)


def require(
    db: Session,
    ctx: RequestContext,
    permission: Permission,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
) -> None:
    """Raise unless ``ctx`` holds ``permission``; a denial is logged in its own transaction
    (the request's own work is rolled back, the record of the attempt is not)."""
    if not ctx.authenticated and "system" not in ctx.roles:
        raise Unauthenticated("log in first: a session cookie or an Authorization: Bearer token")
    if can(ctx, permission):
        return
    _log_denial(db, ctx, {"permission": permission.value}, object_type, object_id)
    raise Forbidden(f"your roles do not allow {permission.value}")


def _log_denial(
    db: Session,
    ctx: RequestContext,
    details: dict[str, object],
    object_type: str | None,
    object_id: str | None,
) -> None:
    with Session(db.get_bind()) as side, side.begin():
        audit.record(
            side,
            ctx,
            EventType.ACCESS_DENIED,
            object_type=object_type,
            object_id=object_id,
            outcome="denied",
            details=details,
        )


def visible_owners(db: Session, ctx: RequestContext) -> list[str] | None:
    """Agencies whose incidents ``ctx`` may see (its own plus sharing rules); None = all."""
    from sqlalchemy import select

    from kuntur.identity.roles import OPERATIONAL_AGENCIES
    from kuntur.incidents.models import SharingRule

    if "system" in ctx.roles:
        return None
    granted = set(
        db.scalars(
            select(SharingRule.owner_agency).where(
                SharingRule.grantee_agency.in_([ctx.agency or "", "*"])
            )
        )
    )
    owners = granted | ({ctx.agency} if ctx.agency else set())
    # Only operational agencies own records, so seeing all of them is seeing everything:
    # no filter then, and the map keeps its plain index scan.
    return None if owners >= OPERATIONAL_AGENCIES else sorted(owners)


def max_classification(ctx: RequestContext) -> int | None:
    """Highest classification ``ctx`` may read; None = no limit."""
    from kuntur.identity.roles import Clearance

    if "system" in ctx.roles or ctx.clearance >= max(Clearance):
        return None
    return ctx.clearance


def may_read(db: Session, ctx: RequestContext, *, owner_agency: str, classification: int) -> bool:
    """Whether ``ctx`` may read a record of ``owner_agency`` at ``classification``."""
    limit = max_classification(ctx)
    if limit is not None and classification > limit:
        return False
    if "system" in ctx.roles or owner_agency == ctx.agency:
        return True  # one's own agency's records need no sharing rule (and no query)
    owners = visible_owners(db, ctx)
    return owners is None or owner_agency in owners


def require_record(
    db: Session,
    ctx: RequestContext,
    *,
    owner_agency: str,
    classification: int,
    object_type: str,
    object_id: str,
) -> None:
    """Per-record check; a record the actor may not see is reported as not found (its
    existence is not confirmed) and the attempt is audited."""
    if may_read(db, ctx, owner_agency=owner_agency, classification=classification):
        return
    _log_denial(db, ctx, {"reason": "agency or clearance"}, object_type, object_id)
    from kuntur.core.errors import NotFound

    raise NotFound(f"{object_type} {object_id} does not exist")
