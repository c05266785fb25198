"""Receipt text at every width, printing to a file or a command, the day's invoices."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from booth.core import receipts, stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_read, run_write
from booth.core.errors import BoothError, NotFound
from booth.core.lot import SetupOptions, configure
from booth.core.models import AuditEvent, Invoice, LotSettings


def checked_out(
    engine: Engine,
    clock: FixedClock,
    who: SignedIn,
    plate: str = "ABC123",
    minutes: int = 61,
    tendered: int | None = 5000,
    method: str = "cash",
) -> Invoice:
    ci = stays.check_in(engine, clock=clock, who=who, plate=plate)
    clock.advance(minutes=minutes)
    return stays.check_out(
        engine,
        clock=clock,
        who=who,
        stay_id=ci.stay.id or 0,
        payment_method=method,
        tendered=tendered,
        quoted_at=clock.now(),
    )


def settings_of(engine: Engine) -> LotSettings:
    settings = run_read(engine, lambda s: s.get(LotSettings, 1))
    assert settings is not None
    return settings


def update_settings(engine: Engine, **values: object) -> None:
    def work(session):  # type: ignore[no-untyped-def]
        settings = session.get(LotSettings, 1)
        for key, value in values.items():
            setattr(settings, key, value)
        session.add(settings)

    run_write(engine, work)


def print_count(engine: Engine, invoice_id: int) -> int:
    inv = run_read(engine, lambda s: s.get(Invoice, invoice_id))
    assert inv is not None
    return inv.print_count


@pytest.mark.parametrize("width", [32, 42, 48])
def test_receipt_fits_width_and_has_what_the_law_asks(
    engine: Engine, clock: FixedClock, ana: SignedIn, width: int
) -> None:
    run_write(
        engine,
        lambda s: configure(
            s,
            clock=clock,
            actor=ana.actor,
            options=SetupOptions(resolution="18764000001234", resolution_date="2026-01-15"),
        ),
    )
    inv = checked_out(engine, clock, ana)
    text = receipts.render_invoice(engine, inv.id or 0, width=width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert lines[0].strip() == "PARQUEADERO CENTRAL"
    for needed in (
        "NIT 900123456-8",
        "Calle 10 # 5-20, Bogotá",
        "Factura de venta",
        "No. FV1",
        "Resolución DIAN",
        "18764000001234",
        "Fecha resolución",
        "2026-01-15",
        "Rango autorizado",
        "FV1 a FV100000",
        "2026-03-10 10:01",  # issued, local time
        "Consumidor final",
        "222222222222",
        "ABC123",
        "2026-03-10 09:00",  # entry
        "61 (1 h 01 min)",
        "$ 1.897",
        "IVA 19 %",
        "$ 360",
        "$ 2.257",
        "Cash",
        "$ 5.000",
        "$ 2.743",
        "Ana Pérez",
        "B1",
    ):
        assert needed in text, (needed, text)
    assert "COPIA" not in text and "ANULADA" not in text
    # Money lines are label left, amount flush right.
    total = next(line for line in lines if line.startswith("TOTAL"))
    assert len(total) == width and total.endswith("$ 2.257")


def test_receipt_width_comes_from_lot_settings(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    inv = checked_out(engine, clock, ana)
    update_settings(engine, receipt_width=32)
    text = receipts.render_invoice(engine, inv.id or 0)
    assert max(len(line) for line in text.splitlines()) == 32


def test_long_lot_name_and_address_wrap(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    update_settings(
        engine,
        name="Parqueadero Comercial del Centro Histórico de la Candelaria",
        address="Carrera 7 # 12-45, Local 3, Edificio Avianca, Bogotá D.C.",
    )
    inv = checked_out(engine, clock, ana)
    text = receipts.render_invoice(engine, inv.id or 0, width=32)
    assert max(len(line) for line in text.splitlines()) <= 32
    assert "CANDELARIA" in text and "Bogotá D.C." in text


def test_copy_voided_and_buyer(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    inv = checked_out(engine, clock, ana, method="card", tendered=None)

    def void(session):  # type: ignore[no-untyped-def]
        stored = session.get(Invoice, inv.id)
        stored.voided_at = clock.now()
        stored.voided_by = ana.user_id
        stored.void_reason = "Placa mal digitada"
        stored.buyer_id = "900555111-2"
        stored.buyer_name = "Transportes S.A.S."
        session.add(stored)

    run_write(engine, void)
    text = receipts.render_invoice(engine, inv.id or 0, width=42, copy=True)
    assert "*** COPIA ***" in text
    assert "*** ANULADA ***" in text and "Reason: Placa mal digitada" in text
    assert "Transportes S.A.S." in text and "900555111-2" in text
    assert "Consumidor final" not in text
    assert "Card" in text and "Tendered                           $ 2.257" in text


def test_unknown_invoice(engine: Engine) -> None:
    with pytest.raises(NotFound):
        receipts.load_receipt(engine, 999)


def test_duration_label() -> None:
    assert receipts.duration_label(7) == "7 min"
    assert receipts.duration_label(61) == "1 h 01 min"
    assert receipts.duration_label(24 * 60 * 2 + 3 * 60 + 5) == "2 d 3 h 05 min"


def test_print_to_file_beside_database_then_copies(
    engine: Engine, clock: FixedClock, ana: SignedIn, db_path: Path
) -> None:
    inv = checked_out(engine, clock, ana)
    first = receipts.print_receipt(engine, clock=clock, actor=ana.actor, invoice_id=inv.id or 0)
    assert first.to_file and not first.copy
    assert Path(first.destination) == db_path.parent / "receipts" / "FV1.txt"
    written = Path(first.destination).read_text(encoding="utf-8")
    assert written == first.text and "Factura de venta" in written and "COPIA" not in written
    assert print_count(engine, inv.id or 0) == 1

    second = receipts.print_receipt(engine, clock=clock, actor=ana.actor, invoice_id=inv.id or 0)
    third = receipts.print_receipt(engine, clock=clock, actor=ana.actor, invoice_id=inv.id or 0)
    assert second.copy and third.copy
    assert Path(second.destination).name == "FV1-copia-2.txt"
    assert Path(third.destination).name == "FV1-copia-3.txt"
    assert "*** COPIA ***" in Path(third.destination).read_text(encoding="utf-8")
    assert print_count(engine, inv.id or 0) == 3
    assert Path(first.destination).read_text(encoding="utf-8") == written  # never overwritten
    assert sorted(p.name for p in Path(first.destination).parent.iterdir()) == [
        "FV1-copia-2.txt",
        "FV1-copia-3.txt",
        "FV1.txt",
    ]
    events = run_read(
        engine,
        lambda s: list(s.exec(select(AuditEvent).where(AuditEvent.action == "invoice.print"))),
    )
    assert [e.subject for e in events] == ["FV1"] * 3


def test_first_print_asked_as_copy_says_copia(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    inv = checked_out(engine, clock, ana)
    result = receipts.print_receipt(
        engine, clock=clock, actor=ana.actor, invoice_id=inv.id or 0, copy=True
    )
    assert result.copy and "COPIA" in result.text
    assert Path(result.destination).name == "FV1-copia-1.txt"
    assert print_count(engine, inv.id or 0) == 1


def test_receipt_dir_setting_is_used(
    engine: Engine, clock: FixedClock, ana: SignedIn, tmp_path: Path
) -> None:
    update_settings(engine, receipt_dir=str(tmp_path / "elsewhere"))
    inv = checked_out(engine, clock, ana)
    result = receipts.print_receipt(engine, clock=clock, actor=ana.actor, invoice_id=inv.id or 0)
    assert Path(result.destination) == tmp_path / "elsewhere" / "FV1.txt"


def test_print_to_command_gets_the_text_on_stdin(
    engine: Engine, clock: FixedClock, ana: SignedIn, tmp_path: Path
) -> None:
    out = tmp_path / "printed.txt"
    script = tmp_path / "printer.py"
    script.write_text(
        "import sys\nopen(sys.argv[1], 'ab').write(sys.stdin.buffer.read())\n", encoding="utf-8"
    )
    update_settings(engine, printer_command=f"{sys.executable} {script} {out}")
    inv = checked_out(engine, clock, ana)
    result = receipts.print_receipt(engine, clock=clock, actor=ana.actor, invoice_id=inv.id or 0)
    assert not result.to_file
    assert out.read_text(encoding="utf-8") == result.text
    assert not (tmp_path / "receipts").exists()
    assert print_count(engine, inv.id or 0) == 1


@pytest.mark.parametrize(
    "command,message",
    [
        ("{python} -c 'import sys; sys.exit(3)'", r"failed \(exit 3\)"),
        ("no-such-printer-command-xyz", "was not found"),
        ("'unclosed", "cannot be read"),
    ],
)
def test_failed_print_gives_its_place_back(
    engine: Engine, clock: FixedClock, ana: SignedIn, command: str, message: str
) -> None:
    update_settings(engine, printer_command=command.format(python=sys.executable))
    inv = checked_out(engine, clock, ana)
    with pytest.raises(BoothError, match=message):
        receipts.print_receipt(engine, clock=clock, actor=ana.actor, invoice_id=inv.id or 0)
    assert print_count(engine, inv.id or 0) == 0
    # The next successful print is still the original.
    update_settings(engine, printer_command="")
    result = receipts.print_receipt(engine, clock=clock, actor=ana.actor, invoice_id=inv.id or 0)
    assert not result.copy
    actions = run_read(
        engine,
        lambda s: list(
            s.exec(
                select(AuditEvent.action)
                .where(col(AuditEvent.action).startswith("invoice."))
                .order_by(col(AuditEvent.id))
            )
        ),
    )
    assert actions == ["invoice.print", "invoice.print_failed", "invoice.print"]


def test_unwritable_receipt_folder_is_one_sentence(
    engine: Engine, clock: FixedClock, ana: SignedIn, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    update_settings(engine, receipt_dir=str(blocker / "receipts"))
    inv = checked_out(engine, clock, ana)
    with pytest.raises(BoothError, match="Cannot write the receipt in"):
        receipts.print_receipt(engine, clock=clock, actor=ana.actor, invoice_id=inv.id or 0)
    assert print_count(engine, inv.id or 0) == 0


def test_invoices_of_day_local_day_newest_first_and_search(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    # Leaves at 23:50 Bogotá on 10 March, which is already the 11th in UTC.
    yesterday = checked_out(engine, clock, ana, plate="OLD111", minutes=14 * 60 + 50, tendered=None)
    clock.advance(minutes=20)  # 00:10 on the 11th, local
    a = checked_out(engine, clock, ana, plate="AAA111", minutes=30)
    b = checked_out(engine, clock, ana, plate="BBB222", minutes=30)
    rows = receipts.invoices_of_day(engine, clock=clock)
    assert [r.id for r in rows] == [b.id, a.id]
    assert yesterday.id not in [r.id for r in rows]
    assert [r.plate for r in receipts.invoices_of_day(engine, clock=clock, search="bbb 222")] == [
        "BBB222"
    ]
    assert [r.number for r in receipts.invoices_of_day(engine, clock=clock, search="fv3")] == [
        "FV3"
    ]
    assert receipts.invoices_of_day(engine, clock=clock, search="ZZZ") == []
    clock.advance(days=1)
    assert receipts.invoices_of_day(engine, clock=clock) == []


def test_get_invoice_finds_a_prefix_that_ends_in_digits(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    run_write(
        engine,
        lambda s: configure(
            s,
            clock=clock,
            actor=ana.actor,
            options=SetupOptions(invoice_prefix="F1", invoice_from=123, invoice_to=999),
        ),
    )
    inv = checked_out(engine, clock, ana, tendered=None)
    assert inv.full_number == "F1123"
    for text in ("F1123", "f1 123", "123"):
        found = run_read(engine, lambda s, t=text: stays.get_invoice(s, t))  # type: ignore[misc]
        assert found.id == inv.id
    with pytest.raises(NotFound, match="No invoice F1124"):
        run_read(engine, lambda s: stays.get_invoice(s, "F1124"))
