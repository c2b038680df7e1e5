"""Text encodings: detect an input's encoding in chunks, locate decode errors, prepare text for output.

Detection follows one chain and never loads the whole file: a byte-order mark decides first
(UTF-8, UTF-16, UTF-32); otherwise the file is decoded incrementally as strict UTF-8, and if that fails,
as CP932 (the Windows superset of Shift_JIS); a file that CP932 cannot read, or reads only as half-width katakana,
is EUC-JP when EUC-JP reads it as Japanese (:func:`japanese_euc`). charset-normalizer is deliberately not used: it takes
short CP932 text for Korean. A file that is neither raises :class:`InputError` naming the line and byte
offset where decoding failed, and so does one that decodes as CP932 only as the mojibake of Western-European text,
so nothing is ever read (or written) as mojibake.

Output in CP932 first maps the handful of characters that Unicode-based sources spell differently from
CP932 (WAVE DASH 〜, EM DASH —, MINUS SIGN −, DOUBLE VERTICAL LINE ‖, ¢ £ ¬ ¦) to the CP932 forms a
Japanese reader expects; any other character CP932 cannot hold is an error reported by the writer.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import BinaryIO

from domaincheck.errors import InputError, UsageError

__all__ = [
    "CHUNK_SIZE",
    "DecodeFailure",
    "canonical_encoding",
    "cut_short_error",
    "cut_short_utf8",
    "damaged_utf8_line",
    "decodes",
    "detect_encoding",
    "find_decode_error",
    "looks_like_text",
    "looks_western",
    "output_text_fixer",
    "resolve_encoding",
    "sniff_bom",
    "strict_cp932",
    "untried_encodings",
    "utf8_then_cp932",
]

CHUNK_SIZE = 1 << 20
"""Bytes decoded per step while detecting; memory use is bounded by this, not by the file."""

# Order matters: the UTF-32 LE mark starts with the UTF-16 LE mark.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Python's cp932 codec maps the undefined single bytes 0xA0, 0xFD, 0xFE, 0xFF to these private-use
# characters instead of failing; real CP932 text never contains them, so detection treats them as errors.
_CP932_UNDEFINED = re.compile("[\uf8f0-\uf8f3]")


def strict_cp932(data: bytes) -> str:
    """``data`` read as CP932, the bytes it leaves undefined (0xA0, 0xFD-0xFF, which Python reads as U+F8F0-U+F8F3)
    refused as screen refuses them: UnicodeDecodeError at the first."""
    text = data.decode("cp932")
    found = _CP932_UNDEFINED.search(text)
    if found is not None:
        at = len(text[: found.start()].encode("cp932"))
        raise UnicodeDecodeError("cp932", data, at, at + 1, "a byte CP932 does not define")
    return text

# Unicode characters whose CP932 spelling is a different code point (the "WAVE DASH problem").
_TO_CP932 = str.maketrans(
    {
        "\u301c": "\uff5e",  # WAVE DASH -> FULLWIDTH TILDE
        "\u2016": "\u2225",  # DOUBLE VERTICAL LINE -> PARALLEL TO
        "\u2212": "\uff0d",  # MINUS SIGN -> FULLWIDTH HYPHEN-MINUS
        "\u2014": "\u2015",  # EM DASH -> HORIZONTAL BAR
        "\u00a2": "\uffe0",  # CENT SIGN -> FULLWIDTH CENT SIGN
        "\u00a3": "\uffe1",  # POUND SIGN -> FULLWIDTH POUND SIGN
        "\u00ac": "\uffe2",  # NOT SIGN -> FULLWIDTH NOT SIGN
        "\u00a6": "\uffe4",  # BROKEN BAR -> FULLWIDTH BROKEN BAR
    }
)
_CP932_LOOKALIKE = re.compile("[" + "".join(chr(c) for c in _TO_CP932) + "]")


@dataclass(frozen=True)
class DecodeFailure:
    """Where a byte stream stopped decoding in a given encoding."""

    encoding: str
    """The codec that failed."""
    line: int
    """1-based physical line (counted by line feeds) holding the bad bytes."""
    offset: int
    """0-based byte offset of the first bad byte from the start of the stream."""
    bad_bytes: bytes
    """The offending bytes (a few at most)."""

    def describe(self) -> str:
        """A short human description, e.g. ``line 3 (byte offset 57, bytes 0x82 0xa0)``."""
        shown = " ".join(f"0x{b:02x}" for b in self.bad_bytes[:4])
        return f"line {self.line} (byte offset {self.offset}, bytes {shown})"

    def describe_ja(self) -> str:
        """:meth:`describe` in Japanese, e.g. ``3 行目（バイト位置 57、バイト 0x82 0xa0）``."""
        shown = " ".join(f"0x{b:02x}" for b in self.bad_bytes[:4])
        return f"{self.line} 行目（バイト位置 {self.offset}、バイト {shown}）"


_ALIASES = {"windows31j": "cp932", "csshiftjis": "shift_jis", "xsjis": "shift_jis", "xeucjp": "euc_jp",
            "cswindows31j": "cp932"}
"""Names other tools give Japanese encodings that Python's codecs do not know: Windows-31J (Java's and MySQL's
name, and the IANA one, for CP932; a user test), csWindows31J, x-sjis, x-euc-jp, csShiftJIS."""


def canonical_encoding(name: str) -> str:
    """Return the codec's canonical name (``Shift_JIS`` → ``shift_jis``, ``Windows-31J`` → ``cp932``); UsageError (a
    bad option value) when unknown."""
    try:
        info = codecs.lookup(_ALIASES.get(re.sub(r"[-_\s]", "", name.casefold()), name))
    except LookupError:
        raise UsageError(f"unknown encoding {name!r}",
                         hint="use e.g. utf-8, utf-8-sig or cp932 (Japanese Windows)",
                         ja=f"{name!r} という文字コードはありません",
                         hint_ja="utf-8、utf-8-sig、cp932（日本語版 Windows）などを指定してください"
                         ) from None  # fmt: skip
    if not getattr(info, "_is_text_encoding", True):  # hex, base64, rot13: codecs, but not text encodings
        raise UsageError(f"{name!r} is not a text encoding", hint="use e.g. utf-8, utf-8-sig or cp932",
                         ja=f"{name!r} はテキストの文字コードではありません",
                         hint_ja="utf-8、utf-8-sig、cp932 などを指定してください")
    return info.name


def sniff_bom(stream: BinaryIO) -> str | None:
    """Return the encoding announced by a byte-order mark at the stream's start, or None; rewinds."""
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


