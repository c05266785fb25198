import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from booth.core import stays
from booth.core.audit import SignedIn, verify_chain
from booth.core.clock import FixedClock
from booth.core.db import open_database, run_read, run_write
from booth.core.errors import NotFound, Refused
from booth.core.lot import SetupOptions, configure
from booth.core.models import Invoice, Stay
from booth.core.plates import infer_vehicle_type, normalise_plate, normalise_ticket
from tests.conftest import signed_in


def count(engine: Engine, model: type) -> int:
    return run_read(engine, lambda s: s.exec(select(func.count()).select_from(model)).one())


@pytest.mark.parametrize(
    "raw,plate", [("abc 123", "ABC123"), ("abc-12d", "ABC12D"), ("xyz12", "XYZ12")]
)
def test_plates_normalised(raw: str, plate: str) -> None:
    assert normalise_plate(raw) == plate


@pytest.mark.parametrize("raw", ["", "ab", "ABCDEFGHI", "ÁBC123", "ABC;12", "🚗123"])
def test_bad_plates_refused(raw: str) -> None:
    with pytest.raises(Refused):
        normalise_plate(raw)


def test_vehicle_type_inferred() -> None:
    assert infer_vehicle_type("ABC123") == "car"
    assert infer_vehicle_type("ABC12D") == "motorcycle"
    assert infer_vehicle_type("ABC12") == "motorcycle"


def test_check_in_then_out_with_cash_change(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    ci = stays.check_in(engine, clock=clock, who=ana, plate="abc-123")
    assert ci.stay.plate == "ABC123" and ci.stay.vehicle_type == "car"
    assert normalise_ticket(ci.stay.ticket_code) == ci.stay.ticket_code
    clock.advance(minutes=61, seconds=30)
    q = stays.quote(engine, clock=clock, query="ABC123")
    assert q.amount == 2257 and (q.base, q.tax) == (1897, 360)
    inv = stays.check_out(
        engine,
        clock=clock,
        who=ana,
        stay_id=ci.stay.id or 0,
        payment_method="cash",
        tendered=5000,
        quoted_at=clock.now(),
    )
    assert (inv.amount, inv.tendered, inv.change) == (2257, 5000, 2743)
    assert inv.full_number == "FV1"
    stay = run_read(engine, lambda s: s.get(Stay, ci.stay.id))
    assert stay is not None and stay.exited_at is not None
    assert run_read(engine, verify_chain) == []


def test_lookup_by_ticket(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    code = ci.stay.ticket_code
    q = stays.quote(engine, clock=clock, query=f"{code[:3].lower()}-{code[3:]}")
    assert q.stay.id == ci.stay.id


def test_second_check_in_refused_with_since_and_booth(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    with pytest.raises(
        Refused, match=r"ABC123 is already inside since 2026-03-10 09:00 \(booth B1\)"
    ):
        stays.check_in(engine, clock=clock, who=ana, plate="abc123")
    assert count(engine, Stay) == 1


def test_full_lot_and_unaccepted_type(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    run_write(
        engine,
        lambda s: configure(
            s, clock=clock, actor=ana.actor, options=SetupOptions(capacities={"car": 1})
        ),
    )
    stays.check_in(engine, clock=clock, who=ana, plate="AAA111")
    with pytest.raises(Refused, match=r"full for cars \(1 / 1\)"):
        stays.check_in(engine, clock=clock, who=ana, plate="BBB222")
    with pytest.raises(Refused, match="does not accept motorcycles"):
        stays.check_in(engine, clock=clock, who=ana, plate="CCC33D")
    assert count(engine, Stay) == 1


def test_underpaid_cash_refused_and_nothing_written(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=100)
    with pytest.raises(Refused, match="less than the total"):
        stays.check_out(engine, clock=clock, who=ana, stay_id=ci.stay.id or 0, tendered=1000)
    assert count(engine, Invoice) == 0
    assert run_read(engine, lambda s: s.get(Stay, ci.stay.id)).exited_at is None  # type: ignore[union-attr]


def test_second_checkout_refused(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    stays.check_out(engine, clock=clock, who=ana, stay_id=ci.stay.id or 0)
    with pytest.raises(Refused, match="already checked out"):
        stays.check_out(engine, clock=clock, who=ana, stay_id=ci.stay.id or 0)
    with pytest.raises(NotFound):
        stays.quote(engine, clock=clock, query="ABC123")


def test_numbering_exhausted_refuses_with_instructions(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    run_write(
        engine,
        lambda s: configure(
            s,
            clock=clock,
            actor=ana.actor,
            options=SetupOptions(invoice_prefix="X", invoice_from=1, invoice_to=1),
        ),
    )
    a = stays.check_in(engine, clock=clock, who=ana, plate="AAA111")
    b = stays.check_in(engine, clock=clock, who=ana, plate="BBB222")
    stays.check_out(engine, clock=clock, who=ana, stay_id=a.stay.id or 0)
    with pytest.raises(Refused, match="booth setup --invoice-from"):
        stays.check_out(engine, clock=clock, who=ana, stay_id=b.stay.id or 0)
    assert run_read(engine, lambda s: s.get(Stay, b.stay.id)).exited_at is None  # type: ignore[union-attr]


def test_tariff_frozen_at_check_in(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    from booth.core.models import TariffVersion

    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    run_write(
        engine,
        lambda s: s.add(
            TariffVersion(
                vehicle_type="car",
                unit_minutes=1,
                unit_price=1000,
                effective_from=clock.now(),
                created_at=clock.now(),
            )
        ),
    )
    clock.advance(minutes=10)
    assert stays.quote(engine, clock=clock, query="ABC123").amount == 370


def test_clock_backwards_gives_no_negative_fee_and_is_audited(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=-30)
    inv = stays.check_out(engine, clock=clock, who=ana, stay_id=ci.stay.id or 0)
    assert inv.amount == 0
    from booth.core.models import AuditEvent

    actions = run_read(engine, lambda s: list(s.exec(select(AuditEvent.action))))
    assert "clock.backwards" in actions


def test_two_booths_race_for_one_car(db_path: Path, engine: Engine, clock: FixedClock) -> None:
    ana = signed_in(engine, booth="B1")
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=5)
    results: list[str] = []
    engines = [open_database(str(db_path)) for _ in range(2)]

    def booth(i: int) -> None:
        who = SignedIn(ana.user_id, ana.username, ana.role, f"B{i}")
        try:
            inv = stays.check_out(engines[i], clock=clock, who=who, stay_id=ci.stay.id or 0)
            results.append(f"ok {inv.full_number}")
        except Refused as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=booth, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.startswith("ok") for r in results) == [False, True]
    assert any("already checked out" in r for r in results)
    assert count(engine, Invoice) == 1
    for e in engines:
        e.dispose()


def test_tendered_parsing() -> None:
    assert stays.parse_tendered("") is None
    assert stays.parse_tendered("$20.000") == 20000
    for bad in ("-5", "abc", "1e9", "9" * 30):
        with pytest.raises(Refused):
            stays.parse_tendered(bad)


def test_payment_refused_on_a_shift_closed_meanwhile(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    from booth.core import shifts

    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=0)
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    shifts.close_shift(engine, clock=clock, who=ana, shift_id=shift.id or 0, counted=0)
    with pytest.raises(Refused):
        stays.check_out(engine, clock=clock, who=ana, stay_id=ci.stay.id or 0, shift_id=shift.id)
    assert count(engine, Invoice) == 0
