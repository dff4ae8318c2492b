"""The weekly brief on a schedule: while the server runs, once the ISO week (Monday to
Sunday, Lima time) is over, its brief is written to ``<var_dir>/briefs/`` as HTML and PDF
(``informe-semanal-YYYY-Www.html`` / ``.pdf``), with its public version beside it
(``informe-publico-YYYY-Www``, ``public_brief``), without anyone running ``kuntur results
brief [--public]`` (which stays, for any week and any folder).

Several server processes may all try: each writes to a file of its own and renames it into
place, and a week whose HTML is already there is skipped, so a brief is written whole,
once (a second writer at the same instant only replaces it with the same content)."""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kuntur.config import Settings
from kuntur.core.errors import KunturError
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.identity.actor import system

log = logging.getLogger(__name__)


def last_full_week(now: datetime) -> date:
    """The Monday of the last ISO week that is over at ``now`` (Lima time)."""
    today = now.astimezone(LIMA).date()
    return today - timedelta(days=today.weekday() + 7)


def brief_name(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"informe-semanal-{year}-W{week:02d}"


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_due(
    engine: Engine, out: Path, now: datetime | None = None, *, pdf: bool = True
) -> list[Path]:
    """The last finished week's brief and its public version, each if it is not in ``out``
    yet; the files written."""
    from kuntur.results import brief, public_brief

    monday = last_full_week(now or utcnow())
    written = _write_one(
        engine,
        out,
        brief_name(monday),
        lambda db: brief.render_brief(system(db, "results-brief-scheduler"), monday),
        pdf=pdf,
    )
    written += _write_one(
        engine,
        out,
        public_brief.file_name(monday),
        lambda db: public_brief.render(db, monday),
        pdf=pdf,
    )
    return written


def _write_one(
    engine: Engine, out: Path, name: str, make: Callable[[Session], str], *, pdf: bool
) -> list[Path]:
    from kuntur.results import brief

    html_path = out / f"{name}.html"
    if html_path.exists():
        return []
    out.mkdir(parents=True, exist_ok=True)
    with Session(engine) as db, db.begin():
        html = make(db)
    written = []
    if pdf:
        pdf_path = out / f"{name}.pdf"
        try:
            tmp = out / f".{name}.{os.getpid()}.pdf"
            brief.write_pdf(html, tmp)
            os.replace(tmp, pdf_path)
            written.append(pdf_path)
        except brief.PdfUnavailable as exc:  # the HTML is still the brief
            log.warning("weekly brief %s without its PDF: %s", name, exc)
    # The HTML last: its presence says the week is done.
    _write(html_path, html.encode("utf-8"))
    written.insert(0, html_path)
    return written


async def run_forever(engine: Engine, settings: Settings) -> None:
    out = settings.var_dir / "briefs"
    while True:
        try:
            written = await asyncio.to_thread(write_due, engine, out)
        except (KunturError, SQLAlchemyError, OSError) as exc:  # the server keeps serving
            log.error("weekly brief skipped: %s", exc)
        else:
            if written:
                log.info("weekly brief written: %s", ", ".join(str(p) for p in written))
        await asyncio.sleep(settings.results_brief_interval_s)
