"""Stream rows out of CSV, TSV, JSONL and xlsx inputs as a header plus an iterator of raw rows.

- CSV/TSV are parsed with the ``csv`` module (Excel dialects, strict quoting so a stray quote cannot
  silently swallow the rest of the file) over an incremental decoder; the field size limit is raised so
  multi-megabyte cells are read, not rejected. A line without any quote character is split at the
  delimiter directly, which gives the same record several times faster.
- JSONL: one JSON object per line; the header is every key in order of first appearance, collected by a
  streaming pre-pass; a key missing from an object reads as ``None``.
- xlsx (and xlsm) are read with openpyxl in read-only mode, cached formula values rather than formulas. Without a
  sheet named (or numbered), the first visible worksheet in which a title column is detected is read, else the
  first visible one. Every row and column is read whatever the sheet's ``<dimension>`` claims (some programs write
  it wrongly). Cells keep their types (numbers, dates), with two exceptions: a date-time at midnight is a date, and
  an integral number shown with a zero-padding format (``00000000``) is the text Excel shows (``00000123``). A date in
  one of the built-in formats Excel leaves to the locale (a Japanese Excel's 和暦, saved by id alone) is a date, which
  openpyxl alone reads as a number. Asked
  for the layout (an xlsx output), each row also carries its cells' number formats and the table the column widths
  the sheet sets (the sheet's start only: the ``<col>`` elements precede the rows). A
  formula saved without its value (files written by some tools, not by Excel) cannot be computed here: the cell
  holds the formula text instead and the row lists the column in ``RawRow.formulas``. The sheet is only read a
  second time, for the formulas, when its XML holds a formula element at all. A file that is not a workbook, or
  one that fails while it is opened or read (damaged compressed data, a bad CRC, broken XML), is an
  :class:`InputError`, never a traceback.

Completely empty records (blank lines, empty sheet rows) are not data: they are skipped, counted, and
keep their place in the numbering, so a row number always points back at the same input record.
Standard input is spooled to an anonymous temporary file so it can be read twice (detection, then rows).
:func:`cell_text` is the one rule for a cell value as text, used by every output.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as _dt
import decimal
import io
import itertools
import json
import math
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, NamedTuple, NoReturn, TypeVar

from domaincheck.errors import InputError, UsageError, reason_ja
from domaincheck.io.columns import (
    JSONL_HINT,
    JSONL_HINT_JA,
    describe_columns,
    detect_title_column,
    joined_subheadings,
    looks_like_jsonl,
    numeric_spec,
    resolve_column,
)
from domaincheck.io.encoding import (
    cut_short_error,
    find_decode_error,
    looks_like_text,
    resolve_encoding,
    untried_encodings,
)

__all__ = [
    "EXCEL_ERRORS",
    "INPUT_FORMATS",
    "PLACEHOLDER_LONGEST",
    "PLACEHOLDER_TITLES",
    "VALUE_TEXT_STARTS",
    "InputSource",
    "RawRow",
    "Table",
    "cell_text",
    "check_input_options",
    "fit_row",
    "input_format",
    "is_formula_text",
    "is_placeholder",
    "literal_formula_value",
    "open_table",
    "raise_field_size_limit",
    "title_problem",
]

INPUT_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
"""File suffix (lower case) → input format."""

_FORMAT_NAMES = ("csv", "tsv", "xlsx", "jsonl")


class RawRow(NamedTuple):
    """One data record as read: its position and its cells, not yet fitted to the header."""

    number: int
    """1-based position among the data records (the header is not counted; blank records are)."""
    cells: list[Any]
    """Cell values: ``str`` for CSV/TSV; JSON values for JSONL; openpyxl values for xlsx."""
    formulas: tuple[int, ...] = ()
    """xlsx: columns whose cell is a formula saved without its value (the cell holds the formula text)."""
    problems: tuple[str, ...] = ()
    """What is wrong with the record as a whole (``bad_jsonl_line``: its cells are empty, its text follows them)."""
    formats: tuple[CellFormat, ...] | None = None
    """xlsx read with ``layout``: each cell's number format (see :data:`CellFormat`); None when every cell's is
    General, and for other inputs."""


CellFormat = str | tuple[str, int] | None
"""A cell's number format as read from a workbook: None for General; the format (``yyyy/mm/dd``, ``#,##0``, ``@``);
or, for an integral number shown zero-padded that the cell holds as its text (``00000123``), the format and the
number (``("00000000", 123)``), so that a workbook written from it can hold the number again."""


Context = tuple[str, str, str, str]
"""A reader's clause and hint for an error, in English, then in Japanese (see :attr:`Table.context`)."""


@dataclass
class Table:
    """An open input: its header, its rows (a one-shot iterator) and what was learnt opening it."""

    header: tuple[str, ...]
    """Column names in input order."""
    rows: Iterator[RawRow]
    """Data rows, blank ones already skipped; consumed once."""
    fmt: str
    """Input format: csv, tsv, jsonl or xlsx."""
    encoding: str | None
    """Text encoding used (None for xlsx)."""
    total: int | None
    """Number of data rows when cheaply known (xlsx dimensions), else None."""
    blank_rows: list[int] = field(default_factory=lambda: [0])
    formula_rows: list[int] = field(default_factory=lambda: [0])
    """xlsx: a one-item counter of the blank records skipped whose cells hold formulas saved without their values
    (a template's lookup formulas, or a sheet a program wrote and no one opened: see ``data`` in the xlsx reader)."""
    """A one-item counter of blank records skipped so far, updated while ``rows`` is consumed."""
    sheet: str | None = None
    """xlsx: the name of the worksheet read."""
    header_row: int | None = None
    """The header's 1-based row when it was found below a banner (rows above it that hold no title column), else
    None (the first non-blank row, or --header-row)."""
    context: Context | None = None
    """What the reader knows that explains a failure to use the header (no title column, say): a clause added to the
    message of an InputError raised before the first row is read, and a hint. xlsx: which sheet was read when none
    has a title column; CSV/TSV: a header that is one column holding the other delimiter. Both in English, then both
    in Japanese."""
    widths: tuple[float | None, ...] | None = None
    """xlsx read with ``layout``: per header column, the width the sheet sets for it (None: not set); else None."""
    hidden: tuple[bool, ...] | None = None
    """xlsx read with ``layout``: per header column, whether the sheet hides it; else None."""
    hidden_rows: int = 0
    """xlsx: rows below the header that the sheet hides (a filter's): read as every row is, and shown in an output."""
    previous_results: tuple[str, ...] = ()
    """JSONL: the keys of a previous screen's results around records (a ``screen`` output screened again), in order
    of first appearance; each such record was read as its ``fields``, the input record it was made from."""
    records: bool = True
    """False for a JSONL input with no record (empty, or blank lines): its header is made up, the title column alone
    (see :func:`_jsonl_keys`), and a column given by name is taken to be there."""
    first_values: list[Any] | None = None
    """xlsx: the header row's cells as the sheet holds them (numbers, dates), for an input read with no header row
    (see :func:`open_table`'s ``no_header``); an input read so, of any format: its first row's cells (data row 1);
    else None."""
    other_sheets: tuple[str, ...] = ()
    """xlsx whose sheet was chosen (no --sheet): the other visible sheets that hold the title column too, not read
    (a call delivered as one sheet per category, 一般枠 and 若手枠)."""
    subheading_row: int | None = None
    """The data row under the header that named the languages of the columns under a merged heading (研究課題名 over
    和文 and 英文), joined to the column names (研究課題名, 研究課題名（英文）) and not read as a row: its
    :attr:`RawRow.number`; None when there was none (see :func:`~domaincheck.io.columns.joined_subheadings`)."""
    header_at: int = 1
    """Where the header is: the 1-based row of a workbook (a data row's is ``header_at + RawRow.number``); the
    physical line where a CSV or TSV header ends (see :attr:`line` for a data row's); 0 for JSONL, whose record numbers
    are their lines. Read with no header row: one less than data row 1's."""
    line: Callable[[int], int] | None = None
    """CSV and TSV: given the number of the row that ``rows`` last yielded, the physical line where it ends (as
    ``csv.reader.line_num`` counts; a quoted cell may span lines), for a message that names a row where an editor finds
    it; else None."""
    size: int | None = None
    """CSV, TSV and JSONL read from a regular file: its size in bytes, where :attr:`tell` ends; else None (xlsx, whose
    rows ``total`` may count; standard input and pipes, which are spooled as they come)."""
    tell: Callable[[], int] | None = None
    """With :attr:`size`: the bytes of the file the reader has consumed so far, for progress. It is the position of
    the binary file under the decoder, which reads ahead of the last row yielded by at most one chunk (8 KiB), never
    goes back while rows are read, and is ``size`` once every row has been read. One ``lseek`` per call: cheap, but
    not a per-row call."""


def raise_field_size_limit() -> None:
    """Raise ``csv.field_size_limit`` as high as the platform's C long allows (huge cells are data)."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


def input_format(path: str, explicit: str | None = None) -> str:
    """Return the input format from an explicit name or the file suffix (``-`` is CSV); InputError otherwise."""
    if explicit is not None:
        fmt = explicit.lower()
        if fmt not in _FORMAT_NAMES:
            raise InputError(f"unknown input format {explicit!r}", hint="use csv, tsv, xlsx or jsonl",
                             ja=f"{explicit!r} という入力形式はありません",
                             hint_ja="csv、tsv、xlsx、jsonl のいずれかです")
        return fmt
    if path == "-":
        return "csv"
    if Path(path).is_dir():
        raise InputError(f"{path}: is a directory; give the proposals file",
                         ja=f"{path}: フォルダです。応募課題のファイルを指定してください")
    if not Path(path).exists():  # said before the suffix: a missing x.txt is missing, whatever its suffix
        if path != path.strip() and Path(path.strip()).exists():
            raise InputError(f"{path!r}: no such file (the name ends or starts with a space)",
                             hint=f"did you mean {path.strip()!r}?",
                             ja=f"{path!r}: ファイルがありません（名前の前か後ろに空白があります）",
                             hint_ja=f"{path.strip()!r} のことですか？")  # fmt: skip
        _missing(Path(path))
    suffix = Path(path).suffix.lower()
    if not suffix and not Path(path).is_file():  # a named pipe, <(…), /dev/stdin: CSV, as for '-'
        return "csv"
    if suffix == ".xls":
        raise InputError(f"{path}: the old .xls format is not supported", hint="save it as .xlsx or .csv in Excel",
                         ja=f"{path}: 古い .xls 形式は読めません",
                         hint_ja="Excel で .xlsx か .csv として保存してください")
    try:
        return INPUT_FORMATS[suffix]
    except KeyError:
        # Excel saves "Unicode text" and "text (tab-separated)" as .txt: tab-separated (a user test)
        txt = suffix == ".txt"
        raise InputError(
            f"{path}: cannot tell the input format from the suffix {suffix or '(none)'!r}",
            hint="use a .csv, .tsv, .xlsx or .jsonl file, or say which with --input-format csv|tsv|xlsx|jsonl"
                 + ("; a .txt that Excel saved (Unicode text, tab-separated text) is --input-format tsv" if txt
                    else ""),
            ja=f"{path}: 拡張子 {suffix!r} からは入力形式がわかりません" if suffix
            else f"{path}: 拡張子がないので入力形式がわかりません",
            hint_ja=".csv、.tsv、.xlsx、.jsonl のファイルを使うか、--input-format csv|tsv|xlsx|jsonl で"
                    "形式を指定してください" + ("。Excel が保存した .txt（Unicode テキスト、テキスト（タブ区切り））は "
                                          "--input-format tsv です" if txt else ""),
        ) from None


class _SpoolReader(io.RawIOBase):
    """One reader of a spool file with a position of its own.

    Handles made with ``os.dup`` share one file offset: a second handle reading the spool (screen counts an input's
    line breaks before an xlsx output while the table's handle is open) moved the first one's, which then read on
    from the end and lost the rows it had not read yet. This one seeks to its own position before every read."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = os.dup(fd)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        os.lseek(self._fd, self._pos, os.SEEK_SET)
        data = os.read(self._fd, len(buffer))
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = 0 if whence == os.SEEK_SET else self._pos if whence == os.SEEK_CUR else os.fstat(self._fd).st_size
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


class InputSource:
    """A re-readable binary input: a file path, or a stream (stdin) spooled to an anonymous temp file."""

    def __init__(self, path: str, stream: IO[bytes] | None = None) -> None:
        self.name = "<stdin>" if path == "-" else path
        """Name used in messages."""
        self.path: Path | None = None if path == "-" else Path(path)
        """The file, or None for a spooled stream."""
        self._spool: IO[bytes] | None = None
        if self.path is None:
            if stream is None:
                if sys.stdin is None:  # started with `<&-`
                    from ..errors import stdin_closed

                    raise stdin_closed()
                stream = sys.stdin.buffer
            self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as this source
            shutil.copyfileobj(stream, self._spool, 1 << 20)
            self._spool.flush()
        elif not self.path.exists():
            _missing(self.path)
        elif self.path.is_dir():
            raise InputError(f"{path}: is a directory, not a file", ja=f"{path}: ファイルではなくフォルダです")
        elif not self.path.is_file():  # a named pipe, <(…) or /dev/stdin: read once, so spooled as stdin is
            try:
                with open(self.path, "rb") as pipe:
                    self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as this source
                    shutil.copyfileobj(pipe, self._spool, 1 << 20)
            except OSError as exc:
                raise InputError(f"{path}: cannot read: {exc.strerror}", ja=f"{path}: 読めません: {reason_ja(exc)}") \
                    from None
            self._spool.flush()

    @property
    def is_regular_file(self) -> bool:
        """Whether the input is read from its own regular file (not standard input or a pipe, which are spooled)."""
        return self._spool is None

    def open(self) -> BinaryIO:
        """Open a fresh binary handle positioned at the start; the caller closes it."""
        if self._spool is not None:
            return io.BufferedReader(_SpoolReader(self._spool.fileno()))
        assert self.path is not None
        try:
            return open(self.path, "rb")
        except PermissionError as exc:
            raise InputError(f"{self.name}: cannot open: {exc.strerror}",
                             hint="check that you may read it; a file open in Excel on Windows is locked: close it, "
                                  "or read a copy",
                             ja=f"{self.name}: 開けません: {reason_ja(exc)}",
                             hint_ja="読み取り権限を確認してください。Windows の Excel で開いているファイルは"
                                     "ロックされます: "
                                     "Excel で閉じるか、コピーを読ませてください") from None  # fmt: skip
        except OSError as exc:
            raise InputError(f"{self.name}: cannot open: {exc.strerror}",
                             ja=f"{self.name}: 開けません: {reason_ja(exc)}") from None

    def close(self) -> None:
        """Release the spool, if any."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None


_MIDNIGHT = _dt.time()
_PLAIN_FLOAT_LIMIT = 1e21
"""Integral floats below this are written as integers: where JavaScript's Number-to-string also stops writing digits."""
_EXACT_FLOAT_INTS = 2**53


def cell_text(value: object) -> str:
    """Render a cell value as text, the one rule for every output and for the text classified.

    None → ''; str as is; TRUE/FALSE as Excel shows them; an integral float as an integer (``1.2345678901234568e16``
    → ``12345678901234568``: the shortest digits that read back as the same float, so no digit is invented) up to
    1e21, other floats as Python writes them; a date-time in ISO form, a naive one at midnight as its date
    (``2025-05-01``); a duration as hours, minutes and seconds (``30:00:00``); dict/list as JSON; anything else with
    str().
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if type(value) is int:
        return str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _PLAIN_FLOAT_LIMIT:
            # Below 2**53 an integral float is an exact integer; above, its shortest repr digits (no invented ones).
            return str(int(value) if abs(value) < _EXACT_FLOAT_INTS else int(decimal.Decimal(float.__repr__(value))))
        return float.__repr__(value)  # not repr(): a subclass (numpy) may spell itself otherwise
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if _is_midnight(value) else value.isoformat()
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return _duration_text(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _duration_text(value: _dt.timedelta) -> str:
    """A duration as a spreadsheet shows one in ``[h]:mm:ss``: hours past 24 as hours (30:00:00; Python's own text,
    ``1 day, 6:00:00``, came out of a duration cell, a user test), a fraction of a second after a point."""
    micro = value // _dt.timedelta(microseconds=1)
    sign, micro = ("-", -micro) if micro < 0 else ("", micro)
    seconds, fraction = divmod(micro, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    text = f"{sign}{hours}:{minute:02d}:{second:02d}"
    return f"{text}.{fraction:06d}".rstrip("0") if fraction else text


def _is_midnight(value: _dt.datetime) -> bool:
    """A naive date-time at 00:00:00: what a spreadsheet date cell holds."""
    return value.tzinfo is None and value.time() == _MIDNIGHT


EXCEL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"))  # fmt: skip
"""Excel's error values, as a cell (or a CSV saved by Excel) holds them."""
_NOT_TEXT = (bool, int, float, decimal.Decimal, _dt.date, _dt.time, _dt.timedelta, list, dict)
"""Cell values that are no title: numbers, dates and times, and a JSON Lines value that is a list or an object."""


# Text that only writes a value, once NFKC has folded full-width digits and signs: a number or an amount (1.5, -3,
# 1,200, 12%, 1e-3, ¥1,200, 12.5万円), a date or date-time (2025-05-01, 2025/5, 5/1/2025, 01.05.2025,
# 2025-05-01T09:30:00Z), a time, a Japanese date (令和7年5月1日(木), 2025年5月1日 9:30), TRUE/FALSE: what a CSV holds
# where a wrong column was picked for the title.
_VALUE_TEXT = re.compile(
    r"[+-]?[¥$€£]?(?:\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))(?:\.\d+)?(?:[eE][+-]?\d+)?(?:%|円|千円|万円|百万円|億円)?"
    r"|\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?: \d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"|(?:令和|平成|昭和|大正|明治)?(?:\d{1,4}|元)年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:\([月火水木金土日]\))?"
    r"(?: ?\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|(?i:true|false)"
)
# A column's sub-heading under a merged heading (研究課題名 over 和文 and 英文): the row below the header names the
# language of each column, and holds no proposal.
_LANGUAGE_LABELS = frozenset(("和文", "英文", "日本語", "英語", "japanese", "english"))


