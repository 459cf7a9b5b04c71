"""Entry point: dispatches to one module per command and turns notus errors into exit codes.

Exit codes: 0 ok, 2 usage or spec error, 1 data or runtime error. A user mistake never prints a
traceback; an unexpected exception is a notus bug and prints one line (NOTUS_DEBUG=1 shows the traceback).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import select
import sys
import traceback

from notus import __version__
from notus.core.errors import NotusError

# Each name is a module notus.cli.<name> with `register(subparsers)`; order is the --help order.
COMMANDS = ("run", "versions", "show", "query", "plugins", "sample", "report", "publish", "train", "gc", "pin",
            "judge", "review")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its one-line style
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `only`, just that command's module is imported (report and publish import
    matplotlib and datasets, which would add a second to every `notus run`)."""
    parser = _Parser(prog="notus", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.description = "Declarative, versioned curation of LLM preference data into DPO training sets."
    parser.add_argument("--version", action="version", version=f"notus {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS if only is None else (only,):
        try:
            module = importlib.import_module(f"notus.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"notus.cli.{name}":
                continue  # command not installed in this build
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    first = next((w for w in words if not w.startswith("-")), None)
    parser = build_parser(first if first in COMMANDS else None)
    args = parser.parse_args(words)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # here, not at exit, so a reader that went away is handled below
        return code
    except OSError as exc:
        if not (_is_broken_pipe(exc) and _stdout_gone()):
            return _internal_error(exc)
        # `notus versions | head`: the reader has all it wanted. Point stdout at /dev/null so the
        # interpreter's own flush at exit does not fail a second time, and end quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except NotusError as exc:
        print(f"notus: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("notus: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        return _internal_error(exc)


def _internal_error(exc: Exception) -> int:
    if os.environ.get("NOTUS_DEBUG"):
        traceback.print_exception(exc)
    print(
        f"notus: internal error: {type(exc).__name__}: {exc} (a notus bug; NOTUS_DEBUG=1 shows the traceback)",
        file=sys.stderr,
    )
    return 1


def _is_broken_pipe(exc: OSError) -> bool:
    # Polars' write_csv raises a plain OSError("Broken pipe (os error 32)") without an errno
    return isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE or f"(os error {errno.EPIPE})" in str(exc)


def _stdout_gone() -> bool:
    """True if stdout's reader has closed it (a pipe whose read end is gone polls as an error)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


if __name__ == "__main__":
    sys.exit(main())
