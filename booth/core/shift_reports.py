"""Shift reports: X (open shift so far) and Z (closed shift), as data, JSON and receipt text.

Also the shift list of `booth shift list` and printing a report like an invoice.
Totals come from the shift's invoices and cash movements; a closed shift's
expected cash is the one stored when it was closed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from booth.core import lot
from booth.core.audit import SignedIn
from booth.core.clock import Clock
from booth.core.db import run_read
from booth.core.errors import Refused
from booth.core.i18n import _
from booth.core.models import PAYMENT_METHODS, AuditEvent, CashMovement, Invoice, LotSettings, Shift
from booth.core.money import format_cop
from booth.core.shifts import (
    DENOMINATIONS,
    expected_cash,
    get_shift,
    method_label,
    movement_label,
    own_open_shift,
    user_label,
)
from booth.core.stays import local_label

PRINT_TIMEOUT_S = 20


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


def _close_denominations(session: Session, shift_id: int) -> dict[str, int]:
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
        else expected_cash(session, shift)
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
    return run_read(engine, lambda s: build_report(s, own_open_shift(s, who), at=clock.now()))


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
    lines.append(pair_line(_("Opened"), local_label(settings, report.opened_at), width))
    if report.closed_at is not None:
        lines.append(pair_line(_("Closed"), local_label(settings, report.closed_at), width))
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
        lines.append(pair_line(_("Printed"), local_label(settings, report.made_at), width))
    return "\n".join(lines) + "\n"


def report_with_settings(
    engine: Engine, *, clock: Clock, shift_id: int | None = None, who: SignedIn | None = None
) -> tuple[ShiftReport, LotSettings]:
    """The report of shift `shift_id` (else of `who`'s own open shift) and the lot's settings."""

    def read(session: Session) -> tuple[ShiftReport, LotSettings]:
        if shift_id is not None:
            shift = get_shift(session, shift_id)
        elif who is not None:
            shift = own_open_shift(session, who)
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
            expected = shift.expected_cash if closed else expected_cash(session, shift)
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

    Returns one sentence saying where the report went. Uses the invoice
    receipts' printer and file paths, so both behave alike.
    """
    from booth.core import receipts

    command = settings.printer_command.strip()
    if command:
        receipts.pipe_to_printer(command, text)
        return _("Sent to the printer.")
    folder = Path(settings.receipt_dir).expanduser() if settings.receipt_dir else default_dir
    path = receipts.write_receipt_file(folder, name, text)
    return _("Saved to {path}.").format(path=path)