def find_decode_error(
    stream: BinaryIO,
    encoding: str,
    *,
    chunk_size: int = CHUNK_SIZE,
    reject_undefined_cp932: bool = False,
) -> DecodeFailure | None:
    """Decode the whole stream incrementally from its start; return where it first fails, or None.

    Only one chunk is held at a time. ``reject_undefined_cp932`` also treats the bytes Python's cp932
    codec decodes to private-use characters as failures (used by detection, not by explicit choice).
    """
    stream.seek(0)
    named, fed = encoding, 0
    if codecs.lookup(encoding).name == "utf-8-sig":
        # The BOM decoder reports a failure's position in the bytes after the byte-order mark: read past the mark
        # and decode the rest as UTF-8, so that line and offset count from the file's start (a user test: line 9
        # for line 10, the offset 3 short)
        if stream.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8:
            fed = len(codecs.BOM_UTF8)
        else:
            stream.seek(0)
        encoding = "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines = 0
    while True:
        chunk = stream.read(chunk_size)
        final = not chunk
        state = decoder.getstate()
        try:
            text = decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            pending = state[0]
            offset = fed - len(pending) + exc.start
            before = _decode_prefix(encoding, state, chunk[: max(0, exc.start - len(pending))])
            return DecodeFailure(
                encoding=named,
                line=lines + before.count("\n") + 1,
                offset=offset,
                bad_bytes=bytes(exc.object[exc.start : exc.end]),
            )
        if reject_undefined_cp932:
            found = _CP932_UNDEFINED.search(text)
            if found is not None:
                head = text[: found.start()]
                offset = fed - len(state[0]) + len(head.encode(encoding, errors="replace"))
                return DecodeFailure(
                    encoding=named,
                    line=lines + head.count("\n") + 1,
                    offset=offset,
                    bad_bytes=found.group().encode(encoding, errors="replace"),
                )
        lines += text.count("\n")
        fed += len(chunk)
        if final:
            return None


