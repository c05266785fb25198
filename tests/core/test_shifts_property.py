"""Property: a shift's report always agrees with its invoices and cash movements."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import select

from booth.core import shift_reports, shifts, stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.models import CashMovement, Invoice

plates = (f"PRP{n:03d}" for n in itertools.count())

sale = st.tuples(
    st.just("sale"),
    st.sampled_from(["cash", "card", "transfer"]),
    st.integers(min_value=1, max_value=300),  # minutes parked
    st.integers(min_value=0, max_value=20_000),  # extra tendered over the fee (cash)
)
movement = st.tuples(
    st.just("move"),
    st.sampled_from(["drop", "payout", "cash_in"]),
    st.integers(min_value=1, max_value=60_000),
    st.just(0),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    opening=st.integers(min_value=0, max_value=200_000),
    steps=st.lists(st.one_of(sale, movement), max_size=6),
    counted_delta=st.integers(min_value=-5_000, max_value=5_000),
)
def test_report_totals_equal_the_shift_invoices(
    engine: Engine,
    clock: FixedClock,
    ana: SignedIn,
    opening: int,
    steps: list[tuple[str, str, int, int]],
    counted_delta: int,
) -> None:
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=opening)
    sid = shift.id or 0
    for what, kind, amount, extra in steps:
        if what == "sale":
            ci = stays.check_in(engine, clock=clock, who=ana, plate=next(plates))
            clock.advance(minutes=amount)
            fee = stays.quote(engine, clock=clock, query=ci.stay.plate).amount
            stays.check_out(
                engine,
                clock=clock,
                who=ana,
                stay_id=ci.stay.id or 0,
                payment_method=kind,
                tendered=fee + extra if kind == "cash" else None,
                shift_id=sid,
            )
        else:
            in_drawer = shift_reports.own_report(engine, clock=clock, who=ana).expected_cash
            if kind != "cash_in" and amount > in_drawer:
                continue  # refused by design; covered elsewhere
            shifts.record_movement(
                engine, clock=clock, who=ana, kind=kind, amount=amount, reason="property"
            )
    invoices = run_read(
        engine, lambda s: list(s.exec(select(Invoice).where(Invoice.shift_id == sid)))
    )
    moves = run_read(
        engine, lambda s: list(s.exec(select(CashMovement).where(CashMovement.shift_id == sid)))
    )

    def moved(kind: str) -> int:
        return sum(m.amount for m in moves if m.kind == kind)

    expected = (
        opening
        + sum(i.tendered - i.change for i in invoices if i.payment_method == "cash")
        + moved("cash_in")
        - moved("drop")
        - moved("payout")
    )
    x = shift_reports.own_report(engine, clock=clock, who=ana)
    assert x.expected_cash == expected
    counted = max(0, expected + counted_delta)
    shifts.close_shift(engine, clock=clock, who=ana, shift_id=sid, counted=counted)
    z = shift_reports.shift_report(engine, clock=clock, shift_id=sid)
    assert z.invoice_count == len(invoices)
    assert z.invoice_total == sum(i.amount for i in invoices)
    for m in z.methods:
        picked = [i.amount for i in invoices if i.payment_method == m.method]
        assert (m.count, m.amount) == (len(picked), sum(picked))
    assert (z.expected_cash, z.counted_cash, z.difference) == (
        expected,
        counted,
        counted - expected,
    )
    assert (z.drops, z.payouts, z.cash_in) == (moved("drop"), moved("payout"), moved("cash_in"))
