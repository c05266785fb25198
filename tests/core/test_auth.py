from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from booth.core import auth
from booth.core.audit import verify_chain
from booth.core.clock import FixedClock
from booth.core.db import run_read, run_write
from booth.core.errors import AuthError, Refused
from booth.core.models import AuditEvent, User
from tests.conftest import ATTENDANT_PASSWORD


def login(engine: Engine, clock: FixedClock, username: str, password: str) -> User:
    return auth.authenticate(engine, clock=clock, booth="B1", username=username, password=password)


def test_login_ok_case_insensitive(engine: Engine, clock: FixedClock) -> None:
    user = login(engine, clock, "  ANA ", ATTENDANT_PASSWORD)
    assert user.username == "ana"


@pytest.mark.parametrize(
    "username,password",
    [
        ("ana", "wrong-password"),
        ("nobody", ATTENDANT_PASSWORD),
        ("ana", "x" * 100),
        ("ana", "ñ" * 40),
        ("", ""),
        ("ana", "with\x00nul-pass"),
    ],
)
def test_every_failure_is_the_same_sentence(
    engine: Engine, clock: FixedClock, username: str, password: str
) -> None:
    with pytest.raises(AuthError) as err:
        login(engine, clock, username, password)
    assert str(err.value) == "Invalid username or password"


def test_lockout_after_five_failures_holds_even_with_right_password(
    engine: Engine, clock: FixedClock
) -> None:
    for _ in range(5):
        with pytest.raises(AuthError):
            login(engine, clock, "ana", "wrong-password")
    with pytest.raises(AuthError):
        login(engine, clock, "ana", ATTENDANT_PASSWORD)
    clock.advance(minutes=15, seconds=1)
    assert login(engine, clock, "ana", ATTENDANT_PASSWORD).username == "ana"
    actions = run_read(
        engine, lambda s: list(s.exec(select(AuditEvent.action).order_by(AuditEvent.id)))
    )
    assert actions.count("login.lockout") == 1
    assert actions.count("login.failed") == 6
    assert actions[-1] == "login.ok"


def test_disabled_user_cannot_login(engine: Engine, clock: FixedClock) -> None:
    def disable(session):  # type: ignore[no-untyped-def]
        user = auth.get_user(session, "ana")
        user.active = False
        session.add(user)

    run_write(engine, disable)
    with pytest.raises(AuthError):
        login(engine, clock, "ana", ATTENDANT_PASSWORD)


def test_password_rules() -> None:
    with pytest.raises(Refused, match="at least 8"):
        auth.validate_password("short")
    with pytest.raises(Refused, match="at most 72 bytes"):
        auth.validate_password("ñ" * 37)  # 74 bytes, 37 characters
    auth.validate_password("ñ" * 36)  # exactly 72 bytes


def test_check_password_never_raises_on_long_input() -> None:
    hashed = auth.hash_password("good-password")
    assert auth.check_password("good-password", hashed)
    assert not auth.check_password("x" * 500, hashed)


def test_hash_is_bcrypt(engine: Engine) -> None:
    user = run_read(engine, lambda s: auth.get_user(s, "ana"))
    assert user.password_hash.startswith("$2b$")
    assert ATTENDANT_PASSWORD not in user.password_hash


def test_audit_chain_intact_after_logins(engine: Engine, clock: FixedClock) -> None:
    login(engine, clock, "ana", ATTENDANT_PASSWORD)
    with pytest.raises(AuthError):
        login(engine, clock, "ana", "nope-nope")
    assert run_read(engine, verify_chain) == []


def test_audit_chain_detects_edit(engine: Engine) -> None:
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET subject='evil' WHERE id=1"))
    problems = run_read(engine, verify_chain)
    assert problems and "altered" in problems[0]


def test_usernames_validated() -> None:
    with pytest.raises(Refused):
        auth.validate_username("bad name")
    with pytest.raises(Refused):
        auth.validate_username("x" * 40)
    assert auth.validate_username("Ana.P") == "ana.p"


def test_temporary_password_is_valid() -> None:
    pw = auth.generate_temporary_password()
    auth.validate_password(pw)
    assert len(pw) == 19


def test_lock_expiry_uses_clock(engine: Engine, clock: FixedClock) -> None:
    user = run_read(engine, lambda s: auth.get_user(s, "ana"))
    user.locked_until = clock.now() + timedelta(minutes=1)
    assert auth.is_locked(user, clock)
    clock.advance(minutes=2)
    assert not auth.is_locked(user, clock)


def test_change_password_clears_flag_and_refuses_same(engine: Engine, clock: FixedClock) -> None:
    def flag(session):  # type: ignore[no-untyped-def]
        user = auth.get_user(session, "ana")
        user.must_change_password = True
        session.add(user)

    run_write(engine, flag)
    actor = auth.Actor("ana", "B1")
    with pytest.raises(Refused, match="different"):
        auth.change_password(
            engine, clock=clock, actor=actor, username="ana", new_password=ATTENDANT_PASSWORD
        )
    auth.change_password(
        engine, clock=clock, actor=actor, username="ana", new_password="brand-new-pass"
    )
    user = login(engine, clock, "ana", "brand-new-pass")
    assert user.must_change_password is False
