"""archlint's version, in a module of its own: the package `__init__` imports the whole
check pipeline, and the layers below it need the version without depending on that. Also
the installed grimp, which the caches depend on too."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

__version__ = "0.1.0"


def installed_grimp() -> list[list[str | int]]:
    """The installed grimp (its scanner finds the import lines, its graph the cycle
    breakers), told apart without importing it (its import alone costs more than a whole
    check answered from the result cache): the name, mtime and size of each file in its
    package folder. Installing any other grimp changes them."""
    spec = importlib.util.find_spec("grimp")
    if spec is None or spec.origin is None:
        return []
    with os.scandir(Path(spec.origin).parent) as entries:
        return sorted([e.name, e.stat().st_mtime_ns, e.stat().st_size]
                      for e in entries if e.is_file())
