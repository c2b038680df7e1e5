"""Accuracy of the classifier on labelled titles (a title column and ``labels``: ``|``-separated area ids, ``none``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .classify import Classifier
from .errors import InputError
from .io.readers import InputSource, RawRow, cell_text, check_input_options, open_table
from .io.readers import input_format as format_of
from .models import EconSecArea


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled title."""

    title: str
    """The title."""
    labels: frozenset[str]
    """Expected area ids (empty for ``none``)."""
    line: int | None = None
    """Where the title is in its file: its line (a workbook's row), as problems name it; None when not read from a
    file."""


@dataclass(frozen=True, slots=True)
class AreaScore:
    """Precision, recall and F1 of one area."""

    id: str
    """Area id."""
    tp: int
    """True positives."""
    fp: int
    """False positives."""
    fn: int
    """False negatives."""

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def shown(self) -> tuple[float | None, float | None, float | None]:
        """Precision, recall and F1 to report: None where there is nothing to measure (no prediction for precision,
        no label for recall, neither for F1), rather than the 1.0 the properties use for averaging."""
        if not self.tp + self.fp + self.fn:
            return None, None, None
        return (self.precision if self.tp + self.fp else None, self.recall if self.tp + self.fn else None, self.f1)


@dataclass(frozen=True, slots=True)
class Error:
    """A title the classifier got wrong."""

    title: str
    """The title."""
    expected: tuple[str, ...]
    """Expected areas."""
    predicted: tuple[str, ...]
    """Predicted areas."""
    missed: tuple[str, ...]
    """Expected but not predicted."""
    extra: tuple[str, ...]
    """Predicted but not expected."""
    line: int | None = None
    """The title's line (a workbook's row) in the file it was read from, when it was."""


@dataclass(frozen=True, slots=True)
class Report:
    """Evaluation result."""

    cases: int
    """Number of titles."""
    areas: tuple[AreaScore, ...]
    """Per-area scores, taxonomy order."""
    none_cases: int
    """Titles labelled none."""
    none_false_alarms: int
    """Of those, how many got an area."""
    errors: tuple[Error, ...]
    """Wrong titles, worst first."""

    @property
    def micro(self) -> AreaScore:
        """Scores pooled over all areas."""
        return AreaScore("micro", sum(a.tp for a in self.areas), sum(a.fp for a in self.areas),
                         sum(a.fn for a in self.areas))  # fmt: skip

    @property
    def macro_f1(self) -> float | None:
        """Mean F1 over areas that occur in the labels or predictions; None when no area does."""
        used = [a for a in self.areas if a.tp + a.fp + a.fn]
        return sum(a.f1 for a in used) / len(used) if used else None

    @property
    def false_alarm_rate(self) -> float | None:
        """Share of none titles that got an area; None when no title is labelled none."""
        return self.none_false_alarms / self.none_cases if self.none_cases else None

    def to_dict(self, worst: int | None = None) -> dict[str, Any]:
        """JSON-ready form; ``worst``: how many of the worst errors to list (None: all)."""
        def ratios(score: AreaScore) -> dict[str, float | None]:
            return {k: None if x is None else round(x, 4)
                    for k, x in zip(("precision", "recall", "f1"), score.shown(), strict=True)}  # fmt: skip

        return {
            "cases": self.cases,
            "micro": ratios(self.micro),
            "macro_f1": _rounded(self.macro_f1),
            "none": {"cases": self.none_cases, "false_alarms": self.none_false_alarms,
                     "false_alarm_rate": _rounded(self.false_alarm_rate)},
            "areas": [
                {"id": a.id, "tp": a.tp, "fp": a.fp, "fn": a.fn, **ratios(a), "support": a.tp + a.fn}
                for a in self.areas
            ],
            "errors": [
                {"title": e.title, "line": e.line, "expected": list(e.expected), "predicted": list(e.predicted),
                 "missed": list(e.missed), "extra": list(e.extra)}
                for e in self.errors[:worst]
            ],
        }  # fmt: skip


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def label_names(areas: Iterable[Any]) -> dict[str, str]:
    """The names a label may give an area by (its Japanese and English names and official names) → its id."""
    return {name: a.id for a in areas for name in (a.name_ja, a.name_en, a.official_ja, a.official_en)}


