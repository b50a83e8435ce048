"""How a command that fails ends: one readable message and a non-zero exit, never a traceback.

* the lab's own errors (:class:`~lab.errors.LabError`: bad input, damaged files, bounds) and
  operating-system errors (a read-only or non-directory folder, a full disk) print one message
  naming the file and exit with status 2;
* any other exception is a defect of the lab: one message saying so, exit status 1;
* ``lab --debug ...`` (or ``LAB_DEBUG=1``) lets the exception through with its traceback.

The handling sits in the root command group, so the installed ``lab`` script, ``python -m`` and
tests that invoke the app all behave the same.
"""

from __future__ import annotations

import errno
import os
from typing import Any

import typer
from typer.core import TyperGroup

from lab.cli.console import make_console
from lab.errors import LabError
from lab.terminal_text import markup_safe

DEBUG_ENV = "LAB_DEBUG"
#: Exit status of bad input, damaged files and environment problems.
EXIT_USER = 2
#: Exit status of an unexpected failure (a defect of the lab).
EXIT_INTERNAL = 1

_HINTS = {
    errno.EACCES: "the folder or file is not writable/readable by you",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "a path component is a file, not a folder",
    errno.EEXIST: "a file is in the way where a folder is needed",
    errno.ENOSPC: "the disk is full",
    errno.EISDIR: "a folder is where a file is expected",
}


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def os_error_message(exc: OSError) -> str:
    """``<file>: <reason> (<hint>); check that path and <the settings that name folders>``."""
    where = " -> ".join(str(p) for p in (exc.filename, exc.filename2) if p is not None)
    reason = exc.strerror or str(exc)
    hint = _HINTS.get(exc.errno or 0)
    text = f"{where}: {reason}" if where else reason
    if hint:
        text += f" ({hint})"
    folders = (
        "the folders given by --data-dir/$LAB_DATA_DIR, --results-dir/$LAB_RESULTS_DIR and "
        "$LAB_SURROGATES_DIR"
    )
    if where:
        return f"{text}; check that path and {folders}"
    return f"{text}; check {folders}"


def _is_framework(exc: BaseException) -> bool:
    return isinstance(exc, typer.Exit | typer.Abort) or type(exc).__module__.split(".")[0] in (
        "click",
        "typer",
    )


def print_error(message: str) -> None:
    """``error: <message>`` on standard error; the message may quote untrusted text (a name, a
    value from a file), so its markup and control characters are printed as text."""
    make_console(stderr=True).print(f"[bold red]error:[/] {markup_safe(message)}", highlight=False)


class LabGroup(TyperGroup):
    """The root group: turns exceptions of any sub-command into one message and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except LabError as exc:
            if debug_enabled():
                raise
            print_error(str(exc))
            raise typer.Exit(EXIT_USER) from None
        except OSError as exc:
            if debug_enabled() or exc.errno == errno.EPIPE:
                raise
            print_error(os_error_message(exc))
            raise typer.Exit(EXIT_USER) from None
        except Exception as exc:
            # Exit codes, aborts and usage errors belong to the command-line framework.
            if debug_enabled() or _is_framework(exc):
                raise
            print_error(
                f"unexpected {type(exc).__name__}: {exc}. This is a defect of the lab, not of "
                "your input; rerun with `lab --debug ...` for the traceback and report it"
            )
            raise typer.Exit(EXIT_INTERNAL) from None


__all__ = ["DEBUG_ENV", "EXIT_INTERNAL", "EXIT_USER", "LabGroup", "debug_enabled", "print_error"]
