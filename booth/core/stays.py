"""Check-in, check-out and invoice numbering: each one transaction.

Check-out closes the stay, takes the next invoice number, writes the invoice
(with its payment) and the audit event -- or, on any failure, none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from booth.core import audit, lot, plates, tariffs
from booth.core.audit import SignedIn
from booth.core.clock import Clock
from booth.core.db import run_read, run_write
from booth.core.errors import NotFound, Refused
from booth.core.i18n import _
from booth.core.models import (
    PAYMENT_METHODS,
    Invoice,
    InvoiceAuthorization,
    LotSettings,
    Stay,
    TariffVersion,
    VehicleType,
)
from booth.core.money import format_cop, split_iva
from booth.core.tariff import Fee, compute_fee

MAX_TENDERED = 100_000_000  # pesos; more is a typing mistake
QUOTE_VALID = timedelta(minutes=15)
TICKET_ATTEMPTS = 10


@dataclass(frozen=True)
class CheckIn:
    """A written check-in."""

    stay: Stay
    tariff: TariffVersion


@dataclass(frozen=True)
class Quote:
    """What a stay costs if it leaves at `exit_at` (nothing written)."""

    stay: Stay
    tariff: TariffVersion
    exit_at: datetime
    fee: Fee
    base: int
    tax: int
    iva_rate_bp: int
    clock_backwards: bool

    @property
    def amount(self) -> int:
        return self.fee.amount


@dataclass(frozen=True)
class NumberingStatus:
    """How far the active numbering authorisation is used."""

    prefix: str
    range_from: int
    range_to: int
    next_number: int

    @property
    def total(self) -> int:
        return self.range_to - self.range_from + 1

    @property
    def remaining(self) -> int:
        return max(0, self.range_to - self.next_number + 1)

    @property
    def used_fraction(self) -> float:
        return (self.total - self.remaining) / self.total

    @property
    def warn(self) -> bool:
        return self.used_fraction >= 0.9


def local_label(settings: LotSettings, instant: datetime) -> str:
    """`2026-12-04 14:05` in the lot's zone."""
    return instant.astimezone(lot.zone(settings)).strftime("%Y-%m-%d %H:%M")


def open_stay_for_plate(session: Session, plate: str) -> Stay | None:
    """The stay of `plate` that is still inside."""
    return session.exec(
        select(Stay).where(Stay.plate == plate, col(Stay.exited_at).is_(None))
    ).first()


def occupancy(session: Session) -> dict[str, tuple[int, int]]:
    """Per vehicle type: (inside now, capacity)."""
    used = dict(
        session.exec(
            select(Stay.vehicle_type, func.count())
            .where(col(Stay.exited_at).is_(None))
            .group_by(Stay.vehicle_type)
        ).all()
    )
    return {
        vt.code: (int(used.get(vt.code, 0)), vt.capacity)
        for vt in session.exec(select(VehicleType).order_by(col(VehicleType.code)))
    }


def check_in(
    engine: Engine, *, clock: Clock, who: SignedIn, plate: str, vehicle_type: str | None = None
) -> CheckIn:
    """Write a stay for `plate`, or refuse with the reason and write nothing."""
    normalised = plates.normalise_plate(plate)
    vtype = vehicle_type or plates.infer_vehicle_type(normalised)

    def work(session: Session) -> CheckIn:
        settings = lot.get_settings(session)
        now = clock.now()
        vt = session.get(VehicleType, vtype)
        if vt is None or vt.capacity <= 0:
            raise Refused(_("This lot does not accept {vtype}s.").format(vtype=_(vtype)))
        tariff = tariffs.in_effect(session, vtype, now)
        if tariff is None:
            raise Refused(
                _("There is no tariff for {vtype}s; the operator must set one.").format(
                    vtype=_(vtype)
                )
            )
        inside = open_stay_for_plate(session, normalised)
        if inside is not None:
            raise Refused(
                _("{plate} is already inside since {since} (booth {booth}).").format(
                    plate=normalised,
                    since=local_label(settings, inside.entered_at),
                    booth=inside.entry_booth,
                )
            )
        used = session.exec(
            select(func.count())
            .select_from(Stay)
            .where(Stay.vehicle_type == vtype, col(Stay.exited_at).is_(None))
        ).one()
        if used >= vt.capacity:
            raise Refused(
                _("The lot is full for {vtype}s ({used} / {cap}).").format(
                    vtype=_(vtype), used=used, cap=vt.capacity
                )
            )
        stay = Stay(
            plate=normalised,
            vehicle_type=vtype,
            ticket_code=_unused_ticket(session),
            entered_at=now,
            tariff_version_id=tariff.id or 0,
            entry_booth=who.booth,
            entry_user_id=who.user_id,
        )
        session.add(stay)
        session.flush()
        audit.record(
            session,
            clock=clock,
            actor=who.actor,
            action="stay.checkin",
            subject=normalised,
            details={"stay": stay.id, "type": vtype, "ticket": stay.ticket_code},
        )
        return CheckIn(stay=stay, tariff=tariff)

    try:
        return run_write(engine, work)
    except IntegrityError as exc:
        # Another booth checked the same plate in between our look and our write.
        raise Refused(_("{plate} is already inside.").format(plate=normalised)) from exc