LABELS_COLUMNS = ("labels", "label", "ラベル", "正解", "正解ラベル", "領域")
"""The names of the labels column, in any case (the first present is read)."""
NONE_LABELS = frozenset(["none", "なし", "ナシ", "無し", "該当なし", "該当無し"])
"""The labels that say a title is in no area."""


@dataclass(frozen=True, slots=True)
class Labelled:
    """Labelled titles as read, and what was read: so that a report can say which sheet and columns it measured."""

    cases: list[Case]
    """The labelled titles, in file order."""
    fmt: str
    """Input format: csv, tsv, xlsx or jsonl."""
    encoding: str | None
    """Text encoding used (None for xlsx)."""
    sheet: str | None
    """xlsx: the worksheet read."""
    header_row: int | None
    """The header's row (line), as a spreadsheet numbers them; None for JSONL."""
    title_column: str
    """The title column's name."""
    labels_column: str
    """The labels column's name."""
    other_sheets: tuple[str, ...] = ()
    """xlsx whose sheet was chosen: other visible sheets with a title column too, not read."""
    labels_column_number: int = 0
    """The labels column's 1-based number."""
    other_labels_columns: tuple[tuple[str, int], ...] = ()
    """Other columns that could be the labels column (a second ラベル or 正解 column), not read: name and number."""
    repeated_headers: tuple[int, ...] = ()
    """Lines (a workbook's rows) that repeat the column names, as files joined into one do: not measured."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (without the cases)."""
        return {"format": self.fmt, "encoding": self.encoding, "sheet": self.sheet, "header_row": self.header_row,
                "title_column": self.title_column, "labels_column": self.labels_column,
                "other_sheets": list(self.other_sheets),
                "labels_column_number": self.labels_column_number,
                "other_labels_columns": [{"name": c, "column": n} for c, n in self.other_labels_columns],
                "repeated_headers": list(self.repeated_headers)}  # fmt: skip


def read_cases(path: Path | str, known: Iterable[str], encoding: str | None = None,
               names: Mapping[str, str] | None = None, *, column: str | None = None,
               labels_column: str | None = None, sheet: str | None = None, input_format: str | None = None,
               header_row: int | None = None, econsec: Iterable[EconSecArea] = ()) -> list[Case]:  # fmt: skip
    """The labelled titles of a file: :func:`read_labelled`'s cases."""
    return read_labelled(path, known, encoding, names, column=column, labels_column=labels_column, sheet=sheet,
                         input_format=input_format, header_row=header_row, econsec=econsec).cases  # fmt: skip


