"""Identity hardening (issue 11): one use per TOTP code; TOTP secrets sealed at rest;
sessions and tokens note their last use (idle timeout, token lists).

Secrets in the plaintext column are sealed with the identity key (identity/crypto.py) into
``totp_sealed``, and the plaintext column is emptied (it stays, unused, so that SQLite does
not have to rebuild the users table under its foreign keys). The key is read only when
there is something to seal: in production it must exist (``kuntur users keygen``) first.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

import kuntur.core.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _rewrite_secrets(select: str, update: str, change: Callable[[Any, str, int], str]) -> None:
    """Each (id, secret) row of ``select`` written back through ``update`` as ``change``
    makes it; the identity key is read only when there is a row to change."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(select)).all()
    if not rows:
        return
    from kuntur.identity import crypto

    key = crypto.default_key()
    for user_id, value in rows:
        conn.execute(sa.text(update), {"s": change(key, value, user_id), "id": user_id})


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite has it): batch mode would rebuild ``users``, and dropping the
    # old table fails under the foreign keys that case teams and sessions hold on it.
    # The last TOTP time step accepted: a code at or before it is a replay.
    op.add_column("users", sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.add_column("users", sa.Column("totp_sealed", sa.String(length=200), nullable=True))
    op.add_column(
        "user_sessions",
        sa.Column("last_seen_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
    )
    _rewrite_secrets(
        "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL",
        "UPDATE users SET totp_sealed = :s, totp_secret = NULL WHERE id = :id",
        lambda key, secret, user_id: key.seal(secret, user_id),
    )


def downgrade() -> None:
    op.drop_column("user_sessions", "last_seen_at")  # ALTER TABLE DROP COLUMN: no rebuild
    _rewrite_secrets(
        "SELECT id, totp_sealed FROM users WHERE totp_sealed IS NOT NULL",
        "UPDATE users SET totp_secret = :s WHERE id = :id",
        lambda key, sealed, user_id: key.open(sealed, user_id),
    )
    op.drop_column("users", "totp_sealed")
    op.drop_column("users", "totp_last_step")
