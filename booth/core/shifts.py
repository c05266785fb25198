"""Cashier shifts: open with a float, cash movements, close (reports: shift_reports.py).

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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

# `stays` is imported as a module (attributes looked up at call time) so that
# stays.check_out may import this module to check the shift in its transaction.
from booth.core import audit, lot, stays
from booth.core.audit import SignedIn
from booth.core.clock import Clock
from booth.core.db import run_read, run_write
from booth.core.errors import NotFound, Refused
from booth.core.i18n import _
from booth.core.models import (
    CASH_MOVEMENT_KINDS,
    CashMovement,
    Invoice,
    Shift,
    User,
)
from booth.core.money import format_cop

REASON_MAX = 200
MAX_PIECES = 100_000  # bills or coins of one denomination; more is a typing mistake


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
        value = stays.parse_tendered(text)
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


def expected_cash(session: Session, shift: Shift) -> int:
    """What the drawer should hold: float + cash invoices + cash in - drops - payouts."""
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
        # Another shift was opened at this booth between our look and our write.
        state = shift_state(engine, who=who)
        raise Refused(
            state.message if state.other is not None else _("A shift was just opened here.")
        ) from exc


def own_open_shift(session: Session, who: SignedIn) -> Shift:
    """`who`'s open shift at their booth, or Refused with the sentence to show."""
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
        shift = own_open_shift(session, who)
        assert shift.id is not None
        if kind != "cash_in":
            in_drawer = expected_cash(session, shift)
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
                at=stays.local_label(lot.get_settings(session), shift.closed_at),
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
        expected = expected_cash(session, shift)
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
