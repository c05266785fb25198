"""Corrections to issued invoices: voiding (nothing is ever edited or deleted)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from booth.core import audit, lot
from booth.core.audit import SignedIn
from booth.core.clock import Clock
from booth.core.db import run_read, run_write
from booth.core.errors import Refused
from booth.core.i18n import _
from booth.core.models import Invoice, User
from booth.core.stays import get_invoice, local_label

MAX_REASON = 200


def clean_reason(reason: str) -> str:
    """The reason as stored, or a Refused saying what is wrong with it."""
    text = " ".join(reason.split())
    if not text:
        raise Refused(_("Say why the invoice is voided with --reason."))
    if len(text) > MAX_REASON:
        raise Refused(_("A void reason has at most {n} characters.").format(n=MAX_REASON))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise Refused(_("A void reason cannot contain control characters."))
    return text


def _refuse_if_voided(session: Session, invoice: Invoice) -> None:
    if invoice.voided_at is None:
        return
    settings = lot.get_settings(session)
    by = session.get(User, invoice.voided_by) if invoice.voided_by is not None else None
    raise Refused(
        _("Invoice {number} was already voided on {at} by {user} ({reason}).").format(
            number=invoice.full_number,
            at=local_label(settings, invoice.voided_at),
            user=by.username if by else "?",
            reason=invoice.void_reason,
        )
    )


def voidable(engine: Engine, *, number: str) -> Invoice:
    """The invoice if it exists and is not void yet (a look before asking for credentials)."""

    def read(session: Session) -> Invoice:
        invoice = get_invoice(session, number)
        _refuse_if_voided(session, invoice)
        return invoice

    return run_read(engine, read)


def void_invoice(
    engine: Engine, *, clock: Clock, who: SignedIn, number: str, reason: str
) -> Invoice:
    """Mark an invoice void (who, when, why) in one transaction; its stay stays closed."""
    if who.role != "operator":
        raise Refused(_("Only an operator can void an invoice."))
    why = clean_reason(reason)

    def work(session: Session) -> Invoice:
        invoice = get_invoice(session, number)
        _refuse_if_voided(session, invoice)
        invoice.voided_at = clock.now()
        invoice.voided_by = who.user_id
        invoice.void_reason = why
        session.add(invoice)
        audit.record(
            session,
            clock=clock,
            actor=who.actor,
            action="invoice.void",
            subject=invoice.full_number,
            details={
                "stay": invoice.stay_id,
                "amount": invoice.amount,
                "method": invoice.payment_method,
                "reason": why,
            },
        )
        return invoice

    return run_write(engine, work)
