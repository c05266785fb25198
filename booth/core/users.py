"""User administration services (each one unit of work)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from booth.core import audit, auth
from booth.core.audit import Actor
from booth.core.clock import Clock
from booth.core.db import run_read, run_write
from booth.core.errors import Refused
from booth.core.i18n import _
from booth.core.models import User


def validate_new(engine: Engine, *, username: str, role: str, name: str = "") -> None:
    """Refuse a bad or duplicate user before asking for a password."""
    uname = auth.validate_username(username)
    auth.ensure_role(role)
    if run_read(engine, lambda s: auth.find_user(s, uname)) is not None:
        raise Refused(_("A user named '{username}' already exists.").format(username=uname))


def add_user(
    engine: Engine,
    *,
    clock: Clock,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    name: str = "",
) -> User:
    """Add a user in one transaction."""
    auth.validate_password(password)
    return run_write(
        engine,
        lambda s: auth.create_user(
            s, clock=clock, actor=actor, username=username, password=password, role=role, name=name
        ),
    )


def list_users(engine: Engine, *, clock: Clock) -> list[dict[str, Any]]:
    """Users as plain dicts (the JSON contract of `booth users list`)."""

    def read(session: Session) -> list[dict[str, Any]]:
        return [
            {
                "username": u.username,
                "name": u.name,
                "role": u.role,
                "active": u.active,
                "locked": auth.is_locked(u, clock),
            }
            for u in session.exec(select(User).order_by(col(User.username)))
        ]

    return run_read(engine, read)


def set_active(engine: Engine, *, clock: Clock, actor: Actor, username: str, active: bool) -> User:
    """Enable or disable a user; the last active operator cannot be disabled."""

    def work(session: Session) -> User:
        user = auth.get_user(session, username)
        if (
            not active
            and user.role == "operator"
            and user.active
            and auth.operator_count(session) <= 1
        ):
            raise Refused(
                _("'{username}' is the last active operator and cannot be disabled.").format(
                    username=user.username
                )
            )
        if user.active != active:
            user.active = active
            session.add(user)
            audit.record(
                session,
                clock=clock,
                actor=actor,
                action="user.enable" if active else "user.disable",
                subject=user.username,
            )
        return user

    return run_write(engine, work)


def require_existing(engine: Engine, *, username: str) -> User:
    """The user, or NotFound, before anything is asked (e.g. a new password)."""
    return run_read(engine, lambda s: auth.get_user(s, username))


def reset_password(
    engine: Engine,
    *,
    clock: Clock,
    actor: Actor,
    username: str,
    new_password: str,
    temporary: bool = False,
) -> User:
    """Set a forgotten password: unlock, clear failures, force a change at next login.

    The audit event says who reset whom and whether the password was a
    generated one-time password; never the password.
    """
    new_hash = auth.hash_password(new_password)  # bcrypt outside the write lock

    def work(session: Session) -> User:
        user = auth.get_user(session, username)
        was_locked = auth.is_locked(user, clock)
        user.password_hash = new_hash
        user.must_change_password = True
        user.failed_attempts = 0
        user.locked_until = None
        session.add(user)
        audit.record(
            session,
            clock=clock,
            actor=actor,
            action="user.password_reset",
            subject=user.username,
            details={"temporary": temporary, "was_locked": was_locked},
        )
        return user

    return run_write(engine, work)
