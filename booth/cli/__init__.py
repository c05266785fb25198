"""The `booth` command line (Typer). Thin: parse, call core, print."""

from __future__ import annotations

from typing import Annotated

import typer

from booth.cli import setup as setup_cmd
from booth.cli import users as users_cmd
from booth.cli.common import BoothGroup, DbOption, runtime

app = typer.Typer(
    name="booth",
    help="Parking-lot booth: run the attendant's screen, or manage the lot.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=BoothGroup,
)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: DbOption = None,
    booth: Annotated[
        str | None,
        typer.Option("--booth", help="This booth's name (else $BOOTH_ID, else host name)."),
    ] = None,
) -> None:
    """Without a command, open the booth screen."""
    runtime.db = db
    if ctx.invoked_subcommand is None:
        from booth.cli.run import run_tui

        run_tui(db=db, booth=booth)


setup_cmd.register(app)
users_cmd.register(app)


def _register_optional() -> None:
    """Command groups added by later modules register themselves here."""
    import importlib

    for name in ("run", "tariff", "report", "admin", "shift", "demo"):
        try:
            module = importlib.import_module(f"booth.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"booth.cli.{name}":
                raise
            continue
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_optional()


def main() -> None:
    """Console entry point."""
    app()


__all__ = ["app", "main"]
