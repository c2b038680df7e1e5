"""The learned second opinion: one logistic regression per area over character n-grams of the normalised title.

The thesaurus names technologies; many real titles describe theirs in words no thesaurus lists. This model,
trained on labelled titles (``scripts/train_learned.py``), reads the whole title instead. It only adds areas the
terms did not report, each marked ``learned`` with the n-grams that weighed most, so a reviewer can tell a
source-anchored hit from a statistical one. The weights live in ``learned.json`` beside the taxonomy; a taxonomy
directory without that file simply has no second opinion.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .errors import TaxonomyError

FORMAT = 1
FILE = "learned.json"
_SIZES = (1, 2, 3)


def ngrams(text: str) -> list[str]:
    """Character 1-3-grams of a normalised title, in order (the features, at training and at scoring time)."""
    n = len(text)
    return [text[i : i + k] for k in _SIZES for i in range(n - k + 1)]


class Learned:
    """Per-area logistic regression over the presence of character n-grams.

    Scoring is one overlapping Aho-Corasick pass over the n-grams that carry weight (a few thousand, thanks to
    the L1 penalty), then a sum over the distinct ones found.
    """

    __slots__ = ("_automaton", "_cut", "_grams", "_pairs", "areas", "intercepts", "threshold", "weights")

    def __init__(self, areas: tuple[str, ...], threshold: float, intercepts: tuple[float, ...],
                 weights: dict[str, tuple[tuple[int, float], ...]]) -> None:  # fmt: skip
        self.areas = areas
        self.threshold = threshold
        self.intercepts = intercepts
        self.weights = weights
        self._cut = math.log(threshold / (1 - threshold))  # the logit at the threshold
        self._grams = sorted(weights)
        self._pairs = [weights[g] for g in self._grams]
        self._automaton = _compile(self._grams)

    def __getstate__(self) -> tuple[object, ...]:
        # The automaton cannot be pickled; it is rebuilt from the n-grams (a few milliseconds).
        return (self.areas, self.threshold, self.intercepts, self.weights)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        self.__init__(*state)  # type: ignore[misc]

    def logits(self, text: str) -> list[float]:
        """Per-area log-odds for a normalised title."""
        acc = list(self.intercepts)
        pairs = self._pairs
        for index in {m[0] for m in self._automaton.find_matches_as_indexes(text, overlapping=True)}:
            for j, w in pairs[index]:
                acc[j] += w
        return acc

    def above(self, text: str) -> tuple[tuple[str, int], ...]:
        """Areas at or above the threshold, as (id, score) with score = probability × 100, best first."""
        cut = self._cut
        found = [(a, z) for a, z in zip(self.areas, self.logits(text), strict=True) if z >= cut]
        if not found:
            return ()
        found.sort(key=lambda x: -x[1])
        return tuple((a, _score(z)) for a, z in found)

    def reasons(self, text: str, area: str, top: int = 3) -> list[tuple[int, int, float]]:
        """Where the title raised ``area`` most: (start, end, weight) spans of the normalised text, best first.

        Each n-gram's positive weight is spread over its characters; the runs of characters that carry at least
        :data:`REASON_MIN` each are the reasons, weighed by their total.
        """
        j = self.areas.index(area)
        n = len(text)
        share = [0.0] * n
        pairs = self._pairs
        for index, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            for a, w in pairs[index]:
                if a == j and w > 0:
                    for c in range(start, end):
                        share[c] += w / (end - start)
        runs: list[tuple[int, int, float]] = []
        i = 0
        while i < n:
            if share[i] < REASON_MIN or text[i] == " ":
                i += 1
                continue
            start = i
            while i < n and share[i] >= REASON_MIN and text[i] != " ":
                i += 1
            runs.append((start, i, sum(share[start:i])))
        runs.sort(key=lambda r: (-r[2], r[0]))
        return runs[:top]


REASON_MIN = 0.1
"""A character belongs to a reason when the positive weight it carries for the area is at least this."""


def _compile(grams: list[str]) -> Any:
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(grams, matchkind=ahocorasick_rs.MatchKind.Standard)


def _score(logit: float) -> int:
    return min(100, round(100 / (1 + math.exp(-logit))))


def load(directory: Path, area_ids: list[str]) -> Learned | None:
    """The model in ``directory``, or None when the taxonomy has none. Raises TaxonomyError when it is broken."""
    path = directory / FILE
    if not path.is_file():
        return None
    where = f"{path.name}"
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise TaxonomyError([f"{where}: cannot read the learned model ({exc})"]) from exc
    problems: list[str] = []
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise TaxonomyError([f"{where}: not a learned model of format {FORMAT}"])
    areas = doc.get("areas")
    if not isinstance(areas, list) or sorted(map(str, areas)) != sorted(area_ids):
        problems.append(f"{where}: areas must be exactly the taxonomy's {len(area_ids)} area ids")
        areas = []
    threshold = doc.get("threshold")
    if not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        problems.append(f"{where}: threshold must be a number between 0 and 1")
    intercepts = doc.get("intercepts")
    if not isinstance(intercepts, list) or len(intercepts) != len(areas) or not all(
        isinstance(x, (int, float)) and math.isfinite(x) for x in intercepts
    ):
        problems.append(f"{where}: intercepts must be one finite number per area")
    raw = doc.get("weights")
    weights: dict[str, tuple[tuple[int, float], ...]] = {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: weights must map n-grams to [area index, weight] pairs")
    else:
        for g, pairs in raw.items():
            ok = isinstance(pairs, list) and all(
                isinstance(p, list) and len(p) == 2 and isinstance(p[0], int) and 0 <= p[0] < len(areas)
                and isinstance(p[1], (int, float)) and math.isfinite(p[1])
                for p in pairs
            )  # fmt: skip
            if not ok or not 1 <= len(g) <= max(_SIZES):
                problems.append(f"{where}: weights[{g!r}] must be [area index, weight] pairs for a 1-3 character "
                                "n-gram")
                break
            weights[g] = tuple((int(j), float(w)) for j, w in pairs)
    if problems:
        raise TaxonomyError(problems)
    return Learned(tuple(map(str, areas)), float(threshold), tuple(map(float, intercepts)), weights)  # type: ignore[arg-type]
