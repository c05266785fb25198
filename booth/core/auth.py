"""Passwords (bcrypt), login with lockout, roles.

bcrypt runs outside any database transaction so a slow hash never holds the
write lock; only the outcome of a login is written, in a short unit of work.
"""

from __future__ import annotations

import os
import secrets
import string
from datetime import timedelta
from functools import lru_cache

import bcrypt
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from booth.core import audit
from booth.core.audit import Actor
from booth.core.clock import Clock
from booth.core.db import run_read, run_write
from booth.core.errors import AuthError, BoothError, NotFound, Refused
from booth.core.i18n import _
from booth.core.models import ROLES, LotSettings, User

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_BYTES = 72  # bcrypt's limit; bcrypt 5 raises beyond it
USERNAME_MAX = 32


def bcrypt_rounds() -> int:
    """Cost factor: 12, or BOOTH_BCRYPT_ROUNDS (4..16) where an operator tunes it."""
    raw = os.environ.get("BOOTH_BCRYPT_ROUNDS", "")
    if raw.isdigit() and 4 <= int(raw) <= 16:
        return int(raw)
    return 12


def invalid_credentials() -> AuthError:
    """The one sentence every failed login gets."""
    return AuthError(_("Invalid username or password"))


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: stored and compared lower-case."""
    return username.strip().lower()


def validate_username(username: str) -> str:
    """The normalised username, or a Refused with the reason."""
    name = normalise_username(username)
    if not name:
        raise Refused(_("A username is required."))
    if len(name) > USERNAME_MAX:
        raise Refused(_("A username has at most {n} characters.").format(n=USERNAME_MAX))
    allowed = set(string.ascii_lowercase + string.digits + "._-")
    if not set(name) <= allowed or not name[0].isalnum():
        raise Refused(
            _(
                "A username uses only letters a-z, digits, '.', '_' or '-', starting with a letter or digit."
            )
        )
    return name


def validate_password(password: str) -> None:
    """Refuse passwords bcrypt cannot take or that are too short."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise Refused(_("A password needs at least {n} characters.").format(n=MIN_PASSWORD_CHARS))
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise Refused(
            _("A password can be at most {n} bytes long (UTF-8); this one is too long.").format(
                n=MAX_PASSWORD_BYTES
            )
        )
    if any(ch in password for ch in "\x00\n\r"):
        raise Refused(_("A password cannot contain line breaks or NUL characters."))


def hash_password(password: str) -> str:
    """bcrypt hash of a valid password."""
    validate_password(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(bcrypt_rounds())).decode()


@lru_cache(maxsize=1)
def _dummy_hash() -> bytes:
    return bcrypt.hashpw(secrets.token_bytes(16).hex().encode(), bcrypt.gensalt(bcrypt_rounds()))


def check_password(password: str, password_hash: str | None) -> bool:
    """True when `password` matches; never raises, spends bcrypt time even with no hash."""
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES or not encoded or b"\x00" in encoded:
        # bcrypt would raise; still spend the same time.
        bcrypt.checkpw(b"x", _dummy_hash())
        return False
    if password_hash is None:
        bcrypt.checkpw(encoded, _dummy_hash())
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode())
    except ValueError:
        return False