def _unused_ticket(session: Session) -> str:
    for _attempt in range(TICKET_ATTEMPTS):
        code = plates.new_ticket_code()
        if session.exec(select(Stay.id).where(Stay.ticket_code == code)).first() is None:
            return code
    raise Refused(_("Could not find a free ticket code; try again."))


def find_open_stay(session: Session, text: str) -> Stay:
    """The stay inside for a plate or ticket code, or NotFound."""
    plate: str | None
    try:
        plate = plates.normalise_plate(text)
    except Refused:
        plate = None
    if plate is not None:
        stay = open_stay_for_plate(session, plate)
        if stay is not None:
            return stay
    ticket = plates.normalise_ticket(text)
    if ticket is not None:
        stay = session.exec(select(Stay).where(Stay.ticket_code == ticket)).first()
        if stay is not None and stay.exited_at is None:
            return stay
        if stay is not None:
            raise Refused(
                _("Ticket {ticket} was already checked out.").format(
                    ticket=plates.format_ticket(ticket)
                )
            )
    if plate is None and ticket is None:
        raise Refused(_("Type a plate or a ticket code."))
    raise NotFound(
        _("No vehicle inside with plate or ticket '{text}'.").format(text=text.strip().upper()[:20])
    )


def _quote(session: Session, stay: Stay, at: datetime) -> Quote:
    settings = lot.get_settings(session)
    tariff = session.get(TariffVersion, stay.tariff_version_id)
    assert tariff is not None
    backwards = at < stay.entered_at
    exit_at = stay.entered_at if backwards else at
    fee = compute_fee(tariffs.rule_of(tariff), stay.entered_at, exit_at)
    base, tax = split_iva(fee.amount, settings.iva_rate_bp)
    return Quote(
        stay=stay,
        tariff=tariff,
        exit_at=exit_at,
        fee=fee,
        base=base,
        tax=tax,
        iva_rate_bp=settings.iva_rate_bp,
        clock_backwards=backwards,
    )


def quote(engine: Engine, *, clock: Clock, query: str) -> Quote:
    """Look a vehicle up by plate or ticket and price it at this instant (read-only)."""
    return run_read(engine, lambda s: _quote(s, find_open_stay(s, query), clock.now()))


def fee_so_far(session: Session, stay: Stay, at: datetime) -> int:
    """What `stay` would pay at `at`."""
    return _quote(session, stay, at).amount


def parse_tendered(text: str) -> int | None:
    """Pesos typed by the cashier (`20000`, `20.000`, `$20,000`); empty is None (exact)."""
    cleaned = text.strip().replace("$", "").replace(".", "").replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    if not cleaned.isascii() or not cleaned.isdigit():
        raise Refused(_("Type the amount received in whole pesos, like 20000."))
    value = int(cleaned[:12]) if len(cleaned) <= 12 else MAX_TENDERED + 1
    if value > MAX_TENDERED:
        raise Refused(_("That amount is too large; check what was typed."))
    return value


