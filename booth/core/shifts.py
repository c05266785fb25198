"""Cashier shifts: open with a float, cash movements, X and Z reports, close.

A shift is one attendant's turn at one booth's cash drawer; the schema allows
one open shift per booth. Every action here is one transaction with its audit
event. A closed shift is never reopened or edited.

Expected cash in the drawer::

    opening_float + cash invoices' amount + cash_in - drops - payouts

A cash invoice's `amount` is `tendered - change`, so change given back is
already netted. Voided cash invoices still count: the customer paid and the
cash went into the drawer; giving money back is a paid-out recorded with its
reason. This also keeps a Z report the same when an invoice of a closed shift
is voided later.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from booth.core import audit, lot
from booth.core.audit import SignedIn
from booth.core.clock import Clock
from booth.core.db import run_read, run_write
from booth.core.errors import BoothError, NotFound, Refused
from booth.core.i18n import _
from booth.core.models import (
    CASH_MOVEMENT_KINDS,
    PAYMENT_METHODS,
    AuditEvent,
    CashMovement,
    Invoice,
    LotSettings,
    Shift,
    User,
)
from booth.core.money import format_cop
from booth.core.stays import parse_tendered

REASON_MAX = 200
MAX_PIECES = 100_000  # bills or coins of one denomination; more is a typing mistake
PRINT_TIMEOUT_S = 20


@dataclass(frozen=True)
class Denomination:
    """A Colombian bill or coin the drawer is counted in."""

    value: int
    kind: str  # "bill" or "coin"

    @property
    def key(self) -> str:
        """`bill_100000`, `coin_50`: the name used in audit details and forms."""
        return f"{self.kind}_{self.value}"

    @property
    def label(self) -> str:
        word = _("bill") if self.kind == "bill" else _("coin")
        return f"{format_cop(self.value)} {word}"


DENOMINATIONS: tuple[Denomination, ...] = tuple(
    [Denomination(v, "bill") for v in (100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000)]
    + [Denomination(v, "coin") for v in (1_000, 500, 200, 100, 50)]
)
_BY_KEY = {d.key: d for d in DENOMINATIONS}


def movement_label(kind: str) -> str:
    """How a cash movement kind reads on screen and on the report."""
    return {
        "drop": _("Cash drop"),
        "payout": _("Paid-out"),
        "cash_in": _("Cash in"),
    }.get(kind, kind)


def method_label(method: str) -> str:
    """How a payment method reads on screen and on the report."""
    return {"cash": _("Cash"), "card": _("Card"), "transfer": _("Transfer")}.get(method, method)


# --- typed input ----------------------------------------------------------------------------


def parse_amount(text: str, *, what: str) -> int:
    """Whole pesos typed by a person for `what` (e.g. "the opening float"); empty is refused."""
    try:
        value = parse_tendered(text)
    except Refused as exc:
        digits = text.strip().replace("$", "").replace(".", "").replace(",", "").replace(" ", "")
        if digits.isascii() and digits.isdigit():
            raise  # a well-formed but too large number: keep its own sentence
        raise Refused(_("Type {what} in whole pesos, like 20000.").format(what=what)) from exc
    if value is None:
        raise Refused(_("Type {what} (0 if there is none).").format(what=what))
    return value


def parse_pieces(text: str, denomination: Denomination) -> int:
    """How many bills or coins of one denomination were counted; empty is 0."""
    cleaned = text.strip().replace(".", "").replace(",", "")
    if not cleaned:
        return 0
    if not cleaned.isascii() or not cleaned.isdigit() or int(cleaned[:7]) > MAX_PIECES:
        raise Refused(
            _("Type how many {label}s there are as a whole number.").format(
                label=denomination.label
            )
        )
    return int(cleaned)


def denominations_total(counts: Mapping[str, int]) -> int:
    """Pesos in a count by denomination (`{"bill_50000": 2, "coin_500": 3}`)."""
    total = 0
    for key, pieces in counts.items():
        denom = _BY_KEY.get(key)
        if denom is None:
            raise Refused(_("Unknown denomination '{key}'.").format(key=key))
        if pieces < 0 or pieces > MAX_PIECES:
            raise Refused(_("The count of {label}s is not possible.").format(label=denom.label))
        total += denom.value * pieces
    return total


def clean_reason(text: str, *, required: bool) -> str:
    """A reason typed by a person: one line, at most REASON_MAX characters."""
    reason = " ".join(text.split())
    if required and not reason:
        raise Refused(_("Type the reason."))
    if len(reason) > REASON_MAX:
        raise Refused(_("A reason has at most {n} characters.").format(n=REASON_MAX))
    if any(not ch.isprintable() for ch in reason):
        raise Refused(_("A reason cannot contain control characters."))
    return reason


# --- looking shifts up ----------------------------------------------------------------------


def open_shift_at(session: Session, booth: str) -> Shift | None:
    """The shift open at `booth` (at most one)."""
    return session.exec(
        select(Shift).where(Shift.booth == booth, col(Shift.closed_at).is_(None))
    ).first()


def open_shifts_of_user(session: Session, user_id: int) -> list[Shift]:
    """Every open shift of one user (normally at most one)."""
    return list(
        session.exec(
            select(Shift)
            .where(Shift.user_id == user_id, col(Shift.closed_at).is_(None))
            .order_by(col(Shift.id))
        )
    )


def user_label(session: Session, user_id: int | None) -> str:
    """`Ana Pérez (ana)`, or the username when there is no full name."""
    if user_id is None:
        return ""
    user = session.get(User, user_id)
    if user is None:
        return f"#{user_id}"
    return f"{user.name} ({user.username})" if user.name else user.username


def get_shift(session: Session, shift_id: int) -> Shift:
    """A shift by id, or NotFound."""
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(_("No shift {id}.").format(id=shift_id))
    return shift


@dataclass(frozen=True)
class ShiftState:
    """Where a signed-in person stands at this booth, right after login."""

    own: Shift | None
    other: Shift | None
    message: str

    @property
    def blocked(self) -> bool:
        """Another attendant's shift is open here: no payments until it is closed."""
        return self.other is not None


