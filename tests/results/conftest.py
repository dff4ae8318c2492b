"""The demo scenario with its interventions (`make demo`'s, on 200 days): the patrol plan
with a made effect of about -25 %, the classified operation and the drawn zone (-33 %)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from kuntur.core import migrate
from kuntur.core.db import make_engine
from kuntur.demo import service as demo
from kuntur.demo.results import seed_results


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, str]:
    path = tmp_path_factory.mktemp("results") / "kuntur.db"
    url = f"sqlite:///{path}"
    eng = make_engine(url)
    migrate.upgrade(eng)
    demo.seed(eng, days=200, seed=7)
    assert seed_results(eng, weeks_after=8) is not None
    assert seed_results(eng) is None  # once
    return eng, url
