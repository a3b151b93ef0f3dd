"""Writing files the user owns: all or nothing, never half-written, never out of the project
through a symbolic link."""

from __future__ import annotations

import os
from pathlib import Path


class LinkLeavesProject(OSError):
    """A write inside the project that a symbolic link would carry out of it: refused, or a
    checked-out repository could make archlint overwrite any file of the user's."""

    def __init__(self, path: Path, target: str) -> None:
        super().__init__(None, f"a symbolic link leads it to {target}, outside the project",
                         str(path))

    def __str__(self) -> str:
        return str(self.strerror)


def write_atomic(path: Path, content: str | bytes, *, root: Path | None = None) -> None:
    """Write to a temporary file in the same folder, then rename it over `path`. The file
    keeps the mode it had; a new one gets the mode the umask gives (the temporary file is
    created with 0666 and the umask applies, as for any new file, not mkstemp's 0600).

    With `root`, the project's folder, a path that is a symbolic link (or lies in a linked
    folder) is written where the link leads, so the link stays a link; a path inside the
    project that a link leads out of it is refused with LinkLeavesProject. A path outside
    the project (an `--output` the user named) is written where it leads."""
    if root is not None:
        path = destination(path, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, temporary = _new_temporary(path)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _new_temporary(path: Path) -> tuple[int, str]:
    """A new file beside `path` (hidden, `.tmp`), opened for writing with mode 0666 less the
    umask; a name already taken is tried again with another."""
    while True:
        temporary = str(path.parent / f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temporary
        except FileExistsError:
            continue


def destination(path: Path, root: Path) -> Path:
    """The file a write to `path` changes: where its symbolic links lead. LinkLeavesProject
    when `path` is inside `root` and the links lead out of it."""
    target = os.path.realpath(path)
    if is_inside(os.path.abspath(path), os.path.abspath(root)) and not is_inside(
            target, os.path.realpath(root)):
        raise LinkLeavesProject(path, target)
    return Path(target)


def is_inside(path: str, folder: str) -> bool:
    """Whether an absolute path is `folder` or lies below it (both as strings, normalised)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def write_cache_file(cache_dir: Path, relative: str, content: str | bytes, *,
                     root: Path) -> None:
    """Write a file into archlint's cache folder, which keeps itself out of version control
    (a `.gitignore` of `*` inside it) without asking the user to edit theirs. An OSError
    says the folder cannot be written (the caller goes on without the cache)."""
    marker = cache_dir / ".gitignore"
    if not marker.is_file():
        write_atomic(marker, "# created by archlint\n*\n", root=root)
    write_atomic(cache_dir / relative, content, root=root)


def why_unwritable(error: OSError) -> str:
    """An OSError of a write, as a message says it."""
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return "a file is in the way"
    return str(error.strerror or error)
