"""`booth run` (and bare `booth`): open the attendant's screen."""

from __future__ import annotations

from typing import Annotated

import typer

from booth.cli.common import DbOption, booth_name, runtime


def run_tui(*, db: str | None, booth: str | None) -> None:
    """Open the booth app on the configured database.

    Imports no database code: the screen's first frame comes before it.
    """
    from booth.core.paths import resolve_db
    from booth.tui.app import run as run_app

    run_app(target=resolve_db(db or runtime.db), booth=booth_name(booth))


def run(
    db: DbOption = None,
    booth: Annotated[
        str | None,
        typer.Option("--booth", help="This booth's name (else $BOOTH_ID, else host name)."),
    ] = None,
) -> None:
    """Open the booth screen (the same as plain `booth`)."""
    run_tui(db=db, booth=booth)


def register(app: typer.Typer) -> None:
    """Add `booth run`."""
    app.command("run")(run)
