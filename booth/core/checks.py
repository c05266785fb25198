"""Integrity checks of a booth database: what `booth check` prints, and crash tests assert.

`run_checks(engine)` returns one `CheckResult(name, ok, detail)` per check, all
read in one snapshot (a read transaction), so booths writing at the same time
never produce a false failure and are never blocked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, col, select

from booth.core.audit import verify_chain
from booth.core.db import read_session
from booth.core.i18n import _
from booth.core.models import AuditEvent, Invoice, InvoiceAuthorization, Stay

MAX_LISTED = 5  # problems named in one detail line; the rest are counted

INTEGRITY = "integrity"
FOREIGN_KEYS = "foreign_keys"
AUDIT_CHAIN = "audit_chain"
INVOICE_PER_STAY = "invoice_per_stay"
INVOICE_NUMBERS = "invoice_numbers"
OPEN_STAYS = "open_stays_per_plate"

CHECK_NAMES = (INTEGRITY, FOREIGN_KEYS, AUDIT_CHAIN, INVOICE_PER_STAY, INVOICE_NUMBERS, OPEN_STAYS)


class CheckResult(NamedTuple):
    """One check: its stable name, whether it passed, and one line saying what was found."""

    name: str
    ok: bool
    detail: str


def run_checks(engine: Engine) -> list[CheckResult]:
    """Every check, in `CHECK_NAMES` order, on one consistent snapshot."""
    results: list[CheckResult] = []
    try:
        with read_session(engine) as session:
            results = check_session(session)
    except DatabaseError:
        # On a damaged file even ending the read transaction can fail; nothing was
        # written, so the results gathered stand.
        if not results:
            raise
    return results


def failures(results: Iterable[CheckResult]) -> list[CheckResult]:
    """The checks that failed."""
    return [r for r in results if not r.ok]


def check_session(session: Session) -> list[CheckResult]:
    """Every check inside an open (read) session."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    steps: list[tuple[str, Callable[[Session], CheckResult]]] = [
        (INTEGRITY, _integrity if sqlite else _not_sqlite(INTEGRITY)),
        (FOREIGN_KEYS, _foreign_keys if sqlite else _not_sqlite(FOREIGN_KEYS)),
        (AUDIT_CHAIN, _audit_chain),
        (INVOICE_PER_STAY, _invoice_per_stay),
        (INVOICE_NUMBERS, _invoice_numbers),
        (OPEN_STAYS, _open_stays),
    ]
    results = []
    for name, step in steps:
        try:
            results.append(step(session))
        except DatabaseError as exc:
            # A damaged page makes a check fail, not the whole run: the others still report.
            reason = str(getattr(exc, "orig", exc))
            results.append(
                CheckResult(name, False, _("could not be read: {reason}").format(reason=reason))
            )
    return results


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        shown += " " + _("and {n} more").format(n=len(items) - MAX_LISTED)
    return shown


def _not_sqlite(name: str) -> Callable[[Session], CheckResult]:
    def step(_session: Session) -> CheckResult:
        return CheckResult(name, True, _("not applicable: the database is not SQLite"))

    return step


def sqlite_integrity(rows: list[str]) -> CheckResult:
    """The result of `PRAGMA integrity_check` rows."""
    if rows == ["ok"]:
        return CheckResult(INTEGRITY, True, _("SQLite integrity_check: ok"))
    return CheckResult(INTEGRITY, False, _listed(rows))


def sqlite_foreign_keys(rows: list[tuple[object, ...]]) -> CheckResult:
    """The result of `PRAGMA foreign_key_check` rows (table, rowid, parent, fkid)."""
    if not rows:
        return CheckResult(FOREIGN_KEYS, True, _("no row points at a missing row"))
    items = [
        _("{table} row {rowid} -> missing {parent}").format(
            table=row[0], rowid=row[1], parent=row[2]
        )
        for row in rows
    ]
    return CheckResult(
        FOREIGN_KEYS,
        False,
        _("{n} broken references: {items}").format(n=len(rows), items=_listed(items)),
    )


def _integrity(session: Session) -> CheckResult:
    conn = session.connection()
    rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
    return sqlite_integrity(rows)


def _foreign_keys(session: Session) -> CheckResult:
    conn = session.connection()
    rows = [tuple(r) for r in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()]
    return sqlite_foreign_keys(rows)


def _audit_chain(session: Session) -> CheckResult:
    problems = verify_chain(session)
    if problems:
        return CheckResult(AUDIT_CHAIN, False, _listed(problems))
    count = session.exec(select(func.count()).select_from(AuditEvent)).one()
    return CheckResult(AUDIT_CHAIN, True, _("{n} events, chain intact").format(n=count))


