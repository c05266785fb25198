"""The money and numbering invariants, checked with plain SQL on a database file.

Independent of `booth check` (booth.core.checks) on purpose: `assert_sound`
runs both, so a bug in one is caught by the other. Opened read-only (`mode=ro`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from booth.core import checks
from booth.core.audit import verify_chain
from booth.core.db import run_read
from booth.core.money import split_iva
from booth.core.tariff import TariffRule, compute_fee


@dataclass(frozen=True)
class Totals:
    """Counts and sums found while checking."""

    stays: int
    open_stays: int
    invoices: int
    revenue: int  # sum of amounts of invoices that are not voided


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def problems(path: Path, *, fees: bool = True) -> list[str]:
    """Every broken invariant, one sentence each (empty when the database is sound)."""
    found: list[str] = []
    con = _connect(path)
    try:

        def rows(sql: str) -> list[tuple]:
            return con.execute(sql).fetchall()

        for (plate,) in rows(
            "SELECT plate FROM stays WHERE exited_at IS NULL GROUP BY plate HAVING count(*) > 1"
        ):
            found.append(f"plate {plate} has two open stays")
        for (sid,) in rows(
            "SELECT s.id FROM stays s WHERE s.exited_at IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM invoices i WHERE i.stay_id = s.id)"
        ):
            found.append(f"closed stay {sid} has no invoice")
        for (sid,) in rows(
            "SELECT i.stay_id FROM invoices i JOIN stays s ON s.id = i.stay_id"
            " WHERE s.exited_at IS NULL"
        ):
            found.append(f"stay {sid} has an invoice but is still open")
        for (sid,) in rows("SELECT stay_id FROM invoices GROUP BY stay_id HAVING count(*) > 1"):
            found.append(f"stay {sid} has several invoices")
        for (sid,) in rows(
            "SELECT i.stay_id FROM invoices i LEFT JOIN stays s ON s.id = i.stay_id"
            " WHERE s.id IS NULL"
        ):
            found.append(f"invoice of a missing stay {sid}")
        for (code,) in rows(
            "SELECT ticket_code FROM stays GROUP BY ticket_code HAVING count(*) > 1"
        ):
            found.append(f"ticket {code} used twice")
        for auth_id, low, high, nxt in rows(
            "SELECT id, range_from, range_to, next_number FROM invoice_authorizations"
        ):
            n, lo, hi, distinct = con.execute(
                "SELECT count(*), min(number), max(number), count(DISTINCT number)"
                " FROM invoices WHERE authorization_id = ?",
                (auth_id,),
            ).fetchone()
            if n != nxt - low:
                found.append(
                    f"authorisation {auth_id}: {n} invoices but next_number {nxt} from {low}"
                )
            if n and (lo != low or hi != nxt - 1 or distinct != n or hi > high):
                found.append(
                    f"authorisation {auth_id}: numbers {lo}..{hi} ({distinct} distinct of {n})"
                    f" are not contiguous from {low}"
                )
        for number, amount, tendered, change, method in rows(
            'SELECT number, amount, tendered, "change", payment_method FROM invoices'
        ):
            if amount < 0 or tendered < amount or change != tendered - amount:
                found.append(f"invoice {number}: amount/tendered/change do not add up")
            if method != "cash" and tendered != amount:
                found.append(f"invoice {number}: non-cash payment with change")
        if fees:
            found += _fee_problems(con)
    finally:
        con.close()
    return found


def _fee_problems(con: sqlite3.Connection) -> list[str]:
    found: list[str] = []
    rules = {
        row[0]: TariffRule(*row[1:])
        for row in con.execute(
            "SELECT id, unit_minutes, unit_price, grace_minutes, daily_max, round_to"
            " FROM tariff_versions"
        )
    }
    for number, entered, exited, tariff_id, amount, base, tax, rate, minutes in con.execute(
        "SELECT i.number, s.entered_at, s.exited_at, s.tariff_version_id, i.amount, i.base,"
        " i.tax, i.iva_rate_bp, i.minutes FROM invoices i JOIN stays s ON s.id = i.stay_id"
    ):
        fee = compute_fee(rules[tariff_id], _stamp(entered), _stamp(exited))
        if (fee.amount, fee.minutes) != (amount, minutes):
            found.append(f"invoice {number}: amount {amount} but the tariff says {fee.amount}")
        if (base, tax) != split_iva(amount, rate):
            found.append(f"invoice {number}: IVA split {base}+{tax} is wrong")
    return found


def totals(path: Path) -> Totals:
    """Counts and the revenue of non-voided invoices."""
    con = _connect(path)
    try:
        stays, open_stays = con.execute(
            "SELECT count(*), count(*) - count(exited_at) FROM stays"
        ).fetchone()
        invoices, revenue = con.execute(
            "SELECT count(*), coalesce(sum(CASE WHEN voided_at IS NULL THEN amount END), 0)"
            " FROM invoices"
        ).fetchone()
    finally:
        con.close()
    return Totals(stays=stays, open_stays=open_stays, invoices=invoices, revenue=revenue)


def chain_problems(engine: Engine) -> list[str]:
    """What booth.core.audit.verify_chain finds."""
    return run_read(engine, verify_chain)


def assert_sound(path: Path, engine: Engine | None = None, *, fees: bool = True) -> Totals:
    """Fail the test with the list of broken invariants, else give the totals."""
    found = problems(path, fees=fees)
    if engine is not None:
        found += chain_problems(engine)
        found += [
            f"booth check: {r.name}: {r.detail}" for r in checks.failures(checks.run_checks(engine))
        ]
    assert found == [], found[:20]
    return totals(path)
