"""`booth report`: totals, invoices, voids, vehicles inside, numbering and shifts of a period."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from booth.cli.common import DbOption, open_db, runtime
from booth.core.i18n import _

if TYPE_CHECKING:
    pass

FORMATS = ("table", "csv", "json")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename.

    A reader (or a crash) sees the old file or the new one, never half of one.
    """
    from booth.core.errors import Refused

    target = path.expanduser()
    if target.is_dir():
        raise Refused(_("Cannot write {path}: it is a folder.").format(path=path))
    folder = target.parent
    if not folder.is_dir():
        raise Refused(
            _("Cannot write {path}: the folder {folder} does not exist.").format(
                path=path, folder=folder
            )
        )
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else _default_mode()
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise Refused(
            _("Cannot write {path}: {reason}.").format(path=path, reason=exc.strerror or exc)
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        _sync_folder(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise Refused(
            _("Cannot write {path}: {reason}.").format(path=path, reason=exc.strerror or exc)
        ) from exc


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def report(
    day: Annotated[
        str | None,
        typer.Option("--date", help="today, yesterday or YYYY-MM-DD (default today)."),
    ] = None,
    from_day: Annotated[
        str | None, typer.Option("--from", help="First day YYYY-MM-DD (with --to).")
    ] = None,
    to_day: Annotated[
        str | None, typer.Option("--to", help="Last day YYYY-MM-DD, included (with --from).")
    ] = None,
    month: Annotated[str | None, typer.Option("--month", help="A month, YYYY-MM.")] = None,
    year: Annotated[str | None, typer.Option("--year", help="A year, YYYY.")] = None,
    booth: Annotated[
        str | None, typer.Option("--booth", help="Only this booth's invoices and shifts.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Report a period: totals, invoices, voids, vehicles inside, numbering and shifts.

    Days are calendar days in the lot's time zone. Never takes the write lock.
    """
    from booth.core.errors import Refused
    from booth.core.reports import build_report, parse_period

    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise Refused(_("--format must be table, csv or json (got '{fmt}').").format(fmt=fmt))
    request = parse_period(day=day, from_day=from_day, to_day=to_day, month=month, year=year)
    if output is not None and output.expanduser().is_dir():
        raise Refused(_("Cannot write {path}: it is a folder.").format(path=output))
    if output is not None and not output.expanduser().parent.is_dir():
        raise Refused(
            _("Cannot write {path}: the folder {folder} does not exist.").format(
                path=output, folder=output.expanduser().parent
            )
        )
    engine = open_db(db)  # reads the schema version without the write lock
    try:
        result = build_report(engine, clock=runtime.clock, request=request, booth=booth)
    finally:
        engine.dispose()

    from booth.core import report_format

    if fmt == "table" and output is None:
        from rich.console import Console

        Console().print(report_format.render_table(result))
        return
    if fmt == "table":
        text = report_format.render_table_text(result)
    elif fmt == "csv":
        text = report_format.render_csv(result)
    else:
        text = report_format.render_json(result)
    data = report_format.encode(text, fmt)
    if output is None:
        typer.echo(data, nl=False)
        return
    write_atomic(output, data)
    typer.echo(
        _("Report for {first} to {last} written to {path}.").format(
            first=result.period.first_day.isoformat(),
            last=result.period.last_day.isoformat(),
            path=output,
        )
    )


def register(app: typer.Typer) -> None:
    """Add `booth report`."""
    app.command("report")(report)
