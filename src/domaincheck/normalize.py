"""Text normalisation shared by titles and taxonomy terms, with a map back to the original offsets.

The same function runs on both sides, so a variant only has to be folded once here to match everywhere:
NFKC (full-width Latin and digits, half-width katakana), lower case, ヴァ→バ style katakana variants, a
word-final long-vowel mark (コンピューター→コンピュータ), dashes and middle dots, spaced acronyms (``A I``→``ai``)
and spacing (runs collapse to one space; spaces next to Japanese characters are dropped).

Also the forms of a taxonomy term that the matcher finds it by (:func:`term_forms`): its British and American
spellings, its English plural, and its forms with an equivalent name (CO2, carbon dioxide, 二酸化炭素).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from typing import NamedTuple

# Characters folded to an ASCII space: dashes between words, middle dots, quotation marks (「量子」暗号通信 is
# 量子暗号通信, a user test); slashes and apostrophes (Alzheimer's) are kept as they are.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DOTS = "\u30fb\u00b7\uff65\u2022\u2219"
# (and their full-width and vertical forms, which NFKC makes one of them: ＂ ﹁ ﹂ ﹃ ﹄), and the brackets Japanese
# titles set a word off with: 【】《》〈〉 (a user test: 【量子】暗号通信 lost quantum)
_QUOTES = ('"\u300c\u300d\u300e\u300f\u301d\u301e\u301f\u201c\u201d\u201e\u00ab\u00bb\uff62\uff63'
           "\uff02\ufe41\ufe42\ufe43\ufe44\u3010\u3011\u300a\u300b\u3008\u3009\u2329\u232a"
           "\ufe3b\ufe3c\ufe3d\ufe3e\ufe3f\ufe40")
_SPACES = " \t\r\n\u3000\u00a0\u2002\u2003\u2009\u200b"
_FOLDED = _DASHES + _DOTS + _QUOTES + _SPACES
_FOLDED_BUT_QUOTES = _DASHES + _DOTS + _SPACES
_SMALL_VU = {"ァ": "バ", "ィ": "ビ", "ゥ": "ブ", "ェ": "ベ", "ォ": "ボ"}
_LONG = "ー"
_COMBINING_VOICED = {"\u3099", "\u309a"}
_TRAILING = "ーｰﾞﾟ\u3099\u309a\u309b\u309c"


class Normalized(NamedTuple):
    """A normalised string and how its characters map back to the original text."""

    text: str
    """The normalised text."""
    offsets: tuple[int, ...] | None
    """``offsets[i]`` is the original offset of ``text[i]`` (plus one entry: the original length), when built."""
    deleted: tuple[tuple[int, int], ...] = ()
    """When ``offsets`` is None: (original offset, length) of each run of deleted characters; else unused."""
    original: str = ""
    """The text that was normalised."""

    def _orig(self, pos: int) -> int:
        if self.offsets is not None:
            return self.offsets[pos]
        for start, length in self.deleted:
            if start <= pos:
                pos += length
            else:
                break
        return pos

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text back to the original text.

        The end takes in characters that were folded into the last one: a dropped long-vowel mark
        (コンピューター), a voiced or combining mark (ｸﾞ, e + ◌́).
        """
        if end <= start:
            o = self._orig(start)
            return o, o
        s, e = self._orig(start), self._orig(end - 1) + 1
        original = self.original
        limit = self._orig(end) if end < len(self.text) else len(original)
        while e < limit and (original[e] in _TRAILING or unicodedata.combining(original[e])):
            e += 1
        return s, e


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == _LONG


def _drop_final_long(out: list[str], idx: list[int]) -> None:
    while len(out) >= 2 and out[-1] == _LONG and _is_katakana(out[-2]):
        out.pop()
        idx.pop()


