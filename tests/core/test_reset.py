"""Resetting a forgotten password: unlocks, clears failures, forces a change, audited without it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from booth.core import auth, users
from booth.core.audit import Actor
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.errors import AuthError, NotFound, Refused
from booth.core.models import AuditEvent, User
from tests.conftest import ATTENDANT_PASSWORD

NEW_PASSWORD = "fresh-start-42"
OPERATOR = Actor(username="cli:maria", booth="OFFICE")


def get(engine: Engine, username: str = "ana") -> User:
    return run_read(engine, lambda s: auth.get_user(s, username))


def lock_out(engine: Engine, clock: FixedClock) -> None:
    for _attempt in range(5):
        with pytest.raises(AuthError):
            auth.authenticate(engine, clock=clock, booth="B1", username="ana", password="wrong-one")


def test_reset_unlocks_and_forces_a_new_password(engine: Engine, clock: FixedClock) -> None:
    lock_out(engine, clock)
    assert auth.is_locked(get(engine), clock)
    with pytest.raises(AuthError):  # locked: even the right password is refused
        auth.authenticate(
            engine, clock=clock, booth="B1", username="ana", password=ATTENDANT_PASSWORD
        )
    users.reset_password(
        engine, clock=clock, actor=OPERATOR, username="ANA", new_password=NEW_PASSWORD
    )
    user = get(engine)
    assert (user.failed_attempts, user.locked_until, user.must_change_password) == (0, None, True)

    signed = auth.authenticate(
        engine, clock=clock, booth="B1", username="ana", password=NEW_PASSWORD
    )
    assert signed.username == "ana" and signed.must_change_password is True
    with pytest.raises(AuthError):
        auth.authenticate(
            engine, clock=clock, booth="B1", username="ana", password=ATTENDANT_PASSWORD
        )


def test_reset_clears_failed_attempts(engine: Engine, clock: FixedClock) -> None:
    for _attempt in range(3):
        with pytest.raises(AuthError):
            auth.authenticate(engine, clock=clock, booth="B1", username="ana", password="nope-nope")
    assert get(engine).failed_attempts == 3
    users.reset_password(
        engine, clock=clock, actor=OPERATOR, username="ana", new_password=NEW_PASSWORD
    )
    assert get(engine).failed_attempts == 0


def test_reset_is_audited_without_the_password(engine: Engine, clock: FixedClock) -> None:
    lock_out(engine, clock)
    users.reset_password(
        engine,
        clock=clock,
        actor=OPERATOR,
        username="ana",
        new_password=NEW_PASSWORD,
        temporary=True,
    )
    events = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.action == "user.password_reset")
        ).all(),
    )
    assert len(events) == 1
    event = events[0]
    assert (event.username, event.booth, event.subject, event.at) == (
        "cli:maria",
        "OFFICE",
        "ana",
        clock.now(),
    )
    assert json.loads(event.details) == {"temporary": True, "was_locked": True}
    every_row = run_read(
        engine, lambda s: s.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    )
    assert all(NEW_PASSWORD not in repr(e) for e in every_row)


def test_unknown_user_and_bad_password_change_nothing(engine: Engine, clock: FixedClock) -> None:
    with pytest.raises(NotFound) as err:
        users.require_existing(engine, username="ghost")
    assert str(err.value) == "No user named 'ghost'."
    with pytest.raises(NotFound):
        users.reset_password(
            engine, clock=clock, actor=OPERATOR, username="ghost", new_password=NEW_PASSWORD
        )
    before = get(engine)
    with pytest.raises(Refused):
        users.reset_password(
            engine, clock=clock, actor=OPERATOR, username="ana", new_password="short"
        )
    after = get(engine)
    assert (after.password_hash, after.must_change_password) == (before.password_hash, False)


def test_temporary_passwords_are_valid_and_distinct() -> None:
    seen = {auth.generate_temporary_password() for _ in range(20)}
    assert len(seen) == 20
    for password in seen:
        auth.validate_password(password)
