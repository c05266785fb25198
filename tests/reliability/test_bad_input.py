"""Hostile input into the plate, ticket, amount and password fields and into CLI options.

Only clear refusals come back (BoothError subclasses, or exit 1/2 without a
traceback) and a refusal writes nothing.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from booth.cli import app
from booth.cli.common import runtime
from booth.core import auth, plates, stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.errors import AuthError, BoothError, NotFound, Refused
from tests.conftest import OPERATOR_PASSWORD

SAMPLES = [
    "",
    " ",
    "'; DROP TABLE stays; --",
    "ABC123' OR '1'='1",
    "abc-123; DELETE FROM invoices",
    "🚗🚗🚗",
    "ABC🚗12",
    "A" * 10_000,
    "\x00ABC123",
    "ABC\n123",
    "\x1b[31mABC123",
    "-1",
    "-20000",
    "99999999999999999999999999",
    "1e9",
    "٣٤٥٦٧٨",
    "ＡＢＣ１２３",
    "K7M-4QX",
    "$ 20.000",
    "20,000.50",
    "ǅǅǅ123",
    "ß" * 80,
]
nasty = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(max_size=30),
    st.text(st.characters(max_codepoint=0x3F), max_size=12),
    st.text(min_size=100, max_size=3000),
    st.integers().map(str),
)
DB_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def dump(path: Path) -> list[tuple]:
    """Every row of every table: equal before and after means nothing was written."""
    con = sqlite3.connect(path)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [(t, *row) for t in sorted(tables) for row in con.execute(f"SELECT * FROM {t}")]
    finally:
        con.close()


def count_rows(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


@settings(max_examples=300)
@given(nasty)
def test_plate_is_normalised_or_refused(text: str) -> None:
    try:
        plate = plates.normalise_plate(text)
    except Refused as exc:
        assert exc.message and "\n" not in exc.message
        return
    assert re.fullmatch(r"[A-Z0-9]{3,8}", plate)


@settings(max_examples=300)
@given(nasty)
def test_ticket_is_a_code_or_none(text: str) -> None:
    code = plates.normalise_ticket(text)
    assert code is None or re.fullmatch(f"[{plates.TICKET_ALPHABET}]{{6}}", code)


@settings(max_examples=300)
@given(nasty)
def test_tendered_is_whole_pesos_or_refused(text: str) -> None:
    try:
        value = stays.parse_tendered(text)
    except Refused as exc:
        assert exc.message
        return
    assert value is None or 0 <= value <= stays.MAX_TENDERED
    if value is None:
        assert set(text.strip()) <= set("$., ")


@settings(max_examples=100, deadline=None)
@given(nasty)
def test_password_rules_never_crash(text: str) -> None:
    try:
        auth.validate_password(text)
    except Refused as exc:
        assert exc.message
        assert not auth.check_password(text, None)
        return
    assert 8 <= len(text) and len(text.encode()) <= 72
    assert auth.check_password(text, auth.hash_password(text))


@DB_SETTINGS
@given(text=nasty)
def test_check_in_with_any_plate(
    big_lot: Engine, db_path: Path, clock: FixedClock, who: SignedIn, text: str
) -> None:
    before = dump(db_path)
    try:
        done = stays.check_in(big_lot, clock=clock, who=who, plate=text)
    except BoothError as exc:
        assert isinstance(exc, Refused | NotFound) and exc.message
        assert dump(db_path) == before
        return
    assert done.stay.plate == plates.normalise_plate(text)
    assert count_rows(db_path, "stays") == sum(1 for r in before if r[0] == "stays") + 1


@DB_SETTINGS
@given(text=nasty)
def test_lookup_with_any_text_writes_nothing(
    big_lot: Engine, db_path: Path, clock: FixedClock, who: SignedIn, text: str
) -> None:
    if count_rows(db_path, "stays") == 0:
        stays.check_in(big_lot, clock=clock, who=who, plate="ABC123")
    before = dump(db_path)
    try:
        quote = stays.quote(big_lot, clock=clock, query=text)
        assert quote.amount >= 0
    except (NotFound, Refused) as exc:
        assert exc.message
    assert dump(db_path) == before


@DB_SETTINGS
@given(
    tendered=st.one_of(
        st.none(), st.integers(), st.sampled_from([-1, 0, 1, 10**6, stays.MAX_TENDERED + 1])
    ),
    method=st.one_of(st.sampled_from(["cash", "card", "transfer"]), st.text(max_size=10)),
)
def test_check_out_with_any_amount(
    big_lot: Engine,
    db_path: Path,
    clock: FixedClock,
    who: SignedIn,
    tendered: int | None,
    method: str,
) -> None:
    n = count_rows(db_path, "stays")
    stay = stays.check_in(big_lot, clock=clock, who=who, plate=f"T{n:05d}").stay
    clock.advance(minutes=90)  # 3330 pesos
    before = dump(db_path)
    try:
        invoice = stays.check_out(
            big_lot,
            clock=clock,
            who=who,
            stay_id=stay.id or 0,
            payment_method=method,
            tendered=tendered,
        )
    except Refused as exc:
        assert exc.message
        assert dump(db_path) == before
        return
    assert invoice.amount == 3330 and invoice.change >= 0
    assert invoice.tendered - invoice.change == invoice.amount


@DB_SETTINGS
@given(username=nasty, password=nasty)
def test_login_with_anything_is_the_generic_refusal(
    big_lot: Engine, db_path: Path, clock: FixedClock, username: str, password: str
) -> None:
    users_before = [r for r in dump(db_path) if r[0] in ("users", "stays", "invoices")]
    if (username.strip().lower(), password) in {("admin", OPERATOR_PASSWORD)}:
        return
    with pytest.raises(AuthError, match="^Invalid username or password$"):
        auth.authenticate(big_lot, clock=clock, booth="B1", username=username, password=password)
    after = [r for r in dump(db_path) if r[0] in ("users", "stays", "invoices")]
    if auth.normalise_username(username) not in {"admin", "ana"}:
        assert after == users_before  # only the audit log learns of the attempt


# --- CLI options --------------------------------------------------------------------------


@pytest.fixture
def cli(clock: FixedClock) -> Iterator[CliRunner]:
    saved = runtime.clock_factory, runtime.db
    runtime.clock_factory = lambda: clock
    yield CliRunner()
    runtime.clock_factory, runtime.db = saved


def assert_clean_exit(result: object) -> None:
    exc = getattr(result, "exception", None)
    assert exc is None or isinstance(exc, SystemExit), repr(exc)
    assert getattr(result, "exit_code", None) in (0, 1, 2)
    assert "Traceback" not in getattr(result, "output", "")


option_value = st.one_of(nasty, st.integers(min_value=-(10**20), max_value=10**20).map(str))


@DB_SETTINGS
@given(
    option=st.sampled_from(
        [
            "--lot-name",
            "--nit",
            "--address",
            "--timezone",
            "--capacity",
            "--invoice-prefix",
            "--invoice-from",
            "--invoice-to",
            "--resolution",
            "--resolution-date",
            "--receipt-width",
            "--idle-lock-minutes",
            "--max-failed-logins",
        ]
    ),
    value=option_value,
)
def test_setup_options(
    big_lot: Engine, db_path: Path, cli: CliRunner, option: str, value: str
) -> None:
    before = dump(db_path)
    result = cli.invoke(app, ["setup", "--db", str(db_path), "--yes", f"{option}={value}"])
    assert_clean_exit(result)
    if result.exit_code != 0:
        assert result.stderr.strip() or result.exit_code == 2
        assert dump(db_path) == before


@DB_SETTINGS
@given(value=option_value, password=nasty)
def test_first_setup_refused_leaves_no_file(
    tmp_path_factory: pytest.TempPathFactory, cli: CliRunner, value: str, password: str
) -> None:
    db = tmp_path_factory.mktemp("first") / "new.db"
    result = cli.invoke(
        app,
        [
            "setup",
            "--db",
            str(db),
            "--yes",
            "--operator",
            "boss",
            "--password-stdin",
            f"--lot-name={value}",
        ],
        input=password + "\n",
    )
    assert_clean_exit(result)
    if result.exit_code != 0:
        assert not db.exists()


@DB_SETTINGS
@given(
    username=nasty,
    role=st.one_of(st.sampled_from(["attendant", "operator"]), nasty),
    name=nasty,
    password=nasty,
)
def test_users_add_options(
    big_lot: Engine,
    db_path: Path,
    cli: CliRunner,
    username: str,
    role: str,
    name: str,
    password: str,
) -> None:
    before = dump(db_path)
    result = cli.invoke(
        app,
        [
            "users",
            "add",
            "--db",
            str(db_path),
            "--role",
            role,
            "--name",
            name,
            "--password-stdin",
            "--",
            username,
        ],
        input=password + "\n",
    )
    assert_clean_exit(result)
    if result.exit_code != 0:
        assert dump(db_path) == before
    else:
        assert count_rows(db_path, "users") == sum(1 for r in before if r[0] == "users") + 1
