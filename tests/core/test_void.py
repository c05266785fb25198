"""Voiding an invoice: who, when, why; nothing reopened, nothing deleted; refusals write nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from booth.core import invoices
from booth.core.audit import SignedIn
from booth.core.checks import failures, run_checks
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.errors import NotFound, Refused
from booth.core.models import AuditEvent, Invoice, Stay
from tests.conftest import signed_in
from tests.core.ops_helpers import issue_invoices


def audit_count(engine: Engine) -> int:
    return run_read(engine, lambda s: s.exec(select(func.count()).select_from(AuditEvent)).one())


@pytest.fixture
def admin(engine: Engine) -> SignedIn:
    return signed_in(engine, "admin", booth="OFFICE")


def test_void_records_who_when_why_and_keeps_everything(
    engine: Engine, clock: FixedClock, ana: SignedIn, admin: SignedIn
) -> None:
    first, second = issue_invoices(engine, clock, ana, ["AAA111", "BBB222"])
    clock.advance(hours=2)
    voided = invoices.void_invoice(
        engine, clock=clock, who=admin, number="fv1", reason="  wrong   plate typed "
    )
    assert voided.full_number == "FV1"

    def read(s: Session) -> tuple[Any, ...]:
        return (
            s.get(Invoice, first.id),
            s.get(Invoice, second.id),
            s.get(Stay, first.stay_id),
            s.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first(),
        )

    inv, other, stay, event = run_read(engine, read)
    assert (inv.voided_at, inv.voided_by, inv.void_reason) == (
        clock.now(),
        admin.user_id,
        "wrong plate typed",
    )
    # the money and the number stay as issued; the stay is not reopened
    assert (inv.number, inv.amount, inv.base, inv.tax) == (
        first.number,
        first.amount,
        first.base,
        first.tax,
    )
    assert stay.exited_at is not None
    assert other.voided_at is None
    assert (event.action, event.subject, event.username, event.booth) == (
        "invoice.void",
        "FV1",
        "admin",
        "OFFICE",
    )
    assert json.loads(event.details) == {
        "stay": first.stay_id,
        "amount": first.amount,
        "method": "cash",
        "reason": "wrong plate typed",
    }
    assert failures(run_checks(engine)) == []


def test_voiding_twice_refused_with_who_and_why(
    engine: Engine, clock: FixedClock, ana: SignedIn, admin: SignedIn
) -> None:
    issue_invoices(engine, clock, ana, ["AAA111"])
    invoices.void_invoice(engine, clock=clock, who=admin, number="FV1", reason="duplicate")
    before = audit_count(engine)
    clock.advance(days=1)
    with pytest.raises(Refused) as err:
        invoices.void_invoice(engine, clock=clock, who=admin, number="FV1", reason="again")
    assert str(err.value) == (
        "Invoice FV1 was already voided on 2026-03-10 09:30 by admin (duplicate)."
    )
    with pytest.raises(Refused):
        invoices.voidable(engine, number="1")
    assert audit_count(engine) == before


@pytest.mark.parametrize(
    "reason,message",
    [
        ("", "Say why the invoice is voided with --reason."),
        ("   \t ", "Say why the invoice is voided with --reason."),
        ("x" * 201, "A void reason has at most 200 characters."),
        ("bad\x1b[31m", "A void reason cannot contain control characters."),
    ],
)
def test_bad_reasons_refused(
    engine: Engine, clock: FixedClock, ana: SignedIn, admin: SignedIn, reason: str, message: str
) -> None:
    issue_invoices(engine, clock, ana, ["AAA111"])
    before = audit_count(engine)
    with pytest.raises(Refused) as err:
        invoices.void_invoice(engine, clock=clock, who=admin, number="FV1", reason=reason)
    assert str(err.value) == message
    assert audit_count(engine) == before
    assert run_read(engine, lambda s: s.exec(select(Invoice)).one().voided_at) is None


def test_unknown_and_malformed_numbers(
    engine: Engine, clock: FixedClock, ana: SignedIn, admin: SignedIn
) -> None:
    issue_invoices(engine, clock, ana, ["AAA111"])
    with pytest.raises(NotFound) as err:
        invoices.void_invoice(engine, clock=clock, who=admin, number="FV2", reason="x")
    assert str(err.value) == "No invoice FV2."
    with pytest.raises(NotFound):
        invoices.voidable(engine, number="XX1")
    with pytest.raises(Refused) as bad:
        invoices.void_invoice(engine, clock=clock, who=admin, number="FV-one", reason="x")
    assert str(bad.value) == "An invoice number looks like FV123."


def test_attendant_cannot_void(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    issue_invoices(engine, clock, ana, ["AAA111"])
    with pytest.raises(Refused) as err:
        invoices.void_invoice(engine, clock=clock, who=ana, number="FV1", reason="mine")
    assert str(err.value) == "Only an operator can void an invoice."
    assert run_read(engine, lambda s: s.exec(select(Invoice)).one().voided_at) is None
