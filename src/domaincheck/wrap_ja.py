"""Line breaking for Japanese text in the terminal: between any two Japanese characters, at spaces, never inside a
Latin word, never before closing punctuation or after an opening bracket (禁則処理, simplified).

rich breaks a line at spaces only and folds what does not fit at the column's edge: a Japanese sentence with a Latin
word in it (``表示の言語（json は…``) broke after the word, leaving a short line, and a line could begin with 。 or ）.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement
    from rich.text import Text

NO_START = frozenset("、。，．,.）)］]｝}〕〉》」』】〙〗〟’”｠»・：:；;！!？?‐゠–〜～…‥|/"
                     "ーヽヾゝゞ々〻ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ")
"""Characters a line may not begin with: closing punctuation and brackets, small kana, the long-vowel mark (and the
bar between choices, [table|json|csv], and the slash between programs, which end a line)."""
NO_END = frozenset("（(［[｛{〔〈《「『【〘〖〝‘“｟«")
"""Characters a line may not end with: opening brackets and quotes."""

_LATIN = r"[ \t]+|(?:[A-Za-z0-9_\-+./@#%&=*'\"<>~^$\\]|(?<=[0-9]),(?=[0-9]{3}(?![0-9])))+"
_UNITS = re.compile(_LATIN + r"|[\u30a1-\u30faー]+・?|.", re.DOTALL)
"""What a line is cut into: runs of spaces, Latin words (with the ASCII symbols that hold to them, and a thousands
separator: 3,000万 broke after its comma, a user test; not the commas of a list of numbers, 12,34,56), katakana
words with the middle dot after them (バイオ・ヘルスケア broke as バイ / オ・ヘルスケア, a fourth user test; it breaks
after バイオ・ now), single characters; a line breaks only between two of them."""


_CHARS = re.compile(_LATIN + r"|.", re.DOTALL)
""":data:`_UNITS` with katakana words cut into characters: where a whole katakana word would leave a bracket alone on
a line or begin one with 」 or ッ (（ / フュージョンエネルギー / ）: a review), the line breaks as it did before."""

_UNITS_EN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]+|" + _UNITS.pattern, re.DOTALL)
""":data:`_UNITS` for English text, where a Japanese word is quoted whole (課題名, 研究課題名: an English help split
課題名 at its edge, a third user test): a run of Japanese characters is one unit."""


def break_offsets(line: str, width: int, english: bool = False, keep: Sequence[tuple[int, int]] = ()) -> list[int]:
    """Offsets in ``line`` (one line, no newline) where it breaks to fit ``width`` terminal cells: after a run of
    spaces or between two units, moved back where the next line would begin with a :data:`NO_START` character or
    this one end with a :data:`NO_END` one; a unit wider than ``width`` is folded by characters. ``english``: the
    text is English, its Japanese words kept whole (:data:`_UNITS_EN`). ``keep``: spans (start, end) of ``line``
    never broken but where they are wider than the line, such as a count in brackets (``[220 語、出典74行]``)."""
    breaks = _breaks(line, width, _UNITS_EN if english else _UNITS, keep)
    if not english and _breaks_a_rule(line, breaks):
        breaks = _breaks(line, width, _CHARS, keep)
    return [b for b in breaks if b < len(line)]  # none at the end (a wide last character at width 1)


def _breaks_a_rule(line: str, breaks: list[int]) -> bool:
    """Whether a line of ``line`` broken at ``breaks`` is nothing but opening brackets, or one after the first
    begins with a :data:`NO_START` character."""
    starts = [0, *breaks]
    pieces = [line[a:b] for a, b in zip(starts, [*breaks, len(line)], strict=True)]
    return any(p.strip() and all(c in NO_END for c in p.strip()) for p in pieces) or any(
        p[:1] in NO_START for p in pieces[1:])


def _breaks(line: str, width: int, pattern: re.Pattern[str], keep: Sequence[tuple[int, int]]) -> list[int]:
    """:func:`break_offsets` with the line cut into units by ``pattern``."""
    from rich.cells import cell_len

    units = [(m.start(), m.end()) for m in pattern.finditer(line)]
    for lo, hi in keep:  # the units a kept span touches become one
        inside = [n for n, (s, e) in enumerate(units) if s < hi and e > lo]
        if len(inside) > 1:
            units[inside[0] : inside[-1] + 1] = [(units[inside[0]][0], units[inside[-1]][1])]
    breaks: list[int] = []
    used = 0
    i = 0
    while i < len(units):
        start, end = units[i]
        size = cell_len(line[start:end])
        if used and line[start] in " \t":  # spaces at the end of a line hang past it: they are never shown
            used += size
            i += 1
            continue
        if used + size <= width:
            used += size
            i += 1
            continue
        if not used:  # a unit wider than the line: fold it by characters
            cut = start
            while cut < end and cell_len(line[start : cut + 1]) <= width:
                cut += 1
            cut = max(cut, start + 1)
            # a katakana word folded as Japanese is: no small kana or ー beginning the next line, no character
            # alone at a word's end (ロジスティク / ス in a 12-cell column: a review)
            if end - cut == 1 and cut - start > 2 and not line[cut - 1].isascii() and line[cut - 1] not in NO_START:
                cut -= 1
            while cut - start > 1 and cut < end and line[cut] in NO_START:
                cut -= 1
            breaks.append(cut)
            if cut < end:
                units[i] = (cut, end)
            else:  # the whole unit on its line (a wide character at width 1): no empty unit is left behind
                i += 1
            continue
        j = i  # break before unit j, moved back for the rules (keeping at least one unit on the line)
        first = _line_start(units, breaks)
        while j - 1 > first and (line[units[j][0]] in NO_START or line[units[j - 1][1] - 1] in NO_END):
            j -= 1
        if breaks and units[j][0] <= breaks[-1]:  # no break at the line's own start: it would never end (width 1)
            j = i
        breaks.append(units[j][0])
        i = j
        while i < len(units) and line[units[i][0]] in " \t":  # a new line does not begin with spaces
            i += 1
        if i < len(units) and units[i][0] != breaks[-1]:
            breaks[-1] = units[i][0]
        used = 0
    _no_widow(line, units, breaks, width)
    return breaks


def _no_widow(line: str, units: list[tuple[int, int]], breaks: list[int], width: int) -> None:
    """Move the last break back by one unit when the last line would hold one Japanese character alone (ト of
    AI・先端ロボット, タ of 量子コンピュータ: a user test), keeping two units or more on the line before and the
    rules of :func:`break_offsets`, and only when the new last line fits ``width`` (a unit moved down with
    zero-width characters in it could make it one cell too wide: a review's random sweep)."""
    from rich.cells import cell_len

    if not breaks or len(line[breaks[-1]:].rstrip()) != 1 or line[breaks[-1]].isascii():
        return
    k = next((n for n, (s, _) in enumerate(units) if s == breaks[-1]), None)
    before = breaks[-2] if len(breaks) > 1 else 0
    first = next((n for n, (s, _) in enumerate(units) if s >= before), None)
    if k is None or first is None:
        return
    j = k - 1  # the new last line begins with unit j
    while j > first + 1 and (line[units[j][0]] in NO_START or line[units[j - 1][1] - 1] in NO_END):
        j -= 1
    if j <= first + 1 or line[units[j - 1][0]] in " \t" or line[units[j][0]] in " \t":
        return
    if cell_len(line[units[j][0]:].rstrip()) > width:
        return
    breaks[-1] = units[j][0]


def _line_start(units: list[tuple[int, int]], breaks: list[int]) -> int:
    """The index of the unit the current line begins with."""
    if not breaks:
        return 0
    return next(k for k, (s, _) in enumerate(units) if s >= breaks[-1])


class Wrapped:
    """A rich Text that breaks as :func:`break_offsets` says, for a table cell or a panel; ``english``: English text,
    whose Japanese words are kept whole."""

    def __init__(self, text: Text, english: bool = False, keep: Sequence[tuple[int, int]] = ()) -> None:
        self.text = text
        self.english = english
        self.keep = keep  # spans of text never broken (:func:`break_offsets`), on its first line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.cells import cell_len
        from rich.measure import Measurement

        plain = self.text.plain
        units = _UNITS_EN if self.english else _UNITS
        widest = max((cell_len(m.group()) for m in units.finditer(plain) if not m.group().isspace()), default=1)
        widest = max([widest, *(cell_len(plain[lo:hi]) for lo, hi in self.keep)])
        longest = max((cell_len(line) for line in plain.split("\n")), default=0)
        return Measurement(min(widest, options.max_width), min(longest, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._lines(options.max_width)

    def _lines(self, width: int) -> Iterator[Text]:
        for n, line in enumerate(self.text.split("\n", allow_blank=True)):
            pieces = line.divide(break_offsets(line.plain, width, self.english, self.keep if n == 0 else ()))
            for piece in pieces:
                piece.rstrip()
                piece.no_wrap = True
                yield piece
