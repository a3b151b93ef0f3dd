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
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from .files import write_atomic

CACHE_VERSION = 1

# Lines that may hold an import statement; over-approximates (docstrings match too), so every
# finding is confirmed against the AST before it is reported.
_IMPORT_LINE = re.compile(
    rb"(?:^|[;:])[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import\b|import[ \t]+([\w. \t,]+))",
    re.MULTILINE,
)


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

    def referenced_modules(self, module: str) -> tuple[tuple[int, str], ...]:
        """(line, absolute module) for every module an import statement of the file names as
        a module: each name of `import a.b, c`, the `a.b` of `from a.b import x`. Read with a
        cheap text scan (cached), so every file of the project can afford it."""
        relative = self._files.get(module)
        if relative is None:
            return ()
        path = self._root / relative
        entry = self._entry(relative, path)
        if entry is None:
            return ()
        if "references" not in entry:
            is_package = relative.endswith("/__init__.py")
            entry["references"] = scan_module_references(path.read_bytes(), module, is_package)
            self._dirty = True
        return tuple((line, name) for line, name in entry["references"])

    def save(self) -> None:
        """Persist what was parsed in this run (atomically) when the cache changed."""
        if self._cache_file is None or not self._dirty:
            return
        payload = {"version": CACHE_VERSION, "files": self._cache}
        write_atomic(self._cache_file, json.dumps(payload, separators=(",", ":")))
        self._dirty = False

    def _entry(self, relative: str, path: Path) -> dict | None:
        """The cache entry of a file, emptied when the file changed (mtime or size)."""
        try:
            stat = os.stat(path)
        except OSError:
            return None
        stamp = [stat.st_mtime_ns, stat.st_size]
        entry = self._cache.get(relative)
        if entry is None or entry.get("stamp") != stamp:
            entry = self._cache[relative] = {"stamp": stamp}
            self._dirty = True
        return entry

    def _load(self, module: str, relative: str) -> tuple[ImportedName, ...]:
        path = self._root / relative
        entry = self._entry(relative, path)
        if entry is None:
            return ()
        if "names" not in entry:
            is_package = relative.endswith("/__init__.py")
            names = parse_imports(path.read_bytes(), module, is_package)
            entry["names"] = [asdict(n) for n in names]
            self._dirty = True
        return tuple(ImportedName(**item) for item in entry["names"])

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


def scan_module_references(source: bytes, module: str, is_package: bool) -> list[list]:
    """[line, absolute module] for the modules that import-like lines name as modules."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for match in _IMPORT_LINE.finditer(source):
        line = source.count(b"\n", 0, match.start()) + 1
        if match.group(3) is not None:
            for part in match.group(3).split(b","):
                words = part.split()
                if words:
                    found.append([line, words[0].decode("utf-8", "replace")])
        else:
            dots, written = len(match.group(1)), match.group(2).decode("utf-8", "replace")
            base = resolve_relative(package, written or None, dots)
            if base:
                found.append([line, base])
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
