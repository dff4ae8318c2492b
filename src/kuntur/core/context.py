"""The request context that reaches every service call.

Authorization and the audit log (a later issue) hang off this object: who acts,
for which agency, with what stated purpose, under which request id. Services
take it as a keyword argument from the first line so that nothing has to be
re-plumbed when the checks arrive.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    actor: str
    agency: str | None = None
    roles: frozenset[str] = frozenset()
    clearance: int = 0
    user_id: int | None = None
    session_id: int | None = None
    purpose: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @classmethod
    def system(cls, what: str, purpose: str | None = None) -> RequestContext:
        """Context for work the system does on its own behalf (CLI, seeding, imports)."""
        return cls(actor=f"system:{what}", roles=frozenset({"system"}), purpose=purpose)
