"""The actor: who acts, bound to the request's store session, carried into every service.

Services take an ``Actor`` and nothing else for who is calling. Through it they ask for a
permission (``require``), log what they did (``record``), refuse with the refusal on
record (``refuse``, ``record_apart``: written in a transaction of its own, so the record
stays when the request rolls back) and read records: every ORM query in a session bound to
an actor sees only the records that actor may read (``Scoped`` models: agency sharing and
clearance), unless the query says ``every_record`` and then checks each record itself
(``get`` does). A new service cannot forget the reader: the session remembers it.

Authorization (``identity.authz``) and the audit log (``audit.service``) stay the
mechanisms; this is the one way domains reach them (a test checks that no domain calls
them directly).
"""

from __future__ import annotations

import dataclasses
from typing import Any, NoReturn, Protocol, TypeVar

from sqlalchemy import and_, event, false, true
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from kuntur.audit import service as audit
from kuntur.audit.manifest import ACCESS_DENIED
from kuntur.core.context import RequestContext
from kuntur.core.db import Base, Scoped
from kuntur.core.errors import Forbidden, NotFound
from kuntur.core.i18n import _
from kuntur.core.registry import EventType, Permission
from kuntur.identity import authz

ModelT = TypeVar("ModelT", bound=Base)

# Every ORM query in a session bound to an actor is narrowed to what it may read unless it
# carries this option, which says "this query checks each record itself" (``Actor.get``,
# the duplicate check that must find a record the caller may not see, and say nothing).
EVERY_RECORD = "every_record"


class Owned(Protocol):
    owner_agency: str
    classification: int


@dataclasses.dataclass
class Actor:
    """``ctx`` (who, agency, clearance, roles, checked purpose, request id, session) acting
    through ``db``, the request's unit of work."""

    db: Session
    ctx: RequestContext
    _scope: tuple[list[str] | None, int | None] | None = dataclasses.field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.db.info["actor"] = self

    # Who ------------------------------------------------------------------------------
    @property
    def who(self) -> str:
        return self.ctx.actor

    @property
    def agency(self) -> str | None:
        return self.ctx.agency

    @property
    def clearance(self) -> int:
        return self.ctx.clearance

    @property
    def roles(self) -> frozenset[str]:
        return self.ctx.roles

    @property
    def authenticated(self) -> bool:
        return self.ctx.authenticated

    @property
    def is_system(self) -> bool:
        return "system" in self.ctx.roles

    def with_purpose(self, reference: str) -> Actor:
        """This actor with a checked purpose (``identity.purposes`` checked ``reference``)."""
        return Actor(self.db, self.ctx.with_purpose(reference))

    def acting_as(self, ctx: RequestContext) -> Actor:
        """Another context (a purpose checked by ``identity.purposes``) in this unit of work."""
        return Actor(self.db, ctx)

    # Permissions ----------------------------------------------------------------------
    def can(self, permission: Permission) -> bool:
        return authz.can(self.ctx, permission)

    def permissions(self) -> list[str]:
        """The codes of every permission this actor holds (for screens to offer only what
        it may do; the server still checks each act)."""
        return sorted(str(p) for p in authz.permissions(self.ctx))

    def require(
        self,
        permission: Permission,
        record: Owned | None = None,
        *,
        object_type: str | None = None,
        object_id: str | None = None,
    ) -> None:
        """Go on only with ``permission`` (and, given a ``record``, only if it may be read):
        a refusal is on record, in its own transaction, and raised (403; 404 for a record,
        whose existence is not confirmed)."""
        authz.require(self.db, self.ctx, permission, object_type=object_type, object_id=object_id)
        if record is not None:
            self.require_record(
                owner_agency=record.owner_agency,
                classification=record.classification,
                object_type=object_type or "record",
                object_id=object_id or "",
            )

    def may_read(self, *, owner_agency: str, classification: int) -> bool:
        """Whether a record of ``owner_agency`` at ``classification`` is for this actor."""
        return authz.may_read(
            self.db, self.ctx, owner_agency=owner_agency, classification=classification
        )

    def require_record(
        self, *, owner_agency: str, classification: int, object_type: str, object_id: str
    ) -> None:
        """Go on only if this actor may read the record; otherwise "not found" (its
        existence is not confirmed), the attempt on record."""
        if not self.may_read(owner_agency=owner_agency, classification=classification):
            self.refuse("agency_or_clearance", object_type=object_type, object_id=object_id)

    def get(self, model: type[ModelT], ident: int, *, object_type: str) -> ModelT:
        """The record ``ident`` of ``model``; not found (404) when it does not exist and
        when this actor may not read it (that attempt on record)."""
        found = self.db.get(model, ident, execution_options={EVERY_RECORD: True})
        if found is None:
            raise NotFound(_("el registro {id} no existe o no está a su alcance", id=ident))
        if isinstance(found, Scoped):
            self.require_record(
                owner_agency=found.owner_agency,
                classification=found.classification,
                object_type=object_type,
                object_id=str(ident),
            )
        return found

    def scope(self) -> tuple[list[str] | None, int | None]:
        """(agencies whose records this actor may read, highest classification); None =
        no limit. Read once per actor (one query for the sharing rules)."""
        if self._scope is None:
            self._scope = (None, None)  # the sharing rules' own query must not recurse here
            self._scope = (
                authz.visible_owners(self.db, self.ctx),
                authz.max_classification(self.ctx),
            )
        return self._scope

    # The record -----------------------------------------------------------------------
    def record(self, type_: EventType, **kw: Any) -> None:
        """Log what this actor did, in this unit of work (gone if it rolls back)."""
        audit.record(self.db, self.ctx, type_, **kw)

    def record_apart(self, type_: EventType, **kw: Any) -> None:
        """Log an event that must outlive this unit of work (a refusal), at once."""
        audit.record_apart(self.db, self.ctx, type_, **kw)

    def refuse(
        self,
        reason: str,
        *,
        object_type: str,
        object_id: str | None = None,
        message: str | None = None,
        forbidden: bool = False,
    ) -> NoReturn:
        """Refuse, with the refusal on record (``reason``, a code) in its own transaction:
        "not found" by default (the record's existence is not confirmed), or 403 with
        ``message`` when ``forbidden``."""
        self.record_apart(
            ACCESS_DENIED,
            object_type=object_type,
            object_id=object_id,
            outcome="denied",
            details={"reason": reason},
        )
        if forbidden:
            raise Forbidden(message or reason)
        # The same words whether it does not exist or may not be read (nothing confirmed),
        # and no type code: the reader asked for it, and knows what it is.
        raise NotFound(
            message or _("el registro {id} no existe o no está a su alcance", id=object_id)
        )


