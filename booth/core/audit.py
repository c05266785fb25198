"""Append-only audit log whose rows form a SHA-256 hash chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from booth.core import rows
from booth.core.clock import Clock
from booth.core.models import AuditEvent

GENESIS = "0" * 64
_TABLE: Table = AuditEvent.__table__  # type: ignore[attr-defined]
# Built once: SQLAlchemy then finds their compiled form in its cache.
_LAST_HASH = core_select(_TABLE.c.hash).order_by(_TABLE.c.id.desc()).limit(1)
_INSERT = insert(_TABLE)


@dataclass(frozen=True)
class Actor:
    """Who does something, and at which booth."""

    username: str
    booth: str


def _digest(
    prev_hash: str, at: datetime, booth: str, username: str, action: str, subject: str, details: str
) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), booth, username, action, subject, details],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def last_hash(conn: Connection) -> str:
    """The newest event's hash, or the genesis hash of an empty log."""
    return conn.execute(_LAST_HASH).scalar() or GENESIS


def append(
    conn: Connection,
    *,
    prev_hash: str,
    clock: Clock,
    actor: Actor,
    action: str,
    subject: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Insert one event chained to `prev_hash`, which the caller read in this write transaction.

    The hot paths (check-in, check-out) read the last hash together with their other
    look-ups; `record` is the general entry point.
    """
    at = clock.now().astimezone(UTC)
    details_text = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
    values: dict[str, Any] = {
        "at": at,
        "booth": actor.booth,
        "username": actor.username,
        "action": action,
        "subject": subject,
        "details": details_text,
        "prev_hash": prev_hash,
        "hash": _digest(prev_hash, at, actor.booth, actor.username, action, subject, details_text),
    }
    values["id"] = rows.new_id(conn.execute(_INSERT, values))
    return rows.detached(AuditEvent, values)


def record(
    session: Session,
    *,
    clock: Clock,
    actor: Actor,
    action: str,
    subject: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event, chained to the last one (call inside a write transaction).

    Written with Core statements on the session's connection (no ORM flush of the
    event); whatever the caller left pending in the session is flushed first, so
    the rows keep the order in which they were made. The returned event is detached.
    """
    session.flush()
    conn = session.connection()
    return append(
        conn,
        prev_hash=last_hash(conn),
        clock=clock,
        actor=actor,
        action=action,
        subject=subject,
        details=details,
    )


def verify_chain(session: Session) -> list[str]:
    """Problems found in the chain (empty when every row is intact and in place)."""
    problems: list[str] = []
    prev = GENESIS
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))):
        if event.prev_hash != prev:
            problems.append(
                f"event {event.id}: chain broken (a row before it was removed or altered)"
            )
        expected = _digest(
            event.prev_hash,
            event.at,
            event.booth,
            event.username,
            event.action,
            event.subject,
            event.details,
        )
        if event.hash != expected:
            problems.append(f"event {event.id}: contents altered")
        prev = event.hash
    return problems


@dataclass(frozen=True)
class SignedIn:
    """A logged-in user at a booth: who writes stays, invoices and shifts."""

    user_id: int
    username: str
    role: str
    booth: str

    @property
    def actor(self) -> Actor:
        return Actor(username=self.username, booth=self.booth)