def read_labelled(path: Path | str, known: Iterable[str], encoding: str | None = None,
                  names: Mapping[str, str] | None = None, *, column: str | None = None,
                  labels_column: str | None = None, sheet: str | None = None, input_format: str | None = None,
                  header_row: int | None = None, econsec: Iterable[EconSecArea] = ()) -> Labelled:  # fmt: skip
    """Read labelled titles from a CSV, TSV, xlsx or JSONL file (``-``: CSV on standard input), with the reader
    ``screen`` uses: the format from the suffix or ``input_format``; the encoding detected (BOM, UTF-8, CP932, EUC-JP)
    unless given; a banner above the header skipped (or ``header_row``); ``sheet`` of a workbook.

    The title column is ``column`` (a name or 1-based number), else ``title``, else one ``screen`` detects
    (研究課題名, 課題名…); the labels column is ``labels_column``, else the first visible one of
    :data:`LABELS_COLUMNS` present (names in any case). A label is an area id, ``none`` (or one of
    :data:`NONE_LABELS`), or a name in ``names`` (name → id: the areas' Japanese and English names), all compared
    normalised (ＱＵＡＮＴＵＭ, 量子, AI・先端ロボット); labels are ``|``-separated, a JSONL labels value may be a
    list, and a piece that is no label is split again (see :data:`_OTHER_SEPARATORS`). Unknown labels, missing
    columns, an empty labels cell (write ``none`` for no area) and titles the classifier cannot use (empty, no
    letters or digits, too long; a number, date, Excel error value or formula saved without its value, as ``screen``
    judges a title cell) are input errors naming each line (row, in a workbook) that has one: the first ten. An
    economic-security area given as a label (an id or name of ``econsec``) is said to be one, with its areas. A row
    that repeats the column names (files joined into one) is skipped, and its line kept in ``repeated_headers``.
    """
    resolver = _Labels(known, names, econsec)
    name = str(path)
    fmt = format_of(name, input_format)
    check_input_options(fmt, sheet=sheet, encoding=encoding, header_row=header_row)
    source = None
    try:
        source = InputSource(name)  # a named pipe, <(…), is read once into a spool, as screen reads one
        # A workbook is read with its layout: a hidden column is not taken for the labels before a visible one
        with open_table(source, fmt, encoding, sheet, header_row, column, layout=fmt == "xlsx") as table:
            if not table.records:  # an empty JSONL: its header is made up
                raise InputError(f"{name}: no labelled titles", ja=f"{name}: ラベル付きのタイトルがありません")
            try:
                title_at, labels_at, others = _label_columns(table.header, table.hidden, name, column, labels_column,
                                                             table.sheet)  # fmt: skip
            except InputError as exc:
                # A workbook whose first sheet with titles has no labels: another sheet may have both
                labelled = next((o for o in table.other_sheets
                                 if _sheet_labelled(source, o, header_row, column, labels_column)), None)  # fmt: skip
                if labelled is None:
                    raise
                raise InputError(exc.message, hint=f"sheet {labelled!r} has both columns: read it with --sheet "
                                 f"{labelled!r}", ja=exc.text("ja"),
                                 hint_ja=f"シート {labelled!r} には両方の列があります: --sheet {labelled!r} で"
                                         "読ませてください") from None  # fmt: skip
            # Other sheets to measure too: those with a labels column as well as titles
            other_sheets = tuple(o for o in table.other_sheets
                                 if _sheet_labelled(source, o, header_row, column, labels_column))  # fmt: skip
            labels_name = table.header[labels_at]
            where, where_ja = ("row", "行目") if fmt == "xlsx" else ("line", "行目")
            cases = []
            repeated: list[int] = []
            problems: list[_Problem] = []  # every line's problem is reported at once (a file labelled by hand)
            for row in table.rows:
                # Where the user finds the row: a line (where it ends, a quoted cell may span lines), a record's line
                # (JSONL), a workbook's row
                n = table.line(row.number) if table.line is not None else table.header_at + row.number
                outcome = _row_case(row, n, table.header, title_at, labels_at, fmt, resolver)
                if outcome is None:
                    repeated.append(n)  # the column names again: two files joined
                elif isinstance(outcome, _Problem):
                    problems.append(outcome)
                else:
                    cases.append(outcome)
            if problems:
                # Which columns were read, as the run would have said: the problems may come from the wrong ones
                sheet_en = f"sheet {table.sheet!r}, " if table.sheet is not None else ""
                sheet_ja = f"シート {table.sheet!r}、" if table.sheet is not None else ""
                columns = (f"read: {sheet_en}title column {table.header[title_at]!r}, labels column {labels_name!r}",
                           f"読んだもの: {sheet_ja}タイトル列 {table.header[title_at]!r}、ラベル列 {labels_name!r}")
                raise _problems_error(name, problems, where, where_ja, columns)
            read = Labelled(cases, fmt, table.encoding, table.sheet, table.header_at or None, table.header[title_at],
                            labels_name, other_sheets, labels_at + 1,
                            tuple((table.header[i], i + 1) for i in others), tuple(repeated))  # fmt: skip
    except OSError as exc:
        from .errors import reason_ja

        raise InputError(f"cannot read {name}: {exc.strerror or exc}", ja=f"{name} を読めません: {reason_ja(exc)}") \
            from None
    finally:
        if source is not None:
            source.close()
    if not cases:
        raise InputError(f"{name}: no labelled titles", ja=f"{name}: ラベル付きのタイトルがありません")
    return read


