"""The whole of `booth setup` (also used by the first-run screen): one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from booth.core import auth, lot
from booth.core.audit import Actor
from booth.core.clock import Clock
from booth.core.db import (
    database_exists,
    open_database,
    run_read,
    run_write,
    sqlite_file,
)
from booth.core.models import LotSettings


@dataclass
class TargetState:
    """What a database already holds, before setup runs."""

    configured: bool
    has_operator: bool
    usernames: frozenset[str]

    def user_exists(self, username: str) -> bool:
        return auth.normalise_username(username) in self.usernames


@dataclass
class SetupResult:
    """What setup did."""

    lot_name: str
    changes: list[str]
    backup: Path | None


def inspect_target(target: str) -> TargetState:
    """Look at a database (which may not exist yet) without changing it."""
    if not database_exists(target):
        return TargetState(configured=False, has_operator=False, usernames=frozenset())
    engine = open_database(target)
    try:

        def read(session: Session) -> TargetState:
            from sqlmodel import select

            from booth.core.models import User

            names = frozenset(session.exec(select(User.username)).all())
            return TargetState(
                configured=session.get(LotSettings, 1) is not None,
                has_operator=auth.operator_count(session) > 0,
                usernames=names,
            )

        return run_read(engine, read)
    finally:
        engine.dispose()


def run_setup(
    target: str,
    *,
    clock: Clock,
    actor: Actor,
    options: lot.SetupOptions,
    operator: tuple[str, str] | None = None,
) -> SetupResult:
    """Create or upgrade the database, configure the lot and maybe add an operator."""
    if operator is not None:
        auth.validate_username(operator[0])
        auth.validate_password(operator[1])
    existed = database_exists(target)
    engine = open_database(target, create=True)
    try:

        def work(session: Session) -> SetupResult:
            changes = lot.configure(session, clock=clock, actor=actor, options=options)
            if operator is not None:
                auth.create_user(
                    session,
                    clock=clock,
                    actor=actor,
                    username=operator[0],
                    password=operator[1],
                    role="operator",
                )
                changes.append(f"operator {auth.normalise_username(operator[0])} created")
            settings = lot.get_settings(session)
            return SetupResult(lot_name=settings.name, changes=changes, backup=None)

        return run_write(engine, work)
    except BaseException:
        engine.dispose()
        if not existed:
            _remove_new_database(target)
        raise
    finally:
        engine.dispose()


def _remove_new_database(target: str) -> None:
    """A refused first setup leaves no half-made database behind."""
    path = sqlite_file(target)
    if path is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
