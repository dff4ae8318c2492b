"""The request context that reaches every service call.

Authorization and the audit log (a later issue) hang off this object: who acts,
for which agency, with what stated purpose, under which request id. Services
take it as a keyword argument from the first line so that nothing has to be
re-plumbed when the checks arrive.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from kuntur.core.ids import new_request_id


@dataclass(frozen=True)
class RequestContext:
    actor: str
    agency: str | None = None
    roles: frozenset[str] = frozenset()
    clearance: int = 0
    user_id: int | None = None
    session_id: int | None = None
    # ``purpose`` is what the audit log records with every event of this request: a
    # reference that ``identity.purposes`` has checked against the store ("case:CASO-1",
    # "assignment:17"), or nothing. What the reader typed (X-Purpose) is kept apart in
    # ``stated_purpose`` and never logged.
    purpose: str | None = None
    request_id: str = field(default_factory=new_request_id)
    stated_purpose: str | None = None
    # A service account's token is limited to these scopes (``core.registry.Scope``); None:
    # no limit beyond the roles (a person's session or token).
    scopes: frozenset[str] | None = None
    # Why the credential presented was refused (expired, revoked, ...), for the 401's words;
    # None: none was presented, or it stood.
    refused_credential: str | None = None
    # The agencies whose records are shared with this caller's agency, as read with the
    # session at the start of the request (identity.service.resolve); None: not read.
    shared_by: frozenset[str] | None = None

    def __post_init__(self) -> None:
        # Contexts are built from the request with the header's text in ``purpose``
        # (``core.web.get_context``, ``identity.service.context_for``, the CLI). Move it
        # aside: free text never reaches the log, and nothing counts as a purpose until
        # it has been checked (``with_purpose``).
        if self.purpose is not None and self.stated_purpose is None:
            object.__setattr__(self, "stated_purpose", self.purpose)
            object.__setattr__(self, "purpose", None)

    def with_purpose(self, reference: str) -> RequestContext:
        """This context with a checked purpose: ``reference`` is what the log records."""
        return dataclasses.replace(
            self, purpose=reference, stated_purpose=self.stated_purpose or reference
        )

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @classmethod
    def system(cls, what: str, purpose: str | None = None) -> RequestContext:
        """Context for work the system does on its own behalf (CLI, seeding, imports)."""
        return cls(actor=f"system:{what}", roles=frozenset({"system"}), purpose=purpose)
