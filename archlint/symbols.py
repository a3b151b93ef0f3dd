"""Symbol facts: which names each import statement brings in, read from the importing file.

grimp records module-level edges only (`a` imports `b`); the canonical and internal contracts
need to know that line 12 of `a` says `from b import Manager as M`. Files are parsed with
`ast` only when a contract asks about them, and the facts are cached per file (mtime + size)
next to grimp's cache.
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .files import write_atomic

CACHE_VERSION = 1


@dataclass(frozen=True)
class ImportedName:
    """One name of an import statement, resolved to absolute module names.

    `from a.b import C as D` is module "a.b", name "C", alias "D";
    `import a.b as c` is module "a.b", name None, alias "c".
    """

    module: str
    name: str | None
    alias: str | None
    line: int
    end_line: int
    level: int  # dots of a relative import; 0 when absolute
    written_module: str  # the module as written (`.sibling`, `a.b`)


class SymbolFacts:
    """Import statements of the project's files, parsed on demand and cached."""

    def __init__(self, root: Path, files: dict[str, str], cache_file: Path | None) -> None:
        self._root = root
        self._files = files
        self._cache_file = cache_file
        self._cache: dict[str, dict] = self._read_cache()
        self._dirty = False
        self._parsed: dict[str, tuple[ImportedName, ...]] = {}

    def imports_of(self, module: str) -> tuple[ImportedName, ...]:
        """Every name the module's import statements bring in, in source order.

        A file that does not parse has no facts (it is already a syntax-error diagnostic).
        """
        if module in self._parsed:
            return self._parsed[module]
        relative = self._files.get(module)
        facts: tuple[ImportedName, ...] = ()
        if relative is not None:
            facts = self._load(module, relative)
        self._parsed[module] = facts
        return facts

    def source_line(self, module: str, line: int) -> str:
        relative = self._files.get(module)
        if relative is None:
            return ""
        try:
            lines = (self._root / relative).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return ""
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""

    def save(self) -> None:
        """Persist what was parsed in this run (atomically) when the cache changed."""
        if self._cache_file is None or not self._dirty:
            return
        payload = {"version": CACHE_VERSION, "files": self._cache}
        write_atomic(self._cache_file, json.dumps(payload, separators=(",", ":")))
        self._dirty = False

    def _load(self, module: str, relative: str) -> tuple[ImportedName, ...]:
        path = self._root / relative
        try:
            stat = os.stat(path)
        except OSError:
            return ()
        stamp = [stat.st_mtime_ns, stat.st_size]
        cached = self._cache.get(relative)
        if cached is not None and cached["stamp"] == stamp:
            return tuple(ImportedName(**item) for item in cached["names"])
        is_package = relative.endswith("/__init__.py")
        names = tuple(parse_imports(path.read_bytes(), module, is_package))
        self._cache[relative] = {"stamp": stamp, "names": [asdict(n) for n in names]}
        self._dirty = True
        return names

    def _read_cache(self) -> dict[str, dict]:
        if self._cache_file is None:
            return {}
        try:
            data = json.loads(self._cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        return data.get("files", {})


def parse_imports(source: bytes, module: str, is_package: bool) -> list[ImportedName]:
    """Every imported name of a file, including imports inside functions and
    `if TYPE_CHECKING:` blocks. Returns [] for a file that does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    package = module if is_package else module.rpartition(".")[0]
    found: list[ImportedName] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(ImportedName(alias.name, None, alias.asname, node.lineno,
                                          node.end_lineno or node.lineno, 0, alias.name))
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(package, node.module, node.level)
            if base is None:
                continue
            written = "." * node.level + (node.module or "")
            for alias in node.names:
                found.append(ImportedName(base, alias.name, alias.asname, node.lineno,
                                          node.end_lineno or node.lineno, node.level, written))
    found.sort(key=lambda n: (n.line, n.module, n.name or ""))
    return found


def resolve_relative(package: str, written: str | None, level: int) -> str | None:
    """The absolute module of `from <dots><written> import ...` in `package`; None when
    the dots climb above the top-level package."""
    if level == 0:
        return written
    parts = package.split(".") if package else []
    if level - 1 >= len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([written] if written else []))