def _char_map(ch: str, keep_quotes: bool = False,
              caches: tuple[dict[str, str], dict[str, str]] = ({}, {})) -> str:  # a deliberate module-level cache
    """NFKC + lower case + dash/dot/quote/space folding for one character (quotation marks kept as NFKC makes
    them with ``keep_quotes``)."""
    cache = caches[keep_quotes]
    out = cache.get(ch)
    if out is None:
        folded = _FOLDED_BUT_QUOTES if keep_quotes else _FOLDED
        category = unicodedata.category(ch)
        if ch in folded or category == "Cc":
            out = " "
        elif category == "Cf":
            out = ""  # invisible format characters: soft hyphen, zero-width joiner, direction marks
        else:
            out = unicodedata.normalize("NFKC", ch).lower()
            # What NFKC makes of it is folded as the character itself would be (Greek ano teleia → middle dot →
            # space), so that normalising twice changes nothing.
            out = "".join(" " if c in folded else c for c in out)
        cache[ch] = out
    return out


class _Table(dict[int, str]):
    """Translation table for str.translate, filled on first sight of each character."""

    def __init__(self, keep_quotes: bool = False) -> None:
        super().__init__()
        self.keep_quotes = keep_quotes

    def __missing__(self, key: int) -> str:
        ch = chr(key)
        value = _char_map(ch, self.keep_quotes)
        # The fast path needs one character out for one in; anything else (ﬁ → fi, ¯ → space + macron, a soft
        # hyphen → nothing) is marked with NUL, which sends the text down the reference path, and so are ヴ,
        # voiced marks and other combining marks, which combine with their neighbours there.
        # A combining mark that survives NFC composes with nothing; the reference path drops it after a space,
        # which the fast path cannot see once the space is gone.
        value = value if len(value) == 1 and ch not in _SLOW_CHARS and not unicodedata.combining(value) \
            else _IRREGULAR
        self[key] = value
        return value


_IRREGULAR = "\x00"
_tuple_new = tuple.__new__  # builds a NamedTuple without its Python-level __new__ (hot path)
_RUNS_MAX = 32
"""The most runs of deleted characters a normalised text keeps instead of an offset map (a title of thousands of
quotation marks took seconds to map its matches back)."""
_TABLE = _Table()
_TABLE_KEEPING_QUOTES = _Table(keep_quotes=True)
# Every ASCII character maps to one ASCII character (lower case, controls and dashes to a space), so ASCII text
# can take bytes.translate, which is several times faster than str.translate with a dict.
_ASCII_TABLE = bytes(ord(_char_map(chr(i))) for i in range(128)) + bytes(range(128, 256))
_ASCII_TABLE_KEEPING_QUOTES = bytes(ord(_char_map(chr(i), True)) for i in range(128)) + bytes(range(128, 256))
# Inputs the fast path does not handle: spaced capitals ("A I"), ヴ and voiced marks (marked in the table), a
# long-vowel mark after a non-word character (its deletion depends on deletions before it).
_SLOW_CHARS = frozenset("ヴゔﾞﾟ\u3099\u309a\u309b\u309c")  # mapped to _IRREGULAR by the table
_SLOW_LONG = re.compile(r"\W[ーｰ]")
_KANA_GAP = re.compile(r"[ァ-ヺーｦ-ﾟ]\W+[ァ-ヺｦ-ﾟ]")  # a space, dot or dash between katakana words
_SPACED_CAPITALS = re.compile(r"[A-ZＡ-Ｚ](?=([\s\u3000]+)[A-ZＡ-Ｚ])")  # lookahead: overlapping pairs too
_CAPITAL_PAIR = re.compile(r"[A-ZＡ-Ｚ][\s\u3000]+[A-ZＡ-Ｚ]")  # cheap test before the exact one


def _other_than_lower_case(table: _Table) -> re.Pattern[str]:
    """A pattern for any character that ``table`` maps to something other than its lower case.

    Most Japanese titles hold none (kanji, kana and 、 map to themselves; 「」 too, where quotes are kept), and
    ``str.lower`` is several times faster than ``str.translate`` with a dict. ASCII, CJK punctuation and kana are
    checked here one by one; the
    unified ideographs have no compatibility mapping and no case, which a test checks for every one of them.
    (Not Greek: ``str.lower`` writes a word-final sigma as ς, which one character alone cannot.)
    """
    listed = [chr(i) for i in (*range(32, 127), *range(0x3000, 0x3100))]
    same = "".join(re.escape(c) for c in listed if table[ord(c)] == c.lower())
    return re.compile(f"[^{same}\u3400-\u4dbf\u4e00-\u9fff]")


