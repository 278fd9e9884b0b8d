"""Progress of the work in this process, for whoever watches it (the CLI's progress bars).

Stages report ``(dump, stage, done, total)`` here as they go, and ``finished`` when a stage is done
with a dump (also when it had nothing to do); the Dagster layer writes the same progress to the
run's log. Listeners are called in the reporting thread and must be quick.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Listener(Protocol):
    def update(self, dump: str, stage: str, done: int, total: int) -> None: ...

    def finish(self, dump: str, stage: str) -> None: ...


_LISTENERS: list[Listener] = []


def report(dump: str, stage: str, done: int, total: int) -> None:
    """``done`` of ``total`` units of ``stage``'s work on ``dump`` (bytes for the split, documents after)."""
    for listener in list(_LISTENERS):
        listener.update(dump, stage, done, total)


def finished(dump: str, stage: str) -> None:
    """``stage`` is done with ``dump`` (or had nothing to do: its rows were current)."""
    for listener in list(_LISTENERS):
        listener.finish(dump, stage)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send every report made while the block runs to ``listener``."""
    _LISTENERS.append(listener)
    try:
        yield
    finally:
        _LISTENERS.remove(listener)