_WITHHELD_WORDS = ("非公開", "非開示", "公開不可", "機密", "社外秘", "課題名非公開", "課題名は非公開",
                   "研究課題名非公開", "非公開課題", "タイトル非公開")
_WITHHELD_WORDS_EN = ("confidential", "undisclosed", "not disclosed", "withheld", "title withheld")
"""Words that withhold a title (a placeholder, :data:`PLACEHOLDER_TITLES`; a reason may follow it, :data:`_REASON`)."""


def _placeholders(words: tuple[str, ...]) -> frozenset[str]:
    """``words``, bare and in brackets, as :func:`is_placeholder` folds a cell (NFKC, case folded)."""
    wraps = ("", "()", "（）", "[]", "【】", "<>", "＜＞", "〈〉", "「」", "『』")
    return frozenset(unicodedata.normalize("NFKC", f"{wrap[:1]}{word}{wrap[1:]}").casefold()
                     for word in words for wrap in wraps)  # fmt: skip


PLACEHOLDER_TITLES = _placeholders((
    "なし", "無し", "特になし", "特に無し", "該当なし", "未定", "未記入", "未入力", "記入なし", "空欄", "不明",
    "調整中", "検討中", "同上", "未決定", "仮題", "none", "n/a", "na", "tbd", "tba", "null", "nil", "unknown",
    "pending", "same as above", "-", "--", "---", "‐", "－", "ー", "―", "—", "–", "…", "・", "･", "*", "＊", "?", "？",
    "〃",
    # a pointer to the title elsewhere, or a title withheld (a research-security office's user test: 英文課題名参照
    # over "Hypersonic scramjet engine combustion" came out none, unmarked)
    *(f"{mark}{word}" for mark in ("", "※", "＊", "*") for word in (
        "英文課題名参照", "英文課題名を参照", "英文タイトル参照", "英文参照", "英文を参照", "英文に同じ", "英文と同じ",
        "和文課題名参照", "和文課題名を参照", "和文参照", "和文を参照", "和文に同じ", "和文と同じ", "別紙参照",
        "別紙を参照", "別紙のとおり", "別紙の通り", "別添参照", "別添のとおり", *_WITHHELD_WORDS)),
    "see english title", "see the english title", "see japanese title", "see the japanese title",
    "same as english", "same as japanese", "see attached", "see attachment", *_WITHHELD_WORDS_EN, "withheld title",
    "n.a.",
    # withheld, said with its reason (a research-security office's user test)
    "非公開のため記載せず", "非公開のため省略", "非公開につき省略", "記載せず", "記載省略"))
"""Cells that stand for a title not given (未定, なし, (未入力), TBD, －, 〃) or given elsewhere or withheld
(英文課題名参照, 別紙参照, 非公開, see English title): ``title_placeholder``, not classified as a title (a user test:
未定 and (未入力) rows were counted as screened, found nothing); the title in the other language is read instead when
there is one. Matched whole, as written or as NFKC folds it, bare or in brackets."""
_LONG_PLACEHOLDER = max(len(word) for word in PLACEHOLDER_TITLES if word[-1:] not in ")]】>〉」』")
"""The longest placeholder that ends in no bracket (see the english title)."""
PLACEHOLDER_LONGEST = max(map(len, PLACEHOLDER_TITLES)) + 25
"""The longest cell :func:`is_placeholder` may take: a placeholder and a note in brackets after it."""
_STATUS = re.compile(r"後日|提出|予定|未定|検討中?|調整中?|辞退|取り?下げ?|記入|入力|要?確認中?|準備中|仮題?|仮称|決定|"
                     r"該当なし|不明|連絡|参照|申請中|審査中|採択|submitted|submission|decided|determined|confirmed|"
                     r"pending|later|withdrawn|not applicable|not yet|under discussion|see attached|n/a|"
                     r"tb[adc]")  # fmt: skip
_FILLER = re.compile(r"[\s()\[\]【】〔〕<>〈〉「」『』:：、,.・]+|の|を|に|て|は|が|で|まで|より|\bto\b|\bbe\b|\bfor\b")
"""What a note after a placeholder may say (未定（後日提出）, TBD (to be submitted)): a status in a few words, never
a title (仮題（深層学習による橋梁の劣化診断）, 未定（リチウム電池の診断を予定）, TBD (Quantum sensing for navigation)
are titles, a review)."""
_WITHHELD = frozenset(unicodedata.normalize("NFKC", word).casefold() for word in (*_WITHHELD_WORDS,
                                                                                   *_WITHHELD_WORDS_EN))
"""Placeholders that withhold a title: after one, a note in brackets giving a reason is no title either."""
_REASON = re.compile(r"ため|につき|予定|締結済?み?|出願中?|特許|契約|共同研究|秘密保持|守秘|企業|との|(?<![a-z])(?:nda|"
                     r"patents?|pending|contract|agreements?|proprietary|industry|partners?|under|with|application|"
                     r"filed|due)(?![a-z])")
"""What a reason for withholding a title says (非公開（特許出願予定のため）, 機密（企業との共同研究のため）,
Confidential (patent pending): a user test found them screened as titles, 該当なし, beside an English title that named
quantum key distribution). A note of these words and fillers alone is a reason; with more, a title."""
_NOTE_AFTER = re.compile(r"\s*[(\[【〔<〈「『][^)\]】〕>〉」』]*[)\]】〕>〉」』]$")
_DASHES = re.compile(r"[-‐‑‒–—―−ーｰ・･.…*?〃]+")
"""A run of dashes, dots or marks and nothing else (――, ・・・, −): no title."""


def is_placeholder(text: str) -> bool:
    """Whether ``text`` (stripped) stands for a title not given: one of :data:`PLACEHOLDER_TITLES`, or one with a
    note in brackets after it (未定（後日提出）, TBD (to be submitted): a user test)."""
    if text in PLACEHOLDER_TITLES:
        return True
    if len(text) > PLACEHOLDER_LONGEST or (len(text) > 15 and text[-1:] not in ")）]］】〕>＞〉」』"):
        # a title (most are longer, and end in no bracket): folded no further, but for the longest words
        return len(text) <= _LONG_PLACEHOLDER + 1 and text.casefold().rstrip(".。") in PLACEHOLDER_TITLES
    folded = unicodedata.normalize("NFKC", text).casefold()  # ＴＢＤ, Ｎ／Ａ (a review)
    if folded in PLACEHOLDER_TITLES or folded.rstrip(".。") in PLACEHOLDER_TITLES or _DASHES.fullmatch(folded):
        return True
    if folded[-1:] not in ")]】〕>〉」』":
        return False
    bare = _NOTE_AFTER.sub("", folded)
    note = folded[len(bare):]
    if bare != folded and bare in _WITHHELD and _REASON.search(note) is not None:
        # the note says nothing but a reason (機密（企業間データ連携のための秘密計算） is a title, a review)
        return len(_FILLER.sub("", _REASON.sub("", _STATUS.sub("", note)))) <= 2
    return (bare != folded and bare in PLACEHOLDER_TITLES and _STATUS.search(note) is not None
            and len(_FILLER.sub("", _STATUS.sub("", note))) <= 2)  # fmt: skip
VALUE_TEXT_STARTS = frozenset("0123456789+-.¥$€£令平昭大明元tTfF０１２３４５６７８９＋－．￥＄和英日jJeE(（"
                              "ＴｔＦｆ㍻㍼㍽㍾㋿﹣﹩＄")  # full-width and compatibility forms, which NFKC folds
"""Every character that text :func:`title_problem` finds is a value can start with (a quick test; a test checks it)."""


_SHEET = r"(?:[^\s!'\"=()&]+|'[^']+')!"
_FORMULA_TEXT = re.compile(
    r"'?=\s*(?:[A-Za-z_][A-Za-z0-9_.]*\("  # a function's call: =VLOOKUP(…), =CONCAT(…)
    r"|(?:" + _SHEET + r")?\$?[A-Za-z]{1,3}\$?[0-9]+(?=\s*(?:$|[&+\-*/^=<>,;:)]))"  # a cell, an operator or the end
    r"|" + _SHEET + r"\$?[A-Za-z]{1,3}(?:\$?[0-9]|:)"  # another sheet's cell or columns: =課題マスタ!B2, =S!A:B
    r'|"(?:[^"]|"")*"(?:\s*&\s*"(?:[^"]|"")*")*\s*&\s*[^\s"])'  # text literals joined to a call or a cell
)
"""A spreadsheet formula written as text: a function's call (=VLOOKUP(…), =CONCAT(…)), a cell's reference followed
by an operator or nothing (=A1&B1, =$B$2) or another sheet's (=課題マスタ!B2, ='2025年度'!B2), text literals joined
to something else (="量子"&CHAR(10)&"暗号", ="核融合"&A1: a third user test, classified with the literal's text
alone, and differently when screened again), with the guard ' a screen's output puts before it; not a title that
starts with = (=H2 エネルギー貯蔵の研究, =AI (人工知能) による創薬, =Wow! 量子: a review)."""


_LITERAL_FORMULA = re.compile(r'\'?=\s*"(?:[^"]|"")*"(?:\s*&\s*"(?:[^"]|"")*")*\s*')
_LITERAL_PART = re.compile(r'"((?:[^"]|"")*)"')


def literal_formula_value(text: str) -> str | None:
    """The value of a formula made of text literals alone, joined or not (="量子暗号通信の実証", ="量子"&"暗号通信",
    with the guard ' a screen's output puts before it), which needs no spreadsheet to compute; None for any other
    text. A workbook's such formula saved without its value was formula_not_evaluated while its output, holding the
    literal's text, was classified when screened again, and in a CSV the formula's own text was classified, quotes
    and all (a user test)."""
    if _LITERAL_FORMULA.fullmatch(text) is None:
        return None
    return "".join(part.replace('""', '"') for part in _LITERAL_PART.findall(text))


