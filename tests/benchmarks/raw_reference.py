"""The reference: check-in and check-out as the same statements on the bare sqlite3 module.

Same pragmas as booth (WAL, synchronous=FULL, foreign keys), same reads and
writes in the same order, same fee and IVA code, same audit hashing: what is
left between the two is SQLAlchemy/SQLModel and booth's own Python.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime

from booth.core.money import split_iva
from booth.core.tariff import TariffRule, compute_fee


def connect(path: str) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None, timeout=5)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=5000")
    return con


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _audit(
    con: sqlite3.Connection,
    at: datetime,
    booth: str,
    user: str,
    action: str,
    subject: str,
    details: dict[str, object],
) -> None:
    row = con.execute("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else "0" * 64
    text = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
    at = at.astimezone(UTC)
    payload = json.dumps(
        [prev, at.isoformat(), booth, user, action, subject, text],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    digest = hashlib.sha256(payload.encode()).hexdigest()
    con.execute(
        "INSERT INTO audit_events (at, booth, username, action, subject, details, prev_hash, hash)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (_stamp(at), booth, user, action, subject, text, prev, digest),
    )


def check_in(
    con: sqlite3.Connection,
    *,
    now: datetime,
    plate: str,
    vtype: str,
    ticket: str,
    booth: str,
    user_id: int,
    username: str,
) -> int:
    con.execute("BEGIN IMMEDIATE")
    try:
        con.execute("SELECT * FROM lot_settings WHERE id = 1").fetchone()
        con.execute("SELECT * FROM vehicle_types WHERE code = ?", (vtype,)).fetchone()
        tariff = con.execute(
            "SELECT id FROM tariff_versions WHERE vehicle_type = ? AND effective_from <= ?"
            " ORDER BY effective_from DESC, id DESC LIMIT 1",
            (vtype, _stamp(now)),
        ).fetchone()
        inside = con.execute(
            "SELECT id FROM stays WHERE plate = ? AND exited_at IS NULL", (plate,)
        ).fetchone()
        assert inside is None
        con.execute(
            "SELECT count(*) FROM stays WHERE vehicle_type = ? AND exited_at IS NULL", (vtype,)
        ).fetchone()
        con.execute("SELECT id FROM stays WHERE ticket_code = ?", (ticket,)).fetchone()
        cur = con.execute(
            "INSERT INTO stays (plate, vehicle_type, ticket_code, entered_at, tariff_version_id,"
            " entry_booth, entry_user_id) VALUES (?,?,?,?,?,?,?)",
            (plate, vtype, ticket, _stamp(now), tariff[0], booth, user_id),
        )
        stay_id = int(cur.lastrowid or 0)
        _audit(
            con,
            now,
            booth,
            username,
            "stay.checkin",
            plate,
            {"stay": stay_id, "type": vtype, "ticket": ticket},
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return stay_id


def check_out(
    con: sqlite3.Connection,
    *,
    now: datetime,
    plate: str,
    booth: str,
    user_id: int,
    username: str,
) -> int:
    """Look the plate up, price it, then close the stay and write its invoice."""
    # The quote (a read snapshot), as the cashier sees it before taking the money.
    con.execute("BEGIN")
    stay = con.execute(
        "SELECT id, entered_at, tariff_version_id FROM stays WHERE plate = ? AND exited_at IS NULL",
        (plate,),
    ).fetchone()
    con.execute("SELECT * FROM lot_settings WHERE id = 1").fetchone()
    con.execute("SELECT * FROM tariff_versions WHERE id = ?", (stay[2],)).fetchone()
    con.execute("COMMIT")
    con.execute("BEGIN IMMEDIATE")
    try:
        stay_id, entered, tariff_id, exited = con.execute(
            "SELECT id, entered_at, tariff_version_id, exited_at FROM stays WHERE id = ?",
            (stay[0],),
        ).fetchone()
        assert exited is None
        rate = con.execute("SELECT iva_rate_bp FROM lot_settings WHERE id = 1").fetchone()[0]
        t = con.execute(
            "SELECT unit_minutes, unit_price, grace_minutes, daily_max, round_to"
            " FROM tariff_versions WHERE id = ?",
            (tariff_id,),
        ).fetchone()
        entered_at = datetime.fromisoformat(entered).replace(tzinfo=UTC)
        fee = compute_fee(TariffRule(*t), entered_at, now)
        base, tax = split_iva(fee.amount, rate)
        auth_id, prefix, number = con.execute(
            "SELECT id, prefix, next_number FROM invoice_authorizations WHERE active = 1"
            " ORDER BY id DESC LIMIT 1"
        ).fetchone()
        con.execute(
            "UPDATE invoice_authorizations SET next_number = ? WHERE id = ?", (number + 1, auth_id)
        )
        con.execute(
            "UPDATE stays SET exited_at = ?, exit_booth = ?, exit_user_id = ? WHERE id = ?",
            (_stamp(now), booth, user_id, stay_id),
        )
        con.execute(
            "INSERT INTO invoices (stay_id, authorization_id, prefix, number, issued_at, minutes,"
            ' amount, base, tax, iva_rate_bp, payment_method, tendered, "change", buyer_id,'
            " buyer_name, booth, user_id, void_reason, print_count)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                stay_id,
                auth_id,
                prefix,
                number,
                _stamp(now),
                fee.minutes,
                fee.amount,
                base,
                tax,
                rate,
                "cash",
                fee.amount,
                0,
                "222222222222",
                "Consumidor final",
                booth,
                user_id,
                "",
                0,
            ),
        )
        _audit(
            con,
            now,
            booth,
            username,
            "stay.checkout",
            plate,
            {
                "stay": stay_id,
                "invoice": f"{prefix}{number}",
                "amount": fee.amount,
                "method": "cash",
            },
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return fee.amount


def report(con: sqlite3.Connection, start: datetime, end: datetime, now: datetime) -> int:
    """The nightly report's reads for `[start, end)` and the sums it shows; returns invoices."""
    a, b = _stamp(start), _stamp(end)
    con.execute("BEGIN")
    try:
        lines = con.execute(
            "SELECT i.prefix, i.number, s.plate, s.vehicle_type, s.entered_at, s.exited_at,"
            " i.issued_at, i.minutes, i.amount, i.base, i.tax, i.payment_method, u.username,"
            " i.booth, i.voided_at, v.username, i.void_reason FROM invoices i"
            " JOIN stays s ON s.id = i.stay_id JOIN users u ON u.id = i.user_id"
            " LEFT JOIN users v ON v.id = i.voided_by"
            " WHERE i.issued_at >= ? AND i.issued_at < ? ORDER BY i.issued_at, i.id",
            (a, b),
        ).fetchall()
        revenue: dict[tuple[str, str], int] = {}
        for line in lines:
            if line[14] is None:
                key = (line[3], line[11])
                revenue[key] = revenue.get(key, 0) + line[8]
        cols = "id, plate, vehicle_type, entered_at, exited_at, tariff_version_id, entry_booth"
        stays = con.execute(
            f"SELECT {cols} FROM stays WHERE entered_at >= ? AND entered_at < ?", (a, b)
        ).fetchall()
        stays += con.execute(
            f"SELECT {cols} FROM stays WHERE exited_at IS NULL AND entered_at < ?", (a,)
        ).fetchall()
        stays += con.execute(
            f"SELECT {cols} FROM stays WHERE exited_at > ? AND exited_at < '9999-01-01'"
            " AND entered_at < ?",
            (a, a),
        ).fetchall()
        rules = {
            row[0]: TariffRule(*row[1:])
            for row in con.execute(
                "SELECT id, unit_minutes, unit_price, grace_minutes, daily_max, round_to"
                " FROM tariff_versions"
            )
        }
        priced_at = min(end, now)
        for row in stays:
            if row[4] is None or row[4] > b:
                entered = datetime.fromisoformat(row[3]).replace(tzinfo=UTC)
                compute_fee(rules[row[5]], entered, max(entered, priced_at))
        for order in ("ASC", "DESC"):
            con.execute(
                "SELECT prefix, number FROM invoices WHERE issued_at >= ? AND issued_at < ?"
                f" ORDER BY issued_at {order}, id {order} LIMIT 1",
                (a, b),
            ).fetchone()
        con.execute(
            "SELECT count(*) FROM invoices WHERE issued_at >= ? AND issued_at < ?", (a, b)
        ).fetchone()
        con.execute(
            "SELECT sh.id, u.username, sh.booth, sh.opened_at, sh.closed_at, sh.opening_float,"
            " sh.expected_cash, sh.counted_cash FROM shifts sh JOIN users u ON u.id = sh.user_id"
            " WHERE sh.opened_at < ? AND (sh.closed_at IS NULL OR sh.closed_at > ?)"
            " ORDER BY sh.opened_at, sh.id",
            (b, a),
        ).fetchall()
    finally:
        con.execute("COMMIT")
    return len(lines)


DAY_AGGREGATE = (
    "SELECT s.vehicle_type, i.payment_method, count(*), sum(i.amount), sum(i.base),"
    " sum(i.tax) FROM invoices AS i JOIN stays AS s ON s.id = i.stay_id"
    " WHERE i.issued_at >= ? AND i.issued_at < ? AND i.voided_at IS NULL"
    " GROUP BY s.vehicle_type, i.payment_method"
)


def day_aggregate(
    con: sqlite3.Connection, start: datetime, end: datetime
) -> list[tuple[object, ...]]:
    """The nightly report's reference: one hand-written SQL aggregate over the day's invoices.

    Count, amount, base and IVA per vehicle type and payment method of the invoices
    issued in `[start, end)` that are not voided.
    """
    return con.execute(DAY_AGGREGATE, (_stamp(start), _stamp(end))).fetchall()
