"""Demo border control (issue 17): a clearly synthetic watchlist (3,000 fictional persons
drawn from name pools, a few plates and phones, every entry's reason saying DEMOSTRACIÓN)
and a few screenings at the posts of Tumbes (Aguas Verdes), Desaguadero, Tacna (Santa
Rosa) and Iñapari, one of them a namesake cleared by the officer and, screened again,
shown as remembered instead of raising the alarm; and three seizures (an arm whose serial
is on the arms list, drugs, cash). Done once: a store that already has
border entries is left as it is."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.border import bench, files
from kuntur.border import service as border
from kuntur.border.matching import BirthDate, Traveller
from kuntur.border.models import WatchlistEntry
from kuntur.core.context import RequestContext
from kuntur.identity.actor import Actor

ACTOR = RequestContext.system("demo")
REASON = "DEMOSTRACIÓN: entrada ficticia generada, no es una persona real"


def _csv(n: int) -> str:
    people, _ = bench.watchlist(n, seed=1729)
    lines = ["id,name,aliases,birth_date,nationality,document_number,list,reason"]
    for p in people:
        lines.append(
            ",".join(
                [
                    f"DEMO-{p.id}",
                    p.name,
                    ";".join(p.aliases),
                    p.birth.iso() if p.birth else "",
                    p.nationality or "",
                    p.document or "",
                    p.list,
                    REASON,
                ]
            )
        )
    return "\n".join(lines) + "\n"


NETWORK = "Los Cóndores de Cartón"  # the demo's fictional network
THINGS = "\n".join(
    [
        "id,name,kind,value,list,reason,network",
        f"DEMO-V1,Camioneta ficticia,plate,ABO-123,requisitoria,DEMOSTRACIÓN,{NETWORK}",
        "DEMO-V2,Camión ficticio,plate,B8S-505,orden_judicial,DEMOSTRACIÓN,",
        f"DEMO-F1,Teléfono ficticio,phone,+51 955 111 222,requisitoria,DEMOSTRACIÓN,{NETWORK}",
        f"DEMO-A1,Pistola ficticia,serial,DEMO-9MM-0001,requisitoria,DEMOSTRACIÓN,{NETWORK}",
        "",
    ]
)


def seed_border(engine: Engine, entries: int = 3000) -> tuple[int, int]:
    """(entries written, screenings made); (0, 0) when the store already has entries."""
    with Session(engine) as db, db.begin():
        if db.scalar(select(WatchlistEntry.id).limit(1)) is not None:
            return 0, 0
        actor = Actor(db, ACTOR)
        rows, _ = files.read_watchlist_csv(_csv(entries), "demo.csv")
        things, _ = files.read_watchlist_csv(THINGS, "demo-things.csv")
        border.import_entries(actor, rows + things, source="demo")
    people, _ = bench.watchlist(entries, seed=1729)
    listed = people[7]
    with Session(engine) as db, db.begin():
        actor = Actor(db, ACTOR)
        posts = border.POSTS
        # A listed person with a date written day-first, at Desaguadero.
        border.screen_person(
            actor,
            Traveller("D1", listed.name.upper(), listed.birth, listed.nationality, None),
            post=posts[1],
        )
        # A namesake at Tumbes who shows only the name and the birth year: a hit, which the
        # officer clears after checking the documents; screened again, it is remembered.
        year = listed.birth.year if listed.birth else 1980
        namesake = Traveller("D2", listed.name, BirthDate(year), listed.nationality, None)
        first = border.screen_person(actor, namesake, post=posts[0])
        for h in first["hits"]:
            border.decide(
                actor,
                h["hit_id"],
                outcome="cleared",
                reason="DEMOSTRACIÓN: homónimo; fecha completa y documento verificados",
            )
        border.screen_person(actor, namesake, post=posts[0])
        # Travellers with nothing on the lists, and two plates, at the other posts.
        border.screen_person(
            actor, Traveller("D3", "Viajera Ficticia Demo", None, "BO", None), post=posts[2]
        )
        border.screen_thing(actor, "plate", "AB0-I23", post=posts[3])
        border.screen_thing(actor, "plate", "XYZ-999", post=posts[2])
        # Seizures: an arm whose serial is on the arms list, drugs and cash.
        border.register_seizure(
            actor,
            kind="arms",
            post=posts[1],
            quantity=1,
            unit="units",
            serial="demo 9mm 0001",
            description="DEMOSTRACIÓN: pistola ficticia",
        )
        border.register_seizure(
            actor, kind="drugs", post=posts[1], quantity=2.5, unit="kg", description="DEMOSTRACIÓN"
        )
        border.register_seizure(
            actor,
            kind="cash",
            post=posts[0],
            quantity=15000,
            unit="USD",
            description="DEMOSTRACIÓN",
        )
        made = 6
    return entries + len(things), made
