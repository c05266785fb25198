"""The `booth` command's entry point, with a quick way to the booth screen.

Plain `booth` (or `booth run`, with only --db and --booth) is what an attendant
starts many times a day; it opens the screen without building the whole command
line (Typer and its option conversion cost about a tenth of a second). Anything
else -- another command, --help, a typo -- goes to the full command line.
"""

from __future__ import annotations

import sys

SCREEN_OPTIONS = ("--db", "--booth")


def screen_options(argv: list[str]) -> dict[str, str | None] | None:
    """The options of a plain `booth` / `booth run`, or None for anything else."""
    found: dict[str, str | None] = {"--db": None, "--booth": None}
    seen_run = False
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "run" and not seen_run:
            seen_run = True
            i += 1
            continue
        name, eq, value = arg.partition("=")
        if name not in SCREEN_OPTIONS:
            return None
        if not eq:
            if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
                return None  # let the full command line explain the missing value
            value = argv[i + 1]
            i += 1
        if not value:
            return None
        found[name] = value
        i += 1
    return found


def main() -> None:
    """Run `booth`."""
    options = screen_options(sys.argv[1:])
    if options is not None:
        from booth.core.paths import booth_name, resolve_db
        from booth.tui.app import run

        run(target=resolve_db(options["--db"]), booth=booth_name(options["--booth"]))
        return
    from booth.cli import main as cli_main

    cli_main()
