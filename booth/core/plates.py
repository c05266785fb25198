"""Plates and ticket codes: normalising, validating, inferring the vehicle type."""

from __future__ import annotations

import re
import secrets

from booth.core.errors import Refused
from booth.core.i18n import _

# No 0/O, 1/I/L: a ticket code read aloud or from a smudged slip is unambiguous.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_LENGTH = 6
PLATE_MIN, PLATE_MAX = 3, 8


def normalise_plate(text: str) -> str:
    """Upper-case, spaces and dashes removed; 3 to 8 letters/digits, else Refused."""
    cleaned = re.sub(r"[\s\-]", "", text).upper()
    if not cleaned:
        raise Refused(_("Type the plate."))
    if not cleaned.isascii() or not cleaned.isalnum():
        raise Refused(_("A plate has only letters A-Z and digits (spaces and dashes are ignored)."))
    if len(cleaned) < PLATE_MIN:
        raise Refused(_("A plate has at least {n} letters or digits.").format(n=PLATE_MIN))
    if len(cleaned) > PLATE_MAX:
        raise Refused(_("A plate has at most {n} letters or digits.").format(n=PLATE_MAX))
    return cleaned


def infer_vehicle_type(plate: str) -> str:
    """Colombian patterns: ABC123 car; ABC12D or ABC12 motorcycle; anything else car."""
    if re.fullmatch(r"[A-Z]{3}\d{2}[A-Z]?", plate):
        return "motorcycle"
    return "car"


def new_ticket_code() -> str:
    """A random 6-symbol ticket code."""
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


def format_ticket(code: str) -> str:
    """`K7M4QX` printed as `K7M-4QX`."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_ticket(text: str) -> str | None:
    """The ticket code in `text`, or None if it cannot be one."""
    cleaned = re.sub(r"[\s\-]", "", text).upper()
    if len(cleaned) == TICKET_LENGTH and all(ch in TICKET_ALPHABET for ch in cleaned):
        return cleaned
    return None