def _invoice_per_stay(session: Session) -> CheckResult:
    problems: list[str] = []
    without = session.exec(
        select(Stay.id, Stay.plate)
        .outerjoin(Invoice, col(Invoice.stay_id) == col(Stay.id))
        .where(col(Stay.exited_at).is_not(None), col(Invoice.id).is_(None))
        .order_by(col(Stay.id))
    ).all()
    problems += [
        _("closed stay {id} ({plate}) has no invoice").format(id=i, plate=p) for i, p in without
    ]
    on_open = session.exec(
        select(Invoice.prefix, Invoice.number, Stay.plate)
        .join(Stay, col(Stay.id) == col(Invoice.stay_id))
        .where(col(Stay.exited_at).is_(None))
        .order_by(col(Invoice.id))
    ).all()
    problems += [
        _("invoice {number} belongs to {plate}, which is still inside").format(
            number=f"{pre}{num}", plate=plate
        )
        for pre, num, plate in on_open
    ]
    repeated = session.exec(
        select(Invoice.stay_id, func.count())
        .group_by(col(Invoice.stay_id))
        .having(func.count() > 1)
        .order_by(col(Invoice.stay_id))
    ).all()
    problems += [_("stay {id} has {n} invoices").format(id=stay_id, n=n) for stay_id, n in repeated]
    if problems:
        return CheckResult(INVOICE_PER_STAY, False, _listed(problems))
    closed = session.exec(
        select(func.count()).select_from(Stay).where(col(Stay.exited_at).is_not(None))
    ).one()
    return CheckResult(
        INVOICE_PER_STAY, True, _("{n} closed stays, one invoice each").format(n=closed)
    )


def _ranges(numbers: list[int], prefix: str) -> list[str]:
    """Sorted numbers as `FV3`, `FV5-FV9` runs."""
    runs: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        first, last = numbers[i], numbers[j]
        runs.append(f"{prefix}{first}" if first == last else f"{prefix}{first}-{prefix}{last}")
        i = j + 1
    return runs


def _invoice_numbers(session: Session) -> CheckResult:
    problems: list[str] = []
    issued_total = 0
    for auth in session.exec(select(InvoiceAuthorization).order_by(col(InvoiceAuthorization.id))):
        rows = session.exec(
            select(Invoice.number, Invoice.prefix)
            .where(Invoice.authorization_id == auth.id)
            .order_by(col(Invoice.number))
        ).all()
        issued_total += len(rows)
        expected_last = auth.next_number - 1
        seen: set[int] = set()
        repeats: list[int] = []
        outside: list[int] = []
        wrong_prefix: list[str] = []
        for number, prefix in rows:
            if prefix != auth.prefix:
                wrong_prefix.append(f"{prefix}{number}")
            if number in seen:
                if not repeats or repeats[-1] != number:
                    repeats.append(number)
                continue
            seen.add(number)
            if not auth.range_from <= number <= expected_last:
                outside.append(number)
        missing: list[int] = []
        previous = auth.range_from - 1
        for number in sorted(n for n in seen if auth.range_from <= n <= expected_last):
            missing.extend(range(previous + 1, number))
            previous = number
        missing.extend(range(previous + 1, expected_last + 1))
        label = f"{auth.prefix}{auth.range_from}..{auth.prefix}{auth.range_to}"
        if missing:
            problems.append(
                _("{label}: missing {numbers}").format(
                    label=label, numbers=_listed(_ranges(missing, auth.prefix))
                )
            )
        if repeats:
            problems.append(
                _("{label}: repeated {numbers}").format(
                    label=label, numbers=_listed([f"{auth.prefix}{n}" for n in repeats])
                )
            )
        if outside:
            problems.append(
                _("{label}: issued outside {first}..{last}: {numbers}").format(
                    label=label,
                    first=f"{auth.prefix}{auth.range_from}",
                    last=f"{auth.prefix}{expected_last}",
                    numbers=_listed([f"{auth.prefix}{n}" for n in outside]),
                )
            )
        if wrong_prefix:
            problems.append(
                _("{label}: invoices with another prefix: {numbers}").format(
                    label=label, numbers=_listed(wrong_prefix)
                )
            )
        if auth.next_number > auth.range_to + 1 or auth.next_number < auth.range_from:
            problems.append(
                _("{label}: next number {n} is outside the range").format(
                    label=label, n=auth.next_number
                )
            )
    orphans = session.exec(
        select(func.count())
        .select_from(Invoice)
        .outerjoin(
            InvoiceAuthorization,
            col(InvoiceAuthorization.id) == col(Invoice.authorization_id),
        )
        .where(col(InvoiceAuthorization.id).is_(None))
    ).one()
    if orphans:
        problems.append(_("{n} invoices without a numbering authorisation").format(n=orphans))
    if problems:
        return CheckResult(INVOICE_NUMBERS, False, "; ".join(problems))
    return CheckResult(
        INVOICE_NUMBERS,
        True,
        _("{n} invoices numbered without gaps or repeats").format(n=issued_total),
    )


def _open_stays(session: Session) -> CheckResult:
    doubled = session.exec(
        select(Stay.plate, func.count())
        .where(col(Stay.exited_at).is_(None))
        .group_by(col(Stay.plate))
        .having(func.count() > 1)
        .order_by(col(Stay.plate))
    ).all()
    if doubled:
        items = [_("{plate} inside {n} times").format(plate=p, n=n) for p, n in doubled]
        return CheckResult(OPEN_STAYS, False, _listed(items))
    inside = session.exec(
        select(func.count()).select_from(Stay).where(col(Stay.exited_at).is_(None))
    ).one()
    return CheckResult(
        OPEN_STAYS, True, _("{n} vehicles inside, each plate at most once").format(n=inside)
    )
