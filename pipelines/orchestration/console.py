"""What a person running ``python -m pipelines materialize`` in a terminal sees while it works.

One `rich <https://rich.readthedocs.io>`_ progress bar per dump and stage (bytes split, documents
analysed, documents searched for entities), with rate and time left; a stage that had nothing to
do says so. Fed by :mod:`pipelines.runtime.progress`, so it shows runs in this process only.
"""

from __future__ import annotations

from rich import filesize
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn, TimeRemainingColumn
from rich.text import Text

# stage -> (what the bar says, what it counts)
STAGES = {"split": ("split", "bytes"), "text": ("analysed", "documents"), "entities": ("entities", "documents")}
NAME_WIDTH = 24


class _Count(ProgressColumn):
    """``done / total`` in the stage's unit (bytes in kB, MB…)."""

    def render(self, task: Task) -> Text:
        if task.fields.get("unchanged"):
            return Text("unchanged", style="dim")
        if task.fields["unit"] == "bytes":
            total = int(task.total or 0)
            unit, suffix = filesize.pick_unit_and_suffix(total, ["B", "kB", "MB", "GB", "TB"], 1000)
            return Text(f"{task.completed / unit:,.1f}/{total / unit:,.1f} {suffix}")
        return Text(f"{int(task.completed):,} / {int(task.total or 0):,} docs")


class _Rate(ProgressColumn):
    """Units a second, once there is a measure of it."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None or task.fields.get("unchanged"):
            return Text("")
        if task.fields["unit"] == "bytes":
            return Text(f"{filesize.decimal(int(speed))}/s", style="cyan")
        return Text(f"{speed:,.0f} doc/s", style="cyan")


class ProgressBars:
    """A :class:`pipelines.runtime.progress.Listener` that draws the bars; use as a context manager."""

    def __init__(self, console: Console | None = None) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(bar_width=None), _Count(), _Rate(),
            TimeRemainingColumn(elapsed_when_finished=True),
            console=console, transient=False,
        )
        self._tasks: dict[tuple[str, str], TaskID] = {}

    def __enter__(self) -> ProgressBars:
        self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._progress.stop()

    def update(self, dump: str, stage: str, done: int, total: int) -> None:
        task = self._task(dump, stage, total)
        self._progress.update(task, completed=done, total=total)

    def finish(self, dump: str, stage: str) -> None:
        if (dump, stage) in self._tasks:
            task = self._tasks[(dump, stage)]
            self._progress.update(task, completed=self._progress.tasks[task].total or 0)
        else:  # no report came: the stage found its rows current
            self._task(dump, stage, 1, unchanged=True)
            self._progress.update(self._tasks[(dump, stage)], completed=1)

    def _task(self, dump: str, stage: str, total: int, *, unchanged: bool = False) -> TaskID:
        if (dump, stage) not in self._tasks:
            label, unit = STAGES.get(stage, (stage, "items"))
            name = dump if len(dump) <= NAME_WIDTH else "…" + dump[-NAME_WIDTH + 1:]
            self._tasks[(dump, stage)] = self._progress.add_task(
                f"{name:<{NAME_WIDTH}} {label:<8}", total=total, unit=unit, unchanged=unchanged
            )
        return self._tasks[(dump, stage)]