def is_formula_text(text: str) -> bool:
    """Whether ``text`` (stripped) is a formula rather than its value: an export that saved its formulas' text
    (=VLOOKUP(A2,課題マスタ!A:B,2,FALSE)), or a screen's output of a workbook whose formulas had no saved values,
    screened again (a user test: it came back 該当なし where the first run said formula_not_evaluated)."""
    return text[:1] in "='" and _FORMULA_TEXT.match(text) is not None


def title_problem(value: object) -> str | None:
    """Why a title cell holds no title: ``title_excel_error`` (#N/A, #REF!, ...), ``title_not_text`` (a number, a
    date or time, TRUE/FALSE, a JSON list or object, or text that only writes one: 00000123, 1.5, 2025-05-01,
    令和7年5月1日, FALSE; or the sub-heading of a merged heading: 和文, 英文, (English)); None for text, empty cells and
    anything else."""
    if isinstance(value, str):
        text = value.strip()
        folded = unicodedata.normalize("NFKC", text)
        if text.isdigit() or _VALUE_TEXT.fullmatch(folded) is not None \
                or folded.strip("()[] ").lower() in _LANGUAGE_LABELS:
            return "title_not_text"
        return "title_excel_error" if "#" in value and text in EXCEL_ERRORS else None
    return "title_not_text" if isinstance(value, _NOT_TEXT) else None


def fit_row(cells: list[Any], width: int, pad: object = "") -> tuple[list[Any], list[Any], str | None]:
    """Fit cells to the header width: (cells, extra cells, problem) where problem is short_row/long_row/None.

    Short rows are padded with ``pad``; cells beyond the header are returned separately (trailing empty
    ones dropped, as they hold nothing), so no value is lost.
    """
    count = len(cells)
    if count == width:
        return cells, [], None
    if count < width:
        return [*cells, *([pad] * (width - count))], [], "short_row"
    extra = cells[width:]
    while extra and (extra[-1] is None or extra[-1] == ""):
        extra.pop()
    return cells[:width], extra, ("long_row" if extra else None)


def check_input_options(fmt: str, *, sheet: str | None = None, encoding: str | None = None,
                        header_row: int | None = None, no_header: bool = False) -> None:  # fmt: skip
    """UsageError for a reading option that does not apply to input of format ``fmt``, or that contradicts another:
    said before the input is read."""
    if sheet is not None and fmt != "xlsx":
        raise UsageError(f"--sheet applies to xlsx input, not {fmt}",
                         ja=f"--sheet は xlsx の入力に使うもので、{fmt} には使えません")
    if encoding is not None and fmt == "xlsx":
        raise UsageError("--encoding applies to text input (CSV, TSV, JSONL), not xlsx",
                         ja="--encoding はテキストの入力（CSV、TSV、JSONL）に使うもので、xlsx には使えません")
    if no_header and header_row is not None:
        raise UsageError("--no-header and --header-row contradict each other: give one",
                         ja="--no-header と --header-row は両立しません。どちらか一方を指定してください")
    if no_header and fmt == "jsonl":
        raise UsageError("--no-header applies to CSV, TSV and xlsx input; JSONL has no header row",
                         ja="--no-header は CSV、TSV、xlsx の入力に使うものです。JSONL には見出し行がありません")
    if header_row is not None and fmt == "jsonl":
        raise UsageError("--header-row applies to CSV, TSV and xlsx input; JSONL has no header row",
                         ja="--header-row は CSV、TSV、xlsx の入力に使うものです。JSONL には見出し行がありません")


def _is_blank(cells: Sequence[object]) -> bool:
    return all(c is None or c == "" for c in cells)


@contextlib.contextmanager
def open_table(source: InputSource, fmt: str, encoding: str | None = None, sheet: str | None = None,
               header_row: int | None = None, column: str | None = None, layout: bool = False,
               no_header: bool = False) -> Iterator[Table]:  # fmt: skip
    """Open ``source`` as ``fmt`` and yield a :class:`Table`; encoding is detected unless given.

    ``sheet`` (xlsx) is a worksheet's name, or its 1-based number when no sheet has that name; None: the first visible
    sheet with the title column (``column``, the user's --column, when given; else a detected one), else the first
    visible sheet. ``header_row`` (CSV, TSV, xlsx) is the 1-based row that
    holds the column names, as a spreadsheet numbers its rows; the rows above it (a banner such as
    令和7年度 応募課題一覧) are skipped. None: the first non-blank row.

    ``layout`` (xlsx): also read each cell's number format (:attr:`RawRow.formats`) and the widths the sheet sets for
    its columns (:attr:`Table.widths`), for an xlsx output to keep them; reading is a little slower.

    ``no_header`` (CSV, TSV, xlsx): the input has no header row (a list of titles): its first row is data row 1, and
    the columns are named :data:`HEADLESS_NAME` 1, 2 … (``header_row`` is then not given).

    An InputError raised in the ``with`` body before the first row is read (no title column, say) gets the table's
    :attr:`Table.context`, when it has one.
    """
    # header_row 0: the first row that is not blank, with no search for a header below it (a banner's test)
    with _open_any(source, fmt, encoding, sheet, 0 if no_header else header_row, column, layout) as table:
        if no_header:
            _headless(table)
        elif fmt != "jsonl":
            _join_subheadings(table, beyond=fmt == "xlsx")
        if table.context is None:
            yield table
            return
        started = [False]
        table.rows = itertools.chain(_mark_start(started), table.rows)
        try:
            yield table
        except InputError as exc:
            if started[0]:
                raise
            raise _with_context(exc, table.context) from None


HEADLESS_NAME = "column_{}"
"""The name of a column of an input read with no header row (``open_table``'s ``no_header``), by its number."""


def _headless(table: Table) -> None:
    """Make the row ``table`` read as its header data row 1, the others one place on, and name the columns."""
    first = table.first_values if table.first_values is not None else list(table.header)
    table.first_values = first
    table.line = None  # the rows' lines are one place on, and the first one's was read as the header's
    table.header = tuple(HEADLESS_NAME.format(n) for n in range(1, len(first) + 1))
    table.rows = _first_then(first, table.rows)
    table.header_at -= 1
    if table.total is not None:
        table.total += 1


def _join_subheadings(table: Table, beyond: bool = False) -> None:
    """When the first data row only names the languages of columns under a merged heading (研究課題名 over 和文 and
    英文, a university form's layout: a user test found it read as a proposal, and the English column, named by
    nothing, never read for an empty Japanese title), join them to the column names and read the rows after it."""
    first = next(table.rows, None)
    if first is None:
        return
    joined = joined_subheadings(table.header, first.cells, beyond)
    if joined is None:
        table.rows = itertools.chain((first,), table.rows)
        return
    table.header = joined
    table.subheading_row = first.number
    if table.total is not None:
        table.total -= 1


def _first_then(first: list[Any], rows: Iterator[RawRow]) -> Iterator[RawRow]:
    """``first`` as data row 1, then ``rows`` numbered one place on."""
    yield RawRow(1, first)
    for row in rows:
        yield row._replace(number=row.number + 1)


def _mark_start(started: list[bool]) -> Iterator[RawRow]:
    """An empty iterator that notes when it is first asked for a row."""
    started[0] = True
    yield from ()


def _with_context(exc: InputError, context: Context) -> InputError:
    """``exc`` again (same class) with the reader's clause added to its message and the reader's hint first, in
    English and in Japanese."""
    clause, hint, clause_ja, hint_ja = context
    return type(exc)(f"{exc.message} ({clause})", hint=hint if not exc.hint else f"{hint}; {exc.hint}",
                     ja=f"{exc.text('ja')}（{clause_ja}）",
                     hint_ja=hint_ja if not exc.hint else f"{hint_ja}。{exc.hint_text('ja')}")  # fmt: skip


@contextlib.contextmanager
def _open_any(source: InputSource, fmt: str, encoding: str | None, sheet: str | None, header_row: int | None,
              column: str | None = None, layout: bool = False) -> Iterator[Table]:  # fmt: skip
    if fmt == "xlsx":
        with _open_xlsx(source, sheet, header_row, column, layout) as table:
            yield table
        return
    with source.open() as binary:
        resolved = resolve_encoding(binary, encoding, name=source.name)
        binary.seek(0)
        if fmt == "jsonl":
            header, records, previous = _jsonl_keys(binary, resolved, source, column)
            binary.seek(0)
        with _text(binary, resolved) as text:
            if fmt == "jsonl":
                blank = [0]
                rows = _jsonl_rows(text, header, source, resolved, blank)
                table = Table(tuple(header), rows, fmt, resolved, None, blank, records=records, header_at=0,
                              previous_results=previous)
            else:
                table = _delimited_table(text, fmt, source, resolved, header_row, column)
            if source.is_regular_file:  # a spooled stream's size is that of the spool: not promised by the input
                table.size = os.fstat(binary.fileno()).st_size
                table.tell = binary.tell  # the buffered reader's position: what the decoder has taken from it
            yield table


@contextlib.contextmanager
def _text(binary: BinaryIO, encoding: str) -> Iterator[IO[str]]:
    wrapper = io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="")
    try:
        yield wrapper
    finally:
        wrapper.detach()


def _decode_error(source: InputSource, encoding: str) -> InputError:
    """Build the InputError for a decode failure met while reading, locating it by a second pass."""
    with source.open() as binary:
        others = untried_encodings((encoding,), binary.read(1 << 16))
    eg, eg_ja = ", ".join(others), "、".join(others)
    try:
        with source.open() as binary:
            failure = find_decode_error(binary, encoding)
            cut = cut_short_error(binary, failure, source.name) if failure is not None else None
        if cut is not None:
            return cut
        where = failure.describe() if failure is not None else "an unknown position"
        where_ja = failure.describe_ja() if failure is not None else "不明な位置"
    except UnicodeError as exc:  # not a byte-level failure (UTF-16 without a BOM): the codec's own words
        where = f"the start ({exc})"
        where_ja = f"先頭（{exc}）"
    return InputError(
        f"{source.name}: cannot decode as {encoding} at {where}",
        hint=f"pass the file's encoding with --encoding (e.g. {eg}), or leave it out to detect it",
        ja=f"{source.name}: {encoding} として読めません（{where_ja}）",
        hint_ja=f"--encoding でファイルの文字コードを指定するか（例: {eg_ja}）、省いて自動判定させてください",
    )


class _LineFeed:
    """The lines csv.reader parses: a line handed back by the fast path first, then the file's next lines."""

    __slots__ = ("lines", "pending")

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.pending: str | None = None

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        line = self.pending
        if line is not None:
            self.pending = None
            return line
        return next(self.lines)