def _decode_prefix(encoding: str, state: tuple[bytes, int], data: bytes) -> str:
    """Decode the valid bytes in front of an error, continuing from a saved decoder state."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    decoder.setstate(state)
    return decoder.decode(data, False)


def detect_encoding(stream: BinaryIO, *, name: str = "input", chunk_size: int = CHUNK_SIZE) -> str:
    """Detect BOM → strict UTF-8 → CP932, decoding in chunks; InputError (with line) if none fits."""
    bom = sniff_bom(stream)
    if bom is not None:
        return bom
    utf8 = find_decode_error(stream, "utf-8", chunk_size=chunk_size)
    if utf8 is None:
        return "utf-8"
    cp932 = find_decode_error(stream, "cp932", chunk_size=chunk_size, reject_undefined_cp932=True)
    stream.seek(0)
    if cp932 is not None and _euc_jp_all_through(stream, chunk_size):
        return "euc-jp"  # Japanese text CP932 cannot read (`classify -` reads it so too)
    if cp932 is None:
        head = stream.read(chunk_size)
        stream.seek(0)
        if euc_jp_read_as_cp932(head, name):
            return "euc-jp"
        _reject_western_mojibake(head, name)
        cut = cut_short_utf8(stream, utf8, name)
        if cut is not None:
            raise cut
        mixed = utf8_then_cp932(stream, utf8, f"{name}:", f"{name}:", japanese=True)
        if mixed is not None:  # UTF-8 rows, then CP932 ones that the UTF-8 rows happen to read as (a user test)
            raise mixed
        if damaged_utf8_line(stream, utf8):
            raise _invalid_utf8(name, utf8)
        later = utf8_line(stream)
        # a CP932 header, then UTF-8 rows, is no broken UTF-8: said so before (a review; classify - said it right)
        if later is None and broken_utf8(head):
            raise _invalid_utf8(name, utf8)
        if later is not None:
            raise cp932_then_utf8(f"{name}:", f"{name}:", later)
        return "cp932"
    # The encoding that decoded further is the likelier intent; report its failure first.
    first, second = (cp932, utf8) if cp932.offset >= utf8.offset else (utf8, cp932)
    cut = cut_short_error(stream, first, name)
    if cut is not None:
        raise cut
    mixed = utf8_then_cp932(stream, utf8, f"{name}:", f"{name}:")
    if mixed is not None:
        raise mixed
    if damaged_utf8_line(stream, utf8):
        # CP932 read the damaged line and failed on a later one, which was said to be UTF-8 after CP932 lines
        raise _invalid_utf8(name, utf8)
    if cp932.line > 1 and utf8.offset < cp932.offset <= chunk_size and utf8_from(stream, cp932.offset):
        # CP932 lines (a header saved by Excel), then UTF-8 ones: was said to be in neither, with a hint of euc-jp
        # (a fourth user test); the other order is said to mix the two
        # the first UTF-8 line, which CP932 may read as mojibake before it fails on a later one (a review)
        raise cp932_then_utf8(f"{name}:", f"{_name_ja(name)}:", min(utf8_line(stream) or cp932.line, cp932.line))
    others = untried_encodings(("utf-8", "cp932"), stream.read(_SAMPLE))
    stream.seek(0)
    eg, eg_ja = ", ".join(others), "、".join(others)
    hint = f"save the file as UTF-8, or pass its encoding with --encoding (e.g. {eg})"
    hint_ja = f"ファイルを UTF-8 で保存し直すか、--encoding で文字コードを指定してください（例: {eg_ja}）"
    if first.line > _DAMAGED_AFTER and not any(o.startswith("utf-16") for o in others):
        # ten lines and more read in that encoding: a damaged line, not a file in a third one (NUL bytes, which
        # UTF-16 without its mark has, decode as anything)
        label = _label(first.encoding)
        hint = f"mend line {first.line} (the lines before it read as {label}); if the file is in another encoding, " \
            f"pass it with --encoding (e.g. {eg})"  # fmt: skip
        hint_ja = f"{first.line} 行目を直してください（その前の行は {label} として読めます）。ファイル全体が別の" \
            f"文字コードなら --encoding で指定します（例: {eg_ja}）"  # fmt: skip
    raise InputError(
        f"{name}: cannot decode as {_label(first.encoding)} at {first.describe()}, "
        f"nor as {_label(second.encoding)} (fails at {second.describe()})",
        hint=hint,
        ja=f"{_name_ja(name)}: {_label(first.encoding)} としては {first.describe_ja()}で読めず、"
        f"{_label(second.encoding)} としても読めません（{second.describe_ja()}で失敗）",
        hint_ja=hint_ja,
    )


def _invalid_utf8(name: str, utf8: DecodeFailure) -> InputError:
    """The error of a UTF-8 text with invalid bytes (a character cut or a byte lost) where ``utf8`` failed."""
    return InputError(f"{name}: UTF-8 text with invalid bytes at {utf8.describe()} (read as CP932, it would be "
                      "mojibake)", hint=_BROKEN_HINT,
                      ja=f"{_name_ja(name)}: UTF-8 のテキストですが、{utf8.describe_ja()}に UTF-8 として不正なバイトが"
                      "あります（CP932 として読むと文字化けします）", hint_ja=_BROKEN_HINT_JA)  # fmt: skip


def cut_short_utf8(stream: BinaryIO, utf8: DecodeFailure, name: str) -> InputError | None:
    """:func:`cut_short_error` for a text of UTF-8 Japanese (:func:`_utf8_before`) that ``utf8`` shows to end in the
    middle of a character, or None. CP932 may read such an end (量子 cut after 量 and a byte reads as 驥丞ｭ): it was
    said to be a CP932 line after UTF-8 ones (a review). Rewinds."""
    return cut_short_error(stream, utf8, name) if _utf8_before(stream, utf8) else None


def damaged_utf8_line(stream: BinaryIO, utf8: DecodeFailure) -> bool:
    """Whether a text of UTF-8 Japanese (:func:`_utf8_before`) has a damaged line where ``utf8`` failed (a character
    cut: :func:`broken_utf8`), which CP932 may read as mojibake, and whose later lines are UTF-8 again: it was said
    to be CP932 lines and then UTF-8 ones, with the line after the damaged one named (a review). Rewinds."""
    return _utf8_before(stream, utf8) and _broken_line(stream, utf8)


def _utf8_before(stream: BinaryIO, utf8: DecodeFailure) -> bool:
    """Whether the text before ``utf8``'s failure, which UTF-8 reads, holds three kana or kanji at least: UTF-8
    Japanese, which CP932 text almost never is (see :func:`utf8_line`). Rewinds."""
    stream.seek(0)
    before = stream.read(min(utf8.offset, 1 << 16)).decode("utf-8", "ignore")
    stream.seek(0)
    return len(_JAPANESE.findall(before)) >= 3


def _broken_line(stream: BinaryIO, utf8: DecodeFailure) -> bool:
    """Whether the line where ``utf8`` failed is UTF-8 text but for a few invalid bytes (:func:`broken_utf8`).
    Rewinds."""
    return broken_utf8(_line_at(stream, utf8.offset)[1])


def _line_at(stream: BinaryIO, offset: int) -> tuple[bytes, bytes]:
    """Up to 4 KiB before the line that holds byte ``offset``, and that line (without its line end). Rewinds."""
    start = max(0, offset - 4096)
    stream.seek(start)
    window = stream.read(offset - start + 4096)
    stream.seek(0)
    at = offset - start
    line_start = window.rfind(b"\n", 0, at) + 1
    end = window.find(b"\n", at)
    return window[:line_start], window[line_start : end if end >= 0 else len(window)].rstrip(b"\r")


_DAMAGED_AFTER = 10
"""A file that decodes in an encoding for more lines than this before failing is taken to have a damaged line."""


def cut_short_error(stream: BinaryIO, failure: DecodeFailure, name: str) -> InputError | None:
    """The error of a file that ``failure`` shows to end in the middle of a character (its last 1-3 bytes the start
    of one), or None: a copy or download cut short. It was said as bytes that no encoding reads, with other
    encodings to try (an office's user test, a Shift_JIS file cut after a lead byte). Rewinds."""
    size = stream.seek(0, 2)
    stream.seek(0)
    if failure.offset + len(failure.bad_bytes) < size or size - failure.offset > 3:
        return None
    try:  # the bytes left must start a character, which a decoder holds back for more (0xff or 0xa0 start none)
        if codecs.getincrementaldecoder(failure.encoding)("strict").decode(failure.bad_bytes, False):
            return None  # read as a character of their own (CP932's 0xff, a private-use one)
    except (UnicodeDecodeError, LookupError):
        return None
    label = _label(failure.encoding)
    return InputError(f"{name}: ends in the middle of a character (read as {label}, {failure.describe()}): the file "
                      "looks cut short", hint="copy or download it again, or delete its unfinished last line",
                      ja=f"{_name_ja(name)}: 文字の途中で終わっています（{label} として {failure.describe_ja()}）: "
                      "ファイルが途中で切れているようです",
                      hint_ja="コピーやダウンロードをやり直すか、途中で切れた最後の行を削除してください")  # fmt: skip


def utf8_then_cp932(stream: BinaryIO, utf8: DecodeFailure, name: str, name_ja: str, japanese: bool = False
                    ) -> InputError | None:  # fmt: skip
    """The error of a text that UTF-8 reads up to ``utf8`` whose line there is CP932 (:func:`_mixed_line`), or None.

    Whether CP932 can read the whole text or not: a UTF-8 export with CP932 rows put after it is read whole by CP932
    when its UTF-8 kana and kanji happen to be valid CP932 pairs (about half of short titles are: 量子暗号通信の研究),
    and was then read as CP932, its UTF-8 rows as mojibake (驥丞ｭ先囓…, none, exit 0: a user test). With
    ``japanese`` (a text CP932 may read whole), the whole lines of UTF-8 before the line must hold a kana or kanji:
    CP932 half-width katakana can be valid UTF-8 too, but as Latin letters (ﾄｳﾎｸ's bytes read as ĳθ: a review), and
    of 34,149 training and evaluation titles in CP932 none reads as UTF-8 with a kana or kanji. (Three were asked
    for until a second review: a UTF-8 row of AI創薬 or 研究 before CP932 rows came out as AI蜑ｵ阮ｬ, exit 0.)
    Rewinds."""
    if not _mixed_line(stream, utf8, 1 if japanese else 0):
        return None
    return InputError(f"{name} mixes two encodings: UTF-8 before line {utf8.line}, and that line is CP932/Shift_JIS "
                      f"({utf8.describe()})",
                      hint=f"save the whole file again in one encoding (UTF-8), or mend line {utf8.line}",
                      ja=f"{name_ja} 2 つの文字コードが混ざっています: {utf8.line} 行目の手前までは UTF-8 で、"
                      f"{utf8.line} 行目は CP932/Shift_JIS です（{utf8.describe_ja()}）",
                      hint_ja=f"ファイル全体を 1 つの文字コード（UTF-8）で保存し直すか、{utf8.line} 行目を直して"
                      "ください")  # fmt: skip


def _mixed_line(stream: BinaryIO, utf8: DecodeFailure, japanese: int = 0) -> bool:
    """Whether a file that UTF-8 reads up to ``utf8`` mixes encodings there: the text before it holds UTF-8 beyond
    ASCII and the line where it fails is CP932 (a file put together from two exports; an office's user test was told
    of failures on two lines and offered EUC-JP). Rewinds."""
    before_bytes, line = _line_at(stream, utf8.offset)
    before = before_bytes.decode("utf-8", "ignore")
    if before.isascii() or len(_JAPANESE.findall(before)) < japanese:
        return False
    if broken_utf8(line):  # a UTF-8 line with a byte lost, which CP932 reads as mojibake (a review)
        return False
    try:
        text = line.decode("cp932")
    except UnicodeDecodeError:
        return False
    return not _CP932_UNDEFINED.search(text)


_JAPANESE = re.compile("[\u3041-\u30ff\u4e00-\u9fff]")


def utf8_from(stream: BinaryIO, offset: int) -> bool:
    """Whether the lines before the one that holds byte ``offset`` read as CP932 and that line as UTF-8 beyond ASCII.
    Rewinds."""
    stream.seek(0)
    data = stream.read(offset + _SAMPLE)
    stream.seek(0)
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    line = data[start : end if end >= 0 else len(data)]
    return not line.isascii() and decodes(line, "utf-8") and decodes(data[:start], "cp932")


def cp932_then_utf8(name: str, name_ja: str, line: int) -> InputError:
    """The error of a text that CP932 reads whole whose ``line`` is UTF-8 (:func:`utf8_line`)."""
    return InputError(f"{name} mixes two encodings: CP932/Shift_JIS before line {line}, and that line is UTF-8 (read "
                      "as CP932, it would be mojibake)",
                      hint=f"save the whole file again in one encoding (UTF-8), or mend line {line}",
                      ja=f"{name_ja} 2 つの文字コードが混ざっています: {line} 行目の手前までは CP932/Shift_JIS で、"
                      f"{line} 行目は UTF-8 です（CP932 として読むと文字化けします）",
                      hint_ja=f"全体を 1 つの文字コード（UTF-8）で保存し直すか、{line} 行目を直してください",
                      )  # fmt: skip


def utf8_line(stream: BinaryIO) -> int | None:
    """The first line of a file that CP932 reads whole (and UTF-8 does not) that is UTF-8 text with a kana or kanji,
    after a line UTF-8 cannot read, or None: two exports put together, CP932 first, whose UTF-8 rows
    CP932 read as mojibake with no word (a research-security office's user test: a quantum and a fusion title came
    out 驥丞ｭ舌さ繝ｳ…, none, exit 0; the other way round was refused). A line of CP932 Japanese is almost never
    valid UTF-8 (its lead bytes 0x81-0x9f start no UTF-8 character; a review found none in 442,000 lines, and none
    of 34,149 titles in CP932 reads as UTF-8 with a kana or kanji). Three were asked for until a second review found
    the line after a short first UTF-8 row (AI創薬) named. Rewinds."""
    stream.seek(0)
    cp932 = False  # a line before it that UTF-8 cannot read (a UTF-8 text with a broken byte is not said to mix)
    try:
        for number, line in enumerate(stream, 1):
            if line.isascii():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                cp932 = True
                continue
            if cp932 and _JAPANESE.search(text):
                return number
        return None
    finally:
        stream.seek(0)


def broken_utf8(data: bytes) -> bool:
    """Whether ``data``, which CP932 decodes and UTF-8 does not, is UTF-8 text but for a few invalid bytes (a title cut
    in the middle of a character, a byte lost). Read as CP932 it came out as mojibake, exit 0 (量子センサ as
    驥丞ｭ舌そ繝ｳ繧ｵ: a data engineer's user test). Japanese: read as UTF-8, at least three kana or kanji for each
    run of invalid bytes, and three at least (量子暗号 with a byte lost). European: see :func:`_cut_latin_letter`.
    Text written in CP932 rarely holds a kana or kanji's three UTF-8 bytes (a review found short CP932 titles and
    half-width katakana refused when any character beyond ASCII counted): of 5.4 million CP932 fragments of 1 to 10
    characters of every evaluation and training title and taxonomy term, 11 are taken for broken UTF-8, all cut
    inside a word (瘍免疫…, from 腫瘍免疫); 99 % of the evaluation titles cut in a character after 12 bytes are."""
    text = data.decode("utf-8", errors="replace")
    bad = len(_INVALID_RUN.findall(text))
    japanese = sum(1 for c in text if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff")
    if japanese:
        return japanese >= 3 and japanese >= 3 * bad
    return _cut_latin_letter(data, text)


_INVALID_RUN = re.compile("\ufffd+")


def _cut_latin_letter(data: bytes, text: str) -> bool:
    """Whether ``data`` (``text`` as UTF-8, without kana or kanji) is European or English UTF-8 text with one or two
    characters cut: each invalid run of bytes sits against a word of ASCII letters and is either

    - a lone byte that CP932 reads as a half-width katakana letter, beside a lower-case letter (Schr\\xc3dinger,
      \\xc3tude, Caf\\xc3 at a line's end): not the half-width punctuation (｡｢｣､･ｰ), which CP932 text glues to
      acronyms (AI･IoT, CAD･CAM, ｢IoT｣: a review), nor a letter between capitals but the lead byte of a Latin letter
      in a word of four letters or more (UNIVERSIT\\xc3T); or any invalid bytes when the text holds a whole accented
      letter beside an ASCII one (matériaux) to show what it is;
    - or a typographic quote or dash cut short (’ – — “ are E2 80 xx: Alzheimer\\xe2\\x80, Alzheimer\\xe2\\x99s), after
      a letter, in text that is otherwise ASCII: CP932 reads them as rare kanji (窶, 笙).

    CP932 text holds a kanji whose second byte is an ASCII letter (AI技術 is ``AI\\x8bZ\\x8fp``): not a lone byte,
    and no accented letters (a review found Schrödinger, Étude and Über cut, read as mojibake, exit 0)."""
    errors: list[tuple[int, int]] = []
    at = 0
    while len(errors) <= 2:
        try:
            data[at:].decode("utf-8")
            break
        except UnicodeDecodeError as error:
            errors.append((at + error.start, at + error.end))
            at += error.end
    if not 0 < len(errors) <= 2:
        return False
    accented = any(_LATIN_ACCENTED.fullmatch(c) and _ASCII_LETTER.search(text[max(0, i - 1) : i + 2])
                   for i, c in enumerate(text) if c > "\u00bf")  # fmt: skip
    ascii_else = not accented and all(c.isascii() or c == "\ufffd" for c in text)

    def letter(i: int, lower: bool = False) -> bool:
        return 0 <= i < len(data) and (0x61 <= data[i] <= 0x7A or (not lower and 0x41 <= data[i] <= 0x5A))

    def gap(i: int) -> bool:
        return not 0 <= i < len(data) or data[i] in b" \t\r\n\"'(-/,.;:"

    for start, end in errors:
        cut = data[start:end]
        if cut[0] == 0xE2 and len(cut) <= 2 and ascii_else and letter(start - 1):  # ’ – — “ cut short
            continue
        in_word = (letter(start - 1) and letter(end)) or (gap(start - 1) and letter(end) and letter(end + 1)) or (
            letter(start - 2) and letter(start - 1) and gap(end))
        kana_letter = len(cut) == 1 and (0xA6 <= cut[0] <= 0xDF and cut[0] != 0xB0)
        beside = letter(start - 1, True) or letter(end, True)
        if kana_letter and not beside and 0xC3 <= cut[0] <= 0xC5:
            # in capitals, the lead byte of Ä, Ö, Ü, É, Ç (C3) or of Ł, Ő, Ś (C4, C5) in a word of four letters or
            # more (UNIVERSIT\\xc3T, \\xc3TUDE: a review); CAD･CAM's ･ is A5
            run = 0
            while letter(start - 1 - run):
                run += 1
            ahead = 0
            while letter(end + ahead):
                ahead += 1
            beside = run + ahead >= 4
        if not (in_word and (accented or (kana_letter and beside))):
            return False
    return True


_LATIN_ACCENTED = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_ASCII_LETTER = re.compile("[A-Za-z]")


_BROKEN_HINT = ("the text may have been cut in the middle of a character or damaged: mend it or export it again, or "
                "pass its encoding with --encoding")
_BROKEN_HINT_JA = ("文字の途中で切れたか壊れたテキストかもしれません。直すか書き出し直すか、--encoding で文字コードを"
                   "指定してください")


_SAMPLE = 1 << 16
"""Bytes of a file's start that :func:`untried_encodings` looks at for NUL bytes."""
_LIKELY = ("utf-8", "cp932", "euc-jp")
"""The encodings of Japanese text files without a byte-order mark, likeliest first: EUC-JP is older Unix systems'."""


def untried_encodings(tried: Collection[str], head: bytes = b"") -> list[str]:
    """The encodings to suggest for a file that did not decode in any of ``tried`` (codec names, any spelling):
    those of :data:`_LIKELY` not tried, after UTF-16 of the right byte order when ``head`` (the file's start) holds
    NUL bytes, as UTF-16 text without a byte-order mark does (its line breaks, its ASCII) and text in the others does
    not. Python's plain ``utf-16`` needs the mark, so the suggestion names the order: ASCII's NUL high bytes come
    second in little-endian text (odd offsets) and first in big-endian. Suggesting the encoding that just failed
    (``--encoding cp932`` after CP932) helped no one."""
    done = {_family(t) for t in tried}
    likely: tuple[str, ...] = _LIKELY
    if b"\x00" in head:
        odd = head[1::2].count(0)
        likely = ("utf-16-le" if odd >= head[0::2].count(0) else "utf-16-be", *_LIKELY)
    elif looks_western(head):
        likely = ("cp1252", *_LIKELY)
    return [e for e in likely if _family(e) not in done]


def looks_western(head: bytes) -> bool:
    """Whether every byte above ASCII in ``head`` is, in Windows-1252, a letter (é of José, ü of Müller, ß) or the
    typography Word writes (curly quotes, dashes, …), in runs of at most :data:`_WESTERN_RUN` between ASCII bytes
    (Straße, "Müller’s"): European text. Japanese text in its encodings writes two bytes a character and runs of
    characters, longer than that. Such a file was told to try EUC-JP (a user test)."""
    run = 0
    seen = False
    for byte in head:
        if byte < 0x80:
            run = 0
            continue
        run += 1
        seen = True
        if run > _WESTERN_RUN:
            return False
        try:
            char = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            return False
        if not (char.isalpha() or char in _WESTERN_TYPOGRAPHY):
            return False
    return seen


_WESTERN_RUN = 3
"""The longest run of non-ASCII bytes :func:`looks_western` takes for European text (ß and é side by side, a curly
quote after an accented letter)."""
_WESTERN_TYPOGRAPHY = frozenset("\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2022"
                                "\u00ab\u00bb\u00b0\u20ac\u00a0")
"""Windows-1252 punctuation that European text holds: curly quotes, en and em dashes, ellipsis, bullet, guillemets,
degree, euro, no-break space."""


def _family(name: str) -> str:
    """A codec's canonical name, UTF-8 with or without its mark as one."""
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return name
    return "utf-8" if canonical == "utf-8-sig" else canonical


# What Western-European text (Windows-1252, Latin-1) becomes when read as CP932: an accented small letter (à-ï, ú-ü:
# bytes E0-EF and FA-FC, lead bytes in CP932) swallows the letter after it into a rare kanji, between the letters of
# a word (réseau → r駸eau, étude de modèle → 騁ude de mod鑞e); ð-ù (ñ, ö) make a private-use character of it; an
# accented capital or ß (C0-DF) reads as half-width katakana. Japanese text writes kanji between Latin letters too
# (Transformer型model, Fe系bcc), but not those kanji: only a kanji whose CP932 bytes are such a lead byte and an ASCII
# letter is a sign. (A private-use character alone is no sign: a legacy system's own kanji, 外字, in a name, are
# private-use characters in CP932.)
_BETWEEN_LETTERS = re.compile("[A-Za-z]([\u4e00-\u9fff\uf900-\ufaff\ue000-\uf8ff\uff61-\uff9f])(?=[a-z])")


def western_mojibake(text: str) -> re.Match[str] | None:
    """The first character of ``text`` (CP932 decoded) that an accented Latin letter and the letter after it became."""
    for found in _BETWEEN_LETTERS.finditer(text):
        ch = found.group(1)
        if "\uff61" <= ch <= "\uff9f" or "\ue000" <= ch <= "\uf8ff":
            return found
        raw = ch.encode("cp932", errors="replace")
        if len(raw) == 2 and (0xE0 <= raw[0] <= 0xEF or 0xFA <= raw[0] <= 0xFC) and chr(raw[1]).isascii() \
                and chr(raw[1]).isalpha():
            return found
    return None


def western_mojibake_error(text: str, name: str, hint: str, hint_ja: str) -> InputError | None:
    """The error for ``text`` (CP932 decoded from ``name``) when it reads as Western-European mojibake, naming the
    line and showing it; None when it does not."""
    found = western_mojibake(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    start = text.rfind("\n", 0, found.start()) + 1
    end = text.find("\n", found.end())
    shown = text[start : end if end >= 0 else len(text)].strip()[:60]
    return InputError(f"{name}: reads as CP932 only as mojibake, like Western-European text saved in another "
                      f"encoding (line {line}: {shown!r})", hint=hint,
                      ja=f"{_name_ja(name)}: CP932 として読むと文字化けします。"
                      "別の文字コードで保存された西欧語のテキストのようです"
                      f"（{line} 行目: {shown!r}）", hint_ja=hint_ja)  # fmt: skip


_HIRAGANA = re.compile("[\u3041-\u309f]")
_FULL_WIDTH_KANA = re.compile("[\u3041-\u30ff]")
_HALF_WIDTH_KANA = re.compile("[\uff61-\uff9f]")
_HIGH_BYTE = re.compile(b"[\xe0-\xfe]")


def japanese_euc(data: bytes, final: bool = True) -> str | None:
    """``data`` decoded as EUC-JP when it is Japanese text in it, else None: it decodes strictly; its EUC-JP reading
    holds hiragana (の, を: a Chinese or Korean text read as EUC-JP rarely does); and it holds a byte from E0-FE, as
    EUC-JP Japanese does (the second byte of る, を, ん and of half the kanji) and half-width katakana in CP932 never
    does (ｼｽﾃﾑ､ﾃﾞｰﾀ is valid EUC-JP too, 悉恥っ洌整, with a hiragana: a review). Not ``final``: ``data`` is a file's
    start, which may end inside a character."""
    if not _HIGH_BYTE.search(data):
        return None
    try:
        text = codecs.getincrementaldecoder("euc-jp")("strict").decode(data, final)
    except UnicodeDecodeError:
        return None
    return text if _HIRAGANA.search(text) else None


def _euc_jp_all_through(stream: BinaryIO, chunk_size: int) -> bool:
    """Whether the whole file decodes as EUC-JP and its start is Japanese text there (:func:`japanese_euc`). Rewinds."""
    head = stream.read(chunk_size)
    stream.seek(0)
    if japanese_euc(head, final=False) is None:
        return False
    found = find_decode_error(stream, "euc-jp", chunk_size=chunk_size)
    stream.seek(0)
    return found is None


def euc_jp_read_as_cp932(head: bytes, name: str, hint: str | None = None, hint_ja: str | None = None) -> bool:
    """Whether ``head`` (a file's start, which decodes as CP932) is EUC-JP text: True when it is (the file is then
    read as EUC-JP), InputError when it looks like it but does not read as Japanese in EUC-JP either (``hint``: what
    to do then; the option to use by default).

    EUC-JP writes every Japanese character as two bytes from A1-FE, which CP932 mostly reads as half-width
    katakana and punctuation (量子 → ﾎﾌｻﾒ, の → ､ﾎ): a file whose header is ASCII (`title`, JSON Lines keys) decoded
    without error, and every title was classified as mojibake, none (a user test). Japanese text in CP932 holds
    hiragana or full-width katakana (lead bytes 82, 83), which EUC-JP never makes; EUC-JP's reading of Japanese is
    :func:`japanese_euc`.
    """
    text = codecs.getincrementaldecoder("cp932")("replace").decode(head, False)
    wide = sum(1 for ch in text if ord(ch) > 0x7F)
    narrow = len(_HALF_WIDTH_KANA.findall(text))
    if _FULL_WIDTH_KANA.search(text) or narrow < 2 or narrow < 0.3 * wide:
        return False  # Japanese in CP932
    try:  # incremental: a character cut at the chunk's end is no error
        euc = codecs.getincrementaldecoder("euc-jp")("strict").decode(head, False)
    except UnicodeDecodeError:
        return False  # half-width katakana as a legacy CP932 system writes it, which EUC-JP cannot read
    hiragana, high = bool(_HIRAGANA.search(euc)), bool(_HIGH_BYTE.search(head))
    if hiragana and high:
        return True
    if not hiragana and not high:
        return False  # half-width katakana alone (ｼｽﾃﾑ ｶｲﾊﾂ): CP932, as written
    # Either reading may be meant (量子液晶の物性科学 in EUC-JP holds no byte from E0-FE; ｼｽﾃﾑ､ﾃﾞｰﾀ in CP932 reads
    # as EUC-JP with a hiragana): the user says which
    found = _HALF_WIDTH_KANA.search(text)
    assert found is not None
    line = text.count("\n", 0, found.start()) + 1
    start = text.rfind("\n", 0, found.start()) + 1
    end = text.find("\n", found.end())
    shown = text[start : end if end >= 0 else len(text)].strip()[:40]
    raise InputError(f"{name}: reads as CP932 only as half-width katakana, as EUC-JP text may (line {line}: "
                     f"{shown!r})", hint=hint or "pass --encoding euc-jp if the file is EUC-JP, or --encoding cp932 to "
                     "read it as CP932 all the same",
                     ja=f"{_name_ja(name)}: CP932 として読むと半角カナばかりに"
                     f"なります。EUC-JP のテキストかもしれません（{line} 行目: {shown!r}）",
                     hint_ja=hint_ja or "EUC-JP なら --encoding euc-jp を、それでも CP932 として読むなら --encoding "
                     "cp932 を指定してください")  # fmt: skip


def _reject_western_mojibake(head: bytes, name: str) -> None:
    """InputError when ``head``, the file's start, read as CP932, reads as Western-European mojibake: it was saved in
    another encoding, and classifying it would write mojibake out."""
    error = western_mojibake_error(codecs.getincrementaldecoder("cp932")("replace").decode(head, False), name,
                                   "pass the file's encoding with --encoding (cp1252 for Windows, latin-1, …), or "
                                   "--encoding cp932 to read it as CP932 all the same",
                                   "--encoding でファイルの文字コードを指定してください（Windows なら cp1252、latin-1 "
                                   "など）。それでも CP932 として読むなら --encoding cp932")  # fmt: skip
    if error is not None:
        raise error


_CONTAINERS = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another ZIP file",
     "save it as CSV in Excel, or read it as a workbook: screen and evaluate do when its name ends in .xlsx, or with "
     "--input-format xlsx",
     "Excel ブック（.xlsx）か他の ZIP ファイル",
     "Excel で CSV として保存するか、ブックとして読ませてください: screen と evaluate は名前が .xlsx で終わるか "
     "--input-format xlsx を付ければブックを直接読めます"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls), a password-protected one, or another OLE file",
     "save it as CSV (or as .xlsx without a password) in Excel",
     "古い形式の Excel ブック（.xls）、パスワード付きのブック、または他の OLE ファイル",
     "Excel で CSV（またはパスワードなしの .xlsx）として保存してください"),
    (b"%PDF", "a PDF document", "export the table from the application that made the PDF as CSV or .xlsx",
     "PDF 文書", "PDF を作ったアプリケーションから表を CSV か .xlsx で書き出してください"),
)


