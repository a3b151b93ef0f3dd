"""The facts of a whole project for one run: every file read, or taken from the fact cache.

This is the only code that opens source files (besides `archlint fix`, which rewrites them).
A file is read when its stamp changed; it keeps its cached facts when its bytes did not.
The files to read are scanned for their import lines (scan.py) a batch at a time, and their
statements read from their text (statements.py). A file the scanner cannot read is parsed by
the running Python instead; only a file neither can read is a diagnostic, with the reason.
"""

from __future__ import annotations

import ast
import codecs
import hashlib
import os
import re
import stat
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..discovery import PackageTree, SourceFile, settled_before, stamp_of
from ..timing import Timings
from .model import (
    TOP_LEVEL,
    DefinedName,
    DefinitionQuery,
    Definitions,
    FileFacts,
    Reading,
    TopLevel,
    Unreadable,
)
from .statements import read_statements, split_lines, statements_from_tree
from .store import FactStore
from .structure import read_definitions, read_top_level

if TYPE_CHECKING:  # the scanner loads grimp: only when a file's bytes changed
    from .scan import ScanFailure, ScannedPackages

# Files per scanner call: a failing file costs a few rescans of its batch only. A large tree
# is scanned in at most SCAN_BATCHES calls, each handed the whole module list.
SCAN_BATCH = 400
SCAN_BATCHES = 8
# A line longer than this keeps a file from the scanner (see `scannable`).
LONG_LINE = 20_000
# Called with (files read, files to read) while a build reads files.
Progress = Callable[[int, int], None]
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)


class ProjectFacts:
    """What every file of the project says, by module, and the top-level facts of the modules
    a contract asks about (read on demand and cached)."""

    def __init__(self, root: Path, trees: list[PackageTree], files: dict[str, FileFacts],
                 store: FactStore) -> None:
        self.root = root
        self.trees = trees
        self.files = files
        self._store = store
        self._top_level: dict[str, TopLevel | None] = {}
        # What contracts asked of each module beyond its imports, this run: TOP_LEVEL, or
        # the key of a DefinitionQuery (see cache.py: the answers are compared on an edit).
        self.asked: dict[str, set[str]] = {}
        # What could not be parsed of the statements that may hold a wanted definition.
        self._unread_definitions: dict[str, set[Unreadable]] = {}

    def top_level(self, module: str) -> TopLevel | None:
        """What a module binds at its top level; None for a module without a readable file."""
        self.asked.setdefault(module, set()).add(TOP_LEVEL)
        return self._parsed_top_level(module)

    def definitions(self, module: str, query: DefinitionQuery) -> tuple[DefinedName, ...]:
        """The module's top-level definitions that `query` wants, in source order."""
        self.asked.setdefault(module, set()).add(query.key)
        return self._definitions(module, query)[0]

    def _definitions(self, module: str, query: DefinitionQuery) -> Definitions:
        """The definitions `query` wants, and the statements that may hold one but could not
        be parsed (reported as diagnostics). Only the statements whose text may hold a wanted
        definition are parsed; the answer is cached with the file's facts."""
        facts = self.files.get(module)
        if facts is None or _unreadable(facts):
            return (), ()
        found = self._store.definitions(facts.relative, facts.digest, query.key)
        if found is None:
            found = self._read_definitions(facts, query)
        if found[1]:
            self._unread_definitions.setdefault(module, set()).update(found[1])
        return found

    def _read_definitions(self, facts: FileFacts, query: DefinitionQuery) -> Definitions:
        read = self._text_of(facts)
        if read is None:
            return (), ()
        text, unchanged = read
        found = read_definitions(text, query) if query.may_define(text) else ((), ())
        if unchanged:
            self._store.put_definitions(facts.relative, facts.digest, query.key, found)
        return found

    def _parsed_top_level(self, module: str) -> TopLevel | None:
        if module in self._top_level:
            return self._top_level[module]
        facts = self.files.get(module)
        found = None
        if facts is not None and not _unreadable(facts):
            found = self._store.top_level(facts.relative, facts.digest)
            if found is None:
                found = self._read_top_level(facts)
        self._top_level[module] = found
        return found

    def _read_top_level(self, facts: FileFacts) -> TopLevel | None:
        read = self._text_of(facts)
        if read is None:
            return None
        text, unchanged = read
        found = read_top_level(text)
        if unchanged:
            self._store.put_top_level(facts.relative, facts.digest, found)
        return found

    def _text_of(self, facts: FileFacts) -> tuple[str, bool] | None:
        """A file's text, and whether it is still the content its facts were read from (only
        then may what is read of it be cached with them); None when it cannot be read."""
        try:
            data = (self.root / facts.relative).read_bytes()
        except OSError:
            return None
        text, problem = decode_source(data)
        if text is None or problem is not None:
            return None
        return text, content_digest(data) == facts.digest

    def reading(self, module: str, asked: Iterable[str]) -> Reading:
        """What the checks read of a module: its import statements (and what could not be
        read), and the answers to what a contract `asked` of it."""
        facts = self.files[module]
        answers: list[tuple[str, object]] = []
        for question in sorted(asked):
            answer: object
            if question == TOP_LEVEL:
                answer = self.top_level(module)
            else:
                query = DefinitionQuery.from_key(question)
                answer = self._definitions(module, query) if query is not None else None
            answers.append((question, answer))
        return facts.statements, facts.problems, tuple(answers)

    def problems_read_on_demand(self) -> list[tuple[str, Unreadable]]:
        """(path, problem) of the statements whose top-level names could not be read, in the
        modules a contract asked about."""
        unread = {module: set(top.unread) for module, top in self._top_level.items()
                  if top is not None}
        for module, problems in self._unread_definitions.items():
            unread.setdefault(module, set()).update(problems)
        return [(self.files[module].relative, problem)
                for module, problems in sorted(unread.items())
                for problem in sorted(problems, key=lambda p: (p.line, p.kind, p.message))]

    def save(self) -> None:
        self._store.save(self.root)


