"""Text normalisation shared by titles and taxonomy terms, with a map back to the original offsets.

The same function runs on both sides, so a variant only has to be folded once here to match everywhere:
NFKC (full-width Latin and digits, half-width katakana), lower case, ヴァ→バ style katakana variants, a
word-final long-vowel mark (コンピューター→コンピュータ), dashes and middle dots, spaced acronyms (``A I``→``ai``)
and spacing (runs collapse to one space; spaces next to Japanese characters are dropped).
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass

# Characters folded to an ASCII space: dashes between words, middle dots, slashes are kept as is.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DOTS = "\u30fb\u00b7\uff65\u2022\u2219"
_SPACES = " \t\r\n\u3000\u00a0\u2002\u2003\u2009\u200b"
_SMALL_VU = {"ァ": "バ", "ィ": "ビ", "ゥ": "ブ", "ェ": "ベ", "ォ": "ボ"}
_LONG = "ー"
_COMBINING_VOICED = {"\u3099", "\u309a"}


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised string and, for each of its characters, the offset of the original character."""

    text: str
    """The normalised text."""
    index: tuple[int, ...] | None
    """``index[i]`` is the original offset of ``text[i]`` (one extra entry: the original length); None = identity."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text back to the original text."""
        if self.index is None:
            return start, end
        if end <= start:
            return self.index[start], self.index[start]
        return self.index[start], self.index[end - 1] + 1


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == _LONG


def _drop_final_long(out: list[str], idx: list[int]) -> None:
    while len(out) >= 2 and out[-1] == _LONG and _is_katakana(out[-2]):
        out.pop()
        idx.pop()


def _char_map(ch: str, cache: dict[str, str] = {}) -> str:  # noqa: B006 - deliberate module-level cache
    """NFKC + lower case + dash/dot/space folding for one character."""
    out = cache.get(ch)
    if out is None:
        if ch in _SPACES or ch in _DASHES or ch in _DOTS:
            out = " "
        else:
            out = unicodedata.normalize("NFKC", ch).lower()
            if out in _DASHES:
                out = " "
            elif len(out) > 1:
                out = "".join(" " if c in _DASHES or c in _SPACES else c for c in out)
        cache[ch] = out
    return out


def _fast_ascii(text: str) -> Normalized | None:
    """Plain ASCII needs only lower-casing and dash folding, which keep offsets; return None if more is needed."""
    if not text.isascii() or "  " in text or "\t" in text or "\n" in text or "\r" in text:
        return None
    low = text.lower().replace("-", " ")
    if low.startswith(" ") or low.endswith(" ") or "  " in low:
        return None
    # A spaced acronym such as "A I" needs the slow path.
    parts = text.split(" ")
    for a, b in itertools.pairwise(parts):
        if len(a) == 1 and len(b) == 1 and a.isupper() and b.isupper():
            return None
    return Normalized(low, None)


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching and keep the offsets back to it."""
    fast = _fast_ascii(text)
    if fast is not None:
        return fast
    out: list[str] = []
    idx: list[int] = []
    acro = False  # the last output char is a lone capital letter that may start or continue "A I" style acronyms
    prev_was_vu = False
    n = len(text)
    for i, ch in enumerate(text):
        mapped = _char_map(ch)
        for m in mapped:
            if m in _COMBINING_VOICED:
                # Half-width ｶﾞ arrives as カ + combining mark: compose with the previous character;
                # a stray mark that composes with nothing is dropped.
                if out:
                    composed = unicodedata.normalize("NFC", out[-1] + m)
                    if len(composed) == 1:
                        out[-1] = composed
                continue
            if m == " ":
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
            lone_capital = (
                ch.isupper() and m.isascii() and m.isalpha()
                and (i + 1 >= n or not _char_map(text[i + 1]).isalnum())
            )
            if lone_capital and acro and len(out) >= 2 and out[-1] == " ":
                out.pop()  # "A I" → "ai"
                idx.pop()
                out.append(m)
                idx.append(i)
                continue
            boundary_before = not out or out[-1] == " " or not (out[-1].isascii() and out[-1].isalnum())
            acro = lone_capital and boundary_before
            out.append(m)
            idx.append(i)
    while out and out[-1] == " ":
        out.pop()
        idx.pop()
    _drop_final_long(out, idx)
    idx.append(len(text))
    return Normalized("".join(out), tuple(idx))


def normalize_text(text: str) -> str:
    """Normalise ``text`` without keeping the offset map (used for terms and look-ups)."""
    return normalize(text).text
