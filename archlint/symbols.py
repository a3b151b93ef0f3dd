"""Symbol facts: which names each import statement brings in, read from the importing file,
and which names each module defines at its top level.

grimp records module-level edges only (`a` imports `b`); the canonical and internal contracts
need to know that line 12 of `a` says `from b import Manager as M`, the unique contract that
line 29 of `b` says `class Manager`. Files are parsed with `ast` only when a contract asks
about them, and the facts are cached per file (mtime + size) next to grimp's cache.
"""

from __future__ import annotations

import ast
import json
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .discovery import SETTLED_NS
from .files import write_atomic

CACHE_VERSION = 1
# From this many files to read, the import-line scan runs in a second process (see
# SymbolFacts.read_references_aside); below it, starting one costs more than it saves.
ASIDE_FILES = 1000

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


@dataclass(frozen=True)
class TopLevel:
    """The names a module binds at its top level, read from its AST.

    `names`: every name bound by a top-level `def`, `class`, assignment or import, including
    those inside top-level `if`, `try` and `with` blocks (a star import adds nothing: its
    names are not written out). `all`: the strings of `__all__` when every assignment to
    it is a literal list or tuple of strings (`+=`, `.extend` and `.append` with literals
    included); None when the module has no `__all__` or builds it any other way.
    """

    names: frozenset[str]
    all: tuple[str, ...] | None
    imported: frozenset[str] = frozenset()  # the names bound by import statements

    def exports(self, name: str) -> bool:
        """Whether the module offers `name` on purpose: it defines it, or lists it in
        `__all__` (a name it merely imports for its own use does not count)."""
        if self.all is not None and name in self.all:
            return True
        return name in self.names and name not in self.imported


@dataclass(frozen=True)
class DefinedName:
    """A name a module defines at its top level: `kind` is class, function or assignment."""

    name: str
    kind: str
    line: int
    line_contents: str


class SymbolFacts:
    """Import statements of the project's files, parsed on demand and cached."""

    def __init__(self, root: Path, files: dict[str, str], cache_file: Path | None) -> None:
        self._root = root
        self._files = files
        self._cache_file = cache_file
        self._cache: dict[str, dict] = self._read_cache()
        self._dirty = False
        # Files changed more recently than this are read afresh once per run (coarse clocks).
        self._settled = time.time_ns() - SETTLED_NS
        self._refreshed: set[str] = set()
        self._parsed: dict[str, tuple[ImportedName, ...]] = {}
        self._top_level: dict[str, TopLevel | None] = {}
        self._references: dict[str, list[list]] = {}  # this run's, shared with the cache
        # Modules whose text was read beyond the import-line scan: a change to one of these
        # files may change a report even when its imports stay the same (see cache.py).
        self.consulted: set[str] = set()

    def imports_of(self, module: str) -> tuple[ImportedName, ...]:
        """Every name the module's import statements bring in, in source order.

        A file that does not parse has no facts (it is already a syntax-error diagnostic).
        """
        if module in self._parsed:
            return self._parsed[module]
        self.consulted.add(module)
        relative = self._files.get(module)
        facts: tuple[ImportedName, ...] = ()
        if relative is not None:
            facts = self._load(module, relative)
        self._parsed[module] = facts
        return facts

    def referenced_modules(self, module: str) -> Sequence[Sequence]:
        """(line, absolute module) for every module an import statement of the file names as
        a module: each name of `import a.b, c`, the `a.b` of `from a.b import x`. Read with a
        cheap text scan (cached), so every file of the project can afford it."""
        known = self._references.get(module)
        if known is not None:
            return known
        relative = self._files.get(module)
        if relative is None:
            return ()
        path = f"{self._root}{os.sep}{relative}"
        entry = self._entry(relative, path)
        if entry is None:
            return ()
        if "references" not in entry:
            is_package = relative.endswith("/__init__.py")
            try:
                with open(path, "rb") as handle:
                    source = handle.read()
            except OSError:  # unreadable: already a diagnostic of the scan
                return ()
            entry["references"] = scan_module_references(source, module, is_package)
            self._dirty = True
        found = self._references[module] = entry["references"]  # [line, module] pairs
        return found

    def read_references_aside(self, modules: Iterable[str]) -> PendingReferences | None:
        """Start the import-line scan of the files whose references are not cached in a
        second process, so that it runs while grimp scans on one core; `collect()` on the
        result records them. None when there are too few files to be worth a process."""
        missing = []
        for module in modules:
            relative = self._files.get(module)
            if relative is None:
                continue
            path = f"{self._root}{os.sep}{relative}"
            entry = self._entry(relative, path)
            if entry is not None and "references" not in entry:
                missing.append((relative, module, path, relative.endswith("/__init__.py")))
        if len(missing) < ASIDE_FILES:
            return None
        return PendingReferences(self, missing)

    def _record_references(self, relative: str, references: list[list]) -> None:
        self._cache[relative]["references"] = references
        self._dirty = True

    def source(self, module: str) -> bytes | None:
        """The raw bytes of a module's file; None for a module without a readable file."""
        self.consulted.add(module)
        relative = self._files.get(module)
        if relative is None:
            return None
        try:
            return (self._root / relative).read_bytes()
        except OSError:
            return None

    def top_level(self, module: str) -> TopLevel | None:
        """What a module binds at its top level (and its `__all__`), parsed on demand and
        kept for this run; None for a module without a file or one that does not parse."""
        if module not in self._top_level:
            source = self.source(module)
            self._top_level[module] = None if source is None else parse_top_level(source)
        return self._top_level[module]

    def definitions_of(self, module: str) -> tuple[DefinedName, ...]:
        """The module's top-level definitions in source order, parsed on demand and cached;
        none for a module without a file or one that does not parse."""
        relative = self._files.get(module)
        if relative is None:
            return ()
        self.consulted.add(module)
        path = self._root / relative
        entry = self._entry(relative, path)
        if entry is None:
            return ()
        if "definitions" not in entry:
            try:
                source = path.read_bytes()
            except OSError:  # reported as a file that cannot be read
                return ()
            entry["definitions"] = [asdict(d) for d in parse_definitions(source)]
            self._dirty = True
        return tuple(DefinedName(**item) for item in entry["definitions"])

    def save(self) -> None:
        """Persist what was parsed in this run (atomically) when the cache changed."""
        if self._cache_file is None or not self._dirty:
            return
        payload = {"version": CACHE_VERSION, "files": self._cache}
        write_atomic(self._cache_file, json.dumps(payload, separators=(",", ":")))
        self._dirty = False

    def _entry(self, relative: str, path: Path | str) -> dict | None:
        """The cache entry of a file, emptied when the file changed (mtime or size), and once
        per run when it changed too recently for its mtime to tell a second edit apart."""
        try:
            stat = os.stat(path)
        except OSError:
            return None
        recent = stat.st_mtime_ns >= self._settled
        stamp = [None if recent else stat.st_mtime_ns, stat.st_size]
        entry = self._cache.get(relative)
        if (entry is None or entry.get("stamp") != stamp
                or (recent and relative not in self._refreshed)):
            entry = self._cache[relative] = {"stamp": stamp}
            self._dirty = True
            if recent:
                self._refreshed.add(relative)
        return entry

    def _load(self, module: str, relative: str) -> tuple[ImportedName, ...]:
        path = self._root / relative
        entry = self._entry(relative, path)
        if entry is None:
            return ()
        if "names" not in entry:
            is_package = relative.endswith("/__init__.py")
            try:
                source = path.read_bytes()
            except OSError:  # unreadable: already a diagnostic of the scan
                return ()
            names = parse_imports(source, module, is_package)
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