def _delimited_table(text: IO[str], fmt: str, source: InputSource, encoding: str, header_row: int | None = None,
                     column: str | None = None) -> Table:  # fmt: skip
    """CSV/TSV records, parsed fast where the csv module is not needed.

    A physical line without a quote character is one record whose fields are exactly the line split at
    the delimiter (what csv.reader would return, at a fraction of the cost). A line with a quote goes to
    csv.reader, which reads on through the same lines for a quoted field that spans several.
    """
    raise_field_size_limit()
    dialect = csv.excel_tab if fmt == "tsv" else csv.excel
    sep = dialect.delimiter
    lines = _without_eof_marks(text)
    feed = _LineFeed(lines)
    reader = csv.reader(feed, dialect, strict=True)
    split_lines = [0]  # lines split directly (csv.reader counts the lines it read itself)
    quoted_at = [0]  # the physical line where the last record csv.reader parsed began
    blank = [0]

    first: list[str] = []  # the first line that is not blank, for the error's hint

    def error(exc: csv.Error) -> InputError:
        jsonl = bool(first) and looks_like_jsonl(first[0])
        hint = JSONL_HINT if jsonl else \
            'a field starting with a quote must end with one; quotes inside it are doubled ("")'
        hint_ja = JSONL_HINT_JA if jsonl else "引用符で始まるフィールドは引用符で閉じ、中の引用符は二重（\"\"）にします"
        end = split_lines[0] + reader.line_num
        where = f"line {end}" if quoted_at[0] >= end else f"the record that starts on line {quoted_at[0]} (read to " \
            f"line {end}: a quote opened there and never closed?)"
        where_ja = f"{end} 行目" if quoted_at[0] >= end else f"{quoted_at[0]} 行目から始まるレコード（{end} 行目まで" \
            "読みました: そこで開いた引用符が閉じていないのでは？）"
        kind = fmt.upper()
        said, said_ja = _csv_error_text(str(exc))
        # A TSV named .csv fails on a quoted cell before its header is looked at (a user test): its first line holds
        # the other format's delimiter and not this one's
        other = None if jsonl or not first or sep in first[0] else _delimiter_context(first, fmt, source.name)
        if other is not None:
            hint, hint_ja = (f"{other[0].split(': ', 1)[1]}: {other[1]}",
                             f"{other[2].split(': ', 1)[1]}: {other[3]}")
        elif fmt == "tsv" and not jsonl:
            hint += ('. TSV follows the same rule, as Excel writes it: a field whose own text starts with a quote is '
                     'quoted, its quotes doubled ("""Smart"" cities")')
            hint_ja += ('。TSV も Excel が書くとおり同じ規則です: 文字として引用符で始まるフィールドは全体を引用符で'
                        '囲み、中の引用符を二重にします（"""Smart"" cities"）')
        return InputError(f"{source.name}: malformed {kind} in {where}: {said}", hint=hint,
                          ja=f"{source.name}: {kind} の形が崩れています（{where_ja}）: {said_ja}", hint_ja=hint_ja)

    stray: list[tuple[str, ...]] = [()]  # whether the record parse() gave last was a line with stray quotes
    stray_error: list[csv.Error | None] = [None]  # the csv module's word on the last such line

    def quoted(line: str) -> tuple[list[str], tuple[str, ...]]:
        """The record that starts on ``line``, which holds a quote, and ``("bad_quotes",)`` when its quotes break
        the format on that line alone: a stray quote within one line ("全固体電池"の研究, a database's TSV that never
        quotes) is the line read leniently (:func:`_lenient_split`: that cell as written, cells quoted whole as the
        csv module reads them), where it refused the whole file (an office's user test). Not a line with an odd number
        of quotes, nor one with a field that opens a quote and does not close it (`1,"a" b,"two⏎lines"`), whose quoted
        cell may run on (a review: the rest of a cell over two lines became a row of its own), nor an error past the
        line: where the record ends is unknown."""
        feed.pending = line
        before = reader.line_num
        try:
            return next(reader), ()
        except csv.Error as exc:
            if reader.line_num - before != 1 or line.count('"') % 2:
                raise
            cells = _lenient_split(line.rstrip("\r\n"), sep)
            if cells is None:
                raise
            stray_error[0] = exc
            return cells, ("bad_quotes",)

    def parse(line: str) -> list[str]:
        """One record from its first line (the csv module reads on through a quoted field's line breaks)."""
        if '"' in line:
            quoted_at[0] = split_lines[0] + reader.line_num + 1
            record, stray[0] = quoted(line)
            return record
        split_lines[0] += 1
        stray[0] = ()
        return line.rstrip("\r\n").split(sep)

    header: list[str] | None = None
    seen = 0
    try:
        for line in lines:
            if not first and line.strip():
                first.append(line)
            record = parse(line)
            seen += 1
            if header_row is not None and seen < header_row:
                continue  # a banner above the header
            if any(record) and not _eof_marks(record):
                if stray[0] and stray_error[0] is not None:  # the column names themselves: parsed strictly
                    raise error(stray_error[0])
                header = record
                header_line = split_lines[0] + reader.line_num
                break
            if header_row:  # 0: the first row that is not blank, with no search below it (see open_table)
                raise InputError(f"{source.name}: row {header_row} (--header-row) is blank",
                                 ja=f"{source.name}: {header_row} 行目（--header-row）が空です")
    except UnicodeError:  # a decode failure, or a codec's own (UTF-16 without a BOM)
        raise _decode_error(source, encoding) from None
    except csv.Error as exc:
        raise error(exc) from None
    if header is None:
        if header_row:
            raise InputError(f"{source.name}: has no row {header_row} (--header-row)",
                             ja=f"{source.name}: {header_row} 行目（--header-row）がありません")
        raise InputError(f"{source.name}: the input is empty (no header row)",
                         ja=f"{source.name}: 入力が空です（見出し行がありません）")
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    # Without --header-row, a first row that holds no title column may be a banner: the header may be below it, as
    # in a workbook (see _start_sheet). The records read ahead are data again when none holds a title column.
    ahead: list[list[str]] = []
    ahead_ends: list[int] = []  # the physical line where each record read ahead ends
    below: int | None = None

    ahead_stray: list[tuple[str, ...]] = []  # each record read ahead: ("bad_quotes",) or ()
    if header_row is None and seen > 1:
        below = seen  # blank rows above the header: `row` counts from it (a user test found header_row null)

    def read_ahead() -> Iterator[list[str]]:
        for line in lines:
            record = parse(line)
            ahead_ends.append(split_lines[0] + reader.line_num)
            ahead_stray.append(stray[0])
            yield record

    if header_row is None and _search_below(header, column):
        try:
            ahead, found = _look_below(header, read_ahead(), _record_texts, column)
        except UnicodeError:
            raise _decode_error(source, encoding) from None
        except csv.Error as exc:
            raise error(exc) from None
        if found is not None:
            below, header, ahead, header_line = seen + found, ahead[found - 1], [], ahead_ends[found - 1]
    context = _delimiter_context(header, fmt, source.name)
    # The lines beyond one a record read so far (a quoted cell's line breaks): a record's line is derived from its
    # number (see Table.line), so that the hot loop's plain lines cost nothing more
    spanned = [0]

    def rows() -> Iterator[RawRow]:
        # The hot loop. Cells are all str, so a record is blank exactly when no cell is truthy, and the
        # RawRow is built with tuple.__new__ (a NamedTuple's own __new__ is a Python-level call).
        make = tuple.__new__
        number = 0
        fast = 0
        for k, record in enumerate(ahead):  # read while looking for a header below a banner
            number += 1
            if any(record):
                spanned[0] = ahead_ends[k] - header_line - number
                yield make(RawRow, (number, record, (), ahead_stray[k], None))
            else:
                blank[0] += 1
        spanned[0] = split_lines[0] + reader.line_num - header_line - number  # the lines read before this loop
        try:
            for line in lines:
                number += 1
                flagged: tuple[str, ...] = ()
                if '"' in line:
                    before = reader.line_num
                    quoted_at[0] = split_lines[0] + fast + before + 1
                    record, flagged = quoted(line)
                    spanned[0] += reader.line_num - before - 1
                else:
                    fast += 1
                    record = line.rstrip("\r\n").split(sep)
                if any(record):
                    if len(record) > 1 or record[0].strip("\x1a"):  # not a line of DOS end-of-file marks
                        yield make(RawRow, (number, record, (), flagged, None))
                else:
                    blank[0] += 1
        except UnicodeError:  # a decode failure, or a codec's own (UTF-16 without a BOM)
            raise _decode_error(source, encoding) from None
        except csv.Error as exc:
            split_lines[0] += fast
            raise error(exc) from None

    return Table(tuple(header), rows(), fmt, encoding, None, blank, header_row=below, context=context,
                 header_at=header_line, line=lambda number: header_line + number + spanned[0])


def _without_eof_marks(text: Iterable[str]) -> Iterator[str]:
    """The lines of a text, the last one without the DOS end-of-file marks (Ctrl-Z, 0x1A) that old Windows tools
    write right after the last record when it has no line break: only the last line can end in one, every other
    ends in its line break. A last line of marks alone is no line. A mark inside a line is data and is kept."""
    for line in text:
        if line[-1:] == "\x1a":
            line = line.rstrip("\x1a")
            if not line:
                return
        yield line


def _eof_marks(record: list[str]) -> bool:
    """Whether a record is a line of DOS end-of-file marks (Ctrl-Z, which old Windows tools write at the end of a
    file): no record, and in a file of nothing else no header either."""
    return len(record) == 1 and not record[0].strip("\x1a")


def _lenient_split(line: str, sep: str) -> list[str] | None:
    """The fields of a line whose quotes break the format, read leniently, or None when it ends inside a quoted field
    (``1,"a" b,"two``: the cell may run on over the next lines). A field quoted whole (``"1,234,000"``, closed right
    before the delimiter or the end) is read as the csv module reads it, its doubled quotes single; a field with text
    after its closing quote (``"全固体電池"の研究``) is kept as the line writes it, up to the next delimiter outside the
    quotes, its later quoted parts included (``"量子"と"AI,ロボット"の融合``; None when one is not closed on the line);
    a quote inside an unquoted field is a character (a user test: a stray quote split the quoted amount after it,
    1,234,000, into three cells)."""
    fields: list[str] = []
    at, end = 0, len(line)
    while True:
        if at < end and line[at] == '"':
            close = at + 1
            while True:
                close = line.find('"', close)
                if close < 0:
                    return None  # the quoted field runs on past the line
                if line[close + 1 : close + 2] == '"':
                    close += 2
                    continue
                break
            if close + 1 == end or line[close + 1] == sep:
                fields.append(line[at + 1 : close].replace('""', '"'))
                at = close + 1
            else:  # text after the closing quote: the field as written, to the next delimiter outside quotes
                stop = _outside_quotes(line, close + 1, sep)
                if stop is None:
                    return None  # a quote opened after the text runs on past the line
                fields.append(line[at:stop])
                at = stop
        else:
            stop = line.find(sep, at)
            if stop < 0:
                fields.append(line[at:])
                return fields
            fields.append(line[at:stop])
            at = stop
        if at >= end:
            return fields
        at += 1  # past the delimiter
        if at == end:
            fields.append("")
            return fields


def _outside_quotes(line: str, at: int, sep: str) -> int | None:
    """Where the field that goes on at ``at`` (after a quoted part and some text: ``"量子"と"AI,ロボット"の融合``) ends:
    the next delimiter outside quotes, or the line's end; None when a quote opened there is still open at the end."""
    inside = False
    end = len(line)
    while at < end:
        char = line[at]
        if char == '"':
            inside = not inside
        elif char == sep and not inside:
            return at
        at += 1
    return None if inside else end


def _delimiter_context(header: list[str], fmt: str, name: str) -> Context | None:
    """For a header that is one column holding the other format's delimiter (a TSV file named .csv): what to say."""
    other, what, what_ja = ("tsv", "tabs", "タブ") if fmt == "csv" else ("csv", "commas", "カンマ")
    if len(header) == 1 and fmt == "csv" and ";" in header[0] and "\t" not in header[0]:
        # Excel in a European locale saves "CSV" with semicolons (a user test): no format here reads them
        return (f"{name}: the header is one column holding semicolons, so the file is separated by semicolons",
                "save it from Excel as CSV with commas (or as .xlsx), or replace the semicolons",
                f"{name}: 見出し行がセミコロンを含む 1 列なので、セミコロン区切りのファイルのようです",
                "Excel でカンマ区切りの CSV（または .xlsx）として保存し直すか、セミコロンを置き換えてください")
    if len(header) != 1 or ("\t" if other == "tsv" else ",") not in header[0]:
        return None
    return (f"{name}: the header is one column holding {what}, so the file looks like {other.upper()}",
            f"read it as {other.upper()} with --input-format {other}",
            f"{name}: 見出し行が{what_ja}を含む 1 列なので、{other.upper()} ファイルのようです",
            f"--input-format {other} で {other.upper()} として読ませてください")  # fmt: skip


_JSON_KINDS: dict[type, tuple[str, str]] = {
    list: ("an array", "配列"), str: ("a string", "文字列"), int: ("a number", "数値"), float: ("a number", "数値"),
    bool: ("true or false", "真偽値"), type(None): ("null", " null "),
}
"""What a JSON line that is no object holds, by its Python type, as JSON names it (English, Japanese)."""


class _BadLine(NamedTuple):
    """Why a JSONL line is not a record, in English and in Japanese."""

    en: str
    ja: str


def _jsonl_keys(binary: BinaryIO, encoding: str, source: InputSource, column: str | None = None
                ) -> tuple[list[str], bool, tuple[str, ...]]:  # fmt: skip
    """First pass over JSONL: collect keys in order of first appearance, whether there is a record, and the keys of
    a previous screen's results around records (see :func:`_jsonl_objects`). A file in
    which no line is a JSON object is not JSONL: InputError naming its first bad line. A file with no line but blank
    ones is a call with no proposals (a night's export: a user test found it an error, where a CSV of its header
    alone is screened with a warning): as that CSV, its one column is the title column, named as ``column`` names
    it, else ``title``."""
    keys: dict[str, None] = {}
    previous: dict[str, None] = {}
    first_bad: tuple[int, _BadLine] | None = None
    objects = 0
    with _text(binary, encoding) as text:
        for line_no, obj, _line in _jsonl_objects(text, source, encoding, previous):
            if isinstance(obj, dict):
                objects += 1
                keys.update(dict.fromkeys(obj))
            elif obj is not None and first_bad is None:
                first_bad = (line_no, obj)
    if not objects and first_bad is None:
        return [column if column is not None and numeric_spec(column) is None else "title"], False, ()
    if not objects and first_bad is not None:
        line_no, bad = first_bad
        raise InputError(f"{source.name}: no line is a JSON object (line {line_no}: {bad.en})",
                         hint="JSONL has one JSON object ({...}) per line",
                         ja=f"{source.name}: JSON オブジェクトの行がありません（{line_no} 行目: {bad.ja}）",
                         hint_ja="JSONL は 1 行に 1 つの JSON オブジェクト（{...}）です")  # fmt: skip
    if not keys:
        raise InputError(f"{source.name}: the input has no JSON objects with fields",
                         ja=f"{source.name}: フィールドのある JSON オブジェクトがありません")
    return list(keys), True, tuple(previous)


_SCREEN_OUTPUT = frozenset({"row", "title", "text", "verdict", "reason", "primary", "areas", "econsec", "programs",
                            "near_misses", "excluded", "held_back", "econsec_near_misses", "problem", "fields"})
"""The keys ``screen`` writes around a JSONL record: its row number, the classification (``classify --format json``'s
object; ``text``, what was classified when it was not the title as given), the row's problem, and the input record
under ``fields`` (``extra_fields``, the cells beyond the header of a long row, is input and is kept, as a field; the
line of a record that was no JSON object is read as that line again)."""
_SCREEN_MARKS = ("row", "title", "verdict", "reason", "areas", "fields")
"""Keys that make a JSONL record a previous ``screen``'s output, with a non-empty object under ``fields``."""


def _jsonl_objects(text: IO[str], source: InputSource, encoding: str, previous: dict[str, None] | None = None
                   ) -> Iterator[tuple[int, dict[str, Any] | _BadLine | None, str]]:  # fmt: skip
    """Yield (line number, object, line) per line: the object is None for a blank line, and for a line that is no
    JSON object, why (``invalid JSON: ...``, in both languages). A record that a previous ``screen`` wrote (its
    results, and the input record it was made from under ``fields``) is that input record, with any key added to it
    since: screened again, the old results are replaced, not nested in the new record's fields, as a CSV's old result
    columns are. The keys of the results go into ``previous``."""
    line_no = 0
    try:
        for line in _without_eof_marks(text):  # as a CSV's: the marks after the last record, no line break, go
            line_no += 1
            if not line.strip():
                yield line_no, None, line
                continue
            if not line.strip().strip("\x1a"):  # a line of DOS end-of-file marks: no record
                continue
            obj = _json_object(line)
            if isinstance(obj, _BadLine):
                yield line_no, obj, line
                continue
            inner = obj.get("fields")
            if isinstance(inner, dict) and inner and all(k in obj for k in _SCREEN_MARKS):
                if previous is not None:
                    previous.update(dict.fromkeys(k for k in obj if k in _SCREEN_OUTPUT and k != "fields"))
                kept = obj.get("extra_fields")
                if obj.get("problem") == "bad_jsonl_line" and isinstance(kept, list) and len(kept) == 1 \
                        and isinstance(kept[0], str) and not any(v is not None for v in inner.values()):
                    # the line an earlier screen could not read, kept in its record: the same line again (a user
                    # test found it read as a record of empty fields, empty_title, screened again)
                    again = _json_object(kept[0])
                    if isinstance(again, _BadLine):
                        yield line_no, again, kept[0]
                        continue
                # keys added to the output since (a reviewer's labels) stay with the record, and so does a long
                # row's extra_fields (input cells beyond the header)
                own = {k: v for k, v in obj.items() if k not in _SCREEN_OUTPUT}
                obj = {**inner, **own} if own else inner
            yield line_no, obj, line
    except UnicodeError:  # a decode failure, or a codec's own (UTF-16 without a BOM)
        raise _decode_error(source, encoding) from None


