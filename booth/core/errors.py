"""Errors a person can cause: each carries one clear sentence."""

from __future__ import annotations


class BoothError(Exception):
    """A refusal with a message fit to show a person as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(BoothError):
    """Something named by the person does not exist."""


class Refused(BoothError):
    """A business rule refuses the action; nothing was written."""


class DatabaseMissing(BoothError):
    """No database file where one was expected."""


class DatabaseTooNew(BoothError):
    """The database was written by a newer version of booth."""


class AuthError(BoothError):
    """Authentication failed (always the same generic sentence)."""