def read_project(root: Path, trees: list[PackageTree], store: FactStore,
                 progress: Progress | None = None, timings: Timings | None = None,
                 queries: Sequence[DefinitionQuery] = ()) -> ProjectFacts:
    """The facts of every file of `trees`, read where the cache cannot answer. The
    `queries` contracts will ask are answered "none" while a file's bytes are at hand, for
    the files they rule out (so those files need not be read again)."""
    sources = [f for tree in trees for f in tree.files]
    store.keep_only({s.relative for s in sources})
    return read_sources(root, trees, sources, store, progress, timings, queries)


def read_sources(root: Path, trees: list[PackageTree], sources: list[SourceFile],
                 store: FactStore, progress: Progress | None = None,
                 timings: Timings | None = None,
                 queries: Sequence[DefinitionQuery] = ()) -> ProjectFacts:
    """The facts of some files of `trees`."""
    files: dict[str, FileFacts] = {}
    stale: list[SourceFile] = []
    for source in sources:
        if source.unreadable is not None:
            files[source.module] = _problem_facts(source, "", Unreadable(
                "unreadable-file", 1, source.unreadable))
            continue
        cached = store.facts(source.relative, source.module, source.stamp)
        if cached is not None:
            files[source.module] = cached
        else:
            stale.append(source)
    spent = _Spent()
    if stale:
        for facts in _read_files(trees, stale, store, progress, spent, queries):
            files[facts.module] = facts
    if timings is not None:
        timings.record(f"{len(sources) - len(stale)} files unchanged, {len(stale)} read, "
                       f"{spent.scanned} scanned", 0.0)
        timings.record("read and hash", spent.reading)
        timings.record("wait for the scanner (import lines)", spent.waiting)
        timings.record("read import statements", spent.statements)
    return ProjectFacts(root, trees, files, store)


def read_edited(root: Path, sources: list[SourceFile], store: FactStore,
                trees: Callable[[], list[PackageTree]]) -> ProjectFacts:
    """The facts of a few edited files, for the result cache to compare: each is parsed by
    the running Python, which for a handful of files is quicker than loading grimp; a file
    it cannot parse goes to the scanner (`trees()` gives the project's packages for it).
    Both readings give the same facts (tests/test_facts.py holds them to it)."""
    files: dict[str, FileFacts] = {}
    scanned = []
    for source in sources:
        read = _read(source)
        if isinstance(read, Unreadable):
            files[source.module] = _problem_facts(source, "", read)
            continue
        data, status = read
        text, problem = decode_source(data)
        if problem is not None or text is None:
            files[source.module] = _problem_facts(source, content_digest(data), problem)
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            scanned.append(source)
            continue
        statements = tuple(statements_from_tree(tree, split_lines(text)))
        facts = FileFacts(source.module, source.relative, source.is_package,
                          content_digest(data), statements)
        files[source.module] = facts
        store.put(facts, stamp_of(status, settled_before()))
    if scanned:
        project = trees()
        for facts in _read_files(project, scanned, store, None, _Spent(), ()):
            files[facts.module] = facts
    return ProjectFacts(root, [], files, store)


class _Spent:
    """Seconds spent in each part of reading files, summed over the batches (the scanner
    runs beside them; `waiting` is the time spent waiting for it)."""

    def __init__(self) -> None:
        self.reading = self.waiting = self.statements = 0.0
        self.scanned = 0


