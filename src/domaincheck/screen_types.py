"""The options, progress reports and summary of :func:`domaincheck.screen.screen`.

Kept apart from ``screen.py``, which the wheel compiles with mypyc: a compiled dataclass shows every field whose
type is a union (``str | None``) as ``type`` to ``help()``, ``inspect.signature`` and ``typing.get_type_hints``. Here
they keep the types written. Import them from :mod:`domaincheck.screen`, which re-exports them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from domaincheck.io.writers import Replacement

DEFAULT_OUTPUT_ENCODING = "utf-8-sig"
"""CSV/TSV output encoding unless one is asked for: UTF-8 with a BOM, so that Excel opens Japanese correctly."""


class ScreenProgress(NamedTuple):
    """How far a run has got, for a progress display: what :func:`screen` hands ``on_progress`` once per batch."""

    rows: int
    """Rows written so far."""
    read: int
    """How much of the input has been read, in ``unit``: the bytes of a CSV, TSV or JSONL file (ahead of the last row
    written by at most the decoder's read-ahead, 8 KiB); else the records read (the sheet's rows below the header for
    xlsx), blank ones counted. It never goes back, and is ``size`` once the input is read to its end."""
    size: int | None
    """Where ``read`` ends, when known before the end: a text file's size in bytes, or an xlsx sheet's rows below the
    header by its dimension (None from the row where that proves wrong); None for standard input and pipes."""
    unit: str
    """``bytes`` or ``rows``: what ``read`` and ``size`` count."""
    writing: bool = False
    """True once, last: every row is written and the output is being finished (an xlsx workbook is built then, which
    can take most of a run: a progress bar at 100 % for a minute looked hung, a user test)."""


@dataclass(frozen=True)
class ScreenOptions:
    """What to screen and how."""

    input: str | os.PathLike[str]
    """Input file path, or ``-`` for standard input."""
    output: str | os.PathLike[str] | None = None
    """Output file path; None, ``-`` or ``/dev/stdout`` writes to the ``stdout`` stream given to :func:`screen`."""
    fmt: str | None = None
    """Output format (csv, tsv, xlsx, jsonl); None = from the output suffix (CSV for stdout)."""
    column: str | None = None
    """Title column name or 1-based index; None = detect it."""
    extra_columns: tuple[str, ...] = ()
    """Columns (names or indexes) whose text is appended to the title before classifying."""
    encoding: str | None = None
    """Input text encoding; None = detect (BOM → UTF-8 → CP932)."""
    output_encoding: str = DEFAULT_OUTPUT_ENCODING
    """CSV/TSV output encoding: utf-8-sig (Excel-friendly default), utf-8, cp932, ..."""
    output_errors: str = "strict"
    """CSV/TSV: a character the output encoding cannot hold is an InputError naming the row, column and character
    (``strict``), or is written as ``?`` and counted in :attr:`Summary.cells_replaced` (``replace``)."""
    jobs: int = 1
    """Worker processes: 1 = in this process, 0 = one per core."""
    input_fmt: str | None = None
    """Input format (csv, tsv, xlsx, jsonl); None = from the input suffix (CSV for stdin)."""
    header_row: int | None = None
    """1-based row holding the column names (CSV, TSV, xlsx); rows above it are skipped. None = the first."""
    no_header: bool = False
    """CSV, TSV, xlsx: the input has no header row (a list of titles); its first row is data, its columns are named
    column_1, column_2 …, and the title column is the only one or ``column`` (by number)."""
    sheet: str | None = None
    """xlsx input: worksheet name or 1-based number; None = the first visible sheet with a title column (else the
    first visible sheet)."""
    lang: str = "en"
    """Language of the :data:`NAME_COLUMNS` (``ja`` or ``en``); the id columns are the same in both."""


@dataclass(frozen=True)
class Summary:
    """What a screening run read, wrote and found."""

    input: str
    """Input path (``-`` for stdin)."""
    output: str | None
    """Output path; None when written to a stream."""
    input_format: str
    """Input format read."""
    output_format: str
    """Output format written."""
    encoding: str | None
    """Input text encoding used (detected or given); None for xlsx."""
    title_column: str
    """Name of the title column used."""
    title_column_index: int
    """1-based index of the title column."""
    title_column_detected: bool
    """True when the title column was detected rather than given."""
    extra_columns: tuple[str, ...]
    """Names of the extra columns whose text was appended."""
    replaced_columns: tuple[str, ...]
    """Input columns dropped because they had result column names (a re-screened file)."""
    rows_read: int
    """Data rows read (blank records excluded)."""
    rows_written: int
    """Data rows written; equals rows_read after a complete run."""
    blank_rows_skipped: int
    """Completely empty records skipped."""
    verdicts: Mapping[str, int]
    """Rows per verdict; every name in SUMMARY_VERDICTS is present."""
    tiers: Mapping[str, int]
    """Rows per tier of their primary area."""
    areas: Mapping[str, int]
    """Rows per area (any matched area, not only the primary), most frequent first."""
    econsec: Mapping[str, int]
    """Rows per economic-security area, most frequent first."""
    problems: Mapping[str, int]
    """Rows per problem kind."""
    rows_with_problems: int
    """Rows with at least one problem, other than a note of where the text classified came from
    (``title_from_other_column``, ``title_from_extra_column``: an English-only proposal of a bilingual call is
    screened as any other, and two user tests took a count of them for trouble)."""
    rows_with_econsec: int
    """Rows matching at least one economic-security area."""
    jobs: int
    """Worker processes used (1 = in process: also when ``jobs`` asked for more but the input was one batch, which
    starting workers would only slow down)."""
    elapsed_seconds: float
    """Wall-clock seconds for the whole run."""
    rows_per_second: float
    """rows_written / elapsed_seconds."""
    jobs_requested: int = 1
    """Worker processes asked for, as started at most (``--jobs``, 0 resolved to every core, capped at the cores):
    more than ``jobs`` when the input was one batch."""
    cells_replaced: int = 0
    """Cells written with ``?`` for characters the output encoding cannot hold (``output_errors='replace'``)."""
    replacements: tuple[Replacement, ...] = ()
    """Where the first of those cells are (up to 10): data row number (0: the header), column name, the characters
    replaced (``U+2013``)."""
    sheet: str | None = None
    """xlsx: the worksheet read (given, or the first visible one with a title column); None for other formats."""
    header_row: int | None = None
    """The header's 1-based row when it was found below a banner (CSV, TSV or xlsx), else None."""
    title_column_namesakes: tuple[int, ...] = ()
    """1-based indexes of the other columns with the title column's name (a name given to --column, or detected,
    reads the first of them; --column with a number picks another)."""
    title_column_suggested: str | None = None
    """When --column chose the title column: the column that would have been detected, if another one."""
    title_column_suggested_index: int | None = None
    """That column's 1-based index (it may share its name with the title column)."""
    title_median_chars: int | None = None
    """The median length of the first titles read (up to :data:`TITLE_SAMPLE_ROWS`), None when none was usable."""
    other_sheets: tuple[str, ...] = ()
    """xlsx read without --sheet: the other visible sheets that hold the title column too, which were not read."""
    header_like_first_row: str | None = None
    """Read with --no-header: the first row's cell that names a title column (研究課題名, Title), when one does: a
    header row screened as a proposal."""
    provenance: Mapping[str, Any] | None = None
    """What made the result (:func:`provenance`), for a flag that must be explained months later."""
    held: Mapping[str, int] = field(default_factory=dict)
    """Rows per area the learned model held back (the terms alone, on support words or on one strong term in a study
    of a mechanism, would have reported it; the row's ``dc_held``), most frequent first; empty with terms only."""
    rows_with_held: int = 0
    """Rows with at least one area held back: rows a reviewer may want to look at although their verdict is not
    the area's (a user test: they were in no count, and no gate saw them)."""
    unclassified_problems: Mapping[str, int] = field(default_factory=dict)
    """Rows per problem kind among the rows not classified (verdict error): a title that gave way to the other
    language's (未定 beside an English title) keeps its problem in ``problems`` but was classified."""
    title_column_other_language: str | None = None
    """The column of the title in the other language (研究課題名（英文） beside 研究課題名（和文）), whose text is
    classified for a row whose title cell is empty (``title_from_other_column``; with extra columns, before their
    text); None when there is none, or when it is one of the extra columns (its text is read for every row)."""
    subheading_row: int | None = None
    """The data row under the header whose language sub-headings (和文, 英文 under a merged 研究課題名) were joined to
    the column names, not read as a row (:attr:`~domaincheck.io.readers.Table.subheading_row`); else None."""
    formula_rows_skipped: int = 0
    """Of the blank records skipped (xlsx), those whose cells are formulas saved without their values: a template's
    lookup or numbering formulas, or a sheet a program wrote, whose values opening and saving it in Excel stores."""
    hidden_rows: int = 0
    """xlsx: rows below the header that the input sheet hides (a filter's): screened as every row is, and shown in
    the output (:attr:`~domaincheck.io.readers.Table.hidden_rows`)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the fields in declaration order."""
        return {
            "input": self.input,
            "output": self.output,
            "input_format": self.input_format,
            "output_format": self.output_format,
            "encoding": self.encoding,
            "title_column": self.title_column,
            "title_column_index": self.title_column_index,
            "title_column_detected": self.title_column_detected,
            "extra_columns": list(self.extra_columns),
            "replaced_columns": list(self.replaced_columns),
            "rows_read": self.rows_read,
            "rows_written": self.rows_written,
            "blank_rows_skipped": self.blank_rows_skipped,
            "verdicts": dict(self.verdicts),
            "tiers": dict(self.tiers),
            "areas": dict(self.areas),
            "econsec": dict(self.econsec),
            "problems": dict(self.problems),
            "rows_with_problems": self.rows_with_problems,
            "rows_with_econsec": self.rows_with_econsec,
            "jobs": self.jobs,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
            "jobs_requested": self.jobs_requested,
            "cells_replaced": self.cells_replaced,
            "replacements": [{"row": row, "column": column, "characters": list(characters)}
                             for row, column, characters in self.replacements],
            "sheet": self.sheet,
            "header_row": self.header_row,
            "title_column_namesakes": list(self.title_column_namesakes),
            "title_column_suggested": self.title_column_suggested,
            "title_column_suggested_index": self.title_column_suggested_index,
            "title_median_chars": self.title_median_chars,
            "other_sheets": list(self.other_sheets),
            "header_like_first_row": self.header_like_first_row,
            "provenance": None if self.provenance is None else dict(self.provenance),
            "held": dict(self.held),
            "rows_with_held": self.rows_with_held,
            "unclassified_problems": dict(self.unclassified_problems),
            "title_column_other_language": self.title_column_other_language,
            "subheading_row": self.subheading_row,
            "formula_rows_skipped": self.formula_rows_skipped,
            "hidden_rows": self.hidden_rows,
        }  # fmt: skip


__all__ = ["DEFAULT_OUTPUT_ENCODING", "ScreenOptions", "ScreenProgress", "Summary"]
