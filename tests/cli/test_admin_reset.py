"""`booth users reset-password`: prompt twice, --password-stdin or --temporary; then login."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from booth.cli import app
from booth.core import auth
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.errors import AuthError
from booth.core.models import User
from tests.conftest import ATTENDANT_PASSWORD

DONE = (
    "Password of 'ana' reset and the account unlocked; "
    "a new password must be chosen at the next login.\n"
)


def get(engine: Engine, username: str = "ana") -> User:
    return run_read(engine, lambda s: auth.get_user(s, username))


def lock(engine: Engine, clock: FixedClock) -> None:
    for _attempt in range(5):
        with pytest.raises(AuthError):
            auth.authenticate(engine, clock=clock, booth="B1", username="ana", password="wrong-pw")
    assert auth.is_locked(get(engine), clock)


def test_reset_from_stdin_then_login(
    runner: CliRunner, engine: Engine, clock: FixedClock, db_path: Path
) -> None:
    lock(engine, clock)
    r = runner.invoke(
        app,
        ["users", "reset-password", "Ana", "--password-stdin", "--db", str(db_path)],
        input="brand-new-pass\n",
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == DONE
    user = auth.authenticate(
        engine, clock=clock, booth="B1", username="ana", password="brand-new-pass"
    )
    assert user.must_change_password is True
    audit = runner.invoke(app, ["audit", "--action", "user.password_reset", "--db", str(db_path)])
    line = audit.stdout.splitlines()[1]
    assert "user.password_reset  ana" in line and '{"temporary": false, "was_locked": true}' in line
    assert "brand-new-pass" not in audit.stdout


def test_temporary_password_printed_once_and_works(
    runner: CliRunner, engine: Engine, clock: FixedClock, db_path: Path
) -> None:
    r = runner.invoke(app, ["users", "reset-password", "ana", "--temporary", "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    first, second = r.stdout.splitlines(keepends=True)
    m = re.fullmatch(
        r"Temporary password for 'ana' \(shown only now\): (\S{4}-\S{4}-\S{4}-\S{4})\n", first
    )
    assert m is not None
    assert second == DONE
    temporary = m.group(1)
    user = auth.authenticate(engine, clock=clock, booth="B1", username="ana", password=temporary)
    assert user.must_change_password is True
    with pytest.raises(AuthError):
        auth.authenticate(
            engine, clock=clock, booth="B1", username="ana", password=ATTENDANT_PASSWORD
        )
    engine.dispose()
    stored = b"".join(
        p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)
    )
    assert temporary.encode() not in stored


def test_hidden_prompt_asks_twice(
    runner: CliRunner,
    engine: Engine,
    clock: FixedClock,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import booth.cli.common as common

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(common, "sys", SimpleNamespace(stdin=Terminal()))
    prompts: list[str] = []
    answers = iter(["typed-once-1", "typed-twice-2", "same-both-9", "same-both-9"])

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(common.getpass, "getpass", fake_getpass)
    before = get(engine).password_hash
    r = runner.invoke(app, ["users", "reset-password", "ana", "--db", str(db_path)])
    assert (r.exit_code, r.stderr) == (1, "The two passwords differ; nothing was changed.\n")
    assert get(engine).password_hash == before
    r = runner.invoke(app, ["users", "reset-password", "ana", "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    assert prompts == ["New password for ana: ", "Repeat password: "] * 2
    assert auth.authenticate(
        engine, clock=clock, booth="B1", username="ana", password="same-both-9"
    ).must_change_password


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (["ghost", "--password-stdin"], "whatever-123\n", "No user named 'ghost'."),
        (["ghost", "--temporary"], "", "No user named 'ghost'."),
        (
            ["ana", "--temporary", "--password-stdin"],
            "whatever-123\n",
            "Use either --temporary or --password-stdin, not both.",
        ),
        (["ana", "--password-stdin"], "short\n", "A password needs at least 8 characters."),
        (["ana", "--password-stdin"], "\n", "No password on stdin."),
        (
            ["ana"],
            "",
            "No terminal to ask for a password: pass --password-stdin and pipe it in.",
        ),
    ],
)
def test_reset_refusals_change_nothing(
    runner: CliRunner, engine: Engine, db_path: Path, args: list[str], stdin: str, message: str
) -> None:
    before = get(engine)
    r = runner.invoke(app, ["users", "reset-password", *args, "--db", str(db_path)], input=stdin)
    assert (r.exit_code, r.stderr, r.stdout) == (1, message + "\n", "")
    after = get(engine)
    assert (after.password_hash, after.must_change_password) == (before.password_hash, False)


def test_reset_of_a_disabled_user_says_so(runner: CliRunner, engine: Engine, db_path: Path) -> None:
    assert runner.invoke(app, ["users", "disable", "ana", "--db", str(db_path)]).exit_code == 0
    r = runner.invoke(
        app,
        ["users", "reset-password", "ana", "--password-stdin", "--db", str(db_path)],
        input="brand-new-pass\n",
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == DONE + (
        "Note: 'ana' is disabled; `booth users enable ana` lets them log in.\n"
    )
    assert get(engine).active is False
