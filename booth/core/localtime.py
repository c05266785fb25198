"""Times typed by a person and times shown to one, in the lot's zone.

A typed ISO time without an offset is a wall-clock time in the lot's zone; with
an offset (or `Z`) it is taken as given. Wall-clock times that do not exist
(the hour skipped when clocks spring forward) or that happen twice (the hour
repeated when they fall back) are refused with a sentence that says how to
write them unambiguously, so nobody is billed for a guessed hour.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from booth.core.errors import Refused
from booth.core.i18n import _


def parse_instant(text: str, zone: tzinfo, *, what: str | None = None) -> datetime:
    """The aware UTC instant a person meant by `text` (ISO 8601), or Refused.

    `what` names the value in the refusal ("entry time", "--effective").
    """
    label = what or _("time")
    cleaned = text.strip()
    if not cleaned:
        raise Refused(_("The {what} is empty; write it like 2026-03-10 14:30.").format(what=label))
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise Refused(
            _(
                "The {what} '{text}' is not a date and time; write it like 2026-03-10 14:30 "
                "or 2026-03-10T14:30-05:00."
            ).format(what=label, text=cleaned[:40])
        ) from exc
    if parsed.tzinfo is not None:
        try:
            return parsed.astimezone(UTC)
        except OverflowError as exc:
            raise Refused(
                _("The {what} '{text}' is out of range.").format(what=label, text=cleaned[:40])
            ) from exc
    return _wall_clock_to_utc(parsed, zone, label, cleaned)


def _wall_clock_to_utc(naive: datetime, zone: tzinfo, label: str, text: str) -> datetime:
    try:
        first = naive.replace(tzinfo=zone, fold=0)
        second = naive.replace(tzinfo=zone, fold=1)
        first_utc = first.astimezone(UTC)
        second_utc = second.astimezone(UTC)
    except OverflowError as exc:
        raise Refused(
            _("The {what} '{text}' is out of range.").format(what=label, text=text[:40])
        ) from exc
    if first_utc == second_utc:
        return first_utc
    # The two folds disagree: either the wall time is skipped or it happens twice.
    # A skipped time does not survive a round trip back to the zone.
    if first_utc.astimezone(zone).replace(tzinfo=None) != naive:
        raise Refused(
            _(
                "The {what} {text} does not exist in {zone}: the clocks jump over it. "
                "Give the offset, like {example}."
            ).format(
                what=label,
                text=text[:40],
                zone=zone_name(zone),
                example=_offset_form(naive, first),
            )
        )
    raise Refused(
        _(
            "The {what} {text} happens twice in {zone} (the clocks go back); "
            "give the offset: {one} or {two}."
        ).format(
            what=label,
            text=text[:40],
            zone=zone_name(zone),
            one=_offset_form(naive, first),
            two=_offset_form(naive, second),
        )
    )


def _offset_form(naive: datetime, aware: datetime) -> str:
    offset = aware.utcoffset() or timedelta(0)
    return naive.replace(tzinfo=_FixedOffset(offset)).isoformat(timespec="minutes")


class _FixedOffset(tzinfo):
    """A constant offset, only for writing an example in a message."""

    def __init__(self, offset: timedelta) -> None:
        self._offset = offset

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self._offset

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return ""


def zone_name(zone: tzinfo) -> str:
    """The IANA key of a ZoneInfo (else its repr)."""
    return str(getattr(zone, "key", zone))


def format_instant(instant: datetime, zone: tzinfo) -> str:
    """ISO 8601 in the lot's zone with its offset, to the second: 2026-03-10T09:00:00-05:00."""
    if instant.tzinfo is None:
        raise ValueError("format_instant needs a timezone-aware instant")
    return instant.astimezone(zone).isoformat(timespec="seconds")


def format_label(instant: datetime, zone: tzinfo) -> str:
    """`2026-03-10 09:00` in the lot's zone, for tables and messages."""
    if instant.tzinfo is None:
        raise ValueError("format_label needs a timezone-aware instant")
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M")
