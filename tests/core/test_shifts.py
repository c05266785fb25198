import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from booth.core import auth, invoices, shift_reports, shifts, stays
from booth.core.audit import Actor, SignedIn, verify_chain
from booth.core.clock import FixedClock
from booth.core.db import run_read, run_write
from booth.core.errors import NotFound, Refused
from booth.core.models import AuditEvent, CashMovement, Invoice, LotSettings, Shift
from tests.conftest import ATTENDANT_PASSWORD, signed_in


def add_attendant(engine: Engine, clock: FixedClock, username: str) -> None:
    run_write(
        engine,
        lambda s: auth.create_user(
            s,
            clock=clock,
            actor=Actor("admin", "B1"),
            username=username,
            password=ATTENDANT_PASSWORD,
            role="attendant",
        ),
    )


def pay(
    engine: Engine,
    clock: FixedClock,
    who: SignedIn,
    plate: str,
    minutes: int,
    method: str = "cash",
    tendered: int | None = None,
    shift_id: int | None = None,
) -> Invoice:
    """Check a car in, let `minutes` pass, check it out on the given shift (37 COP/min)."""
    ci = stays.check_in(engine, clock=clock, who=who, plate=plate)
    clock.advance(minutes=minutes)
    return stays.check_out(
        engine,
        clock=clock,
        who=who,
        stay_id=ci.stay.id or 0,
        payment_method=method,
        tendered=tendered,
        shift_id=shift_id,
    )


def count(engine: Engine, model: type) -> int:
    return run_read(engine, lambda s: s.exec(select(func.count()).select_from(model)).one())


def test_open_resume_and_payment_shift(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    state = shifts.shift_state(engine, who=ana)
    assert state.own is None and not state.blocked
    assert state.message == "Open your shift first: press F9 and type the float."
    with pytest.raises(Refused, match="Open your shift first"):
        shifts.payment_shift(engine, who=ana)
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=50_000)
    assert (shift.booth, shift.user_id, shift.opening_float) == ("B1", ana.user_id, 50_000)
    assert shift.opened_at == clock.now() and shift.closed_at is None
    # Logging back in (after a lock or a restart) resumes the same shift.
    again = signed_in(engine, "ana", "B1")
    resumed = shifts.shift_state(engine, who=again).own
    assert resumed is not None and resumed.id == shift.id
    assert shifts.payment_shift(engine, who=again).id == shift.id
    with pytest.raises(Refused, match=f"Your shift {shift.id} is already open at this booth"):
        shifts.open_shift(engine, clock=clock, who=ana, opening_float=0)
    events = run_read(
        engine,
        lambda s: s.exec(select(AuditEvent).where(AuditEvent.action == "shift.open")).all(),
    )
    assert [(e.subject, json.loads(e.details)) for e in events] == [
        (str(shift.id), {"float": 50_000})
    ]


def test_second_attendant_blocked_until_the_shift_closes(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    add_attendant(engine, clock, "beto")
    beto = signed_in(engine, "beto", "B1")
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=0)
    state = shifts.shift_state(engine, who=beto)
    sentence = (
        f"The shift of ana is still open at this booth: they close it, "
        f"or an operator runs `booth shift close {shift.id}`."
    )
    assert state.blocked and state.own is None and state.message == sentence
    with pytest.raises(Refused) as refused:
        shifts.payment_shift(engine, who=beto)
    assert str(refused.value) == sentence
    with pytest.raises(Refused, match="The shift of ana is still open"):
        shifts.open_shift(engine, clock=clock, who=beto, opening_float=10_000)
    with pytest.raises(Refused, match="The shift of ana is still open"):
        shifts.record_movement(
            engine, clock=clock, who=beto, kind="cash_in", amount=1000, reason="x"
        )
    with pytest.raises(Refused, match="Only its attendant or an operator"):
        shifts.close_shift(engine, clock=clock, who=beto, shift_id=shift.id or 0, counted=0)
    assert count(engine, Shift) == 1
    # Beto may open a shift at another booth meanwhile, and here once Ana closes.
    assert shifts.shift_state(engine, who=signed_in(engine, "beto", "B2")).message.startswith(
        "Open your shift first"
    )
    shifts.close_shift(engine, clock=clock, who=ana, shift_id=shift.id or 0, counted=0)
    second = shifts.open_shift(engine, clock=clock, who=beto, opening_float=10_000)
    assert second.id != shift.id and shifts.payment_shift(engine, who=beto).id == second.id


