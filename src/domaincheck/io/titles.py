"""Titles given one per line (``classify -``): decoding, and the cells of a paste from Excel."""

from __future__ import annotations

import codecs
import csv
import io
import re

from ..errors import InputError
from .encoding import (
    DecodeFailure,
    broken_utf8,
    cp932_then_utf8,
    cut_short_utf8,
    damaged_utf8_line,
    decodes,
    euc_jp_read_as_cp932,
    japanese_euc,
    looks_western,
    resolve_encoding,
    sniff_bom,
    strict_cp932,
    utf8_from,
    utf8_line,
    utf8_then_cp932,
    utf16_order,
    western_mojibake_error,
)

LINE_END = re.compile(r"\r\n|\r|\n")
"""A line's end as editors and grep count them: a line feed, a carriage return or both (not a form feed or a line
separator, which str.splitlines takes for line ends too); also what screen and source split at."""

CELL_LINES_MAX = 10
"""The most lines one quoted cell of a paste may span (a title, its subtitle and a few more)."""


def titles_from_bytes(data: bytes, name: str = "standard input", name_ja: str = "標準入力",
                      allow_empty: bool = False, encoding: str | None = None) -> list[tuple[str, str]]:  # fmt: skip
    """Titles as (where, title) from text given one title per line: UTF-8 (with or without BOM), CP932 or EUC-JP, blank
    lines skipped, ``where`` naming the line (``line 3``). A cell pasted from Excel that holds a line break is one
    title (see :func:`lines_and_cells`). InputError for binary data, undecodable bytes, Western text read as
    CP932, or no title at all (with ``allow_empty``, an empty list instead). UTF-16 or UTF-32 with its byte-order
    mark (Excel's and Notepad's "Unicode text") is read as screen reads it (:func:`sniff_bom`): it was refused as
    binary data (a review). ``encoding`` (classify's --encoding) reads the text in that encoding instead, strictly:
    an undecodable byte is an InputError naming its line."""
    text = _detected(data, name, name_ja) if encoding is None else _decoded_as(data, encoding, name, name_ja)
    titles = lines_and_cells(text)
    if not titles and not allow_empty:
        raise InputError(f"no titles on {name}", ja=f"{name_ja}にタイトルがありません")
    return titles