def reject_containers(stream: BinaryIO, name: str) -> None:
    """InputError when ``stream`` starts like a workbook rather than text (an .xlsx renamed .csv): otherwise its
    bytes would be reported as an undecodable text file."""
    start = stream.read(4)
    stream.seek(0)
    for magic, what, hint, what_ja, hint_ja in _CONTAINERS:
        if start == magic:
            raise InputError(f"{name}: this is {what}, not a text file", hint=hint,
                             ja=f"{_name_ja(name)}: テキストファイルではなく、{what_ja}です", hint_ja=hint_ja)


_BINARY_BYTES = re.compile(b"[\x00-\x08\x0e-\x19\x1c-\x1f]")
"""Control bytes that text does not hold (tab, line breaks, form feed, ESC and a DOS end-of-file mark it may)."""


def _reject_binary(stream: BinaryIO, name: str, sample: int = 1 << 16) -> None:
    """InputError saying ``stream`` is no text file when more than one byte in a hundred of its first ``sample`` is a
    control byte text does not hold, and it does not read as UTF-16 text (whose bytes hold such values): random or
    compressed bytes were told to try utf-16-le or euc-jp. Rewinds."""
    stream.seek(0)
    head = stream.read(sample)
    stream.seek(0)
    if head and not _utf16_text(head) and len(_BINARY_BYTES.findall(head)) * 100 > len(head):
        raise InputError(f"{name}: this is not a text file (it holds binary data)",
                         hint="give a CSV, TSV, JSONL or .xlsx file of the proposals",
                         ja=f"{_name_ja(name)}: テキストファイルではありません（バイナリデータを含みます）",
                         hint_ja="課題の CSV、TSV、JSONL か .xlsx ファイルを指定してください")  # fmt: skip


