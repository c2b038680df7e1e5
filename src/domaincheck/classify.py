"""Score matched spans into areas, economic-security areas, programs and a screening verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .matcher import AREA, EXCLUDE, FRAMING, STRONG, Matcher
from .models import AreaHit, EconSecHit, Evidence, ProgramHit, Result, Taxonomy
from .normalize import normalize

MAX_TITLE_CHARS = 10_000
WEIGHTS = {STRONG: 1.0, "support": 0.45}
FUZZY_FACTOR = 0.7
# score = 100 * (1 - BASE ** weight): one strong term → 70, two support terms → 66, one support term → 42.
BASE = 0.3
REPORT_AT = 50
CONTEXT_BOOST = 1.4  # a support term counts more when another area has a clear hit (a technology title)
HIGH_AT = 70


def score_of(weight: float) -> int:
    """Map summed evidence weight to 0-100."""
    return min(100, round(100 * (1 - math.pow(BASE, weight))))


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
        if not any(ch.isalnum() for ch in norm.text):
            raise InputError(f"title has no letters or digits: {title[:60]!r}")
        spans = self.matcher.find(norm, fuzzy=fuzzy)
        area_ev: dict[str, list[Evidence]] = {}
        es_ev: dict[str, list[Evidence]] = {}
        excluded: list[Evidence] = []
        framing: list[Evidence] = []
        for span in spans:
            start, end = norm.span(span.start, span.end)
            text = title[start:end]
            for t in span.targets:
                if t.kind == EXCLUDE:
                    excluded.append(Evidence(t.term, text, start, end, "exclude", "exact", 0.0, None))
                    break
                if t.kind == FRAMING:
                    framing.append(Evidence(t.term, text, start, end, "framing", "exact", 0.0, None))
                    continue
                w = WEIGHTS[t.strength] * (FUZZY_FACTOR if span.fuzzy else 1.0)
                ev = Evidence(t.term, text, start, end, t.strength, "fuzzy" if span.fuzzy else "exact", w,
                              t.technology)  # fmt: skip
                (area_ev if t.kind == AREA else es_ev).setdefault(t.target, []).append(ev)
        hits: list[AreaHit] = []
        near: list[AreaHit] = []
        damp = self.taxonomy.framing_factor if framing else 1.0
        strong_elsewhere = {a for a, evs in area_ev.items() if any(e.strength == STRONG for e in evs)}
        for area_id, evs in area_ev.items():
            info = self._areas[area_id]
            w = _weight(evs)
            if area_id not in strong_elsewhere and strong_elsewhere:
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
            if score_of(_weight(evs)) >= REPORT_AT:
                via.setdefault(es_id, []).append("terms")
        for hit in hits:
            for es_id in self._crosswalk.get(hit.id, ()):
                via.setdefault(es_id, []).append(f"crosswalk:{hit.id}")
        out = []
        for es_id in sorted(via, key=self._es_order.__getitem__):
            es = self._econsec[es_id]
            evs = es_ev.get(es_id, []) if "terms" in via[es_id] else []
            out.append(EconSecHit(es_id, es.name_ja, es.name_en, tuple(via[es_id]), tuple(evs)))
        return tuple(out)

    def _programs(self, hits: list[AreaHit], econsec: tuple[EconSecHit, ...]) -> tuple[ProgramHit, ...]:
        if not hits and not econsec:
            return ()
        tiers = {h.tier for h in hits}
        area_ids = [h.id for h in hits]
        own_econsec = [e.id for e in econsec if "terms" in e.via]
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
                    why = f"tier {tier_match[0]}: " + ", ".join(h.id for h in hits if h.tier == tier_match[0])
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
