"""Errors raised by the core; the CLI maps them to messages and exit codes."""

from __future__ import annotations


class DomaincheckError(Exception):
    """Base class for every expected failure; carries an optional hint for the user."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class TaxonomyError(DomaincheckError):
    """The taxonomy could not be found, parsed or validated."""

    def __init__(self, problems: list[str], hint: str | None = None) -> None:
        self.problems = problems
        head = f"invalid taxonomy ({len(problems)} problem{'s' if len(problems) != 1 else ''})"
        super().__init__(head + ":\n  " + "\n  ".join(problems), hint)


class InputError(DomaincheckError):
    """User input (a title, a file, a column, an encoding) cannot be used."""


class UsageError(InputError):
    """Options that contradict each other: exit code 2, as for any usage error."""

    exit_code = 2


class UnknownNameError(DomaincheckError):
    """A name (area, program) did not resolve to any taxonomy entry."""
