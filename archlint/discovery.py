"""Which files make up a project: the Python files of its root packages and its contract files.

Kept apart from the graph so that a check answered by the result cache can list and stamp the
files without loading grimp or the contract types.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError, Problem
from .patterns import compile_path_glob
from .settings import Settings


@dataclass(frozen=True)
class SourceFile:
    module: str
    path: str  # absolute
    relative: str  # to the project root, forward slashes
    mtime: float
    stamp: tuple[int, int] = (0, 0)  # (mtime_ns, size): what the result cache compares


@dataclass(frozen=True)
class PackageTree:
    """Every Python file under one root package, and the folders without `__init__.py`
    that hold some of them (namespace folders).

    `listed` holds every folder the walk read, relative to the project root, with its
    mtime_ns taken before it was read: adding, removing or renaming an entry changes a
    folder's mtime, so while every one is the same the walk would find the same files
    (the result cache relies on it). A folder changed too recently to tell a later change
    in the same clock tick apart has None."""

    name: str
    directory: Path
    files: tuple[SourceFile, ...]
    folders: tuple[str, ...]
    listed: tuple[tuple[str, int | None], ...] = ()


# A folder's mtime is trusted once it is this much older than the walk (coarse file system
# clocks: a change in the same tick as the walk would leave the mtime as it was).
SETTLED_NS = 2 * 10**9


def locate_package(root: Path, name: str) -> Path | None:
    """A root package lives in the project root or in its `src/` folder; never imported."""
    relative = Path(*name.split("."))
    for base in (root, root / "src"):
        if (base / relative).is_dir():
            return base / relative
    return None


def discover(root: Path, package: str, exclude: Iterable[re.Pattern[str]]) -> PackageTree:
    """Walk the package folder: every `.py` file counts, whether or not its folder has an
    `__init__.py` (grimp alone would drop those below a regular package)."""
    directory = locate_package(root, package)
    assert directory is not None, "discover_all checks every root package first"
    settled = time.time_ns() - SETTLED_NS
    excluded = tuple(exclude)
    files: list[SourceFile] = []
    namespace_candidates: list[str] = []
    listed: list[tuple[str, int | None]] = []
    base = directory.relative_to(root).as_posix()
    pending = [(str(directory), base, package, _mtime(os.stat, directory))]
    while pending:
        folder, relative_folder, dotted, mtime = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            listed.append((relative_folder, None))  # may become readable without a new mtime
            continue
        listed.append((relative_folder, mtime if mtime is not None and mtime < settled else None))
        if not any(entry.name == "__init__.py" for entry in entries):
            namespace_candidates.append(dotted)
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if name.endswith(".py"):
                if name.count(".") > 1 or entry.is_dir(follow_symlinks=False):
                    continue
                relative = f"{relative_folder}/{name}"
                if excluded and any(pattern.fullmatch(relative) for pattern in excluded):
                    continue
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                stem = name[:-3]
                module = dotted if stem == "__init__" else f"{dotted}.{stem}"
                files.append(SourceFile(module, entry.path, relative, stat.st_mtime,
                                        (stat.st_mtime_ns, stat.st_size)))
            elif name.isidentifier() and entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, f"{relative_folder}/{name}", f"{dotted}.{name}",
                                _mtime(entry.stat, follow_symlinks=False)))
    files.sort(key=lambda f: f.relative)
    with_files = {f.module.rsplit(".", i)[0] for f in files for i in range(f.module.count(".") + 1)}
    folders = tuple(sorted(m for m in namespace_candidates if m in with_files))
    return PackageTree(name=package, directory=directory, files=tuple(files), folders=folders,
                       listed=tuple(sorted(listed)))


def _mtime(stat, *args, **kwargs) -> int | None:
    try:
        return stat(*args, **kwargs).st_mtime_ns
    except OSError:
        return None


def discover_all(settings: Settings) -> list[PackageTree]:
    """The files of every root package; a root package that does not exist is an error."""
    exclude = [compile_path_glob(g) for g in settings.exclude]
    missing = [name for name in settings.root_packages
               if locate_package(settings.root, name) is None]
    if missing:
        raise ConfigError([
            Problem(f"root package '{name}' not found: no folder {Path(*name.split('.'))} "
                    f"in {settings.root} or {settings.root / 'src'}", key="root_packages")
            for name in missing
        ])
    return [discover(settings.root, name, exclude) for name in settings.root_packages]


def contract_files(settings: Settings) -> list[Path]:
    """The TOML files named by `contracts` (folders are searched recursively), sorted."""
    files: list[Path] = []
    problems = []
    for entry in settings.contracts:
        path = settings.root / entry
        if path.is_dir():
            files += sorted(path.rglob("*.toml"))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(f"'{entry}' does not exist (resolved to {path})",
                                    file=settings.relative(settings.config_file), key="contracts"))
    if problems:
        raise ConfigError(problems)
    return files