_OTHER_THAN_LOWER = _other_than_lower_case(_TABLE)
_OTHER_THAN_LOWER_KEEPING_QUOTES = _other_than_lower_case(_TABLE_KEEPING_QUOTES)
_QUOTE = re.compile("[" + re.escape(_QUOTES) + "]")


def _is_alnum_ascii(ch: str) -> bool:
    return ch.isalnum() and (ch.isascii() or "Ａ" <= ch <= "ｚ" or "０" <= ch <= "９")


def _needs_slow(text: str) -> bool:
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        return True  # decomposed marks (NFD, as some systems write file names and text) compose in the slow path
    if ("ー" in text or "ｰ" in text) and (
        _SLOW_LONG.search(text) is not None or _KANA_GAP.search(text) is not None
    ):
        return True
    return _spaced_capitals(text)


def _spaced_capitals(text: str) -> bool:
    """True when two lone capitals stand apart with only spaces between them (``A I``)."""
    # No white space between two other characters (most Japanese titles; str.split's white space is the pattern's \s):
    # no pair, and the search is skipped
    if len(text.split(None, 1)) < 2 or _CAPITAL_PAIR.search(text) is None:
        return False
    for m in _SPACED_CAPITALS.finditer(text):
        start, end = m.start(), m.end() + len(m.group(1)) + 1
        if (start == 0 or not _is_alnum_ascii(text[start - 1])) and (
            end == len(text) or not _is_alnum_ascii(text[end])
        ):
            return True
    return False


def _run_end(text: str, start: int, char: str) -> int:
    """The end of the run of ``char`` that starts at ``start``."""
    end = start + 1
    while end < len(text) and text[end] == char:
        end += 1
    return end


def _deletions(mapped: str) -> list[tuple[int, int]]:
    """Runs to delete after the per-character mapping: surplus spaces and word-final long-vowel marks.

    The runs are found with ``str.find`` (a C scan for one character), not a regular expression: a title holds few
    of them, and the scan is most of the cost of a title that has none."""
    n = len(mapped)
    out: list[tuple[int, int]] = []
    if " " in mapped and (not mapped.isascii() or "  " in mapped or mapped[0] == " " or mapped[-1] == " "):
        s = mapped.find(" ")
        while s != -1:
            e = _run_end(mapped, s, " ")
            if s == 0 or e == n or not mapped[s - 1].isascii() or not mapped[e].isascii():
                out.append((s, e - s))  # at an end or next to Japanese: drop the run
            elif e - s > 1:
                out.append((s + 1, e - s - 1))  # keep one space
            s = mapped.find(" ", e)
    s = mapped.find(_LONG)
    while s != -1:
        e = _run_end(mapped, s, _LONG)
        if e < n and _is_katakana(mapped[e]):
            # Inside a katakana compound: drop the mark after a word of 3+ kana (センサーネットワーク →
            # センサネットワーク) but keep it in short words (ビール, ルール).
            if s >= 3 and _is_katakana(mapped[s - 3]) and _is_katakana(mapped[s - 2]) and _is_katakana(mapped[s - 1]):
                out.append((s, e - s))
        elif s > 0 and _is_katakana(mapped[s - 1]):
            out.append((s, e - s))  # センサー → センサ
        elif e - s > 1:
            out.append((s + 1, e - s - 1))
        s = mapped.find(_LONG, e)
    if len(out) > 1:
        out.sort()
    return out


