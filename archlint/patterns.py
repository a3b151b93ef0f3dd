"""Module expressions (`a.*.b`, `a.**`) and path globs (`**/backups/**`).

`*` stands for exactly one segment of a dotted name, `**` for any number of segments, zero
included. Expressions are compiled to regular expressions once and matched in plain Python,
so their meaning does not depend on the graph library's own wildcard rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import is_module_name


class InvalidExpression(ValueError):
    pass


@dataclass(frozen=True)
class ModuleExpression:
    """A dotted module name in which whole segments may be `*` or `**`."""

    text: str
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", re.compile(_compile_module_expression(self.text)))

    @property
    def has_wildcard(self) -> bool:
        return "*" in self.text

    def modules_in(self, modules: Iterable[str]) -> set[str]:
        """The modules of `modules` this expression names."""
        if not self.has_wildcard:
            return {self.text} if self.text in modules else set()
        return {m for m in modules if self._regex.fullmatch(m)}

    def __str__(self) -> str:
        return self.text


def _compile_module_expression(text: str) -> str:
    segments = text.split(".")
    if not text or any(not s for s in segments):
        raise InvalidExpression(f"'{text}' is not a module expression (empty segment)")
    parts: list[str] = []
    # Each part carries its own leading separator; `**` absorbs it so that it can match
    # zero segments (`a.**.b` matches `a.b`).
    for index, segment in enumerate(segments):
        sep = r"\." if index else ""
        if segment == "**":
            parts.append(r"(?:\.[^.]+)*" if index else r"(?:[^.]+(?:\.[^.]+)*)?")
        elif segment == "*":
            parts.append(sep + r"[^.]+")
        elif is_module_name(segment):
            parts.append(sep + re.escape(segment))
        else:
            raise InvalidExpression(
                f"'{text}' is not a module expression: '{segment}' must be a name, '*' or '**'"
            )
    regex = "".join(parts)
    if segments[0] == "**" and len(segments) > 1:
        # `**.b`: the first real segment's separator is optional when `**` matched nothing.
        regex = regex.replace(r"(?:[^.]+(?:\.[^.]+)*)?\.", r"(?:[^.]+\.)*", 1)
    return regex


def compile_path_glob(glob: str) -> re.Pattern[str]:
    """A gitignore-like glob over forward-slash relative paths: `*` stays within one folder,
    `**` spans folders, `?` is one character."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append(r"(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(r".*")
            i += 2
        elif glob[i] == "*":
            out.append(r"[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append(r"[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out))