def _read_files(trees: list[PackageTree], stale: list[SourceFile], store: FactStore,
                progress: Progress | None, spent: _Spent,
                queries: Sequence[DefinitionQuery]) -> Iterator[FileFacts]:
    """The facts of each stale file, put into the store as they are read.

    Batch by batch: this thread reads and hashes a batch's files while grimp's scanner (which
    releases the interpreter) scans the batch before in a second thread, then reads that
    batch's statements."""
    from concurrent.futures import ThreadPoolExecutor

    size = max(SCAN_BATCH, -(-len(stale) // SCAN_BATCHES))
    batches = deque(stale[start:start + size] for start in range(0, len(stale), size))
    scan_lines = _Scanner(trees)
    done = 0
    scanning = None  # the batch being scanned: (files read, count, the scan's future)
    reported = -1
    with ThreadPoolExecutor(max_workers=1) as pool:
        while batches or scanning is not None:
            if progress is not None and done != reported:
                progress(done, len(stale))
                reported = done
            started = time.perf_counter()
            following = None
            if batches:
                batch = batches.popleft()
                to_scan: dict[str, tuple[SourceFile, bytes, str, os.stat_result]] = {}
                for source in batch:
                    read = _read(source)
                    if isinstance(read, Unreadable):
                        yield _problem_facts(source, "", read)
                        continue
                    data, status = read
                    digest = content_digest(data)
                    stamp = stamp_of(status, settled_before())
                    cached = store.facts(source.relative, source.module, stamp, digest)
                    if cached is not None:
                        yield cached  # the store took the new stamp already
                        continue
                    to_scan[source.module] = (source, data, digest, status)
                modules = [m for m, (_, data, _, _) in to_scan.items() if scannable(data)]
                # nothing to scan (the files kept their bytes): no thread, no grimp
                following = (to_scan, len(batch),
                             pool.submit(scan_lines, modules) if modules else None)
                spent.scanned += len(to_scan)
            waiting = time.perf_counter()
            spent.reading += waiting - started
            if scanning is not None:
                to_scan, count, future = scanning
                lines = future.result() if future is not None else {}
                reading = time.perf_counter()
                spent.waiting += reading - waiting
                for module, (source, data, digest, status) in to_scan.items():
                    facts = _file_facts(source, data, digest, lines.get(module))
                    # The stamp is the one taken before the read: a file edited meanwhile
                    # has another one now, and is read again on the next run.
                    store.put(facts, stamp_of(status, settled_before()),
                              _defining_nothing(queries, data))
                    yield facts
                spent.statements += time.perf_counter() - reading
                done += count
            scanning = following
    if progress is not None:
        progress(len(stale), len(stale))


def _defining_nothing(queries: Sequence[DefinitionQuery], data: bytes) -> list[str]:
    """The keys of the `queries` a file's text rules out: it cannot define what they want."""
    if not queries:
        return []
    text = decode_source(data)[0]
    return [] if text is None else [q.key for q in queries if not q.may_define(text)]


class _Scanner:
    """The scanner's view of the project, made once (and grimp loaded) when a first file's
    bytes changed.

    The scanner finds a module's file itself, trying `x.py` before `x/__init__.py`; a package
    beside a module file of its name (which Python does not import) is named `x.__init__`
    for it, so that it reads the package."""

    def __init__(self, trees: list[PackageTree]) -> None:
        self._trees = trees
        self._packages: ScannedPackages | None = None
        hidden = {relative.rpartition(".py")[0] for t in trees for relative, _ in t.shadowed}
        self._renamed = {f.module: f"{f.module}.__init__" for t in trees for f in t.files
                         if f.is_package and f.relative[:-len("/__init__.py")] in hidden}

    def __call__(self, modules: list[str]) -> dict[str, set[int] | ScanFailure]:
        from . import scan

        if not modules:
            return {}
        if self._packages is None:
            self._packages = scan.found_packages(
                (t.name, str(t.directory),
                 [self._renamed.get(f.module, f.module) for f in t.files
                  if f.unreadable is None])
                for t in self._trees)
        found = scan.import_lines(self._packages, [self._renamed.get(m, m) for m in modules])
        original = {name: module for module, name in self._renamed.items()}
        return {original.get(name, name): lines for name, lines in found.items()}


def _read(source: SourceFile) -> tuple[bytes, os.stat_result] | Unreadable:
    """A file's bytes and its stat, opened without blocking: a path that became a FIFO or a
    device since the walk is reported, not waited on."""
    try:
        descriptor = os.open(source.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return Unreadable("unreadable-file", 1, f"cannot read: {exc.strerror}")
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return Unreadable("unreadable-file", 1, "not a regular file")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(), status
    except OSError as exc:
        return Unreadable("unreadable-file", 1, f"cannot read: {exc.strerror}")
    finally:
        os.close(descriptor)


def _file_facts(source: SourceFile, data: bytes, digest: str,
                lines: set[int] | ScanFailure | None) -> FileFacts:
    """The facts of one file from its bytes and the lines the scanner found imports on (None
    when it was not given to the scanner, a failure when the scanner gave up on it)."""
    text, problem = decode_source(data)
    if problem is not None or text is None:
        return _problem_facts(source, digest, problem)
    split = split_lines(text)
    if isinstance(lines, set):
        statements, problems = read_statements(text, split, lines)
        return FileFacts(source.module, source.relative, source.is_package, digest,
                         tuple(statements), tuple(problems))
    try:  # the scanner did not read it: the running Python may
        tree = ast.parse(text)
    except SyntaxError as error:
        return _problem_facts(source, digest, _syntax_problem(error, lines))
    except (MemoryError, RecursionError):
        statements, problems = read_statements(text, split, _import_like_lines(split))
        note = Unreadable("unsupported-syntax", 1, "too deeply nested for the parsers "
                          "archlint uses: its import statements were found line by line")
        return FileFacts(source.module, source.relative, source.is_package, digest,
                         tuple(statements), (note, *problems))
    return FileFacts(source.module, source.relative, source.is_package, digest,
                     tuple(statements_from_tree(tree, split)))


def _import_like_lines(lines: list[str]) -> list[int]:
    """The lines that start with `import` or `from`, for a file no parser can read."""
    return [number for number, line in enumerate(lines, 1)
            if line.lstrip(" \t\f").startswith(("import ", "from "))]


def scannable(data: bytes) -> bool:
    """Whether to give a file to grimp's scanner: not one with a line of over LONG_LINE
    bytes, for which it keeps a copy of the whole line per imported name (one 150 KB
    `from m import (...)` of 20,000 names took 3 GB)."""
    return len(data) <= LONG_LINE or max(map(len, data.split(b"\n"))) <= LONG_LINE


def _syntax_problem(error: Exception, failure: ScanFailure | None) -> Unreadable:
    """A file neither the scanner nor Python could parse, in Python's words when both agree on
    the line (Python's message for a file with newer syntax than it knows would mislead)."""
    if isinstance(error, SyntaxError):
        line = error.lineno or 1
        text = (error.text or "").strip()
        message = f"{error.msg}: {text}" if text else error.msg
        if failure is None or failure.line is None or failure.line == line:
            return Unreadable("syntax-error", line, message)
        return Unreadable("syntax-error", failure.line, failure.message)
    if isinstance(error, (MemoryError, RecursionError)):
        return Unreadable("syntax-error", failure.line if failure and failure.line else 1,
                          "too deeply nested for Python's parser; the file is not checked")
    return Unreadable("syntax-error", 1, str(error))


def decode_source(data: bytes) -> tuple[str | None, Unreadable | None]:
    """A file's text as Python decodes it (BOM, coding cookie, else UTF-8), or the reason it
    cannot be decoded. Source with a null byte is refused, as Python refuses it."""
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        first_two = b"\n".join(data.split(b"\n", 2)[:2])
        cookie = _CODING.search(first_two)
        if cookie is not None:
            encoding = cookie.group(1).decode("ascii")
    try:
        text = data.decode(encoding)
    except LookupError:
        return None, Unreadable("syntax-error", 1, f"unknown encoding: {encoding}")
    except UnicodeDecodeError as error:
        if not _python_decodes(data):
            line = data.count(b"\n", 0, error.start) + 1
            what = "UTF-8" if encoding == "utf-8" else encoding
            return None, Unreadable("syntax-error", line, f"not valid {what}: byte "
                                    f"0x{data[error.start]:02x} on line {line}")
        text = data.decode(encoding, "replace")  # the bytes are in comments, as Python reads
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, Unreadable("syntax-error", line,
                                "source code string cannot contain null bytes")
    return text, None


def _python_decodes(data: bytes) -> bool:
    """Whether Python reads a file that holds bytes its encoding cannot decode: it never
    decodes a comment, so such bytes there hide nothing from it, and must hide nothing from
    archlint either."""
    try:
        ast.parse(data)
    except SyntaxError as error:
        return not str(error.msg).startswith("(unicode error)")
    except (ValueError, MemoryError, RecursionError):
        return True  # refused for another reason, which reading the text will find
    return True


def _problem_facts(source: SourceFile, digest: str, problem: Unreadable | None) -> FileFacts:
    problems = (problem,) if problem is not None else ()
    return FileFacts(source.module, source.relative, source.is_package, digest, (), problems)


def _unreadable(facts: FileFacts) -> bool:
    """Whether the whole file could not be read (its statements are unknown)."""
    return any(p.kind in ("syntax-error", "unreadable-file") and not facts.statements
               for p in facts.problems)


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()