def normalize(text: str, keep_quotes: bool = False) -> Normalized:
    """Normalise ``text`` for matching and keep the offsets back to it. Quotation marks fold as spaces do (「量子」暗号
    is 量子暗号), unless ``keep_quotes``: the learned model was trained on titles normalised with them."""
    mapped: str | None
    if text.isascii():
        table = _ASCII_TABLE_KEEPING_QUOTES if keep_quotes else _ASCII_TABLE
        mapped = None if _spaced_capitals(text) else text.encode("ascii").translate(table).decode("ascii")
    else:
        if _needs_slow(text):
            mapped = None
        elif (_OTHER_THAN_LOWER_KEEPING_QUOTES if keep_quotes else _OTHER_THAN_LOWER).search(text) is None:
            mapped = text.lower()  # every character maps to its own lower case (kanji, kana, most ASCII)
        else:
            mapped = text.translate(_TABLE_KEEPING_QUOTES if keep_quotes else _TABLE)
    if mapped is not None and _IRREGULAR not in mapped:
        dels = _deletions(mapped)
        if not dels:
            return _tuple_new(Normalized, (mapped, None, (), text))
        parts = []
        pos = 0
        for start, length in dels:
            parts.append(mapped[pos:start])
            pos = start + length
        parts.append(mapped[pos:])
        out = _tuple_new(Normalized, ("".join(parts), None, tuple(dels), text))
        if len(dels) > _RUNS_MAX:  # mapping an offset back walks the runs: keep the map instead
            return Normalized(out.text, (*origins(out), len(text)), (), text)
        return out
    return _normalize_slow(text, keep_quotes)


def _normalize_slow(text: str, keep_quotes: bool = False) -> Normalized:
    """The reference implementation: one pass over the characters, building the offset map as it goes."""
    out: list[str] = []
    idx: list[int] = []
    acro_at = -1
    acro = False  # the last output char is a lone capital letter that may start or continue "A I" style acronyms
    prev_was_vu = False
    n = len(text)
    for i, ch in enumerate(text):
        mapped = _char_map(ch, keep_quotes)
        for m in mapped:
            if (m in _COMBINING_VOICED or unicodedata.combining(m)) and out:
                # Half-width ｶﾞ arrives as カ + combining mark, decomposed text as e + ◌́: compose with the
                # previous character. A mark that composes with nothing stays, as the fast path keeps it;
                # one after a space (NFKC spells ¯ as space + macron) is dropped with it.
                if out[-1] == " ":
                    continue
                composed = unicodedata.normalize("NFC", out[-1] + m)
                if len(composed) == 1:
                    out[-1] = composed
                    continue
                if m in _COMBINING_VOICED:
                    # A kana voiced mark on what takes none (ー゙) is dropped: kept, it composed with the kana before
                    # once a word-final long vowel went, on a second pass (カー゙ → ガ → ガ)
                    continue
            if m == " ":
                _drop_final_long(out, idx)
                if out and out[-1] != " " and out[-1].isascii():
                    out.append(" ")  # collapse runs; no space at the start or after Japanese
                    idx.append(i)
                continue
            if prev_was_vu and m in _SMALL_VU:
                out[-1] = _SMALL_VU[m]
                prev_was_vu = False
                continue
            prev_was_vu = m == "ヴ"
            if prev_was_vu:
                m = "ブ"
            if not m.isascii() and out and out[-1] == " ":
                out.pop()  # no space before Japanese
                idx.pop()
            if not _is_katakana(m):
                _drop_final_long(out, idx)  # word-final long vowel: センサー → センサ
            elif (
                m == _LONG and len(out) >= 3 and out[-1] != _LONG
                and all(_is_katakana(c) for c in out[-3:])
            ):  # fmt: skip
                continue  # long vowel after 3+ kana inside a compound: コンピューター → コンピュータ
            lone_capital = (
                ch.isupper() and m.isascii() and m.isalpha()
                and (i + 1 >= n or not _char_map(text[i + 1], keep_quotes).isalnum())
            )
            if (
                lone_capital and acro and len(out) >= 2 and out[-1] == " "
                and all(c in _SPACES for c in text[acro_at + 1 : i])
            ):  # fmt: skip
                out.pop()  # "A I" → "ai"
                idx.pop()
                out.append(m)
                idx.append(i)
                acro_at = i
                continue
            boundary_before = not out or out[-1] == " " or not (out[-1].isascii() and out[-1].isalnum())
            acro = lone_capital and boundary_before
            acro_at = i
            out.append(m)
            idx.append(i)
    while out and out[-1] == " ":
        out.pop()
        idx.pop()
    _drop_final_long(out, idx)
    idx.append(len(text))
    return _tuple_new(Normalized, ("".join(out), tuple(idx), (), text))


def with_quotes(norm: Normalized) -> Normalized:
    """``norm``'s text normalised with its quotation marks kept (``norm`` itself when it holds none): what the
    learned model reads, as it was trained."""
    return normalize(norm.original, keep_quotes=True) if _QUOTE.search(norm.original) else norm