_NAME_WORD_SPLIT = re.compile(r"[・\s,()（）/、]+|\band\b")
"""Where an area's name splits into the words a label may be short for (AI of AI・先端ロボット)."""
_GENERIC_WORDS = frozenset({"technology", "technologies", "tech", "related", "advanced", "critical", "including",
                            "the", "of", "for", "in", "関連技術", "技術"})  # fmt: skip
"""Words of areas' names that name no area of their own (tech of "food tech", technology of "medical technology")."""


class _Labels:
    """What a label names: an area's id or name, ``none``, or an economic-security area (said to be one)."""

    def __init__(self, known: Iterable[str], names: Mapping[str, str] | None, econsec: Iterable[EconSecArea]) -> None:
        from .normalize import normalize_text

        self._normalize = normalize_text
        self.known = list(known)
        self._known_set = set(self.known)
        self.by_area_name = {normalize_text(name): area for name, area in (names or {}).items()}
        self.name_words = [(normalize_text(word), area) for name, area in (names or {}).items()
                           for word in _NAME_WORD_SPLIT.split(name)
                           if word.strip() and word.casefold() not in _GENERIC_WORDS]  # fmt: skip
        """(a word of an area's name, normalised, the area): what a label that is no name may be short for."""
        self.by_econsec = {key: e for e in econsec for key in (_label_key(e.id), normalize_text(e.name_ja),
                                                               normalize_text(e.name_en))}  # fmt: skip

    def id_of(self, label: str) -> str | None:
        """The area id or ``none`` that ``label`` names, or None."""
        key = _label_key(label)
        if key in self._known_set or key in NONE_LABELS:
            return "none" if key in NONE_LABELS else key
        return self.by_area_name.get(self._normalize(label))

    def _whole(self, label: str) -> str | None:
        """An area's id, none, or an economic-security area's id (reported whole: its English name holds commas)."""
        found = self.id_of(label)
        if found is None:
            entry = _econsec_of(label, self.by_econsec)
            found = None if entry is None else entry.id
        return found

    def read(self, parts: list[str]) -> tuple[set[str], list[str]]:
        """The ids of the labels in ``parts``, and the labels not known. A part that is no label is split at line
        breaks, 、 ; and /, and a piece that is no label then at commas (an English area name holds commas); what
        is still unknown is reported alone."""
        found: set[str] = set()
        unknown: list[str] = []
        for part in parts:
            for piece in _pieces(part, self._whole):
                one = self.id_of(piece)
                if one is None:
                    unknown.append(piece)
                else:
                    found.add(one)
        return found, unknown


