"""Writing files the user owns: all or nothing, never half-written."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over `path`. The file
    gets the mode it had, or the one the umask gives a new file (not mkstemp's 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    import tempfile  # loads only when something is written: a cached check writes nothing

    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_cache_file(cache_dir: Path, relative: str, content: str | bytes) -> None:
    """Write a file into archlint's cache folder, which keeps itself out of version control
    (a `.gitignore` of `*` inside it) without asking the user to edit theirs."""
    path = cache_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    marker = cache_dir / ".gitignore"
    if not marker.exists():
        marker.write_text("# created by archlint\n*\n", encoding="utf-8")
    write_atomic(path, content)