def _blocked_sentence(session: Session, shift: Shift) -> str:
    who = session.get(User, shift.user_id)
    name = who.username if who is not None else f"#{shift.user_id}"
    return _(
        "The shift of {user} is still open at this booth: they close it, "
        "or an operator runs `booth shift close {id}`."
    ).format(user=name, id=shift.id)


def _state(session: Session, who: SignedIn) -> ShiftState:
    here = open_shift_at(session, who.booth)
    if here is not None and here.user_id == who.user_id:
        return ShiftState(own=here, other=None, message="")
    if here is not None:
        return ShiftState(own=None, other=here, message=_blocked_sentence(session, here))
    return ShiftState(
        own=None, other=None, message=_("Open your shift first: press F9 and type the float.")
    )


def shift_state(engine: Engine, *, who: SignedIn) -> ShiftState:
    """After login: resume the own open shift, open one, or wait for another's to close."""
    return run_read(engine, lambda s: _state(s, who))


def payment_shift(engine: Engine, *, who: SignedIn) -> Shift:
    """The attendant's own open shift at this booth, to pass to check-out; else Refused."""
    state = shift_state(engine, who=who)
    if state.own is None:
        raise Refused(state.message)
    return state.own


def ensure_payment_shift(session: Session, *, who: SignedIn, shift_id: int) -> Shift:
    """Inside a check-out transaction: `shift_id` is still `who`'s open shift at this booth."""
    shift = session.get(Shift, shift_id)
    if (
        shift is None
        or shift.closed_at is not None
        or shift.user_id != who.user_id
        or shift.booth != who.booth
    ):
        state = _state(session, who)
        raise Refused(state.message or _("Your shift was closed; open a new one first."))
    return shift


# --- actions (one transaction each) ---------------------------------------------------------