def _json_object(line: str) -> dict[str, Any] | _BadLine:
    """The JSON object a line holds, or why it holds none (``invalid JSON: ...``, in both languages)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return _BadLine(f"invalid JSON: {exc.msg}", f"JSON として読めません（{exc.msg}）")
    except RecursionError:  # arrays or objects nested deeper than the parser goes (a review)
        return _BadLine("invalid JSON: nested too deeply", "JSON として読めません（入れ子が深すぎます）")
    if not isinstance(obj, dict):
        kind, kind_ja = _JSON_KINDS.get(type(obj), (type(obj).__name__, type(obj).__name__))
        return _BadLine(f"expected a JSON object, got {kind}", f"JSON オブジェクトではなく{kind_ja}です")
    return obj


_BAD_JSONL_LINE = ("bad_jsonl_line",)



def _jsonl_rows(
    text: IO[str], header: list[str], source: InputSource, encoding: str, blank: list[int]
) -> Iterator[RawRow]:
    empty = [None] * len(header)
    for line_no, obj, line in _jsonl_objects(text, source, encoding):
        if obj is None:
            blank[0] += 1
        elif isinstance(obj, dict):
            yield RawRow(line_no, [obj.get(key) for key in header])
        else:  # kept, with its text after the (empty) cells, and marked
            yield RawRow(line_no, [*empty, line.rstrip("\r\n")], (), _BAD_JSONL_LINE)


_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The start of an OLE2 compound file: a legacy .xls, or an .xlsx saved with a password (Excel encrypts it into one)."""
_CUSTOM_FORMAT_IDS = 164
"""The first id of a workbook's own number formats (openpyxl numbers them in ``_number_formats`` from there)."""
_ZERO_PAD = re.compile(r"0{2,}")
"""A number format that only pads an integer with zeros to a fixed width (00000000)."""
_DAMAGED_HINT = "open it in Excel and save it again as .xlsx, or save the sheet as CSV"
_DAMAGED_HINT_JA = "Excel で開いて .xlsx として保存し直すか、シートを CSV として保存してください"
_SAVE_HINT_JA = "Excel で .xlsx か CSV として保存してください"
_T = TypeVar("_T")
_R = TypeVar("_R")


class _SheetStart(NamedTuple):
    """A worksheet opened and read up to its header row."""

    worksheet: Any
    header: list[Any] | None
    """The header row's cells; None when the sheet has no such row (empty, or --header-row past its end or blank)."""
    consumed: int
    """Sheet rows read, the header included."""
    rows: Generator[_SheetRow, None, None] | _Replay
    """The rest of the sheet's rows."""
    declared_rows: int | None
    """The last row by the sheet's ``<dimension>``, which may be wrong: a hint for progress only."""
    below_banner: bool = False
    """The header was found below a banner (see :func:`_start_sheet`)."""


@contextlib.contextmanager
def _open_xlsx(source: InputSource, sheet: str | None, header_row: int | None = None, column: str | None = None,
               layout: bool = False) -> Iterator[Table]:  # fmt: skip
    import warnings

    import openpyxl

    # openpyxl warns of workbook features it does not read (data validation extensions, conditional formatting,
    # slicers: what Excel writes every day) on stderr; they do not touch cell values, so they are not the user's news.
    with warnings.catch_warnings(), source.open() as binary:
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        _check_workbook_signature(binary, source.name)
        try:
            workbook = openpyxl.load_workbook(binary, read_only=True, data_only=True)
        except MemoryError:
            raise
        except Exception as exc:  # whatever a damaged part makes openpyxl, zipfile, zlib or the XML parser raise
            raise _workbook_error(source.name, exc) from None
        try:
            _name_locale_formats(workbook)
            start, context, others = _choose_sheet(workbook, sheet, header_row, source.name, column, layout)
            worksheet = start.worksheet
            header_cells = start.header
            consumed = start.consumed
            if header_cells is None:
                if not header_row:
                    error = InputError(f"{source.name}: sheet {worksheet.title!r} is empty (no header row)",
                                       ja=f"{source.name}: シート {worksheet.title!r} が空です（見出し行がありません）")
                elif consumed == header_row:
                    error = InputError(f"{source.name}: row {header_row} (--header-row) is blank (sheet "
                                       f"{worksheet.title!r})",
                                       ja=f"{source.name}: {header_row} 行目（--header-row）が空です（シート "
                                       f"{worksheet.title!r}）")  # fmt: skip
                else:
                    error = InputError(f"{source.name}: sheet {worksheet.title!r} has no row {header_row} "
                                       "(--header-row)",
                                       ja=f"{source.name}: シート {worksheet.title!r} に {header_row} 行目"
                                       "（--header-row）がありません")  # fmt: skip
                raise error if context is None else _with_context(error, context)
            while header_cells and (header_cells[-1] is None or header_cells[-1] == ""):
                header_cells.pop()
            # read with no header (header_row 0), the first row is data, hidden or not (a review)
            has_formulas, hidden_rows, merged = _scan_sheet(worksheet, source.name, consumed - (header_row == 0))
            rows = start.rows
            if header_row != 0:
                # a heading merged over the last columns (研究代表者 over C1:D1) spans them: their cells are its, not
                # a long row's past the header's last name (a third user test found every row long_row). Only as
                # far as the first rows hold cells: a merge over columns no row fills (備考 over C1:J1) added empty
                # columns, and made an id-and-title sheet a template's (a review)
                span = max((last for top, first, bottom, last in merged
                            if top <= consumed <= bottom and first <= len(header_cells)), default=0)
                if span > len(header_cells):
                    ahead = list(itertools.islice(rows, _SPAN_AHEAD))
                    rows = _Replay(ahead, rows)
                    filled = max((i + 1 for values, _ in ahead for i, v in enumerate(values[:span])
                                  if v is not None and v != ""), default=0)
                    header_cells.extend([None] * (min(span, filled) - len(header_cells)))
            header = tuple(cell_text(c) for c in header_cells)
            # Which columns the sheet hides, always (the title column's detection prefers a shown one); the
            # widths for the layout of an xlsx output alone. Only the start of the sheet is read for them.
            set_widths, hidden = _column_widths(worksheet, source.name, len(header))
            widths = set_widths if layout else None
            declared = start.declared_rows
            total = declared - consumed if declared is not None and declared > consumed else None
            blank = [0]
            formula_blank = [0]
            formula_rows = _formula_rows(source, worksheet) if has_formulas else None

            def data() -> Iterator[RawRow]:
                if formula_rows is not None:
                    for _ in range(consumed):  # both readers yield every sheet row in order
                        next(formula_rows, None)
                empty_results = _EmptyResults(worksheet)
                try:
                    yield from rows_read(empty_results)
                finally:
                    empty_results.close()

            # Cells merged down over data rows (a project's title over the rows of its co-investigators): a row
            # under the merge's first holds nothing there, and was an empty title (a fourth user test)
            down = _MergedDown((top, first - 1, bottom) for top, first, bottom, _ in merged if bottom > top > consumed)

            def rows_read(empty_results: _EmptyResults) -> Iterator[RawRow]:
                expected = total
                for number, (cells, formats) in enumerate(rows, 1):
                    texts = next(formula_rows, None) if formula_rows is not None else None
                    if expected is not None and number > expected:  # the <dimension> was wrong: no total then
                        table.total = expected = None
                    down.fill(cells, consumed + number)
                    # A row whose values are all empty is blank, formulas or not: a template's rows hold lookup or
                    # numbering formulas (=IF(C5="","",VLOOKUP(…)), =ROW()-1) whose empty values Excel may save as
                    # none at all, and those rows are no proposals (a review found them read as 170 empty titles)
                    # (not a row whose formulas are text literals, ="量子暗号": their value is known, a title: a review
                    # found such a row alone skipped as blank where a row with an amount beside it was classified)
                    if _is_blank(cells) and not (texts is not None and any(
                            isinstance(f, str) and f.startswith("=") and literal_formula_value(f) for f in texts)):
                        blank[0] += 1
                        if texts is not None:
                            lost = [i for i, f in enumerate(texts) if isinstance(f, str) and f.startswith("=")]
                            if lost and not empty_results.at(consumed + number).issuperset(lost):
                                # said in the summary: the values may be lost, not empty (not those saved as "":
                                # a template's =IFERROR(…,"") rows, a review)
                                formula_blank[0] += 1
                        continue
                    unevaluated: tuple[int, ...] = ()
                    if texts is not None:
                        unevaluated = tuple(
                            i for i, (v, f) in enumerate(zip(cells, texts, strict=False))
                            if v is None and isinstance(f, str) and f.startswith("=")
                        )  # fmt: skip
                        if unevaluated:
                            # a formula whose saved value is the empty string (=IFERROR(VLOOKUP(…),"")) is an empty
                            # cell, not a formula left unevaluated (a user test)
                            empty = empty_results.at(consumed + number)
                            unevaluated = tuple(i for i in unevaluated if i not in empty)
                        for i in unevaluated:
                            cells[i] = texts[i]
                    yield RawRow(number, cells, unevaluated, (), formats)

            table = Table(header, data(), "xlsx", None, total, blank, formula_blank, sheet=worksheet.title,
                          header_row=consumed if start.below_banner or (header_row is None and consumed > 1) else None,
                          context=context, widths=widths, hidden=hidden, other_sheets=others,
                          first_values=list(header_cells), header_at=consumed, hidden_rows=hidden_rows)
            yield table
        finally:
            workbook.close()


def _check_workbook_signature(binary: BinaryIO, name: str) -> None:
    """InputError for a file that cannot be an .xlsx (an .xlsx is a ZIP archive), saying what it looks like."""
    head = binary.read(len(_OLE_SIGNATURE))
    binary.seek(0)
    if not head:
        raise InputError(f"{name}: the file is empty, not an Excel workbook",
                         ja=f"{name}: ファイルが空で、Excel ブックではありません")
    if head == _OLE_SIGNATURE:
        raise InputError(f"{name}: password-protected or legacy .xls workbook",
                         hint="save it as .xlsx without a password",
                         ja=f"{name}: パスワード付きのブックか、古い .xls 形式のブックです",
                         hint_ja="パスワードなしの .xlsx として保存してください")  # fmt: skip
    if head.startswith(b"PK"):
        return
    if Path(name).name.startswith("~$"):
        raise InputError(f"{name}: this is Excel's lock file for a workbook open in Excel, not the workbook",
                         hint=f"screen {Path(name).name[2:]!r} (the file without ~$), after closing it in Excel",
                         ja=f"{name}: Excel で開いているブックのロックファイルで、ブックそのものではありません",
                         hint_ja=f"Excel でブックを閉じてから {Path(name).name[2:]!r}（~$ のない名前）を "
                         "screen してください")  # fmt: skip
    if _markup(binary):
        # a web system's "Excel" export (an HTML table, or SpreadsheetML 2003) named .xlsx: it is no CSV either,
        # and --input-format csv read its markup as a column (an eighth user test)
        raise InputError(f"{name}: this is a web page or XML spreadsheet (HTML or SpreadsheetML), not an .xlsx "
                         "workbook", hint="open it in Excel and save it as .xlsx or CSV",
                         ja=f"{name}: .xlsx ブックではなく、Web ページか XML 形式の表（HTML / SpreadsheetML）です",
                         hint_ja=_SAVE_HINT_JA)  # fmt: skip
    if looks_like_text(binary):
        raise InputError(f"{name}: this looks like text (CSV/TSV), not an Excel workbook",
                         hint="read it as text with --input-format csv (or --input-format tsv)",
                         ja=f"{name}: Excel ブックではなくテキスト（CSV/TSV）のようです",
                         hint_ja="--input-format csv（または --input-format tsv）でテキストとして"
                         "読ませてください")  # fmt: skip
    raise InputError(f"{name}: not an Excel workbook (an .xlsx file is a ZIP archive; this is not one)",
                     hint="save it as .xlsx or CSV in Excel",
                     ja=f"{name}: Excel ブックではありません（.xlsx は ZIP 形式ですが、これは違います）",
                     hint_ja=_SAVE_HINT_JA)  # fmt: skip


def _markup(binary: BinaryIO) -> bool:
    """Whether the file starts as an HTML page or an XML document (UTF-8, or UTF-16 with its mark; comments before
    the first tag allowed: a review found both sent to --input-format csv). Rewinds."""
    raw = binary.read(4096)
    binary.seek(0)
    encoding = "utf-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    text = raw.decode(encoding, errors="ignore")
    text = re.sub(r"^\s*(?:<!--.*?-->\s*)*", "", text, flags=re.DOTALL).lower()
    return text.startswith(("<html", "<!doctype html", "<?xml", "<table", "<meta", "<head", "<body"))


def _workbook_error(name: str, exc: Exception) -> InputError:
    """The InputError for a workbook openpyxl could not open: not a workbook at all, or a damaged one."""
    missing = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else ""
    if "[Content_Types].xml" in missing or "xl/workbook.xml" in missing:  # zipfile: "There is no item named ..."
        return InputError(f"{name}: a ZIP archive, but not an Excel workbook ({missing})",
                          hint="save it as .xlsx or CSV in Excel",
                          ja=f"{name}: ZIP ファイルですが、Excel ブックではありません（{missing}）",
                          hint_ja=_SAVE_HINT_JA)  # fmt: skip
    if isinstance(exc, (AttributeError, TypeError)) and _raised_in(exc, "read_chartsheet"):
        # openpyxl fails so on a chart sheet with no chart (a sixth user test); damage is damage (a review)
        return InputError(f"{name}: a chart sheet the xlsx reader (openpyxl) cannot read, an empty one perhaps "
                          f"({str(exc) or type(exc).__name__}); --sheet cannot pass over it",
                          hint="delete the chart sheet in Excel, or save the list sheet as CSV",
                          ja=f"{name}: xlsx の読み込み（openpyxl）が読めないグラフシートがあります（空のグラフ"
                             f"シートなど。{str(exc) or type(exc).__name__}）。--sheet でも避けられません",
                          hint_ja="Excel でグラフシートを削除するか、一覧のシートを CSV で"
                                  "保存してください")  # fmt: skip
    return _damaged(name, exc)


