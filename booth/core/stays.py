"""Check-in, check-out and invoice numbering: each one transaction.

Check-out closes the stay, takes the next invoice number, writes the invoice
(with its payment) and the audit event -- or, on any failure, none of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, column, func, insert, text, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import TextualSelect
from sqlalchemy.types import Boolean
from sqlmodel import Session, col, select

from booth.core import audit, lot, plates, rows, tariffs
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
from booth.core.types import UTCDateTime

MAX_TENDERED = 100_000_000  # pesos; more is a typing mistake
QUOTE_VALID = timedelta(minutes=15)
TICKET_ATTEMPTS = 10

# --- the hot paths' statements ------------------------------------------------------------------
# Check-in, quote and check-out run as SQLAlchemy Core statements built once here (their
# compiled form is then found in the engine's cache), each reading in one statement what
# the ORM read in several; rows become model instances through booth.core.rows.

_STAYS: Table = Stay.__table__  # type: ignore[attr-defined]
_INVOICES: Table = Invoice.__table__  # type: ignore[attr-defined]
_AUTHS: Table = InvoiceAuthorization.__table__  # type: ignore[attr-defined]
_TARIFFS: Table = TariffVersion.__table__  # type: ignore[attr-defined]
_STAY_COLUMNS = tuple(c.name for c in _STAYS.columns)
_TARIFF_COLUMNS = tuple(c.name for c in _TARIFFS.columns)
_UTC = UTCDateTime()


_Item = tuple[str, str, Any]  # (SQL expression, label, column type or None)


def _table_items(prefix: str, alias: str, table: Table) -> list[_Item]:
    return [(f"{alias}.{c.name}", f"{prefix}{c.name}", c.type) for c in table.columns]


def _typed_text(items: list[_Item], rest: str, *binds: BindParameter[Any]) -> TextualSelect:
    """`SELECT items rest` with every result column typed and in order.

    Ordered columns let SQLAlchemy keep the result's metadata with the cached
    compiled statement instead of matching the cursor's names on every execution.
    """
    select_list = ", ".join(f"{expr} AS {label}" for expr, label, _type in items)
    return (
        text(f"SELECT {select_list} {rest}")
        .bindparams(*binds)
        .columns(*(column(label, type_) for _expr, label, type_ in items))
    )


# Everything check-in must know, in one read: settings, capacity, the plate inside,
# the type's occupancy, whether the drawn ticket is taken, the audit chain's end and
# the tariff version in force now (NULL columns when there is none).
_CHECK_IN_LOOKUP = _typed_text(
    [
        ("(SELECT timezone FROM lot_settings WHERE id = 1)", "tz", None),
        ("(SELECT capacity FROM vehicle_types WHERE code = :vtype)", "capacity", None),
        ("(SELECT id FROM stays WHERE plate = :plate AND exited_at IS NULL)", "inside_id", None),
        (
            "(SELECT count(*) FROM stays WHERE vehicle_type = :vtype AND exited_at IS NULL)",
            "used",
            None,
        ),
        ("(SELECT id FROM stays WHERE ticket_code = :ticket)", "ticket_taken", None),
        ("(SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1)", "last_hash", None),
        *_table_items("tv_", "tv", _TARIFFS),
    ],
    "FROM (SELECT 1 AS one) AS one"
    " LEFT JOIN tariff_versions AS tv ON tv.id = ("
    "SELECT id FROM tariff_versions WHERE vehicle_type = :vtype AND effective_from <= :now"
    " ORDER BY effective_from DESC, id DESC LIMIT 1)",
    bindparam("now", type_=_UTC),
)
_TICKET_TAKEN = core_select(_STAYS.c.id).where(_STAYS.c.ticket_code == bindparam("ticket"))
_INSIDE = core_select(_STAYS.c.entered_at, _STAYS.c.entry_booth).where(
    _STAYS.c.id == bindparam("id")
)
_INSERT_STAY = insert(_STAYS)

# Everything check-out must know, in one read: the stay, the settings it needs, the
# stay's tariff version, the active numbering authorisation, the audit chain's end
# and the payment shift (NULL columns for what is missing).
_CHECK_OUT_LOOKUP = _typed_text(
    [
        *_table_items("s_", "s", _STAYS),
        ("lot.timezone", "tz", None),
        ("lot.iva_rate_bp", "iva_rate_bp", None),
        *_table_items("tv_", "tv", _TARIFFS),
        ("a.id", "a_id", None),
        ("a.prefix", "a_prefix", None),
        ("a.range_to", "a_range_to", None),
        ("a.next_number", "a_next_number", None),
        ("(SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1)", "last_hash", None),
        ("sh.id", "sh_id", None),
        ("sh.closed_at", "sh_closed_at", None),
        ("sh.user_id", "sh_user_id", None),
        ("sh.booth", "sh_booth", None),
    ],
    "FROM stays AS s"
    " LEFT JOIN lot_settings AS lot ON lot.id = 1"
    " LEFT JOIN tariff_versions AS tv ON tv.id = s.tariff_version_id"
    " LEFT JOIN invoice_authorizations AS a ON a.id = ("
    "SELECT id FROM invoice_authorizations WHERE active = :active ORDER BY id DESC LIMIT 1)"
    " LEFT JOIN shifts AS sh ON sh.id = :shift_id"
    " WHERE s.id = :stay_id",
    bindparam("active", value=True, type_=Boolean()),
)
# A quote by plate in one read: the stay inside, the lot's IVA rate and the stay's tariff.
_QUOTE_BY_PLATE = _typed_text(
    [
        *_table_items("s_", "s", _STAYS),
        ("lot.id", "lot_id", None),
        ("lot.iva_rate_bp", "lot_iva_rate_bp", None),
        *_table_items("tv_", "tv", _TARIFFS),
    ],
    "FROM stays AS s"
    " LEFT JOIN lot_settings AS lot ON lot.id = 1"
    " LEFT JOIN tariff_versions AS tv ON tv.id = s.tariff_version_id"
    " WHERE s.plate = :plate AND s.exited_at IS NULL",
)
_STAY_BY_PLATE = core_select(_STAYS).where(
    _STAYS.c.plate == bindparam("plate"), _STAYS.c.exited_at.is_(None)
)
_STAY_BY_TICKET = core_select(_STAYS).where(_STAYS.c.ticket_code == bindparam("ticket"))
_TARIFF_BY_ID = core_select(_TARIFFS).where(_TARIFFS.c.id == bindparam("id"))
_TAKE_NUMBER = (
    update(_AUTHS)
    .where(_AUTHS.c.id == bindparam("auth_id"))
    .values(next_number=bindparam("next_number"))
)
_CLOSE_STAY = (
    update(_STAYS)
    .where(_STAYS.c.id == bindparam("stay_id"))
    .values(
        exited_at=bindparam("exited_at"),
        exit_booth=bindparam("exit_booth"),
        exit_user_id=bindparam("exit_user_id"),
    )
)
_INSERT_INVOICE = insert(_INVOICES)
_BUYER_ID = str(_INVOICES.c.buyer_id.default.arg)  # type: ignore[union-attr]
_BUYER_NAME = str(_INVOICES.c.buyer_name.default.arg)  # type: ignore[union-attr]
DEFAULT_BUYER = (_BUYER_ID, _BUYER_NAME)  # "Consumidor final", DIAN's anonymous buyer
MAX_BUYER_NAME = 80
_BUYER_ID_PATTERN = re.compile(r"(\d+)(?:-(\d))?")


def _part(row: Row[Any], prefix: str, names: tuple[str, ...]) -> dict[str, Any]:
    m = row._mapping
    return {n: m[prefix + n] for n in names}


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
    return _label(settings.timezone, instant)


def _label(timezone: str, instant: datetime) -> str:
    return instant.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def open_stay_for_plate(session: Session, plate: str) -> Stay | None:
    """The stay of `plate` that is still inside."""
    session.flush()  # as the ORM query this replaces would have (autoflush)
    row = session.connection().execute(_STAY_BY_PLATE, {"plate": plate}).first()
    return None if row is None else rows.adopt(session, Stay, row._mapping)


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
        now = clock.now()
        conn = session.connection()
        ticket = plates.new_ticket_code()
        found = conn.execute(
            _CHECK_IN_LOOKUP, {"vtype": vtype, "plate": normalised, "ticket": ticket, "now": now}
        ).one()
        if found.tz is None:
            raise lot.not_set_up()
        if found.capacity is None or found.capacity <= 0:
            raise Refused(_("This lot does not accept {vtype}s.").format(vtype=_(vtype)))
        if found.tv_id is None:
            raise Refused(
                _("There is no tariff for {vtype}s; the operator must set one.").format(
                    vtype=_(vtype)
                )
            )
        if found.inside_id is not None:
            entered_at, entry_booth = conn.execute(_INSIDE, {"id": found.inside_id}).one()
            raise Refused(
                _("{plate} is already inside since {since} (booth {booth}).").format(
                    plate=normalised,
                    since=_label(found.tz, entered_at),
                    booth=entry_booth,
                )
            )
        if found.used >= found.capacity:
            raise Refused(
                _("The lot is full for {vtype}s ({used} / {cap}).").format(
                    vtype=_(vtype), used=found.used, cap=found.capacity
                )
            )
        if found.ticket_taken is not None:
            ticket = _unused_ticket(session, TICKET_ATTEMPTS - 1)
        values: dict[str, Any] = {
            "plate": normalised,
            "vehicle_type": vtype,
            "ticket_code": ticket,
            "entered_at": now,
            "exited_at": None,
            "tariff_version_id": found.tv_id,
            "entry_booth": who.booth,
            "entry_user_id": who.user_id,
            "exit_booth": None,
            "exit_user_id": None,
        }
        values["id"] = rows.new_id(conn.execute(_INSERT_STAY, values))
        audit.append(
            conn,
            prev_hash=found.last_hash or audit.GENESIS,
            clock=clock,
            actor=who.actor,
            action="stay.checkin",
            subject=normalised,
            details={"stay": values["id"], "type": vtype, "ticket": ticket},
        )
        return CheckIn(
            stay=rows.detached(Stay, values),
            tariff=rows.detached(TariffVersion, _part(found, "tv_", _TARIFF_COLUMNS)),
        )

    try:
        return run_write(engine, work)
    except IntegrityError as exc:
        # Another booth checked the same plate in between our look and our write.
        raise Refused(_("{plate} is already inside.").format(plate=normalised)) from exc


def _unused_ticket(session: Session, attempts: int = TICKET_ATTEMPTS) -> str:
    conn = session.connection()
    for _attempt in range(attempts):
        code = plates.new_ticket_code()
        if conn.execute(_TICKET_TAKEN, {"ticket": code}).first() is None:
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
        session.flush()  # as the ORM query this replaces would have (autoflush)
        row = session.connection().execute(_STAY_BY_TICKET, {"ticket": ticket}).first()
        stay = None if row is None else rows.adopt(session, Stay, row._mapping)
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
    return _priced(stay, _tariff(session, stay.tariff_version_id), settings.iva_rate_bp, at)


def _tariff(session: Session, tariff_version_id: int) -> TariffVersion:
    """What `session.get(TariffVersion, id)` gives, with one Core SELECT when not held."""
    tariff = rows.held(session, TariffVersion, tariff_version_id)
    if tariff is None:
        row = session.connection().execute(_TARIFF_BY_ID, {"id": tariff_version_id}).one()
        tariff = rows.adopt(session, TariffVersion, row._mapping)
    return tariff


def _priced(stay: Stay, tariff: TariffVersion, iva_rate_bp: int, at: datetime) -> Quote:
    backwards = at < stay.entered_at
    exit_at = stay.entered_at if backwards else at
    fee = compute_fee(tariffs.rule_of(tariff), stay.entered_at, exit_at)
    base, tax = split_iva(fee.amount, iva_rate_bp)
    return Quote(
        stay=stay,
        tariff=tariff,
        exit_at=exit_at,
        fee=fee,
        base=base,
        tax=tax,
        iva_rate_bp=iva_rate_bp,
        clock_backwards=backwards,
    )


def quote(engine: Engine, *, clock: Clock, query: str) -> Quote:
    """Look a vehicle up by plate or ticket and price it at this instant (read-only)."""

    def work(session: Session) -> Quote:
        return _quote_by_plate(session, query, clock) or _quote(
            session, find_open_stay(session, query), clock.now()
        )

    return run_read(engine, work)


def _quote_by_plate(session: Session, query: str, clock: Clock) -> Quote | None:
    """The usual case in one statement: a plate inside, with the settings and its tariff.

    None when `query` is no plate inside (then find_open_stay looks further and says why).
    """
    try:
        plate = plates.normalise_plate(query)
    except Refused:
        return None
    row = session.connection().execute(_QUOTE_BY_PLATE, {"plate": plate}).first()
    if row is None:
        return None
    if row.lot_id is None:
        raise lot.not_set_up()
    # quote() runs this first in its own new session, which holds nothing yet: the
    # instances are made detached, as they are once that session closes.
    stay = rows.detached(Stay, _part(row, "s_", _STAY_COLUMNS))
    tariff = rows.detached(TariffVersion, _part(row, "tv_", _TARIFF_COLUMNS))
    return _priced(stay, tariff, row.lot_iva_rate_bp, clock.now())


def fee_so_far(session: Session, stay: Stay, at: datetime) -> int:
    """What `stay` would pay at `at`."""
    return fee_at(session, stay.entered_at, stay.tariff_version_id, at)


def fee_at(session: Session, entered_at: datetime, tariff_version_id: int, at: datetime) -> int:
    """What a stay that entered at `entered_at` under that tariff version would pay at `at`.

    `fee_so_far` without a Stay object, for callers pricing many rows (the report).
    """
    lot.get_settings(session)  # a lot that was never set up is refused, as by a quote
    tariff = _tariff(session, tariff_version_id)
    return compute_fee(tariffs.rule_of(tariff), entered_at, max(entered_at, at)).amount


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


def validate_buyer(buyer_id: str | None, buyer_name: str | None) -> tuple[str, str]:
    """The (C.C. or NIT, name) to print on an invoice; empty means "Consumidor final".

    The ID keeps its digits (dots and spaces dropped) and, for a NIT typed with
    one, the check digit, which must be right. The name is optional with an ID.
    """
    raw_id = buyer_id or ""
    raw_name = buyer_name or ""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in raw_name):
        raise Refused(_("The buyer's name has a character that cannot be printed."))
    name = " ".join(raw_name.split())
    cleaned = raw_id.strip().replace(".", "").replace(" ", "")
    if not cleaned:
        if name and name != _BUYER_NAME:
            raise Refused(_("Type the buyer's C.C. or NIT too, or leave the name empty."))
        return DEFAULT_BUYER
    m = _BUYER_ID_PATTERN.fullmatch(cleaned) if cleaned.isascii() else None
    if m is None:
        raise Refused(
            _("A C.C. or NIT has only digits, and a NIT may end in -check digit (900123456-8).")
        )
    body, dv = m.group(1), m.group(2)
    if not 5 <= len(body) <= len(lot.NIT_WEIGHTS):
        raise Refused(_("A C.C. or NIT has 5 to 15 digits."))
    if dv is not None and int(dv) != lot.nit_check_digit(body):
        raise Refused(
            _("The NIT check digit does not match: {body} needs -{dv}.").format(
                body=body, dv=lot.nit_check_digit(body)
            )
        )
    if body == _BUYER_ID and dv is None:
        if name and name != _BUYER_NAME:
            raise Refused(
                _(
                    "{id} is the code for Consumidor final; type the buyer's own C.C. or NIT."
                ).format(id=_BUYER_ID)
            )
        return DEFAULT_BUYER
    if len(name) > MAX_BUYER_NAME:
        raise Refused(
            _("The buyer's name is too long; at most {n} characters.").format(n=MAX_BUYER_NAME)
        )
    return (body if dv is None else f"{body}-{dv}", name)


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
    buyer_id: str | None = None,
    buyer_name: str | None = None,
) -> Invoice:
    """Close the stay and issue its invoice in one transaction.

    The fee is the one for `quoted_at` (the instant the cashier looked it up and
    told the customer), when that is recent; otherwise for now. The invoice names
    the buyer given (see `validate_buyer`), else "Consumidor final".
    """
    if payment_method not in PAYMENT_METHODS:
        raise Refused(_("Payment method must be cash, card or transfer."))
    if tendered is not None and (tendered < 0 or tendered > MAX_TENDERED):
        raise Refused(_("That amount received is not possible; check what was typed."))
    buyer = (
        DEFAULT_BUYER
        if buyer_id is None and buyer_name is None
        else validate_buyer(buyer_id, buyer_name)
    )

    def work(session: Session) -> Invoice:
        now = clock.now()
        conn = session.connection()
        found = conn.execute(_CHECK_OUT_LOOKUP, {"stay_id": stay_id, "shift_id": shift_id}).first()
        if found is None:
            raise NotFound(_("That stay does not exist."))
        if found.tz is None:
            raise lot.not_set_up()
        if found.s_exited_at is not None:
            raise Refused(
                _("{plate} was already checked out at {at} (booth {booth}).").format(
                    plate=found.s_plate,
                    at=_label(found.tz, found.s_exited_at),
                    booth=found.s_exit_booth or "?",
                )
            )
        if shift_id is not None and (
            found.sh_id is None
            or found.sh_closed_at is not None
            or found.sh_user_id != who.user_id
            or found.sh_booth != who.booth
        ):
            # The shift was closed since the cashier looked it up: shifts says why.
            from booth.core.shifts import ensure_payment_shift

            ensure_payment_shift(session, who=who, shift_id=shift_id)
        at = now
        if quoted_at is not None and timedelta(0) <= now - quoted_at <= QUOTE_VALID:
            at = quoted_at
        stay = rows.detached(Stay, _part(found, "s_", _STAY_COLUMNS))
        assert found.tv_id is not None
        tariff = rows.detached(TariffVersion, _part(found, "tv_", _TARIFF_COLUMNS))
        q = _priced(stay, tariff, found.iva_rate_bp, at)
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
        if found.a_id is None or found.a_next_number > found.a_range_to:
            raise Refused(
                _(
                    "The authorised invoice numbers are used up. The operator must enter the new "
                    "DIAN authorisation: booth setup --invoice-from N --invoice-to M --resolution R."
                )
            )
        number = found.a_next_number
        conn.execute(_TAKE_NUMBER, {"auth_id": found.a_id, "next_number": number + 1})
        conn.execute(
            _CLOSE_STAY,
            {
                "stay_id": stay_id,
                "exited_at": q.exit_at,
                "exit_booth": who.booth,
                "exit_user_id": who.user_id,
            },
        )
        values: dict[str, Any] = {
            "stay_id": stay_id,
            "authorization_id": found.a_id,
            "prefix": found.a_prefix,
            "number": number,
            "issued_at": now,
            "minutes": q.fee.minutes,
            "amount": q.amount,
            "base": q.base,
            "tax": q.tax,
            "iva_rate_bp": q.iva_rate_bp,
            "payment_method": payment_method,
            "tendered": paid,
            "change": paid - q.amount,
            "buyer_id": buyer[0],
            "buyer_name": buyer[1],
            "booth": who.booth,
            "user_id": who.user_id,
            "shift_id": shift_id,
            "voided_at": None,
            "voided_by": None,
            "void_reason": "",
            "print_count": 0,
        }
        values["id"] = rows.new_id(conn.execute(_INSERT_INVOICE, values))
        invoice = rows.detached(Invoice, values)
        prev_hash = found.last_hash or audit.GENESIS
        if q.clock_backwards:
            prev_hash = audit.append(
                conn,
                prev_hash=prev_hash,
                clock=clock,
                actor=who.actor,
                action="clock.backwards",
                subject=stay.plate,
                details={"stay": stay.id, "entered_at": stay.entered_at, "clock": at},
            ).hash
        audit.append(
            conn,
            prev_hash=prev_hash,
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