def open_shift(engine: Engine, *, clock: Clock, who: SignedIn, opening_float: int) -> Shift:
    """Open `who`'s shift at their booth with the cash placed in the drawer."""
    if opening_float < 0 or opening_float > 100_000_000:
        raise Refused(_("That opening float is not possible; check what was typed."))

    def work(session: Session) -> Shift:
        here = open_shift_at(session, who.booth)
        if here is not None and here.user_id == who.user_id:
            raise Refused(_("Your shift {id} is already open at this booth.").format(id=here.id))
        if here is not None:
            raise Refused(_blocked_sentence(session, here))
        elsewhere = open_shifts_of_user(session, who.user_id)
        if elsewhere:
            raise Refused(
                _(
                    "Your shift {id} at booth {booth} is still open: close it there, "
                    "or an operator runs `booth shift close {id}`."
                ).format(id=elsewhere[0].id, booth=elsewhere[0].booth)
            )
        shift = Shift(
            booth=who.booth,
            user_id=who.user_id,
            opened_at=clock.now(),
            opening_float=opening_float,
        )
        session.add(shift)
        session.flush()
        audit.record(
            session,
            clock=clock,
            actor=who.actor,
            action="shift.open",
            subject=str(shift.id),
            details={"float": opening_float},
        )
        return shift

    try:
        return run_write(engine, work)
    except IntegrityError as exc:
        # Another attendant opened a shift at this booth between our look and our write.
        raise Refused(_("Another shift was just opened at this booth.")) from exc


def _own_open_shift(session: Session, who: SignedIn) -> Shift:
    state = _state(session, who)
    if state.own is None:
        raise Refused(state.message)
    return state.own


def record_movement(
    engine: Engine, *, clock: Clock, who: SignedIn, kind: str, amount: int, reason: str
) -> CashMovement:
    """A cash drop, paid-out or cash in on `who`'s open shift at their booth."""
    if kind not in CASH_MOVEMENT_KINDS:
        raise Refused(_("A cash movement is a drop, a paid-out or cash in."))
    if amount <= 0:
        raise Refused(_("The amount must be more than 0."))
    if amount > 100_000_000:
        raise Refused(_("That amount is too large; check what was typed."))
    why = clean_reason(reason, required=True)

    def work(session: Session) -> CashMovement:
        shift = _own_open_shift(session, who)
        assert shift.id is not None
        if kind != "cash_in":
            in_drawer = _expected_cash(session, shift)
            if amount > in_drawer:
                raise Refused(
                    _(
                        "The drawer should hold {have}; {what} of {amount} is more than that."
                    ).format(
                        have=format_cop(in_drawer),
                        what=movement_label(kind).lower(),
                        amount=format_cop(amount),
                    )
                )
        movement = CashMovement(
            shift_id=shift.id,
            kind=kind,
            amount=amount,
            reason=why,
            created_at=clock.now(),
            user_id=who.user_id,
        )
        session.add(movement)
        session.flush()
        audit.record(
            session,
            clock=clock,
            actor=who.actor,
            action=f"shift.{kind}",
            subject=str(shift.id),
            details={"movement": movement.id, "amount": amount, "reason": why},
        )
        return movement

    return run_write(engine, work)


def _closable(session: Session, shift_id: int) -> Shift:
    shift = get_shift(session, shift_id)
    if shift.closed_at is not None:
        raise Refused(
            _("Shift {id} was already closed at {at} by {user}.").format(
                id=shift.id,
                at=_local(lot.get_settings(session), shift.closed_at),
                user=user_label(session, shift.closed_by),
            )
        )
    return shift


def check_closable(engine: Engine, *, shift_id: int) -> Shift:
    """The shift if it exists and is open; else NotFound or Refused (nothing written)."""
    return run_read(engine, lambda s: _closable(s, shift_id))


