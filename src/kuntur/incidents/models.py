"""Incident and import-batch tables.

One ``incidents`` table holds every source. ``dedup_key`` makes creation and
imports idempotent: a source's external id, or a content hash of the imported
row, can be stored only once. The H3 cell is kept at the storage resolution
(11) and at resolution 9, whose covering index answers every map layer: coarser
resolutions are rolled up from it in memory (H3 parents are bit operations).

Indexes are few on purpose: each one costs bulk imports about 2 s per million
rows (see docs/benchmarks.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, Scoped, UTCDateTime


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    dataset: Mapped[str] = mapped_column(String(200))
    options: Mapped[str] = mapped_column(Text, default="{}")  # JSON of the mapping used
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(200))


class Incident(Scoped, Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    dedup_key: Mapped[str] = mapped_column(String(300), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    category_label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    priority: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    h3_cell: Mapped[int] = mapped_column(BigInteger)
    h3_r9: Mapped[int] = mapped_column(BigInteger)
    district_ubigeo: Mapped[str | None] = mapped_column(String(6), nullable=True)
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)
    narrative: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Which agency owns the record, and the clearance needed to see it (0 = public).
    owner_agency: Mapped[str] = mapped_column(String(16), default="PNP", server_default="PNP")
    classification: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="RESTRICT"), nullable=True
    )
    created_by: Mapped[str] = mapped_column(String(200))
    # Lifecycle (dispatch.lifecycle): when each state was entered; the response KPIs.
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    en_route_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    on_scene_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    disposition: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The report this one duplicates (no foreign key: see migration 0006).
    merged_into_id: Mapped[int | None] = mapped_column(BigId, nullable=True)

    __table_args__ = (
        Index("ix_incidents_occurred_at", "occurred_at"),
        # The dispatch queue: open statuses, most urgent then oldest, the first 200 (read
        # on every screen refresh; without received_at it sorted every open incident).
        Index("ix_incidents_queue", "status", "priority", "received_at"),
        # A district's incidents, newest first; with the scope's columns, the list's count
        # and page of one district read this index alone (0.13 ms, not 2.9, for 3,000).
        Index(
            "ix_incidents_district_occurred",
            "district_ubigeo",
            "occurred_at",
            "classification",
            "owner_agency",
        ),
        # The list's total over everything a reader may see: a scan of two narrow columns
        # (0.9 ms at 24,000 incidents) instead of the map index (2.4 ms).
        Index("ix_incidents_scope", "classification", "owner_agency"),
        # Covering index and spatial index at once: a bbox becomes an h3_r9 range
        # (geography.hexgrid.bbox_ranges) and the map layer reads only these columns.
        # SQLite keeps the row id in every index; PostgreSQL needs it INCLUDEd.
        Index(
            "ix_incidents_map",
            "h3_r9",
            "occurred_at",
            "category",
            "source",
            "district_ubigeo",
            "longitude",
            "latitude",
            "owner_agency",
            "classification",
            postgresql_include=["id"],
        ),
    )
