"""What the booth's dashboard shows: the lot right now, in one read-only transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlmodel import Session, col, select

from booth.core import lot, stays
from booth.core.models import Stay, User
from booth.core.stays import NumberingStatus


@dataclass(frozen=True)
class InsideRow:
    """One vehicle inside, priced at the instant of the snapshot."""

    plate: str
    ticket: str
    vehicle_type: str
    entered_at: datetime
    minutes: int
    fee: int


@dataclass(frozen=True)
class Snapshot:
    """Everything the dashboard shows, read in one read-only transaction."""

    lot_name: str
    zone: tzinfo
    attendant: str
    taken_at: datetime
    occupancy: dict[str, tuple[int, int]]
    numbering: NumberingStatus | None
    inside: list[InsideRow]


def read_snapshot(session: Session, *, now: datetime, user_id: int | None) -> Snapshot:
    """The lot at `now`: occupancy, numbering and every vehicle inside, priced."""
    settings = lot.get_settings(session)
    user = session.get(User, user_id) if user_id is not None else None
    attendant = ""
    if user is not None:
        attendant = f"{user.name} ({user.username})" if user.name else user.username
    rows = [
        InsideRow(
            plate=stay.plate,
            ticket=stay.ticket_code,
            vehicle_type=stay.vehicle_type,
            entered_at=stay.entered_at,
            minutes=max(0, int((now - stay.entered_at).total_seconds() // 60)),
            fee=stays.fee_at(session, stay.entered_at, stay.tariff_version_id, now),
        )
        for stay in session.exec(
            select(Stay)
            .where(col(Stay.exited_at).is_(None))
            .order_by(col(Stay.entered_at).desc(), col(Stay.id).desc())
        )
    ]
    return Snapshot(
        lot_name=settings.name,
        zone=lot.zone(settings),
        attendant=attendant,
        taken_at=now,
        occupancy=stays.occupancy(session),
        numbering=stays.numbering_status(session),
        inside=rows,
    )