def close_shift(
    engine: Engine,
    *,
    clock: Clock,
    who: SignedIn,
    shift_id: int,
    counted: int | None = None,
    denominations: Mapping[str, int] | None = None,
    reason: str = "",
    expected_seen: int | None = None,
) -> Shift:
    """Close a shift with the counted cash; its owner or an operator may do it.

    `expected_seen` is the expected cash the person was shown next to their
    count; if it changed meanwhile, the close is refused so they look again.

    `denominations` (optional) is the count by bill and coin; its total is the
    counted cash and is kept in the audit event.
    """
    counts = {k: v for k, v in (denominations or {}).items() if v}
    if denominations is not None:
        total = denominations_total(counts)
        if counted is not None and counted != total:
            raise Refused(
                _("The counted cash {counted} differs from the bills and coins, {total}.").format(
                    counted=format_cop(counted), total=format_cop(total)
                )
            )
        counted = total
    if counted is None:
        raise Refused(_("Type the counted cash (0 if the drawer is empty)."))
    if counted < 0 or counted > 100_000_000:
        raise Refused(_("That counted cash is not possible; check what was typed."))
    why = clean_reason(reason, required=False)

    def work(session: Session) -> Shift:
        shift = _closable(session, shift_id)
        if shift.user_id != who.user_id and who.role != "operator":
            raise Refused(_("Only its attendant or an operator can close this shift."))
        expected = _expected_cash(session, shift)
        if expected_seen is not None and expected_seen != expected:
            raise Refused(
                _(
                    "The expected cash changed to {expected} meanwhile; "
                    "check the difference again before closing."
                ).format(expected=format_cop(expected))
            )
        shift.closed_at = clock.now()
        shift.closed_by = who.user_id
        shift.expected_cash = expected
        shift.counted_cash = counted
        shift.close_reason = why
        session.add(shift)
        session.flush()
        details: dict[str, Any] = {
            "expected": expected,
            "counted": counted,
            "difference": counted - expected,
        }
        if why:
            details["reason"] = why
        if counts:
            details["denominations"] = counts
        audit.record(
            session,
            clock=clock,
            actor=who.actor,
            action="shift.close",
            subject=str(shift.id),
            details=details,
        )
        return shift

    return run_write(engine, work)


# --- reports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodTotal:
    """Invoices of one payment method in a shift."""

    method: str
    count: int
    amount: int


@dataclass(frozen=True)
class ShiftReport:
    """An X report (shift still open) or a Z report (closed shift)."""

    shift_id: int
    booth: str
    attendant: str
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str
    close_reason: str
    opening_float: int
    methods: tuple[MethodTotal, ...]
    voided_count: int
    voided_amount: int
    cash_in: int
    drops: int
    drop_count: int
    payouts: int
    payout_count: int
    expected_cash: int
    counted_cash: int | None
    movements: tuple[CashMovement, ...]
    denominations: dict[str, int] = field(default_factory=dict)
    made_at: datetime | None = None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def kind(self) -> str:
        """ "Z" for a closed shift, "X" for one still open."""
        return "Z" if self.is_closed else "X"

    @property
    def invoice_count(self) -> int:
        return sum(m.count for m in self.methods)

    @property
    def invoice_total(self) -> int:
        return sum(m.amount for m in self.methods)

    @property
    def cash_sales(self) -> int:
        return next((m.amount for m in self.methods if m.method == "cash"), 0)

    @property
    def difference(self) -> int | None:
        """Counted minus expected: positive is over, negative is short."""
        return None if self.counted_cash is None else self.counted_cash - self.expected_cash


def _expected_cash(session: Session, shift: Shift) -> int:
    cash_sales = session.exec(
        select(func.coalesce(func.sum(Invoice.amount), 0)).where(
            Invoice.shift_id == shift.id, Invoice.payment_method == "cash"
        )
    ).one()
    moves = dict(
        session.exec(
            select(CashMovement.kind, func.sum(CashMovement.amount))
            .where(CashMovement.shift_id == shift.id)
            .group_by(CashMovement.kind)
        ).all()
    )
    return (
        shift.opening_float
        + int(cash_sales)
        + int(moves.get("cash_in", 0))
        - int(moves.get("drop", 0))
        - int(moves.get("payout", 0))
    )


def _close_denominations(session: Session, shift_id: int) -> dict[str, int]:
    import json

    details = session.exec(
        select(AuditEvent.details)
        .where(AuditEvent.action == "shift.close", AuditEvent.subject == str(shift_id))
        .order_by(col(AuditEvent.id).desc())
    ).first()
    if not details:
        return {}
    counts = json.loads(details).get("denominations", {})
    return {str(k): int(v) for k, v in counts.items()}


