"""The learned second opinion: one logistic regression per area over the words (character 2-3-grams) of a title.

The thesaurus names technologies; many real titles describe theirs in words no thesaurus lists. This model,
trained on labelled titles (``scripts/train_learned.py``), reads the whole title instead. The classifier uses it
three ways (see ``Classifier._read`` and ``_new_plan``): it adds areas the terms did not report, it scores an area
the terms found when its reading is higher, and it holds back an area that the terms reach on support words alone
when it finds that area unlikely for the whole title. Its areas are marked ``learned`` with the words that weighed
most, so a reviewer can tell a source-anchored hit from a statistical one. The weights live in ``learned.json``
beside the taxonomy; a taxonomy directory without that file simply has no second opinion.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, NamedTuple

from .errors import TaxonomyError

FORMAT = 1
FILE = "learned.json"
_SIZES = (2, 3)


def ngrams(text: str) -> list[str]:
    """Character 2- and 3-grams of a normalised title, in order (the first training stage's features)."""
    n = len(text)
    return [text[i : i + k] for k in _SIZES for i in range(n - k + 1)]


class Tokenizer:
    """Cuts a normalised title into vocabulary words, leftmost-longest and non-overlapping (one Aho-Corasick pass)."""

    def __init__(self, vocabulary: list[str]) -> None:
        self.vocabulary = vocabulary
        self._automaton = _compile(vocabulary)

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        """(vocabulary index, start, end) of each word found."""
        return self._automaton.find_matches_as_indexes(text)  # type: ignore[no-any-return]

    def words(self, text: str) -> list[str]:
        """The words found, in order (the second training stage's features)."""
        vocabulary = self.vocabulary
        return [vocabulary[i] for i, _, _ in self.matches(text)]


class _Derived(NamedTuple):
    """What :class:`Learned` works out from its weights once, kept when it is pickled."""

    cuts: list[float]
    pairs: list[tuple[tuple[int, float], ...]]
    area_weights: list[dict[int, float]]
    base: int
    mask: int
    doubt_base: int
    packed: list[int]
    bits: dict[str, int]
    area_of_bit: dict[int, int]
    all: int


def _derive(areas: tuple[str, ...], thresholds: tuple[float, ...], intercepts: tuple[float, ...],
            vocabulary: list[str], weights: dict[str, tuple[tuple[int, float], ...]], doubt: float | None
            ) -> _Derived:  # fmt: skip
    cuts = [math.log(t / (1 - t)) if t < 1 else math.inf for t in thresholds]  # logits at the thresholds
    pairs = [_merged(weights.get(g, ())) for g in vocabulary]  # per word: (area, weight), one per area
    area_weights: list[dict[int, float]] = [{} for _ in areas]  # per area: word index -> weight
    for i, word_pairs in enumerate(pairs):
        for j, w in word_pairs:
            area_weights[j][i] = w
    # An area the model has no word for (too few examples to learn from) is never doubted: its low probability says
    # nothing about the title.
    doubt_at = [math.log(doubt / (1 - doubt)) if doubt is not None and area_weights[j] else -math.inf
                for j in range(len(areas))]  # fmt: skip
    base, mask, doubt_base, bits, packed = _pack(cuts, doubt_at, intercepts, pairs)
    return _Derived(cuts, pairs, area_weights, base, mask, doubt_base, packed, dict(zip(areas, bits, strict=True)),
                    {bit: j for j, bit in enumerate(bits)},
                    sum(bit for bit, level in zip(bits, doubt_at, strict=True) if math.isfinite(level)))


class Learned:
    """Per-area logistic regression over the vocabulary words present in a normalised title.

    Scoring is one leftmost-longest Aho-Corasick pass over the vocabulary (a few thousand character 2-3-grams),
    then one packed integer sum over the distinct words found (about 15 a title) that says which areas may
    reach their threshold and which fall below the doubt level; only the flagged areas get an exact sum.
    """

    __slots__ = (
        "_all",
        "_area_of_bit",
        "_area_weights",
        "_base",
        "_cuts",
        "_doubt_base",
        "_last",
        "_mask",
        "_packed",
        "_pairs",
        "_tokenizer",
        "areas",
        "bits",
        "doubt",
        "intercepts",
        "thresholds",
        "vocabulary",
        "weights",
    )

    def __init__(self, areas: tuple[str, ...], thresholds: tuple[float, ...], intercepts: tuple[float, ...],
                 vocabulary: list[str], weights: dict[str, tuple[tuple[int, float], ...]], doubt: float | None = None,
                 *, _derived: _Derived | None = None) -> None:  # fmt: skip
        self.areas = areas
        self.thresholds = thresholds
        """Per area, the probability at which the model reports it (1.0: never)."""
        self.intercepts = intercepts
        self.vocabulary = vocabulary
        self.weights = weights
        self.doubt = doubt
        """The probability below which the model doubts an area (None: it never does); see :meth:`read`."""
        d = _derived if _derived is not None else _derive(areas, thresholds, intercepts, vocabulary, weights, doubt)
        self._cuts, self._pairs, self._area_weights = d.cuts, d.pairs, d.area_weights
        self._base, self._mask, self._doubt_base, self._packed = d.base, d.mask, d.doubt_base, d.packed
        self.bits = d.bits
        """Each area's bit in :meth:`read`'s mask of doubted areas."""
        self._area_of_bit, self._all = d.area_of_bit, d.all
        self._tokenizer = Tokenizer(vocabulary)
        self._last: tuple[str, list[tuple[int, int, int]]] = ("", [])

    def __reduce__(self) -> tuple[Any, ...]:
        # Everything derived at construction is kept (packing the weights takes about 50 ms of a cold start);
        # only the automaton, which cannot be pickled, is rebuilt from the vocabulary. (__reduce__ rather than
        # __getstate__: the class is compiled with mypyc in the wheel, and a compiled class has no __dict__.)
        derived = _Derived(self._cuts, self._pairs, self._area_weights, self._base, self._mask, self._doubt_base,
                           self._packed, self.bits, self._area_of_bit, self._all)  # fmt: skip
        return _restore, (self.areas, self.thresholds, self.intercepts, self.vocabulary, self.weights, self.doubt,
                          derived)  # fmt: skip

    def logits(self, text: str) -> list[float]:
        """Per-area log-odds for a normalised title."""
        return self._logits({m[0] for m in self._tokenizer.matches(text)})

    def _logits(self, words: set[int]) -> list[float]:
        acc = list(self.intercepts)
        pairs = self._pairs
        for index in words:
            for j, w in pairs[index]:
                acc[j] += w
        return acc

    def read(self, text: str) -> tuple[tuple[tuple[str, int], ...], int]:
        """The areas at or above their threshold, as (id, score) with score = probability × 100, best first; and
        the areas the model doubts: a mask of ``bits``, set for each area whose probability is below ``doubt`` (0
        when the model has no doubt level).

        One integer sum over the title's words (see :func:`_pack`) says which areas may reach their threshold,
        whose exact sums then decide, and which are doubted. The doubt test is that integer sum's: it differs
        from the float probability only within about 1e-4 of the log-odds at ``doubt``. Areas the model has no
        word for are never doubted.
        """
        matches = self._tokenizer.matches(text)
        self._last = (text, matches)  # for reasons(), which classify asks next for the areas this call reports
        # Each match taken as an object (Any), not as a tuple of three ints: compiled, that unboxed all three and
        # boxed the index again for the set (a new int object above 256), for every word.
        found: list[Any] = matches
        return self._read({m[0] for m in found})

    def _read(self, words: set[int]) -> tuple[tuple[tuple[str, int], ...], int]:
        packed = self._packed
        total = 0
        for index in words:  # compiled, a loop: sum(map(packed.__getitem__, ...)) called a bound method per word
            total += packed[index]
        doubted = ~(self._doubt_base + total) & self._all if self.doubt is not None else 0
        flagged = (self._base + total) & self._mask
        if not flagged:
            return (), doubted  # no area within _MARGIN of its threshold: most titles stop here
        found = []
        while flagged:  # usually one area: its exact sum decides
            bit = flagged & -flagged
            flagged ^= bit
            j = self._area_of_bit[bit]
            weights = self._area_weights[j]
            z = sum([weights[i] for i in words if i in weights], self.intercepts[j])  # in _logits' order
            if z >= self._cuts[j]:
                found.append((self.areas[j], z))
        found.sort(key=lambda x: -x[1])
        return tuple((a, _score(z)) for a, z in found), doubted

    def reasons(self, text: str, area: str, top: int = 3) -> list[tuple[int, int, float]]:
        """The words that raised ``area`` most: (start, end, weight) in the normalised text, best first; a word
        found twice is named once, where it first appears."""
        j = self.areas.index(area)
        best: dict[int, tuple[int, int, float]] = {}
        last_text, matches = self._last
        if last_text != text:
            matches = self._tokenizer.matches(text)
        for index, start, end in matches:
            for a, w in self._pairs[index]:
                if a == j and w > 0 and index not in best:
                    best[index] = (start, end, w)
        return sorted(best.values(), key=lambda r: (-r[2], r[0]))[:top]


def _restore(areas: tuple[str, ...], thresholds: tuple[float, ...], intercepts: tuple[float, ...],
             vocabulary: list[str], weights: dict[str, tuple[tuple[int, float], ...]], doubt: float | None,
             derived: _Derived) -> Learned:  # fmt: skip
    return Learned(areas, thresholds, intercepts, vocabulary, weights, doubt, _derived=derived)


_MARGIN = 1e-3  # the packed sum flags an area this far below its threshold; the exact sum then decides


def _pack(cuts: list[float], doubt_at: list[float], intercepts: tuple[float, ...],
          pairs: list[tuple[tuple[int, float], ...]]) -> tuple[int, int, int, list[int], list[int]]:
    """Two quick tests for one integer addition per word: may an area reach its threshold, is it below doubt.

    Each word's weights, rounded to integers, are packed into one Python integer with a field per area, wide
    enough that no field can carry into the next for any set of words. For the threshold test a field starts at
    ``half`` plus the area's (intercept - threshold + margin), so its top bit is set exactly when the rounded
    sum of the weights reaches the threshold less the margin. The rounding errs by at most half a unit a word,
    and a title holds at most every vocabulary word once, so that error stays below the margin: the test never
    misses an area the exact sum would report. Areas that are never reported have no bit in the mask. For the
    doubt test a field starts at ``half`` plus (intercept - doubt level): its top bit is clear when the rounded
    sum is below the doubt level.

    Returns the threshold test's start value, the mask of the top bits of areas that can be reported, the doubt
    test's start value, each area's top bit, and the packed words.
    """
    n = len(intercepts)
    # Weights in units of 1/scale, with scale large enough that half a unit for every vocabulary word (``pairs``
    # holds one (area, weight) per area a word weighs) stays below the margin: at least 2**24.
    scale = 1 << max(24, math.ceil(math.log2(len(pairs) / _MARGIN + 1)))
    q = [[0] * n for _ in pairs]
    for i, p in enumerate(pairs):
        for j, w in p:
            q[i][j] = round(w * scale)
    start = [math.floor((intercepts[j] - cuts[j] + _MARGIN) * scale) if math.isfinite(cuts[j]) else 0
             for j in range(n)]  # fmt: skip
    low = [math.floor((intercepts[j] - doubt_at[j]) * scale) if math.isfinite(doubt_at[j]) else 0 for j in range(n)]
    reach = max(max(abs(start[j]), abs(low[j])) + sum(abs(row[j]) for row in q) for j in range(n))
    width = reach.bit_length() + 2
    half = 1 << (width - 1)  # |field - half| <= reach < half: a field never leaves [0, 2 * half)
    bits = [half << (width * j) for j in range(n)]
    base = sum((half + start[j]) << (width * j) for j in range(n))
    doubt_base = sum((half + low[j]) << (width * j) for j in range(n))
    mask = sum(bits[j] for j in range(n) if math.isfinite(cuts[j]))
    packed = [sum((row[j] << (width * j)) for j in range(n)) for row in q]
    return base, mask, doubt_base, bits, packed


def _merged(pairs: tuple[tuple[int, float], ...]) -> tuple[tuple[int, float], ...]:
    """A word's (area, weight) pairs with repeated areas summed, in first-seen order (a file may repeat an area)."""
    if len({j for j, _ in pairs}) == len(pairs):
        return pairs
    out: dict[int, float] = {}
    for j, w in pairs:
        out[j] = out.get(j, 0.0) + w
    return tuple(out.items())


def _compile(grams: list[str]) -> Any:
    from .matcher import LazyAutomaton  # built when it pays, as the matcher's is

    return LazyAutomaton(grams)


def _score(logit: float) -> int:
    return min(100, round(100 / (1 + math.exp(-logit))))


def _number(x: object) -> bool:
    """A finite JSON number (not a boolean, not an integer too large for a float)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    try:
        return math.isfinite(float(x))
    except OverflowError:
        return False


_MAX_REPORTED = 10  # bad weights listed before "and N more"


def load(directory: Path, area_ids: list[str]) -> Learned | None:
    """The model in ``directory``, or None when the taxonomy has none. Raises TaxonomyError listing every problem
    when it is broken."""
    path = directory / FILE
    if not path.is_file():
        if path.exists():  # a folder of that name was taken for no model (a user test)
            raise TaxonomyError([f"{path.name}: not a file"], problems_ja=[f"{path.name}: ファイルではありません"])
        return None
    where = f"{path.name}"
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise TaxonomyError([f"{where}: cannot read the learned model ({exc})"],
                            problems_ja=[f"{where}: 学習モデルを読めません（{exc}）"]) from exc
    problems: list[str] = []
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise TaxonomyError([f"{where}: not a learned model of format {FORMAT}"],
                            problems_ja=[f"{where}: 形式 {FORMAT} の学習モデルではありません"])
    areas = doc.get("areas")
    if not isinstance(areas, list) or sorted(map(str, areas)) != sorted(area_ids):
        problems.append(f"{where}: areas must be exactly the taxonomy's {len(area_ids)} area ids")
        areas = []
    thresholds = doc.get("thresholds")
    if not isinstance(thresholds, list) or len(thresholds) != len(areas) or not all(
        _number(x) and 0.5 <= x <= 1 for x in thresholds
    ):
        problems.append(f"{where}: thresholds must be one probability from 0.5 to 1 per area")
        thresholds = []
    intercepts = doc.get("intercepts")
    if not isinstance(intercepts, list) or len(intercepts) != len(areas) or not all(map(_number, intercepts)):
        problems.append(f"{where}: intercepts must be one finite number per area")
        intercepts = []
    if thresholds and intercepts:
        # An intercept at or above the threshold would report the area for every title, with nothing to show.
        for a, t, b in zip(areas, thresholds, intercepts, strict=True):
            if t < 1 and b >= math.log(t / (1 - t)):
                problems.append(f"{where}: the intercept of {a} reaches its threshold without any word")
    doubt = doc.get("doubt")
    if doubt is not None and not (_number(doubt) and 0 < doubt <= 0.4):
        problems.append(f"{where}: doubt must be a probability above 0 and at most 0.4, or absent")
    vocabulary = doc.get("vocabulary")
    if not isinstance(vocabulary, list) or not vocabulary or not all(
        isinstance(g, str) and min(_SIZES) <= len(g) <= max(_SIZES) for g in vocabulary
    ) or len(set(vocabulary)) != len(vocabulary):  # fmt: skip
        problems.append(f"{where}: vocabulary must be distinct strings of 2-3 characters")
        vocabulary = []
    known = set(vocabulary)
    raw = doc.get("weights")
    weights: dict[str, tuple[tuple[int, float], ...]] = {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: weights must map vocabulary words to [area index, weight] pairs")
    else:
        bad = []
        for g, pairs in raw.items():
            ok = g in known and isinstance(pairs, list) and all(
                isinstance(p, list) and len(p) == 2 and isinstance(p[0], int) and not isinstance(p[0], bool)
                and 0 <= p[0] < len(areas) and _number(p[1])
                for p in pairs
            )  # fmt: skip
            if ok:
                weights[g] = tuple((int(j), float(w)) for j, w in pairs)
            else:
                bad.append(g)
        for g in bad[:_MAX_REPORTED]:
            problems.append(f"{where}: weights[{g!r}] must be [area index, weight] pairs for a vocabulary word")
        if len(bad) > _MAX_REPORTED:
            problems.append(f"{where}: … and {len(bad) - _MAX_REPORTED} more bad weights")
    if problems:
        raise TaxonomyError(problems)
    return Learned(tuple(map(str, areas)), tuple(map(float, thresholds)), tuple(map(float, intercepts)),
                   vocabulary, weights, None if doubt is None else float(doubt))