def test_one_attendant_one_open_shift(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    first = shifts.open_shift(engine, clock=clock, who=ana, opening_float=0)
    elsewhere = signed_in(engine, "ana", "B2")
    with pytest.raises(Refused) as refused:
        shifts.open_shift(engine, clock=clock, who=elsewhere, opening_float=0)
    assert str(refused.value) == (
        f"Your shift {first.id} at booth B1 is still open: close it there, "
        f"or an operator runs `booth shift close {first.id}`."
    )


def test_expected_cash_and_totals_equal_the_invoices(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=50_000)
    sid = shift.id or 0
    a = pay(engine, clock, ana, "AAA111", 60, "cash", 5_000, sid)  # 2220, change 2780
    b = pay(engine, clock, ana, "BBB222", 30, "cash", None, sid)  # 1110 exact
    c = pay(engine, clock, ana, "CCC333", 100, "card", None, sid)  # 3700
    d = pay(engine, clock, ana, "DDD444", 10, "transfer", None, sid)  # 370
    pay(engine, clock, ana, "EEE555", 10, "cash", None, None)  # another shift's business
    assert (a.amount, a.tendered, a.change) == (2220, 5000, 2780)
    assert (b.amount, c.amount, d.amount) == (1110, 3700, 370)
    shifts.record_movement(
        engine, clock=clock, who=ana, kind="drop", amount=40_000, reason="to the safe"
    )
    shifts.record_movement(
        engine, clock=clock, who=ana, kind="payout", amount=1_500, reason="cleaning"
    )
    shifts.record_movement(
        engine, clock=clock, who=ana, kind="cash_in", amount=2_000, reason="coins"
    )
    expected = 50_000 + 2220 + 1110 + 2_000 - 40_000 - 1_500
    report = shift_reports.own_report(engine, clock=clock, who=ana)
    assert report.kind == "X" and report.expected_cash == expected == 13_830
    assert [(m.method, m.count, m.amount) for m in report.methods] == [
        ("cash", 2, 3330),
        ("card", 1, 3700),
        ("transfer", 1, 370),
    ]
    invoices = run_read(
        engine, lambda s: s.exec(select(Invoice).where(Invoice.shift_id == sid)).all()
    )
    assert report.invoice_count == len(invoices) == 4
    assert report.invoice_total == sum(i.amount for i in invoices) == 7400
    assert report.cash_sales == sum(
        i.tendered - i.change for i in invoices if i.payment_method == "cash"
    )
    assert (report.drops, report.drop_count, report.payouts, report.cash_in) == (
        40_000,
        1,
        1_500,
        2_000,
    )
    assert [m.reason for m in report.movements] == ["to the safe", "cleaning", "coins"]
    closed = shifts.close_shift(engine, clock=clock, who=ana, shift_id=sid, counted=expected)
    assert (closed.expected_cash, closed.counted_cash) == (expected, expected)
    z = shift_reports.shift_report(engine, clock=clock, shift_id=sid)
    assert z.kind == "Z" and z.difference == 0 and z.invoice_total == 7400
    assert run_read(engine, verify_chain) == []


@pytest.mark.parametrize(
    "counted,difference,label", [(60_000, 5_000, "Over"), (54_500, -500, "Short")]
)
def test_close_over_and_short(
    engine: Engine, clock: FixedClock, ana: SignedIn, counted: int, difference: int, label: str
) -> None:
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=55_000)
    clock.advance(hours=8)
    closed = shifts.close_shift(
        engine, clock=clock, who=ana, shift_id=shift.id or 0, counted=counted
    )
    assert closed.closed_at == clock.now() and closed.closed_by == ana.user_id
    report = shift_reports.shift_report(engine, clock=clock, shift_id=shift.id or 0)
    assert (report.expected_cash, report.counted_cash, report.difference) == (
        55_000,
        counted,
        difference,
    )
    assert shift_reports.difference_label(difference) == label
    settings = run_read(engine, lambda s: s.get(LotSettings, 1))
    assert settings is not None
    text = shift_reports.report_text(report, settings)
    assert f"{label} " in text and "Z REPORT - SHIFT CLOSED" in text
    event = run_read(
        engine,
        lambda s: s.exec(select(AuditEvent).where(AuditEvent.action == "shift.close")).one(),
    )
    assert json.loads(event.details) == {
        "expected": 55_000,
        "counted": counted,
        "difference": difference,
    }