def build_report(session: Session, shift: Shift, *, at: datetime | None = None) -> ShiftReport:
    """The report of `shift` from its invoices and movements (inside a read)."""
    rows = session.exec(
        select(Invoice.payment_method, func.count(), func.sum(Invoice.amount))
        .where(Invoice.shift_id == shift.id)
        .group_by(Invoice.payment_method)
    ).all()
    by_method = {m: (int(c), int(a or 0)) for m, c, a in rows}
    methods = tuple(
        MethodTotal(m, *by_method.get(m, (0, 0)))
        for m in (*PAYMENT_METHODS, *sorted(set(by_method) - set(PAYMENT_METHODS)))
    )
    voided_stmt = select(func.count(), func.coalesce(func.sum(Invoice.amount), 0)).where(
        Invoice.shift_id == shift.id, col(Invoice.voided_at).is_not(None)
    )
    if shift.closed_at is not None:
        # What was voided after the close is not part of the closed shift's report.
        voided_stmt = voided_stmt.where(col(Invoice.voided_at) <= shift.closed_at)
    voided_count, voided_amount = session.exec(voided_stmt).one()
    movements = tuple(
        session.exec(
            select(CashMovement)
            .where(CashMovement.shift_id == shift.id)
            .order_by(col(CashMovement.created_at), col(CashMovement.id))
        )
    )

    def total(kind: str) -> tuple[int, int]:
        picked = [m.amount for m in movements if m.kind == kind]
        return sum(picked), len(picked)

    cash_in, _count = total("cash_in")
    drops, drop_count = total("drop")
    payouts, payout_count = total("payout")
    closed = shift.closed_at is not None
    expected = (
        shift.expected_cash
        if closed and shift.expected_cash is not None
        else _expected_cash(session, shift)
    )
    assert shift.id is not None
    return ShiftReport(
        shift_id=shift.id,
        booth=shift.booth,
        attendant=user_label(session, shift.user_id),
        opened_at=shift.opened_at,
        closed_at=shift.closed_at,
        closed_by=user_label(session, shift.closed_by),
        close_reason=shift.close_reason,
        opening_float=shift.opening_float,
        methods=methods,
        voided_count=int(voided_count),
        voided_amount=int(voided_amount),
        cash_in=cash_in,
        drops=drops,
        drop_count=drop_count,
        payouts=payouts,
        payout_count=payout_count,
        expected_cash=expected,
        counted_cash=shift.counted_cash if closed else None,
        movements=movements,
        denominations=_close_denominations(session, shift.id) if closed else {},
        made_at=at,
    )


def shift_report(engine: Engine, *, clock: Clock, shift_id: int) -> ShiftReport:
    """The Z report of a closed shift, or the X report of an open one."""
    return run_read(engine, lambda s: build_report(s, get_shift(s, shift_id), at=clock.now()))


def own_report(engine: Engine, *, clock: Clock, who: SignedIn) -> ShiftReport:
    """The X report of `who`'s open shift at their booth (F7)."""
    return run_read(engine, lambda s: build_report(s, _own_open_shift(s, who), at=clock.now()))


def report_json(report: ShiftReport, settings: LotSettings) -> dict[str, Any]:
    """The JSON contract of `booth shift show --format json`."""
    tz = lot.zone(settings)

    def iso(at: datetime | None) -> str | None:
        return None if at is None else at.astimezone(tz).isoformat()

    return {
        "id": report.shift_id,
        "report": report.kind,
        "booth": report.booth,
        "attendant": report.attendant,
        "opened_at": iso(report.opened_at),
        "closed_at": iso(report.closed_at),
        "closed_by": report.closed_by or None,
        "close_reason": report.close_reason,
        "opening_float": report.opening_float,
        "invoices": report.invoice_count,
        "total": report.invoice_total,
        "by_method": {m.method: {"count": m.count, "amount": m.amount} for m in report.methods},
        "voided": {"count": report.voided_count, "amount": report.voided_amount},
        "cash_sales": report.cash_sales,
        "cash_in": report.cash_in,
        "drops": report.drops,
        "payouts": report.payouts,
        "expected_cash": report.expected_cash,
        "counted_cash": report.counted_cash,
        "difference": report.difference,
        "denominations": report.denominations,
        "movements": [
            {
                "kind": m.kind,
                "amount": m.amount,
                "reason": m.reason,
                "at": iso(m.created_at),
            }
            for m in report.movements
        ],
    }


