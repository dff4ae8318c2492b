"""Settings read from the environment (prefix ``KUNTUR_``) or a ``.env`` file.

The embedded default is a SQLite file under ``var/``; production points
``KUNTUR_DATABASE_URL`` at PostgreSQL. Secrets are never settings: the settings only say
where the key files are, and production refuses to start when one is missing.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from kuntur.core.errors import KunturError
from kuntur.core.i18n import _


def _default_var_dir() -> Path:
    return Path.cwd() / "var"


class Settings(BaseSettings):
    """Process-wide settings. Read once; tests build their own instances."""

    # Secrets can also be files in ``KUNTUR_SECRETS_DIR`` (a container's /run/secrets): one
    # file per setting, named like its variable (``kuntur_database_url``, holding the URL
    # with its password; ``kuntur_metrics_token``), so they stay out of the environment.
    model_config = SettingsConfigDict(
        env_prefix="KUNTUR_",
        env_file=".env",
        extra="ignore",
        secrets_dir=os.environ.get("KUNTUR_SECRETS_DIR") or None,
    )

    environment: str = Field("development", description="development | test | production")
    var_dir: Path = Field(default_factory=_default_var_dir)
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default sqlite:///<var_dir>/kuntur.db"
    )
    display_timezone: str = "America/Lima"
    # Optional raster tiles behind the district boundaries. Empty means offline:
    # the map then shows only what Kuntur itself serves.
    map_tile_url: str = ""
    map_tile_attribution: str = ""
    # API requests: refuse bodies larger than this many bytes (413) before reading them.
    max_request_bytes: int = 1024 * 1024
    # Threads that run request handlers in each server process (0 = about two per core on
    # the machine, shared among the processes: 4 for one process on 2 cores, 2 each for
    # two; never fewer than 2). Few threads keep Python's interpreter lock from being passed
    # around between requests that all want the CPU: on 2 cores, 4 threads served
    # recommendations 22 % faster than 8 and 40 % faster than the default 40
    # (docs/benchmarks.md, dispatch); with two processes, 2 threads each gave the load mix
    # 266 req/s at p95 334 ms against 241/s and 401 ms with 4 each (20 s runs, 50 clients).
    worker_threads: int = 0
    # Map layer: views narrower than this many degrees of longitude (about zoom 14) get
    # points instead of H3 cells; at most this many, the most recent first. More markers
    # than this are unreadable on a screen; the layer then says it was truncated.
    map_points_max_span_deg: float = 0.06
    map_points_limit: int = 2000
    # Wide (cell-count) map layers are kept this long per process and reader scope
    # (incidents/layer_cache.py); 0 computes every one.
    map_cells_cache_s: float = 1.0

    # Ed25519 key that signs audit checkpoints. Created on first use only in development,
    # test and demo; in production it must exist (`kuntur audit keygen`), never a default.
    audit_key_path: Path | None = None
    # HMAC-SHA256 key of the audit log's keyed commitments (values it must be able to prove
    # without holding them, audit.commitments). Same rule: made on first use only in
    # development, test and demo; in production `kuntur audit commitment-keygen` first.
    audit_commitment_key_path: Path | None = None
    # Sign a checkpoint this often while the server runs (if the log grew); 0 = never.
    audit_checkpoint_interval_s: int = 600
    # A use-of-force report must be reviewed this many days after it is filed (issue 14,
    # oversight.rules); the report itself is due 24 h after the incident.
    uof_review_days: int = Field(15, ge=1, le=365)
    # Put missed use-of-force deadlines on record this often while the server runs
    # (oversight.scheduled; `kuntur oversight sweep` does it once); 0 = never.
    uof_sweep_interval_s: int = Field(900, ge=0)
    # Look this often whether last week's brief is written to <var_dir>/briefs, and write it
    # if not (results.scheduled; `kuntur results brief` writes any week); 0 = never.
    results_brief_interval_s: int = Field(3600, ge=0)
    # Traveller data (border screenings and their hits) is kept this many days, then
    # deleted by `kuntur border sweep` (Ley 29733: no longer than its purpose needs). A
    # cleared false positive is remembered for `border_clearance_days`, then asked again.
    border_retention_days: int = Field(90, ge=1, le=3650)
    border_clearance_days: int = Field(365, ge=1, le=3650)
    # Retention of other personal data (Ley 29733), applied by `kuntur purge` (a timer in
    # production: deploy/systemd/kuntur-purge.timer). The records stay (counts, places,
    # times: what statistics and oversight need); the personal parts go.
    # - a closed incident's narrative (victims' and witnesses' words)
    retention_incident_narrative_days: int = Field(1825, ge=30, le=36500)
    # - a citizen's sealed contact on a closed tip (the desk no longer needs to call back)
    retention_tip_contact_days: int = Field(180, ge=7, le=3650)
    # - a closed tip that became no incident: its narrative, messages and photos
    retention_tip_days: int = Field(365, ge=30, le=3650)
    # - the field app's position reports (where each officer was, minute by minute)
    retention_field_position_days: int = Field(90, ge=7, le=3650)
    # The key that seals TOTP secrets and keys the audit log's commitments
    # (identity/crypto.py). Same rule as the audit key: made on first use only outside
    # production; in production it must exist (`kuntur users keygen`).
    identity_key_path: Path | None = None
    # Logon attempts (API and form) accepted per client address, and in all, per window;
    # more are answered 429 with Retry-After. Counted in memory by each server process
    # (identity/ratelimit.py), each counting its share (``server_processes``); the
    # per-account lockout is kept in the database.
    login_attempts_per_client: int = 20
    login_attempts_total: int = 200
    login_window_s: int = 60
    # Server processes on this machine (`kuntur serve --workers`; 0: one per core, at most
    # four). `kuntur serve` tells its processes how many they are, so in-memory budgets
    # such as the logon throttle are split between them.
    server_processes: int = 0
    # Prometheus metrics at /metrics (kuntur.ops.metrics): with a token, only a scraper
    # that sends it as a bearer token reads them; production serves them only with one.
    metrics_token: str | None = None
    # "json": every log line a JSON object, with an access line per request and no personal
    # data (kuntur.ops.logs); "text": uvicorn's usual lines.
    log_format: str = Field("text", pattern="^(text|json)$")
    # Anonymous citizen tips (kuntur.citizens, docs/citizens.md). The desk's X25519 key pair
    # (contact details are sealed to its public key; only the desk screen opens them) and
    # the key of the receipts' keyed hashes and of the proof-of-work challenges. Same rule
    # as the other keys: made on first use only outside production (`kuntur citizens
    # keygen`); the private desk key may be left off this server (then nothing opens).
    citizens_desk_key_path: Path | None = None
    citizens_secret_key_path: Path | None = None
    # Proof of work a tip page's script computes before sending (leading zero bits of a
    # SHA-256: 14 is about 16,000 hashes, well under a second on a cheap phone).
    tip_pow_bits: int = Field(14, ge=0, le=24)
    # Tips accepted per hour in all (no address is kept, so there is no per-client count):
    # with a proof of work, and the smaller share sent by pages without JavaScript.
    tip_submissions_per_hour: int = Field(600, ge=1)
    tip_unproven_per_hour: int = Field(60, ge=0)
    # Receipt look-ups (following a tip, sending it a message) accepted per minute in all.
    tip_lookups_per_minute: int = Field(120, ge=1)
    # Photos of one tip: how many, and the largest each may be as sent.
    tip_max_photos: int = Field(3, ge=0, le=10)
    # The field app (issue 20): how often a phone on duty reports its unit's position, in
    # seconds (the command sets it; each phone reads it at sign-in and with every state).
    field_position_interval_s: int = Field(30, ge=5, le=3600)
    # How long a field device's token lasts: the shift, never more than 12 hours.
    field_shift_hours: float = Field(12.0, gt=0, le=12)
    # The largest evidence photo a phone may attach to a use-of-force report.
    field_photo_max_bytes: int = Field(8 * 1024 * 1024, ge=1024)
    tip_photo_max_bytes: int = Field(5 * 1024 * 1024, ge=1024)

    @property
    def tip_upload_max_bytes(self) -> int:
        """The largest tip form body: its photos and a margin for the text fields."""
        return self.tip_max_photos * self.tip_photo_max_bytes + 256 * 1024

    @property
    def effective_citizens_desk_key_path(self) -> Path:
        return self.citizens_desk_key_path or self.var_dir / "citizens-desk.key"

    @property
    def effective_citizens_secret_key_path(self) -> Path:
        return self.citizens_secret_key_path or self.var_dir / "citizens-secret.key"

    # Public statistics (kuntur.public, docs/public.md): the privacy budget that the releases
    # about one calendar year's incidents may spend together (sequential composition), the
    # days before now never released, the noisy counts shown as "menos de k", and the
    # fewest measurements behind a published response time or forecast hit rate.
    public_epsilon_year: float = Field(4.0, gt=0, le=100)
    public_holdback_days: int = Field(7, ge=7, le=365)
    public_min_count: int = Field(5, ge=1, le=1000)
    public_results_min_n: int = Field(10, ge=2, le=10_000)
    # Who signs the public alerts (CAP ``sender``) and the feed's identity.
    public_alert_sender: str = "alertas@comando-conjunto.kuntur.pe"

    @property
    def effective_server_processes(self) -> int:
        import os

        return self.server_processes or max(1, min(4, os.cpu_count() or 1))

    @property
    def effective_audit_key_path(self) -> Path:
        return self.audit_key_path or self.var_dir / "audit-signing.key"

    @property
    def effective_audit_commitment_key_path(self) -> Path:
        return self.audit_commitment_key_path or self.var_dir / "audit-commitment.key"

    @property
    def effective_identity_key_path(self) -> Path:
        return self.identity_key_path or self.var_dir / "identity.key"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'kuntur.db'}"


class SettingsUnreadable(KunturError):
    """A setting's source cannot be read (most often a secret file the server's user may
    not read): said with the file and what to do, not as a settings library's trace."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except SettingsError as exc:
        cause = exc.__cause__
        if isinstance(cause, OSError) and cause.filename:
            raise SettingsUnreadable(
                _(
                    "no se puede leer {file} ({reason}): el archivo debe ser legible por el "
                    "usuario que ejecuta Kuntur (uid {uid}); en contenedores, sus secretos son "
                    "del usuario 10001 (deploy/make-secrets.sh)",
                    file=cause.filename,
                    reason=cause.strerror,
                    uid=os.getuid(),
                )
            ) from exc
        raise SettingsUnreadable(_("configuración ilegible: {error}", error=str(exc))) from exc