def _utf16_text(head: bytes) -> bool:
    """Whether ``head`` reads as UTF-16 (either byte order; a character cut at its end allowed) of text."""
    return utf16_order(head) is not None


def utf16_order(head: bytes, orders: tuple[str, ...] = ("utf-16-le", "utf-16-be")) -> str | None:
    """The first of ``orders`` (``utf-16-le``, ``utf-16-be``) in which ``head`` reads (a character cut at its end
    allowed) as text: printable characters, white space (the ideographic space of 山田　太郎, a review) and private-use
    characters (外字); else None."""
    for encoding in orders:
        try:
            text = codecs.getincrementaldecoder(encoding)("strict").decode(head, False)
        except UnicodeDecodeError:
            continue
        if text and sum(c.isprintable() or c.isspace() or "\ue000" <= c <= "\uf8ff" for c in text) * 100 \
                >= 98 * len(text):
            return encoding
    return None



def looks_like_text(stream: BinaryIO, sample: int = 1 << 16) -> bool:
    """Whether the stream's first ``sample`` bytes read as text: a byte-order mark, or no control bytes and strict
    UTF-8 or CP932 (a character cut at the sample's end allowed). Rewinds."""
    stream.seek(0)
    head = stream.read(sample)
    stream.seek(0)
    if not head:
        return False
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return True
    if _BINARY_BYTES.search(head):
        return False
    for encoding in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(encoding)("strict").decode(head, False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def resolve_encoding(stream: BinaryIO, explicit: str | None, *, name: str = "input") -> str:
    """Return the encoding to read with: the explicit one (BOM-aware for UTF-8) or a detected one. A workbook
    (ZIP or OLE signature) is an InputError, whatever the encoding."""
    reject_containers(stream, name)
    if explicit is None:
        try:
            return detect_encoding(stream, name=name)
        except InputError:
            _reject_binary(stream, name)  # a binary file renamed .csv: no encoding will read it (a user test)
            raise
    encoding = canonical_encoding(explicit)
    bom = sniff_bom(stream)
    # A BOM read as plain UTF-8 would end up glued to the first column name.
    if encoding == "utf-8" and bom == "utf-8-sig":
        return "utf-8-sig"
    if bom in ("utf-16", "utf-32") and encoding.replace("_", "-").startswith(bom):
        # utf-16-le given for a file that starts with a UTF-16 mark: the mark's byte order must be the one given (the
        # other read as mojibake, a review), and the mark is read as such, not kept before the first column's name
        stream.seek(0)
        order = "le" if stream.read(2) == codecs.BOM_UTF16_LE else "be"
        stream.seek(0)
        if encoding.replace("_", "-") in (bom, f"{bom}-{order}"):
            return bom
        raise _mark_contradicted(name, explicit, f"{bom.upper()}-{order.upper()}", bom)
    if bom is not None and not encoding.replace("_", "-").startswith(bom.removesuffix("-sig")):
        # a byte-order mark says what the file is: read as latin-1 or CP932, a UTF-8 file with one (Excel's "CSV
        # UTF-8") came out as mojibake, every row none, with exit 0 (a user test)
        found = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}.get(bom, bom)
        raise _mark_contradicted(name, explicit, found, bom.removesuffix("-sig"))
    if bom is None:
        start = stream.read(_SAMPLE)
        stream.seek(0)
        head = _first_text_beyond_ascii(stream)
        stream.seek(0)
        wrong = _explicit_mismatch(head, encoding, explicit, name, start)
        if wrong is not None:
            raise wrong
        if encoding in ("utf-16", "utf-32"):
            return f"{encoding}-le"  # the order plain UTF-16 without a mark reads in, which Python's reader refuses
    return encoding