class PendingReferences:
    """The import-line scan of many files, running in a second Python process. When the
    process cannot start or fails, nothing is recorded and the files are read on demand, in
    this process, as without it."""

    def __init__(self, facts: SymbolFacts, files: list[tuple[str, str, str, bool]]) -> None:
        import subprocess
        import sys
        import tempfile

        self._facts = facts
        self._files = files
        self._folder = tempfile.TemporaryDirectory(prefix="archlint-")
        self._output = os.path.join(self._folder.name, "references.json")
        wanted = os.path.join(self._folder.name, "files.json")
        with open(wanted, "w", encoding="utf-8") as handle:
            json.dump([[module, path, package] for _, module, path, package in files], handle)
        # Isolated (-I): nothing from the checked project's folder can shadow a module; the
        # child finds archlint where this process found it.
        code = ("import sys; sys.path[:0] = sys.argv[3:]; "
                "from archlint.symbols import write_references; "
                "write_references(sys.argv[1], sys.argv[2])")
        search = [entry for entry in sys.path if entry]
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-c", code, wanted, self._output, *search],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, ValueError):
            self._process = None

    def collect(self) -> None:
        """Wait for the scan and record what it found (nothing, if it failed)."""
        try:
            if self._process is None or self._process.wait() != 0:
                return
            with open(self._output, encoding="utf-8") as handle:
                found = json.load(handle)
        except (OSError, ValueError):
            return
        finally:
            self._folder.cleanup()
        for (relative, *_), references in zip(self._files, found):
            if references is not None:
                self._facts._record_references(relative, references)

    def abandon(self) -> None:
        """Stop the scan and remove its folder (the build it was for has failed)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
        self._folder.cleanup()


def write_references(wanted: str, output: str) -> None:
    """In the second process: `scan_module_references` of each [module, path, is_package]
    listed in the JSON file `wanted`, written to `output` (null for an unreadable file)."""
    with open(wanted, encoding="utf-8") as handle:
        files = json.load(handle)
    found: list[list[list] | None] = []
    for module, path, is_package in files:
        try:
            with open(path, "rb") as handle:
                source = handle.read()
        except OSError:
            found.append(None)
            continue
        found.append(scan_module_references(source, module, is_package))
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(found, handle, separators=(",", ":"))


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
    """[line, absolute module] for the modules that import-like lines name as modules.

    Only the lines holding the word `import` can match, so the pattern runs on those alone
    (a literal search finds them far faster than the pattern could on the whole file)."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    line, counted, position = 1, 0, 0
    while (hit := source.find(b"import", position)) != -1:
        start = source.rfind(b"\n", 0, hit) + 1
        end = source.find(b"\n", hit)
        end = len(source) if end == -1 else end
        line += source.count(b"\n", counted, start)
        counted = start
        for match in _IMPORT_LINE.finditer(source, start, end):
            if match.group(3) is not None:
                for part in match.group(3).split(b","):
                    words = part.split()
                    if words:
                        found.append([line, words[0].decode("utf-8", "replace")])
            else:
                dots, written = match.group(1), match.group(2).decode("utf-8", "replace")
                base = resolve_relative(package, written or None, len(dots)) if dots else written
                if base:
                    found.append([line, base])
        position = end + 1
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