def generate_temporary_password() -> str:
    """A strong one-time password that reads well aloud (no 0/O, 1/l)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def find_user(session: Session, username: str) -> User | None:
    """The user with this (case-insensitive) username."""
    return session.exec(select(User).where(User.username == normalise_username(username))).first()


def get_user(session: Session, username: str) -> User:
    """The user, or NotFound with a clear sentence."""
    user = find_user(session, username)
    if user is None:
        raise NotFound(
            _("No user named '{username}'.").format(username=normalise_username(username))
        )
    return user


def is_locked(user: User, clock: Clock) -> bool:
    """True while a lockout is running."""
    return user.locked_until is not None and user.locked_until > clock.now()


def operator_count(session: Session) -> int:
    """How many active operators exist."""
    stmt = (
        select(func.count())
        .select_from(User)
        .where(User.role == "operator", col(User.active).is_(True))
    )
    return int(session.exec(stmt).one())


def create_user(
    session: Session,
    *,
    clock: Clock,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    name: str = "",
    must_change_password: bool = False,
) -> User:
    """Add a user (inside a write transaction); refuses duplicates."""
    uname = validate_username(username)
    if role not in ROLES:
        raise Refused(_("Role must be 'attendant' or 'operator'."))
    if find_user(session, uname) is not None:
        raise Refused(_("A user named '{username}' already exists.").format(username=uname))
    if len(name) > 80:
        raise Refused(_("A name has at most 80 characters."))
    user = User(
        username=uname,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        clock=clock,
        actor=actor,
        action="user.create",
        subject=uname,
        details={"role": role},
    )
    return user


def authenticate(engine: Engine, *, clock: Clock, booth: str, username: str, password: str) -> User:
    """The user for these credentials, or AuthError with one generic sentence.

    Unknown users cost the same bcrypt time (dummy hash). Failures count toward
    a lockout; every login, failure and lockout is audited.
    """
    uname = normalise_username(username)[: USERNAME_MAX * 4]

    def load(session: Session) -> tuple[User | None, LotSettings | None]:
        return find_user(session, uname), session.get(LotSettings, 1)

    user, settings = run_read(engine, load)
    ok = check_password(password, user.password_hash if user else None)
    max_failures = settings.max_failed_logins if settings else 5
    lock_minutes = settings.lockout_minutes if settings else 15
    actor = Actor(username=uname, booth=booth)

    def outcome(session: Session) -> User | None:
        def failed(reason: str) -> User | None:
            audit.record(
                session,
                clock=clock,
                actor=actor,
                action="login.failed",
                subject=uname,
                details={"reason": reason},
            )
            return None

        current = find_user(session, uname) if user else None
        if current is None:
            return failed("unknown user")
        if not current.active:
            return failed("disabled")
        if is_locked(current, clock):
            return failed("locked")
        if not ok or current.password_hash != (user.password_hash if user else None):
            current.failed_attempts += 1
            if current.failed_attempts >= max_failures:
                current.locked_until = clock.now() + timedelta(minutes=lock_minutes)
                current.failed_attempts = 0
                audit.record(
                    session,
                    clock=clock,
                    actor=actor,
                    action="login.lockout",
                    subject=uname,
                    details={"minutes": lock_minutes},
                )
            session.add(current)
            return failed("wrong password")
        current.failed_attempts = 0
        current.locked_until = None
        session.add(current)
        audit.record(session, clock=clock, actor=actor, action="login.ok", subject=uname)
        return current

    result = run_write(engine, outcome)
    if result is None:
        raise invalid_credentials()
    return result


def change_password(
    engine: Engine, *, clock: Clock, actor: Actor, username: str, new_password: str
) -> None:
    """A user sets their own new password (clears the must-change flag)."""
    current = run_read(engine, lambda s: get_user(s, username))
    # bcrypt runs before the write transaction so it never holds the lock.
    if check_password(new_password, current.password_hash):
        raise Refused(_("Choose a password different from the current one."))
    new_hash = hash_password(new_password)

    def work(session: Session) -> None:
        user = get_user(session, username)
        user.password_hash = new_hash
        user.must_change_password = False
        session.add(user)
        audit.record(
            session, clock=clock, actor=actor, action="user.password_change", subject=user.username
        )

    run_write(engine, work)


def require_operator(user: User) -> None:
    """Refuse anyone but an active operator."""
    if user.role != "operator" or not user.active:
        raise Refused(_("Only an operator can do this."))


def ensure_role(role: str) -> str:
    """A valid role name or a Refused."""
    if role not in ROLES:
        raise BoothError(_("Role must be 'attendant' or 'operator'."))
    return role