def _local(settings: LotSettings, at: datetime) -> str:
    return at.astimezone(lot.zone(settings)).strftime("%Y-%m-%d %H:%M")


def pair_line(label: str, value: str, width: int) -> str:
    """`label ... value` on one line of `width` (label cut when needed)."""
    room = width - len(value) - 1
    if room < 1:
        return f"{label[: width - 1]}\n{value.rjust(width)}"
    return f"{label[:room]:<{room}} {value}"


def difference_label(difference: int) -> str:
    """`Over`, `Short` or `Even`, for counted minus expected."""
    if difference > 0:
        return _("Over")
    if difference < 0:
        return _("Short")
    return _("Even")


def report_text(report: ShiftReport, settings: LotSettings) -> str:
    """The report as plain text at the lot's receipt width (printed like an invoice)."""
    width = settings.receipt_width
    rule = "-" * width
    title = _("Z REPORT - SHIFT CLOSED") if report.is_closed else _("X REPORT - SHIFT OPEN")
    lines = [settings.name[:width].center(width).rstrip()]
    if settings.nit:
        lines.append(f"NIT {settings.nit}"[:width].center(width).rstrip())
    lines += [title[:width].center(width).rstrip(), rule]
    lines.append(pair_line(_("Shift"), str(report.shift_id), width))
    lines.append(pair_line(_("Booth"), report.booth, width))
    lines.append(pair_line(_("Attendant"), report.attendant, width))
    lines.append(pair_line(_("Opened"), _local(settings, report.opened_at), width))
    if report.closed_at is not None:
        lines.append(pair_line(_("Closed"), _local(settings, report.closed_at), width))
        lines.append(pair_line(_("Closed by"), report.closed_by, width))
        if report.close_reason:
            lines.append(pair_line(_("Reason"), report.close_reason, width))
    lines.append(rule)
    lines.append(pair_line(_("Invoices"), str(report.invoice_count), width))
    for m in report.methods:
        lines.append(
            pair_line(f"  {method_label(m.method)} ({m.count})", format_cop(m.amount), width)
        )
    lines.append(pair_line(_("  Total"), format_cop(report.invoice_total), width))
    lines.append(
        pair_line(
            _("  of which voided ({n})").format(n=report.voided_count),
            format_cop(report.voided_amount),
            width,
        )
    )
    lines.append(rule)
    lines.append(pair_line(_("Opening float"), format_cop(report.opening_float), width))
    lines.append(pair_line(_("+ Cash sales"), format_cop(report.cash_sales), width))
    lines.append(pair_line(_("+ Cash in"), format_cop(report.cash_in), width))
    lines.append(
        pair_line(
            _("- Cash drops ({n})").format(n=report.drop_count), format_cop(report.drops), width
        )
    )
    lines.append(
        pair_line(
            _("- Paid-outs ({n})").format(n=report.payout_count), format_cop(report.payouts), width
        )
    )
    lines.append(pair_line(_("= Expected cash"), format_cop(report.expected_cash), width))
    if report.counted_cash is not None and report.difference is not None:
        lines.append(pair_line(_("Counted cash"), format_cop(report.counted_cash), width))
        lines.append(
            pair_line(difference_label(report.difference), format_cop(report.difference), width)
        )
    if report.denominations:
        lines.append(rule)
        lines.append(_("Count by denomination"))
        for denom in DENOMINATIONS:
            pieces = report.denominations.get(denom.key, 0)
            if pieces:
                lines.append(
                    pair_line(
                        f"  {pieces} x {denom.label}", format_cop(pieces * denom.value), width
                    )
                )
    if report.movements:
        lines.append(rule)
        lines.append(_("Cash movements"))
        tz = lot.zone(settings)
        for move in report.movements:
            head = f"{move.created_at.astimezone(tz):%H:%M} {movement_label(move.kind)}"
            lines.append(pair_line(head, format_cop(move.amount), width))
            if move.reason:
                lines.append(f"  {move.reason}"[:width])
    lines.append(rule)
    if report.made_at is not None:
        lines.append(pair_line(_("Printed"), _local(settings, report.made_at), width))
    return "\n".join(lines) + "\n"


