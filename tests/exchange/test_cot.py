"""Cursor-on-Target parsing: good events, batches, and every kind of bad input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kuntur.exchange.cot import parse

GOOD = b"""<event version="2.0" uid="ANDROID-1" type="a-f-G-U-C" time="2026-11-26T10:00:00Z"
 start="2026-11-26T10:00:00Z" stale="2026-11-26T10:05:00Z" how="m-g">
 <point lat="-12.0464" lon="-77.0428" hae="0" ce="10" le="10"/>
 <detail><contact callsign="PNP-150101-P1"/></detail></event>"""


def test_one_event() -> None:
    reports, errors = parse(GOOD)
    assert errors == []
    r = reports[0]
    assert r.call_sign == "PNP-150101-P1" and r.lat == -12.0464 and r.lon == -77.0428
    assert r.at is not None and r.at.isoformat() == "2026-11-26T10:00:00+00:00"
    assert r.cot_type == "a-f-G-U-C"


def test_batch_keeps_the_good_and_names_the_bad() -> None:
    batch = (
        b"<events>"
        + GOOD
        + b'<event uid="X"><point lat="abc" lon="1"/></event>'
        + b'<event uid="Y"/>'
        + b'<event uid="Z"><point lat="95" lon="1"/></event>'
        + b'<event><point lat="1" lon="1"/></event>'
        + b'<event uid="T" time="yesterday"><point lat="1" lon="1"/></event>'
        + b"<ping/></events>"
    )
    reports, errors = parse(batch)
    assert [r.call_sign for r in reports] == ["PNP-150101-P1"]
    reasons = {e.index: e.reason for e in errors}
    assert "not numbers" in reasons[1]
    assert reasons[2] == "no <point>"
    assert "out of range" in reasons[3]
    assert reasons[4] == "no callsign or uid"
    assert "ISO 8601" in reasons[5]
    assert "expected <event>" in reasons[6]


def test_uid_when_no_contact() -> None:
    reports, _ = parse(b'<event uid="EP-PEL-1"><point lat="-12" lon="-77"/></event>')
    assert reports[0].call_sign == "EP-PEL-1" and reports[0].at is None


def test_malformed_and_hostile_xml_is_refused() -> None:
    for data in (b"", b"<event", b"not xml at all", b"\xff\xfe<"):
        reports, errors = parse(data)
        assert reports == [] and "XML" in errors[0].reason
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><event uid="&b;"><point lat="1" lon="1"/>'
        b"</event>"
    )
    reports, errors = parse(bomb)
    assert reports == [] and "unsafe" in errors[0].reason
    external = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<event uid="&x;"><point lat="1" lon="1"/></event>'
    )
    assert parse(external)[0] == []


@given(st.binary(max_size=300))
def test_never_raises(data: bytes) -> None:
    reports, errors = parse(data)
    assert isinstance(reports, list) and isinstance(errors, list)