def _mark_contradicted(name: str, explicit: str, found: str, use: str) -> InputError:
    """The error of an --encoding ``explicit`` that the file's byte-order mark (``found``: UTF-8, UTF-16-LE …)
    contradicts; ``use``: the encoding to give instead."""
    return InputError(f"{name}: --encoding {explicit} was given, but the file starts with a {found} byte-order mark: "
                      f"read as {explicit} it would be mojibake", hint=f"leave --encoding out to detect it, or give "
                      f"--encoding {use}", ja=f"{_name_ja(name)}: --encoding {explicit} が指定されましたが、ファイルは "
                      f"{found} のバイト順マークで始まります: {explicit} として読むと文字化けします",
                      hint_ja=f"--encoding を省いて自動判定させるか、--encoding {use} を指定してください")


def _first_text_beyond_ascii(stream: BinaryIO) -> bytes:
    """About :data:`_SAMPLE` bytes from the start of the first line that holds a byte beyond ASCII (the file's start
    when it does, or when no line does), for :func:`_explicit_mismatch`: a file whose first 64 KB are ASCII (3,000
    English titles, then Japanese ones) was read as mojibake with --encoding cp932 (a user test). The ASCII before it
    is only scanned, a chunk at a time."""
    head = stream.read(_SAMPLE)
    skipped, chunk = 0, head
    while chunk and chunk.isascii():
        skipped += len(chunk)
        chunk = stream.read(_SCAN)
    if not chunk:
        return head  # ASCII throughout
    found = _BEYOND_ASCII.search(chunk)
    start = chunk.rfind(b"\n", 0, found.start() if found is not None else 0) + 1
    if not skipped and (not start or chunk.find(b"\n", start) >= 0):
        return head  # the line holds whole in the file's first bytes
    stream.seek(skipped + start)  # from that line's start (one that ran past the first 64 KB was cut: a review)
    return stream.read(_SAMPLE)