def _raised_in(exc: BaseException, function: str) -> bool:
    """Whether ``exc`` was raised in (or below) a function of that name."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == function:
            return True
        tb = tb.tb_next
    return False


_PART = re.compile(r"'([^']+)'")


def _damage_ja(exc: BaseException) -> str:
    """What went wrong reading a damaged workbook, in Japanese, the library's English text after it (as
    :func:`reason_ja` gives a system's reason); the English alone for a failure not foreseen."""
    english = str(exc) or type(exc).__name__
    part = _PART.search(english)
    kind = type(exc).__name__
    if kind == "BadZipFile" and english.startswith("Bad CRC"):
        ja = f"部品 {part.group(1)} の検査値（CRC）が合いません" if part else "部品の検査値（CRC）が合いません"
    elif kind == "BadZipFile" or kind == "LargeZipFile":
        ja = "ZIP 形式として読めません"
    elif kind == "error" and type(exc).__module__ == "zlib":
        ja = "圧縮されたデータを展開できません"
    elif kind == "ParseError" or kind.endswith("SyntaxError"):  # xml.etree's, or lxml's when installed
        ja = "ブック内の XML が途中で切れているか、壊れています"
    elif isinstance(exc, EOFError):
        ja = "ファイルが途中で切れています"
    elif isinstance(exc, KeyError) and part and "no item named" in english:  # zipfile's; not a relationship id's
        ja = f"部品 {part.group(1)} がありません"
    else:
        return english
    return f"{ja}（{english}）"


def _damaged(name: str, exc: BaseException, sheet: str | None = None) -> InputError:
    where = f"sheet {sheet!r}: " if sheet is not None else ""
    where_ja = f"シート {sheet!r}: " if sheet is not None else ""
    return InputError(f"{name}: damaged workbook ({where}{str(exc) or type(exc).__name__})", hint=_DAMAGED_HINT,
                      ja=f"{name}: ブックが壊れています（{where_ja}{_damage_ja(exc)}）",
                      hint_ja=_DAMAGED_HINT_JA)  # fmt: skip


def _guarded(items: Iterator[_T], name: str, sheet: str) -> Iterator[_T]:
    """``items`` (openpyxl reading a sheet), any failure to read them an InputError naming the sheet: damaged
    compressed data (zlib.error), a bad CRC (zipfile.BadZipFile), a cut-off XML part (a ParseError)."""
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except MemoryError:
            raise
        except Exception as exc:
            raise _damaged(name, exc, sheet) from None
        yield item


def _choose_sheet(workbook: Any, sheet: str | None, header_row: int | None, name: str, column: str | None = None,
                  layout: bool = False) -> tuple[_SheetStart, Context | None, tuple[str, ...]]:  # fmt: skip
    """The sheet to read, started; the context for errors when none had the title column (``column``, else a
    detected one; else None); and when it was chosen for its title column, the other visible sheets that hold it
    too (:attr:`Table.other_sheets`)."""
    sheets = list(workbook.worksheets)
    if not sheets:
        raise InputError(f"{name}: the workbook has no worksheet", ja=f"{name}: ブックにワークシートがありません")
    pads = _zero_pad_formats(workbook)
    # Sheets are numbered and listed in Excel's tab order, chart sheets counted (--sheet 2 read Excel's third tab
    # behind a chart sheet, and naming the chart sheet said there was none: an eighth user test)
    tabs = _tabs(workbook, sheets)
    if sheet is not None:
        return _start_sheet(_named_sheet(tabs, sheet, name, sheets), header_row, name, pads, column, layout), None, ()
    visible = [ws for ws in sheets if ws.sheet_state == "visible"] or sheets
    if header_row and len(visible) > 1:
        listed = _header_row_sheet(workbook, header_row, name, pads, column, layout)
        if listed is not None:
            return listed[0], _header_row_context(listed[0], header_row, column), listed[1]
    # An instructions sheet (記入要領) may name the title column in its list of items, which the search below a
    # banner would take for a header: such sheets are tried after the others.
    order = sorted(visible, key=lambda ws: _aside(ws.title))
    # (a column given by number is in every sheet: the first visible one is read, its header under a conditions line)
    numbered = column is not None and numeric_spec(column) is not None
    found, first, headers = _first_with_title(order, visible[0], header_row, name, pads, column, layout,
                                              wide=numbered)  # fmt: skip
    if found is None and first is not None:
        # no sheet has the column in its first row or under a narrow banner: one may have it under a conditions line
        again, _, _ = _first_with_title(order, None, header_row, name, pads, column, layout)
        if again is not None:
            first.rows.close()
            found = again
    if found is not None:
        # A column given by number says nothing of another sheet's columns: other sheets are looked at by name
        others = () if column is not None and numeric_spec(column) is not None else _others_with_title(
            order, found.worksheet, header_row, name, pads, column)
        return found, None, others
    assert first is not None  # visible[0] is in the order
    wanted = f"the column {column!r}" if column is not None else "a title column"
    wanted_ja = f"列 {column!r} " if column is not None else "タイトル列"
    if column is not None:
        # No sheet has the column asked for: the one that would be read without it, the first visible sheet with a
        # title column, is read instead of the first visible sheet (an instructions sheet, often), so that the error
        # lists the columns of the list the user meant.
        found, _, _ = _first_with_title(order, None, header_row, name, pads, None, layout)
        if found is not None:
            first.rows.close()
            if len(sheets) == 1:  # its header below a banner: the error lists the columns there
                return found, None, ()
            title = found.worksheet.title
            return found, (f"read sheet {title!r}, the first visible one with a title column: no visible sheet has "
                           f"{wanted}; sheets: {_describe_sheets(tabs)}",
                           "give --column a name from that list, or choose the sheet with --sheet NAME",
                           f"タイトル列のある最初の表示シート {title!r} を読みました: {wanted_ja}のある表示シートが"
                           f"ありません。シート: {_describe_sheets(tabs, 'ja')}",
                           "--column にはこの一覧の列名を指定するか、--sheet シート名でシートを選んでください"), ()
    if len(sheets) == 1:
        return first, None, ()
    return first, (f"read sheet {visible[0].title!r}, the first visible one: no visible sheet has {wanted}; "
                   f"sheets: {_describe_sheets(tabs, headers=headers)}",
                   "choose the sheet with --sheet NAME, or --sheet N for the N-th in that list",
                   f"表示されている最初のシート {visible[0].title!r} を読みました: {wanted_ja}のある表示シートが"
                   "ありません。"
                   f"シート: {_describe_sheets(tabs, 'ja', headers)}",
                   "--sheet シート名、またはこの一覧の N 番目なら --sheet N でシートを選んでください"), ()  # fmt: skip


def _header_row_sheet(workbook: Any, header_row: int, name: str, pads: frozenset[str], column: str | None,
                      layout: bool) -> tuple[_SheetStart, tuple[str, ...]] | None:
    """The sheet that --header-row is about, started at that row, and the other sheets holding the title column:
    the one read without it, when that one holds the title column (its list). --header-row names a row of the
    list, never another sheet: an off-by-one row on a list under a banner went on to the instructions sheet
    (記入要領), whose row 2 named the title column, and screened its lines as proposals, exit 0 under --fail-on (a
    sixth user test). None when no sheet holds the title column without it (the sheets are then tried at that row,
    as before)."""
    start, context, others = _choose_sheet(workbook, None, None, name, column, layout)
    start.rows.close()
    if context is not None or start.header is None:
        return None
    listed = _start_sheet(start.worksheet, header_row, name, pads, column, layout)
    if _holds_title(listed, column) and not _aside(listed.worksheet.title):
        return listed, others
    # --header-row also names the row of a list whose header detection cannot see (under wide condition lines):
    # another sheet, no instructions sheet, whose title column detection did not find but whose row N holds it (a
    # review: such a list was passed over for last year's list, whose header is in row 1)
    for worksheet in workbook.worksheets:
        if (worksheet is listed.worksheet or worksheet.sheet_state != "visible"
                or _aside(worksheet.title)):
            continue
        seen = _start_sheet(worksheet, None, name, pads, column, layout)
        seen.rows.close()
        if _holds_title(seen, column):
            continue
        there = _start_sheet(worksheet, header_row, name, pads, column, layout)
        if _holds_title(there, column):
            listed.rows.close()
            return there, tuple(o for o in others if o != str(worksheet.title))
        there.rows.close()
    return listed, others


def _holds_title(start: _SheetStart, column: str | None) -> bool:
    """Whether a started sheet's header holds the title column (``column``, else a detected one)."""
    return start.header is not None and _has_title_column([cell_text(c) for c in start.header], column)


def _header_row_context(start: _SheetStart, header_row: int, column: str | None) -> Context | None:
    """The reader's clause for an error when row ``header_row`` of the list sheet holds no title column."""
    if _holds_title(start, column):
        return None
    title = str(start.worksheet.title)
    return (f"read sheet {title!r}, whose title column is found without --header-row: row {header_row} holds none",
            "give the row of that sheet's column names, leave --header-row out, or choose the sheet with --sheet NAME",
            f"--header-row なしでタイトル列が見つかるシート {title!r} を読みました: その {header_row} 行目には"
            "ありません",
            "そのシートの列名の行を指定するか、--header-row を外すか、--sheet シート名でシートを選んでください")


def _others_with_title(order: list[Any], chosen: Any, header_row: int | None, name: str, pads: frozenset[str],
                       column: str | None) -> tuple[str, ...]:  # fmt: skip
    """The titles of the sheets of ``order`` but ``chosen`` and instructions sheets whose header holds the title
    column (each read up to its header, then closed). A sample sheet passed over (入力例) is named: it holds the
    list's columns, and the name may be the list's after all."""
    others: list[str] = []
    for worksheet in order:
        if worksheet is chosen or _INSTRUCTIONS.search(str(worksheet.title)) is not None:
            continue
        # with the header under a conditions line too: the sheet read may be a later one with the column in its first
        # row, and the list on this one must then be named (a review: it was passed over silently)
        start = _start_sheet(worksheet, header_row, name, pads, column, probe=True)
        start.rows.close()
        if _holds_title(start, column):
            others.append(str(worksheet.title))
    return tuple(others)


def _first_with_title(order: list[Any], keep: Any, header_row: int | None, name: str, pads: frozenset[str],
                      column: str | None, layout: bool, wide: bool = True
                      ) -> tuple[_SheetStart | None, Any, dict[str, list[str]]]:  # fmt: skip
    """The first sheet of ``order`` whose header holds the title column (``column``, else a detected one), started;
    else None, and the sheet ``keep`` started and left open (None when ``keep`` is None); and the header found on
    each sheet tried, by sheet title (every one when none holds it). ``wide``: see :func:`_start_sheet`."""
    kept: _SheetStart | None = None
    headers: dict[str, list[str]] = {}
    for worksheet in order:
        start = _start_sheet(worksheet, header_row, name, pads, column, layout, wide=wide)
        header = [cell_text(c) for c in start.header] if start.header is not None else []
        if start.header is not None and _has_title_column(header, column):
            if kept is not None:
                kept.rows.close()
            return start, None, headers
        while header and not header[-1].strip():  # a row's empty cells as Excel pads it
            header.pop()
        headers[worksheet.title] = header
        if worksheet is keep:
            kept = start
        else:
            start.rows.close()  # closes the sheet's part in the archive
    return None, kept, headers


def _has_title_column(header: list[str], column: str | None, below: bool = False) -> bool:
    """Whether ``header`` holds the title column: ``column`` (a name or number, as --column takes it), else one
    :func:`detect_title_column` finds. A row with one cell filled in (a banner, however many empty cells Excel pads
    it with) holds a column by number only at that cell; a header may leave the title column's name empty.

    ``below``: ``header`` is a row under a first row that does not hold it. A number there is a position, never a
    cell's text (--column 0 once made the first data row holding a 0 the header, and the rows above it were lost)."""
    if column is None:
        return detect_title_column(header) is not None
    number = numeric_spec(column) if below else None
    if number is not None:
        index = int(number) - 1
        if not 0 <= index < len(header):
            return False
    else:
        try:
            index = resolve_column(header, column)
        except InputError:
            return False
    filled = [i for i, cell in enumerate(header) if str(cell).strip()]
    return len(filled) > 1 or index in filled


_BANNER_CELLS = 2
"""A first row with more cells filled than this is a narrow banner's opposite, a wide first row: only the row right
below it may then be the header, and only as :func:`_header_below` and :func:`_search_below` allow."""


def _filled(row: Sequence[object]) -> int:
    """How many cells of ``row`` hold more than white space."""
    return sum(1 for cell in row if str(cell).strip())


def _may_be_banner(row: list[str]) -> bool:
    """Whether a first row without the title column is a narrow banner above the header: it fills few cells."""
    return _filled(row) <= _BANNER_CELLS


def _search_below(first: list[str], column: str | None, wide: bool = True) -> bool:
    """Whether the header is looked for below ``first``, the first row: when it lacks the title column (``column``,
    else a detected one) and is a narrow banner (:func:`_may_be_banner`), or, with ``wide``, a wider row in which no
    column is named as titles are (a header that names its title column so is the header, whatever --column says).
    A column given by number is a position in any row: a wide first row that names no title column holds it all the
    same, and the row below it is still looked at (出力条件 / 研究代表者, 研究課題名 with --column 2: a review)."""
    narrow = _may_be_banner(first)
    if _has_title_column(first, column):
        return (wide and not narrow and column is not None and numeric_spec(column) is not None
                and detect_title_column(first) is None)  # fmt: skip
    return narrow or (wide and detect_title_column(first) is None)