_OPENING = frozenset("\u300c\u300e\u301d\u00ab\uff62\ufe41\ufe43\u3010\u300a\u3008\u2329\ufe3b\ufe3d\ufe3f")
"""Marks that open a quotation (「『〝«｢﹁﹃【《〈); a straight double quote, and the curly ones, which an input method
may type the same on both sides (”量子”), open and close in turn."""
_STRAIGHT = frozenset('"\uff02\u201c\u201d\u201e')


class Quotations(NamedTuple):
    """Where a title's quotation marks stand (see :func:`quotations`)."""

    marks: list[int]
    """The original offset of every quotation mark, in order."""
    partner: dict[int, int]
    """For a mark that opens or closes a quotation: the offset of the mark at its other end."""
    cuts: list[int]
    """The offsets in the normalised text where marks stood (each before the character that followed it)."""


def quotations(norm: Normalized) -> Quotations | None:
    """The quotation marks of ``norm``'s original text, paired (nested quotations close inner first; a straight
    double quote opens and closes in turn; a mark left unpaired has no partner), or None when it has none."""
    original = norm.original
    first = _QUOTE.search(original)  # most titles have none: one search, no list
    if first is None:
        return None
    marks = [m.start() for m in _QUOTE.finditer(original, first.start())]
    partner: dict[int, int] = {}
    opened: list[int] = []
    straight = -1
    for at in marks:
        mark = original[at]
        if mark in _STRAIGHT:
            if straight < 0:
                straight = at
            else:
                partner[straight], partner[at] = at, straight
                straight = -1
        elif mark in _OPENING:
            opened.append(at)
        elif opened:
            start = opened.pop()
            partner[start], partner[at] = at, start
    where = origins(norm)
    cuts = sorted({c for c in (bisect.bisect_left(where, at) for at in marks) if 0 < c < len(norm.text)})
    return Quotations(marks, partner, cuts)


def origins(norm: Normalized) -> list[int]:
    """The original offset of each character of ``norm.text``."""
    if norm.offsets is not None:
        return list(norm.offsets[: len(norm.text)])
    out: list[int] = []
    runs = norm.deleted
    shift = k = 0
    for i in range(len(norm.text)):
        while k < len(runs) and runs[k][0] <= i + shift:
            shift += runs[k][1]
            k += 1
        out.append(i + shift)
    return out


def crosses_a_mark(norm: Normalized, start: int, end: int, quoted: Quotations) -> bool:
    """Whether the normalised span ``start:end`` runs through a quotation mark of the original text."""
    s, e = norm.span(start, end)
    i = bisect.bisect_right(quoted.marks, s)
    return i < len(quoted.marks) and quoted.marks[i] < e


def splits_a_quotation(norm: Normalized, start: int, end: int, quoted: Quotations) -> bool:
    """Whether the normalised span ``start:end`` takes part of a quotation with words outside it (器官「再生繁殖芽」
    holds no 器官再生). A span around a whole quotation (「量子」暗号通信, 「 量子 」暗号, 「「量子」」暗号), within
    one, or through a mark left unpaired, does not."""
    s, e = norm.span(start, end)
    marks = quoted.marks
    original = norm.original
    i = bisect.bisect_right(marks, s)
    while i < len(marks) and marks[i] < e:
        at = marks[i]
        other = quoted.partner.get(at)
        if other is not None and _has_words(original[e:other] if other > at else original[other + 1 : s]):
            return True
        i += 1
    return False


def _has_words(text: str) -> bool:
    """Whether ``text`` holds more than spaces and quotation marks."""
    return any(not (ch.isspace() or ch in _QUOTES) for ch in text)


def around_quotations(start: int, end: int, quoted: Quotations) -> tuple[int, int]:
    """An original span ``start:end`` widened to the marks of the quotations it holds the words of: a term through
    「量子」暗号通信 shows as that, not as 量子」暗号通信."""
    marks = quoted.marks
    i = bisect.bisect_right(marks, start)
    s, e = start, end
    while i < len(marks) and marks[i] < end:
        other = quoted.partner.get(marks[i])
        if other is not None:
            s, e = min(s, other), max(e, other + 1)
        i += 1
    return s, e