_SCAN = 1 << 20
_BEYOND_ASCII = re.compile(rb"[\x80-\xff]")


_WESTERN = frozenset(["iso8859-1", "cp1252", "iso8859-15", "cp850", "cp437", "mac-roman"])
"""Single-byte Western encodings, which read any bytes: a Japanese file given one comes out as accented letters."""
_JAPANESE_LEGACY = frozenset(["cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004",
                              "euc_jisx0213", "iso2022_jp"])
"""Japanese encodings before Unicode (their canonical names), which read UTF-8 Japanese as mojibake."""
_NOT_UNICODE = _JAPANESE_LEGACY | _WESTERN
_WIDE = frozenset(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
_WIDE_OR_CJK = _WIDE | frozenset(["gbk", "gb2312", "gb18030", "hz", "big5", "big5hkscs", "cp950", "cp936", "euc_kr",
                                   "cp949", "johab", "iso2022_kr"])
"""UTF-16 and UTF-32, and the Chinese and Korean encodings (their canonical names): UTF-8 Japanese read in one is
mojibake of other characters (뇩, 閲忓瓙)."""
_JAPANESE_TEXT = re.compile("[\u3041-\u3096\u30a1-\u30fa\u4e00-\u9fff]")


def _explicit_mismatch(head: bytes, encoding: str, given: str, name: str, start: bytes = b"") -> InputError | None:
    """The error of an --encoding that would read the file as mojibake, or None. Detection refuses such mojibake;
    given by hand it was written out with exit 0 and --fail-on passing (an office's user tests). Refused:

    - UTF-16 without a byte-order mark (``start``, the file's first bytes, holds the NUL bytes of its ASCII on one
      side, :func:`_utf16_without_mark`) given as anything but UTF-16 of that byte order (plain ``utf-16`` reads
      little-endian); ASCII without a NUL byte given as UTF-16 or UTF-32 (Quantum read as 畑湡畴);
    - UTF-8 beyond ASCII (``head``, the first lines beyond ASCII) given as a legacy Japanese or Western encoding (量子
      read as CP932: 驥丞ｭ), or, when its reading holds Japanese, as UTF-16, GBK, EUC-KR … (뇩, 閲忓瓙);
    - Japanese in CP932 (three kana at least) or in EUC-JP (:func:`japanese_euc`) given as a Western encoding (ótÔ…)
      or as UTF-16/32; EUC-JP kanji alone given as a Western encoding.

    Not Japanese in a legacy encoding given as a Chinese or Korean one, nor text that looks European given as one of
    those or as a Central European one: a review found short Big5 (中 is い in EUC-JP), GBK (AI与IoT) and Windows-1250
    (Erdős) files refused, which the encoding given reads right.
    """
    wide = encoding in _WIDE
    found = _utf16_without_mark(start, few=wide)
    if found is not None:
        if encoding == found or (encoding == "utf-16" and found == "utf-16-le"):
            return None
        return _mismatch_error(name, given, found.upper(), found)
    if wide and start and start.isascii() and b"\x00" not in start:
        return _mismatch_error(name, given, "ASCII", "utf-8")
    if wide and start[: len(start) & ~1].count(0) >= 2:
        return None  # UTF-16 whose byte order its NULs do not tell: as given
    cut = head.rfind(b"\n")
    head = head[: cut + 1] if cut >= 0 else head  # whole lines: a character cut at the sample's end is no sign
    if head.isascii() or _family(encoding) == "utf-8":
        return None
    try:
        utf8: str | None = head.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if utf8 is not None:
        if encoding in _NOT_UNICODE or (encoding in _WIDE_OR_CJK and _JAPANESE_TEXT.search(utf8)):
            return _mismatch_error(name, given, "UTF-8", "utf-8")
        return None
    if encoding not in _WESTERN and not wide:
        return None
    try:
        japanese = head.decode("cp932")
    except UnicodeDecodeError:
        japanese = ""
    if len(_KANA.findall(japanese)) >= 3:
        return _mismatch_error(name, given, "CP932/Shift_JIS Japanese", "cp932")
    if japanese_euc(head) is not None:
        return _mismatch_error(name, given, "EUC-JP Japanese", "euc-jp")
    if encoding in _WESTERN and not looks_western(head) and decodes(head, "euc-jp"):
        # EUC-JP kanji without a kana (量子暗号): two bytes from A1-FE a character, in runs no Western text makes
        return _mismatch_error(name, given, "EUC-JP Japanese", "euc-jp")
    return None


def decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` decodes in ``encoding`` without an error."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


_UTF16_TEXT = re.compile("[\x00-\x7f\u00a0-\u024f\u2000-\u206f\u2190-\u22ff\u2460-\u27bf\u3000-\u30ff"
                         "\u3400-\u4dbf\u4e00-\u9fff\ue000-\uf8ff\uf900-\ufaff\uff00-\uffef]")
"""The characters of Japanese or European text in UTF-16: ASCII, Latin, punctuation, arrows and symbols, circled
numbers, kana, kanji, private-use (外字) and full-width forms. ASCII bytes with a few NULs read as UTF-16 make
characters of other scripts (Gurmukhi, Hangul, Cherokee …)."""


def _utf16_without_mark(start: bytes, few: bool = False) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``start`` (a file's first bytes, no byte-order mark) is UTF-16 text whose
    ASCII (line breaks, digits, commas) puts its NUL bytes on one side: at odd offsets in little-endian text, at even
    ones in big-endian, four times as many as on the other side (with ``few``, for a file given as UTF-16, two at
    least and none there when fewer than four, with a line break among them: three short lines have three, a
    review), and it reads as Japanese or European text in that order (:data:`_UTF16_TEXT`, all but one character in
    fifty; random ASCII with NULs in it does not: a property test); else None. Not Japanese UTF-8 with stray NUL
    bytes, which reads as UTF-16 of CJK characters (a review)."""
    start = start[: len(start) & ~1]
    odd, even = start[1::2].count(0), start[0::2].count(0)
    most, least = max(odd, even), min(odd, even)
    if most < (2 if few else 4) or most < 4 * least or (most < 4 and least):
        return None
    order = "utf-16-le" if odd > even else "utf-16-be"
    if not utf16_order(start, (order,)):
        return None
    text = codecs.getincrementaldecoder(order)("replace").decode(start, False)
    if sum(1 for c in text if not _UTF16_TEXT.match(c)) * 50 > len(text) or (most < 4 and "\n" not in text
                                                                             and "\r" not in text):
        return None  # characters of other scripts (ASCII and NULs read so: "\n is ਢ), or too few NULs for no break
    try:
        utf8 = start.decode("utf-8")
    except UnicodeDecodeError:
        return order
    return None if _JAPANESE_TEXT.search(utf8) else order


_FOUND_JA = {"CP932/Shift_JIS Japanese": "CP932/Shift_JIS の日本語テキスト",
             "EUC-JP Japanese": "EUC-JP の日本語テキスト", "ASCII": "ASCII のテキスト（NUL バイトなし）"}
"""What :func:`_mismatch_error` says the file is, in its Japanese message."""


def _mismatch_error(name: str, given: str, found: str, read_as: str) -> InputError:
    """The error of an --encoding ``given`` for a file that is ``found`` text (UTF-8, CP932/Shift_JIS Japanese …),
    to be read as ``read_as``."""
    found_ja = _FOUND_JA.get(found, f"{found} のテキスト")
    return InputError(f"{name}: --encoding {given} was given, but the file is {found} text: read as {given} it "
                      "would be mojibake", hint=f"leave --encoding out to detect it, or give --encoding {read_as}",
                      ja=f"{_name_ja(name)}: --encoding {given} が指定されましたが、ファイルは {found_ja}です: "
                      f"{given} として読むと文字化けします",
                      hint_ja=f"--encoding を省いて自動判定させるか、--encoding {read_as} を指定してください")


_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa]")


def _name_ja(name: str) -> str:
    """``name`` in a Japanese message: standard input (``<stdin>``, screen's name for it) is 標準入力."""
    return "標準入力" if name in ("standard input", "<stdin>") else name


def output_text_fixer(encoding: str) -> Callable[[str], str] | None:
    """Return a function preparing text for ``encoding`` (CP932 dash/tilde mapping), or None if none is needed."""
    if canonical_encoding(encoding) != "cp932":
        return None
    table = _TO_CP932
    search = _CP932_LOOKALIKE.search  # a regex scan is far cheaper than translate() on text without them

    def fix(text: str) -> str:
        return text.translate(table) if search(text) else text

    return fix


def _label(encoding: str) -> str:
    return {"utf-8": "UTF-8", "cp932": "CP932/Shift_JIS"}.get(encoding, encoding)
