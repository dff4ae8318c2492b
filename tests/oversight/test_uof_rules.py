"""The use-of-force rules (oversight.rules) and the `kuntur oversight check` contract: the
JSON keys exactly, what is missing, deadlines across time zones and month ends, referrals,
and exit code 2 with the bad field named (Spanish first) on a bad document."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kuntur.cli import app
from kuntur.oversight import rules

runner = CliRunner()
T = datetime.fromisoformat


def doc(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "incident_at": "2026-01-31T23:30:00-05:00",
        "reported_at": "2026-02-01T10:00:00-05:00",
        "force": [{"member": "PNP-1", "agency": "PNP", "level": "physical", "rounds": 0}],
        "affected": [{"outcome": "none", "age": 25, "sex": "M"}],
        "medical_aid_at": None,
        "family_notified_at": None,
        "supervisor_present": True,
        "legal_basis": None,
        "reviewed_by": "user:revisor",
        "reviewed_at": "2026-02-05T10:00:00-05:00",
    }
    return base | kw


def run(d: Any, *args: str, tmp_path: Path) -> Any:
    path = tmp_path / "report.json"
    path.write_text(d if isinstance(d, str) else json.dumps(d), encoding="utf-8")
    return runner.invoke(app, ["oversight", "check", str(path), *args])


def test_a_complete_report() -> None:
    r = rules.check_document(doc(), T("2026-03-01T00:00:00-05:00"))
    assert r == {"complete": True, "missing": [], "overdue": [], "referrals": []}


def test_each_mandatory_element() -> None:
    at = T("2026-02-01T12:00:00-05:00")
    hurt = doc(affected=[{"outcome": "injury", "age": 30, "sex": "F"}])
    assert rules.check_document(hurt, at)["missing"] == ["medical_aid_at"]
    grave = doc(affected=[{"outcome": "serious_injury", "age": 30, "sex": "F"}])
    assert rules.check_document(grave, at)["missing"] == ["medical_aid_at", "family_notified_at"]
    army = doc(force=[{"member": "EP-7", "agency": "EP", "level": "verbal", "rounds": 0}])
    assert rules.check_document(army, at)["missing"] == ["legal_basis"]
    assert rules.check_document(army | {"legal_basis": "12"}, at)["missing"] == []
    for code in ("MGP", "FAP"):
        navy = doc(force=[{"member": "X", "agency": code, "level": "presence", "rounds": 0}])
        assert rules.check_document(navy, at)["missing"] == ["legal_basis"]
    unreviewed = doc(reviewed_by=None, reviewed_at=None)
    assert rules.check_document(unreviewed, at)["missing"] == ["reviewed_by", "reviewed_at"]
    unfiled = doc(reported_at=None)
    assert rules.check_document(unfiled, at)["missing"] == ["reported_at"]
    assert rules.check_document(unfiled, at)["complete"] is False


def test_a_zero_report_needs_only_its_filing() -> None:
    zero = doc(force=[], affected=[], reviewed_by=None, reviewed_at=None)
    assert rules.check_document(zero, T("2026-03-01T00:00:00-05:00"))["complete"] is True


def test_report_deadline_across_a_month_end_and_time_zones() -> None:
    report = rules.parse(doc(reported_at=None))
    due = rules.report_due(report)
    assert due == T("2026-02-01T23:30:00-05:00")
    assert due.isoformat() == "2026-02-01T23:30:00-05:00"  # shown as the reporter wrote it
    assert due == T("2026-02-02T04:30:00+00:00")
    before, at_due = T("2026-02-02T04:29:59Z"), T("2026-02-02T04:30:00Z")
    assert rules.check(report, before).overdue == []
    assert rules.check(report, at_due).overdue == ["reported_at"]  # at the deadline: passed
    # The same instant written in another zone gives the same answer.
    assert rules.check(report, T("2026-02-02T09:30:00+05:00")).overdue == ["reported_at"]
    # Filed after the deadline: the missed deadline stays on record.
    late = rules.parse(doc(reported_at="2026-02-02T00:00:00-05:00"))
    assert rules.check(late, T("2026-03-01T00:00:00Z")).overdue == ["reported_at"]
    assert rules.check(late, T("2026-03-01T00:00:00Z")).complete is True
    # A leap year's month end: 2028-02-28 23:30 -> 2028-02-29 23:30.
    leap = rules.parse(doc(incident_at="2028-02-28T23:30:00-05:00"))
    assert rules.report_due(leap) == T("2028-02-29T23:30:00-05:00")


def test_review_deadline_counts_from_the_filing() -> None:
    report = rules.parse(doc(reviewed_by=None, reviewed_at=None))
    due = rules.review_due(report, 15)
    assert due == T("2026-02-16T10:00:00-05:00")
    assert rules.check(report, T("2026-02-16T09:59:00-05:00"), 15).overdue == []
    assert rules.check(report, due, 15).overdue == ["reviewed_at"]
    assert rules.check(report, due, 20).overdue == []  # the setting decides
    unfiled = rules.parse(doc(reported_at=None, reviewed_by=None, reviewed_at=None))
    # Unfiled: counted from the report's own deadline.
    assert rules.review_due(unfiled, 15) == T("2026-02-16T23:30:00-05:00")


def test_deaths_and_serious_injuries_go_to_the_fiscalia_and_the_defensoria() -> None:
    at = T("2026-02-01T12:00:00-05:00")
    for outcome in ("death", "serious_injury"):
        d = doc(affected=[{"outcome": outcome, "age": 40, "sex": "M"}])
        assert rules.check_document(d, at)["referrals"] == ["fiscalia", "defensoria"]
    assert rules.check_document(doc(), at)["referrals"] == []


def test_cli_json_contract(tmp_path: Path) -> None:
    d = doc(
        reported_at=None,
        force=[{"member": "EP-1", "agency": "EP", "level": "firearm", "rounds": 3}],
        affected=[{"outcome": "death", "age": 19, "sex": "M"}],
        reviewed_by=None,
        reviewed_at=None,
    )
    r = run(d, "--at", "2026-02-01T23:30:00-05:00", "--json", tmp_path=tmp_path)
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert list(out) == ["complete", "missing", "overdue", "referrals"]
    assert out == {
        "complete": False,
        "missing": [
            "reported_at",
            "legal_basis",
            "medical_aid_at",
            "family_notified_at",
            "reviewed_by",
            "reviewed_at",
        ],
        "overdue": ["reported_at"],
        "referrals": ["fiscalia", "defensoria"],
    }
    early = run(d, "--at", "2026-02-01T23:29:59-05:00", "--json", tmp_path=tmp_path)
    assert json.loads(early.stdout)["overdue"] == []


def test_cli_readable_summary_spanish_first(tmp_path: Path) -> None:
    r = run(doc(), "--at", "2026-03-01T00:00:00-05:00", tmp_path=tmp_path)
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == "Informe completo / Report complete"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ("{not json", "JSON"),
        (json.dumps(doc(incident_at="ayer")), "incident_at"),
        (json.dumps(doc(incident_at="2026-01-31T23:30:00")), "incident_at"),  # no offset
        (json.dumps({k: v for k, v in doc().items() if k != "incident_at"}), "incident_at"),
        (
            json.dumps(doc(force=[{"member": "A", "agency": "PNP", "level": "kick"}])),
            "force[0].level",
        ),
        (json.dumps(doc(affected=[{"outcome": "bruise"}])), "affected[0].outcome"),
        (json.dumps(doc(reviewed_at="mañana")), "reviewed_at"),
        (json.dumps(doc(force="mucha")), "force"),
        (json.dumps([1, 2]), "documento"),
    ],
)
def test_cli_bad_document_exits_2_naming_the_field(
    tmp_path: Path, document: str, field: str
) -> None:
    r = run(document, "--json", tmp_path=tmp_path)
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert r.stderr.startswith("Documento no válido")
    assert field in r.stderr
    assert r.stdout == ""


def test_cli_bad_at_exits_2(tmp_path: Path) -> None:
    r = run(doc(), "--at", "2026-02-01 23:30", "--json", tmp_path=tmp_path)
    assert r.exit_code == 2
    assert "--at" in r.stderr
