"""Typed errors of the library; the CLI turns them into exit codes in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One configuration mistake, located as precisely as we know it."""

    message: str
    file: str | None = None
    line: int | None = None
    contract_id: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        context = []
        if self.contract_id:
            context.append(f"contract '{self.contract_id}'")
        if self.key:
            context.append(f"key '{self.key}'")
        prefix = ", ".join(context)
        return f"{where}{prefix}: {self.message}" if prefix else f"{where}{self.message}"


class ArchlintError(Exception):
    """Base class of the errors a user can act on (exit code 2)."""


class ConfigError(ArchlintError):
    """The configuration or a contract is invalid; carries every problem found, not just the
    first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ArchlintError):
    """The command line asks for something that cannot be done."""


class Terminated(BaseException):
    """SIGTERM arrived while a command was writing files: raised so its clean-up runs (a
    BaseException, like KeyboardInterrupt, so no handler of errors swallows it)."""


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """A ' (did you mean 'x'?)' suffix when a close match exists, else ''."""
    import difflib  # loads only when a name is wrong, not on every check

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""
