"""Write screened rows as CSV, TSV, xlsx or JSONL, atomically, safe to open in a spreadsheet.

- Every text cell written to CSV/TSV/xlsx (original cells, header names and result cells alike) that
  begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so a spreadsheet
  never runs it as a formula. Plain numbers such as ``-12`` or ``+3.5`` are left alone: they cannot run
  anything, and escaping them would turn data into text. JSONL is data, not a spreadsheet: never escaped.
- CSV/TSV text is exactly what ``csv.writer`` (Excel dialect) writes, but rows whose cells need no
  quoting are joined directly, a batch at a time, through one buffered text stream.
- CSV defaults to UTF-8 with a BOM so Excel opens Japanese correctly. With ``cp932`` output the usual
  Unicode/CP932 look-alikes (〜 — − ‖ ¢ £ ¬ ¦) are mapped to their CP932 forms. Any other character the
  encoding cannot hold raises :class:`InputError` naming the row, column and character (``errors='strict'``),
  or, with ``errors='replace'``, is written as ``?``; the writer counts the cells it altered and keeps where
  the first ones are (:attr:`RowWriter.cells_replaced`, :attr:`RowWriter.replacements`) — nothing is replaced
  silently. xlsx and JSONL are always Unicode (UTF-8).
- xlsx uses openpyxl's write-only mode (rows are streamed to disk). Control characters that XML cannot
  hold are replaced by U+FFFD; more than 1,048,575 data rows is an error (Excel's sheet limit). From an xlsx input,
  each input cell keeps its number format and each input column the width the input set (given per batch and once).
  From a CSV/TSV input (``numbers_from_text``), an input cell whose text is unambiguously a number or an ISO date is
  written as one, in a format that shows exactly that text (:func:`number_from_text`), when every filled cell of
  its column in the whole file is one (the rows wait in a temporary file until then); any other stays text.
- A file is written to a temporary file beside it and moved into place with ``os.replace`` only when
  complete; on any exception, KeyboardInterrupt included, the temporary file is removed. The input file
  is never the output.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import decimal
import errno
import json
import math
import os
import re
import secrets
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import repeat
from pathlib import Path
from typing import IO, Any, Protocol

from domaincheck.errors import InputError, UsageError, reason_ja
from domaincheck.io.encoding import canonical_encoding, output_text_fixer
from domaincheck.io.readers import CellFormat, cell_text
from domaincheck.io.streams import stream_text

__all__ = [
    "FORMULA_START",
    "OUTPUT_ERRORS",
    "OUTPUT_FORMATS",
    "XLSX_MAX_CELL_CHARS",
    "XLSX_MAX_ROWS",
    "RowWriter",
    "atomic_file",
    "check_destination",
    "check_output_path",
    "check_path_given",
    "is_descriptor_file",
    "named_os_errors",
    "neutralize",
    "number_from_text",
    "open_writer",
    "output_format",
    "row_label",
    "same_file",
    "starts_a_file",
    "too_many_rows",
    "xlsx_parts",
]

OUTPUT_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
"""File suffix (lower case) → output format."""

_FORMAT_NAMES = ("csv", "tsv", "xlsx", "jsonl")

OUTPUT_ERRORS = ("strict", "replace")
"""What a CSV/TSV writer does with a character its encoding cannot hold: stop with an error, or write ``?``."""
REPLACEMENT = "?"
"""What ``errors='replace'`` writes for each such character (as Python's own ``replace`` error handler)."""
MAX_REPLACEMENTS_KEPT = 10
"""How many altered cells a writer keeps the place of (all of them are counted)."""

Replacement = tuple[int, str, tuple[str, ...]]
"""Where a cell was altered: data row number (0: the header), column name, the characters replaced (``U+2013``)."""

XLSX_MAX_ROWS = 1_048_576
"""Rows in one Excel worksheet, header included."""
XLSX_MAX_CELL_CHARS = 32_767
"""Characters one Excel cell can hold."""


def too_many_rows(rows: int, whole: bool) -> InputError:
    """The error for an input with more data rows than an xlsx sheet holds: ``rows`` the input's data rows (``whole``)
    or the data rows read when the limit was passed."""
    limit = XLSX_MAX_ROWS - 1
    if whole:
        message = f"the input has {rows:,} data rows, more than xlsx output holds ({limit:,} data rows in one sheet)"
        message_ja = f"入力のデータ行は {rows:,} 行で、xlsx の出力に収まりません（1 シート {limit:,} データ行まで）"
    else:
        message = (f"xlsx output is limited to {limit:,} data rows per sheet: stopped after reading {rows:,} data "
                   "rows")  # fmt: skip
        message_ja = f"xlsx の出力は 1 シート {limit:,} データ行までです: {rows:,} データ行を読んだところで止めました"
    return InputError(f"{message}; nothing was written",
                      hint=f"write CSV (-o out.csv) or JSONL, which have no row limit, or split the input into files "
                           f"of at most {limit:,} data rows",
                      ja=f"{message_ja}。何も書き出していません",
                      hint_ja=f"行数に上限のない CSV（-o out.csv）か JSONL で書き出すか、入力を {limit:,} データ行"
                              "以下のファイルに分けてください")  # fmt: skip

SURROGATES = f"{chr(0xD800)}-{chr(0xDFFF)}"
"""The lone surrogates as a character-class range (built with chr: mypyc takes no surrogate in a string literal)."""
_SURROGATE = re.compile(f"[{SURROGATES}]")

XLSX_MAX_COLUMNS = 16_384
"""Columns of an xlsx sheet (A to XFD)."""


def too_many_columns(cells: int, row: int | None) -> InputError:
    """The error for a row (``row``: its data row number, as JSONL's ``row``; None: the header) that needs more
    columns than an xlsx sheet has, ``cells`` with the result columns. A stray cell far to the right (Ctrl+→ and a
    keystroke at XFD) is the usual cause: Excel would have to repair the workbook and could drop the cells past XFD,
    results among them."""
    where = "the header" if row is None else f"data row {row:,}"
    where_ja = "見出し行" if row is None else f"{row:,} 件目のデータ行"
    limit = f"{XLSX_MAX_COLUMNS:,}"
    return InputError(f"{where} needs {cells:,} columns with the result columns, more than an xlsx sheet has "
                      f"({limit}, A to XFD); nothing was written",
                      hint="write CSV (-o out.csv) or JSONL, or clear the stray cells at the right of that row",
                      ja=f"{where_ja}は結果の列を加えると {cells:,} 列になり、xlsx のシートの列数（{limit}、"
                         "A〜XFD）を超えます。何も書き出していません",
                      hint_ja="CSV（-o out.csv）か JSONL で書き出すか、その行の右端にある不要なセルを消して"
                              "ください")  # fmt: skip


_BUFFER_BYTES = 1 << 20
"""Write buffer of a text output file: fewer, larger writes."""

FORMULA_START = frozenset("=+-@\t\r")
"""First characters that make a spreadsheet read a cell as a formula (:func:`neutralize`)."""
_FORMULA_START = FORMULA_START
_STEPPED_MAX = 256
"""How many of one formula character the CSV writer's check steps through one by one in a batch's text; above it,
it looks for the two-character patterns that start a cell (slower per text, but not per character)."""
_PLAIN_NUMBER = re.compile(r"[+-](?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SIGNS_ONLY = re.compile(r"[-+]+")  # "-" for 該当なし, "--": no formula, and Japanese sheets are full of them
# Control characters a workbook cannot hold, and lone surrogates (a JSONL "\\ud83d"), built with chr(): mypyc cannot
# compile a surrogate in a string literal (it fell back to plain Python).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f" + chr(0xD800) + "-" + chr(0xDFFF) + "]")
"""What a workbook's text cannot hold as it is: control characters but tab and LF (CR too: XML reads CR LF as LF)
and lone surrogates."""
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_LOOKS_ESCAPED = re.compile("_x(?=[0-9A-Fa-f]{4}[_\x00-\x08\x0b-\x1f])")
"""Text that reads as a workbook escape (_x000B_ typed in a cell, or _x0041 before a control character, whose escape
gives it the closing underscore: a review): its underscore is escaped in turn, as Excel does."""
_XLSX_NATIVE = (int, float, decimal.Decimal, _dt.datetime, _dt.date, _dt.time, _dt.timedelta)

# Text (CSV/TSV) cells that an xlsx output writes as numbers or dates: ASCII digits only ([0-9], not \d, which also
# matches full-width and other digits), no leading zero but the one before a decimal point, no sign but a minus.
_NUMBER_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_GROUPED_TEXT = re.compile(r"-?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_ISO_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER_STARTS = frozenset("-0123456789")
_MAX_DIGITS = 15
"""Significant digits a spreadsheet number (a double, as Excel shows it) keeps: text with more stays text."""
_GENERAL_CHARS = 11
"""Characters Excel's General format shows of a number (12 digits and more turn into 1.23457E+11)."""
_MAX_DECIMALS = 30
"""Decimal places an Excel number format can hold."""
_FIRST_DATE = _dt.date(1900, 3, 1)
"""Excel's dates before this one are off by a day (its 1900 leap-year bug): earlier ISO dates stay text."""


def number_from_text(text: str) -> tuple[int | float | _dt.date, str | None] | None:
    """The value and number format (None: General) that show ``text`` exactly as a spreadsheet number or date, when
    ``text`` is unambiguously one; else None (the cell stays text).

    A number: ``5247``, ``-12``, ``3.75``, and grouped by thousands, ``1,234,000`` (format ``#,##0``); a decimal gets
    its own places (``3.50``: ``0.00``; General would show ``3.5``, and ``0.000000001`` as ``1E-09``), and an integer
    longer than General shows ``0``. A date: ``2025-04-01`` (format ``yyyy-mm-dd``). Text: a leading zero (``007``,
    a code), a plus, spaces, an exponent, more than 15 significant digits, ``-0``, a trailing or leading dot, ``%``,
    ``¥``, full-width digits, and anything else."""
    grouped = False
    if _NUMBER_TEXT.fullmatch(text) is None:
        if "," in text and _GROUPED_TEXT.fullmatch(text) is not None:
            grouped = True
        elif len(text) == 10 and _ISO_DATE_TEXT.fullmatch(text) is not None:
            try:
                day = _dt.date.fromisoformat(text)
            except ValueError:
                return None
            return (day, "yyyy-mm-dd") if day >= _FIRST_DATE else None
        else:
            return None
    plain = text.replace(",", "") if grouped else text
    whole, dot, places = plain.lstrip("-").partition(".")
    significant = (whole + places).lstrip("0")
    if not significant and text[0] == "-":
        return None  # -0 would show without its minus
    if len(significant) > _MAX_DIGITS or len(places) > _MAX_DECIMALS:
        return None
    if not dot:
        if grouped:
            return int(plain), "#,##0"
        return int(plain), None if len(text) <= _GENERAL_CHARS else "0"
    if grouped:
        return float(plain), "#,##0." + "0" * len(places)
    # Every decimal gets its places: General shows 0.000000001 as 1E-09 and rounds to the column's width
    return float(plain), "0." + "0" * len(places)


class RowWriter(Protocol):
    """What every format writer does.

    :meth:`write_rows` writes a batch of rows, each one flat list laid out as the header's cells, then the result
    cells (one per result column), then any cells beyond the header. The writer may modify those lists.
    """

    def write_header(self, header: Sequence[str], result_columns: Sequence[str],
                     widths: Sequence[float | None] | None = None, hidden: Sequence[bool] | None = None
                     ) -> None:  # fmt: skip
        """Write (or remember) the column names; ``widths`` (xlsx only): the header columns' widths in the input
        (None: not set there); ``hidden`` (xlsx only): which header columns the input hides."""

    def write_rows(
        self,
        numbers: Sequence[int],
        rows: Sequence[list[Any]],
        details: Sequence[Mapping[str, Any] | None] | None = None,
        formats: Sequence[Sequence[CellFormat] | None] | None = None,
    ) -> None:
        """Write a batch of flat rows; ``numbers`` are their input row numbers, ``details`` JSONL only. ``formats``
        (xlsx only): per row (None: none), the number formats of its input cells, laid out as the input's cells are:
        the header's, then those beyond it (which the flat row holds after the result cells)."""

    @property
    def cells_replaced(self) -> int:
        """Cells written with ``?`` for characters the encoding cannot hold (``errors='replace'``); else 0."""

    @property
    def replacements(self) -> tuple[Replacement, ...]:
        """Where the first :data:`MAX_REPLACEMENTS_KEPT` of those cells are, in the order written."""

    def finish(self) -> None:
        """Flush or save everything written."""

    def abort(self) -> None:
        """Drop any side files after a failure."""


def neutralize(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would treat as a formula (leaves plain numbers, a lone "-" and a text
    literal, ``="00123"``, alone)."""
    if text and text[0] in _FORMULA_START and not _PLAIN_NUMBER.fullmatch(text) and not _SIGNS_ONLY.fullmatch(text) \
            and not _TEXT_LITERAL.fullmatch(text):  # fmt: skip
        return "'" + text
    return text


_TEXT_LITERAL = re.compile(r'="(?:[^"]|"")*"')
"""A formula that is a text literal alone, ``="00123"``: how exports keep a code's leading zeros in a CSV that Excel
opens (an office's user test found its receipt numbers written ``'="00123"``). It can only show its text, so a CSV
or TSV keeps it as it was and a workbook holds that text (:func:`xlsx_parts`); a formula that joins or calls anything
(``="a"&B1``, ``="x"&HYPERLINK(…)``) is no literal and is guarded."""


def output_format(output: str | None, explicit: str | None) -> str:
    """Return the output format from an explicit name or the output suffix; stdout defaults to CSV.

    An explicit format that contradicts a known suffix (``fmt='csv'`` for ``out.xlsx``) is rejected.
    """
    suffix_fmt = None
    if output not in (None, "-"):
        assert output is not None
        suffix_fmt = OUTPUT_FORMATS.get(Path(output).suffix.lower())
    if explicit is not None:
        fmt = explicit.lower()
        if fmt not in _FORMAT_NAMES:
            raise UsageError(f"unknown output format {explicit!r}", hint="use csv, tsv, xlsx or jsonl",
                             ja=f"{explicit!r} という出力形式はありません",
                             hint_ja="csv、tsv、xlsx、jsonl のいずれかです")
        if suffix_fmt is not None and suffix_fmt != fmt:
            raise UsageError(f"output {output} has a .{suffix_fmt} suffix but --format asks for {fmt}",
                             hint=f"drop --format, or name the output ….{fmt}",
                             ja=f"出力 {output} の拡張子は .{suffix_fmt} ですが、--format は {fmt} です",
                             hint_ja=f"--format を外すか、出力の名前を ….{fmt} にしてください")
        return fmt
    if output in (None, "-"):
        return "csv"
    if Path(output).is_dir():
        raise InputError(f"{output}: is a directory; give an output file name",
                         ja=f"{output}: フォルダです。出力ファイルの名前を指定してください")
    if suffix_fmt is None and _is_device(output):
        return "csv"  # /dev/null, a named pipe: written into, CSV as on standard output
    if suffix_fmt is None:
        raise UsageError(
            f"{output}: cannot tell the output format from its suffix",
            hint="end the name with .csv, .tsv, .xlsx or .jsonl, or say which with --format csv|tsv|xlsx|jsonl",
            ja=f"{output}: 拡張子からは出力形式がわかりません",
            hint_ja="名前を .csv、.tsv、.xlsx、.jsonl で終えるか、--format csv|tsv|xlsx|jsonl で形式を指定してください",
        )
    return suffix_fmt


STDOUT_ALIASES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")
"""Output names that mean standard output itself: written to as the stream, never replaced by a file."""


def is_stdout(output: str | os.PathLike[str] | None) -> bool:
    """Whether ``output`` means standard output (None, ``-`` or a name of it such as ``/dev/stdout``)."""
    return output is None or os.fspath(output) in STDOUT_ALIASES


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same resolved path, or a link to it. A loop of links names no file (as
    the system says when it is opened)."""
    try:
        if a.resolve() == b.resolve():
            return True
    except (RuntimeError, OSError):  # a symbolic-link loop: Python 3.11 raises RuntimeError, later ones OSError
        return False
    if a.exists() and b.exists():
        with contextlib.suppress(OSError):
            return os.path.samefile(a, b)
    return False


def starts_a_file(out: IO[str]) -> bool:
    """Whether ``out`` writes the start of a regular file (``> out.csv``, or ``>>`` into an empty one): not a
    terminal, a pipe or the end of a longer file."""
    try:
        out.flush()
        info = os.fstat(out.fileno())
    except (AttributeError, OSError, ValueError):  # no file behind the stream (a test's buffer)
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def _is_device(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` exists and is no regular file or folder (a device such as /dev/null, a named pipe)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _is_stdin_file(path: Path) -> bool:
    """Whether ``path`` is the regular file standard input reads (``screen - < calls.csv``), compared by device and
    inode, as the file may be named any way (a link, /dev/stdin)."""
    return is_descriptor_file(0, path)


def is_descriptor_file(fd: int, path: Path) -> bool:
    """Whether ``path`` is the regular file open on descriptor ``fd`` (0: what stdin reads, 1: where stdout goes,
    ``> res.csv``), compared by device and inode."""
    try:
        given = os.fstat(fd)
        if not stat.S_ISREG(given.st_mode):
            return False
        named = os.stat(path)
    except (OSError, ValueError):
        return False
    return (given.st_dev, given.st_ino) == (named.st_dev, named.st_ino)


def check_output_path(output: Path, input_path: Path | None, stdin: bool = False) -> None:
    """InputError if ``output`` is the input (by resolved path or same file; with ``stdin``, the input is standard
    input, and a regular file it reads is the input too), a directory, has no folder (a
    folder on its way that is a file is named as one: ``in.csv/out.csv``), is a file read-only to this user, or lies
    in a folder this user cannot write in: said before any work, not after it. (The output is written beside the
    target and renamed onto it, which the folder's permission alone would allow: a read-only file is refused here,
    as the shell's ``>`` refuses it.)"""
    try:
        os.stat(output)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # written through, a loop of links would be replaced by the file (`>` refuses)
            from domaincheck.errors import link_loop_error

            raise link_loop_error(output) from None
    if (input_path is not None and same_file(output, input_path)) or (stdin and _is_stdin_file(output)):
        raise InputError(f"{output}: refusing to overwrite the input file", hint="choose another output file",
                         ja=f"{output}: 入力ファイルを上書きすることになるので止めました",
                         hint_ja="別の出力ファイルを指定してください")
    if output.is_dir():
        raise InputError(f"{output}: is a directory; give an output file name",
                         ja=f"{output}: フォルダです。出力ファイルの名前を指定してください")
    if not output.parent.is_dir():
        folder = next((f for f in output.parents if f.exists() or f.is_symlink()), None)
        if folder is not None and not folder.is_dir():
            raise InputError(f"{output}: {folder} is a file, not a folder", hint="give the output file's path in a "
                             "folder, e.g. beside the input: out.csv",
                             ja=f"{output}: {folder} はフォルダではなくファイルです",
                             hint_ja="出力ファイルはフォルダの中に指定してください（例: 入力と同じ場所に "
                             "out.csv）")  # fmt: skip
        raise InputError(f"{output}: the folder {output.parent} does not exist",
                         ja=f"{output}: フォルダ {output.parent} がありません")
    try:
        regular = stat.S_ISREG(os.stat(output).st_mode)  # the file a link points to
    except OSError:
        regular = None  # no such file yet
    if regular is not None and not os.access(output, os.W_OK):
        if _read_only_mount(output):
            raise _read_only_mount_error(output)
        raise InputError(f"{output}: the file is read-only; it was left as it is",
                         hint="choose another output file, or make it writable first",
                         ja=f"{output}: 読み取り専用のファイルです（変更していません）",
                         hint_ja="別の出力ファイルを指定するか、先に書き込めるようにしてください")  # fmt: skip
    folder = Path(os.path.realpath(output)).parent  # where atomic_file writes (not for a device: written into)
    if regular is None and not folder.is_dir():  # a link to a file in a folder that is not there
        raise InputError(f"{output}: the folder {folder} does not exist",
                         ja=f"{output}: フォルダ {folder} がありません")
    if regular is not False and not os.access(folder, os.W_OK | os.X_OK):
        if _read_only_mount(folder):
            raise _read_only_mount_error(output)
        raise InputError(f"{output}: cannot write in {folder}: Permission denied",
                         hint="choose an output file in a folder you can write to",
                         ja=f"{output}: {folder} に書き込めません（アクセスが拒否されました）",
                         hint_ja="書き込めるフォルダの出力ファイルを指定してください")  # fmt: skip


def _read_only_mount(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` lies on a file system mounted read-only (where no permission can make it writable)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return False


def _read_only_mount_error(output: str | os.PathLike[str]) -> InputError:
    """The error of an output on a read-only file system: it was said to be a read-only file to make writable, or a
    folder denied, which no change of permissions mends (a user test)."""
    return InputError(f"{output}: the file system is mounted read-only; nothing was written",
                      hint="choose an output file on a writable disk (your home folder, /tmp)",
                      ja=f"{output}: 読み取り専用でマウントされたファイルシステムです（何も書き込んでいません）",
                      hint_ja="書き込めるディスク（ホームフォルダ、/tmp など）の出力ファイルを指定してください")


def windows_superset(encoding: str, text: str | None = None) -> bool:
    """Whether ``encoding`` is Python's ``shift_jis`` (also named sjis, shift-jis), which lacks the characters Windows
    added to Shift_JIS and Japanese files use (髙, ①, ㈱): cp932 holds them. With ``text``: and cp932 holds all
    of ``text``."""
    try:
        if canonical_encoding(encoding) != "shift_jis":
            return False
    except InputError:
        return False
    if text is not None:
        try:
            text.encode("cp932")
        except UnicodeEncodeError:
            return False
    return True


def windows_superset_hint(encoding: str, shown: str, option: str) -> str:
    """The hint for an error under :func:`windows_superset` ``encoding``: use cp932 instead."""
    return (f"{encoding} reads as strict Shift_JIS, without the characters Windows added ({shown}); {option} "
            "cp932 (Windows' Shift_JIS) holds them")


def windows_superset_hint_ja(encoding: str, shown: str, option: str) -> str:
    """:func:`windows_superset_hint` in Japanese."""
    return (f"{encoding} は厳密な Shift_JIS として読み書きし、Windows が加えた文字（{shown}）を含みません。{option} "
            "cp932（Windows の Shift_JIS）ならこれらを扱えます")


def check_path_given(path: str | os.PathLike[str], option: str, stream: str = "output") -> None:
    """UsageError when ``path`` is empty (``-o ""``): it would name the current folder. ``stream``: what ``-`` means
    in its place (standard ``output`` or ``input``)."""
    if not os.fspath(path):
        raise UsageError(f"{option}: the path is empty", hint=f"give a file name, or - for standard {stream}",
                         ja=f"{option}: パスが空です",
                         hint_ja=f"ファイル名を指定してください（- は標準{'出力' if stream == 'output' else '入力'}）")


def _default_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


_NAME_MAX = 255
"""The longest file name, in bytes, of the common file systems (ext4, XFS, APFS, NTFS in UTF-16 units)."""


def _temp_name(name: str, token: str) -> str:
    """The hidden temporary name ``.NAME.TOKEN.part`` beside an output, with NAME shortened (whole characters) when
    the output's name is legal but the temporary one would pass the file system's limit (an 83-character Japanese
    name is 249 bytes: a user test)."""
    extra = len(f"..{token}.part")
    while len(os.fsencode(name)) + extra > _NAME_MAX and len(name) > 1:
        name = name[:-1]
    return f".{name}.{token}.part"


def _keep_owner(path: Path, was: os.stat_result) -> None:
    """Give ``path`` the owner and group of the file it replaces, as far as this user may: a replaced file took the
    user's default group, and colleagues sharing an office folder through the old one could lose it (a user test)."""
    if not hasattr(os, "chown"):  # Windows: no owners to keep
        return
    now = path.stat()
    if (now.st_uid, now.st_gid) == (was.st_uid, was.st_gid):
        return
    try:
        os.chown(path, was.st_uid, was.st_gid)
    except OSError:  # not the owner's to give: the group alone, when this user is in it
        with contextlib.suppress(OSError):
            os.chown(path, -1, was.st_gid)


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it onto ``target`` on success, delete it on failure.

    A symbolic link is followed: the file it points to is replaced and the link stays. A target that exists and is
    not a regular file (``/dev/null``, a named pipe, a terminal) has nothing to replace: it is yielded itself, to be
    written into. (Standard output's own names, ``/dev/stdout`` and the like, are the caller's to treat as the stream:
    see :func:`is_stdout`.)
    """
    if _is_device(target):  # the file a link points to; a folder is check_output_path's to refuse
        yield target
        return
    given, target = target, Path(os.path.realpath(target))
    # The name is chosen before the file is made (not tempfile.mkstemp, whose Python code runs on after creating the
    # file, where a SIGTERM or Ctrl-C could leave it behind unnamed), and the file is made inside the block that
    # removes it on any failure.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    temp = target.parent / _temp_name(target.name, secrets.token_hex(6))
    creating = True
    try:
        try:
            fd = os.open(temp, flags, 0o600)
        except FileExistsError:  # 48 random bits taken (not ours to remove): once more, with others
            temp = target.parent / _temp_name(target.name, secrets.token_hex(8))
            fd = os.open(temp, flags, 0o600)
        creating = False
        os.close(fd)
        yield temp
        try:
            was = target.stat()
            mode = stat.S_IMODE(was.st_mode)
        except OSError:
            was, mode = None, _default_mode()
        _to_disk(temp)
        try:
            os.chmod(temp, mode)
            if was is not None:
                _keep_owner(temp, was)
            os.replace(temp, target)
        except OSError as exc:  # an immutable or append-only file: the error names the target, not the temporary file
            raise InputError(f"{given}: cannot be replaced: {exc.strerror}",
                             hint="the file may be read-only to you or immutable (lsattr shows an i); choose "
                                  "another output file",
                             ja=f"{given}: 置き換えられません: {reason_ja(exc)}",
                             hint_ja="読み取り専用か変更不可（lsattr で i と表示）のファイルかもしれません。別の出力"
                                     "ファイルを指定してください") from None  # fmt: skip
    except BaseException as exc:
        if creating and isinstance(exc, FileExistsError):  # both names are other files: leave them
            raise InputError(f"{target}: cannot write in {target.parent}: temporary names in use",
                             ja=f"{target}: {target.parent} に書き込めません: 一時ファイルの名前が使用中です") from None
        # Ours otherwise, even when a signal came as os.open returned, before anything noted that it had made the
        # file (O_EXCL: no other file had the name); when nothing was made there is nothing to remove.
        with contextlib.suppress(OSError):
            temp.unlink()
        if creating and isinstance(exc, OSError):  # the temporary file could not be made
            raise InputError(f"{target}: cannot write in {target.parent}: {exc.strerror}",
                             ja=f"{target}: {target.parent} に書き込めません: {reason_ja(exc)}") from None
        raise


def _to_disk(path: Path) -> None:
    """Flush ``path``'s data to the disk (fsync), so that a crash or power cut just after the rename cannot leave an
    empty file where the previous output was (ext4 without auto_da_alloc, XFS: a review). A file system that cannot
    fsync leaves it to the kernel, as before."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDWR)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _check_stdout_is_not_input(input_path: Path | None, stdin: bool) -> None:
    """InputError when standard output is the input file (``screen calls.csv > calls.csv``, or ``>>``): a user test
    read "the input is empty", the shell's ``>`` having emptied the file before the run, and ``>>`` would write into
    the file being read. Compared by device and inode, as the file may be named any way."""
    try:
        out = os.fstat(sys.stdout.fileno())
        given = os.fstat(0) if stdin else os.stat(input_path) if input_path is not None else None
    except (AttributeError, OSError, ValueError):  # no file behind stdout (a test's buffer), or no input file yet
        return
    if given is None or not stat.S_ISREG(out.st_mode) or (out.st_dev, out.st_ino) != (given.st_dev, given.st_ino):
        return
    name = "<stdin>" if stdin else os.fspath(input_path or "")
    emptied = out.st_size == 0
    raise InputError(
        f"{name}: standard output is the input file itself" + (
            " and is empty now (the shell's > empties its file before the command runs)" if emptied else ""),
        hint="write the output to another file: -o out.csv" + (
            ", after restoring the input from a copy" if emptied else ""),
        ja=f"{name}: 標準出力が入力ファイルそのものです" + (
            "。いまは空です（シェルの > はコマンドの実行前にファイルを空にします）" if emptied else ""),
        hint_ja=("入力をコピーから戻したうえで、" if emptied else "")
        + "出力は別のファイルに書いてください: -o out.csv")


def check_destination(fmt: str, output: str | None, input_path: Path | None = None, *, stdin: bool = False,
                      errors: str = "strict") -> None:  # fmt: skip
    """The checks of where output goes, made before any input is read: UsageError for options that cannot go
    together (xlsx to standard output; ``errors`` not one of :data:`OUTPUT_ERRORS`), InputError for an output file
    that cannot be written (:func:`check_output_path`). ``output`` None or '-' is standard output."""
    if errors not in OUTPUT_ERRORS:
        raise UsageError(f"--output-errors is strict or replace, not {errors!r}",
                         ja=f"--output-errors は strict か replace です（{errors!r} は使えません）")
    if is_stdout(output):
        if fmt == "xlsx":
            raise UsageError("xlsx output needs an output file, not standard output", hint="add -o FILE.xlsx",
                             ja="xlsx の出力には出力ファイルが必要です（標準出力には書けません）",
                             hint_ja="-o FILE.xlsx を付けてください")
        _check_stdout_is_not_input(input_path, stdin)
        return
    assert output is not None
    check_output_path(Path(output), input_path, stdin=stdin)


@contextlib.contextmanager
def open_writer(
    fmt: str,
    output: str | None,
    *,
    encoding: str = "utf-8-sig",
    errors: str = "strict",
    stream: IO[str] | IO[bytes] | None = None,
    input_path: Path | None = None,
    numbers_from_text: bool = False,
    stdin: bool = False,
    sheet: str | None = None,
) -> Iterator[RowWriter]:
    """Yield a writer for ``fmt`` to ``output`` (atomically), or to ``stream`` when output is None or '-'.
    ``errors`` (CSV/TSV): what to do with a character ``encoding`` cannot hold, one of :data:`OUTPUT_ERRORS`.
    ``numbers_from_text`` (xlsx): the input cells are text read from CSV/TSV; those that are unambiguously numbers or
    dates are written as such (:func:`number_from_text`). ``stdin``: the input is standard input (see
    :func:`check_output_path`). ``sheet`` (xlsx): the output sheet's name, the input sheet's (default ``screened``).
    The destination is checked first (:func:`check_destination`)."""
    check_destination(fmt, output, input_path, stdin=stdin, errors=errors)
    encoding = "utf-8" if fmt in ("xlsx", "jsonl") else canonical_encoding(encoding)
    if is_stdout(output):
        with stream_text(stream, encoding) as text:
            writer = _text_writer(fmt, text, encoding, errors)
            yield writer
            writer.finish()
        return
    assert output is not None
    target = Path(output)
    with atomic_file(target) as temp:
        if fmt == "xlsx":
            xlsx = _XlsxWriter(temp, numbers_from_text, sheet)
            try:
                yield xlsx
                with named_os_errors(output):
                    xlsx.finish()
            except BaseException:
                xlsx.abort()
                raise
            return
        with named_os_errors(output):
            handle = open(temp, "w", encoding=encoding, errors="strict", newline="", buffering=_BUFFER_BYTES)  # noqa: SIM115 - closed below, its errors named
        try:
            writer = _text_writer(fmt, handle, encoding, errors)
            yield writer
            with named_os_errors(output):
                writer.finish()
                handle.close()  # the last buffer's flush: a full disk shows here
        finally:
            with contextlib.suppress(OSError):
                handle.close()


@contextlib.contextmanager
def named_os_errors(output: str | None) -> Iterator[None]:
    """An OSError that names no file, from writing ``output`` (a full disk while its temporary file is written), is
    said to be the output's. Only the writer's own calls go inside: an error from reading the input is not."""
    try:
        yield
    except OSError as exc:
        if output is None or exc.filename is not None or exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, output) from exc


def _text_writer(fmt: str, handle: IO[str], encoding: str, errors: str) -> _DelimitedWriter | _JsonlWriter:
    if fmt == "jsonl":
        return _JsonlWriter(handle)
    return _DelimitedWriter(handle, "\t" if fmt == "tsv" else ",", encoding, errors)


def row_label(number: int) -> str:
    """A data row number as messages name it (0: the header)."""
    return "the header" if number == 0 else f"data row {number}"


def row_label_ja(number: int) -> str:
    """:func:`row_label` in Japanese."""
    return "見出し行" if number == 0 else f"データの {number} 行目"


def _replace_unencodable(text: str, encoding: str) -> tuple[str, str]:
    """``text`` with each character ``encoding`` cannot hold written as :data:`REPLACEMENT`, and those characters."""
    parts: list[str] = []
    lost: list[str] = []
    while True:
        try:
            text.encode(encoding)
        except UnicodeEncodeError as exc:
            run = text[exc.start : exc.end]
            parts += (text[: exc.start], REPLACEMENT * len(run))
            lost.append(run)
            text = text[exc.end :]
            continue
        parts.append(text)
        return "".join(parts), "".join(lost)


class _Collector:
    """A write-only 'file' that keeps each string written in a list."""

    __slots__ = ("write",)

    def __init__(self, into: list[str]) -> None:
        self.write = into.append


class _NothingReplaced:
    """A writer of a Unicode format: it never replaces a character."""

    @property
    def cells_replaced(self) -> int:
        return 0

    @property
    def replacements(self) -> tuple[Replacement, ...]:
        return ()


class _DelimitedWriter:
    """CSV/TSV in the Excel dialect; neutralises formulas; CP932 look-alike mapping when asked; a character the
    encoding cannot hold is an error, or written as ``?`` and counted (``errors='replace'``)."""

    def __init__(self, handle: IO[str], delimiter: str, encoding: str, errors: str = "strict") -> None:
        self._handle = handle
        dialect = csv.excel_tab if delimiter == "\t" else csv.excel
        self._delimiter = delimiter
        # The formula characters that _may_start_formula looks for (a CR, or a tab in TSV, shows in a count instead)
        self._formula_chars = tuple(sorted(c for c in _FORMULA_START if c not in ("\r", delimiter)))
        self._writer = csv.writer(handle, dialect)
        self._collected: list[str] = []
        self._renderer = csv.writer(_Collector(self._collected), dialect)  # renders one line into the list
        self._encoding = encoding
        self._fix: Callable[[str], str] | None = output_text_fixer(encoding)
        self._columns: list[str] = []
        self._replace = errors == "replace"
        self._cells_replaced = 0
        self._replacements: list[Replacement] = []

    @property
    def cells_replaced(self) -> int:
        return self._cells_replaced

    @property
    def replacements(self) -> tuple[Replacement, ...]:
        return tuple(self._replacements)

    def _prepare(self, values: Sequence[Any]) -> list[str]:
        texts = [v if type(v) is str else cell_text(v) for v in values]
        if self._fix is not None:
            texts = [self._fix(t) for t in texts]
        start = _FORMULA_START
        return [neutralize(t) if t and t[0] in start else t for t in texts]

    def write_header(self, header: Sequence[str], result_columns: Sequence[str],
                     widths: Sequence[float | None] | None = None, hidden: Sequence[bool] | None = None
                     ) -> None:  # fmt: skip
        self._columns = [*header, *result_columns]
        self._write(0, self._prepare(self._columns))

    def write_rows(
        self,
        numbers: Sequence[int],
        rows: Sequence[list[Any]],
        details: Sequence[Mapping[str, Any] | None] | None = None,
        formats: Sequence[Sequence[CellFormat] | None] | None = None,
    ) -> None:
        sep = self._delimiter
        lines: list[str] | None = None
        if self._fix is None:
            # Fast path for a batch whose cells are all text (joining raises TypeError otherwise): the rows are
            # joined in C, and a few substring searches over the whole batch show that no cell can start like a
            # formula; only the lines they cannot clear are looked at, and only their rows prepared cell by cell.
            with contextlib.suppress(TypeError):
                lines = list(map(sep.join, rows))
        joined: str | None = None
        if lines is None:
            rows = [self._prepare(row) for row in rows]
            lines = list(map(sep.join, rows))
        else:
            joined = "\r\n".join(lines)
            if self._may_start_formula(joined, len(lines) - 1, sum(map(len, rows)) - len(rows)):
                joined = None
                rows = list(rows)
                for index, line in enumerate(lines):
                    if self._may_start_formula(line, 0, len(rows[index]) - 1):
                        rows[index] = self._prepare(rows[index])
                        lines[index] = sep.join(rows[index])
        text = self._render(lines, rows, joined)
        try:
            self._handle.write(text)
        except UnicodeEncodeError as exc:
            # Nothing of the batch was written (text is encoded before it is buffered).
            if self._replace:
                rows = [self._replaced(number, cells) for number, cells in zip(numbers, rows, strict=True)]
                self._handle.write(self._render(list(map(self._delimiter.join, rows)), rows))
                return
            # Write row by row up to the one that fails, as writing one row at a time would have, and name it.
            for number, cells in zip(numbers, rows, strict=True):
                try:
                    self._writer.writerow(cells)
                except UnicodeEncodeError:
                    raise self._encode_error(number, cells, exc) from None
            raise

    def _may_start_formula(self, text: str, breaks: int, separators: int) -> bool:
        """False when no cell of ``text`` (rows' cells joined by the delimiter, the rows by CRLF: ``breaks`` line
        breaks and ``separators`` delimiters between cells) can start with a formula character. A cell starts at the
        text's start, after a delimiter or after a line break. A CR, and in TSV a tab, cannot be told that way from
        the CRLF after an empty last cell or from an empty cell: a cell holding one shows in their counts instead.
        True is only a suspicion: a cell may hold ``,=`` or a line break inside it.

        Each character is looked for with ``str.find`` (a C scan for one character, several times faster than a
        search for a two-character pattern); the hyphens of ordinary titles (COVID-19) are passed over one by one.
        """
        sep = self._delimiter
        for char in self._formula_chars:
            at = text.find(char)
            if at == -1:
                continue
            if text.count(char) > _STEPPED_MAX:  # a run of dashes (------): two searches instead of a step per dash
                if at == 0 or (sep + char) in text or ("\n" + char) in text:
                    return True
                continue
            while at != -1:
                if at == 0 or text[at - 1] == sep or text[at - 1] == "\n":
                    return True
                at = text.find(char, at + 1)
        return text.count("\r") != breaks or (sep in _FORMULA_START and text.count(sep) != separators)

    def _render(self, lines: list[str], rows: Sequence[list[str]], joined: str | None = None) -> str:
        """The CSV text of rows of str cells (``lines``: each row's cells joined by the delimiter; ``joined``: the
        lines joined by CRLF, if already made), exactly as csv.writer writes it in the Excel dialect.

        csv.writer inspects every character (~17 ns each in CPython 3.11), so a row of long cells costs
        more to write than to read. A cell needs quoting only if it holds the delimiter, a quote or a line
        break; when no cell of the batch does, the text is the joined cells, which a few C-level counts
        over the whole batch confirm. Otherwise only the rows that need it go through csv.writer.
        """
        sep = self._delimiter
        text = "\r\n".join(lines) if joined is None else joined
        breaks = len(lines) - 1
        if (
            '"' not in text
            and text.count("\r") == breaks
            and text.count("\n") == breaks
            and text.count(sep) == sum(map(len, rows)) - len(rows)
            and min(map(len, rows), default=2) > 1  # csv.writer quotes a lone empty cell: ""
        ):
            return text + "\r\n" if lines else ""
        parts = []
        collected = self._collected
        for line, row in zip(lines, rows, strict=True):
            if '"' in line or "\r" in line or "\n" in line or line.count(sep) != len(row) - 1 or len(row) < 2:
                self._renderer.writerow(row)
                parts.append(collected.pop())
            else:
                parts.append(line + "\r\n")
        return "".join(parts)

    def _write(self, number: int, cells: list[str]) -> None:
        try:
            self._writer.writerow(cells)
        except UnicodeEncodeError as exc:
            if not self._replace:
                raise self._encode_error(number, cells, exc) from None
            self._writer.writerow(self._replaced(number, cells))

    def _column(self, index: int) -> str:
        return self._columns[index] if index < len(self._columns) else f"extra cell {index + 1}"

    def _replaced(self, number: int, cells: list[str]) -> list[str]:
        """``cells`` with each character the encoding cannot hold written as ``?``; the altered cells counted."""
        out = cells
        for index, cell in enumerate(cells):
            text, lost = _replace_unencodable(cell, self._encoding)
            if not lost:
                continue
            if out is cells:
                out = list(cells)
            out[index] = text
            self._cells_replaced += 1
            if len(self._replacements) < MAX_REPLACEMENTS_KEPT:
                codes = tuple(dict.fromkeys(f"U+{ord(c):04X}" for c in lost))
                self._replacements.append((number, self._column(index), codes))
        return out

    def _encode_error(self, number: int, cells: list[str], exc: UnicodeEncodeError) -> InputError:
        error = self._bad_character(number, cells)
        if error is not None:
            return error
        return InputError(f"{row_label(number)}: cannot be written in {self._encoding}: {exc.reason}",
                          ja=f"{row_label_ja(number)}: {self._encoding} では書き出せません: {exc.reason}")

    def _bad_character(self, number: int, cells: list[str]) -> InputError | None:
        """The error naming the first cell of a row that cannot be encoded, or None if every cell can."""
        for index, cell in enumerate(cells):
            try:
                cell.encode(self._encoding)
            except UnicodeEncodeError as cell_exc:
                char = cell_exc.object[cell_exc.start]
                superset = windows_superset(self._encoding, char)
                windows = f"{windows_superset_hint(self._encoding, char, '--output-encoding')}; or " if superset \
                    else ""  # fmt: skip
                windows_ja = f"{windows_superset_hint_ja(self._encoding, char, '--output-encoding')}。" \
                    if superset else ""  # fmt: skip
                if _SURROGATE.match(char):  # half a character, which no encoding holds (UTF-8 neither)
                    return InputError(
                        f"{row_label(number)}, column {self._column(index)!r}: {char!r} (U+{ord(char):04X}) is half "
                        "a character (a lone surrogate: an emoji cut in two), which no text encoding holds",
                        hint=f"pass --output-errors replace to write {REPLACEMENT!r} for it (the summary counts the "
                             "cells), or write JSONL, which keeps it as the escape \\u" + f"{ord(char):04x}, or xlsx",
                        ja=f"{row_label_ja(number)}、列 {self._column(index)!r}: {char!r}（U+{ord(char):04X}）は文字の"
                           "片割れ（対になっていないサロゲート。絵文字が途中で切れたもの）で、どの文字コードでも"
                           "書き出せません",
                        hint_ja=f"--output-errors replace で {REPLACEMENT!r} に置き換えるか（置き換えたセルの数は要約"
                                "に出ます）、エスケープ \\u" + f"{ord(char):04x} のまま残す JSONL か、xlsx で書き出して"
                                "ください",
                    )
                return InputError(
                    f"{row_label(number)}, column {self._column(index)!r}: character {char!r} (U+{ord(char):04X}) "
                    f"cannot be written in {self._encoding}",
                    hint=f"{windows}write UTF-8 (the default) or xlsx, which hold every character; or pass "
                         f"--output-errors replace to write {REPLACEMENT!r} for each such character (the summary "
                         "counts the cells)",
                    ja=f"{row_label_ja(number)}、列 {self._column(index)!r}: 文字 {char!r}（U+{ord(char):04X}）は "
                       f"{self._encoding} では書き出せません",
                    hint_ja=f"{windows_ja}すべての文字を扱える UTF-8（既定）か xlsx で書き出すか、"
                            f"--output-errors replace でそうした文字を {REPLACEMENT!r} に置き換えてください"
                            "（置き換えたセルの数は要約に出ます）",
                )
        return None

    def finish(self) -> None:
        self._handle.flush()

    def abort(self) -> None:
        pass


def _finite(value: Any) -> Any:
    """``value`` with every float that JSON cannot hold (NaN, Infinity, -Infinity: Python's json reads them from a
    JSONL input) as its JSON spelling in a string."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def json_keys(header: Sequence[str]) -> list[str]:
    """One distinct key per column: a repeated name gets the first free ``_2``, ``_3``… suffix, one that no column
    has (``備考, 備考, 備考_2`` → ``備考, 備考_3, 備考_2``), so that no cell overwrites another."""
    taken = set(header)
    seen: set[str] = set()
    keys = []
    for name in header:
        key = name
        if key in seen:
            n = 2
            while f"{name}_{n}" in taken:
                n += 1
            key = f"{name}_{n}"
            taken.add(key)
        seen.add(key)
        keys.append(key)
    return keys


class _JsonlWriter(_NothingReplaced):
    """One JSON object per row: row number, the classifier's dict, problem, then the original fields."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self._keys: list[str] = []
        self._results = 0
        self._encode = json.JSONEncoder(ensure_ascii=False, default=_json_default, allow_nan=False).encode

    def write_header(self, header: Sequence[str], result_columns: Sequence[str],
                     widths: Sequence[float | None] | None = None, hidden: Sequence[bool] | None = None
                     ) -> None:  # fmt: skip
        self._keys = json_keys(header)
        self._results = len(result_columns)
        # The result cell that names a row's problems (the screen's dc_problem), if the results have one.
        self._problem = list(result_columns).index("dc_problem") if "dc_problem" in result_columns else None

    def write_rows(
        self,
        numbers: Sequence[int],
        rows: Sequence[list[Any]],
        details: Sequence[Mapping[str, Any] | None] | None = None,
        formats: Sequence[Sequence[CellFormat] | None] | None = None,
    ) -> None:
        keys = self._keys
        width = len(keys)
        end = width + self._results  # the result cells are row[width:end]
        problem = None if self._problem is None else width + self._problem
        encode = self._encode
        lines = []
        for number, row, detail in zip(numbers, rows, details if details is not None else repeat(None), strict=False):
            record: dict[str, Any] = {"row": number}
            if detail is not None:
                record.update(detail)
            record["problem"] = (row[problem] if problem is not None else "") or None
            record["fields"] = dict(zip(keys, row, strict=False))  # stops after the header's cells
            if len(row) > end:
                record["extra_fields"] = row[end:]
            try:
                lines.append(encode(record))
            except ValueError:  # NaN or Infinity from a JSONL input: no JSON number, so their text
                lines.append(encode(_finite(record)))
        lines.append("")
        text = "\n".join(lines)
        try:
            self._handle.write(text)
        except UnicodeEncodeError:
            # Only a lone surrogate (a JSON \ud83d escape in the input, half an emoji) cannot be encoded: it is
            # written as that escape again, which JSON allows and reads back as the same string (a user test: one
            # such memo cell stopped the whole run); a high one right before a low one would read back as the one
            # character they make, but no JSON reader gives such a pair. No such character stands outside a string.
            self._handle.write(_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))

    def finish(self) -> None:
        self._handle.flush()

    def abort(self) -> None:
        pass


def _has_tz(value: object) -> bool:
    """Excel has no time zones: aware datetimes are written as their exact ISO text instead."""
    return isinstance(value, _dt.datetime | _dt.time) and value.tzinfo is not None


def _json_default(value: object) -> Any:
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):  # a duration cell as the sheet shows it (30:00:00)
        return cell_text(value)
    return str(value)


_EXACT_CELL_INT = 2**53
"""Integers from here on do not survive as a spreadsheet number (a double): they are written as text."""


def _display_width(value: Any) -> int:
    """Columns a cell's text takes in a spreadsheet: two for a wide (Japanese) character, one for others (a cell
    object's value: a text marked with the quote prefix)."""
    if _is_cell(value):
        value = value.value
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text[:200])


def _is_cell(value: Any) -> bool:
    """Whether a prepared xlsx value is an openpyxl cell object (a text with the quote prefix, a formatted value)."""
    return hasattr(value, "data_type") and hasattr(value, "number_format")


def xlsx_parts(text: str) -> tuple[str, bool]:
    """A text cell as the xlsx writer stores it, and whether it needs the formula guard: control characters as the
    workbook escapes them, as Excel writes a cell's CR (_x000D_) and reads such an escape back (they became U+FFFD,
    and CR LF came back as LF: a user test), and text that reads as an escape with its underscore escaped; a lone
    surrogate, no character at all, as U+FFFD; a text literal (``="00123"``) as the text it shows. openpyxl keeps
    32,767 characters of the text (see ``screen._excel_cell``); the guard is Excel's quote prefix, a style."""
    guarded = False
    if text and text[0] in _FORMULA_START:
        if _TEXT_LITERAL.fullmatch(text):  # ="00123": the text Excel shows for it, which may itself need a guard
            text = text[2:-1].replace('""', '"')
        # any text that starts with = is guarded in a workbook, a literal in a literal too: openpyxl writes a value
        # that starts with = as a formula (="=""x""" was a formula cell, a review)
        guarded = neutralize(text) != text or text[:1] == "="
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub("_x005F_x", text)
    if _XML_ILLEGAL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
        text = _SURROGATE.sub("\ufffd", text)
    return text, guarded


_SHEET_BARRED = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str | None) -> str:
    r"""``name`` as Excel takes a sheet's name: the characters it bars (``[]:*?/\``, which a workbook from another
    program may hold, and openpyxl refused with a traceback: a review) as ``_``, at most 31 characters, no apostrophe
    at either end; ``screened`` when nothing is left or there is none (CSV, TSV or JSONL input)."""
    title = _SHEET_BARRED.sub("_", name or "")[:31].strip("'")
    return title if title.strip() else "screened"