def _rows_searched(narrow: bool) -> int:
    """Rows that are not blank searched for the header below a first row without it: under a narrow banner up to
    :data:`_BANNER_ROWS`, under a wide first row (a conditions line) only the row right below it."""
    return _BANNER_ROWS if narrow else 1


def _header_below(row: list[str], column: str | None, narrow: bool, above: Sequence[int]) -> bool:
    """Whether ``row``, under a first row without the title column, is the header; ``above``: how many cells each
    row above it that is not blank fills, the first row's first. A header's cells are names, never a number other
    than a year (:func:`_data_number`): a data row holding a title-like word (研究テーマ or 件名 as a category) or
    --column's text never becomes the header, losing the rows above it (a review; a user test). Under a narrow
    banner (one or two cells: 令和7年度 応募課題一覧, a date), a row holding the title column (``column``, else a
    detected one) is the header when every row above it is a banner line: one cell, or fewer cells than it fills. A
    row of two cells over one of two is as likely a header over a data row (No, 内容 over a row holding 件名, a user
    test; 区分, 内容 over 研究テーマ, 量子センサの開発, a review) as a banner over a header: the search refuses it,
    and the error points at --header-row, rather than lose the rows above. Under a wider first row (出力条件,
    令和7年度, 第1四半期: a user test; the export's conditions line), only the row right below it is looked at, and it
    must also hold a column named as titles are (研究課題名, title…)."""
    if not _has_title_column(row, column, below=True) or any(_data_number(str(cell)) for cell in row if cell):
        return False
    if narrow:
        width = _filled(row)
        return all(cells == 1 or cells < width for cells in above)
    return detect_title_column(row) is not None


def _look_below(first: list[str], rows: Iterator[_R], texts: Callable[[_R], list[str] | None], column: str | None
                ) -> tuple[list[_R], int | None]:  # fmt: skip
    """Read ``rows`` ahead under ``first``, a first row without the title column, looking for the header below it
    (:func:`_header_below`): no further than :func:`_rows_searched` rows that are not blank, nor than
    :data:`_AHEAD_MAX` rows in all. ``texts`` gives a row's cells as text, or None for a blank row. Returns the rows
    read and the 1-based place of the header among them (the last read), or None when none is the header: the rows
    read are then data. One search for CSV/TSV records and for sheet rows."""
    narrow = _may_be_banner(first)
    searched = _rows_searched(narrow)
    ahead: list[_R] = []
    filled = 0  # rows read ahead that are not blank
    above = [_filled(first)]  # how many cells the rows above a candidate fill
    for row in rows:
        ahead.append(row)
        cells = texts(row)
        if cells is not None:
            if _header_below(cells, column, narrow, above):
                return ahead, len(ahead)
            above.append(_filled(cells))
            filled += 1
        if filled >= searched or len(ahead) >= _AHEAD_MAX:
            break
    return ahead, None


def _record_texts(record: list[str]) -> list[str] | None:
    """A CSV/TSV record's cells, or None when it is blank."""
    return record if any(record) else None


def _sheet_texts(row: _SheetRow) -> list[str] | None:
    """A sheet row's cells as text, or None when it is blank."""
    values = row[0]
    return None if _is_blank(values) else [cell_text(c) for c in values]


def _data_number(cell: str) -> bool:
    """Whether a cell is a number that marks a data row: any but a year, which a header may name a column by (a
    column per fiscal year, 2024, 2025: a review)."""
    number = numeric_spec(cell)
    return number is not None and not (len(number) == 4 and 1900 <= int(number) <= 2100)


def _tabs(workbook: Any, worksheets: list[Any]) -> list[Any]:
    """Every sheet in Excel's tab order: the worksheets and the chart sheets (which hold no cells)."""
    charts = list(getattr(workbook, "chartsheets", ()))
    if not charts:
        return worksheets
    try:
        return [workbook[title] for title in workbook.sheetnames]
    except KeyError:  # a name the workbook lists twice or not at all: the worksheets as they are
        return worksheets


def _named_sheet(sheets: list[Any], spec: str, name: str, worksheets: list[Any] | None = None) -> Any:
    """The sheet named ``spec``, else numbered ``spec`` (1-based in tab order, hidden and chart sheets counted);
    InputError otherwise, and for a chart sheet (not one of ``worksheets``): it holds no cells."""
    chosen = next((ws for ws in sheets if ws.title == spec), None)
    number = spec.strip()
    if chosen is None and number.isascii() and number.isdigit() and 1 <= int(number) <= len(sheets):
        chosen = sheets[int(number) - 1]
    if chosen is not None and worksheets is not None and not any(chosen is ws for ws in worksheets):
        raise InputError(f"{name}: sheet {chosen.title!r} is a chart sheet, with no cells to read; sheets: "
                         f"{_describe_sheets(sheets)}", hint="give a worksheet's name or number from that list",
                         ja=f"{name}: シート {chosen.title!r} はグラフシートで、読めるセルがありません。シート: "
                         f"{_describe_sheets(sheets, 'ja')}", hint_ja="この一覧のワークシートの名前か番号を指定して"
                         "ください")  # fmt: skip
    if chosen is not None:
        return chosen
    raise InputError(f"{name}: no sheet named {spec!r}" + (" (nor that number)" if number.isdigit() else "")
                     + f"; sheets: {_describe_sheets(sheets)}",
                     hint="give a sheet's name, or its number in that list (1 = the first)",
                     ja=f"{name}: {spec!r} という名前" + ("（またはその番号）" if number.isdigit() else "")
                     + f"のシートがありません。シート: {_describe_sheets(sheets, 'ja')}",
                     hint_ja="シート名か、この一覧での番号（1 = 最初）を指定してください")  # fmt: skip


_SHEET_STATES_JA = {"hidden": "非表示", "veryHidden": "完全に非表示"}
_BRIEF_COLUMNS = 6
"""Columns of each sheet that an error listing every sheet's columns names."""


def _describe_sheets(sheets: list[Any], lang: str = "en", headers: dict[str, list[str]] | None = None) -> str:
    """``1:'記入要領' (hidden), 2:'応募一覧'`` for messages, in ``lang``; with ``headers`` (by sheet title), each
    visible sheet's first columns too: ``2:'応募一覧' (columns 1:'No', 2:'課題名')``."""
    parts = []
    for i, ws in enumerate(sheets, 1):
        part = f"{i}:{ws.title!r}"
        if type(ws).__name__ == "Chartsheet":
            hidden = ws.sheet_state != "visible"
            part += ("（グラフ、非表示）" if hidden else "（グラフ）") if lang == "ja" else \
                (" (chart, hidden)" if hidden else " (chart)")
        elif ws.sheet_state != "visible":
            state = str(ws.sheet_state)
            part += f"（{_SHEET_STATES_JA.get(state, state)}）" if lang == "ja" else f" ({state})"
        elif headers is not None and ws.title in headers:
            header = headers[ws.title]
            listed = describe_columns(header[:_BRIEF_COLUMNS])
            if not header:  # an empty sheet: "(columns (none))" read as English in a Japanese message (a user test)
                part += "（列なし）" if lang == "ja" else " (no columns)"
            elif lang == "ja":
                more = f"、…（全 {len(header)} 列）" if len(header) > _BRIEF_COLUMNS else ""
                part += f"（列 {listed}{more}）"
            else:
                more = f", … ({len(header)} columns)" if len(header) > _BRIEF_COLUMNS else ""
                part += f" (columns {listed}{more})"
        parts.append(part)
    return ", ".join(parts)


_INSTRUCTIONS = re.compile(r"記入|要領|説明|注意|手引|記載例|凡例|入力方法|instruction|readme|read me|guide|how to",
                           re.IGNORECASE)
"""Sheet names of instructions rather than data."""
_EXAMPLE = re.compile(r"[\W_]*(?:入力例|作成例|記入見本|見本|サンプル|samples?|examples?|例)[\W_\d]*", re.IGNORECASE)
"""The whole name of a sample sheet (入力例, 見本, Sample): one before the list was screened instead of it, exit 0
under --fail-on (an eighth user test). The whole name only: "Samples FY2025" or サンプル採取課題 may be the list (a
review)."""


def _aside(title: object) -> bool:
    """Whether a sheet so named is instructions or a sample, tried after the others for the list."""
    name = str(title).strip()
    return _INSTRUCTIONS.search(name) is not None or _EXAMPLE.fullmatch(name) is not None
_BANNER_ROWS = 10
"""Non-blank rows under a first row without a title column that :func:`_start_sheet` searches for the header."""
_SPAN_AHEAD = 200
"""Data rows read ahead to see how far a heading merged over a workbook's last columns holds cells."""
_AHEAD_MAX = 1_000
"""Rows read ahead at most, blank ones included: the search never holds a file's worth of empty rows."""


_DECLARED = "_domaincheck_declared_rows"
_UNSET = object()


def _start_sheet(worksheet: Any, header_row: int | None, name: str, pads: frozenset[str],
                 column: str | None = None, layout: bool = False, probe: bool = False,
                 wide: bool = True) -> _SheetStart:  # fmt: skip
    """Open ``worksheet`` and read it up to its header row (``header_row``, else the first non-blank row).
    ``probe`` (a look at a sheet that will not be read): no further than :data:`_AHEAD_MAX` rows for it, blank ones
    included (a sheet of formatted empty cells was read to its end).

    Without ``header_row``, a first row that holds no title column (``column``, else a detected one) may be a
    banner (令和7年度 応募課題一覧, a date): the next rows, up to :data:`_BANNER_ROWS` that are not blank, are searched
    for one that holds it, which is then the header. When none does, the first row stays the header and the rows
    read are data, as before. A wider first row (a conditions line) is searched below only with ``wide``, and only
    its next row (:func:`_header_below`): the sheets of a workbook are tried without it first, so that a sheet
    listing the form's items (項目, 必須 / 研究課題名, ○) is not read for the list (a review)."""
    # read every row and column, whatever the sheet's <dimension> says (openpyxl's fix); the rows it declares are
    # kept for the progress bar, also when the sheet is started again (--header-row: a review found no total)
    declared = worksheet.__dict__.get(_DECLARED, _UNSET)
    if declared is _UNSET:
        declared = worksheet.__dict__[_DECLARED] = worksheet.max_row
    worksheet.reset_dimensions()
    rows = _sheet_rows(worksheet, name, pads, layout)
    header: list[Any] | None = None
    consumed = 0
    for values, _formats in rows:
        consumed += 1
        if probe and consumed > _AHEAD_MAX:
            break
        if header_row is not None and consumed < header_row:
            continue  # a banner above the header
        if not _is_blank(values):
            header = values
            break
        if header_row:
            break  # that row is blank (0: the first row that is not blank is looked for, see open_table)
    declared_rows = declared if isinstance(declared, int) else None
    first = [cell_text(c) for c in header] if header is not None else []
    if header is None or header_row is not None or not _search_below(first, column, wide):
        return _SheetStart(worksheet, header, consumed, rows, declared_rows)
    ahead, found = _look_below(first, rows, _sheet_texts, column)
    if found is not None:
        return _SheetStart(worksheet, ahead[found - 1][0], consumed + found, rows, declared_rows, below_banner=True)
    return _SheetStart(worksheet, header, consumed, _Replay(ahead, rows), declared_rows)


class _Replay:
    """Rows read ahead, then the rest of a sheet's rows; closing it closes the sheet's reader (whether or not it was
    iterated, which a generator would not do)."""

    def __init__(self, first: list[_SheetRow], rest: Generator[_SheetRow, None, None] | _Replay) -> None:
        self._first = iter(first)
        self._rest = rest

    def __iter__(self) -> _Replay:
        return self

    def __next__(self) -> _SheetRow:
        for row in self._first:
            return row
        return next(self._rest)

    def close(self) -> None:
        self._rest.close()


_ERA = '[$-411]ggge"年"m"月"d"日"'
_ERA_SHORT = "[$-411]ge.m.d"
_LOCALE_FORMATS = {27: _ERA_SHORT, 28: _ERA, 29: _ERA, 30: "m/d/yy", 31: 'yyyy"年"m"月"d"日"', 32: 'h"時"mm"分"',
                   33: 'h"時"mm"分"ss"秒"', 34: 'yyyy"年"m"月"', 35: 'm"月"d"日"', 36: _ERA_SHORT, 50: _ERA_SHORT,
                   51: _ERA, 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"', 54: _ERA, 55: 'yyyy"年"m"月"', 56: 'm"月"d"日"',
                   57: _ERA_SHORT, 58: _ERA}  # fmt: skip
"""The built-in number formats Excel leaves to the locale (ids 27-36 and 50-58: dates and times in every East Asian
one), with their Japanese codes (ECMA-376 18.8.30, ja-JP)."""


def _name_locale_formats(workbook: Any) -> None:
    """Make the cells of ``workbook`` in a locale's built-in date format (see :data:`_LOCALE_FORMATS`) dates in that
    format. A Japanese Excel saves its 和暦 and 年月日 formats by these ids, without their codes, and openpyxl does not
    know them: such a cell read as its bare serial number (45748 for 2025-04-01), in General. Each style using one is
    given the Japanese code as a format of the workbook, and marked a date style (openpyxl then reads its numbers as
    dates or times). Nothing is done where openpyxl keeps its styles otherwise."""
    styles: Any = getattr(workbook, "_cell_styles", ())
    formats: Any = getattr(workbook, "_number_formats", None)
    dates: Any = getattr(workbook, "_date_formats", None)
    if not hasattr(formats, "add") or not isinstance(dates, set):
        return
    for index, style in enumerate(styles):
        code = _LOCALE_FORMATS.get(getattr(style, "numFmtId", 0))
        if code is not None:
            style.numFmtId = formats.add(code) + _CUSTOM_FORMAT_IDS
            dates.add(index)


def _zero_pad_formats(workbook: Any) -> frozenset[str]:
    """The workbook's zero-padding number formats (00000000); every such format is a custom one."""
    return frozenset(f for f in getattr(workbook, "_number_formats", ()) if _ZERO_PAD.fullmatch(str(f)))


