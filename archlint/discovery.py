"""Which files make up a project: the Python files of its root packages and its contract files.

Kept apart from the graph so that a check answered by the result cache can list and stamp the
files without loading grimp or the contract types.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ConfigError, Problem
from .files import is_inside
from .patterns import compile_path_glob
from .settings import Settings, display_path

# What a file's stat says about its content: (mtime_ns, size, ctime_ns, inode). An edit that
# puts the mtime back (`touch -r`) still moves ctime; a file swapped in by `mv` has another
# inode. None when the file changed too recently for its times to tell a second edit apart.
Stamp = tuple[int, int, int, int]


class SourceFile(NamedTuple):
    module: str
    path: str  # absolute
    relative: str  # to the project root, forward slashes
    stamp: Stamp | None
    # Why the file cannot be read at all (not a regular file, a link leaving the project).
    unreadable: str | None = None

    @property
    def is_package(self) -> bool:
        return self.relative.endswith("/__init__.py")


class PackageTree(NamedTuple):
    """Every Python file under one root package, and the folders without `__init__.py`
    that hold some of them (namespace folders).

    `listed` holds every folder the walk read, relative to the project root, with its
    mtime_ns taken before it was read: adding, removing or renaming an entry changes a
    folder's mtime, so while every one is the same the walk would find the same files
    (the result cache relies on it). A folder changed too recently to tell a later change
    in the same clock tick apart has None. `unlisted` holds the folders that could not be
    read (or are links), with the reason: their modules are missing from the graph.
    `without_source` names the modules that exist but are not read: files the settings
    `exclude`, compiled extension modules, stubs and bytecode without a `.py` beside them.
    Importing one is not importing a module that does not exist. `shadowed` holds the
    module files a package of the same name hides, each with the package's file."""

    name: str
    directory: Path
    files: tuple[SourceFile, ...]
    folders: tuple[str, ...]
    listed: tuple[tuple[str, int | None], ...] = ()
    unlisted: tuple[tuple[str, str], ...] = ()
    without_source: tuple[str, ...] = ()
    shadowed: tuple[tuple[str, str], ...] = ()


# A stamp is trusted once its times are this much older than the walk (coarse file system
# clocks: a change in the same tick as the walk would leave the times as they were).
SETTLED_NS = 2 * 10**9
# Files that provide a module without Python source archlint could read.
_WITHOUT_SOURCE = (".so", ".pyd", ".pyi", ".pyc")


def source_folders(root: Path, source_roots: Iterable[str]) -> list[Path]:
    """The folders the root packages are looked up in, in order (`source_roots` setting)."""
    return [root if entry == "." else root / entry for entry in source_roots]


def locate_package(root: Path, name: str, source_roots: Iterable[str]) -> Path | None:
    """A root package lives in the first source root that holds its folder (by default the
    project root, then its `src/` folder); found by its folder, never imported."""
    relative = Path(*name.split("."))
    for base in source_folders(root, source_roots):
        if (base / relative).is_dir():
            return base / relative
    return None


def settled_before() -> int:
    """The time (ns) before which a change is settled: a stamp older than this can be
    trusted to change with the next edit."""
    return time.time_ns() - SETTLED_NS


def stamp_of(result: os.stat_result, settled: int) -> Stamp | None:
    """The stamp of a stat result, or None when the file changed after `settled`."""
    if max(result.st_mtime_ns, result.st_ctime_ns) >= settled:
        return None
    return (result.st_mtime_ns, result.st_size, result.st_ctime_ns, result.st_ino)


