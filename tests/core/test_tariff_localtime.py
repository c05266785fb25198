"""Times typed by a person (booth.core.localtime), as tariffs and quotes read them."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from booth.core.errors import Refused
from booth.core.localtime import format_instant, format_label, parse_instant, zone_name

BOGOTA = ZoneInfo("America/Bogota")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-03-10 09:00", datetime(2026, 3, 10, 14, 0, tzinfo=UTC)),
        ("2026-03-10T09:00", datetime(2026, 3, 10, 14, 0, tzinfo=UTC)),
        ("  2026-03-10 09:00:30 ", datetime(2026, 3, 10, 14, 0, 30, tzinfo=UTC)),
        ("2026-03-10", datetime(2026, 3, 10, 5, 0, tzinfo=UTC)),
    ],
)
def test_without_offset_it_is_the_lots_wall_clock(text: str, expected: datetime) -> None:
    result = parse_instant(text, BOGOTA)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-03-10T09:00-03:00", datetime(2026, 3, 10, 12, 0, tzinfo=UTC)),
        ("2026-03-10T09:00Z", datetime(2026, 3, 10, 9, 0, tzinfo=UTC)),
        ("2026-03-10 09:00+00:00", datetime(2026, 3, 10, 9, 0, tzinfo=UTC)),
    ],
)
def test_with_offset_it_is_taken_as_given(text: str, expected: datetime) -> None:
    assert parse_instant(text, BOGOTA) == expected


def test_the_zone_decides_the_offset_per_date() -> None:
    assert parse_instant("2026-03-07 22:00", NEW_YORK) == datetime(2026, 3, 8, 3, 0, tzinfo=UTC)
    assert parse_instant("2026-03-08 06:00", NEW_YORK) == datetime(2026, 3, 8, 10, 0, tzinfo=UTC)


def test_a_skipped_wall_time_is_refused_with_an_example() -> None:
    with pytest.raises(Refused) as err:
        parse_instant("2026-03-08 02:30", NEW_YORK, what="entry time")
    assert str(err.value) == (
        "The entry time 2026-03-08 02:30 does not exist in America/New_York: the clocks jump "
        "over it. Give the offset, like 2026-03-08T02:30-05:00."
    )


def test_a_repeated_wall_time_is_refused_with_both_offsets() -> None:
    with pytest.raises(Refused) as err:
        parse_instant("2026-11-01 01:30", NEW_YORK, what="exit time")
    assert str(err.value) == (
        "The exit time 2026-11-01 01:30 happens twice in America/New_York (the clocks go "
        "back); give the offset: 2026-11-01T01:30-04:00 or 2026-11-01T01:30-05:00."
    )
    # With an offset it is unambiguous.
    assert parse_instant("2026-11-01T01:30-05:00", NEW_YORK) == datetime(
        2026, 11, 1, 6, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "The entry time is empty; write it like 2026-03-10 14:30."),
        ("   ", "The entry time is empty; write it like 2026-03-10 14:30."),
        (
            "yesterday",
            "The entry time 'yesterday' is not a date and time; write it like "
            "2026-03-10 14:30 or 2026-03-10T14:30-05:00.",
        ),
        (
            "2026-02-30 10:00",
            "The entry time '2026-02-30 10:00' is not a date and time; write it like "
            "2026-03-10 14:30 or 2026-03-10T14:30-05:00.",
        ),
        ("9999-12-31T23:30", "The entry time '9999-12-31T23:30' is out of range."),
        ("0001-01-01T00:00+05:00", "The entry time '0001-01-01T00:00+05:00' is out of range."),
    ],
)
def test_unreadable_input_is_one_sentence(text: str, message: str) -> None:
    with pytest.raises(Refused) as err:
        parse_instant(text, BOGOTA, what="entry time")
    assert str(err.value) == message


def test_formatting_in_the_lot_zone() -> None:
    instant = datetime(2026, 3, 8, 10, 0, 5, 999, tzinfo=UTC)
    assert format_instant(instant, NEW_YORK) == "2026-03-08T06:00:05-04:00"
    assert format_instant(instant, BOGOTA) == "2026-03-08T05:00:05-05:00"
    assert format_label(instant, BOGOTA) == "2026-03-08 05:00"
    assert zone_name(BOGOTA) == "America/Bogota"


def test_formatting_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_instant(datetime(2026, 1, 1), BOGOTA)
    with pytest.raises(ValueError, match="timezone-aware"):
        format_label(datetime(2026, 1, 1), BOGOTA)


def test_round_trip_through_the_formatted_text() -> None:
    instant = datetime(2026, 7, 4, 16, 45, tzinfo=UTC)
    assert parse_instant(format_instant(instant, NEW_YORK), BOGOTA) == instant