_SheetRow = tuple[list[Any], tuple[CellFormat, ...] | None]
"""A sheet row as read: its values, and with ``layout`` its cells' number formats (None when all are General)."""


def _sheet_rows(worksheet: Any, name: str, pads: frozenset[str], layout: bool = False
                ) -> Generator[_SheetRow, None, None]:  # fmt: skip
    """The sheet's rows as lists of values: a naive date-time at midnight as its date, and, where the workbook has
    zero-padding formats (``pads``), an integral number in one of them as the text Excel shows (123 → 00000123).
    With ``layout``, each row's cells' number formats too (see :data:`CellFormat`). Only with either are the cells
    read as cell objects (their format), which is slower."""
    if not pads and not layout:
        for values in _guarded(worksheet.iter_rows(values_only=True), name, worksheet.title):
            yield _cells(list(values)), None
        return
    for row in _guarded(worksheet.iter_rows(), name, worksheet.title):
        values = [c.value for c in row]
        shown: list[CellFormat] = [c.number_format for c in row] if layout else []  # None: a cell not in the file
        if pads:
            for i, value in enumerate(values):
                if type(value) is int or (type(value) is float and value.is_integer()):
                    fmt = shown[i] if layout else row[i].number_format
                    if fmt in pads:
                        number = int(value)
                        digits = str(abs(number)).zfill(len(fmt))
                        values[i] = "-" + digits if number < 0 else digits
                        if layout:
                            shown[i] = (fmt, number)
        formats: tuple[CellFormat, ...] | None = None
        if layout and any(f is not None and f != "General" for f in shown):
            formats = tuple(None if f == "General" else f for f in shown)
        yield _cells(values), formats


def _column_widths(worksheet: Any, name: str, columns: int) -> tuple[tuple[float | None, ...], tuple[bool, ...]]:
    """The widths the sheet sets for its first ``columns`` columns (its ``<col>`` elements, which come before the
    rows: only the start of the sheet is read), None for a column it sets none for or hides at width 0; and which of
    them it hides (an office hides the applicants' names, say: the output keeps them hidden)."""
    from openpyxl.xml.functions import iterparse  # openpyxl's parser: defusedxml where installed, as openpyxl reads

    widths: list[float | None] = [None] * columns
    hidden = [False] * columns
    try:
        source = worksheet._get_source()  # openpyxl read-only worksheet: the sheet part in the archive
    except (AttributeError, KeyError, OSError):
        return tuple(widths), tuple(hidden)
    with source:
        for _event, element in _guarded(iter(iterparse(source, events=("start",))), name, worksheet.title):
            tag = element.tag.rpartition("}")[2]
            if tag == "sheetData":  # the rows: no <col> after them
                break
            if tag != "col":
                continue
            try:
                first, last = int(element.get("min")), int(element.get("max"))
            except (TypeError, ValueError):
                continue
            span = range(max(first, 1) - 1, min(last, columns))
            if element.get("hidden") in ("1", "true"):
                for i in span:
                    hidden[i] = True
            try:
                width = float(element.get("width"))
            except (TypeError, ValueError):  # no width (a column style only), or no number
                continue
            if width > 0 and math.isfinite(width):
                for i in span:
                    widths[i] = width
    return tuple(widths), tuple(hidden)


def _cells(values: list[Any]) -> list[Any]:
    """``values`` with each naive date-time at midnight replaced by its date (a date cell), so that every output,
    JSON's included, writes it as the date alone, and control characters in text as the cell holds them (see
    :func:`_unescaped`)."""
    datetime = _dt.datetime
    if any(type(v) is str and "_x00" in v for v in values):
        values = [_unescaped(v) if type(v) is str else v for v in values]
    if datetime not in map(type, values):  # the common row, checked at C speed
        return values
    return [v.date() if type(v) is datetime and _is_midnight(v) else v for v in values]


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescaped(text: str) -> str:
    """``text`` with the workbook's escapes of control characters and of the underscore undone, in one pass from the
    left: Excel stores the carriage return of a cell with line breaks as ``_x000D_`` (a tab as ``_x0009_``), and
    text that reads as an escape with its underscore escaped (``_x005F_x000B_`` for ``_x000B_`` typed in a cell, as
    the xlsx writer here writes it too); openpyxl returns inline strings as they are (it undoes ``_x005F_`` in
    shared strings itself: a control character typed as its escape in Excel can then no longer be told from the
    character). Other escapes stay as they are."""
    return _ESCAPED.sub(_unescape_one, text)


def _unescape_one(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return "_" if code == 0x5F else chr(code) if code < 0x20 else match.group(0)


_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\shidden="(?:1|true)"[^>]*(?<!/)>(?!\s*</(?:\w+:)?row>)')
"""A sheet row the workbook hides (a filter's, or hidden by hand) and that holds cells: not an empty one written as
``<row … hidden="1"/>`` or ``<row …></row>`` (a review found blank hidden rows below the data counted)."""


class _MergedDown:
    """The cells merged down over a sheet's data rows, each a (first row, column 0-based, last row) of ``ranges``:
    :meth:`fill` gives each row the values of the merges over it. Rows come in order; a merge is looked at only while
    it is open, so a sheet of thousands of them is not read in quadratic time."""

    def __init__(self, ranges: Iterable[tuple[int, int, int]]) -> None:
        self._pending = sorted(ranges, reverse=True)  # the next to open last
        self._open: list[tuple[int, int, Any]] = []  # (column, last row, value) of each merge read from its first row

    def fill(self, cells: list[Any], row: int) -> None:
        """Fill ``cells`` (sheet row ``row``) with the values of the cells merged down over it. The value shows in
        every row of the merge in the spreadsheet, and is read so in each row that holds anything else (a row of the
        merge alone stays blank: a taller cell is no second proposal)."""
        if self._open:
            self._open = [m for m in self._open if m[1] >= row]
        if self._open and any(c is not None and c != "" for c in cells):
            for column, _, value in self._open:
                if value is not None and (column >= len(cells) or cells[column] is None):
                    cells.extend([None] * (column + 1 - len(cells)))
                    cells[column] = value
        while self._pending and self._pending[-1][0] <= row:
            top, column, bottom = self._pending.pop()
            if top == row:
                self._open.append((column, bottom, cells[column] if column < len(cells) else None))


class _SheetScan(NamedTuple):
    formulas: bool
    """Whether the sheet's XML holds a formula element (True when it cannot be opened)."""
    hidden: int
    """How many rows below the first ``below`` it hides."""
    merged: frozenset[tuple[int, int, int, int]]
    """Its merged ranges (first row, first column, last row, last column; 1-based)."""


def _scan_sheet(worksheet: Any, name: str = "workbook", below: int = 0) -> _SheetScan:
    """What the sheet's XML holds beyond its cells' values (see :class:`_SheetScan`), read in chunks, once: the
    merged ranges come after the rows. A part that fails while it is read (damaged compressed data, a bad CRC) is an
    InputError."""
    try:
        source = worksheet._get_source()  # openpyxl read-only worksheet: the sheet part in the archive
    except (AttributeError, KeyError, OSError):
        return _SheetScan(True, 0, frozenset())
    formulas = False
    hidden = 0
    merged: set[tuple[int, int, int, int]] = set()
    with source:
        tail = b""
        for chunk in _guarded(iter(lambda: source.read(1 << 20), b""), name, worksheet.title):
            data = tail + chunk
            if not formulas and (b"<f>" in data or b"<f " in data or b":f>" in data or b":f " in data):
                formulas = True
            if b"mergeCell" in data:  # a range cut at the chunk's end is found again with the tail
                merged.update(_merged_range(m) for m in _MERGE_CELL.finditer(data))
            # the last row element is counted with the next chunk, which holds its end (and whether it has cells)
            cut = max(data.rfind(b"<row"), data.rfind(b"<", 0, max(data.rfind(b":row"), 0)))
            whole, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            if b"hidden" in whole:
                hidden += sum(1 for m in _HIDDEN_ROW.finditer(whole) if _row_number(m.group()) > below)
    if tail and b"hidden" in tail:
        hidden += sum(1 for m in _HIDDEN_ROW.finditer(tail) if _row_number(m.group()) > below)
    return _SheetScan(formulas, hidden, frozenset(merged))


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\sref="\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)"')


def _merged_range(found: re.Match[bytes]) -> tuple[int, int, int, int]:
    """A ``<mergeCell ref="C1:D1"/>`` as (first row, first column, last row, last column), 1-based."""
    first, row, last, end = found.groups()
    return int(row), _column_number(first), int(end), _column_number(last)


def _column_number(letters: bytes) -> int:
    """A column's 1-based number from its letters (A → 1, AA → 27)."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')


def _row_number(element: bytes) -> int:
    """The 1-based number of a row element's ``r`` attribute (one more than any, when it has none)."""
    found = _ROW_NUMBER.search(element)
    return int(found.group(1)) if found else 1 << 30


def _empty_formula_results(worksheet: Any) -> Generator[tuple[int, frozenset[int]], None, None]:
    """For each sheet row (1-based) with a formula cell whose saved value is the empty string (a string result,
    ``t="str"``, with an empty ``<v></v>``: Excel's =IFERROR(VLOOKUP(…),"") that found nothing), the row's number
    and those cells' 0-based columns, in order. openpyxl reads such a cell as None, as it reads a formula saved
    without a value (openpyxl itself writes those with an empty ``<v/>`` and no type). Rows and cells without an
    ``r`` are counted as openpyxl counts them (the one after the last). Read as the rows are (a review: a set of
    every such cell built first took 200 MB and a pass of its own on 200,000 rows of IFERROR columns); it ends
    quietly where the sheet cannot be read (its reading says what is wrong)."""
    import zipfile
    import zlib

    from openpyxl.xml.functions import iterparse  # openpyxl's parser: defusedxml where installed

    try:
        source = worksheet._get_source()
    except (AttributeError, KeyError, OSError):
        return
    from openpyxl.utils.cell import column_index_from_string

    row_at = 0
    column_at = 0
    empty: list[int] = []
    rows_parent: Any = None
    try:
        with source:
            for event, element in iterparse(source, events=("start", "end")):
                tag = element.tag.rpartition("}")[2]
                if event == "start":
                    if tag == "sheetData":
                        rows_parent = element
                    elif tag == "row":
                        number = element.get("r")
                        row_at = int(number) if number and number.isdigit() else row_at + 1
                        column_at = 0
                        empty = []
                    continue
                if tag == "c":
                    at = _CELL_REF.fullmatch(element.get("r") or "")
                    if at is not None:
                        column_at = column_index_from_string(at.group(1))
                    else:
                        column_at += 1
                    if element.get("t") == "str":
                        parts = {child.tag.rpartition("}")[2]: child for child in element}
                        value = parts.get("v")
                        if "f" in parts and value is not None and not value.text:
                            empty.append(column_at - 1)
                    element.clear()
                elif tag == "row":
                    if empty:
                        yield row_at, frozenset(empty)
                    if rows_parent is not None:  # the cleared rows stayed under it, 80 bytes each (a review)
                        rows_parent.clear()
    except (SyntaxError, ValueError, OSError, EOFError, zlib.error, zipfile.BadZipFile):
        return  # a damaged part (SyntaxError: expat's ParseError): the rows' own reading reports it


class _EmptyResults:
    """The columns of a sheet row whose formulas saved the empty string (:func:`_empty_formula_results`), asked for
    in the order of the rows; the sheet's XML is read only once a row asks (a formula without a value beside it),
    and then along with the rows."""

    def __init__(self, worksheet: Any) -> None:
        self._worksheet = worksheet
        self._rows: Generator[tuple[int, frozenset[int]], None, None] | None = None
        self._next: tuple[int, frozenset[int]] | None = None

    def at(self, row: int) -> frozenset[int]:
        if self._rows is None:
            self._rows = _empty_formula_results(self._worksheet)
            self._next = next(self._rows, None)
        while self._next is not None and self._next[0] < row:
            self._next = next(self._rows, None)
        return self._next[1] if self._next is not None and self._next[0] == row else frozenset()

    def close(self) -> None:
        if self._rows is not None:
            self._rows.close()


_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")


def _formula_rows(source: InputSource, worksheet: Any) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows again with formulas as text (openpyxl, data_only=False), opened on a second handle."""
    import openpyxl

    binary = source.open()
    try:
        try:
            workbook = openpyxl.load_workbook(binary, read_only=True, data_only=False)
        except MemoryError:
            raise
        except Exception as exc:
            raise _workbook_error(source.name, exc) from None
        try:
            sheet = workbook[worksheet.title]
            sheet.reset_dimensions()  # as the values are read: the two must stay aligned
            for values in _guarded(sheet.iter_rows(values_only=True), source.name, worksheet.title):
                yield tuple(getattr(v, "text", v) for v in values)  # ArrayFormula keeps its formula in .text
        finally:
            workbook.close()
    finally:
        binary.close()


def _missing(path: Path) -> NoReturn:
    """The error of an input file that is not there: no such file, or a loop of symbolic links (which
    ``Path.exists`` does not tell from a missing file)."""
    import errno

    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            from ..errors import link_loop_error

            raise link_loop_error(path) from None
    raise InputError(f"{path}: no such file", ja=f"{path}: ファイルがありません")


_SEPARATORS = {"\t": ("a tab", "タブ"), ",": ("a comma", "コンマ"), "\n": ("a line break", "改行")}


def _csv_error_text(message: str) -> tuple[str, str]:
    """The csv module's error, in English and Japanese, with a tab or other separator named rather than shown
    (`'\t' expected after '"'` printed as blank space)."""
    import re

    found = re.fullmatch(r"'(.*)' expected after '\"'", message, re.S)
    if found:
        en, ja = _SEPARATORS.get(found.group(1), (repr(found.group(1)), repr(found.group(1))))
        return (f"{en} expected after the closing quote '\"'",
                f"閉じる引用符 '\"' の後には{ja}が必要です")
    if message == "unexpected end of data":
        return message, "引用符が閉じないままデータが終わりました"
    return message, message