def check_out(
    engine: Engine,
    *,
    clock: Clock,
    who: SignedIn,
    stay_id: int,
    payment_method: str = "cash",
    tendered: int | None = None,
    quoted_at: datetime | None = None,
    shift_id: int | None = None,
) -> Invoice:
    """Close the stay and issue its invoice in one transaction.

    The fee is the one for `quoted_at` (the instant the cashier looked it up and
    told the customer), when that is recent; otherwise for now.
    """
    if payment_method not in PAYMENT_METHODS:
        raise Refused(_("Payment method must be cash, card or transfer."))
    if tendered is not None and (tendered < 0 or tendered > MAX_TENDERED):
        raise Refused(_("That amount received is not possible; check what was typed."))

    def work(session: Session) -> Invoice:
        now = clock.now()
        stay = session.get(Stay, stay_id)
        if stay is None:
            raise NotFound(_("That stay does not exist."))
        settings = lot.get_settings(session)
        if stay.exited_at is not None:
            raise Refused(
                _("{plate} was already checked out at {at} (booth {booth}).").format(
                    plate=stay.plate,
                    at=local_label(settings, stay.exited_at),
                    booth=stay.exit_booth or "?",
                )
            )
        if shift_id is not None:
            # The shift may have been closed since the cashier looked it up.
            from booth.core.shifts import ensure_payment_shift

            ensure_payment_shift(session, who=who, shift_id=shift_id)
        at = now
        if quoted_at is not None and timedelta(0) <= now - quoted_at <= QUOTE_VALID:
            at = quoted_at
        q = _quote(session, stay, at)
        if payment_method == "cash":
            paid = q.amount if tendered is None else tendered
            if paid < q.amount:
                raise Refused(
                    _("Received {paid} is less than the total {total}.").format(
                        paid=format_cop(paid), total=format_cop(q.amount)
                    )
                )
        else:
            paid = q.amount
        auth = lot.active_authorization(session)
        if auth is None or auth.next_number > auth.range_to:
            raise Refused(
                _(
                    "The authorised invoice numbers are used up. The operator must enter the new "
                    "DIAN authorisation: booth setup --invoice-from N --invoice-to M --resolution R."
                )
            )
        number = auth.next_number
        auth.next_number = number + 1
        session.add(auth)
        stay.exited_at = q.exit_at
        stay.exit_booth = who.booth
        stay.exit_user_id = who.user_id
        session.add(stay)
        invoice = Invoice(
            stay_id=stay.id or 0,
            authorization_id=auth.id or 0,
            prefix=auth.prefix,
            number=number,
            issued_at=now,
            minutes=q.fee.minutes,
            amount=q.amount,
            base=q.base,
            tax=q.tax,
            iva_rate_bp=q.iva_rate_bp,
            payment_method=payment_method,
            tendered=paid,
            change=paid - q.amount,
            booth=who.booth,
            user_id=who.user_id,
            shift_id=shift_id,
        )
        session.add(invoice)
        session.flush()
        if q.clock_backwards:
            audit.record(
                session,
                clock=clock,
                actor=who.actor,
                action="clock.backwards",
                subject=stay.plate,
                details={"stay": stay.id, "entered_at": stay.entered_at, "clock": at},
            )
        audit.record(
            session,
            clock=clock,
            actor=who.actor,
            action="stay.checkout",
            subject=stay.plate,
            details={
                "stay": stay.id,
                "invoice": invoice.full_number,
                "amount": q.amount,
                "method": payment_method,
            },
        )
        return invoice

    try:
        return run_write(engine, work)
    except IntegrityError as exc:
        raise Refused(_("That vehicle was already checked out.")) from exc


def numbering_status(session: Session) -> NumberingStatus | None:
    """The active authorisation's use, or None when there is none."""
    auth = lot.active_authorization(session)
    if auth is None:
        return None
    return NumberingStatus(
        prefix=auth.prefix,
        range_from=auth.range_from,
        range_to=auth.range_to,
        next_number=auth.next_number,
    )


def get_invoice(session: Session, text: str) -> Invoice:
    """An invoice by its printed number (`FV123`) or bare consecutive (`123`)."""
    cleaned = text.strip().upper().replace(" ", "")
    digits = cleaned.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    prefix = cleaned[: len(cleaned) - len(digits)]
    if not digits.isdigit() or len(digits) > 12:
        raise Refused(_("An invoice number looks like FV123."))
    stmt = select(Invoice).where(Invoice.number == int(digits))
    if prefix:
        stmt = stmt.where(Invoice.prefix == prefix)
    found = session.exec(stmt.order_by(col(Invoice.id).desc())).first()
    # A prefix may end in digits (DIAN allows up to 4 letters or digits): F1 + 123 prints F1123.
    for cut in range(len(prefix) + 1, min(4, len(cleaned) - 1) + 1) if prefix else ():
        if found is not None:
            break
        found = session.exec(
            select(Invoice)
            .where(Invoice.prefix == cleaned[:cut], Invoice.number == int(cleaned[cut:]))
            .order_by(col(Invoice.id).desc())
        ).first()
    if found is None:
        raise NotFound(_("No invoice {number}.").format(number=cleaned))
    return found


def authorization_of(session: Session, invoice: Invoice) -> InvoiceAuthorization:
    """The numbering authorisation an invoice was issued under."""
    auth = session.get(InvoiceAuthorization, invoice.authorization_id)
    assert auth is not None
    return auth
