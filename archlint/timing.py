"""Where a check spends its time, for `--verbose`: each phase and each contract, in order."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Timings:
    """Wall-clock seconds per named step; nested steps are indented under their parent."""

    def __init__(self) -> None:
        self.steps: list[tuple[int, str, float]] = []
        self._depth = 0

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        index = len(self.steps)
        self.steps.append((self._depth, name, 0.0))
        self._depth += 1
        started = time.perf_counter()
        try:
            yield
        finally:
            self._depth -= 1
            self.steps[index] = (self.steps[index][0], name, time.perf_counter() - started)

    def record(self, name: str, seconds: float) -> None:
        """A step measured elsewhere (the sum of many short intervals), at the current depth."""
        self.steps.append((self._depth, name, seconds))

    def lines(self) -> list[str]:
        return [f"{'  ' * depth}{name}: {seconds:.3f}s" for depth, name, seconds in self.steps]


@contextmanager
def step(timings: Timings | None, name: str) -> Iterator[None]:
    """`timings.step(name)`, or nothing when no one asked for timings."""
    if timings is None:
        yield
    else:
        with timings.step(name):
            yield
