"""Progress of a long build on a terminal: one line on stderr, rewritten in place.

Only for people watching: nothing is shown when stderr is not a terminal, and the line is
erased before the report is written, so it never mixes with text, JSON or SARIF output.
"""

from __future__ import annotations

from typing import TextIO

# Below this many files to scan a build is over before a progress line could be read.
MIN_FILES = 1000


class ScanProgress:
    """`progress(done, total)` callback for graph builds, drawing `scanning files: 40%`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = False

    @classmethod
    def for_terminal(cls, stream: TextIO) -> ScanProgress | None:
        """A progress line for `stream` when it is a terminal, else None."""
        isatty = getattr(stream, "isatty", None)
        return cls(stream) if isatty is not None and isatty() else None

    def __call__(self, done: int, total: int) -> None:
        if total < MIN_FILES:
            return
        if done >= total:
            self.clear()
            return
        self._stream.write(f"\rscanning {total:,} files: {100 * done // total}%")
        self._stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Erase the progress line, if one is shown."""
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._shown = False
