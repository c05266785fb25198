"""`run_checks`: passes on a healthy lot, fails on each kind of deliberate damage."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from booth.core import stays
from booth.core.audit import SignedIn
from booth.core.checks import (
    AUDIT_CHAIN,
    CHECK_NAMES,
    FOREIGN_KEYS,
    INTEGRITY,
    INVOICE_NUMBERS,
    INVOICE_PER_STAY,
    OPEN_STAYS,
    CheckResult,
    failures,
    run_checks,
    sqlite_integrity,
)
from booth.core.clock import FixedClock
from tests.core.ops_helpers import issue_invoices, raw, smash_table


def by_name(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {r.name: r for r in results}


@pytest.fixture
def busy_lot(engine: Engine, clock: FixedClock, ana: SignedIn) -> Engine:
    """Three invoices (FV1..FV3) and one car still inside (ZZZ999)."""
    issue_invoices(engine, clock, ana, ["AAA111", "BBB222", "CCC333"])
    stays.check_in(engine, clock=clock, who=ana, plate="ZZZ999")
    return engine


def test_healthy_lot_passes_every_check(busy_lot: Engine) -> None:
    results = run_checks(busy_lot)
    assert [r.name for r in results] == list(CHECK_NAMES)
    assert failures(results) == []
    found = by_name(results)
    assert found[INTEGRITY].detail == "SQLite integrity_check: ok"
    assert found[INVOICE_PER_STAY].detail == "3 closed stays, one invoice each"
    assert found[INVOICE_NUMBERS].detail == "3 invoices numbered without gaps or repeats"
    assert found[OPEN_STAYS].detail == "1 vehicles inside, each plate at most once"
    assert found[AUDIT_CHAIN].detail.endswith("events, chain intact")
    # results unpack as plain (name, ok, detail) triples
    name, ok, detail = results[0]
    assert (name, ok) == (INTEGRITY, True) and detail


def test_gap_in_invoice_numbers(busy_lot: Engine, db_path: Path) -> None:
    # A number taken but no invoice written for it (what a lost write would leave).
    with raw(db_path) as conn:
        conn.execute("UPDATE invoice_authorizations SET next_number = next_number + 2")
    results = by_name(run_checks(busy_lot))
    assert results[INVOICE_NUMBERS] == CheckResult(
        INVOICE_NUMBERS, False, "FV1..FV100000: missing FV4-FV5"
    )
    assert [r.name for r in failures(results.values())] == [INVOICE_NUMBERS]


def test_repeated_and_out_of_range_numbers(busy_lot: Engine, db_path: Path) -> None:
    with raw(db_path) as conn:
        # (prefix, number) is unique, so a repeat inside one authorisation needs a stray prefix
        conn.execute("UPDATE invoices SET prefix = 'XX', number = 1 WHERE number = 2")
        conn.execute("UPDATE invoices SET number = 70 WHERE number = 3")
    detail = by_name(run_checks(busy_lot))[INVOICE_NUMBERS].detail
    assert detail == (
        "FV1..FV100000: missing FV2-FV3; FV1..FV100000: repeated FV1; "
        "FV1..FV100000: issued outside FV1..FV3: FV70; "
        "FV1..FV100000: invoices with another prefix: XX1"
    )


def test_edited_audit_row(busy_lot: Engine, db_path: Path) -> None:
    with raw(db_path) as conn:
        conn.execute("UPDATE audit_events SET subject = 'XXX000' WHERE id = 3")
    results = by_name(run_checks(busy_lot))
    assert results[AUDIT_CHAIN] == CheckResult(AUDIT_CHAIN, False, "event 3: contents altered")
    assert [r.name for r in failures(results.values())] == [AUDIT_CHAIN]


def test_deleted_audit_row(busy_lot: Engine, db_path: Path) -> None:
    with raw(db_path) as conn:
        conn.execute("DELETE FROM audit_events WHERE id = 4")
    result = by_name(run_checks(busy_lot))[AUDIT_CHAIN]
    assert not result.ok
    assert "event 5: chain broken" in result.detail


def test_closed_stay_without_invoice(busy_lot: Engine, db_path: Path) -> None:
    with raw(db_path) as conn:
        conn.execute("UPDATE stays SET exited_at = entered_at WHERE plate = 'ZZZ999'")
    results = by_name(run_checks(busy_lot))
    assert results[INVOICE_PER_STAY].ok is False
    assert results[INVOICE_PER_STAY].detail == "closed stay 4 (ZZZ999) has no invoice"
    assert [r.name for r in failures(results.values())] == [INVOICE_PER_STAY]


def test_invoice_on_a_stay_still_inside(busy_lot: Engine, db_path: Path) -> None:
    with raw(db_path) as conn:
        conn.execute("UPDATE stays SET exited_at = NULL WHERE plate = 'BBB222'")
    detail = by_name(run_checks(busy_lot))[INVOICE_PER_STAY].detail
    assert detail == "invoice FV2 belongs to BBB222, which is still inside"


def test_two_open_stays_for_one_plate(busy_lot: Engine, db_path: Path) -> None:
    with raw(db_path) as conn:
        conn.execute("DROP INDEX uq_stays_open_plate")
        conn.execute(
            "INSERT INTO stays (plate, vehicle_type, ticket_code, entered_at, tariff_version_id,"
            " entry_booth, entry_user_id) SELECT plate, vehicle_type, 'DUP0001', entered_at,"
            " tariff_version_id, entry_booth, entry_user_id FROM stays WHERE plate = 'ZZZ999'"
        )
    results = by_name(run_checks(busy_lot))
    assert results[OPEN_STAYS] == CheckResult(OPEN_STAYS, False, "ZZZ999 inside 2 times")
    assert [r.name for r in failures(results.values())] == [OPEN_STAYS]


def test_dangling_foreign_key(busy_lot: Engine, db_path: Path) -> None:
    with raw(db_path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("UPDATE stays SET entry_user_id = 999 WHERE plate = 'ZZZ999'")
    result = by_name(run_checks(busy_lot))[FOREIGN_KEYS]
    assert result == CheckResult(
        FOREIGN_KEYS, False, "1 broken references: stays row 4 -> missing users"
    )


def test_damaged_index_fails_integrity(busy_lot: Engine, db_path: Path) -> None:
    # Point an index's definition at another column: its stored entries no longer match.
    with raw(db_path) as conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_stays_plate_entered ON stays "
            "(ticket_code, entered_at)' WHERE name = 'ix_stays_plate_entered'"
        )
    busy_lot.dispose()  # new connections read the altered schema
    result = by_name(run_checks(busy_lot))[INTEGRITY]
    assert result.ok is False
    assert "ix_stays_plate_entered" in result.detail


def test_integrity_rows_listed_with_a_count() -> None:
    rows = [f"row {i} missing from index x" for i in range(8)]
    result = sqlite_integrity(rows)
    assert result.ok is False
    assert result.detail.endswith("row 4 missing from index x and 3 more")


def test_unreadable_table_fails_its_checks_and_the_rest_still_run(
    busy_lot: Engine, db_path: Path
) -> None:
    busy_lot.dispose()
    smash_table(db_path, "audit_events")
    results = by_name(run_checks(busy_lot))
    assert list(results) == list(CHECK_NAMES)
    assert results[AUDIT_CHAIN] == CheckResult(
        AUDIT_CHAIN, False, "could not be read: database disk image is malformed"
    )
    assert results[INTEGRITY].ok is False
    assert results[INVOICE_NUMBERS].ok is True