def discover(root: Path, package: str, exclude: Iterable[re.Pattern[str]],
             source_roots: Iterable[str]) -> PackageTree:
    """Walk the package folder: every `.py` file counts, whether or not its folder has an
    `__init__.py` (grimp alone would drop those below a regular package). Paths are relative
    to the project root, whichever source root holds the package."""
    directory = locate_package(root, package, source_roots)
    assert directory is not None, "discover_all checks every root package first"
    walk = _Walk(settled_before(), f"{root.resolve()}{os.sep}", tuple(exclude))
    base = directory.relative_to(root).as_posix()
    walk.pending.append((str(directory), base, package, _mtime(os.stat, directory)))
    while walk.pending:
        walk.read_folder(*walk.pending.pop())
    files, shadowed = _without_shadowed(walk.files)
    sourced = {f.module for f in files}
    # a folder is a module when it holds a module, read or not (only excluded files inside)
    held = sourced | set(walk.unread)
    with_files = {m.rsplit(".", i)[0] for m in held for i in range(m.count(".") + 1)}
    folders = tuple(sorted(m for m in walk.namespace_candidates if m in with_files))
    return PackageTree(name=package, directory=directory, files=tuple(files), folders=folders,
                       listed=tuple(sorted(walk.listed)), unlisted=tuple(sorted(walk.unlisted)),
                       without_source=tuple(sorted(set(walk.unread) - sourced)),
                       shadowed=shadowed)


@dataclass
class _Walk:
    """What the walk of one package's folders has found so far (see `discover`), and the
    folders still to read: (path, path relative to the project root, module, mtime_ns)."""

    settled: int
    inside: str  # the project root, resolved, with a trailing separator
    excluded: tuple[re.Pattern[str], ...]
    files: list[SourceFile] = field(default_factory=list)
    namespace_candidates: list[str] = field(default_factory=list)
    listed: list[tuple[str, int | None]] = field(default_factory=list)
    unlisted: list[tuple[str, str]] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    pending: list[tuple[str, str, str, int | None]] = field(default_factory=list)

    def read_folder(self, folder: str, relative_folder: str, dotted: str,
                    mtime: int | None) -> None:
        """List one folder, with the mtime it had before it was read, and sort its entries;
        a folder without `__init__.py` may be a namespace folder."""
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            self.listed.append((relative_folder, None))  # may become readable without a new mtime
            self.unlisted.append((relative_folder, f"cannot list this folder: {exc.strerror}"))
            return
        self.listed.append((relative_folder,
                            mtime if mtime is not None and mtime < self.settled else None))
        if not any(entry.name == "__init__.py" for entry in entries):
            self.namespace_candidates.append(dotted)
        for entry in entries:
            if not entry.name.startswith("."):
                self._sort_entry(entry, f"{relative_folder}/{entry.name}", dotted)

    def _sort_entry(self, entry: os.DirEntry[str], relative: str, dotted: str) -> None:
        """One entry of a package folder: a module's file, a module without source, a
        subfolder to walk, or nothing archlint reads."""
        name = entry.name
        if name.endswith(".py") and name.count(".") == 1:
            self._module_file(entry, relative, dotted)
        elif name.endswith(_WITHOUT_SOURCE):
            stem = name.split(".", 1)[0]
            if stem.isidentifier() and stem != "__init__":
                self.unread.append(f"{dotted}.{stem}")
        elif name != "__pycache__" and name.isidentifier() and _is_folder(entry):
            self._subfolder(entry, relative, f"{dotted}.{name}")

    def _module_file(self, entry: os.DirEntry[str], relative: str, dotted: str) -> None:
        """A `.py` file: read, or excluded by the settings (its module then exists without
        source); a name that is not valid UTF-8 names no module an import could reach."""
        if not _decodable(entry.name):
            self.unlisted.append((_shown_name(relative), _UNDECODABLE))
            return
        stem = entry.name[:-3]
        module = dotted if stem == "__init__" else f"{dotted}.{stem}"
        if self.excluded and any(pattern.fullmatch(relative) for pattern in self.excluded):
            self.unread.append(module)
            return
        self.files.append(_source_file(entry, module, relative, self.settled, self.inside))

    def _subfolder(self, entry: os.DirEntry[str], relative: str, module: str) -> None:
        """A folder to walk next; a symbolic link to a folder is not followed (said unless
        the settings exclude it)."""
        if entry.is_symlink():
            if not any(pattern.fullmatch(relative) for pattern in self.excluded):
                self.unlisted.append((relative, "a symbolic link to a folder: not followed, "
                                                "so its modules are not checked"))
            return
        self.pending.append((entry.path, relative, module,
                             _mtime(entry.stat, follow_symlinks=False)))