def _row_case(row: RawRow, n: int, header: tuple[str, ...], title_at: int, labels_at: int, fmt: str, labels: _Labels
              ) -> Case | _Problem | None:  # fmt: skip
    """The labelled title of a row at line (or row) ``n``, the problem that keeps it out, or None for a row that
    repeats the column names."""
    from .classify import checked
    from .io.readers import title_problem

    labels_name = header[labels_at]
    if "bad_quotes" in row.problems:  # a CSV/TSV line whose quotes break the format: its cells are not certain
        return _Problem(n, "its quotes break the format (a field that starts with a quote must end with one, and "
                        'quotes inside it are doubled "")',
                        "引用符の形が崩れています（引用符で始まるフィールドは引用符で閉じ、"
                        '中の引用符は二重 "" にします）', None, None)  # fmt: skip
    if row.problems:
        return _Problem(n, "not a JSON object", "JSON オブジェクトではありません", None, None)
    cells = row.cells
    if title_at in row.formulas or labels_at in row.formulas:  # xlsx: the cell holds its formula's text
        which = header[title_at if title_at in row.formulas else labels_at]
        return _Problem(n, f"the {which} cell is a formula saved without its value",
                        f"{which} のセルは値が保存されていない数式です",
                        "open the workbook in Excel and save it, so that formulas keep their values",
                        "Excel でブックを開いて保存し、数式の値を保存してください")  # fmt: skip
    raw = cells[labels_at] if labels_at < len(cells) else None
    if (fmt != "jsonl" and title_at < len(cells) and _bare(cell_text(raw)) == _bare(labels_name)
            and _bare(cell_text(cells[title_at])) == _bare(header[title_at])):  # fmt: skip
        return None
    parts = [p for x in (raw if isinstance(raw, list) else [raw]) for p in cell_text(x).replace("｜", "|").split("|")]
    parts = [x.strip() for x in parts if x.strip()]
    if not parts:
        return _Problem(n, f"empty {labels_name} cell", f"{labels_name} のセルが空です",
                        "write none for a title with no area",
                        "どの領域にも当たらないタイトルには none と書いてください")  # fmt: skip
    found, unknown = labels.read(parts)
    if unknown:
        return _unknown_labels(n, unknown, labels.known, labels.by_area_name, labels.by_econsec, labels.name_words)
    if "none" in found and len(found) > 1:
        shown = " ".join(" | ".join(parts).split())  # on one line
        return _Problem(n, f"'none' together with areas ({shown})", f"'none' と領域が一緒に書かれています（{shown}）",
                        "write none alone, or only the areas (ids or names)",
                        "none だけか、領域（id か名前）だけを書いてください")  # fmt: skip
    found.discard("none")
    value = cells[title_at] if title_at < len(cells) else None
    title = cell_text(value)
    kind = title_problem(value)
    if kind is not None and title.strip():
        en, ja = _TITLE_PROBLEMS[kind]
        return _Problem(n, f"{en}: {title[:60]!r}", f"{ja}: {title[:60]!r}", "is the title column the right one? "
                        "(--column)", "タイトル列は正しいですか？（--column）")  # fmt: skip
    try:
        checked(title)  # the classifier's own test of a usable title
    except InputError as exc:
        return _Problem(n, exc.message, exc.text("ja"), None, None)
    return Case(title, frozenset(found), n)


def _label_key(label: str) -> str:
    """A label as compared with the ids and :data:`NONE_LABELS`: NFKC (ｑｕａｎｔｕｍ), trimmed, case-folded."""
    return unicodedata.normalize("NFKC", label).strip().casefold()


def _bare(name: str) -> str:
    """A column name as compared with a row that may repeat it: as a label is compared (:func:`_label_key`), without
    the byte-order mark that a second file joined to the first (``cat a.csv b.csv``, Excel's CSV UTF-8) brings."""
    return _label_key(name.replace("\ufeff", ""))


def _econsec_of(label: str, by_econsec: Mapping[str, EconSecArea]) -> EconSecArea | None:
    """The economic-security area a label names by id (any case, full-width) or name (normalised), or None."""
    if not by_econsec:
        return None
    from .normalize import normalize_text

    return by_econsec.get(_label_key(label)) or by_econsec.get(normalize_text(label))


def _sheet_labelled(source: InputSource, sheet: str, header_row: int | None, column: str | None,
                    labels_column: str | None) -> bool:  # fmt: skip
    """Whether the workbook's ``sheet`` has a title column and a labels column, as read with the same options."""
    try:
        with open_table(source, "xlsx", None, sheet, header_row, column, layout=True) as table:
            _label_columns(table.header, table.hidden, "", column, labels_column)
    except InputError:
        return False
    return True


_OTHER_SEPARATORS = (re.compile(r"[\n\r、;；/／]"), re.compile(r"[,，]"))
"""What else a labels cell may separate its labels by (as typed in Japanese text, or Alt+Enter in Excel), tried in
turn: commas last, as an English area name holds them."""


