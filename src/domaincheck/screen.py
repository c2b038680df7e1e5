"""Batch-screen a file of proposals: stream rows in, classify each title, stream every row back out.

Public API::

    options = ScreenOptions(input="call.xlsx", output="screened.csv")
    summary = screen(options, functools.partial(Classifier.load, None), progress=callback)
    should_fail(summary, "strategic")

- Input: .csv, .tsv, .xlsx or .jsonl, or ``-`` (CSV, or ``input_fmt``) read from ``stdin``. Text encodings
  are detected BOM → strict UTF-8 → CP932 in chunks unless ``encoding`` is given (see
  :mod:`domaincheck.io.encoding`).
- Title column: ``column`` (a name or a 1-based index), else the first of
  :data:`domaincheck.io.columns.TITLE_COLUMN_NAMES` present; InputError listing the columns otherwise.
  The text of ``extra_columns`` is appended to the title, separated by ``; `` (:data:`EXTRA_JOIN`), before
  classifying; a cell's lines of at most :data:`KEYWORD_LINE_MAX` characters, without a 。 or ．, are keywords,
  each read on its own.
- Output: every input row and cell, in input order, followed by :data:`RESULT_COLUMNS`. The format comes
  from ``fmt`` or the output suffix; ``output=None`` or ``'-'`` writes to ``stdout`` (CSV unless ``fmt``),
  nothing else is ever written there. Files are written atomically and never over the input
  (see :mod:`domaincheck.io.writers`, which also documents formula neutralisation and CP932 output).
- Problem rows are written, marked in ``dc_problem`` (``|``-joined kinds) and counted, never dropped:
  ``short_row`` (padded) and ``long_row`` (extra cells written after the result columns, or as
  ``extra_fields`` in JSONL), ``empty_title`` and ``title_too_long`` (over 10,000 characters; both not
  classified), ``title_from_extra_column`` (an empty title whose extra columns hold text: that text is classified,
  the first extra column's standing for the title), ``title_from_other_column`` (an empty title, or one that is no
  title, whose column in the other language, :func:`~domaincheck.io.columns.other_language_column`, holds text: that
  text is classified, before any extra columns' text), ``text_truncated`` (title plus extra columns cut to 10,000
  characters, still classified), ``title_characters_replaced`` (a NUL or a lone surrogate, half an emoji, in the
  text classified: read as U+FFFD, still classified; the cell is written as it is),
  ``unclassifiable_title`` (the classifier rejected it), ``title_placeholder`` (未定, なし, (未入力), TBD, －: a cell
  that stands for a title not given; not classified), ``header_repeated`` (the column names again among the rows,
  as an export repeats them after a page break: not classified), ``unfilled_row`` (no title and nothing but a number
  in the first column: a template's row numbered in advance, not filled in; not classified, and not counted among
  the rows with problems), ``formula_not_evaluated`` (the title or an extra column is a formula saved without its
  value, or a formula's text: the cell is written as it is; a title gives way as a number there does, an extra
  column is left out),
  ``cell_truncated`` (xlsx output only: a cell
  over Excel's 32,767 characters was cut). Rows that are not classified get the verdict ``error``.
  Result columns already present in the input (a file screened before) are replaced, and listed in
  ``Summary.replaced_columns``.
- ``jobs``: 1 classifies in this process; N > 1 uses N worker processes (0 = every core), each building
  its own classifier once from ``classifier_factory``, which must therefore be picklable (e.g.
  ``functools.partial(Classifier.load, taxonomy_dir)``). Only the texts of a chunk of rows go to a worker
  and only compact result cells and counts come back, with a bounded number of chunks in flight, so
  memory stays flat and output order is the input order.
- Speed: rows move in batches; per row the work is a few appends and C-level calls (no per-row objects
  beyond the cell list, which becomes the output row). The summary counts (verdict, tier, areas,
  econsec) per distinct combination and expands them at the end.
- ``progress(done, total)`` is called as rows are written, once per batch; ``total`` is None unless known (xlsx).
  ``on_progress`` (keyword) is called then too, with a :class:`ScreenProgress` that also says how much of the input
  has been read and its size (the bytes of a CSV, TSV or JSONL file; the rows of a sheet), so that a display can
  estimate the time left; once more when every row is written and the input read to its end, and last with
  ``writing`` set, as the output is finished.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import gc
import multiprocessing
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol

from domaincheck.classify import MAX_TITLE_CHARS, gc_paused, provenance
from domaincheck.errors import LANGS, DomaincheckError, InputError, UsageError, lang_code
from domaincheck.io.columns import (
    JSONL_HINT,
    JSONL_HINT_JA,
    describe_columns,
    detect_title_column,
    looks_like_jsonl,
    numeric_spec,
    other_language_column,
    resolve_column,
)
from domaincheck.io.encoding import canonical_encoding
from domaincheck.io.readers import (
    PLACEHOLDER_LONGEST,
    VALUE_TEXT_STARTS,
    CellFormat,
    InputSource,
    RawRow,
    Table,
    cell_text,
    check_input_options,
    fit_row,
    input_format,
    is_formula_text,
    is_placeholder,
    literal_formula_value,
    open_table,
    title_problem,
)
from domaincheck.io.titles import LINE_END
from domaincheck.io.writers import (
    FORMULA_START,
    SURROGATES,
    XLSX_MAX_CELL_CHARS,
    XLSX_MAX_ROWS,
    Replacement,
    RowWriter,
    check_destination,
    check_path_given,
    is_stdout,
    named_os_errors,
    open_writer,
    output_format,
    too_many_rows,
    xlsx_parts,
)
from domaincheck.models import (
    NOT_PROBLEMS,
    SHORT_TITLE_CHARS,
    UNCLASSIFIED_PROBLEMS,
    VERDICT_WORDS,
    VERDICTS,
    Brief,
    Result,
    Taxonomy,
    program_names,
    program_tops,
    terms_and_learned,
)

# The classes a caller builds or reads live in a module left uncompiled, so that help() and inspect show the types of
# their fields in the compiled build too (mypyc gave every union-typed field the annotation `type`: an eighth user test)
from domaincheck.screen_types import DEFAULT_OUTPUT_ENCODING, ScreenOptions, ScreenProgress, Summary

__all__ = [
    "EDITORIAL_COLUMN",
    "FAIL_ON_CHOICES",
    "NEAR_COLUMN",
    "RESULT_COLUMNS",
    "SUMMARY_VERDICTS",
    "UNCLASSIFIED_PROBLEMS",
    "ClassifierLike",
    "ScreenOptions",
    "ScreenProgress",
    "Summary",
    "findings",
    "screen",
    "should_fail",
]

ID_COLUMNS: tuple[str, ...] = (
    "dc_verdict",
    "dc_primary_area",
    "dc_primary_tier",
    "dc_areas",
    "dc_scores",
    "dc_econsec",
    "dc_programs",
    "dc_terms",
    "dc_learned",
    "dc_problem",
    "dc_held",
)
"""The result columns that hold ids (verdict, areas, tiers, programs): what the classifier hands back for a row."""
NAME_COLUMNS: tuple[str, ...] = ("dc_verdict_name", "dc_area_names", "dc_econsec_names", "dc_protection",
                                  "dc_program_names")  # fmt: skip
"""The result columns for a person, in the language of :attr:`ScreenOptions.lang`: the verdict's name (a tier's
official name), the areas' and econ-security areas' names, the names of the protection uses that apply (the
source's 技術流出防止 and 研究セキュリティ: a row to look at with the research-security office), and the names of the
support programs and measures, each with its items (ムーンショット型研究開発制度（目標6）): dc_programs held ids only,
which a committee could not read (a user test)."""
EXTRA_JOIN = "; "
"""What joins the title and the extra columns' texts into the text classified: a mark the matcher keeps, so that no
term is found across two cells (a title ending in 核 and keywords starting with 融合 read as 核融合, as a space
between Japanese characters is dropped)."""
NEAR_COLUMN = "dc_near_misses"
"""The areas with evidence that were not reported, as ``area:score``, best first (below the reporting score, held
back, yielding to another area): what a research-security reviewer looks at among the rows that came out none (a
program officer's user test: 原子炉 and ウイルス at 42 were in the JSONL alone)."""
EDITORIAL_COLUMN = "dc_editorial_programs"
"""The ids among dc_programs whose link to the row is this taxonomy's reading, not the source's (a Moonshot goal's
or a K Program field's areas, a program's focus, research security's use): marked ``*`` in dc_program_names, as the
classify table marks them (a research administrator's user test read every K Program link as official)."""
RESULT_COLUMNS: tuple[str, ...] = ID_COLUMNS + NAME_COLUMNS + (NEAR_COLUMN, EDITORIAL_COLUMN)
"""Columns appended to every row, in this order; multi-valued cells are ``|``-joined. New columns go at the end, so
that a reader that takes them by position keeps working (``dc_learned``, from before that rule, moved ``dc_problem``
one column on; ``dc_held``, the name columns, ``dc_near_misses`` and ``dc_editorial_programs`` followed the rule)."""
_PROBLEM_AT = RESULT_COLUMNS.index("dc_problem") - len(RESULT_COLUMNS)  # from the end of the result cells

SUMMARY_VERDICTS: tuple[str, ...] = (*VERDICTS, "error")
"""Verdicts counted in a summary: the classifier's, and ``error`` for rows that were not classified."""

FAIL_ON_CHOICES: tuple[str, ...] = ("strategic", "emerging", "econsec", "any")
"""Values accepted by :func:`should_fail`."""


CHUNK_ROWS = 2_000
"""Rows per chunk sent to a worker process."""

_BATCH_ROWS = 500
"""Rows per batch when classifying in this process (how often progress is reported)."""
GC_EVERY_ROWS = 100_000
"""How often (in rows written) ``screen`` collects the young generations of cyclic garbage while it holds the
collector."""
TITLE_SAMPLE_ROWS = 1_000
"""The titles whose lengths the summary's median is taken from (the first ones read)."""


# --- the classifier contract -------------------------------------------------------------------------


class _EvidenceLike(Protocol):
    @property
    def term(self) -> object: ...


class _AreaLike(Protocol):
    @property
    def id(self) -> object: ...
    @property
    def tier(self) -> object: ...
    @property
    def score(self) -> object: ...
    @property
    def evidence(self) -> Sequence[_EvidenceLike]: ...


class _IdLike(Protocol):
    @property
    def id(self) -> object: ...


class _ResultLike(Protocol):
    @property
    def verdict(self) -> object: ...
    @property
    def areas(self) -> Sequence[_AreaLike]: ...
    @property
    def econsec(self) -> Sequence[_IdLike]: ...
    @property
    def programs(self) -> Sequence[_IdLike]: ...
    def to_dict(self) -> Mapping[str, Any]: ...


class ClassifierLike(Protocol):
    """What screening needs from ``domaincheck.classify.Classifier``."""

    def classify(self, title: str) -> _ResultLike:
        """Classify one title; raise InputError for text it cannot classify."""
        ...


ClassifierFactory = Callable[[], ClassifierLike]
ProgressCallback = Callable[[int, int | None], None]


ProgressInfoCallback = Callable[[ScreenProgress], None]


def should_fail(summary: Summary, fail_on: str) -> bool:
    """True when ``summary`` has findings at the ``fail_on`` level (see :func:`findings`)."""
    return findings(summary, fail_on) > 0


def findings(summary: Summary, fail_on: str) -> int:
    """The rows of ``summary`` with findings at the ``fail_on`` level.

    ``strategic``: strategic rows; ``emerging``: strategic or emerging rows (emerging or stronger); ``econsec``: rows
    matching an economic-security area; ``any``: rows whose verdict is not ``none`` (rows that could not be
    classified are problems, not findings, and do not count).
    """
    verdicts = summary.verdicts
    if fail_on == "strategic":
        return verdicts.get("strategic", 0)
    if fail_on == "emerging":
        return verdicts.get("strategic", 0) + verdicts.get("emerging", 0)
    if fail_on == "econsec":
        return summary.rows_with_econsec
    if fail_on == "any":
        return sum(count for verdict, count in verdicts.items() if verdict not in ("none", "error"))
    raise InputError(f"unknown fail-on level {fail_on!r}", hint="use " + ", ".join(FAIL_ON_CHOICES),
                     ja=f"{fail_on!r} という fail-on の水準はありません",
                     hint_ja="、".join(FAIL_ON_CHOICES) + " のいずれかです")  # fmt: skip


# --- classification (runs in this process or in workers) --------------------------------------------

_Cells = tuple[str, ...]
"""The result cells of one row, aligned with ID_COLUMNS and then NEAR_COLUMN and EDITORIAL_COLUMN (dc_problem holds
only the classifier's problem); the name columns go between them (:func:`_write_batch`)."""
_IDS = len(ID_COLUMNS)
_CountKey = tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""What the summary counts of a row: verdict, tier of the primary area, area ids, econ-security ids, and the area ids
the learned model held back."""

_SKIPPED: _Cells = ("error", *[""] * (_IDS + 1))
_UNCLASSIFIABLE: _Cells = tuple("unclassifiable_title" if c == "dc_problem" else v
                                for c, v in zip((*ID_COLUMNS, NEAR_COLUMN, EDITORIAL_COLUMN), _SKIPPED,
                                                strict=True))  # fmt: skip
_ERROR_KEY: _CountKey = ("error", "", (), (), ())

_first = itemgetter(0)


class _Classified(NamedTuple):
    """What classifying a batch of texts returns (compact and picklable: a worker sends it back)."""

    cells: list[_Cells]
    """Result cells per text."""
    details: list[Mapping[str, Any] | None] | None
    """JSONL only: ``result.to_dict()`` per text, None where it was not classified."""
    counts: dict[_CountKey, int]
    """Rows per count key, for the summary."""
    rejected: list[int]
    """Indexes of the texts the classifier rejected (``unclassifiable_title``)."""


def _label(value: object) -> str:
    """Text for an id, tier or verdict that may be a str, an Enum or an object with an id."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return value
    ident = getattr(value, "id", None)
    if ident is not None and not isinstance(value, int | float):
        return str(ident)
    return str(value)


def _score(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return 0


def _result_cells(result: _ResultLike) -> tuple[_Cells, _CountKey]:
    """Result cells and count key of one result, for any value types (the general, slower path)."""
    areas = list(result.areas)
    terms, learned = terms_and_learned(areas, result.econsec)
    brief = Brief(_label(result.verdict), tuple((_label(a.id), _label(a.tier), _score(a.score)) for a in areas),
                  tuple(_label(e.id) for e in result.econsec), tuple(_label(p.id) for p in result.programs),
                  tuple(dict.fromkeys(map(_label, terms))), tuple(map(_label, learned)),
                  tuple(map(_label, getattr(result, "held", ()))),
                  tuple((_label(a.id), _score(a.score)) for a in getattr(result, "near_misses", ())),
                  tuple(_label(p.id) for p in result.programs if getattr(p, "editorial", False) is True))  # fmt: skip
    return _brief_cells(brief)


def _brief_cells(brief: Brief) -> tuple[_Cells, _CountKey]:
    """Result cells and count key of a Brief: its first area is the primary one, as :attr:`Result.primary` (areas
    are listed best first; an area the terms alone would not report comes after those they would)."""
    areas = brief.areas
    econsec = brief.econsec
    near = "|".join([f"{a}:{score}" for a, score in brief.near]) if brief.near else ""
    editorial = "|".join(brief.editorial) if brief.editorial else ""
    if not areas:
        # an econsec_only row's terms are the econ-security areas' own (a user test: the CBRN rows had no evidence)
        return (brief.verdict, "", "", "", "", "|".join(econsec), "|".join(brief.programs), "|".join(brief.terms), "",
                "", "|".join(brief.held), near, editorial), (brief.verdict, "", (), econsec, brief.held)  # fmt: skip
    ids = tuple(a[0] for a in areas)
    scores = [a[2] for a in areas]
    tier = areas[0][1]
    cells = (brief.verdict, ids[0], tier, "|".join(ids), "|".join(map(str, scores)), "|".join(econsec),
             "|".join(brief.programs), "|".join(brief.terms), "|".join(brief.learned), "", "|".join(brief.held), near,
             editorial)  # fmt: skip
    return cells, (brief.verdict, tier, ids, econsec, brief.held)


_BRIEF_CELLS_MAX = 5_000  # it keeps each Brief alive: 10,000 cost 15 MiB more at 1,000,000 rows (session 32)
_BRIEF_CELLS: dict[int, tuple[Brief, _Cells, _CountKey]] = {}
"""id(Brief) → (that Brief, its cells, its count key). The classifier shares one Brief among titles with the
same matches; the Brief is kept here so that its id cannot be reused by another object."""


_NAMES_MAX = 5_000  # distinct (verdict, areas, econ-security areas, programs) cells remembered
_VERDICT_AT, _TIER_AT, _AREAS_AT, _ECONSEC_AT, _PROGRAMS_AT, _HELD_AT = map(
    ID_COLUMNS.index,
    ("dc_verdict", "dc_primary_tier", "dc_areas", "dc_econsec", "dc_programs", "dc_held"))  # fmt: skip


class _Names:
    """The :data:`NAME_COLUMNS` cells of a row, from its id cells, in one language; worked out once for each
    distinct verdict, areas, econ-security areas and programs (a call holds few combinations)."""

    def __init__(self, taxonomy: Taxonomy | None, lang: str) -> None:
        ja = lang == "ja"
        self._verdicts: dict[str, str] = dict(VERDICT_WORDS["ja" if ja else "en"])
        self._areas: dict[str, str] = {}
        self._econsec: dict[str, str] = {}
        self._protection: dict[str, str] = {}
        self._taxonomy = taxonomy
        self._lang = lang
        self._top: dict[str, str] = {}  # program or item id -> its program's id, for programs and measures
        if taxonomy is not None:  # a test double's classifier may have none: its ids stand for themselves
            self._verdicts |= {t.id: t.name_ja if ja else t.name_en for t in taxonomy.tiers}
            self._areas = {a.id: a.name_ja if ja else a.name_en for a in taxonomy.areas}
            self._econsec = {e.id: e.name_ja if ja else e.name_en for e in taxonomy.econsec}
            self._protection = {p.id: p.name_ja if ja else p.name_en for p in taxonomy.programs
                                if p.kind == "protection"}  # fmt: skip
            self._top = program_tops(taxonomy)
        self._memo: dict[tuple[str, str, str, str, str], _Cells] = {}

    def cells(self, ids: _Cells) -> _Cells:
        key = (ids[_VERDICT_AT], ids[_AREAS_AT], ids[_ECONSEC_AT], ids[_PROGRAMS_AT], ids[_IDS + 1])
        found = self._memo.get(key)
        if found is None:
            verdict, areas, econsec, programs, editorial = key
            protection = self._protection
            found = (self._verdicts.get(verdict, verdict), _named(self._areas, areas), _named(self._econsec, econsec),
                     "|".join([protection[p] for p in programs.split("|") if p in protection]),
                     self._program_names(programs, editorial))  # fmt: skip
            if len(self._memo) < _NAMES_MAX:
                self._memo[key] = found
        return found


    def _program_names(self, programs: str, editorial: str) -> str:
        """The support programs and measures of a ``|``-joined dc_programs cell by name, items after their program
        (as the classify table names them, those of the ``|``-joined ``editorial`` ids marked ``*``), ``|``-joined."""
        if self._taxonomy is None or not programs:
            return ""
        return "|".join(program_names(self._taxonomy, programs.split("|"), self._lang, self._top,
                                      editorial=editorial.split("|") if editorial else ()))  # fmt: skip


def _named(names: Mapping[str, str], joined: str) -> str:
    """``|``-joined ids as ``|``-joined names (an id without a name as itself)."""
    return "|".join([names.get(i, i) for i in joined.split("|")]) if joined else ""


def _classify_texts(classifier: ClassifierLike, texts: Sequence[str | None], want_detail: bool,
                    cuts: Sequence[int | None] | None = None) -> _Classified:  # fmt: skip
    with gc_paused():
        return _classify_batch(classifier, texts, want_detail, cuts)


def _classify_batch(classifier: ClassifierLike, texts: Sequence[str | None], want_detail: bool,
                    cuts: Sequence[int | None] | None) -> _Classified:  # fmt: skip
    """Classify each text (None = skip); InputError from the classifier marks that row only. ``cuts``: each title's
    length within its text, when extra columns follow it (the real classifier, the one with ``brief_many``, reads
    framing words from the title alone).

    The hot loop of a run. Without details (every format but JSONL) a classifier that offers ``brief_many``
    (the real one) gets the whole batch in one call, and the cells of a Brief it hands out again are rendered
    once. A text seen before in the run is answered from the classifier's memo of briefs (capped, as its other memos
    are); every other text is normalised and matched.
    """
    out: list[_Cells] = []
    add = out.append
    details: list[Mapping[str, Any] | None] | None = [] if want_detail else None
    counts: dict[_CountKey, int] = {}
    count = counts.get
    rejected: list[int] = []
    # The real classifier takes a whole batch in one call (Classifier.brief_many); test doubles may not.
    real = getattr(classifier, "brief_many", None)
    brief_many = None if want_detail else real
    if brief_many is None:
        briefs = None
    else:
        briefs = brief_many(texts) if cuts is None else brief_many(texts, framing_within=cuts)
    classify = classifier.classify
    classify_cuts = cuts if real is not None else None  # a test double's classify takes the text alone
    rendered = _BRIEF_CELLS
    cells: _Cells
    key: _CountKey
    for index, text in enumerate(texts):
        if text is None:
            add(_SKIPPED)
            counts[_ERROR_KEY] = count(_ERROR_KEY, 0) + 1
            if details is not None:
                details.append(None)
            continue
        try:
            if briefs is not None:
                b = briefs[index]
                if isinstance(b, InputError):
                    raise b
                entry = rendered.get(id(b))
                if entry is None or entry[0] is not b:
                    cells, key = _brief_cells(b)
                    if len(rendered) >= _BRIEF_CELLS_MAX:
                        rendered.clear()
                    rendered[id(b)] = (b, cells, key)
                else:
                    cells, key = entry[1], entry[2]
            else:
                result = classify(text) if classify_cuts is None else classify(
                    text, framing_within=classify_cuts[index])  # type: ignore[call-arg]
                cells, key = _result_cells(result)
                if details is not None:
                    details.append(result.to_dict())
        except InputError:
            add(_UNCLASSIFIABLE)
            rejected.append(index)
            counts[_ERROR_KEY] = count(_ERROR_KEY, 0) + 1
            if details is not None:
                details.append(None)
            continue
        add(cells)
        counts[key] = count(key, 0) + 1
    return _Classified(out, details, counts, rejected)


_worker_classifier: ClassifierLike | None = None
_worker_error: str = ""


_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals that stop a run; held back while the workers start (see :func:`_start_pool`)."""
_CAN_HOLD_SIGNALS = hasattr(signal, "pthread_sigmask")


def _start_pool(context: Any, jobs: int, factory: ClassifierFactory) -> tuple[Any, Any]:
    """Start ``jobs`` workers with :data:`_STOP_SIGNALS` blocked; return the pool and the signal mask to restore.

    A worker interrupted while it starts up (importing, reading the start-up data the parent sends it) prints a
    traceback: KeyboardInterrupt on a Ctrl-C that reaches the whole process group, EOFError when the parent stops
    mid-way through sending. Blocked, the parent's signal waits until every worker has its data, and each worker,
    which starts with the parent's mask, gets its own only in :func:`_init_worker` (which restores the mask from
    before): SIGINT ignored, SIGTERM or SIGHUP ending it quietly. The caller restores the mask inside the pool's
    ``with``, where a signal that came meanwhile is raised, and the pool terminated."""
    held = None
    if _CAN_HOLD_SIGNALS:
        from multiprocessing import resource_tracker

        # Started first: the pool would start it otherwise, and starting it unblocks SIGINT and SIGTERM. It ignores
        # those two itself, but not SIGHUP: a closed terminal (SIGHUP to the process group) would kill it, and the
        # run's exit then warn of it and fail to unlink the pool's semaphores. Started with SIGHUP blocked, it keeps
        # it blocked (a signal mask survives exec); this process gets a SIGHUP that came meanwhile once it unblocks.
        hup = {signal.SIGHUP} if hasattr(signal, "SIGHUP") else set()
        before = signal.pthread_sigmask(signal.SIG_BLOCK, hup)
        try:
            resource_tracker.ensure_running()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        return context.Pool(jobs, initializer=_init_worker, initargs=(factory, held)), held
    except BaseException:
        _release_signals(held)
        raise


def _release_signals(held: Any) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _init_worker(factory: ClassifierFactory, mask: Any = None) -> None:
    """Pool initializer: ignore Ctrl-C (the parent handles it), take the stop signals the parent held back while it
    started the workers (``mask``: the parent's mask from before) and build this worker's classifier once. (Spawned
    workers do not inherit the parent's Python handlers for SIGTERM and SIGHUP: a pending one ends the worker here,
    quietly; an ignored SIGHUP, under nohup, they do inherit, and keep.)"""
    global _worker_classifier, _worker_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _release_signals(mask)
    try:
        _worker_classifier = factory()
    except Exception as exc:  # reported by the first task: an initializer that raises makes Pool respawn forever
        _worker_error = f"{type(exc).__name__}: {exc}"


def _work(texts: list[str | None], want_detail: bool, cuts: list[int | None] | None) -> _Classified:
    if _worker_classifier is None:
        raise DomaincheckError(f"a worker process could not load the classifier: {_worker_error}",
                               ja=f"ワーカープロセスが分類器を読み込めませんでした: {_worker_error}")
    return _classify_texts(_worker_classifier, texts, want_detail, cuts)


# --- the run ------------------------------------------------------------------------------------------


class _Batch(NamedTuple):
    """Rows read and prepared, waiting for their classification."""

    numbers: list[int]
    """Input row numbers."""
    rows: list[list[Any]]
    """Cells fitted to the (kept) header; the result cells and any extra cells are appended in place."""
    texts: list[str | None]
    """Text to classify per row; None = not classified."""
    cuts: list[int | None] | None
    """With --extra-column: per row, the title's length within its text (framing words after it do not damp)."""
    titles: list[str] | None
    """The stripped titles (JSONL output only, for the record of a row that was not classified)."""
    notes: dict[int, tuple[tuple[str, ...], list[Any] | None]]
    """Index → (problems, cells beyond the header), only for the rows that have either."""
    formats: list[Sequence[CellFormat] | None] | None = None
    """xlsx to xlsx: per row, its cells' number formats, laid out as the input's cells are (the kept header's, then
    any beyond it; see :meth:`RowWriter.write_rows`), None for a row without any; None when no row has any."""
    read: int = 0
    """How much of the input had been read once this batch was (see :attr:`ScreenProgress.read`): noted as the batch
    is read, since with workers the reading runs ahead of the writing."""


@dataclass
class _Tally:
    rows_read: int = 0
    rows_written: int = 0
    counts: dict[_CountKey, int] = field(default_factory=dict)
    problems: collections.Counter[str] = field(default_factory=collections.Counter)
    unclassified: collections.Counter[str] = field(default_factory=collections.Counter)
    rows_with_problems: int = 0
    last_number: int = 0
    """The number of the last record read (blank records before it counted)."""
    title_lengths: list[int] = field(default_factory=list)
    """The lengths of the first usable titles (up to TITLE_SAMPLE_ROWS), for the summary's median."""

    def sample_titles(self, texts: Sequence[str | None], cuts: Sequence[int | None] | None) -> None:
        """Note the lengths of a batch's titles while fewer than TITLE_SAMPLE_ROWS are noted (``cuts``: each title's
        length within its text, when extra columns follow it)."""
        room = TITLE_SAMPLE_ROWS - len(self.title_lengths)
        if room > 0:
            lengths = [len(t) if cuts is None else cuts[i] for i, t in enumerate(texts) if t is not None]
            self.title_lengths += [n for n in lengths[:room] if n is not None]

    def median_title_chars(self) -> int | None:
        lengths = sorted(self.title_lengths)
        return lengths[len(lengths) // 2] if lengths else None

    def add_counts(self, counts: Mapping[_CountKey, int]) -> None:
        mine = self.counts
        get = mine.get
        for key, n in counts.items():
            mine[key] = get(key, 0) + n

    def expand(self) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int], int, dict[str, int],
                              int]:  # fmt: skip
        """(verdicts, tiers, areas, econsec, rows with econsec, held, rows with held) in first-seen order, from the
        count keys."""
        verdicts: dict[str, int] = {}
        tiers: dict[str, int] = {}
        areas: dict[str, int] = {}
        econsec: dict[str, int] = {}
        held: dict[str, int] = {}
        with_econsec = with_held = 0
        for (verdict, tier, area_ids, econsec_ids, held_ids), n in self.counts.items():
            verdicts[verdict] = verdicts.get(verdict, 0) + n
            if tier:
                tiers[tier] = tiers.get(tier, 0) + n
            for area in area_ids:
                areas[area] = areas.get(area, 0) + n
            if econsec_ids:
                with_econsec += n
                for es in econsec_ids:
                    econsec[es] = econsec.get(es, 0) + n
            if held_ids:
                with_held += n
                for area in held_ids:
                    held[area] = held.get(area, 0) + n
        return verdicts, tiers, areas, econsec, with_econsec, held, with_held


@dataclass(frozen=True)
class _Plan:
    """Everything decided from the options and the header, before any row is processed."""

    title: int
    extras: tuple[int, ...]
    other: int | None
    """The title in the other language, read when the title cell is empty or no title (before extra columns')."""
    keep: tuple[int, ...] | None
    width: int
    pad: Any  # "" for text input, None for xlsx and JSONL
    flag_short: bool
    cell_limit: int | None
    row_limit: int | None = None
    """xlsx output: the data rows a sheet holds; reading more is an error."""
    header: tuple[str, ...] = ()
    """The header's cells as text, stripped, for a header repeated among the rows (CSV, TSV, xlsx; empty for JSONL,
    whose keys are no row)."""
    templates: bool = False
    """Whether a row with no title and a number alone in the first column may be a template's row not filled in
    (``unfilled_row``): a sheet or text table of three columns or more whose title is not the first (not JSONL, whose
    records are no template, nor an id and a title alone, where the row is a proposal without its title: a review).
    A screen's JSONL output keeps no trace of the input's format: a table's template row screened from it again is
    empty_title (reading every earlier output as a table's made a JSONL input's empty title unfilled: a review)."""


def _resolve_jobs(jobs: int) -> int:
    """Worker processes to use: 0 means every core, and more than the cores are not started (each worker holds a
    classifier of about 100 MB, and on a machine with fewer cores they would only wait for each other)."""
    if jobs < 0:
        raise InputError(f"jobs must be 0 (every core) or a positive number, not {jobs}",
                         ja=f"jobs は 0（すべてのコア）か正の数です（{jobs} は使えません）")
    # The cores this process may run on (taskset, a container's CPU set), where the system says.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(jobs, cores) if jobs else cores


def screen(
    options: ScreenOptions,
    classifier_factory: ClassifierFactory,
    progress: ProgressCallback | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | IO[bytes] | None = None,
    chunk_rows: int | None = None,
    on_progress: ProgressInfoCallback | None = None,
) -> Summary:
    """Screen ``options.input`` into ``options.output`` (or ``stdout``) and return the summary.

    Raises UsageError for contradictory options and InputError for unusable input, before writing anything to a file
    (to ``stdout``, the rows before a late error, a malformed quote on line 3,000, have gone out); an interrupted run
    leaves neither a partial output file nor a temporary file. ``chunk_rows`` tunes the rows per worker task (None:
    :data:`CHUNK_ROWS`; a default of None rather than the constant, so that the compiled function keeps its signature
    for ``help()`` and ``inspect``).
    ``progress(rows_written, total_rows)`` and ``on_progress(ScreenProgress)`` are called after each batch is
    written; ``on_progress`` once more at the end, with the input read to its end.
    """
    started = time.perf_counter()
    lang = lang_code(options.lang)
    if lang not in LANGS:  # the library's caller: "fr" gave English name columns, "JA" too (a user test)
        raise UsageError(f"lang: {options.lang!r} is neither ja nor en",
                         ja=f"lang: {options.lang!r} は ja でも en でもありません")
    if lang != options.lang:
        options = dataclasses.replace(options, lang=lang)
    jobs = _resolve_jobs(options.jobs)
    input_path, output, in_fmt, out_fmt = _checked(options)
    source = InputSource(input_path, stdin)
    try:
        with open_table(source, in_fmt, options.encoding, options.sheet, options.header_row, options.column,
                        layout=out_fmt == "xlsx", no_header=options.no_header) as table:  # fmt: skip
            if not table.records:  # an empty JSONL: the columns named are taken to be there, as in its records
                table.header += tuple(spec for spec in options.extra_columns
                                      if numeric_spec(spec) is None and spec not in table.header)  # fmt: skip
            plan, detected = _plan(table, options, out_fmt)
            if plan.row_limit is not None:
                _check_row_count(source, table, options, plan.row_limit)
            classifier = classifier_factory()
            names = _Names(getattr(classifier, "taxonomy", None), options.lang)
            tally = _Tally()
            workers_used = [1]
            with open_writer(
                out_fmt,
                output,
                encoding=options.output_encoding,
                errors=options.output_errors,
                stream=stdout,
                input_path=source.path,
                stdin=input_path == "-",
                numbers_from_text=table.fmt in ("csv", "tsv"),  # a number's text from CSV/TSV: a number in xlsx
                sheet=table.sheet,
            ) as writer:
                with named_os_errors(output):
                    _write_header(writer, table, plan)
                want_detail = out_fmt == "jsonl"
                tell = table.tell if table.size is not None else None
                unit = "bytes" if tell is not None else "rows"
                rows_per_task = _BATCH_ROWS if jobs == 1 else CHUNK_ROWS if chunk_rows is None else chunk_rows
                batches = _read_batches(table.rows, plan, want_detail, tally, rows_per_task, tell)
                # Closed here, not when collected: a stop signal or an error while a batch is written (outside the
                # generator) must still end the worker pool its way, before the interpreter's exit would.
                # The cyclic garbage collector is held for the whole loop (reading and writing make as many
                # short-lived objects as classifying, and its collections cost about 6 % of a run: 358 of them on
                # 100,000 rows), and collects the young generations every GC_EVERY_ROWS rows: the loop makes no
                # cyclic garbage that a test has found, but a long run must not be able to pile it up.
                with (gc_paused(),
                      contextlib.closing(_run(batches, classifier, classifier_factory, jobs, want_detail,
                                              workers_used)) as results):
                    collect_at = GC_EVERY_ROWS
                    for batch, classified in results:
                        with named_os_errors(output):  # the writing's errors, not the reading's (the loop's)
                            _write_batch(writer, batch, classified, tally, names)
                        if progress is not None:
                            progress(tally.rows_written, table.total)
                        if on_progress is not None:
                            size = table.size if tell is not None else table.total
                            on_progress(ScreenProgress(tally.rows_written, batch.read, size, unit))
                        if tally.rows_written >= collect_at:
                            gc.collect(1)
                            collect_at += GC_EVERY_ROWS
                if on_progress is not None:  # every row read: blank records after the last batch, the file's end
                    size = table.size if tell is not None else table.total
                    end = tell() if tell is not None else size if size is not None else tally.last_number
                    on_progress(ScreenProgress(tally.rows_written, end, size, unit))
                    on_progress(ScreenProgress(tally.rows_written, end, size, unit, writing=True))
            blank = table.blank_rows[0]
            replaced, replacements = writer.cells_replaced, writer.replacements
    finally:
        source.close()
    elapsed = time.perf_counter() - started
    return _summary(options, _Screened(input_path, output, in_fmt, out_fmt, table, plan, detected, tally, blank,
                                       replaced, replacements, workers_used[0], jobs, elapsed, classifier))


def _write_header(writer: RowWriter, table: Table, plan: _Plan) -> None:
    """The input's column names (those kept), with their widths and hidden marks from a workbook, then the result
    columns'."""
    header = list(table.header)
    widths, hidden = table.widths, table.hidden
    if plan.keep is not None:
        header = [header[i] for i in plan.keep]
        widths = None if widths is None else tuple(widths[i] for i in plan.keep)
        hidden = None if hidden is None else tuple(hidden[i] for i in plan.keep)
    writer.write_header(header, RESULT_COLUMNS, widths, hidden)


class _Screened(NamedTuple):
    """What a finished run knows, for its :class:`Summary`."""

    input: str
    output: str | None
    input_format: str
    output_format: str
    table: Table
    plan: _Plan
    detected: bool
    tally: _Tally
    blank: int
    cells_replaced: int
    replacements: tuple[Replacement, ...]
    jobs: int
    jobs_requested: int
    elapsed: float
    classifier: Any  # the factory's object: a Classifier, or one like it


def _summary(options: ScreenOptions, run: _Screened) -> Summary:
    table, plan, tally, elapsed = run.table, run.plan, run.tally, run.elapsed
    header_names = table.header
    verdicts, tiers, areas, econsec, rows_with_econsec, held, rows_with_held = tally.expand()
    title_name = header_names[plan.title]
    namesakes = tuple(i + 1 for i, name in enumerate(header_names) if name == title_name and i != plan.title)
    median = tally.median_title_chars()
    if not run.detected:
        suggested = detect_title_column(header_names, table.hidden)
    elif median is not None and median <= SHORT_TITLE_CHARS:
        # a detected column of short cells (Title: Prof, Dr; an office's user test): the next candidate, if any
        suggested = detect_title_column([n if i != plan.title else "" for i, n in enumerate(header_names)],
                                        table.hidden)  # fmt: skip
    else:
        suggested = None
    return Summary(
        input=run.input,
        output=run.output,
        input_format=run.input_format,
        output_format=run.output_format,
        encoding=table.encoding,
        sheet=table.sheet,
        other_sheets=table.other_sheets,
        header_like_first_row=_header_like(table.first_values) if options.no_header else None,
        header_row=table.header_row,
        subheading_row=table.subheading_row,
        formula_rows_skipped=table.formula_rows[0],
        hidden_rows=table.hidden_rows,
        title_column=header_names[plan.title],
        title_column_index=plan.title + 1,
        title_column_detected=run.detected,
        extra_columns=tuple(header_names[i] for i in plan.extras),
        title_column_other_language=None if plan.other is None else header_names[plan.other],
        replaced_columns=tuple(n for n in header_names if n in RESULT_COLUMNS) + table.previous_results,
        rows_read=tally.rows_read,
        rows_written=tally.rows_written,
        blank_rows_skipped=run.blank,
        verdicts={v: verdicts.get(v, 0) for v in SUMMARY_VERDICTS}
        | {v: n for v, n in verdicts.items() if v not in SUMMARY_VERDICTS},
        # both, for scripts; strategic first, as the verdicts are listed (a user test misread the summary's rows)
        tiers={"strategic": tiers.get("strategic", 0), "emerging": tiers.get("emerging", 0)}
        | dict(sorted(tiers.items())),
        areas=dict(sorted(areas.items(), key=lambda kv: (-kv[1], kv[0]))),
        econsec=dict(sorted(econsec.items(), key=lambda kv: (-kv[1], kv[0]))),
        problems=dict(sorted(tally.problems.items())),
        rows_with_problems=tally.rows_with_problems,
        unclassified_problems=dict(sorted(tally.unclassified.items())),
        rows_with_econsec=rows_with_econsec,
        held=dict(sorted(held.items(), key=lambda kv: (-kv[1], kv[0]))),
        rows_with_held=rows_with_held,
        jobs=run.jobs,
        jobs_requested=run.jobs_requested,
        elapsed_seconds=elapsed,
        rows_per_second=tally.rows_written / elapsed if elapsed > 0 else 0.0,
        cells_replaced=run.cells_replaced,
        replacements=run.replacements,
        title_column_namesakes=namesakes,
        title_column_suggested=None if suggested is None or suggested == plan.title else header_names[suggested],
        title_column_suggested_index=None if suggested is None or suggested == plan.title else suggested + 1,
        title_median_chars=median,
        provenance=provenance(run.classifier),  # the factory's object: a Classifier, or one like it
    )


def _checked(options: ScreenOptions) -> tuple[str, str | None, str, str]:
    """The input's path, the output file's (None for stdout) and both formats, once every option that can be
    checked without reading the input is: a bad destination is refused before a possibly huge input is read."""
    check_path_given(options.input, "input", "input")
    if options.output is not None:
        check_path_given(options.output, "--output")
    input_path = os.fspath(options.input)
    output = None if options.output is None or is_stdout(options.output) else os.fspath(options.output)
    in_fmt = input_format(input_path, options.input_fmt)
    out_fmt = output_format(output, options.fmt)
    check_destination(out_fmt, output, None if input_path == "-" else Path(input_path), stdin=input_path == "-",
                      errors=options.output_errors)
    if out_fmt in ("csv", "tsv"):
        canonical_encoding(options.output_encoding)
    elif options.output_encoding != DEFAULT_OUTPUT_ENCODING or options.output_errors != "strict":
        option = "--output-encoding" if options.output_encoding != DEFAULT_OUTPUT_ENCODING else "--output-errors"
        raise UsageError(f"{option} applies to CSV and TSV output, not {out_fmt}",
                         hint="JSONL is always UTF-8 and xlsx has no text encoding: both hold every "
                              "character",
                         ja=f"{option} は CSV と TSV の出力に使うもので、{out_fmt} には使えません",
                         hint_ja="JSONL は常に UTF-8 で、xlsx には文字コードがありません: どちらもすべての文字を"
                                 "書けます")  # fmt: skip
    check_input_options(in_fmt, sheet=options.sheet, encoding=options.encoding, header_row=options.header_row,
                        no_header=options.no_header)
    return input_path, output, in_fmt, out_fmt


def _header_like(first: list[Any] | None) -> str | None:
    """The cell of an input's first row that names a title column, if one does (see
    :attr:`Summary.header_like_first_row`)."""
    if not first:
        return None
    texts = [cell_text(c) for c in first]
    found = detect_title_column(texts)
    return None if found is None else texts[found]


def _header_below(table: Table, ahead: int = 30) -> tuple[int, str] | None:
    """The row, and its columns described, of the first of the next ``ahead`` rows in which a title column is found:
    the header under a banner that a --column not found in it kept from being looked for, in a CSV or TSV file (a
    workbook's error names the sheets and their columns: see ``Table.context``). Consumes rows: for an error's hint
    only."""
    if table.fmt not in ("csv", "tsv"):
        return None
    for raw in islice(table.rows, ahead):
        texts = [cell_text(c) for c in raw.cells]
        if detect_title_column(texts) is not None:
            # the row as --header-row counts it: records, a quoted cell's line breaks inside one (a review)
            return (table.header_row or 1) + raw.number, describe_columns(texts)
    return None


def _plan(table: Table, options: ScreenOptions, out_fmt: str) -> tuple[_Plan, bool]:
    """Resolve the title and extra columns and how rows are fitted; (plan, title detected?)."""
    header = table.header
    detected = options.column is None and not options.no_header  # with --no-header the only column is taken
    if options.column is not None:
        try:
            title = resolve_column(header, options.column, role="title column")
        except InputError as exc:
            if options.header_row is None and not options.no_header \
                    and sum(1 for cell in header if str(cell).strip()) == 1:
                # One cell filled in: a banner (令和8年度 … 申請課題一覧) may stand where the column names should be,
                # with no row below it holding the column asked for (or a file of one column)
                below = _header_below(table)
                if below is not None:  # the columns there, rather than the banner's one alone (a docs audit)
                    at, names = below
                    raise InputError(exc.message, hint=f"the column names seem to be in row {at} ({names}): check "
                                     f"the name given to --column, and say where they are with --header-row {at}",
                                     ja=exc.text("ja"),
                                     hint_ja=f"列名は {at} 行目にあるようです（{names}）。--column に指定した名前を"
                                     f"確かめ、列名の行を --header-row {at} で指定してください") from None  # fmt: skip
                raise InputError(exc.message, hint="check the name given to --column; if the first row is a banner "
                                 "above the column names, say which row holds them with --header-row N",
                                 ja=exc.text("ja"),
                                 hint_ja="--column に指定した名前を確かめてください。1 行目が列名の上の表題行なら、"
                                 "列名のある行を --header-row N で指定してください") from None  # fmt: skip
            raise
    elif options.no_header:
        if len(header) != 1:
            raise UsageError(f"--no-header: the input has {len(header)} columns and none has a name: give the title "
                             "column's number with --column N",
                             ja=f"--no-header: 入力には名前のない列が {len(header)} 列あります。--column N でタイトル列"
                                "の番号を指定してください")  # fmt: skip
        title = 0
    else:
        found = detect_title_column(header, table.hidden)
        if found is None:
            jsonl = bool(header) and looks_like_jsonl(header[0])
            # --header-row given: not suggested again (a review found the hint asking for what was given)
            row, row_ja = ("", "") if options.header_row is not None else (
                "; if the column names are not in the first row (a banner above them), say which row holds them "
                "with --header-row N", "。列名が 1 行目にない（上に表題行がある）ときは、列名のある行を "
                "--header-row N で指定してください")  # fmt: skip
            raise InputError(
                f"no title column found; columns found: {describe_columns(header)}",
                hint=JSONL_HINT if jsonl
                else f"name the title column with --column NAME (or its 1-based number){row}; a file with no header "
                     "row (a list of titles) is read with --no-header",
                ja=f"タイトル列が見つかりません。見つかった列: {describe_columns(header)}",
                hint_ja=JSONL_HINT_JA if jsonl
                else f"--column 列名（または 1 から数えた列番号）でタイトル列を指定してください{row_ja}。見出し行"
                     "のないファイル（タイトルの一覧）は --no-header で読みます",
            )  # fmt: skip
        title = found
    extras = tuple(resolve_column(header, spec, role="extra column") for spec in options.extra_columns)
    for n, (spec, index) in enumerate(zip(options.extra_columns, extras, strict=True)):
        # The title twice, or a column twice, classifies the same words again and says nothing (a user test)
        if index == title or index in extras[:n]:
            what = "the title column" if index == title else "given twice"
            what_ja = "タイトル列です" if index == title else "2回指定されています"
            raise UsageError(f"--extra-column {spec!r} ({header[index]!r}) is {what}: its text is classified already",
                             hint="give each extra column once, and not the title column",
                             ja=f"--extra-column {spec!r}（{header[index]!r}）は{what_ja}: その文字はすでに"
                                "分類されます",
                             hint_ja="追加の列は1回ずつ、タイトル列以外を指定してください")  # fmt: skip
    other = None if options.no_header else other_language_column(header, title, table.hidden)
    if other in extras:  # -x 研究課題名（英文）: its text is read already, for every row
        other = None
    keep = tuple(i for i, name in enumerate(header) if name not in RESULT_COLUMNS)
    plan = _Plan(
        title=title,
        extras=extras,
        other=other,
        keep=None if len(keep) == len(header) else keep,
        width=len(header),
        pad=None if table.fmt in ("xlsx", "jsonl") else "",
        # A spreadsheet row simply ends at its last filled cell; only text formats have a field count.
        flag_short=table.fmt in ("csv", "tsv"),
        # (any cell longer is measured as the writer stores it: its guard ' and escapes count, see _excel_cell)
        cell_limit=_MAY_NOT_FIT if out_fmt == "xlsx" else None,
        row_limit=XLSX_MAX_ROWS - 1 if out_fmt == "xlsx" else None,
        header=() if table.fmt == "jsonl" else tuple(cell_text(cell).strip() for cell in header),
        templates=table.fmt != "jsonl" and len(header) >= 3 and title != 0,
    )
    return plan, detected


_NOT_TEXT = re.compile(f"[\x00{SURROGATES}]")
"""Characters no text holds: NUL and lone surrogates. Classified as U+FFFD (``title_characters_replaced``)."""

_COUNT_CHUNK = 1 << 22
"""Bytes read at a time when counting an input's line breaks."""


def _line_breaks(source: InputSource) -> int:
    """How many line breaks (LF, CR or CRLF, as the CSV reader takes them) the input's bytes hold, at most: one
    read of the file, in C. A CR or LF byte that is no line break only adds to it (in UTF-16, in a quoted cell)."""
    count = 0
    last = b""
    with source.open() as binary:
        while chunk := binary.read(_COUNT_CHUNK):
            count += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            if last == b"\r" and chunk[:1] == b"\n":
                count -= 1  # a CRLF across two chunks
            last = chunk[-1:]
    return count


def _check_row_count(source: InputSource, table: Table, options: ScreenOptions, limit: int) -> None:
    """xlsx output: raise before any row is classified when the input has more than ``limit`` data rows, rather than
    when the writer reaches them minutes later. A text input's line breaks bound its data rows (the header takes one
    line at least): when there are no more than ``limit``, nothing more is done; otherwise the rows are counted by
    reading the input once more, without classifying (a few seconds a million rows). An xlsx input cannot have more
    rows than an xlsx output holds."""
    if table.fmt == "xlsx":
        return
    if _line_breaks(source) + (table.fmt == "jsonl") <= limit:  # JSONL has no header; its last line may lack a break
        return
    with open_table(source, table.fmt, table.encoding, None, options.header_row, options.column,
                    no_header=options.no_header) as again:  # fmt: skip
        rows = sum(1 for _ in again.rows)
    if rows > limit:
        raise too_many_rows(rows, True)


def _read_batches(rows: Iterator[RawRow], plan: _Plan, want_titles: bool, tally: _Tally, size: int,
                  tell: Callable[[], int] | None = None) -> Iterator[_Batch]:  # fmt: skip
    """Read ``size`` rows at a time and prepare each batch, noting how much of the input was read by then: the bytes
    ``tell()`` gives (one call per batch), else the number of the batch's last record."""
    size = max(1, size)
    limit = plan.row_limit
    while chunk := list(islice(rows, size)):
        tally.rows_read += len(chunk)
        if limit is not None and tally.rows_read > limit:  # before the batch is classified (see _check_row_count)
            raise too_many_rows(tally.rows_read, False)
        last = chunk[-1][0]
        tally.last_number = last
        yield _prepare_batch(chunk, plan, want_titles, tell() if tell is not None else last)


_NOTES = frozenset(NOT_PROBLEMS)


def _extra_text(cell: Any) -> str:
    """An extra column's text to classify: the cell's, stripped, without the guard a screen's output puts before a
    formula-like cell; empty for a cell that is no text (未定, TBD, a number or a date standing alone: a review found
    未定 beside なし classified as a proposal with no area) or a formula's text (=VLOOKUP(…)). A JSON list or
    object (keywords as ``["核融合", "プラズマ"]``: a program officer's user test found them left out unsaid) gives
    its items' texts, each read so, joined by ", ". A cell of short lines without a 。 or ． is keywords a line
    each, joined by "; " (:data:`KEYWORD_LINE_MAX`)."""
    if isinstance(cell, list | dict):
        items = cell.values() if isinstance(cell, dict) else cell
        return ", ".join(filter(None, map(_extra_text, items)))
    part = cell_text(cell).strip()
    if part[:1] == "'" and part[1:2] in FORMULA_START:  # the guard, as for the title below
        part = part[1:]
    if not part or is_placeholder(part) or is_formula_text(part):
        return ""
    if type(cell) is not str and title_problem(cell) is not None:
        return ""
    if (part[0] in VALUE_TEXT_STARTS or "#" in part or part[0].isdigit()) and title_problem(part) is not None:
        return ""
    if ("\n" in part or "\r" in part) and "。" not in part and "．" not in part:
        lines = [line.strip() for line in LINE_END.split(part)]
        if max(map(len, lines)) <= KEYWORD_LINE_MAX:
            # keywords a line each (細胞核⏎融合タンパク質, nuclear⏎fusion protein): each read on its own, as after a 、
            # (the line break was a space, which the matcher drops between Japanese characters: 核融合 was found
            # across the two, a user test); an abstract's wrapped lines are sentences (。 or ．) or longer, and
            # read as they stand. Spaces within a line are kept: 量子 コンピュータ is one term, as in a title (a
            # review)
            part = "; ".join(filter(None, lines))
    return part


_LITERAL_STARTS = frozenset(['="', "'=", "= "])
"""How a formula of text literals starts (:func:`~domaincheck.io.readers.literal_formula_value`): a quick test."""

KEYWORD_LINE_MAX = 30
"""The longest line of an extra cell whose lines are read as keywords, each on its own."""


def _unfilled(cells: list[Any], plan: _Plan) -> str:
    """The problem of a row whose title and extra texts are empty: ``unfilled_row`` when the table may be a template
    (:attr:`_Plan.templates`) and the row's only cell is a number in the first column (No 1–200 with 30 rows filled
    in, a user test), else ``empty_title`` (a row with a budget, a name or a second number may be a proposal whose
    title is missing), or ``totals_row`` (:func:`_totals_row`)."""
    if _totals_row(cells):
        return "totals_row"
    if len(cells) > 1 and _note_row(cells):
        return "note_row"
    if not plan.templates or not cells:
        return "empty_title"
    first = cell_text(cells[0]).strip() if type(cells[0]) is not bool else ""
    if not (first.isdigit() and len(first) <= 7):
        return "empty_title"
    rest = cells[1:]
    return "unfilled_row" if all(cell is None or not cell_text(cell).strip() for cell in rest) else "empty_title"


def _totals_row(cells: list[Any]) -> bool:
    """Whether a row is an export's totals row: its first text a totals label, the others numbers (合計 | 1,234,000:
    a program officer's user test counted such a footer as a proposal and was warned of it on every run). Not a
    row that starts with a number (a proposal's No, its title missing, whose budget line reads 合計: a review)."""
    texts = [t for t in (cell_text(c).strip() for c in cells if c is not None and type(c) is not bool) if t]
    # a sum may be a formula saved without its value (=SUM(F5:F11) in a workbook a program wrote: a user test)
    return bool(texts) and texts[0].casefold() in _TOTALS and all(_AMOUNT.fullmatch(t) or is_formula_text(t)
                                                                  for t in texts[1:])  # fmt: skip


def _note_row(cells: list[Any]) -> bool:
    """Whether a row is a note under an export's list: one cell filled in, with a note (※取り下げ課題を含む,
    （注）金額は千円単位) or the end of the list (以下余白, 以上): an office's user test counted four such rows as
    proposals with no area. Not a one-column table's row, which is its title alone."""
    texts = [t for t in (cell_text(c).strip() for c in cells if c is not None and type(c) is not bool) if t]
    return len(texts) == 1 and _NOTE.match(texts[0]) is not None


_NOTE = re.compile(r"(?:以下余白|以下空白|余白|以上|以下同じ|以下省略)[。.]?$"
                   r"|※|[(（]注[0-9０-９]*[)）]|注[0-9０-９]*[:：)）]|備考[:：]")  # fmt: skip
"""A note under a list, or the mark of its end (以下余白): ※…, （注）…, 注1)…, 注：…, 備考：…. Not a title that
starts with （注射剤）, （注意…） or an asterisk (a review found them taken for notes, and their areas hidden
from --fail-on)."""
_NOTE_WORDS = re.compile("別紙|参照|含む|含まない|除く|除外|単位|審査|記載|一覧|課題は|分野は|については|詳細は|省略")
"""Words of a note about the list (※量子技術分野は別途審査, （注）半導体分野の課題を含む): a row marked as a note that
holds one stays a note, whatever areas it names (:func:`_settle_notes`)."""
_NOTE_STARTS = frozenset("以余※(（注備")
"""The first characters of a :data:`_NOTE` (a quick test before the pattern)."""


_TOTALS = frozenset(["合計", "総計", "小計", "計", "総数", "合計額", "合計件数", "total", "totals", "grand total",
                     "subtotal", "sum"])  # fmt: skip
"""The labels of a totals row (folded)."""
_AMOUNT = re.compile(r"[-+]?[¥￥$]?[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?\s*(?:%|％|円|千円|万円|件|名)?")
"""A number as a totals row writes it: 1,234,000, ¥5,000, 12.5%, 300件."""


def _own(cells: list[Any], keep: tuple[int, ...] | None) -> list[Any]:
    """A row's cells without those of an earlier screen's result columns (``keep``: :attr:`_Plan.keep`), which say
    nothing of the row's shape: a screen's output screened again had its unfilled, note and totals rows read as
    proposals without a title, their dc_ cells filled in (a user test)."""
    return cells if keep is None else [cells[i] for i in keep]


def _empty(problems: tuple[str, ...], cells: list[Any], plan: _Plan) -> tuple[str, ...]:
    """``problems`` with the kind of a row that has nothing to classify: ``empty_title``, or ``unfilled_row``
    (:func:`_unfilled`), a row a text file may end early (2 without the commas of its empty cells) and that is not
    counted short as well."""
    kind = _unfilled(cells, plan)
    if kind != "empty_title":
        return (*(p for p in problems if p != "short_row"), kind)
    return (*problems, kind)


def _extra_part(cell: Any, formula: bool) -> tuple[str, bool]:
    """An extra cell's text to classify (:func:`_extra_text`), and whether it is a formula left out: a workbook's
    formula saved without its value (``formula``), or a formula's text (=VLOOKUP(…))."""
    if formula:
        return "", True
    part = _extra_text(cell)
    if part or type(cell) is not str:
        return part, False
    return "", is_formula_text(cell.strip())


def _other_language_title(cells: list[Any], at: int, formulas: Any) -> tuple[str | None, str]:
    """The title in the other language's column ``at`` of a row whose title cell is empty, and the row's problem:
    (the text, ``title_from_other_column``); (None, ``title_too_long``) for a text longer than a title may be; else
    (None, ``empty_title``): that cell is empty too, not text (a number, a date, an Excel error), or a formula whose
    value the file does not hold."""
    text = "" if formulas and at in formulas else _extra_text(cells[at])  # no text as an extra cell is none
    if not text:
        return None, "empty_title"
    if len(text) > MAX_TITLE_CHARS:
        return None, "title_too_long"
    return text, "title_from_other_column"


def _prepare_batch(chunk: list[RawRow], plan: _Plan, want_titles: bool, read: int = 0) -> _Batch:
    """Fit raw rows to the header, build the texts to classify and note the rows' problems.

    The common row (as many cells as the header, a title of normal length, nothing to drop or cut)
    passes with a length check, a strip and three appends; its cell list is reused as the output row.
    """
    width = plan.width
    title_at = plan.title
    extras = plan.extras
    keep = plan.keep
    limit = plan.cell_limit
    header_title = plan.header[title_at] if plan.header else None
    numbers = list(map(_first, chunk))
    rows: list[list[Any]] = []
    texts: list[str | None] = []
    titles: list[str] | None = [] if want_titles else None
    cuts: list[int | None] | None = [] if extras else None
    notes: dict[int, tuple[tuple[str, ...], list[Any] | None]] = {}
    formats: list[Sequence[CellFormat] | None] | None = None
    add_row = rows.append
    add_text = texts.append
    for index, (_number, cells, formulas, flagged, shown) in enumerate(chunk):
        problems: tuple[str, ...] = flagged  # the reader's, for the record as a whole (bad_jsonl_line, bad_quotes)
        # a JSONL line that is no JSON has no cells to classify; a CSV line with a stray quote has them, split as
        # the line stands
        unread = bool(flagged) and flagged != ("bad_quotes",)
        extra: list[Any] | None = None
        if len(cells) != width:
            cells, extra_cells, shape = fit_row(cells, width, plan.pad)
            if shape is not None and not unread and (shape == "long_row" or plan.flag_short):
                problems += (shape,)
            if extra_cells:
                extra = extra_cells
        title = cells[title_at]
        kind = title_problem(title) if type(title) is not str else None
        if type(title) is not str:
            title = cell_text(title)
        title = title.strip()
        cut = len(title)
        as_given = title  # JSONL's title: the cell's text, also when another text is classified
        computed = False
        if kind is None and title[:2] in _LITERAL_STARTS and (literal := literal_formula_value(title)) is not None:
            # ="量子"&"暗号通信の実証": text literals, their value computed here, in a workbook saved without it too
            # (a user test: formula_not_evaluated there, classified when its output was screened again)
            title, computed = literal.strip(), True
            cut = len(title)
        if kind is None and title and (title[0] in VALUE_TEXT_STARTS or "#" in title or title[0].isdigit()):
            kind = title_problem(title)
        if kind is None and title and not computed and ((formulas and title_at in formulas)
                                                        or (title[0] in "='" and is_formula_text(title))):
            # a workbook's formula saved without its value, or a formula's text in any input: no title, which gives
            # way as a number in the title cell does
            kind = "formula_not_evaluated"
        if kind is None and title and len(title) <= PLACEHOLDER_LONGEST:
            if is_placeholder(title):
                kind = "title_placeholder"  # 未定, なし, (未入力), －
            elif (extras or plan.other is not None) and not any(ch.isalnum() for ch in title):
                kind = "unclassifiable_title"  # ――, ・・・: what the classifier would refuse; it may give way below
        if kind is not None and not unread and (
                (plan.other is not None and _other_language_title(cells, plan.other, formulas)[0] is not None)
                or any(_extra_part(cells[at], at in formulas)[0] for at in extras)):  # fmt: skip
            # 12345 or 未定 in 研究課題名（和文）, a title in 研究課題名（英文） or an abstract given with -x: that text
            # is read, as for an empty title (a user test, a review)
            problems += (kind,)
            kind, as_given, title, cut = None, title, "", 0
        text: str | None
        if unread:
            text = None
        elif kind is not None:
            text = None  # an Excel error value, a number, a date: not a title
            problems += (kind,)
        elif title and (title == header_title or (title[0] == "\ufeff" and title[1:].strip() == header_title)) \
                and _repeats_header(cells, plan.header, title_at):  # fmt: skip
            # the column names again, after a page break of the export (a user test), or with the byte-order mark of
            # another export concatenated to this one (cat a.csv b.csv, a user test): no proposal
            text = None
            problems += ("header_repeated",)
        elif title and len(title) <= 11 and title.casefold() in _TOTALS and _totals_row(_own(cells, keep)):
            text = None  # 合計 in the title column, sums beside it: the export's footer (a review)
            problems += ("totals_row",)
        elif title and title[0] in _NOTE_STARTS and width > 1 and _note_row(_own(cells, keep)):
            # 以下余白, ※取り下げ課題を含む: a note under the list (an office's user test), or a proposal whose title
            # starts with a note's mark (※継続 量子暗号通信の研究, a user test: its areas were hidden from --fail-on).
            # Classified all the same; a note is what names no area or speaks of the list (:func:`_settle_notes`)
            text = title
            problems += ("note_row",)
        elif not title and not extras:
            text, problem = (None, "empty_title") if plan.other is None \
                else _other_language_title(cells, plan.other, formulas)  # fmt: skip
            problems = _empty(problems, _own(cells, keep), plan) if problem == "empty_title" \
                else (*problems, problem)  # fmt: skip
        elif len(title) > MAX_TITLE_CHARS:
            text = None
            problems += ("title_too_long",)
        elif extras:
            parts = [title] if title else []
            other = None
            if not title and plan.other is not None:  # the title in the other language stands for it, as alone
                other = _other_language_title(cells, plan.other, formulas)[0]
                if other is not None:
                    parts.append(other)
            formula = False
            for at in extras:
                part, dropped = _extra_part(cells[at], at in formulas)
                formula = formula or dropped
                if part:
                    parts.append(part)
            if formula and "formula_not_evaluated" not in problems:
                # a formula in an extra column is left out, as a formula title is, and the rest is read (xlsx and
                # text inputs alike: a review found a workbook's row unclassified where a CSV's was read)
                problems += ("formula_not_evaluated",)
            if not parts:
                text = None
                problems = _empty(problems, cells, plan)
            else:
                if not title:  # 研究課題名（和文） empty, （英文） given with -x: the first extra text is the title
                    cut = len(parts[0])
                    problems += ("title_from_other_column",) if other is not None else ("title_from_extra_column",)
                text = EXTRA_JOIN.join(parts)
                if len(text) > MAX_TITLE_CHARS:
                    text = text[:MAX_TITLE_CHARS]
                    problems += ("text_truncated",)
        else:
            text = title
        if text is not None and text[:1] == "'" and text[1:2] in FORMULA_START:
            # The guard a screen's own output puts before a formula-like cell ('-AIによる創薬), or a person typed to
            # keep a spreadsheet from reading one: a file screened again classifies the title as first given (the
            # quote changed its scores, a user test); the cell stays
            text = text[1:]
            if cuts is not None:
                cut -= 1
        if text is not None and _NOT_TEXT.search(text) is not None:
            # Half an emoji (a JSON \ud83d) or a NUL byte from a broken export: the rest is classified, not the
            # whole title lost to --fail-on (a user test); the cells are written as they are
            text = _NOT_TEXT.sub("\ufffd", text)
            problems += ("title_characters_replaced",)
        if keep is not None:
            cells = [cells[i] for i in keep]
        if shown is not None:
            if formats is None:
                formats = [None] * index
            if keep is not None:
                shown = (*(shown[i] if i < len(shown) else None for i in keep), *shown[width:])
            formats.append(shown)
        elif formats is not None:
            formats.append(None)
        if limit is not None and any(isinstance(c, str) and len(c) > limit for c in (*cells, *(extra or ()))):
            fitted = [_excel_cell(c) for c in cells]
            fitted_extra = None if extra is None else [_excel_cell(c) for c in extra]
            if fitted != cells or fitted_extra != extra:
                cells, extra = fitted, fitted_extra
                problems += ("cell_truncated",)
        if problems or extra:
            notes[index] = (problems, extra)
        add_row(cells)
        add_text(text)
        if cuts is not None:
            cuts.append(cut if text is not None else None)
        if titles is not None:
            titles.append(as_given)
    return _Batch(numbers, rows, texts, cuts, titles, notes, formats, read)


_MAY_NOT_FIT = (XLSX_MAX_CELL_CHARS - 1) // 7
"""Text cells longer than this are measured as the xlsx writer stores them (a character takes up to 7 there: a
control character's escape, _x000B_; and the guard ' one more); shorter ones fit whatever they hold."""


def _excel_cell(value: Any) -> Any:
    """A text cell cut to what an Excel cell holds: 32,767 characters as the writer stores them (:func:`xlsx_parts`,
    whose escapes of control characters count: openpyxl cut a CRLF abstract's escaped form silently, a review; the
    formula guard is a style, Excel's quote prefix, and takes none); any other value as it is."""
    if not isinstance(value, str) or len(xlsx_parts(value)[0]) <= XLSX_MAX_CELL_CHARS:
        return value
    low, high = 0, min(len(value), XLSX_MAX_CELL_CHARS)  # the longest start whose stored form fits
    while low < high:
        middle = (low + high + 1) // 2
        if len(xlsx_parts(value[:middle])[0]) <= XLSX_MAX_CELL_CHARS:
            low = middle
        else:
            high = middle - 1
    return value[:low]


def _repeats_header(cells: Sequence[Any], header: tuple[str, ...], title_at: int) -> bool:
    """Whether a row whose title is the title column's name repeats the header: another named column holds its
    name too, or the header names no other column."""
    others = [i for i, name in enumerate(header) if name and i != title_at]
    return not others or any(i < len(cells) and cell_text(cells[i]).strip().lstrip("\ufeff") == header[i]
                             for i in others)  # fmt: skip


def _settle_notes(batch: _Batch, classified: _Classified) -> None:
    """Decide the rows that look like notes under the list (``note_row``, classified all the same): one whose text
    names no area or economic-security area (verdict none, or a text the classifier refused), or speaks of the list
    (:data:`_NOTE_WORDS`: ※AI関連の課題は別紙参照, a review), is a note, written as a row not classified; one that names
    some is a proposal whose title starts with a note's mark, and loses the mark. In place, before the batch is
    counted."""
    texts = batch.texts
    cells = classified.cells
    counts = classified.counts
    rejected = classified.rejected
    for index, (problems, extra) in list(batch.notes.items()):
        if "note_row" not in problems or texts[index] is None:
            continue
        verdict = cells[index][_VERDICT_AT]
        if verdict != "none" and index not in rejected and _NOTE_WORDS.search(texts[index] or "") is None:
            kept = tuple(p for p in problems if p != "note_row")
            if kept or extra:
                batch.notes[index] = (kept, extra)
            else:
                del batch.notes[index]
            continue
        if index in rejected:
            rejected.remove(index)  # counted as not classified already
        else:
            row = cells[index]
            areas, econsec, held = row[_AREAS_AT], row[_ECONSEC_AT], row[_HELD_AT]
            key: _CountKey = (verdict, row[_TIER_AT], tuple(areas.split("|")) if areas else (),
                              tuple(econsec.split("|")) if econsec else (),
                              tuple(held.split("|")) if held else ())  # as _brief_cells counted it
            left = counts.get(key, 0) - 1
            if left > 0:
                counts[key] = left
            else:
                counts.pop(key, None)
            counts[_ERROR_KEY] = counts.get(_ERROR_KEY, 0) + 1
        cells[index] = _SKIPPED
        texts[index] = None
        if classified.details is not None:
            classified.details[index] = None


def _write_batch(writer: RowWriter, batch: _Batch, classified: _Classified, tally: _Tally, names: _Names) -> None:
    """Append the result cells (ids, then names; and extra cells) to each row, count the batch and write it."""
    _settle_notes(batch, classified)
    rows = batch.rows
    named = names.cells
    for row, cells in zip(rows, classified.cells, strict=True):
        row += cells[:_IDS]
        row += named(cells)
        row.append(cells[_IDS])  # dc_near_misses, after the names: new columns go last
        row.append(cells[_IDS + 1])  # dc_editorial_programs
    notes = batch.notes
    rejected = set(classified.rejected)
    for index in rejected:
        notes.setdefault(index, ((), None))
    if notes:
        problem_counts = tally.problems
        for index, (problems, extra) in notes.items():
            row = rows[index]
            at = len(row) + _PROBLEM_AT
            kinds = (*problems, row[at]) if row[at] else problems
            if kinds:
                row[at] = "|".join(kinds)
                problem_counts.update(kinds)
                if not _NOTES.issuperset(kinds):
                    tally.rows_with_problems += 1
                if batch.texts[index] is None or index in rejected:
                    tally.unclassified.update(kinds)
            if extra:
                row += extra
    details = classified.details
    if details is not None:
        titles = batch.titles
        assert titles is not None
        for index, detail in enumerate(details):
            if detail is None:  # the same keys as a classified row's, empty: a reader need not special-case it
                detail = details[index] = Result(titles[index] or "", "error", "not classified: see problem", (), (),
                                                 (), (), ()).to_dict()  # fmt: skip
            if batch.cuts is not None:
                # With --extra-column the text classified is the title and more: `title` is the title as given, and
                # `text` what the evidence offsets point into (null when the row was not classified)
                details[index] = {"title": titles[index], "text": batch.texts[index],
                                  **{key: value for key, value in detail.items() if key != "title"}}  # fmt: skip
            elif "title_from_other_column" in batch.notes.get(index, ((), None))[0]:  # `text`: what was classified
                details[index] = {"title": titles[index], "text": detail["title"],
                                  **{key: value for key, value in detail.items() if key != "title"}}  # fmt: skip
            elif detail["title"] != titles[index]:
                # A character read as U+FFFD, or the ' of a formula guard dropped ('=…): `title` is the cell's, as
                # given, and `text` what was classified, which the evidence offsets point into (with the guard
                # dropped they were one character off the title: a data engineer's user test)
                details[index] = {"title": titles[index], "text": detail["title"],
                                  **{key: value for key, value in detail.items() if key != "title"}}  # fmt: skip
    writer.write_rows(batch.numbers, rows, details, batch.formats)
    tally.sample_titles(batch.texts, batch.cuts)
    tally.add_counts(classified.counts)
    tally.rows_written += len(rows)


def _run(
    batches: Iterator[_Batch],
    classifier: ClassifierLike,
    factory: ClassifierFactory,
    jobs: int,
    want_detail: bool,
    used: list[int],
) -> Generator[tuple[_Batch, _Classified], None, None]:
    """Yield (batch, classification) in input order, classifying here or in ``jobs`` worker processes; ``used[0]``
    is set to the number of workers started (left as it is, 1, when none is).

    Workers receive only the texts of a batch and send back compact result cells and counts, so the
    parent process (which reads, prepares and writes every row) does as little per row as possible.
    """
    if jobs == 1:
        for batch in batches:
            yield batch, _classify_texts(classifier, batch.texts, want_detail, batch.cuts)
        return
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if second is None:  # one chunk: starting processes would cost more than it saves
        yield first, _classify_texts(classifier, first.texts, want_detail, first.cuts)
        return
    # Spawned (not forked) workers: the caller may be running threads (a progress bar) and the factory
    # must be picklable anyway.
    context = multiprocessing.get_context("spawn")
    window = 2 * jobs  # chunks in flight: bounded so memory does not grow with the input
    pool, held = _start_pool(context, jobs, factory)
    used[0] = jobs
    finished = False
    workers: list[Any] = []
    try:
        _release_signals(held)  # a Ctrl-C or SIGTERM that came while the workers started is raised here
        workers = list(getattr(pool, "_pool", ()))  # the processes started (CPython's Pool keeps them there)
        pending: collections.deque[tuple[_Batch, Any]] = collections.deque()
        for batch in _chain_batches(first, second, batches):
            pending.append((batch, pool.apply_async(_work, (batch.texts, want_detail, batch.cuts))))
            if len(pending) >= window:
                done, result = pending.popleft()
                yield done, _result(result, workers)
        while pending:
            done, result = pending.popleft()
            yield done, _result(result, workers)
        finished = True
    finally:
        # Every result in and every worker alive: the pool's own terminate(). Otherwise (a worker died; Ctrl-C,
        # SIGTERM or SIGHUP, which may reach the workers too when sent to the process group; the caller stopped
        # reading) a worker may have died holding a lock of the pool's queues, on which terminate() would wait for
        # ever: the pool is abandoned.
        if finished and all(w.exitcode is None for w in workers):
            pool.terminate()
        else:
            _abandon(pool)


def _result(result: Any, workers: list[Any]) -> _Classified:
    """What a worker sends back for a chunk; DomaincheckError when a worker has died (killed by the system when
    memory ran short, or by a user): the pool quietly starts another, and the chunk the dead one held never comes
    back, so waiting for it would hang the run for ever."""
    while True:
        try:
            return result.get(timeout=0.25)  # type: ignore[no-any-return]
        except multiprocessing.TimeoutError:
            pass
        for worker in workers:
            code = worker.exitcode
            if code is not None:
                how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
                how_ja = f"シグナル {-code} で強制終了" if code < 0 else f"終了コード {code}"
                hint = "run again, with fewer --jobs if memory is short"
                hint_ja = "もう一度実行してください。メモリが足りないなら --jobs を減らしてください"
                if code == 1 and _from_a_script():  # a Python error in the worker: most often a script without the
                    # __main__ guard
                    # (workers start by importing the caller's main module: an eighth user test's script ran
                    # itself again in each worker, and this error said nothing of why)
                    hint += ('; from a Python script, call screen() with jobs > 1 under `if __name__ == '
                             '"__main__":` (each worker starts by importing the script)')
                    hint_ja += ('。Python のスクリプトから jobs > 1 で screen() を呼ぶなら `if __name__ == '
                                '"__main__":` の下で呼んでください（各ワーカーはスクリプトを読み込んで始まります）')
                raise DomaincheckError(f"a worker process stopped unexpectedly ({how})", hint=hint,
                                       ja=f"ワーカープロセスが途中で止まりました（{how_ja}）", hint_ja=hint_ja)


def _from_a_script() -> bool:
    """Whether this process runs a caller's own script (not domaincheck's command, whose workers need no guard)."""
    import sys

    main = getattr(sys.modules.get("__main__"), "__file__", None)
    if not main:
        return False
    path = Path(main)
    return path.name != "domaincheck" and not (path.name == "__main__.py" and path.parent.name == "domaincheck")


def _abandon(pool: Any) -> None:
    """Stop a pool that may have lost a worker, without its terminate(), which can hang then: a worker dies holding
    the locks of the pool's queues (an idle one waits for its next task holding the task queue's; one sending its
    results holds the result queue's, and may leave half a message in it), and terminate() takes both and reads the
    results to the end. Instead: no worker is started in the dead one's place, every worker is stopped, and the
    pool's clean-up at exit is cancelled; its threads, daemons, end with the process. (CPython's Pool: the worker
    handler thread, the workers, and the exit finaliser are in private attributes; each is checked for.)"""
    from multiprocessing import pool as mp_pool

    # A second Ctrl-C during the joins below (a terminal's and `timeout`'s SIGINT reach the whole process group, so
    # this process may get two) left a running pool for the interpreter's exit to collect: its __del__ then wrote
    # to a queue already closed and printed a traceback (a user test, 2 runs in 36). So the pool is marked stopped
    # before the joins, and the stop signals wait until the workers are killed: blocked in this thread, and their
    # handlers replaced too, since a signal sent to the process goes to a thread that does not block it (the
    # progress bar's) and Python runs the handler in this thread all the same. The first that came, also one that
    # came before the handlers waited (a review), is raised once the workers are killed.
    came: list[int] = []
    handlers: dict[int, Any] = {}
    early: BaseException | None = None
    held = None
    try:
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS) if _CAN_HOLD_SIGNALS else None
        _defer_signals(came, handlers)
    except BaseException as exc:  # KeyboardInterrupt, or the CLI's exception for SIGTERM and SIGHUP
        early = exc
    try:
        finalizer = getattr(pool, "_terminate", None)
        if finalizer is not None:
            finalizer.cancel()
        pool._state = mp_pool.TERMINATE  # no "unclosed pool" warning, no notice to its threads, when it is collected
        handler = getattr(pool, "_worker_handler", None)
        if handler is not None:
            handler._state = mp_pool.TERMINATE  # its loop ends: no new worker
            handler.join(1)  # it may be starting one now (it looks every 0.1 s); that one is killed below too
        for worker in list(getattr(pool, "_pool", ())):
            with contextlib.suppress(OSError, ValueError):
                worker.kill()
                worker.join(5)
    finally:
        # the mask first, while the handlers still wait (a signal held back goes to ``came``), then every handler
        # back, each to the end whatever comes meanwhile
        try:
            _release_signals(held)
        finally:
            late = _restore_handlers(handlers)
        if early is not None:
            raise early
        if late is not None:
            raise late
        if came:
            signal.raise_signal(came[0])


def _defer_signals(came: list[int], replaced: dict[int, Any]) -> None:
    """Set a handler for each of :data:`_STOP_SIGNALS` that notes the signal in ``came``, and note each handler
    it replaces in ``replaced`` as it goes. None is set outside the main thread (Python allows it only there), nor
    over an ignored signal (nohup's SIGHUP) or one set outside Python."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in _STOP_SIGNALS:
        previous = signal.getsignal(signum)
        if previous in (signal.SIG_IGN, None):
            continue
        signal.signal(signum, lambda number, _frame: came.append(number))
        replaced[signum] = previous


def _restore_handlers(handlers: dict[int, Any]) -> BaseException | None:
    """Set each signal's handler back; the first exception a handler run meanwhile raised (``signal.signal`` runs
    the handlers of signals that came before it sets one), after every handler is back."""
    first: BaseException | None = None
    for signum, previous in handlers.items():
        for _ in range(len(_STOP_SIGNALS) + 1):  # each try runs at most the handlers then pending
            try:
                signal.signal(signum, previous)
                break
            except BaseException as exc:
                first = first or exc
    return first


def _chain_batches(first: _Batch, second: _Batch, rest: Iterator[_Batch]) -> Iterator[_Batch]:
    yield first
    yield second
    yield from rest