def normalize_text(text: str) -> str:
    """Normalise ``text`` without keeping the offset map (used for terms and look-ups)."""
    return normalize(text).text


# British and American spellings of the same word: a term written one way also matches the other (precomputed).
# -ize → -ise always; -ise → -ize only in -isation (promise, precise and supervised are no -ize words).
_IZE = re.compile(r"(?<=[a-z]{3})i(z)(e|es|ed|ing|ation|ations|er|ers)$|(?<=[a-z]{3})i(s)(ation|ations)$")
_YZE = re.compile(r"(?<=[a-z]{2})y([zs])(e|es|ed|ing|er|ers)$")
_AEMIA = re.compile(r"(?<=[a-z]{2})(a?)emi(a|as|c)$")
_OUR_STEMS = ("behavi", "col", "tum", "lab", "flav", "harb", "vap", "neighb", "hum", "od", "fav", "rig")
_OUR_ENDINGS = frozenset(["", "s", "al", "ally", "ed", "ing", "ful", "less", "ism", "ist", "ists"])
_LL_STEMS = ("model", "label", "signal", "tunnel", "travel", "fuel", "channel", "level", "cancel", "counsel")
_PREFIXES = (("haem", "hem"), ("oesoph", "esoph"), ("oestr", "estr"), ("paediatr", "pediatr"),
             ("orthopaed", "orthoped"), ("anaesth", "anesth"), ("foet", "fet"), ("gynaec", "gynec"))  # fmt: skip
_WORDS = (("aluminium", "aluminum"), ("sulphur", "sulfur"), ("sulphide", "sulfide"), ("sulphate", "sulfate"),
          ("centre", "center"), ("centres", "centers"), ("fibre", "fiber"), ("fibres", "fibers"),
          ("theatre", "theater"), ("litre", "liter"), ("grey", "gray"), ("defence", "defense"),
          ("licence", "license"), ("catalogue", "catalog"), ("analogue", "analog"), ("manoeuvre", "maneuver"),
          ("ageing", "aging"), ("artefact", "artifact"), ("artefacts", "artifacts"), ("mould", "mold"),
          ("tyre", "tire"), ("tyres", "tires"))  # fmt: skip
_WORD_PAIRS = {**dict(_WORDS), **{us: uk for uk, us in _WORDS}}


def _word_spellings(word: str) -> set[str]:
    """A word and its other spelling (British or American), when it has one by the rules above."""
    out = {word}
    if word in _WORD_PAIRS:
        out.add(_WORD_PAIRS[word])
    m = _IZE.search(word)
    if m is not None:
        out.add(word[: m.start()] + ("is" + m[2] if m[1] else "iz" + m[4]))
    m = _YZE.search(word)
    if m is not None:
        out.add(word[: m.start()] + "y" + ("s" if m[1] == "z" else "z") + m[2])
    m = _AEMIA.search(word)
    if m is not None:
        out.add(word[: m.start()] + ("" if m[1] else "a") + "emi" + m[2])
    for stem in _OUR_STEMS:
        for a, b in (("our", "or"), ("or", "our")):
            if word.startswith(stem + a) and word[len(stem) + len(a) :] in _OUR_ENDINGS:
                out.add(stem + b + word[len(stem) + len(a) :])
    for stem in _LL_STEMS:
        for a, b in (("l", ""), ("", "l")):
            for end in ("ing", "ed", "er", "ers"):
                if word == stem + a + end:
                    out.add(stem + b + end)
    for uk, us in _PREFIXES:
        for a, b in ((uk, us), (us, uk)):
            if word.startswith(a) and len(word) >= len(a) + 2:
                out.add(b + word[len(a) :])
    return out


def spellings(key: str) -> list[str]:
    """An ASCII term and its British/American spelling variants (``bayesian optimisation`` for ``bayesian
    optimization``), the term first; each word varies on its own."""
    if not key.isascii():
        return [key]
    forms = [""]
    for i, word in enumerate(key.split(" ")):
        options = _WORD_OPTIONS.get(word)
        if options is None:  # words recur across terms (learning, quantum): each is worked out once a process
            options = _WORD_OPTIONS[word] = sorted(_word_spellings(word), key=lambda w: (w != word, w))
        forms = [f + (" " if i else "") + w for f in forms for w in options][:16]  # a bound for long terms
    return forms