_UNDECODABLE = ("the file name is not valid UTF-8: no import can name its module, so it is not "
                "checked")


def _decodable(name: str) -> bool:
    """Whether a name read from the file system was valid text (Python decodes the bytes it
    cannot as lone surrogates, which no report or stream can carry)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown_name(relative: str) -> str:
    """A path with the bytes that are not UTF-8 written as escapes (`c\\xe9.py`)."""
    return os.fsencode(relative).decode("utf-8", "backslashreplace")


def _without_shadowed(files: list[SourceFile]
                      ) -> tuple[list[SourceFile], tuple[tuple[str, str], ...]]:
    """The files sorted by path, without a module file that a package of the same name
    hides (`x.py` beside `x/__init__.py`: Python imports the package), and those left out,
    each with the file that hides it."""
    by_module: dict[str, SourceFile] = {}
    shadowed = []
    for source in sorted(files, key=lambda f: (not f.is_package, f.relative)):
        kept = by_module.setdefault(source.module, source)
        if kept is not source:
            shadowed.append((source.relative, kept.relative))
    return sorted(by_module.values(), key=lambda f: f.relative), tuple(sorted(shadowed))


def _source_file(entry: os.DirEntry[str], module: str, relative: str, settled: int,
                 inside: str) -> SourceFile:
    """A `.py` entry of a folder, with the reason it cannot be read when it is not a regular
    file of the project (a folder, a FIFO, a device, a link that leaves the project)."""
    reason = None
    try:
        result = entry.stat(follow_symlinks=True)
    except OSError as exc:
        return SourceFile(module, entry.path, relative, None,
                          f"cannot read: {exc.strerror or 'broken link'}")
    if not stat.S_ISREG(result.st_mode):
        reason = "not a regular file"
    elif entry.is_symlink() and not os.path.realpath(entry.path).startswith(inside):
        reason = "a symbolic link to a file outside the project: not read"
    return SourceFile(module, entry.path, relative, stamp_of(result, settled), reason)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether an entry is a folder, or a link to one; a link that loops is neither."""
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def _mtime(stat_function: Callable[..., os.stat_result], *args: Any, **kwargs: Any) -> int | None:
    try:
        return stat_function(*args, **kwargs).st_mtime_ns
    except OSError:
        return None


def _exclude_globs(settings: Settings) -> list[re.Pattern[str]]:
    """The `exclude` globs compiled; one that names an empty range (`[z-a]`) is an error."""
    globs, problems = [], []
    for glob in settings.exclude:
        try:
            globs.append(compile_path_glob(glob))
        except re.error as exc:
            problems.append(Problem(f"'{glob}' is no glob: {exc.msg}",
                                    file=display_path(settings.config_file), key="exclude"))
    if problems:
        raise ConfigError(problems)
    return globs


def discover_all(settings: Settings) -> list[PackageTree]:
    """The files of every root package; a root package that does not exist is an error."""
    exclude = _exclude_globs(settings)
    located = {name: locate_package(settings.root, name, settings.source_roots)
               for name in settings.root_packages}
    missing = [name for name, folder in located.items() if folder is None]
    if missing:
        folders = " or ".join(str(f) for f in source_folders(settings.root, settings.source_roots))
        raise ConfigError([
            Problem(f"root package '{name}' not found: no folder {Path(*name.split('.'))} "
                    f"in {folders}", key="root_packages")
            for name in missing
        ])
    inside = os.path.realpath(settings.root)
    linked_out = []
    for name, folder in located.items():
        target = os.path.realpath(folder or settings.root)
        if not is_inside(target, inside):
            linked_out.append(Problem(
                f"root package '{name}' leads through a symbolic link to {target}, outside the "
                "project: archlint reads only the project's files", key="root_packages"))
    if linked_out:
        raise ConfigError(linked_out)
    return [discover(settings.root, name, exclude, settings.source_roots)
            for name in settings.root_packages]



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