class _XlsxWriter(_NothingReplaced):
    """openpyxl write-only workbook, one sheet (named as the input's, else 'screened': :func:`sheet_title`): the
    header row bold, frozen and with filter buttons, each input column as wide as the input sets it, other columns
    as wide as their header and the first rows' cells need (from 10 to 60 characters); input cells keep their number
    formats. The header waits for the first rows: the widths must precede every row in the file."""

    def __init__(self, path: Path, numbers_from_text: bool = False, sheet: str | None = None) -> None:
        import openpyxl
        from openpyxl.cell import WriteOnlyCell

        self._path = path
        self._numbers_from_text = numbers_from_text
        # From CSV/TSV, which columns are numbers is known only when every row has come (see _numeric_of): the rows
        # wait in a temporary file (pickled a batch at a time), the columns' kinds are tallied as they come, and the
        # sheet is written at finish().
        self._numeric_columns: frozenset[int] | None = None
        self._spill: IO[bytes] | None = None
        self._text_seen: set[int] = set()
        self._number_seen: set[int] = set()
        self._workbook = openpyxl.Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet(sheet_title(sheet))  # 申請一覧 came back as 'screened' (a user test)
        self._sheet.freeze_panes = "A2"
        self._rows = 0
        self._columns = 0
        self._header: list[Any] | None = None
        self._widths: Sequence[float | None] = ()
        self._hidden: Sequence[bool] = ()
        self._width = 0  # the header's columns: a row's cells beyond them follow the result cells
        self._results = 0
        self._cell: Any = WriteOnlyCell

    def _prepare(self, values: Sequence[Any]) -> list[Any]:
        """The cells of a row as the sheet takes them; a text a spreadsheet would read as a formula (=, +, -, @)
        stays as it is, in a cell marked as text with Excel's quote prefix (:meth:`_quoted`): the mark Excel itself
        gives a cell typed '=…, which keeps it text when the cell is edited, where the ``'`` written into the text
        showed in every such cell (-AIによる創薬 as '-AIによる創薬, an office's user test)."""
        out: list[Any] = []
        for value in values:
            if isinstance(value, str):
                stored, guarded = xlsx_parts(value)
                out.append(self._quoted(stored) if guarded else stored)
            elif isinstance(value, float) and not math.isfinite(value):  # NaN or Infinity from a JSONL input
                out.append(_finite(value))  # no number a cell can hold: its text
            elif type(value) is int and abs(value) >= _EXACT_CELL_INT:  # Excel keeps 15-16 digits of a number
                out.append(str(value))  # an ID such as 12345678901234567890 keeps every digit as text
            elif value is None or (isinstance(value, _XLSX_NATIVE) and not _has_tz(value)):
                out.append(value)  # numbers and dates stay numbers and dates
            else:
                stored, guarded = xlsx_parts(cell_text(value))
                out.append(self._quoted(stored) if guarded else stored)
        return out

    def _quoted(self, text: str) -> Any:
        """A text cell marked with Excel's quote prefix: read as text however it starts, when opened and when edited
        (the data type set after the value, which openpyxl takes for a formula when it starts with =)."""
        cell = self._cell(self._sheet, text)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    def _append(self, values: list[Any]) -> None:
        if self._rows >= XLSX_MAX_ROWS:
            raise too_many_rows(self._rows, False)  # the header is a row, and one more data row is being written
        self._sheet.append(values)
        self._rows += 1
        if len(values) > self._columns:
            self._columns = len(values)  # a long row's extra cells: the filter covers them too

    def write_header(self, header: Sequence[str], result_columns: Sequence[str],
                     widths: Sequence[float | None] | None = None, hidden: Sequence[bool] | None = None
                     ) -> None:  # fmt: skip
        if len(header) + len(result_columns) > XLSX_MAX_COLUMNS:
            raise too_many_columns(len(header) + len(result_columns), None)
        self._header = self._prepare([*header, *result_columns])
        self._columns = len(self._header)
        self._width = len(header)
        self._results = len(result_columns)
        self._widths = widths or ()
        self._hidden = hidden or ()

    def _formatted(self, row: list[Any], formats: Sequence[CellFormat]) -> None:
        """Give the prepared ``row``'s input cells their number formats: each cell with one becomes a cell object
        holding it. A number the reader made the zero-padded text of is the number again."""
        width = self._width
        skip = self._results
        count = len(row)
        make = self._cell
        for at, shown in enumerate(formats):
            if shown is None:
                continue
            index = at if at < width else at + skip
            if index >= count:
                break
            value = row[index]
            fmt: str
            if isinstance(shown, tuple):
                fmt, value = shown
            else:
                fmt = shown
            cell = value if _is_cell(value) else make(self._sheet, value)  # a quoted text: that cell
            cell.number_format = fmt  # after the value: a date's own default format must not stand
            row[index] = cell

    def _start(self, first: Sequence[Sequence[Any]]) -> None:
        """Column widths from the header and ``first`` rows, then the bold header row."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        header, self._header = self._header, None
        if header is None:
            return
        widths = [_display_width(name) for name in header]
        for row in first[:200]:
            for i, value in enumerate(row[: len(widths)]):
                widths[i] = max(widths[i], _display_width(value))
        given, hidden = self._widths, self._hidden
        for i, width in enumerate(widths):
            kept = given[i] if i < len(given) else None
            dimension = self._sheet.column_dimensions[get_column_letter(i + 1)]
            dimension.width = kept if kept is not None else min(60, max(10, width + 2))
            if i < len(hidden) and hidden[i]:
                dimension.hidden = True
        bold = Font(bold=True)
        cells = []
        for name in header:
            cell = name if _is_cell(name) else WriteOnlyCell(self._sheet, value=name)
            cell.font = bold
            cells.append(cell)
        self._append(cells)

    def write_rows(
        self,
        numbers: Sequence[int],
        rows: Sequence[list[Any]],
        details: Sequence[Mapping[str, Any] | None] | None = None,
        formats: Sequence[Sequence[CellFormat] | None] | None = None,
    ) -> None:
        for number, row in zip(numbers, rows, strict=True):
            if len(row) > XLSX_MAX_COLUMNS:
                raise too_many_columns(len(row), number)
        if self._numbers_from_text and self._numeric_columns is None:
            import pickle

            if self._spill is None:
                import tempfile

                # beside the output (whose folder is checked and has its room), not in a small /tmp
                self._spill = tempfile.TemporaryFile(dir=self._path.parent)  # noqa: SIM115 - closed at finish/abort
            self._tally_kinds(rows)
            pickle.dump((rows, formats), self._spill, pickle.HIGHEST_PROTOCOL)
            return
        self._write(rows, formats)

    def _release(self) -> None:
        """Decide the numeric columns on every row, then write the rows waiting in the temporary file."""
        import pickle

        self._numeric_columns = frozenset(self._number_seen - self._text_seen)
        spill, self._spill = self._spill, None
        if spill is None:
            return
        with spill:
            spill.seek(0)
            while True:
                try:
                    rows, formats = pickle.load(spill)  # our own file, written above
                except EOFError:
                    break
                self._write(rows, formats)

    def _write(self, rows: Sequence[list[Any]], formats: Sequence[Sequence[CellFormat] | None] | None) -> None:
        prepared = [self._prepare(row) for row in rows]
        if self._header is not None:
            self._start(prepared)
        if formats is not None:
            for row, shown in zip(prepared, formats, strict=True):
                if shown is not None:
                    self._formatted(row, shown)
        if self._numeric_columns:
            for row, given in zip(prepared, rows, strict=True):
                self._numbers(row, given)
        for row in prepared:
            self._append(row)

    def _typed_columns(self, count: int) -> list[int]:
        """The indexes of a row of ``count`` cells that may be typed: the input's and those beyond the result cells."""
        return [*range(min(self._width, count)), *range(self._width + self._results, count)]

    def _tally_kinds(self, rows: Sequence[Sequence[Any]]) -> None:
        """Note the columns in which ``rows`` fill a cell with a number or a date, and those with anything else. A
        column is typed when all its filled cells in the whole file are numbers or dates and it has one: the
        others stay text in every row, so that a column of codes (12345678 beside 01234567) or of numbers and words
        (5247, 未定) is not part numbers, part text, which sorts, filters and looks up inconsistently."""
        text, number = self._text_seen, self._number_seen
        starts = _NUMBER_STARTS
        for given in rows:
            for index in self._typed_columns(len(given)):
                value = given[index]
                if type(value) is str and value and index not in text:
                    if value[0] not in starts or number_from_text(value) is None:
                        text.add(index)
                    else:
                        number.add(index)

    def _numbers(self, row: list[Any], given: Sequence[Any]) -> None:
        """Write the input cells of the prepared ``row`` whose ``given`` text (from a CSV/TSV input; before the ``'``
        that :func:`neutralize` puts before ``-1,234``) is unambiguously a number or a date as one (see
        :func:`number_from_text`); the result cells stay text. After :meth:`_start`: a column's width is its text's."""
        starts = _NUMBER_STARTS
        numeric = self._numeric_columns or frozenset()
        for index in self._typed_columns(len(row)):
            if index not in numeric:
                continue
            value = given[index]
            if type(value) is str and value and value[0] in starts:
                found = number_from_text(value)
                if found is not None:
                    number, fmt = found
                    if fmt is None:
                        row[index] = number
                    else:
                        cell = self._cell(self._sheet, number)
                        cell.number_format = fmt
                        row[index] = cell

    def finish(self) -> None:
        if self._numbers_from_text and self._numeric_columns is None:
            self._release()
        if self._header is not None:
            self._start([])
        if self._columns:
            from openpyxl.utils import get_column_letter

            self._sheet.auto_filter.ref = f"A1:{get_column_letter(self._columns)}{max(self._rows, 1)}"
        # openpyxl's own save leaves its archive open when writing fails (a full disk), and the archive's clean-up
        # then fails again at exit, with a traceback: the archive is made here, and dropped unfinished on failure.
        import zipfile

        from openpyxl.writer.excel import ExcelWriter

        self._workbook.properties.modified = _dt.datetime.now(_dt.UTC).replace(tzinfo=None)  # as openpyxl's save
        archive = zipfile.ZipFile(self._path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        try:
            ExcelWriter(self._workbook, archive).save()
        except BaseException:
            handle, archive.fp = archive.fp, None  # nothing more is written; the temporary file is removed
            if handle is not None:
                with contextlib.suppress(OSError):
                    handle.close()
            raise

    def abort(self) -> None:
        if self._spill is not None:
            with contextlib.suppress(OSError):
                self._spill.close()
        # openpyxl streams the sheet to its own temporary file and removes it only on save or at exit.
        rows = getattr(self._sheet, "_rows", None)
        if rows is not None:
            with contextlib.suppress(Exception):
                rows.close()
        writer = getattr(self._sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
            with contextlib.suppress(Exception):
                writer.cleanup()