def _pieces(part: str, label_id: Callable[[str], str | None], level: int = 0) -> list[str]:
    """``part`` whole when it is a label; else split at the separators of ``level`` and on, each piece likewise."""
    if label_id(part) is not None or level == len(_OTHER_SEPARATORS):
        return [part]
    pieces = [x.strip() for x in _OTHER_SEPARATORS[level].split(part) if x.strip()]
    return [p for x in pieces for p in _pieces(x, label_id, level + 1)]


_TITLE_PROBLEMS = {
    "title_not_text": ("title is a number, date or value, or a sub-heading (和文, 英文), not text",
                       "タイトルが数値・日付などの値か小見出し（和文・英文）で、文章ではありません"),
    "title_excel_error": ("title is an Excel error value", "タイトルが Excel のエラー値です"),
}
"""screen's judgements of a title cell (:func:`domaincheck.io.readers.title_problem`), as evaluate says them."""


def _label_columns(header: tuple[str, ...], hidden: tuple[bool, ...] | None, name: str, column: str | None,
                   labels_column: str | None, sheet: str | None = None
                   ) -> tuple[int, int, tuple[int, ...]]:  # fmt: skip
    """The indexes of the title and labels columns, and of other columns that could be the labels column;
    InputError saying which column is missing, and how to name it."""
    from .io.columns import describe_columns, detect_title_column, resolve_column

    # Column names in any case, with spaces around them (Title, Labels or Label); a hidden column after visible ones
    names = [str(c).strip().casefold() for c in header]

    def is_hidden(i: int) -> bool:
        return bool(hidden and i < len(hidden) and hidden[i])

    if column is not None:
        title: int | None = resolve_column(header, column, role="title column")
    else:
        title = next((i for i in sorted(range(len(header)), key=is_hidden) if names[i] == "title"), None)
        if title is None:
            title = detect_title_column(header, hidden)
    candidates = sorted((i for i in range(len(header)) if names[i] in LABELS_COLUMNS and i != title),
                        key=lambda i: (is_hidden(i), LABELS_COLUMNS.index(names[i]), i))  # fmt: skip
    if labels_column is not None:
        labels: int | None = resolve_column(header, labels_column, role="labels column")
    else:
        labels = candidates[0] if candidates else None
    if title is not None and labels is None and labels_column is None and names[title] in LABELS_COLUMNS:
        labels = title  # --column named the only labels column: said as such below
    if title is not None and title == labels:
        raise InputError(f"{name}: the labels column {header[labels]!r} is the title column",
                         hint="name the labels column with --labels-column, the title column with --column",
                         ja=f"{name}: ラベル列 {header[labels]!r} がタイトル列と同じです",
                         hint_ja="ラベル列は --labels-column で、タイトル列は --column で指定してください")
    if title is not None and labels is not None:
        return title, labels, tuple(i for i in candidates if i != labels)
    found = describe_columns(header)
    title_en = "a title column ('title', or one screen detects such as 研究課題名)"
    title_ja = "タイトル列（'title'、または 研究課題名 など screen が見つける列）"
    labels_en, labels_ja = f"a labels column ({', '.join(LABELS_COLUMNS)})", f"ラベル列（{'、'.join(LABELS_COLUMNS)}）"
    if title is None and labels is None:
        need, need_ja = f"{title_en} and {labels_en}", f"{title_ja}と{labels_ja}"
        hint, hint_ja = "name them with --column and --labels-column", "--column と --labels-column で指定してください"
    elif title is None:
        need, need_ja = title_en, title_ja
        hint, hint_ja = "name it with --column NAME (or its 1-based number)", \
            "--column 列名（または 1 から数えた列番号）で指定してください"
    else:
        need, need_ja = labels_en, labels_ja
        hint, hint_ja = "name it with --labels-column NAME (or its 1-based number)", \
            "--labels-column 列名（または 1 から数えた列番号）で指定してください"
    if len(header) == 1 or sum(1 for c in header if str(c).strip()) == 1:
        # One cell filled: a banner (令和8年度 … 一覧) taken for the column names
        hint += "; if the column names are not in the first row, say which row holds them with --header-row N"
        hint_ja += "。列名が 1 行目にないときは、列名のある行を --header-row N で指定してください"
    where, where_ja = "", ""
    if sheet is not None:  # a workbook: the sheet read may not be the one with the labels
        where, where_ja = f" in sheet {sheet!r}", f"（シート {sheet!r}）"
        hint += "; or read another sheet with --sheet NAME"
        hint_ja += "。または --sheet シート名 で別のシートを読ませてください"
    raise InputError(f"{name}: needs {need}; found{where}: {found}", hint=hint,
                     ja=f"{name}: {need_ja}が必要です。見つかった列{where_ja}: {found}", hint_ja=hint_ja)


