"""The Core hot paths (check-in, quote, check-out, audit, settings) behave as the ORM did."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from booth.core import audit, lot, rows, stays
from booth.core.audit import Actor, SignedIn, verify_chain
from booth.core.clock import FixedClock
from booth.core.db import run_read, run_write
from booth.core.models import AuditEvent, Invoice, LotSettings, Stay, TariffVersion, VehicleType


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SELECT / INSERT / UPDATE statements run on `engine` inside the block."""
    seen: list[str] = []

    def capture(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def loaded(engine: Engine, model: type[Any], pk: int) -> dict[str, Any]:
    obj = run_read(engine, lambda s: s.get(model, pk))
    assert obj is not None
    return dict(obj.model_dump())


def test_each_action_reads_once_then_writes(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    with statements(engine) as seen:
        ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    assert [s.split()[0] for s in seen] == ["SELECT", "INSERT", "INSERT"]
    clock.advance(minutes=40)
    with statements(engine) as seen:
        q = stays.quote(engine, clock=clock, query="ABC123")
    assert len(seen) == 1 and q.stay.id == ci.stay.id
    with statements(engine) as seen:
        stays.check_out(engine, clock=clock, who=ana, stay_id=ci.stay.id or 0)
    assert [s.split()[0] for s in seen] == ["SELECT", "UPDATE", "UPDATE", "INSERT", "INSERT"]


def test_returned_objects_are_the_stored_rows(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    assert ci.stay.id is not None and ci.tariff.id is not None
    assert ci.stay.model_dump() == loaded(engine, Stay, ci.stay.id)
    assert ci.tariff.model_dump() == loaded(engine, TariffVersion, ci.tariff.id)
    clock.advance(minutes=61)
    q = stays.quote(engine, clock=clock, query="ABC123")
    assert q.stay.model_dump() == loaded(engine, Stay, ci.stay.id)
    inv = stays.check_out(engine, clock=clock, who=ana, stay_id=ci.stay.id, tendered=5000)
    assert inv.id is not None
    assert inv.model_dump() == loaded(engine, Invoice, inv.id)
    assert (inv.amount, inv.change, inv.full_number) == (2257, 2743, "FV1")
    for obj in (ci.stay, ci.tariff, q.stay, q.tariff, inv):
        assert inspect(obj).detached  # as a loaded object once its session closed


def test_a_returned_invoice_added_to_a_session_is_updated_not_inserted_again(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    inv = stays.check_out(engine, clock=clock, who=ana, stay_id=ci.stay.id or 0)

    def reprint(s: Session) -> None:
        s.add(inv)
        inv.print_count += 1

    run_write(engine, reprint)
    assert loaded(engine, Invoice, inv.id or 0)["print_count"] == 1
    count = run_read(engine, lambda s: len(s.exec(select(Invoice.id)).all()))
    assert count == 1


def test_audit_record_flushes_what_is_pending_and_chains_events_of_one_transaction(
    engine: Engine, clock: FixedClock
) -> None:
    actor = Actor("admin", "B1")

    def work(s: Session) -> tuple[AuditEvent, AuditEvent]:
        vt = s.get(VehicleType, "bicycle")
        assert vt is not None
        vt.capacity = 7  # pending until something flushes
        first = audit.record(s, clock=clock, actor=actor, action="test.one", subject="a")
        pending = s.dirty
        second = audit.record(s, clock=clock, actor=actor, action="test.two", details={"n": 2})
        assert not pending
        return first, second

    first, second = run_write(engine, work)
    assert second.prev_hash == first.hash and second.id == (first.id or 0) + 1
    assert run_read(engine, lambda s: s.get(VehicleType, "bicycle")).capacity == 7  # type: ignore[union-attr]
    stored = run_read(
        engine,
        lambda s: s.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).one(),
    )
    assert stored.model_dump() == second.model_dump()
    assert run_read(engine, verify_chain) == []


def test_settings_are_the_sessions_own_instance(engine: Engine) -> None:
    def work(s: Session) -> None:
        first = lot.get_settings(s)
        assert inspect(first).persistent
        assert lot.get_settings(s) is first
        assert s.get(LotSettings, 1) is first
        assert rows.held(s, LotSettings, 1) is first

    run_read(engine, work)

    def held_first(s: Session) -> None:
        own = s.get(LotSettings, 1)
        assert lot.get_settings(s) is own

    run_read(engine, held_first)


def test_fee_at_prices_as_a_quote(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    entered = ci.stay.entered_at
    clock.advance(minutes=95)
    q = stays.quote(engine, clock=clock, query="ABC123")

    def fees(s: Session) -> tuple[int, int, int]:
        return (
            stays.fee_at(s, entered, ci.stay.tariff_version_id, clock.now()),
            stays.fee_so_far(s, ci.stay, clock.now()),
            stays.fee_at(s, entered, ci.stay.tariff_version_id, entered.replace(year=2020)),
        )

    at_now, so_far, backwards = run_read(engine, fees)
    assert at_now == so_far == q.amount == 95 * 37
    assert backwards == 0