def _detected(data: bytes, name: str, name_ja: str) -> str:
    """``data`` decoded in the encoding it is detected to be in (see :func:`titles_from_bytes`)."""
    bom = sniff_bom(io.BytesIO(data[:4]))
    if bom in ("utf-16", "utf-32"):
        try:
            data = data.decode(bom).encode("utf-8")
        except UnicodeDecodeError:
            label = bom.upper()
            raise InputError(f"{name} starts with a {label} byte-order mark but is not {label} text",
                             ja=f"{name_ja}は {label} のバイト順マークで始まりますが、{label} のテキストではありません"
                             ) from None  # fmt: skip
    if b"\x00" in data:
        head = data[: 1 << 16]
        lines = [line for line in LINE_END.split(data.decode("latin-1")) if line.strip()]
        nul_lines = sum("\x00" in line for line in lines)
        # Text with a stray NUL line or two is read as it is, its lines marked: UTF-16 has a NUL on nearly every line
        # (ASCII's high bytes, a line break's), and UTF-16 Japanese is never valid UTF-8. A line of a NUL alone puts
        # one beside a line break, so UTF-8 Japanese around it read as UTF-16 of other characters (a review).
        text8 = decodes(data, "utf-8")
        japanese = text8 and max(data) >= 0x80
        # UTF-8 text with a NUL in ten bytes at most: its lines hold stray NULs (English lines too: screen reads them,
        # classify - refused them whole, a review); UTF-16's ASCII is every other byte
        stray = nul_lines * 2 < len(lines) or japanese or (text8 and head.count(b"\x00") * 10 <= len(head))
        # UTF-16 text without its mark (Windows' "Unicode" from some tools, PowerShell 5's pipes) was refused as binary
        # data with no word of UTF-16 (a user test): read it in the byte order it reads as text in
        order = None if stray else next(
            (o for o in ("utf-16-le", "utf-16-be") if utf16_order(head, (o,)) and _utf16_lines(head, o)), None)
        if order is not None:
            try:
                data = data.decode(order).encode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{name} starts as {order.upper()} text without a byte-order mark but is not "
                                 f"{order.upper()} throughout", hint=f"convert it to UTF-8 first (iconv -f {order} "
                                 "-t utf-8)", ja=f"{name_ja}はバイト順マークのない {order.upper()} のテキストとして"
                                 f"始まりますが、全体はそう読めません", hint_ja=f"先に UTF-8 に変換してください（iconv "
                                 f"-f {order} -t utf-8）") from None  # fmt: skip
        # binary data: NUL bytes more than one byte in a hundred, or one in ten in UTF-8 text (two of
        # three short Japanese lines with a stray NUL each were refused whole: a third user test)
        elif not stray or (nul_lines > 1 and head.count(b"\x00") * (10 if text8 else 100) > len(head)):
            raise InputError(f"{name} contains NUL bytes: it looks like binary data, not titles",
                             ja=f"{name_ja}に NUL バイトがあります: タイトルではなくバイナリデータのようです")
        # else stray NULs in text: their titles are reported as errors of their own, as screen marks rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as not_utf8:
        at = not_utf8.start + (len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0)  # utf-8-sig's
        # positions leave its mark out (a review: the check looked three bytes short, into the line before)
        failed = DecodeFailure("utf-8", data[:at].count(b"\n") + 1, at, data[at : at + 4])
        if (cut := cut_short_utf8(io.BytesIO(data), failed, name)) is not None:
            raise cut from None  # UTF-8 whose last character was cut, which CP932 reads (a review)
        if (mixed := utf8_then_cp932(io.BytesIO(data), failed, name, name_ja + "は", japanese=True)) is not None:
            raise mixed from None  # UTF-8 lines, then CP932 ones (a user test: read as CP932, mojibake and none)
        try:
            text = strict_cp932(data)  # its undefined bytes read an EUC-JP line after UTF-8 as mojibake (a review)
        except UnicodeDecodeError as not_cp932:
            euc = japanese_euc(data)
            if euc is None and damaged_utf8_line(io.BytesIO(data), failed):
                # a UTF-8 line with a character cut, which CP932 fails on later: it was "neither UTF-8, CP932 nor
                # EUC-JP", or CP932 lines and then UTF-8 (a review; screen said it so)
                raise _damaged(name, name_ja, data[: not_utf8.start].count(b"\n") + 1) from None
            if euc is None:
                # where each fails: a CP932 file fails as UTF-8 at its first Japanese character, and a UTF-8 one with
                # a bad byte may fail as CP932 only later (a user test, then a review)
                utf8 = data[: not_utf8.start].count(b"\n") + 1
                cp932 = data[: not_cp932.start].count(b"\n") + 1
                if decodes(data, "euc-jp"):
                    # EUC-JP without a kana (核融合, 宇宙) reads so, as Chinese or Korean text may: it was said to be
                    # no EUC-JP, with no way round (a user test)
                    raise InputError(f"{name} is neither UTF-8 nor CP932 (an undecodable byte on line {utf8} as "
                                     f"UTF-8, on line {cp932} as CP932); it reads as EUC-JP, but holds no kana to "
                                     "tell Japanese from Chinese or Korean text", hint="if it is EUC-JP, pass "
                                     "--encoding euc-jp", ja=f"{name_ja}が UTF-8 でも CP932 でもありません（UTF-8 と"
                                     f"しては {utf8} 行目、CP932 としては {cp932} 行目に読めないバイト）。EUC-JP と"
                                     "しては読めますが、仮名がないため中国語や韓国語の文字コードと区別できません",
                                     hint_ja="EUC-JP なら --encoding euc-jp を指定してください") from None  # fmt: skip
                if cp932 > 1 and utf8_from(io.BytesIO(data), not_cp932.start):
                    # a CP932 header, UTF-8 lines: the first of them, which CP932 may read before it fails
                    first = min(utf8_line(io.BytesIO(data)) or cp932, cp932)
                    raise cp932_then_utf8(name, name_ja + "は", first) from None
                western = looks_western(data[: 1 << 16])  # Windows-1252's curly quotes and é (a user test)
                raise InputError(f"{name} is neither UTF-8, CP932 nor EUC-JP (an undecodable byte on line {utf8} "
                                 f"as UTF-8, on line {cp932} as CP932)",
                                 hint="it reads as Western-European text: pass --encoding cp1252 (Windows) or "
                                 "--encoding latin-1" if western else "pass its encoding with --encoding",
                                 ja=f"{name_ja}が UTF-8 でも CP932 でも EUC-JP でもありません（UTF-8 としては "
                                 f"{utf8} 行目、CP932 としては {cp932} 行目に読めないバイト）",
                                 hint_ja="西欧語のテキストとして読めます: --encoding cp1252（Windows）か --encoding "
                                 "latin-1 を指定してください" if western
                                 else "--encoding で文字コードを指定してください"
                                 ) from None  # fmt: skip
            text = euc
        else:
            if euc_jp_read_as_cp932(data, name, "if it is EUC-JP, pass --encoding euc-jp (or convert it: iconv -f "
                                    "euc-jp -t utf-8)", "EUC-JP なら --encoding euc-jp を指定してください（または "
                                    "iconv -f euc-jp -t utf-8 で変換）"):
                # EUC-JP, which CP932 reads as half-width katakana (量子 → ﾎﾌｻﾒ)
                euc = japanese_euc(data)
                if euc is None:  # its start is, but not the whole of it
                    raise InputError(f"{name} is EUC-JP only in part (an undecodable byte after its start)",
                                     ja=f"{name_ja}は途中までしか EUC-JP として読めません（読めないバイトがあります）")
                text = euc
            elif damaged_utf8_line(io.BytesIO(data), failed) or (
                    (later := utf8_line(io.BytesIO(data))) is None and broken_utf8(data)):  # fmt: skip
                # UTF-8 with a bad byte, which CP932 happened to read (as mojibake): the line where UTF-8 fails is
                # UTF-8 with a character cut, whatever follows it (CP932 rows after it: read as CP932, exit 0, and
                # UTF-8 rows after it: said to be CP932 lines, then UTF-8, two reviews), or the text is broken UTF-8
                raise _damaged(name, name_ja, data[: not_utf8.start].count(b"\n") + 1) from None
            elif later is not None:  # CP932 lines, then UTF-8 ones (a review)
                raise cp932_then_utf8(name, name_ja + "は", later) from None
        # Windows-1252 or Latin-1 text, which CP932 reads as mojibake (réseau → r駸eau)
        error = western_mojibake_error(text, name, "convert it to UTF-8 first (iconv -f cp1252 -t utf-8)",
                                       "先に UTF-8 に変換してください（iconv -f cp1252 -t utf-8）")
        if error is not None:
            raise error from None
    return text


