"""Time formats of real files, against hand-computed UTC instants."""

from __future__ import annotations

import pandas as pd
import pytest

from kuntur.core.errors import InvalidInput
from kuntur.incidents.importing.timeparse import parse_times


def utc(values: list[str], **kw: str | None) -> list[str]:
    kw.setdefault("time_format", None)
    kw.setdefault("timezone", "America/Lima")
    parsed = parse_times(pd.Series(values), **kw)  # type: ignore[arg-type]
    return [v.isoformat() if not pd.isna(v) else "NaT" for v in parsed.utc]


def test_iso_with_offset_and_z_and_naive_lima() -> None:
    assert utc(["2024-03-01T10:00:00Z", "2024-03-01T10:00:00-05:00", "2024-03-01 10:00"]) == [
        "2024-03-01T10:00:00+00:00",
        "2024-03-01T15:00:00+00:00",
        "2024-03-01T15:00:00+00:00",
    ]


def test_day_first_is_detected_from_a_day_above_12() -> None:
    out = parse_times(
        pd.Series(["03/04/2024 08:15", "25/12/2023 23:00"]),
        time_format=None,
        timezone="America/Lima",
    )
    assert out.format == "dayfirst" and out.warning is None
    assert out.utc.iloc[0].isoformat() == "2024-04-03T13:15:00+00:00"


def test_us_format_with_am_pm() -> None:
    out = parse_times(
        pd.Series(["04/27/2016 01:44:00 PM", "05/05/2016 12:30:00 AM"]),
        time_format=None,
        timezone="America/Chicago",
    )
    assert out.format == "monthfirst"
    # 13:44 CDT (UTC-5) and 00:30 CDT
    assert [v.isoformat() for v in out.utc] == [
        "2016-04-27T18:44:00+00:00",
        "2016-05-05T05:30:00+00:00",
    ]


def test_ambiguous_dates_read_day_first_with_a_warning() -> None:
    out = parse_times(
        pd.Series(["03/04/2024 08:15", "01/02/2024 10:00"]),
        time_format=None,
        timezone="America/Lima",
    )
    assert out.format == "dayfirst" and out.warning and "--time-format" in out.warning


def test_explicit_month_first_wins() -> None:
    assert utc(["03/04/2024 08:15"], time_format="monthfirst") == ["2024-03-04T13:15:00+00:00"]


def test_explicit_pattern() -> None:
    assert utc(["03.04.2024 08:15"], time_format="%d.%m.%Y %H:%M") == ["2024-04-03T13:15:00+00:00"]


def test_mixed_seconds_and_dates_without_time() -> None:
    assert utc(["25/12/2023 23:00:05", "25/12/2023 23:00", "25/12/2023"]) == [
        "2023-12-26T04:00:05+00:00",
        "2023-12-26T04:00:00+00:00",
        "2023-12-25T05:00:00+00:00",
    ]


def test_bad_and_missing_values_are_flagged_not_guessed() -> None:
    out = parse_times(
        pd.Series(["2024-01-01T00:00:00", "", "not a date", "2024-13-45"]),
        time_format=None,
        timezone="UTC",
    )
    assert out.missing.tolist() == [False, True, False, False]
    assert out.bad.tolist() == [False, False, True, True]


def test_clock_change_times_are_kept() -> None:
    # 2020-03-08 02:30 never happened in Vancouver; 2020-11-01 01:30 happened twice.
    assert utc(["2020-03-08 02:30", "2020-11-01 01:30"], timezone="America/Vancouver") == [
        "2020-03-08T10:00:00+00:00",
        "2020-11-01T08:30:00+00:00",
    ]


def test_unrecognisable_format_asks_for_time_format() -> None:
    with pytest.raises(InvalidInput, match="--time-format"):
        parse_times(pd.Series(["yesterday", "today"]), time_format=None, timezone="UTC")


def test_two_digit_years() -> None:
    assert utc(["25/12/23 23:00"], timezone="UTC") == ["2023-12-25T23:00:00+00:00"]


def test_a_year_past_what_nanoseconds_hold_is_a_time_of_its_own() -> None:
    """A typed year 1016 or 3016 (pandas reads it at microseconds) is one bad row for
    the checks after parsing (before 1900, in the future), not a failed file."""
    out = utc(["2024-03-01 10:00", "1016-07-23 22:40:36", "3016-01-02T10:00:00-05:00"])
    assert out[0] == "2024-03-01T15:00:00+00:00"
    assert out[1] < "1900" and out[2] > "2200"