_WORD_OPTIONS: dict[str, list[str]] = {}
"""A word -> it and its other spellings, the word first (validation and the matcher both ask, for every term)."""


_ADJECTIVES = (("graphy", ("graphic", "graphical")), ("scopy", ("scopic",)), ("metry", ("metric",)),
               ("logy", ("logical",)), ("onics", ("onic",)))  # fmt: skip
"""Noun endings of method and field names and their adjectives: echocardiography → echocardiographic image,
spintronics → spintronic devices."""


def _inflections(key: str) -> list[str]:
    """English plural of the last word of an ASCII term, and the adjective of a method or field name (-graphy →
    -graphic, -onics → -onic), precomputed so titles need no stemming."""
    if not key or not key.isascii() or not key[-1].isalpha() or len(key.split(" ")[-1]) < 3:
        return [key]
    last = key.split(" ")[-1]
    forms = [key]
    for noun, adjectives in _ADJECTIVES:
        if last.endswith(noun) and len(last) > len(noun) + 2:
            forms += [key[: -len(noun)] + adj for adj in adjectives]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        forms.append(key + "es")
    elif last.endswith("y") and last[-2] not in "aeiou":
        forms.append(key[:-1] + "ies")
    else:
        forms.append(key + "s")
    return forms


def equivalent_groups(groups: tuple[tuple[str, ...], ...] | list[list[str]]) -> tuple[tuple[str, ...], ...]:
    """meta.yaml's ``equivalents`` as :func:`equivalent_forms` and :func:`term_forms` take them: each name
    normalised as terms are."""
    return tuple(tuple(normalize_text(name) for name in names) for names in groups)


_EQUIVALENT_MAX = 8
"""At most this many forms of one term from its equivalent names (a bound for terms holding several)."""


def equivalent_forms(key: str, groups: tuple[tuple[str, ...], ...]) -> list[str]:
    """``key`` (a normalised term) and its forms with a name of an equivalence group (``groups``, normalised) that
    it holds replaced by another name of the group, precomputed as plurals are: ``co2 capture`` also matches
    ``carbon dioxide capture``, ``CO2回収`` ``二酸化炭素回収`` and ``AI創薬`` ``人工知能創薬``.

    In an English term only English names stand in; in a Japanese one, Japanese names and Latin ones of one word
    (``co2``, not ``carbon dioxide``). A Latin name counts only as a whole word (no ``ai`` in ``chain``). A term that
    is one of the names itself gets no forms from its group: a bare abbreviation means other things (EV is also an
    extracellular vesicle), and where a name is a term the taxonomy lists it.
    """
    forms = [key]
    if not groups or _any_name(groups).search(key) is None:  # most terms hold no name: one search says so
        return forms
    english = key.isascii()
    for names in groups:
        if key in names:
            continue
        usable = [n for n in names if (n.isascii() if english else not n.isascii() or " " not in n)]
        for name in usable:
            pattern = _name_pattern(name)
            for form in list(forms):
                if len(forms) >= _EQUIVALENT_MAX:
                    return forms
                if pattern.search(form) is None:
                    continue
                for other in usable:
                    if other != name:
                        variant = pattern.sub(other.replace("\\", "\\\\"), form)  # a name is text, not a template
                        if variant not in forms and len(forms) < _EQUIVALENT_MAX:
                            forms.append(variant)
    return forms


_ANY_NAME: dict[tuple[tuple[str, ...], ...], re.Pattern[str]] = {}


def _any_name(groups: tuple[tuple[str, ...], ...]) -> re.Pattern[str]:
    """A pattern that finds any name of ``groups`` anywhere (a quick test before each name's own)."""
    pattern = _ANY_NAME.get(groups)
    if pattern is None:
        names = sorted({name for names in groups for name in names}, key=len, reverse=True)
        pattern = _ANY_NAME[groups] = re.compile("|".join(map(re.escape, names)))
    return pattern


_NAME_PATTERNS: dict[str, re.Pattern[str]] = {}


