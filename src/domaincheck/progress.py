"""The progress bar ``screen`` shows on a terminal, in the run's language.

It shows how much of the input has been read (a share of the file's bytes for CSV, TSV and JSONL, of the sheet's rows
for xlsx) with the time left, the rows written and the rows per second. Where the input's size is not known (standard
input, a pipe, a workbook whose stored dimension proves wrong) it shows the rows and the rate alone: no share, no
time left. Every column renders in O(1) from the task's fields; :meth:`ScreenProgressBar.update` is called once per
batch (500 rows, or a worker's chunk).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING

from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn
from rich.table import Column
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

    from .screen import ScreenProgress

__all__ = ["LABELS", "ProgressLabels", "ScreenProgressBar"]


@dataclass(frozen=True)
class ProgressLabels:
    """The words of the progress bar in one language; ``{}`` in a format stands for the number or the time."""

    title: str
    writing: str
    rows: str
    rate: str
    elapsed: str
    remaining: str


LABELS: dict[str, ProgressLabels] = {
    "ja": ProgressLabels(title="スクリーニング中", writing="書き出し中", rows="{} 行", rate="{} 行/秒",
                         elapsed="経過 {}", remaining="残り {}"),
    "en": ProgressLabels(title="screening", writing="writing the output", rows="{} rows", rate="{} rows/s",
                         elapsed="{} elapsed", remaining="{} left"),
}
"""The progress bar's words by ``--lang``."""

_UNKNOWN_TIME = "-:--:--"


def _clock(seconds: float) -> str:
    return str(timedelta(seconds=max(0, int(seconds))))


def _fixed() -> Column:
    """A column that keeps its text on one line: at a narrow width the bar shrinks, not the words."""
    return Column(no_wrap=True)


class _ShareColumn(ProgressColumn):
    """The share of the input read, as a percentage; nothing while the input's size is unknown."""

    def __init__(self) -> None:
        super().__init__(_fixed())

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        return Text(f"{task.percentage:>3.0f}%", style="progress.percentage")


class _LabelledColumn(ProgressColumn):
    """A column that shows a value in ``label``, a format of :class:`ProgressLabels`, on one line."""

    def __init__(self, label: str) -> None:
        super().__init__(_fixed())
        self.label = label


class _RowsColumn(_LabelledColumn):
    """Rows written so far."""

    def render(self, task: Task) -> Text:
        return Text(self.label.format(f"{task.fields.get('rows', 0):,}"), style="progress.download")


class _RateColumn(_LabelledColumn):
    """Rows written per second, from the first batch written on (the classifier's loading not counted)."""

    def render(self, task: Task) -> Text:
        rate = task.fields.get("rate")
        return Text(self.label.format("—" if rate is None else f"{rate:,.0f}"), style="progress.data.speed")


class _ElapsedColumn(_LabelledColumn):
    """Time since the bar started."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        return Text(self.label.format(_UNKNOWN_TIME if elapsed is None else _clock(elapsed)),
                    style="progress.elapsed")  # fmt: skip


class _RemainingColumn(_LabelledColumn):
    """Time left, estimated by rich from the recent speed of the share read; nothing without a size, since there is
    then no end to estimate."""

    max_refresh = 0.5  # as rich's own: an estimate that does not flicker

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        remaining = task.time_remaining
        return Text(self.label.format(_UNKNOWN_TIME if remaining is None else _clock(remaining)),
                    style="progress.remaining")  # fmt: skip


_WITH_BAR = 90
_WITH_ELAPSED = 75
_WITH_TITLE = 60
"""The narrowest consoles that show the bar, the time spent and the title."""


class ScreenProgressBar:
    """A transient rich progress bar on ``console``, fed by :func:`domaincheck.screen.screen`'s ``on_progress``.

    Use it as a context manager around the run and pass :meth:`update` as ``on_progress``.
    """

    def __init__(self, console: Console, lang: str = "ja") -> None:
        labels = LABELS.get(lang, LABELS["en"])
        self.labels = labels
        # A narrow terminal drops the bar, then the time spent, then the title, before the figures are squeezed
        # (at 60 columns every column was cut to a few characters: a user test).
        width = console.width
        columns: list[ProgressColumn] = [
            *([TextColumn("{task.description}", table_column=_fixed())] if width >= _WITH_TITLE else []),
            *([BarColumn(bar_width=None, table_column=Column(ratio=1))] if width >= _WITH_BAR else []),
            _ShareColumn(), _RowsColumn(labels.rows), _RateColumn(labels.rate),
            *([_ElapsedColumn(labels.elapsed)] if width >= _WITH_ELAPSED else []),
            _RemainingColumn(labels.remaining),
        ]  # fmt: skip
        self.progress = Progress(*columns, console=console, transient=True, expand=True)
        self.task_id = self.progress.add_task(labels.title, total=None, rows=0, rate=None)
        self._first: tuple[float, int] | None = None  # (time, rows) of the first batch written

    @property
    def task(self) -> Task:
        """The bar's one task (what the columns render)."""
        return self.progress.tasks[0]

    def update(self, info: ScreenProgress) -> None:
        """Show ``info``: O(1), a few attribute writes and rich's sample of the speed."""
        now = time.monotonic()
        rate = None
        if self._first is None:
            self._first = (now, info.rows)
        elif info.rows > self._first[1]:
            rate = (info.rows - self._first[1]) / max(now - self._first[0], 1e-6)
        task = self.task
        if info.writing:
            # Every row is written; the output is being finished: the bar pulses (no end to show) and the time spent
            # goes on, instead of a bar at 100 % with its clock stopped.
            task.total = None
            task.finished_time = None  # set when the input was read to its end; the clock would stop there
            self.progress.update(self.task_id, description=self.labels.writing, completed=0, rows=info.rows)
            return
        if info.size is None:
            if task.total is not None:  # a sheet's dimension proved wrong: no end to show any more
                task.total = None  # (rich's update() takes None for "unchanged")
            completed = info.read
        else:
            completed = min(info.read, info.size)  # a file that grew while it was read: never past 100%
        self.progress.update(self.task_id, completed=completed, total=info.size, rows=info.rows,
                             rate=rate if rate is not None else task.fields.get("rate"))  # fmt: skip

    def __enter__(self) -> ScreenProgressBar:
        self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:  # fmt: skip
        self.progress.stop()