class _Problem(NamedTuple):
    """What is wrong with one line of a labelled file, in English and Japanese, and how to mend it."""

    line: int
    en: str
    ja: str
    hint: str | None
    hint_ja: str | None


_PROBLEMS_SHOWN = 10
"""Lines with problems listed in the error; the rest are counted."""


def _unknown_labels(line: int, labels: list[str], known: list[str], names: Mapping[str, str] | None = None,
                    econsec: Mapping[str, EconSecArea] | None = None,
                    words: Sequence[tuple[str, str]] = ()) -> _Problem:  # fmt: skip
    """Unknown labels of a line, each with the label it is closest to (quantm → quantum; 半導体 → 半導体・通信, the
    one area name that holds it; ``names``: normalised area name → id), or, for an economic-security area
    (``econsec``: its normalised id and names → it), the areas it corresponds to."""
    econsec = econsec or {}
    en_parts, ja_parts, econ = [], [], 0
    for x in labels:
        entry = _econsec_of(x, econsec)
        if entry is not None:
            econ += 1
            areas_en = (f"its areas: {' and '.join(entry.crosswalk)}" if entry.crosswalk
                        else "no area corresponds to it")  # fmt: skip
            areas_ja = f"対応する領域: {'、'.join(entry.crosswalk)}" if entry.crosswalk else "対応する領域はありません"
            en_parts.append(f"{x} (an economic-security area, not one of the areas evaluate measures; {areas_en})")
            ja_parts.append(f"「{x}」（経済安全保障の技術領域で、evaluate が測る領域ではありません。{areas_ja}）")
            continue
        if _label_key(x) in LABELS_COLUMNS:  # a header row of another file joined to this one, named otherwise
            en_parts.append(f"{x} (a labels column's name: the header of another file?)")
            ja_parts.append(f"「{x}」（ラベル列の名前です。別のファイルの見出し行？）")
            continue
        near = _nearest(x, known, names or {}, words)
        en_parts.append(x + (f" (did you mean {near}?)" if near else ""))
        ja_parts.append(f"「{x}」" + (f"（{near} のことですか？）" if near else ""))
    if econ == len(labels):  # only economic-security areas: what evaluate measures instead
        hint = (f"evaluate measures the {len(known)} areas; classify and screen report the economic-security areas "
                "from them and their own terms")
        hint_ja = (f"evaluate が測るのは {len(known)} の領域です（経済安全保障の技術領域は、classify と screen が領域と"
                   "その語から示します）")
    else:  # one hint or the other for a line, so that an error about several lines says each once
        hint = "labels are none or area ids or names, |-separated: " + ", ".join(known)
        hint_ja = "ラベルは none（なし）か、領域の id または名前を | で区切ったものです: " + "、".join(known)
    return _Problem(line, "unknown label(s) " + ", ".join(en_parts), "不明なラベル " + "".join(ja_parts), hint,
                    hint_ja)