def test_closed_shift_is_never_reopened_or_edited(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=1_000)
    sid = shift.id or 0
    shifts.close_shift(engine, clock=clock, who=ana, shift_id=sid, counted=1_000)
    admin = signed_in(engine, "admin", "B1")
    with pytest.raises(
        Refused, match=rf"Shift {sid} was already closed at 2026-03-10 09:00 by Ana"
    ):
        shifts.close_shift(engine, clock=clock, who=admin, shift_id=sid, counted=0)
    with pytest.raises(Refused, match="Open your shift first"):
        shifts.record_movement(engine, clock=clock, who=ana, kind="cash_in", amount=5, reason="x")
    with pytest.raises(Refused, match="Open your shift first"):
        shifts.payment_shift(engine, who=ana)
    stored = run_read(engine, lambda s: s.get(Shift, sid))
    assert stored is not None and (stored.counted_cash, stored.expected_cash) == (1_000, 1_000)
    with pytest.raises(NotFound, match="No shift 99"):
        shifts.close_shift(engine, clock=clock, who=admin, shift_id=99, counted=0)


def test_operator_closes_an_abandoned_shift(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=20_000)
    admin = signed_in(engine, "admin", "B9")
    closed = shifts.close_shift(
        engine,
        clock=clock,
        who=admin,
        shift_id=shift.id or 0,
        counted=19_000,
        reason="  Ana  left early ",
    )
    assert closed.closed_by == admin.user_id and closed.close_reason == "Ana left early"
    assert shifts.shift_state(engine, who=ana).own is None


def test_voided_cash_invoice_still_counts_as_cash_in_the_drawer(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=0)
    sid = shift.id or 0
    kept = pay(engine, clock, ana, "AAA111", 10, "cash", None, sid)
    voided = pay(engine, clock, ana, "BBB222", 20, "cash", None, sid)
    late = pay(engine, clock, ana, "CCC333", 30, "card", None, sid)

    admin = signed_in(engine, "admin", "B1")

    def void(invoice: Invoice) -> None:
        invoices.void_invoice(
            engine, clock=clock, who=admin, number=invoice.full_number, reason="wrong plate"
        )

    void(voided)
    x = shift_reports.own_report(engine, clock=clock, who=ana)
    assert x.expected_cash == kept.amount + voided.amount == 370 + 740
    assert (x.voided_count, x.voided_amount) == (1, 740)
    clock.advance(minutes=1)
    shifts.close_shift(engine, clock=clock, who=ana, shift_id=sid, counted=1_110)
    clock.advance(minutes=1)
    void(late)  # after the close: not part of the Z report
    z = shift_reports.shift_report(engine, clock=clock, shift_id=sid)
    assert (z.voided_count, z.voided_amount, z.expected_cash, z.difference) == (1, 740, 1_110, 0)


