"""Error types whose class decides the exit code, so no caller has to guess.

A `SpecError` or `UsageError` is the user's to fix before any data is read (exit 2); a `DataError` is
something wrong with the data or the run (exit 1). Anything else escaping is a notus bug.
"""

from __future__ import annotations


class NotusError(Exception):
    """Base for errors that carry a message meant for the user, not a traceback."""

    exit_code = 1


class UsageError(NotusError):
    """The command line asks for something that cannot be done (unknown param, missing path)."""

    exit_code = 2


class SpecError(NotusError):
    """A pipeline spec is invalid; the message names the file and the key."""

    exit_code = 2

    def __init__(self, path: object, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: {key}: {problem}")


class DataError(NotusError):
    """The data cannot be processed as asked (unreadable file, broken contract, failed audit)."""

    exit_code = 1


class ContractError(DataError):
    """A step's declared input or output columns do not match what it got or made."""


class PluginError(NotusError):
    """An installed plugin cannot be used (fails to import, or registers a name another plugin has).

    The environment is the user's to fix before any data is read, so the exit code is that of a usage error.
    """

    exit_code = 2


def first_line(error: BaseException | str) -> str:
    """The first non-blank line of an error (engines put context and hints on later lines): what a
    one-line message quotes. An exception with no text gives its type's name."""
    text = str(error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines:
        return lines[0]
    return type(error).__name__ if isinstance(error, BaseException) else ""
