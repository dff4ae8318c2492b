"""Watchlist updates at scale (issue 17): at ``entries`` listed persons (1,000,000 by
default) in SQLite, the full build of a process's screening index (seconds, and the memory
it holds: resident set size before and after), an update (3 entries added, 1 expired) and
the time from its commit to the first screening that sees it, and a new process's start
on the index stored on disk.

Each measurement runs in a child process of its own (memory measured apart). With
``--before SRC`` the same children run on another checkout's ``src`` too (e.g. the commit
before the change log: ``git archive <commit> src | tar -x -C /tmp/before``), on a copy of
the same store, so that before and after are measured in the same run.

    PYTHONPATH=src python benchmarks/border_updates.py [--entries N] [--before /tmp/before/src]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NEW = [
    ("U1", "Wuilmer Jhoan Castillo Rengifo", "1988-04-09", "PE", "45671234"),
    ("U2", "Yeferson Stiven Guamán Pillco", "1995-12-01", "EC", "1712345678"),
    ("U3", "Dayana Carolina Brito Salazar", "2001-06-30", "VE", "26543210"),
]


def _rss_mb() -> tuple[float, float]:
    vals = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM"):
            vals[k] = int(v.split()[0]) / 1024
    return vals["VmRSS"], vals["VmHWM"]


def child(url: str, cache: str, mode: str) -> dict[str, float | bool]:
    from sqlalchemy.orm import Session

    from kuntur.border import files, matching, service
    from kuntur.core.db import engine_for
    from kuntur.identity.actor import system

    if hasattr(service, "configure_index_cache"):
        service.configure_index_cache(Path(cache))
    engine = engine_for(url)
    out: dict[str, float | bool] = {}
    rss0, _ = _rss_mb()
    t0 = time.perf_counter()
    with Session(engine) as db:
        idx = service.indexes(db)
    out["build_s"] = time.perf_counter() - t0
    rss1, hwm = _rss_mb()
    out["index_mb"] = rss1 - rss0
    out["peak_mb"] = hwm
    out["full_build"] = bool(getattr(idx, "full_builds", 1))
    if mode == "load":
        return out
    csv = "id,name,aliases,birth_date,nationality,document_number,list\n" + "".join(
        ",".join((i, n, "", b, nat, d, "requisitoria")) + "\n" for i, n, b, nat, d in NEW
    )
    rows, errors = files.read_watchlist_csv(csv, "nuevos.csv")
    assert not errors, errors
    t0 = time.perf_counter()
    with Session(engine) as db, db.begin():
        service.import_entries(system(db, "bench"), rows, source="nuevos.csv")
        service.expire(system(db, "bench"), "W0000007")
    out["import_s"] = time.perf_counter() - t0
    i, n, b, nat, d = NEW[0]
    t = matching.Traveller("T", n, matching.parse_birth(b), nat, d)
    t0 = time.perf_counter()
    with Session(engine) as db, db.begin():
        r = service.screen_person(system(db, "bench"), t, post="bench")
    out["first_screening_s"] = time.perf_counter() - t0
    out["sees_it"] = bool(r["hits"]) and r["hits"][0]["watchlist_id"] == i
    with Session(engine) as db, db.begin():
        idx = service.indexes(db)
        gone = [c.entry_id for c in idx.persons.screen(_listed(7), threshold=0.5)]
    out["expired_hits"] = "W0000007" in gone
    t0 = time.perf_counter()
    with Session(engine) as db, db.begin():
        service.screen_person(system(db, "bench"), t, post="bench")
    out["next_screening_s"] = time.perf_counter() - t0
    return out


def _listed(k: int):  # type: ignore[no-untyped-def]
    from kuntur.border import bench
    from kuntur.border.matching import Traveller

    people, _ = bench.watchlist(k + 1)
    p = people[k]
    return Traveller("T7", p.name, p.birth, p.nationality, p.document)


def _run_child(src: str, url: str, cache: str, mode: str) -> dict[str, float | bool]:
    env = {**os.environ, "PYTHONPATH": src}
    r = subprocess.run(
        [sys.executable, __file__, "--child", mode, url, cache],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if r.returncode:
        raise SystemExit(r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--before", help="another checkout's src, measured on a copy of the store")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "URL", "CACHE"))
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child[1], a.child[2], a.child[0])))
        return

    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from kuntur.border import bench
    from kuntur.border.models import WatchlistEntry, WatchlistVersion
    from kuntur.core import migrate
    from kuntur.core.db import engine_for
    from kuntur.core.timeutil import utcnow

    here = str(Path(__file__).resolve().parents[1] / "src")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "lista.db"
        url = f"sqlite:///{db}"
        engine = engine_for(url)
        migrate.upgrade(engine)
        t0 = time.perf_counter()
        people, _ = bench.watchlist(a.entries)
        now = utcnow()
        with Session(engine) as s, s.begin():
            for i in range(0, len(people), 20_000):
                s.execute(
                    insert(WatchlistEntry),
                    [
                        {
                            "entry_id": p.id,
                            "kind": "person",
                            "name": p.name,
                            "aliases": ";".join(p.aliases),
                            "birth_date": p.birth.iso() if p.birth else None,
                            "nationality": p.nationality,
                            "document_number": p.document,
                            "source_list": p.list,
                            "reason": "",
                            "owner_agency": "PNP",
                            "classification": 0,
                            "changed_version": 1,
                            "imported_at": now,
                            "imported_by": "bench",
                        }
                        for p in people[i : i + 20_000]
                    ],
                )
            s.add(WatchlistVersion(id=1, version=1, changed_at=now, epoch="bench"))
        engine.dispose()
        del people
        print(
            f"store of {a.entries:,} entries made in {time.perf_counter() - t0:.0f} s", flush=True
        )
        results = {}
        if a.before:
            shutil.copy(db, Path(tmp) / "before.db")
            results["before"] = _run_child(
                a.before, f"sqlite:///{Path(tmp) / 'before.db'}", str(Path(tmp) / "c0"), "update"
            )
            print("before", results["before"], flush=True)
        cache = str(Path(tmp) / "cache")
        results["after"] = _run_child(here, url, cache, "update")
        print("after", results["after"], flush=True)
        results["after_new_process"] = _run_child(here, url, cache, "load")
        print("after, a new process", results["after_new_process"], flush=True)
        print(json.dumps(results))


if __name__ == "__main__":
    main()
