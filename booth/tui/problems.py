"""Turning what can go wrong under a screen into one sentence for the attendant."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from booth.core.db import describe_operational_error
from booth.core.errors import BoothError

#: What a worker may meet that a person must read about instead of a traceback.
EXPECTED_ERRORS: tuple[type[Exception], ...] = (BoothError, SQLAlchemyError)


def describe(exc: BaseException, target: str) -> str:
    """One clear sentence for a refusal or a database problem."""
    if isinstance(exc, BoothError):
        return exc.message
    return describe_operational_error(exc, target)
