"""Finding the import statements of many files at once, with grimp's scanner.

grimp parses files in Rust, in parallel, with a parser that knows every Python syntax up to
the newest; that is the fast part of reading a large project. This is the only module that
knows grimp's internals (`grimp._rustgrimp.scan_for_imports` and the value objects it takes),
pinned in pyproject.toml to the versions tested; `tests/test_scan.py` compares the graph built
from what it finds with grimp's public `build_graph`.

Only the line of each import statement is taken from the scan: what the statement says is read
from its own text (statements.py) and what it means is decided on every run (graph.py), so
these lines depend on nothing but the file. Every import yields a line: the scan is asked to
include external packages, so an import of a module that does not exist comes back too.

The scanner must not take the run down: it raises on files it cannot parse or read, and panics
(an exception that is not an `Exception`) on some inputs, such as a relative import above the
top-level package. A batch that fails is split until the failing files are alone; those are
returned as failures, for the caller to read another way.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# The scanner's threads free a parsed file's syntax tree recursively: a 100,000-term sum
# overflows Rust's default 2 MiB thread stack and kills the process. Stacks are reserved, not
# used, until needed; this must be set before grimp starts its first thread.
os.environ.setdefault("RUST_MIN_STACK", str(512 * 2**20))

from grimp import _rustgrimp as rust  # type: ignore[attr-defined]
from grimp.application.ports.modulefinder import FoundPackage, ModuleFile
from grimp.domain.valueobjects import Module


@dataclass(frozen=True)
class ScanFailure:
    """Why the scanner gave up on a file: its own message, and the line when it names one."""

    message: str
    line: int | None = None
    is_syntax: bool = False


# The root packages as the scanner takes them (opaque to the rest of archlint).
ScannedPackages = set[FoundPackage]


def found_packages(packages: Iterable[tuple[str, str, Iterable[str]]]) -> ScannedPackages:
    """The root packages as the scanner takes them: (name, folder, modules) of each. The
    scanner looks every file up through its package, so they hold every module."""
    return {
        FoundPackage(name=name, directory=directory,
                     module_files=frozenset(ModuleFile(Module(m), 0.0) for m in modules))
        for name, directory, modules in packages
    }


def import_lines(found: ScannedPackages, modules: Sequence[str]
                 ) -> dict[str, set[int] | ScanFailure]:
    """For each of `modules`: the lines on which its import statements start, or why the
    scanner could not read it."""
    return dict(_scan_isolating(found, sorted(modules)))


def _scan_isolating(found: ScannedPackages, modules: list[str]
                    ) -> Iterator[tuple[str, set[int] | ScanFailure]]:
    """Scan a batch; when the scanner fails, scan the halves, down to single files."""
    pending = [modules]
    while pending:
        batch = pending.pop()
        try:
            scanned = _scan(found, batch)
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            if len(batch) == 1:
                yield batch[0], _failure(exc)
                continue
            middle = len(batch) // 2
            pending += [batch[middle:], batch[:middle]]
            continue
        for module in batch:
            directs = scanned.get(module)
            yield module, {d.line_number for d in directs} if directs is not None else set()


def _scan(found: ScannedPackages, modules: list[str]) -> dict[str, set[Any]]:
    with _quiet_stderr():
        imports = rust.scan_for_imports(
            module_files=tuple(ModuleFile(Module(m), 0.0) for m in modules),
            found_packages=found,
            include_external_packages=True,
            exclude_type_checking_imports=False,
            file_system=rust.RealBasicFileSystem(),
        )
    return {module.name: directs for module, directs in imports.items()}


def _failure(exc: BaseException) -> ScanFailure:
    line = getattr(exc, "lineno", None) or getattr(exc, "line_number", None)
    is_syntax = type(exc).__name__ in ("SourceSyntaxError", "ParseError")
    text = str(exc).strip() or type(exc).__name__
    return ScanFailure(text.splitlines()[0], line if isinstance(line, int) else None, is_syntax)


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Keep what the scanner writes to the process's standard error (a panic's message) off
    the user's terminal; anything else written meanwhile is passed on afterwards."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield  # no file descriptor 2 to protect
        return
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode("utf-8", "replace")
            if text and "panicked at" not in text:
                sys.stderr.write(text)