def actor_of(db: Session) -> Actor | None:
    """The actor ``db`` is bound to, if any."""
    found = db.info.get("actor")
    return found if isinstance(found, Actor) else None


def system(db: Session, what: str, purpose: str | None = None) -> Actor:
    """The system acting on its own behalf (CLI, seeding, scheduled work) through ``db``."""
    return Actor(db, RequestContext.system(what, purpose))


_scoped: tuple[int, list[type[Any]]] = (-1, [])


def _scoped_models() -> list[type[Any]]:
    """The models whose rows carry an owner and a classification. Found again only when
    a table was added (a domain's models imported late): this runs on every ORM select,
    and walking the registry's mappers each time was a measurable part of a request."""
    global _scoped
    known = len(Base.metadata.tables)
    if _scoped[0] != known:
        models = [m.class_ for m in Base.registry.mappers if issubclass(m.class_, Scoped)]
        _scoped = (known, models)
    return _scoped[1]


@event.listens_for(Session, "do_orm_execute")
def _only_what_the_actor_may_read(state: ORMExecuteState) -> None:
    """Narrow every ORM SELECT in an actor's session to the rows it may read."""
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get(EVERY_RECORD):
        return
    actor = actor_of(state.session)
    if actor is None or actor.is_system:
        return
    owners, limit = actor.scope()
    if owners is None and limit is None:
        return
    options = []
    for model in _scoped_models():
        clauses = []
        if owners is not None:
            clauses.append(model.owner_agency.in_(owners) if owners else false())
        if limit is not None:
            clauses.append(model.classification <= limit)
        options.append(with_loader_criteria(model, and_(true(), *clauses), include_aliases=True))
    state.statement = state.statement.options(*options)
