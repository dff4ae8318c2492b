"""Helpers every domain CLI shares: engine from settings, errors, progress bars."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from kuntur.config import get_settings
from kuntur.core import migrate
from kuntur.core.db import engine_for
from kuntur.core.i18n import SEPARATOR, _

console = Console(stderr=True)


def stacked(text: str) -> str:
    """A table heading in both languages, Spanish above English (``_("categoría")``
    gives "categoría / category"): a column no wider than its longer word."""
    return text.replace(SEPARATOR, "\n")


def fail(message: str, code: int = 2) -> NoReturn:
    console.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def engine(*, auto_migrate: bool = True) -> Engine:
    """The configured store, brought up to date when it is the embedded SQLite file.

    PostgreSQL is production: there a missing migration is an error that names
    the command to run, never a silent schema change.
    """
    eng = engine_for(get_settings().effective_database_url)
    current = migrate.current_revision(eng)
    if current != migrate.head_revision(eng):
        if eng.dialect.name == "sqlite" and auto_migrate:
            migrate.upgrade(eng)
        else:
            fail(
                _(
                    "la base de datos está en la revisión {revision}, no en la última; "
                    "ejecute antes `kuntur db upgrade`",
                    revision=current or "empty",
                )
            )
    return eng


def progress_bar(enabled: bool = True) -> Progress:
    """Kuntur's Rich progress bar (description, bar, done/total, time), on stderr."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    )


@contextmanager
def progress_stages(enabled: bool = True) -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """A Rich progress bar per stage of long work (hidden with ``enabled`` False)."""
    with progress_bar(enabled) as bar:

        def stage(description: str, total: int) -> Callable[[int], None]:
            task = bar.add_task(description, total=total)
            return lambda n: bar.advance(task, n)

        yield stage


def metrics_dir(var_dir: Path, port: int) -> Path:
    """Where a server's processes write their metrics (``PROMETHEUS_MULTIPROC_DIR``), so
    that one scrape sees them all: emptied first, counts of processes gone are not this
    server's (kuntur.ops.metrics)."""
    folder = var_dir / "run" / f"metrics-{port}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# How long an idle keep-alive connection stays open: longer than the field app's position
# interval (10-30 s) and a map page's refresh, so that a phone does not open a new
# connection (a TLS handshake on a mobile network) for every report; uvicorn's 5 s made
# every report a new one. 75 s, nginx's keepalive_timeout.
KEEP_ALIVE_S = 75


def server_process_args(port: int, *, workers: int = 1) -> list[str]:
    """The command line of a Kuntur server process on 127.0.0.1, served as ``kuntur serve``
    serves it (the app factory, no Server banner) but quiet and quick to stop: what the
    tests and the load benchmark start, so both measure the same server."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "kuntur.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--timeout-graceful-shutdown",
        "1",
        "--no-server-header",
        "--timeout-keep-alive",
        str(KEEP_ALIVE_S),
        "--workers",
        str(workers),
    ]