_ALL = "__all__"


def parse_top_level(source: bytes) -> TopLevel | None:
    """The top-level bindings and literal `__all__` of a file; None when it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    names: set[str] = set()
    imported: set[str] = set()
    exported: list[str] | None = None
    readable = True  # every change to __all__ so far was made with literals
    for node in _top_level_statements(tree.body):
        bound: set[str] = set()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound = {node.name}
        elif isinstance(node, ast.Import):
            bound = {a.asname or a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            bound = {a.asname or a.name for a in node.names if a.name != "*"}
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound = {n for t in targets for n in _bound_names(t)}
            if _ALL in bound:
                strings = _literal_strings(node.value)
                plain = len(targets) == 1 and isinstance(targets[0], ast.Name)
                if strings is None or not plain:
                    readable = False
                elif isinstance(node, ast.AugAssign):
                    readable = readable and exported is not None
                    exported = (exported or []) + strings
                else:
                    exported = strings
        elif isinstance(node, ast.Expr) and _mutates_all(node.value):
            call = node.value
            argument = call.args[0] if len(call.args) == 1 and not call.keywords else None
            if call.func.attr == "append" and argument is not None:
                argument = ast.List(elts=[argument], ctx=ast.Load())
            strings = _literal_strings(argument)
            readable = readable and strings is not None and exported is not None
            exported = (exported or []) + (strings or [])
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported |= bound
            if _ALL in bound:
                readable = False  # `from x import __all__`: not a literal
        names |= bound
    all_names = tuple(exported) if readable and exported is not None else None
    return TopLevel(frozenset(names), all_names, frozenset(imported - _defined(tree.body)))


def parse_definitions(source: bytes) -> list[DefinedName]:
    """Every class, function and assigned name at the top level of a file (inside top-level
    `if`, `try` and `with` blocks too); [] for a file that does not parse. An annotation
    without a value (`x: int`) defines nothing."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    lines = source.decode("utf-8", "replace").splitlines()
    found = []
    for node in _top_level_statements(tree.body):
        if isinstance(node, ast.ClassDef):
            named = [(node.name, "class")]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            named = [(node.name, "function")]
        elif isinstance(node, ast.Assign) or (isinstance(node, ast.AnnAssign) and node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named = [(n, "assignment") for t in targets for n in _bound_names(t)]
        else:
            continue
        text = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
        found += [DefinedName(name, kind, node.lineno, text) for name, kind in named]
    return found


def _top_level_statements(body: list[ast.stmt]):
    """The statements of a module body, descending into `if`, `try` and `with` blocks
    (which run at import time) but not into functions or classes."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _top_level_statements(node.body)
            yield from _top_level_statements(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            yield from _top_level_statements(node.body)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            yield from _top_level_statements(node.body)
            for handler in node.handlers:
                yield from _top_level_statements(handler.body)
            yield from _top_level_statements(node.orelse)
            yield from _top_level_statements(node.finalbody)


def _defined(body: list[ast.stmt]) -> set[str]:
    """Names a module defines itself (def, class, assignment) at its top level."""
    defined: set[str] = set()
    for node in _top_level_statements(body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined |= {n for t in targets for n in _bound_names(t)}
    return defined


def _bound_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in _bound_names(element)]
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    return []


def _literal_strings(value: ast.expr | None) -> list[str] | None:
    if not isinstance(value, (ast.List, ast.Tuple)):
        return None
    if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
        return None
    return [e.value for e in value.elts]


def _mutates_all(value: ast.expr) -> bool:
    """`__all__.extend(...)` or `__all__.append(...)`."""
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name) and value.func.value.id == _ALL
            and value.func.attr in ("extend", "append"))