def _damaged(name: str, name_ja: str, line: int) -> InputError:
    """The error of UTF-8 text with an invalid byte on ``line`` (a character cut, a byte lost)."""
    return InputError(f"{name} is UTF-8 text with an invalid byte on line {line} (read as CP932, it would be "
                      "mojibake)", hint="the text may have been cut in the middle of a character or damaged: mend it "
                      "or give it again",
                      ja=f"{name_ja}は UTF-8 のテキストですが、{line} 行目に UTF-8 として不正なバイトがあります（CP932 "
                      "として読むと文字化けします）",
                      hint_ja="文字の途中で切れたか壊れたテキストかもしれません。直して渡し直してください")  # fmt: skip


def _decoded_as(data: bytes, given: str, name: str, name_ja: str) -> str:
    """``data`` read in the encoding ``given``, strictly, after screen's checks of an encoding given
    (:func:`~domaincheck.io.encoding.resolve_encoding`: one that would read the text's UTF-8 or Japanese as mojibake,
    or that a byte-order mark contradicts, is refused; a review found classify --encoding cp932 reading UTF-8 as
    mojibake with exit 0); InputError naming the line of the first byte it cannot read."""
    encoding = resolve_encoding(io.BytesIO(data), given, name=name)
    try:
        text = data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        # lines counted in the text before the byte, not by 0x0A bytes, which UTF-16 holds inside characters (上)
        line = data[: exc.start].decode(encoding, "replace").count("\n") + 1
        raise InputError(f"{name} cannot be read as {given}: an undecodable byte on line {line}",
                         hint="leave --encoding out to detect the encoding",
                         ja=f"{name_ja}を {given} として読めません: {line} 行目に読めないバイトがあります",
                         hint_ja="--encoding を省くと文字コードを自動判定します") from None  # fmt: skip
    return text


def _utf16_lines(head: bytes, order: str) -> bool:
    """Whether ``head``, read as UTF-16 in ``order``, looks like lines of text: it holds a line break, or half of
    its characters are ASCII (a title in Latin letters without one). Text of another encoding that happens to decode
    as UTF-16 reads as random CJK characters and has neither."""
    text = codecs.getincrementaldecoder(order)("replace").decode(head, False)
    return "\n" in text or "\r" in text or sum(c < "\x80" for c in text) * 2 >= len(text)


def lines_and_cells(text: str) -> list[tuple[str, str]]:
    """One title a line, except a paste from Excel's cells: Excel copies a cell that holds a line break (a title and
    its subtitle) as one quoted field, its quotes doubled, and the cells of a row apart by tabs. A line that starts
    with a quote begins such a record when it and the next lines (at most :data:`CELL_LINES_MAX`) read as one; the
    record is one title, its cells joined by a space. Otherwise the quote is the title's own (``"Smart" cities``),
    and the line is a title as it stands, without changing how the other lines are read.

    Lines end at a line feed, a carriage return or both, as a file's lines do; not at the other characters that
    ``str.splitlines`` takes for line ends (U+2028, NEL, form feed, vertical tab, the file/group/record separators),
    which a title pasted from Word or a PDF may hold: one such title came out as two (a user test)."""
    lines = LINE_END.split(text)
    if lines and not lines[-1]:
        lines.pop()
    titles: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        taken = 1
        title = line.strip()
        if title.startswith('"'):
            record = _first_record(lines[i : i + CELL_LINES_MAX])
            if record is not None:
                cells, taken = record
                title = " ".join(" ".join(cell.split()) for cell in cells if cell.strip())
        if title:
            titles.append((f"line {i + 1}", title))
        i += taken
    return titles


def _first_record(lines: list[str]) -> tuple[list[str], int] | None:
    """The cells of the first record of Excel's tab-separated copy in ``lines`` and how many lines it spans, when it
    is one (a strict parse, read once); None when the first line does not begin one that ends within ``lines``."""
    reader = csv.reader(io.StringIO("\n".join(lines).lstrip()), dialect=csv.excel_tab, strict=True)
    try:
        cells = next(reader)
    except (csv.Error, StopIteration):
        return None
    return cells, reader.line_num
