"""The progress bar of ``screen``: its words in the run's language, its share and time left only with a size."""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from domaincheck.progress import LABELS, ScreenProgressBar
from domaincheck.screen import ScreenProgress

WIDTH = 100


def terminal(width: int = WIDTH) -> Console:
    """A console that behaves as a terminal of ``width`` columns, writing into a buffer."""
    return Console(file=io.StringIO(), force_terminal=True, width=width, color_system=None, legacy_windows=False)


def frame(bar: ScreenProgressBar, width: int = WIDTH) -> list[str]:
    """The bar's lines as a terminal of ``width`` columns shows them."""
    console = terminal(width)
    console.print(bar.progress.get_renderable())
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return [line for line in text.splitlines() if line.strip()]


def test_labels_are_japanese_and_fit_full_width() -> None:
    bar = ScreenProgressBar(terminal(), "ja")
    bar.update(ScreenProgress(500, 25_000, 100_000, "bytes"))
    bar.update(ScreenProgress(96_000, 50_000, 100_000, "bytes"))
    [line] = frame(bar)  # one line: the full-width words are measured as two columns each
    assert cell_len(line) == WIDTH  # the bar takes what the words leave
    assert line.startswith("スクリーニング中 ━")
    assert " 50% " in line and "96,000 行 " in line and " 行/秒 " in line
    assert re.search(r"経過 \d+:\d\d:\d\d 残り (\d+:\d\d:\d\d|-:--:--)$", line)
    assert "screening" not in line and "rows" not in line
    [narrow] = frame(bar, 50)  # too narrow for every word: still one line, cut, not wrapped
    assert cell_len(narrow) <= 50


def test_labels_are_english_with_lang_en() -> None:
    bar = ScreenProgressBar(terminal(), "en")
    bar.update(ScreenProgress(500, 10, 40, "rows"))
    bar.update(ScreenProgress(1_000, 30, 40, "rows"))
    [line] = frame(bar)
    assert line.startswith("screening ") and " 75% " in line and "1,000 rows " in line and " rows/s " in line
    assert re.search(r"\d+:\d\d:\d\d elapsed (\d+:\d\d:\d\d|-:--:--) left$", line)
    assert "行" not in line


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_share_and_no_time_left_without_a_size(lang: str) -> None:
    bar = ScreenProgressBar(terminal(), lang)
    bar.update(ScreenProgress(500, 500, None, "rows"))
    bar.update(ScreenProgress(1_000, 1_000, None, "rows"))
    assert bar.task.total is None
    [line] = frame(bar)
    labels = LABELS[lang]
    assert labels.rows.format("1,000") in line and labels.rate.split()[-1] in line
    assert "%" not in line
    assert labels.remaining.replace("{}", "").strip() not in line and "-:--:--" not in line


def test_a_size_that_proves_wrong_takes_the_time_left_away() -> None:
    """An xlsx sheet's dimension is a hint: once rows come past it, the reader says the size is unknown."""
    bar = ScreenProgressBar(terminal(), "ja")
    bar.update(ScreenProgress(500, 500, 1_000, "rows"))
    assert bar.task.total == 1_000
    bar.update(ScreenProgress(1_500, 1_500, None, "rows"))
    assert bar.task.total is None and bar.task.completed == 1_500
    [line] = frame(bar)
    assert "%" not in line and "残り" not in line and "1,500 行" in line


def test_the_share_never_passes_the_size() -> None:
    bar = ScreenProgressBar(terminal(), "en")
    bar.update(ScreenProgress(500, 120, 100, "bytes"))  # a file that grew while it was read
    assert bar.task.completed == 100
    assert " 100% " in frame(bar)[0]


def test_rate_counts_from_the_first_batch_written() -> None:
    bar = ScreenProgressBar(terminal(), "en")
    bar.update(ScreenProgress(500, 1, 10, "bytes"))
    assert bar.task.fields["rate"] is None  # one batch: no interval yet, shown as —
    assert "— rows/s" in frame(bar)[0]
    bar.update(ScreenProgress(500, 10, 10, "bytes"))  # the end, no new rows: still no interval
    assert bar.task.fields["rate"] is None
    bar.update(ScreenProgress(1_000, 10, 10, "bytes"))
    assert bar.task.fields["rate"] is not None and bar.task.fields["rate"] > 0


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_narrow_terminal_keeps_the_figures_whole(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 60 columns every column was cut to a few characters (a user test: `スクリーニン …  … 82,000… 20,916 行/…`):
    a narrow terminal drops the bar, then the time spent, then the title, and shows the figures whole."""
    import domaincheck.progress

    rows_word, rate_word = ("行", "行/秒") if lang == "ja" else ("rows", "rows/s")
    left = r"(\d+:\d\d:\d\d|-:--:--) left$" if lang == "en" else r"残り (\d+:\d\d:\d\d|-:--:--)$"
    for width in (50, 60, 70, 80, 100):
        clock = iter([100.0, 102.5])  # two batches 2.5 s apart: 32,600 rows/s, as a run shows
        monkeypatch.setattr(domaincheck.progress.time, "monotonic", clock.__next__)
        bar = ScreenProgressBar(terminal(width), lang)
        bar.update(ScreenProgress(500, 25_000, 100_000, "bytes"))
        bar.update(ScreenProgress(82_000, 50_000, 100_000, "bytes"))
        monkeypatch.undo()
        [line] = frame(bar, width)
        line = line.rstrip()
        assert cell_len(line) <= width and "…" not in line, line
        assert " 50% " in f" {line} " and f"82,000 {rows_word}" in line and f" {rate_word}" in line, line
        assert re.search(left, line), line
        assert "32,600" in line
        assert ("━" in line) == (width >= 90)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_finishing_the_output_is_shown_with_the_clock_running(lang: str) -> None:
    """When every row is written, the output is finished (an xlsx workbook is built: most of a 50,000-row run, when
    the bar stood at 100 % with its clock stopped and looked hung, a user test): the bar says so, shows no share or
    time left, and its time spent goes on."""
    bar = ScreenProgressBar(terminal(), lang)
    with bar.progress:  # started, as screen's context does: the task's clock runs
        bar.update(ScreenProgress(500, 50, 100, "rows"))
        bar.update(ScreenProgress(1_000, 100, 100, "rows"))
        assert bar.task.finished  # rich stops a task's clock when it reaches its total
        bar.update(ScreenProgress(1_000, 100, 100, "rows", writing=True))
        assert not bar.task.finished and bar.task.total is None
        [line] = frame(bar)
    labels = LABELS[lang]
    assert line.startswith(labels.writing) and labels.rows.format("1,000") in line
    assert "%" not in line and labels.remaining.replace("{}", "").strip() not in line