def _nearest(label: str, known: list[str], names: Mapping[str, str],
             words: Sequence[tuple[str, str]] = ()) -> str | None:  # fmt: skip
    """The id a mistyped label most likely means: a close id, else the one area name that holds it or that it is
    close to (the name, then its id), else None."""
    import difflib

    from .normalize import normalize_text

    key = _label_key(label)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    if close:
        return close[0]
    text = normalize_text(label)
    # A part of a Japanese name (半導体 of 半導体・通信); not of an English one, where "foo" is in "food tech"
    holding = {names[n] for n in names if len(text) >= 2 and not text.isascii() and text in n}
    if len(holding) == 1:
        return holding.pop()
    # A whole word of one area's name (AI of AI・先端ロボット), else the start of one (エネルギー of
    # 資源・エネルギー安全保障・GX, not of フュージョンエネルギー): a user test's AI and エネルギー got no suggestion.
    if len(text) >= 2:
        holding = {area for word, area in words if word == text}
        if not holding and not text.isascii():  # an English word's start is no name's ("foo" of "food tech")
            holding = {area for word, area in words if word.startswith(text)}
        if len(holding) == 1:
            return holding.pop()
    near = difflib.get_close_matches(text, list(names), n=1, cutoff=0.6)
    return names[near[0]] if near else None


def _problems_error(path: str, problems: list[_Problem], where: str = "line", where_ja: str = "行目",
                    read: tuple[str, str] | None = None) -> InputError:  # fmt: skip
    """One error for every line with a problem (one run, not one per typo): a single line as it always read, several
    listed (ten, then a count), with each kind's hint once, and ``read`` (what was read, in English and Japanese)
    last."""
    hints = list(dict.fromkeys((p.hint, p.hint_ja) for p in problems if p.hint))
    if read is not None:
        hints.append(read)
    hint, hint_ja = "; ".join(h for h, _ in hints) or None, "。".join(j or "" for _, j in hints) or None
    if len(problems) == 1:
        p = problems[0]
        return InputError(f"{path}: {where} {p.line}: {p.en}", hint=hint, ja=f"{path}: {p.line} {where_ja}: {p.ja}",
                          hint_ja=hint_ja)  # fmt: skip
    shown = problems[:_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    en = "; ".join(f"{where} {p.line}: {p.en}" for p in shown) + (f"; and {more} more {where}(s)" if more else "")
    ja = "、".join(f"{p.line} {where_ja}: {p.ja}" for p in shown) + (f"、ほか {more} 行" if more else "")
    return InputError(f"{path}: {len(problems)} {where}s have problems: {en}", hint=hint,
                      ja=f"{path}: {len(problems)} 行に問題があります: {ja}", hint_ja=hint_ja)


def evaluate(classifier: Classifier, cases: list[Case]) -> Report:
    """Classify every case and compare with its labels."""
    ids = [a.id for a in classifier.taxonomy.areas]
    tp = dict.fromkeys(ids, 0)
    fp = dict.fromkeys(ids, 0)
    fn = dict.fromkeys(ids, 0)
    errors: list[tuple[int, Error]] = []
    none_cases = none_alarms = 0
    for case in cases:
        try:
            predicted = {a.id for a in classifier.classify(case.title).areas}
        except InputError:
            predicted = set()
        for a in predicted & case.labels:
            tp[a] += 1
        for a in predicted - case.labels:
            fp[a] += 1
        for a in case.labels - predicted:
            fn[a] += 1
        if not case.labels:
            none_cases += 1
            none_alarms += bool(predicted)
        if predicted != case.labels:
            missed = tuple(sorted(case.labels - predicted))
            extra = tuple(sorted(predicted - case.labels))
            err = Error(case.title, tuple(sorted(case.labels)), tuple(sorted(predicted)), missed, extra, case.line)
            errors.append((len(missed) + len(extra), err))
    errors.sort(key=lambda e: -e[0])
    return Report(len(cases), tuple(AreaScore(a, tp[a], fp[a], fn[a]) for a in ids), none_cases, none_alarms,
                  tuple(e for _, e in errors))  # fmt: skip
