"""Score matched spans into areas, economic-security areas, programs and a screening verdict."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .matcher import AREA, EXCLUDE, FRAMING, STRONG, Matcher
from .models import AreaHit, EconSecHit, Evidence, ProgramHit, Result, Taxonomy
from .normalize import normalize

MAX_TITLE_CHARS = 10_000
_ALNUM = re.compile(r"[^\W_]")
_tuple_new = tuple.__new__  # builds a NamedTuple without its Python-level __new__ (hot path)
WEIGHTS = {STRONG: 1.0, "support": 0.45}
FUZZY_FACTOR = 0.7
# score = 100 * (1 - BASE ** weight): one strong term → 70, two support terms → 66, one support term → 42.
BASE = 0.3
REPORT_AT = 50
CONTEXT_BOOST = 1.4  # a support term counts more when another area has a clear hit (a technology title)
HIGH_AT = 70


def score_of(weight: float, _cache: dict[float, int] = {}) -> int:  # noqa: B006 - memo of a pure function
    """Map summed evidence weight to 0-100."""
    score = _cache.get(weight)
    if score is None:
        score = min(100, round(100 * (1 - math.pow(BASE, weight))))
        if len(_cache) < 10_000:
            _cache[weight] = score
    return score


def band_of(score: int) -> str:
    """``high``, ``medium`` or ``low``."""
    return "high" if score >= HIGH_AT else "medium" if score >= REPORT_AT else "low"


@dataclass(frozen=True, slots=True)
class _AreaInfo:
    tier: str
    name_ja: str
    name_en: str
    order: int


class Classifier:
    """Classifies titles against one taxonomy. Build once, call ``classify`` many times; thread-safe for reads."""

    def __init__(self, taxonomy: Taxonomy, matcher: Matcher | None = None) -> None:
        self.taxonomy = taxonomy
        self.matcher = matcher or Matcher(taxonomy)
        self._areas = {a.id: _AreaInfo(a.tier, a.name_ja, a.name_en, i) for i, a in enumerate(taxonomy.areas)}
        self._econsec = {e.id: e for e in taxonomy.econsec}
        self._es_order = {e.id: i for i, e in enumerate(taxonomy.econsec)}
        crosswalk: dict[str, list[str]] = {}
        for e in taxonomy.econsec:
            for a in e.crosswalk:
                crosswalk.setdefault(a, []).append(e.id)
        self._crosswalk = crosswalk
        self._program_cache: dict[tuple[tuple[tuple[str, str], ...], tuple[str, ...]], tuple[ProgramHit, ...]] = {}

    @classmethod
    def load(cls, taxonomy_dir: str | Path | None = None) -> Classifier:
        """Load a taxonomy (``None``: the packaged one), using the compiled cache when it is fresh."""
        from .cache import load_compiled

        taxonomy, matcher = load_compiled(taxonomy_dir)
        return cls(taxonomy, matcher)

    def classify(self, title: str, fuzzy: bool = True, min_score: int = REPORT_AT, top: int | None = None) -> Result:
        """Classify one title. Raises InputError for an empty, punctuation-only or over-long title.

        Areas scoring at least ``min_score`` are reported (at most ``top``); the rest with evidence are near misses.
        """
        check_title(title)
        norm = normalize(title)
        if _ALNUM.search(norm.text) is None:
            raise InputError(f"title has no letters or digits: {title[:60]!r}")
        spans = self.matcher.find(norm, fuzzy=fuzzy)
        area_ev: dict[str, list[Evidence]] = {}
        es_ev: dict[str, list[Evidence]] = {}
        excluded: list[Evidence] = []
        framing: list[Evidence] = []
        strong_areas: set[str] = set()
        identity = norm.index is None and not norm.deleted
        for span in spans:
            start, end = (span.start, span.end) if identity else norm.span(span.start, span.end)
            text = title[start:end]
            match = "fuzzy" if span.fuzzy else "exact"
            for t in span.targets:
                kind = t.kind
                if kind == EXCLUDE:
                    excluded.append(Evidence(t.term, text, start, end, "exclude", "exact", 0.0, None))
                    break
                if kind == FRAMING:
                    framing.append(Evidence(t.term, text, start, end, "framing", "exact", 0.0, None))
                    continue
                w = WEIGHTS[t.strength] * (FUZZY_FACTOR if span.fuzzy else 1.0)
                ev = _tuple_new(Evidence, (t.term, text, start, end, t.strength, match, w, t.technology))
                if kind == AREA:
                    if t.strength == STRONG:
                        strong_areas.add(t.target)
                    area_ev.setdefault(t.target, []).append(ev)
                else:
                    es_ev.setdefault(t.target, []).append(ev)
        hits: list[AreaHit] = []
        near: list[AreaHit] = []
        damp = self.taxonomy.framing_factor if framing else 1.0
        for area_id, evs in area_ev.items():
            info = self._areas[area_id]
            w = evs[0].weight if len(evs) == 1 else _weight(evs)
            if strong_areas and area_id not in strong_areas:
                w *= CONTEXT_BOOST  # a support term next to another area's clear hit: a technology title
            s = score_of(w * damp)
            hit = AreaHit(area_id, info.tier, info.name_ja, info.name_en, s, band_of(s), tuple(evs))
            (hits if s >= min_score else near).append(hit)
        order = self._areas
        hits.sort(key=lambda h: (-h.score, order[h.id].order))
        if top is not None and len(hits) > top:
            near.extend(hits[top:])
            hits = hits[:top]
        near.sort(key=lambda h: (-h.score, order[h.id].order))
        econsec = self._econsec_hits(hits, es_ev)
        programs = self._programs(hits, econsec)
        verdict, reason = _verdict(hits, econsec)
        if framing:
            reason += "; damped by framing term(s): " + ", ".join(e.text for e in framing)
        return Result(title, verdict, reason, tuple(hits), econsec, programs, tuple(near),
                      tuple(excluded + framing))  # fmt: skip

    def _econsec_hits(self, hits: list[AreaHit], es_ev: dict[str, list[Evidence]]) -> tuple[EconSecHit, ...]:
        via: dict[str, list[str]] = {}
        for es_id, evs in es_ev.items():
            if score_of(evs[0].weight if len(evs) == 1 else _weight(evs)) >= REPORT_AT:
                via[es_id] = ["terms"]
        for hit in hits:
            for es_id in self._crosswalk.get(hit.id, ()):
                via.setdefault(es_id, []).append("crosswalk:" + hit.id)
        if not via:
            return ()
        econsec = self._econsec
        return tuple(
            EconSecHit(es_id, econsec[es_id].name_ja, econsec[es_id].name_en, tuple(via[es_id]),
                       tuple(es_ev[es_id]) if via[es_id][0] == "terms" else ())
            for es_id in sorted(via, key=self._es_order.__getitem__)
        )  # fmt: skip

    def _programs(self, hits: list[AreaHit], econsec: tuple[EconSecHit, ...]) -> tuple[ProgramHit, ...]:
        if not hits and not econsec:
            return ()
        key = (tuple((h.id, h.tier) for h in hits), tuple(e.id for e in econsec if "terms" in e.via))
        cached = self._program_cache.get(key)
        if cached is None:
            cached = self._programs_for(key[0], list(key[1]))
            if len(self._program_cache) < 50_000:
                self._program_cache[key] = cached
        return cached

    def _programs_for(self, hits: tuple[tuple[str, str], ...], own_econsec: list[str]) -> tuple[ProgramHit, ...]:
        """Programs for areas (id, tier) in rank order and econ-security areas found by their own terms."""
        tiers = {tier for _, tier in hits}
        area_ids = [a for a, _ in hits]
        out: list[ProgramHit] = []
        for p in self.taxonomy.programs:
            why = ""
            focus = [a for a in area_ids if a in p.focus]
            if p.focus:
                # A program with a focus (AMED-CREST: medicine) applies only to its focus areas.
                why = "focus: " + ", ".join(focus) if focus else ""
            else:
                tier_match = [t for t in p.tiers if t in tiers]
                if tier_match:
                    why = f"tier {tier_match[0]}: " + ", ".join(a for a, t in hits if t == tier_match[0])
                elif p.econsec and own_econsec:
                    why = "econ-security area: " + ", ".join(own_econsec)
            if why:
                out.append(ProgramHit(p.id, p.kind, p.name_ja, p.name_en, why))
            for item in p.items:
                matched = [a for a in area_ids if a in item.areas]
                if matched:
                    out.append(ProgramHit(item.id, p.kind, item.name_ja, item.name_en,
                                          f"focus of {p.id}: " + ", ".join(matched), p.id))  # fmt: skip
        return tuple(out)


def _weight(evs: list[Evidence]) -> float:
    """Sum of evidence weights, each distinct term counted once."""
    seen: dict[str, float] = {}
    for e in evs:
        seen[e.term] = max(seen.get(e.term, 0.0), e.weight)
    return sum(seen.values())


def _verdict(hits: list[AreaHit], econsec: tuple[EconSecHit, ...]) -> tuple[str, str]:
    strategic = [h for h in hits if h.tier == "strategic"]
    emerging = [h for h in hits if h.tier == "emerging"]
    if strategic:
        return "strategic", "national strategic area: " + ", ".join(h.id for h in strategic)
    if emerging:
        return "emerging", "emerging/foundational area: " + ", ".join(h.id for h in emerging)
    if econsec:
        return "econsec_only", "economic-security area only: " + ", ".join(e.id for e in econsec)
    return "none", "no area term found"


def check_title(title: str) -> None:
    """Reject titles the classifier cannot use, with a message that says why."""
    if not title or not title.strip():
        raise InputError("empty title")
    if len(title) > MAX_TITLE_CHARS:
        raise InputError(f"title is {len(title):,} characters long; the limit is {MAX_TITLE_CHARS:,}",
                         hint="pass a title, not a whole document")  # fmt: skip
    if "\x00" in title:
        raise InputError("title contains NUL characters (binary data?)")