def test_movements_refused_write_nothing(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    with pytest.raises(Refused, match="Open your shift first"):
        shifts.record_movement(engine, clock=clock, who=ana, kind="drop", amount=10, reason="x")
    shifts.open_shift(engine, clock=clock, who=ana, opening_float=10_000)
    cases = [
        ("drop", 0, "safe", "The amount must be more than 0."),
        ("payout", 100, "   ", "Type the reason."),
        ("refund", 100, "x", "A cash movement is a drop, a paid-out or cash in."),
        ("drop", 100, "x" * 201, "A reason has at most 200 characters."),
        (
            "drop",
            10_001,
            "safe",
            r"The drawer should hold \$ 10.000; cash drop of \$ 10.001 is more than that.",
        ),
        (
            "payout",
            20_000,
            "safe",
            r"The drawer should hold \$ 10.000; paid-out of \$ 20.000 is more than that.",
        ),
    ]
    before = count(engine, AuditEvent)
    for kind, amount, reason, message in cases:
        with pytest.raises(Refused, match=message):
            shifts.record_movement(
                engine, clock=clock, who=ana, kind=kind, amount=amount, reason=reason
            )
    assert count(engine, CashMovement) == 0 and count(engine, AuditEvent) == before
    move = shifts.record_movement(
        engine, clock=clock, who=ana, kind="drop", amount=10_000, reason="safe"
    )
    assert move.amount == 10_000 and move.user_id == ana.user_id


def test_denomination_count(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    assert [d.key for d in shifts.DENOMINATIONS] == [
        "bill_100000",
        "bill_50000",
        "bill_20000",
        "bill_10000",
        "bill_5000",
        "bill_2000",
        "bill_1000",
        "coin_1000",
        "coin_500",
        "coin_200",
        "coin_100",
        "coin_50",
    ]
    counts = {"bill_50000": 1, "bill_1000": 2, "coin_1000": 1, "coin_50": 3, "coin_200": 0}
    assert shifts.denominations_total(counts) == 53_150
    with pytest.raises(Refused, match="Unknown denomination 'bill_3000'"):
        shifts.denominations_total({"bill_3000": 1})
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=53_000)
    sid = shift.id or 0
    with pytest.raises(Refused, match=r"The counted cash \$ 53.000 differs from"):
        shifts.close_shift(
            engine, clock=clock, who=ana, shift_id=sid, counted=53_000, denominations=counts
        )
    closed = shifts.close_shift(engine, clock=clock, who=ana, shift_id=sid, denominations=counts)
    assert closed.counted_cash == 53_150
    report, settings = shift_reports.report_with_settings(engine, clock=clock, shift_id=sid)
    assert report.denominations == {"bill_50000": 1, "bill_1000": 2, "coin_1000": 1, "coin_50": 3}
    text = shift_reports.report_text(report, settings)
    assert "  2 x $ 1.000 bill" in text and "  1 x $ 1.000 coin" in text
    assert "0 x" not in text


@pytest.mark.parametrize(
    "typed,value", [("0", 0), ("50000", 50_000), ("$50.000", 50_000), (" 1,500 ", 1_500)]
)
def test_parse_amount(typed: str, value: int) -> None:
    assert shifts.parse_amount(typed, what="the opening float") == value


@pytest.mark.parametrize(
    "typed,message",
    [
        ("", "Type the opening float (0 if there is none)."),
        ("   ", "Type the opening float (0 if there is none)."),
        ("-5", "Type the opening float in whole pesos, like 20000."),
        ("12a", "Type the opening float in whole pesos, like 20000."),
        ("9" * 15, "That amount is too large; check what was typed."),
    ],
)
def test_parse_amount_refused(typed: str, message: str) -> None:
    with pytest.raises(Refused) as refused:
        shifts.parse_amount(typed, what="the opening float")
    assert str(refused.value) == message


@pytest.mark.parametrize("width", [32, 42, 48])
def test_report_text_fits_the_receipt_width(
    engine: Engine, clock: FixedClock, ana: SignedIn, width: int
) -> None:
    def set_width(s):  # type: ignore[no-untyped-def]
        settings = s.get(LotSettings, 1)
        settings.receipt_width = width
        s.add(settings)

    run_write(engine, set_width)
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=1_000_000)
    pay(engine, clock, ana, "AAA111", 600, "cash", 100_000, shift.id)
    shifts.record_movement(
        engine, clock=clock, who=ana, kind="drop", amount=500_000, reason="a very long reason " * 5
    )
    shifts.close_shift(
        engine,
        clock=clock,
        who=ana,
        shift_id=shift.id or 0,
        denominations={"bill_100000": 5, "coin_50": 17},
    )
    report, settings = shift_reports.report_with_settings(
        engine, clock=clock, shift_id=shift.id or 0
    )
    text = shift_reports.report_text(report, settings)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert lines[0] == "Parqueadero Central".center(width).rstrip()
    assert "-" * width in lines
    assert any(line.startswith("= Expected cash") for line in lines)