def report_with_settings(
    engine: Engine, *, clock: Clock, shift_id: int | None = None, who: SignedIn | None = None
) -> tuple[ShiftReport, LotSettings]:
    """The report of shift `shift_id` (else of `who`'s own open shift) and the lot's settings."""

    def read(session: Session) -> tuple[ShiftReport, LotSettings]:
        if shift_id is not None:
            shift = get_shift(session, shift_id)
        elif who is not None:
            shift = _own_open_shift(session, who)
        else:
            raise ValueError("a shift id or a signed-in user is needed")
        return build_report(session, shift, at=clock.now()), lot.get_settings(session)

    return run_read(engine, read)


# --- listing --------------------------------------------------------------------------------


def parse_day(text: str) -> date:
    """A local date typed as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise Refused(_("A date looks like YYYY-MM-DD, e.g. 2026-03-10.")) from exc


def list_shifts(
    engine: Engine, *, open_only: bool = False, day: date | None = None
) -> list[dict[str, Any]]:
    """Shifts newest first, as plain dicts (the JSON contract of `booth shift list`).

    `day` keeps the shifts opened on that local date of the lot.
    """

    def read(session: Session) -> list[dict[str, Any]]:
        settings = lot.get_settings(session)
        tz = lot.zone(settings)
        stmt = select(Shift)
        if open_only:
            stmt = stmt.where(col(Shift.closed_at).is_(None))
        if day is not None:
            start = datetime.combine(day, time(0), tzinfo=tz)
            end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
            stmt = stmt.where(col(Shift.opened_at) >= start, col(Shift.opened_at) < end)
        out: list[dict[str, Any]] = []
        for shift in session.exec(stmt.order_by(col(Shift.opened_at).desc(), col(Shift.id))):
            closed = shift.closed_at is not None
            expected = shift.expected_cash if closed else _expected_cash(session, shift)
            out.append(
                {
                    "id": shift.id,
                    "booth": shift.booth,
                    "attendant": user_label(session, shift.user_id),
                    "status": "closed" if closed else "open",
                    "opened_at": shift.opened_at.astimezone(tz).isoformat(),
                    "closed_at": shift.closed_at.astimezone(tz).isoformat()
                    if shift.closed_at
                    else None,
                    "closed_by": user_label(session, shift.closed_by) or None,
                    "opening_float": shift.opening_float,
                    "expected_cash": expected,
                    "counted_cash": shift.counted_cash,
                    "difference": None
                    if shift.counted_cash is None or expected is None
                    else shift.counted_cash - expected,
                }
            )
        return out

    return run_read(engine, read)


# --- printing -------------------------------------------------------------------------------


def print_report(text: str, *, settings: LotSettings, default_dir: Path, name: str) -> str:
    """Print through the lot's printer command, else save under the receipts folder.

    Returns one sentence saying where the report went.
    """
    if settings.printer_command.strip():
        try:
            argv = shlex.split(settings.printer_command)
            done = subprocess.run(
                argv,
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=PRINT_TIMEOUT_S,
                check=False,
            )
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            raise BoothError(
                _("The printer command failed ({reason}); the report was not printed.").format(
                    reason=type(exc).__name__
                )
            ) from exc
        if done.returncode != 0:
            raise BoothError(
                _("The printer command failed (exit {code}); the report was not printed.").format(
                    code=done.returncode
                )
            )
        return _("Sent to the printer.")
    folder = Path(settings.receipt_dir).expanduser() if settings.receipt_dir else default_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise BoothError(
            _("Cannot save the report in {folder}: {reason}.").format(
                folder=folder, reason=exc.strerror
            )
        ) from exc
    return _("Saved to {path}.").format(path=path)
