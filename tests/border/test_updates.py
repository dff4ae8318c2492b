"""Watchlist updates at scale (issue 17): a change reaches the next screening through the
change log, applied to the live index (no full rebuild), in every process; a large index is
kept on disk and a new process loads it and applies the changes since; an expired or
replaced entry never hits."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.border import files, matching, service
from kuntur.identity.actor import system
from tests.border.conftest import WATCHLIST_CSV


def _import(engine: Engine, text: str) -> None:
    rows, errors = files.read_watchlist_csv(text, "lista.csv")
    assert not errors
    with Session(engine) as db, db.begin():
        service.import_entries(system(db, "test"), rows, source="lista.csv")


def _expire(engine: Engine, entry_id: str) -> None:
    with Session(engine) as db, db.begin():
        service.expire(system(db, "test"), entry_id)


def _hits(engine: Engine, t: matching.Traveller) -> list[str]:
    with Session(engine) as db, db.begin():
        idx = service.indexes(db)
        return [c.entry_id for c in idx.persons.screen(t, today=service.lima_today())]


def _idx(engine: Engine) -> service.Indexes:
    with Session(engine) as db:
        return service.indexes(db)


YORBIS = matching.Traveller(
    "T1", "Yorbis Hernández Marcano", matching.BirthDate(1990), "VE", "18765432"
)
NEW = matching.Traveller(
    "T2", "Wilmer Castillo Rengifo", matching.BirthDate(1988, 4, 9), "PE", "45671234"
)
NEW_ROW = "W9,Wilmer Castillo Rengifo,,1988-04-09,PE,45671234,requisitoria\n"
HEADER = WATCHLIST_CSV.splitlines()[0] + "\n"


def test_an_update_is_applied_to_the_live_index_not_rebuilt(engine: Engine) -> None:
    service._INDEXES.clear()
    _import(engine, WATCHLIST_CSV)
    assert _hits(engine, YORBIS) == ["W2"]
    before = _idx(engine)
    assert before.full_builds == 1
    _import(engine, HEADER + NEW_ROW)  # one entry added
    assert _hits(engine, NEW) == ["W9"]
    _expire(engine, "W2")  # one withdrawn
    assert _hits(engine, YORBIS) == []
    # replaced: W9 now someone else; the old W9 must no longer hit
    _import(engine, HEADER + "W9,Ana Poma Condori,,1970-01-01,PE,11112222,requisitoria\n")
    assert _hits(engine, NEW) == []
    after = _idx(engine)
    assert after is before  # the same index, brought forward
    assert after.full_builds == 1 and after.deltas == 3
    assert len(after.persons) == 5


def test_two_processes_both_see_the_change(engine: Engine) -> None:
    service._INDEXES.clear()
    _import(engine, WATCHLIST_CSV)
    assert _hits(engine, YORBIS) == ["W2"]
    process_a = dict(service._INDEXES)  # process A's index, built
    service._INDEXES.clear()
    assert _hits(engine, YORBIS) == ["W2"]  # process B builds its own
    process_b = dict(service._INDEXES)
    assert process_a.keys() == process_b.keys()
    assert next(iter(process_a.values())) is not next(iter(process_b.values()))
    _expire(engine, "W2")
    _import(engine, HEADER + NEW_ROW)
    for held in (process_a, process_b):
        service._INDEXES.clear()
        service._INDEXES.update(held)
        assert _hits(engine, YORBIS) == []
        assert _hits(engine, NEW) == ["W9"]
        assert next(iter(service._INDEXES.values())).full_builds == 1


def test_a_new_process_loads_the_stored_index_and_applies_the_changes_since(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "CACHE_MIN_ENTRIES", 1)
    monkeypatch.setattr(service, "INDEX_CACHE_DIR", tmp_path)
    service._INDEXES.clear()
    _import(engine, WATCHLIST_CSV)
    assert _hits(engine, YORBIS) == ["W2"]
    stored = list(tmp_path.glob("border-index-*.pkl"))
    assert len(stored) == 1
    _expire(engine, "W2")
    _import(engine, HEADER + NEW_ROW)
    service._INDEXES.clear()  # a new process
    assert _hits(engine, YORBIS) == []
    assert _hits(engine, NEW) == ["W9"]
    idx = _idx(engine)
    assert idx.full_builds == 0 and idx.deltas == 1  # loaded, then brought forward
    # a file from another epoch (the store made anew) is never used
    service._INDEXES.clear()
    monkeypatch.setattr(service, "_stamp", lambda db: ("another-epoch", 99))
    with Session(engine) as db:
        assert service.indexes(db).full_builds == 1


def test_index_arrays_and_tombstones() -> None:
    people = [
        matching.Person(
            "A", "José Luis Quispe Mamani", (), matching.BirthDate(1985, 3, 12), "PE", "41234567"
        ),
        matching.Person(
            "B", "Ana Poma Condori", (), matching.BirthDate(1970, 1, 1), "PE", "11112222"
        ),
    ]
    idx = matching.PersonIndex.build(people)
    t = matching.Traveller(
        "T", "Jose Luis Quispe Mamani", matching.BirthDate(1985, 3, 12), "PE", "41234567"
    )
    assert [c.entry_id for c in idx.screen(t)] == ["A"]
    idx.remove("A")
    assert idx.screen(t) == [] and len(idx) == 1
    idx.upsert(people[0])
    assert [c.entry_id for c in idx.screen(t)] == ["A"]
    gone = matching.Person(
        "A",
        "José Luis Quispe Mamani",
        (),
        None,
        "PE",
        "41234567",
        expires=matching.date(2000, 1, 1),
    )
    idx.upsert(gone)  # replaced by an expired one: never hits
    assert idx.screen(t) == []


def test_screening_while_the_change_log_is_applied_in_another_thread() -> None:
    import threading

    from kuntur.border import bench

    people, _ = bench.watchlist(3_000)
    idx = matching.PersonIndex.build(people)
    probe = [
        matching.Traveller("T", p.name, p.birth, p.nationality, p.document) for p in people[:200]
    ]
    errors: list[BaseException] = []
    done = threading.Event()

    def screen() -> None:
        try:
            while not done.is_set():
                for t in probe:
                    idx.screen(t)
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=screen) for _ in range(2)]
    for r in readers:
        r.start()
    for p in people[:2_000]:  # replaced, withdrawn, added again: the arrays grow
        idx.upsert(p)
        idx.remove(p.id)
        idx.upsert(p)
    done.set()
    for r in readers:
        r.join()
    assert errors == []
    assert len(idx) == 3_000 and idx.n_dead == 4_000
    t = probe[5]
    assert idx.screen(t)[0].entry_id == people[5].id