def test_list_shifts(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    first = shifts.open_shift(engine, clock=clock, who=ana, opening_float=5_000)
    shifts.close_shift(engine, clock=clock, who=ana, shift_id=first.id or 0, counted=4_000)
    clock.advance(days=1)
    second = shifts.open_shift(engine, clock=clock, who=ana, opening_float=7_000)
    rows = shift_reports.list_shifts(engine)
    assert [r["id"] for r in rows] == [second.id, first.id]
    assert rows[1] == {
        "id": first.id,
        "booth": "B1",
        "attendant": "Ana Pérez (ana)",
        "status": "closed",
        "opened_at": "2026-03-10T09:00:00-05:00",
        "closed_at": "2026-03-10T09:00:00-05:00",
        "closed_by": "Ana Pérez (ana)",
        "opening_float": 5_000,
        "expected_cash": 5_000,
        "counted_cash": 4_000,
        "difference": -1_000,
    }
    assert rows[0]["status"] == "open" and rows[0]["expected_cash"] == 7_000
    assert rows[0]["counted_cash"] is None and rows[0]["difference"] is None
    assert [r["id"] for r in shift_reports.list_shifts(engine, open_only=True)] == [second.id]
    assert [r["id"] for r in shift_reports.list_shifts(engine, day=date(2026, 3, 10))] == [first.id]
    assert shift_reports.list_shifts(engine, day=date(2026, 3, 12)) == []
    with pytest.raises(Refused, match="A date looks like YYYY-MM-DD"):
        shift_reports.parse_day("10/03/2026")


def test_ensure_payment_shift_inside_a_transaction(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=0)
    sid = shift.id or 0
    got = run_write(engine, lambda s: shifts.ensure_payment_shift(s, who=ana, shift_id=sid))
    assert got.id == sid
    shifts.close_shift(engine, clock=clock, who=ana, shift_id=sid, counted=0)
    with pytest.raises(Refused, match="Open your shift first"):
        run_write(engine, lambda s: shifts.ensure_payment_shift(s, who=ana, shift_id=sid))


def test_print_report_to_file_and_printer(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    settings = run_read(engine, lambda s: s.get(LotSettings, 1))
    assert settings is not None
    said = shift_reports.print_report(
        "Z\n", settings=settings, default_dir=tmp_path / "r", name="z-1.txt"
    )
    assert said == f"Saved to {tmp_path / 'r' / 'z-1.txt'}."
    assert (tmp_path / "r" / "z-1.txt").read_text(encoding="utf-8") == "Z\n"
    out = tmp_path / "printed.txt"
    import sys

    settings.printer_command = f"{sys.executable} -c \"import sys; open({str(out)!r}, 'wb').write(sys.stdin.buffer.read())\""
    assert shift_reports.print_report(
        "Zé\n", settings=settings, default_dir=tmp_path, name="x"
    ) == ("Sent to the printer.")
    assert out.read_text(encoding="utf-8") == "Zé\n"
    settings.printer_command = f'{sys.executable} -c "raise SystemExit(3)"'
    with pytest.raises(Exception, match=r"The printer command failed \(exit 3\)"):
        shift_reports.print_report("Z\n", settings=settings, default_dir=tmp_path, name="x")


def test_opened_shift_in_the_past_day_boundaries(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    # 23:30 local on March 10 is March 11 in UTC; the list uses the lot's local date.
    clock.advance(hours=14, minutes=30)
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=0)
    assert shift.opened_at.date() == date(2026, 3, 11)
    assert [r["id"] for r in shift_reports.list_shifts(engine, day=date(2026, 3, 10))] == [shift.id]
    assert shift_reports.list_shifts(engine, day=date(2026, 3, 10) + timedelta(days=1)) == []


def test_open_race_on_the_same_booth_is_refused_by_the_schema(
    engine: Engine, clock: FixedClock, ana: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_attendant(engine, clock, "beto")
    beto = signed_in(engine, "beto", "B1")
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=0)
    # Beto's look happened before Ana's write: only the partial unique index stops him.
    real = shifts.open_shift_at
    calls: list[str] = []

    def looked_too_early(session, booth):  # type: ignore[no-untyped-def]
        calls.append(booth)
        return None if len(calls) == 1 else real(session, booth)

    monkeypatch.setattr(shifts, "open_shift_at", looked_too_early)
    with pytest.raises(Refused) as refused:
        shifts.open_shift(engine, clock=clock, who=beto, opening_float=5_000)
    assert str(refused.value) == (
        f"The shift of ana is still open at this booth: they close it, "
        f"or an operator runs `booth shift close {shift.id}`."
    )
    assert count(engine, Shift) == 1
    assert run_read(engine, verify_chain) == []
