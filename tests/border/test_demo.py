"""`kuntur demo border`: a synthetic watchlist, screenings at the four posts, one
remembered false positive; done once."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.border.models import Decision, Hit, Screening, Seizure, WatchlistEntry
from kuntur.demo.border import seed_border


def test_demo_border(engine: Engine) -> None:
    entries, screenings = seed_border(engine, entries=300)
    assert entries == 304 and screenings == 6
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(WatchlistEntry)) == 304
        assert all(r.startswith("DEMOSTRACIÓN") for r in db.scalars(select(WatchlistEntry.reason)))
        posts = set(db.scalars(select(Screening.post)))
        assert posts == {"Tumbes (Aguas Verdes)", "Desaguadero", "Tacna (Santa Rosa)", "Iñapari"}
        assert db.scalar(select(func.count()).select_from(Decision)) >= 1
        assert db.scalar(select(func.count()).where(Hit.remembered_id.is_not(None))) >= 1
        hit = db.scalar(select(Seizure.watchlist_hit).where(Seizure.kind == "arms"))
        assert hit == "DEMO-A1"
    assert seed_border(engine, entries=300) == (0, 0)
