"""Authorization: deny by default; roles grant permissions; every denial is audited.

Checks run on the server, in the service layer's entry points, against the request
context (roles read from the store on every request). Per-record rules (agency,
clearance, stated purpose) build on ``require`` as the records that need them arrive.
"""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy.orm import Session

from kuntur.audit import service as audit
from kuntur.audit.manifest import ACCESS_DENIED
from kuntur.core import registry
from kuntur.core.context import RequestContext
from kuntur.core.errors import Forbidden, Unauthenticated
from kuntur.core.i18n import _
from kuntur.core.registry import Permission


def role_permissions(role: str) -> frozenset[Permission]:
    """What ``role`` holds: every declared permission that names it (the domains declare
    their permissions and the roles that hold them in their manifests)."""
    return frozenset(p for p in registry.permissions() if role in p.roles)


def permissions(ctx: RequestContext) -> frozenset[Permission]:
    return frozenset(p for p in registry.permissions() if can(ctx, p))


def can(ctx: RequestContext, permission: Permission) -> bool:
    if "system" in ctx.roles:  # the CLI and scheduled work act as the system itself
        return True
    return any(role in permission.roles for role in ctx.roles) and in_scope(ctx, permission)


def in_scope(ctx: RequestContext, permission: Permission) -> bool:
    """Whether the caller's token scopes (a service account's) cover ``permission``; a
    caller without scopes (a person) is limited by the roles alone."""
    if ctx.scopes is None:
        return True
    return any(
        (found := registry.scope(code)) is not None and str(permission) in found.permissions
        for code in ctx.scopes
    )


def scopes_for(permission: Permission) -> list[str]:
    """The scopes that cover ``permission`` (what to ask for in a new token)."""
    return sorted(str(s) for s in registry.scopes() if str(permission) in s.permissions)


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
        if ctx.refused_credential == "expired":
            raise Unauthenticated(_("el token venció: pida uno nuevo al administrador"))
        if ctx.refused_credential == "revoked":
            raise Unauthenticated(_("el token fue revocado: pida uno nuevo al administrador"))
        raise Unauthenticated(
            _("inicie sesión: una cookie de sesión o una cabecera Authorization: Bearer")
        )
    if can(ctx, permission):
        return
    if any(role in permission.roles for role in ctx.roles):  # the roles allow; the token not
        needed = scopes_for(permission)
        _log_denial(
            db,
            ctx,
            {"permission": permission.value, "scopes": sorted(ctx.scopes or ())},
            object_type,
            object_id,
        )
        raise Forbidden(
            _(
                "el alcance de este token ({scopes}) no cubre {permission}; lo cubre: {needed}",
                scopes=", ".join(sorted(ctx.scopes or ())) or "-",
                permission=permission.value,
                needed=", ".join(needed) or "-",
            )
        )
    _log_denial(db, ctx, {"permission": permission.value}, object_type, object_id)
    raise Forbidden(_("sus roles no permiten {permission}", permission=permission.value))


def deny(
    db: Session,
    ctx: RequestContext,
    details: dict[str, object],
    object_type: str | None = None,
    object_id: str | None = None,
) -> None:
    """Log a denial decided elsewhere (not by a permission), in its own transaction; the
    caller then raises."""
    _log_denial(db, ctx, details, object_type, object_id)


def _log_denial(
    db: Session,
    ctx: RequestContext,
    details: dict[str, object],
    object_type: str | None,
    object_id: str | None,
) -> None:
    audit.record_apart(
        db,
        ctx,
        ACCESS_DENIED,
        object_type=object_type,
        object_id=object_id,
        outcome="denied",
        details=details,
    )


def visible_owners(db: Session, ctx: RequestContext) -> list[str] | None:
    """Agencies whose incidents ``ctx`` may see (its own plus sharing rules); None = all."""
    from sqlalchemy import select

    from kuntur.identity.models import SharingRule
    from kuntur.identity.roles import OPERATIONAL_AGENCIES

    if "system" in ctx.roles:
        return None
    if ctx.shared_by is not None:  # read with the caller's session, this request
        granted = set(ctx.shared_by)
    else:
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
    refuse_record(
        db, ctx, reason="agency_or_clearance", object_type=object_type, object_id=object_id
    )


def refuse_record(
    db: Session, ctx: RequestContext, *, reason: str, object_type: str, object_id: str
) -> NoReturn:
    """Answer "not found" for a record ``ctx`` may not see (its existence is not
    confirmed), and log the attempt with ``reason`` (a code) in a transaction of its own."""
    _log_denial(db, ctx, {"reason": reason}, object_type, object_id)
    from kuntur.core.errors import NotFound

    raise NotFound(_("el registro {id} no existe o no está a su alcance", id=object_id))