def _name_pattern(name: str) -> re.Pattern[str]:
    """A name of an equivalence group as a pattern: a Latin name as a whole word, a Japanese one anywhere."""
    pattern = _NAME_PATTERNS.get(name)
    if pattern is None:
        text = re.escape(name)
        if name.isascii():
            text = rf"(?<![a-z0-9]){text}(?![a-z0-9])"
        pattern = _NAME_PATTERNS[name] = re.compile(text)
    return pattern


_KANA_BEFORE = "アアア"
"""Three katakana letters: what a term is preceded by when it ends a longer katakana word."""
_COMPOUND_AT_LEAST = 4
"""The fewest kana a term's compound form starts with to be matched: shorter ones are pieces of unrelated words."""


def _in_compound(key: str) -> str | None:
    """The form a normalised term starting with katakana takes at the end of a longer katakana word, when that
    differs: a long-vowel mark after three or more kana is dropped inside a compound (see :func:`_deletions`), so
    ニューラルネットワーク reads ニュラルネットワク in スパイキングニューラルネットワーク, while a term keeps the mark
    of its own first word when it stands alone. None for a form that starts with fewer than four kana: ドローン reads
    ドロン in マルチドローン, but ドロン is a piece of ハドロン too."""
    if not key or not _is_katakana(key[0]) or _LONG not in key[:3]:
        return None
    form = normalize_text(_KANA_BEFORE + key)
    if not form.startswith(_KANA_BEFORE):
        return None
    form = form[len(_KANA_BEFORE):]
    # Not a short katakana piece: ドロン (ドローン's) is one of ハドロン, リド (リード化合物's) of ヒドリド
    kana = 0
    while kana < len(form) and (_is_katakana(form[kana]) or form[kana] == _LONG):
        kana += 1
    return form if form != key and kana >= _COMPOUND_AT_LEAST else None


_SET_OFF = ("micro", "nano", "quad", "tele", "photo", "under", "super", "bio", "anti", "off", "sea", "air",
             "cyber", "hydro", "geo", "thermo", "electro", "opto", "aero", "ultra", "semi")
"""English prefixes that writers also set off with a hyphen: micro-grid, tele-medicine, off-shore, sea-floor."""
_SPLIT = re.compile(r"(?<![a-z0-9])(" + "|".join(_SET_OFF) + r")([a-z]{4,})(?![a-z0-9])")


def _prefix_split(term: str) -> list[str]:
    """A term with its words that start with one of :data:`_SET_OFF` written apart (a hyphen normalises to a
    space): ``micro grid`` for microgrid, ``off shore wind`` for offshore wind (an English-speaking user test found
    the hyphenated forms missed). Only a word of Latin letters, and the rest at least four letters (not photo n)."""
    if not term.isascii():
        return []
    split = _SPLIT.sub(r"\1 \2", term)
    return [split] if split != term else []


def term_forms(key: str, groups: tuple[tuple[str, ...], ...]) -> list[str]:
    """Every form a normalised term is found by, the term first: its British and American spellings, its forms with
    an equivalent name from ``groups`` (normalised), and the English plural of each; and a katakana term's form at
    the end of a longer katakana word (:func:`_in_compound`)."""
    forms = list(dict.fromkeys(form for name in equivalent_forms(key, groups) for spelling in spellings(name)
                               for split in (spelling, *_prefix_split(spelling)) for form in _inflections(split)))
    compound = _in_compound(key)
    if compound is not None and compound not in forms:
        forms.append(compound)
    return forms


def written_as(piece: str, written: tuple[str, ...]) -> bool:
    """Whether ``piece``, text as a user wrote it (NFKC'd, spaces and invisible characters left out: G A N, a soft
    hyphen), starts with one of the case-sensitive terms ``written`` (``Taxonomy.cased``), or with one but its final
    y (ZoNy, ZoNies): the matcher's test of a match, and ``show``'s of a name."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", piece)
                   if not ch.isspace() and unicodedata.category(ch) != "Cf")  # fmt: skip
    return any(text.startswith(w) or (w[-1] in "yY" and text.startswith(w[:-1]) and text[len(w) - 1 : len(w)] in
                                      ("i", "I")) for w in written)  # fmt: skip
