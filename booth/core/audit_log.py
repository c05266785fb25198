"""Reading the audit log for `booth audit`: filters and the JSON shape of an event."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from booth.core import lot
from booth.core.db import run_read
from booth.core.errors import Refused
from booth.core.i18n import _
from booth.core.models import AuditEvent

_SINCE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")


def parse_since(text: str, zone: ZoneInfo) -> datetime:
    """`2026-03-10` (local midnight), `2026-03-10T14:30` (local) or with an offset -> UTC."""
    cleaned = text.strip()
    refusal = Refused(
        _(
            "--since takes a date like 2026-03-10 or a time like 2026-03-10T14:30 "
            "(the lot's time zone unless an offset is given); got '{text}'."
        ).format(text=cleaned[:40])
    )
    if not _SINCE.fullmatch(cleaned):
        raise refusal
    try:
        if len(cleaned) == 10:
            local = datetime.combine(date.fromisoformat(cleaned), time(0), tzinfo=zone)
            return local.astimezone(UTC)
        parsed = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError as exc:
        raise refusal from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def event_dict(event: AuditEvent, zone: ZoneInfo) -> dict[str, Any]:
    """One event as `booth audit --json` prints it."""
    try:
        details: Any = json.loads(event.details)
    except ValueError:
        details = event.details
    return {
        "id": event.id,
        "at": event.at.astimezone(UTC).isoformat(),
        "local_time": event.at.astimezone(zone).isoformat(),
        "booth": event.booth,
        "username": event.username,
        "action": event.action,
        "subject": event.subject,
        "details": details,
        "hash": event.hash,
    }


def list_events(
    engine: Engine,
    *,
    since: str | None = None,
    username: str | None = None,
    action: str | None = None,
) -> tuple[list[dict[str, Any]], ZoneInfo]:
    """Matching events, oldest first (newest last), and the lot's zone for display.

    `action` matches exactly or as a family: `login` matches `login.ok`, `login.failed`, ...
    """

    def read(session: Session) -> tuple[list[dict[str, Any]], ZoneInfo]:
        zone = lot.zone(lot.get_settings(session))
        stmt = select(AuditEvent)
        if since is not None:
            stmt = stmt.where(col(AuditEvent.at) >= parse_since(since, zone))
        if username is not None:
            stmt = stmt.where(AuditEvent.username == username.strip().lower())
        if action is not None:
            wanted = action.strip().lower().rstrip(".")
            stmt = stmt.where(
                or_(
                    AuditEvent.action == wanted,
                    col(AuditEvent.action).startswith(wanted + ".", autoescape=True),
                )
            )
        events = session.exec(stmt.order_by(col(AuditEvent.id))).all()
        return [event_dict(e, zone) for e in events], zone

    return run_read(engine, read)
