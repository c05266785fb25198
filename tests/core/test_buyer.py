"""The buyer on an invoice: the pure check, what check-out stores, what the receipt prints."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from booth.core import lot, receipts, stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.errors import Refused
from booth.core.models import AuditEvent, Invoice, InvoiceAuthorization, Stay

DEFAULT = ("222222222222", "Consumidor final")


# --- validate_buyer (pure) -----------------------------------------------------------------------


def test_default_buyer_is_the_schema_default() -> None:
    assert stays.DEFAULT_BUYER == DEFAULT
    assert (
        Invoice(
            stay_id=1,
            authorization_id=1,
            number=1,
            minutes=1,
            amount=1,
            base=1,
            tax=0,
            iva_rate_bp=0,
            payment_method="cash",
            tendered=1,
            change=0,
            booth="B1",
            user_id=1,
        ).buyer_id
        == DEFAULT[0]
    )


@pytest.mark.parametrize(
    ("buyer_id", "buyer_name", "expected"),
    [
        (None, None, DEFAULT),
        ("", "", DEFAULT),
        ("  ", "   ", DEFAULT),
        ("", "Consumidor final", DEFAULT),
        ("222222222222", "", DEFAULT),
        ("222.222.222.222", "Consumidor final", DEFAULT),
        ("1.020.304.050", "Ana  Pérez ", ("1020304050", "Ana Pérez")),
        ("1 020 304 050", None, ("1020304050", "")),
        ("12345", "Bo", ("12345", "Bo")),
        ("123456789012345", "X", ("123456789012345", "X")),
        ("900.123.456-8", "Transportes S.A.S.", ("900123456-8", "Transportes S.A.S.")),
        ("900123456-8", "", ("900123456-8", "")),
        ("800197268-4", "DIAN", ("800197268-4", "DIAN")),
        ("1020304050", "x" * 80, ("1020304050", "x" * 80)),
    ],
)
def test_accepted_buyers(
    buyer_id: str | None, buyer_name: str | None, expected: tuple[str, str]
) -> None:
    assert stays.validate_buyer(buyer_id, buyer_name) == expected


@pytest.mark.parametrize(
    ("buyer_id", "buyer_name", "sentence"),
    [
        ("", "Ana Pérez", "Type the buyer's C.C. or NIT too, or leave the name empty."),
        (None, "Ana", "Type the buyer's C.C. or NIT too, or leave the name empty."),
        ("1234", "Ana", "A C.C. or NIT has 5 to 15 digits."),
        ("1234567890123456", "Ana", "A C.C. or NIT has 5 to 15 digits."),
        ("1234567890123456-1", "Ana", "A C.C. or NIT has 5 to 15 digits."),
        (
            "CE123456",
            "Ana",
            "A C.C. or NIT has only digits, and a NIT may end in -check digit (900123456-8).",
        ),
        (
            "900123456-",
            "Ana",
            "A C.C. or NIT has only digits, and a NIT may end in -check digit (900123456-8).",
        ),
        (
            "900123456-12",
            "Ana",
            "A C.C. or NIT has only digits, and a NIT may end in -check digit (900123456-8).",
        ),
        (
            "900-123-456",
            "Ana",
            "A C.C. or NIT has only digits, and a NIT may end in -check digit (900123456-8).",
        ),
        (
            "١٢٣٤٥٦",  # Arabic-Indic digits are digits to Python, not to DIAN
            "Ana",
            "A C.C. or NIT has only digits, and a NIT may end in -check digit (900123456-8).",
        ),
        (
            "900123456-7",
            "Transportes",
            "The NIT check digit does not match: 900123456 needs -8.",
        ),
        ("1020304050", "x" * 81, "The buyer's name is too long; at most 80 characters."),
        ("1020304050", "Ana\nPérez", "The buyer's name has a character that cannot be printed."),
        ("1020304050", "Ana\x1b[2J", "The buyer's name has a character that cannot be printed."),
        (
            "1020304050",
            "Ana\u202ePérez",
            "The buyer's name has a character that cannot be printed.",
        ),
        (
            "222222222222",
            "Ana Pérez",
            "222222222222 is the code for Consumidor final; type the buyer's own C.C. or NIT.",
        ),
    ],
)
def test_refused_buyers(buyer_id: str | None, buyer_name: str | None, sentence: str) -> None:
    with pytest.raises(Refused) as refused:
        stays.validate_buyer(buyer_id, buyer_name)
    assert refused.value.message == sentence


@given(st.from_regex(r"[1-9][0-9]{4,14}", fullmatch=True))
def test_any_nit_with_its_own_check_digit_is_kept(body: str) -> None:
    dv = lot.nit_check_digit(body)
    assert stays.validate_buyer(f"{body}-{dv}", "Empresa") == (f"{body}-{dv}", "Empresa")
    wrong = (dv + 1) % 10
    with pytest.raises(Refused):
        stays.validate_buyer(f"{body}-{wrong}", "Empresa")


# --- check-out ------------------------------------------------------------------------------------


def _check_out(
    engine: Engine,
    clock: FixedClock,
    who: SignedIn,
    buyer_id: str | None = None,
    buyer_name: str | None = None,
) -> Invoice:
    ci = stays.check_in(engine, clock=clock, who=who, plate="ABC123")
    clock.advance(minutes=61)
    return stays.check_out(
        engine,
        clock=clock,
        who=who,
        stay_id=ci.stay.id or 0,
        payment_method="card",
        quoted_at=clock.now(),
        buyer_id=buyer_id,
        buyer_name=buyer_name,
    )


def _stored(engine: Engine, invoice_id: int) -> Invoice:
    inv = run_read(engine, lambda s: s.get(Invoice, invoice_id))
    assert inv is not None
    return inv


def test_check_out_without_buyer_names_consumidor_final(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    inv = _check_out(engine, clock, ana)
    stored = _stored(engine, inv.id or 0)
    assert (inv.buyer_id, inv.buyer_name) == DEFAULT
    assert (stored.buyer_id, stored.buyer_name) == DEFAULT
    text = receipts.render_invoice(engine, inv.id or 0, width=42)
    assert "Buyer                     Consumidor final" in text
    assert "C.C./NIT                      222222222222" in text


def test_check_out_stores_and_prints_the_buyer(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    inv = _check_out(
        engine, clock, ana, buyer_id=" 900.123.456-8 ", buyer_name="Transportes  S.A.S."
    )
    assert (inv.buyer_id, inv.buyer_name) == ("900123456-8", "Transportes S.A.S.")
    stored = _stored(engine, inv.id or 0)
    assert (stored.buyer_id, stored.buyer_name) == ("900123456-8", "Transportes S.A.S.")
    assert stored.amount == 2257 and stored.payment_method == "card"
    text = receipts.render_invoice(engine, inv.id or 0, width=42)
    assert "Buyer                   Transportes S.A.S." in text
    assert "C.C./NIT                       900123456-8" in text
    assert "Consumidor final" not in text and "222222222222" not in text


def test_check_out_with_an_id_and_no_name(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    inv = _check_out(engine, clock, ana, buyer_id="1020304050")
    stored = _stored(engine, inv.id or 0)
    assert (stored.buyer_id, stored.buyer_name) == ("1020304050", "")
    text = receipts.render_invoice(engine, inv.id or 0, width=32)
    assert "C.C./NIT              1020304050" in text
    assert "Consumidor final" not in text
    assert "Buyer" not in text  # no empty name line


def _counts(engine: Engine) -> tuple[int, int, int, int]:
    def work(session):  # type: ignore[no-untyped-def]
        auth = session.exec(select(InvoiceAuthorization)).one()
        inside = session.exec(
            select(func.count()).select_from(Stay).where(col(Stay.exited_at).is_(None))
        ).one()
        invoices = session.exec(select(func.count()).select_from(Invoice)).one()
        events = session.exec(select(func.count()).select_from(AuditEvent)).one()
        return auth.next_number, inside, invoices, events

    return run_read(engine, work)


@pytest.mark.parametrize(
    ("buyer_id", "buyer_name"),
    [("900123456-7", "Transportes"), ("", "Ana Pérez"), ("1020304050", "x" * 81)],
)
def test_a_refused_buyer_writes_nothing(
    engine: Engine, clock: FixedClock, ana: SignedIn, buyer_id: str, buyer_name: str
) -> None:
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=61)
    before = _counts(engine)
    assert before[1:3] == (1, 0)
    with pytest.raises(Refused):
        stays.check_out(
            engine,
            clock=clock,
            who=ana,
            stay_id=ci.stay.id or 0,
            buyer_id=buyer_id,
            buyer_name=buyer_name,
        )
    assert _counts(engine) == before
    # The same car then leaves with a good buyer.
    inv = stays.check_out(
        engine, clock=clock, who=ana, stay_id=ci.stay.id or 0, buyer_id="1020304050"
    )
    assert inv.number == before[0] and inv.buyer_id == "1020304050"
