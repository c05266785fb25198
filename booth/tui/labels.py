"""Words and numbers as the booth screen shows them."""

from __future__ import annotations

from datetime import datetime, tzinfo

from booth.core.i18n import _


def type_label(code: str) -> str:
    """`car` -> `Car`, for one vehicle."""
    names = {"car": _("Car"), "motorcycle": _("Motorcycle"), "bicycle": _("Bicycle")}
    return names.get(code, code)


def type_plural(code: str) -> str:
    """`car` -> `Cars`, for a count of spaces."""
    names = {"car": _("Cars"), "motorcycle": _("Motorcycles"), "bicycle": _("Bicycles")}
    return names.get(code, code)


def duration(minutes: int) -> str:
    """`45 min`, `2 h 05 min`, `3 d 04 h`."""
    minutes = max(0, minutes)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("{d} d {h:02d} h").format(d=days, h=hours)
    if hours:
        return _("{h} h {m:02d} min").format(h=hours, m=mins)
    return _("{m} min").format(m=mins)


def local_time(instant: datetime, zone: tzinfo, now: datetime) -> str:
    """`14:05` today, `03-09 18:30` another day (the lot's zone)."""
    local = instant.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M")
