"""Score matched spans into areas, economic-security areas, programs and a screening verdict."""

from __future__ import annotations

import contextlib
import gc
import math
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .errors import InputError
from .learned import Learned
from .matcher import AREA, ECONSEC, EXCLUDE, FRAMING, STRONG, Matcher, Span, Target
from .models import (
    FUZZY_MARK,
    LEARNED,
    AreaHit,
    Brief,
    EconSecArea,
    EconSecHit,
    EconSecNearMiss,
    Evidence,
    ProgramHit,
    Result,
    Taxonomy,
    editorial_ids,
    narrowed_areas,
    support_only,
)
from .normalize import Normalized, Quotations, around_quotations, normalize, quotations, with_quotes

MAX_TITLE_CHARS = 10_000
_ALNUM = re.compile(r"[^\W_]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")  # kana, CJK ideographs
_GRAMMAR = frozenset(("いた", "よる", "による", "から", "からの", "ため", "ための", "めの", "した", "する", "して",
                      "おけ", "おける", "における", "として", "とし", "つい", "ついて", "について", "られ", "れる",
                      "され", "および", "また", "その", "への", "での", "との", "ない",
                      # English function words (a fifth user test: "for" among the words behind ai_robotics)
                      # (not or, is, at, as: OR and IS name fields, a review)
                      "for", "of", "the", "and", "in", "on", "with", "to", "by", "via", "from", "into", "toward",
                      "towards", "using", "based", "through"))  # fmt: skip
"""Pieces of a title's grammar (を用いた, による, における; for, of, using): no evidence to a reader. Not kana as
such: がん (cancer), うつ (depression) are the words that carry an area (a review)."""
_tuple_new = tuple.__new__  # builds a NamedTuple without its Python-level __new__ (hot path)
WEIGHTS = {STRONG: 1.0, "support": 0.45}
FUZZY_FACTOR = 0.7
# score = 100 * (1 - BASE ** weight): one strong term → 70, two support terms → 66, one support term → 42.
BASE = 0.3
REPORT_AT = 50
CONTEXT_AREAS = frozenset({"ai_robotics"})
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


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while one batch is classified, and restore it after.

    A batch allocates many small, short-lived objects (matches, plans, result cells) that reference counting frees at
    once; their number alone sets off collections, which cost about a tenth of the batch's time. Only cyclic garbage
    waits, until the batch ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_PLAN_CACHE_MAX = 10_000  # plans and briefs, about 2 KB a plan with its key: bounded memory on long batches
_OUTCOME_CACHE_MAX = 5_000
"""Outcomes, structures and program lists: they fill over a long batch, long after the plans (a new combination of
reported areas, scores and links now and then), so their cap decides the peak at a million rows. At 5,000 rather than
10,000 a 1,000,000-row screen peaked at 117 MiB instead of 142, at the same speed (session 32)."""
_MEMO_TITLE_MAX = 500


def _plan_key(spans: list[Span], learned: tuple[tuple[str, int], ...], doubted: int, min_score: int,
              top: int | None) -> tuple[Any, ...]:  # fmt: skip
    """A plan depends only on which targets matched (and how) and on the learned model's areas and doubts, so plans
    are memoised. Target tuples live in the matcher's entry table for its lifetime: their identity is a cheap stable
    key, negated for a fuzzy match (ids are positive), so that a span is one integer."""
    return (tuple([-id(span.targets) if span.fuzzy else id(span.targets) for span in spans]), learned, doubted,
            min_score, top)  # fmt: skip


_Term = tuple[str, float, str]
"""One matched term as scoring sees it: (family, weight, term)."""
_FRAMED, _BASIC = 1, 2
"""Bits of the framing kinds a span carries: a framing term, a basic-science term."""
_NONE: frozenset[str] = frozenset()
"""No areas (shared: most outcomes add no learned area)."""


class _SpanFacts(NamedTuple):
    """What one span (a matcher target tuple, exact or fuzzy) adds to a plan, worked out once per target tuple, so
    that a new plan does not build evidence or look up term families and weights again."""

    terms: tuple[tuple[bool, str, _Term], ...]
    """(is an area term, area or econ-security area id, the term), in the evidence's order."""
    strong: tuple[str, ...]
    """Areas the span names by a strong term."""
    unconcerned: tuple[str, ...]
    """Of those, areas with a redirect exclusion whose technology the exclusion does not concern."""
    framing: int
    """``_FRAMED`` and ``_BASIC`` bits."""
    opens: tuple[tuple[str, str], ...]
    """Narrowed crosswalk links (area, econ-security area) that the technologies of its area terms open."""
    es_strong: tuple[str, ...]
    """Econ-security areas the span names by a strong term."""
    excludes: tuple[str, ...]
    """Areas (or econ-security areas) whose exclusion the span is: a known false friend of theirs."""
    strong_technologies: tuple[str, ...] = ()
    """The technologies of the span's strong area terms (a redirect may ask for one of them)."""
    closes: tuple[tuple[str, str], ...] = ()
    """Narrowed links (area, program item) that the technologies of its strong area terms close."""


class _Outcome(NamedTuple):
    """What a title's deciding facts amount to: all of a plan but the terms and the evidence, which are the title's.

    Titles with other terms often come to the same scores, so outcomes are memoised apart from plans."""

    hits: tuple[tuple[str, int, str], ...]
    near: tuple[tuple[str, int, str], ...]
    econsec: tuple[tuple[EconSecArea, tuple[str, ...]], ...]
    programs: tuple[ProgramHit, ...]
    verdict: str
    reason: str
    learned: frozenset[str]
    """Areas whose score is the learned model's, reported or near misses: the model's words are their evidence."""
    held: tuple[str, ...]
    yields: tuple[tuple[str, str], ...]


class _Plan(NamedTuple):
    """What a set of matched targets amounts to, independent of where in the title they were found."""

    outcome: _Outcome
    brief: Brief
    """The outcome as a Brief, with the distinct terms behind its reported areas."""


_Structure = tuple[tuple[tuple[EconSecArea, tuple[str, ...]], ...], tuple[ProgramHit, ...], tuple[str, ...], str, str,
                   tuple[str, ...], tuple[tuple[str, str], ...]]
"""What an outcome's reported areas amount to: econ-security areas, programs and their ids, verdict, reason, held,
yields."""

_TitleEvidence = tuple[dict[str, list[Evidence]], dict[str, list[Evidence]], list[Evidence], list[Evidence]]
"""Evidence per area, per econ-security area, exclusions, framing terms."""


@dataclass(frozen=True, slots=True)
class _AreaInfo:
    tier: str
    name_ja: str
    name_en: str
    order: int


class Classifier:
    """Classifies titles against one taxonomy. Build once, call ``classify`` many times. Its memos are plain dicts
    filled as it goes: share one between threads only under the GIL (each dict operation is atomic there, and a
    memo entry, once made, never changes), or give each thread its own."""

    def __init__(self, taxonomy: Taxonomy, matcher: Matcher | None = None, learned: Learned | None = None,
                 min_score: object = None) -> None:  # fmt: skip
        # object, not int | None: mypyc would make a True given as an int a 1, and refuse a str in words of its own
        # ("int or None object expected"), before the checks saw them (a user test, a review)
        self.taxonomy = taxonomy
        self.min_score = _default_score(min_score)
        """The reporting score used when a call does not give one."""
        self.matcher = matcher or Matcher(taxonomy)
        self.learned = learned
        """The learned second opinion (``learned.json`` beside the taxonomy), or None for terms alone."""
        self._areas = {a.id: _AreaInfo(a.tier, a.name_ja, a.name_en, i) for i, a in enumerate(taxonomy.areas)}
        self._head = {a.id: (a.id, a.tier, a.name_ja, a.name_en) for a in taxonomy.areas}  # AreaHit's first fields
        self._econsec = {e.id: e for e in taxonomy.econsec}
        self._es_order = {e.id: i for i, e in enumerate(taxonomy.econsec)}
        # Area -> (econ-security area, whether the link is narrowed to some of the area's technologies).
        crosswalk: dict[str, list[tuple[str, bool]]] = {}
        tech_area = {t.id: a.id for a in taxonomy.areas for t in a.technologies}
        self._opens: dict[str, tuple[tuple[str, str], ...]] = {}
        """Technology -> the narrowed links (area, econ-security area or program item) that its terms open."""
        for e in taxonomy.econsec:
            narrowed = {tech_area[tech] for tech in e.crosswalk_technologies}
            for tech in e.crosswalk_technologies:
                self._opens[tech] = (*self._opens.get(tech, ()), (tech_area[tech], e.id))
            for a in e.crosswalk:
                crosswalk.setdefault(a, []).append((e.id, a in narrowed))
        self._crosswalk = crosswalk
        self._es_areas = {e.id: frozenset(e.crosswalk) for e in taxonomy.econsec}  # the areas each corresponds to
        self._opens_strong: dict[str, tuple[tuple[str, str], ...]] = {}
        """Technology -> the narrowed links (area, program or item) of other areas that its strong terms open."""
        self._closes: dict[str, tuple[tuple[str, str], ...]] = {}
        """Technology -> the narrowed links (area, program item) that its strong terms close."""
        # A listed technology's terms open the program or item for its own area; its strong terms open it for the
        # other areas it narrows too (AMED-CREST: 治療法, a medical_drug term, opens it for bio_healthcare; not
        # ウイルス, a support word, in a virus-resistant rice's breeding: a review). A strong term of a technology an
        # item lists in closed_by closes it for each narrowed area that owns one of them (Moonshot goal 5, food: a
        # gene therapy that names CRISPR, a breeding term, closes bio_healthcare, not agri_food's fish farming).
        area_techs = _area_technologies(taxonomy)
        for p in taxonomy.programs:
            for key, areas, techs, closers in ((p.id, p.focus, p.technologies, ()),
                                               *((i.id, i.areas, i.technologies, i.closed_by) for i in p.items)):
                narrows = sorted(narrowed_areas(area_techs, areas, techs))
                for tech in techs:
                    own = [(a, key) for a in narrows if a == tech_area[tech]]
                    others = [(a, key) for a in narrows if a != tech_area[tech]]
                    self._opens[tech] = (*self._opens.get(tech, ()), *own)
                    self._opens_strong[tech] = (*self._opens_strong.get(tech, ()), *others)
                closing = {tech_area[t] for t in closers}
                closable = [(a, key) for a in narrows if a in closing]
                for tech in closers:
                    self._closes[tech] = (*self._closes.get(tech, ()), *closable)
        # The source's exclusions with a redirect (創薬・医療's drug technology excludes biologics, which belong
        # to バイオ・ヘルスケア): when the redirect area is reported on a strong term (a biologic is named), the
        # excluded area yields unless it has strong evidence from a technology the exclusion does not qualify
        # (a diagnostic, a device: not a drug or a therapy).
        # area -> (the area it yields to, its own technologies the exclusion concerns, the other area's technologies
        # whose strong terms make it yield: empty, any)
        self._redirects = {
            a.id: (q.redirect, frozenset(t.id for t in a.technologies) if q.technologies is None
                   else frozenset(q.technologies),
                   frozenset(q.redirect_technologies))
            for a in taxonomy.areas for q in a.qualifications if q.kind == "exclusion" and q.redirect
        }  # fmt: skip
        self._plans: dict[Any, _Plan] = {}
        # (title as given, fuzzy, min_score) -> its Brief: brief_many reads a title once. Files list a project again
        # (a row per fiscal year, a resubmission). Bounded in entries and in each key's length (_MEMO_TITLE_MAX; a
        # title with an abstract after it is not kept): at most about 10 MB.
        self._briefs: dict[tuple[str, bool, int], Brief] = {}
        # The deciding facts of a title (see _new_plan) -> its plan but for the terms of its Brief (none there): many
        # plans share one outcome, and titles with no reported area share this plan itself.
        self._outcomes: dict[tuple[Any, ...], _Plan] = {}
        self._span_bits: dict[int, int] = {}  # id of a matcher target tuple -> bits of the areas it names
        # a target tuple that frames and excludes -> its exclusions alone (kept: a plan's key is the tuples' ids)
        self._unframed: dict[tuple[Target, ...], tuple[Target, ...]] = {}
        # Per fuzzy flag (index 0: exact), id of a matcher target tuple -> what such a span adds to a plan. Bounded,
        # as _span_bits is, by the matcher's entry table.
        self._span_facts: tuple[dict[int, _SpanFacts], dict[int, _SpanFacts]] = ({}, {})
        # Which areas an outcome reports, in order, and why the others are not -> what that amounts to
        self._structures: dict[tuple[Any, ...], _Structure] = {}
        # (reported (area, tier)s, own econsec) -> the programs and their ids
        self._programs: dict[tuple[Any, ...], tuple[tuple[ProgramHit, ...], tuple[str, ...]]] = {}
        self._program_hits: dict[tuple[Any, ...], ProgramHit] = {}  # one ProgramHit per (program, basis): shared

    def __reduce__(self) -> tuple[Any, ...]:
        # A classifier goes to worker processes (ProcessPoolExecutor, joblib) by pickle: its taxonomy, matcher and
        # model, not its memos. (__reduce__ rather than the default: the class is compiled with mypyc in the wheel,
        # whose default pickling calls the class without arguments; a user test saw BrokenProcessPool.)
        return type(self), (self.taxonomy, self.matcher, self.learned, self.min_score)

    @classmethod
    def load(cls, taxonomy_dir: str | Path | None = None, learned: object = True, min_score: object = None
             ) -> Classifier:  # fmt: skip
        """Load a taxonomy (``None``: the packaged one), using the compiled cache when it is fresh.

        With ``learned=False`` the learned model is left out, and only taxonomy terms decide. ``min_score`` is
        the default reporting score of :meth:`classify` and :meth:`brief` (None: :data:`REPORT_AT`). TypeError for
        a ``learned`` that is not True or False (``learned="no"`` loaded the model: a user test) or a ``min_score``
        that is no number, as :meth:`classify`'s.
        """
        from .cache import load_compiled

        if not isinstance(learned, bool):
            raise TypeError(f"learned takes True or False, not {type(learned).__name__}")
        taxonomy, matcher, model = load_compiled(taxonomy_dir, learned)  # min_score is checked by __init__
        return cls(taxonomy, matcher, model, min_score)

    def classify(self, title: str, *, fuzzy: bool = True, min_score: int | None = None, top: int | None = None,
                 framing_within: int | None = None) -> Result:  # fmt: skip
        """Classify one title. Raises InputError for an empty, punctuation-only or over-long title.

        Areas scoring at least ``min_score`` (default: the classifier's) are reported (at most ``top``); the rest
        with evidence are near misses. ``framing_within``: when the text is a title followed by keywords or an
        abstract, the title's length; framing and basic-science words after it do not damp the title's evidence
        (an abstract's "students" or "mechanism" says nothing of what the project develops). Their terms count. The
        learned model reads the title alone: it was trained on titles, and an abstract's boilerplate diluted its
        reading of the title (a user test saw areas the title alone gets lost when an abstract was added).
        """
        _require_text(title)
        _no_flags(min_score, top)
        min_score = _check_limits(self.min_score if min_score is None else min_score, top)
        norm = checked(title)
        quoted = quotations(norm)  # once, for the matcher and the evidence's offsets
        spans = self.matcher.find_quoted(norm, quoted, fuzzy=fuzzy)
        if framing_within is not None:
            spans = self._framing_within(spans, norm, framing_within)
        area_ev, es_ev, excluded, framing = self._evidence(title, norm, spans, quoted)
        read = _title_part(norm, framing_within)
        learned, doubted = self._read(read.text, spans)
        if doubted and framing_within is not None:
            doubted &= ~self._strong_beyond(spans, norm, framing_within)
        plan = self._plan(spans, learned, doubted, min_score, top).outcome
        head = self._head
        for a in plan.learned:
            area_ev[a] = area_ev.get(a, []) + self._learned_evidence(title, read, a)
        hits = tuple([_tuple_new(AreaHit, (*head[a], score, band, tuple(area_ev[a]))) for a, score, band in plan.hits])
        near = tuple([_tuple_new(AreaHit, (*head[a], score, band, tuple(area_ev[a]))) for a, score, band in plan.near])
        econsec = tuple([
            _tuple_new(EconSecHit, (es.id, es.name_ja, es.name_en, via,
                                    tuple(es_ev[es.id]) if via[0] == "terms" else ()))
            for es, via in plan.econsec
        ])  # fmt: skip
        es_near = self._econsec_near(es_ev, plan.econsec, framing) if es_ev else ()
        reason = plan.reason
        if excluded and reason == NO_TERM:  # an exclusion was at work: the title is not merely without terms
            reason = EXCLUDED_ONLY + ", ".join(dict.fromkeys([e.text for e in excluded]))
        if framing:
            for kind, what in (("framing", "damped by framing term(s)"),
                               ("basic_science", "support-only evidence damped by basic-science wording")):  # fmt: skip
                found = [e.text for e in framing if e.strength == kind]
                if found and area_ev and (kind == "framing" or support_only(area_ev.values())):
                    # (the basic-science words said so of a title whose every area had a strong term: a user test;
                    # and framing words of a title with no area term, where nothing was damped: another)
                    reason += f"; {what}: " + ", ".join(found)
            excluded = excluded + framing
        return _tuple_new(Result, (title, plan.verdict, reason, hits, econsec, plan.programs, near, tuple(excluded),
                                   plan.held, plan.yields, es_near))  # fmt: skip

    def _econsec_near(self, es_ev: dict[str, list[Evidence]], reported: Sequence[tuple[EconSecArea, Any]],
                      framing: list[Evidence]) -> tuple[EconSecNearMiss, ...]:
        """The econ-security areas whose own terms fired but that are not reported, and why (the rule of
        ``reached`` in :meth:`_new_plan`, said of each): no strong term, a framing term, or else a score below the
        reporting score (``--min-score`` where the title has terms of an area the econ-security area corresponds
        to, else the default)."""
        shown = {es.id for es, _ in reported}
        framed = any(e.strength == "framing" for e in framing)
        out = []
        for es_id, evs in es_ev.items():
            if es_id in shown:
                continue
            weight = _weight([(self.matcher.family(e.term), e.weight, e.term) for e in evs])
            score = score_of(weight)
            why = ("support_only" if all(e.strength != STRONG for e in evs) else "framing" if framed
                   else "below_min_score")  # fmt: skip
            es = self._econsec[es_id]
            out.append(EconSecNearMiss(es_id, es.name_ja, es.name_en, score, why, tuple(evs)))
        out.sort(key=lambda n: (-n.score, self._es_order[n.id]))
        return tuple(out)

    def brief(self, title: str, *, fuzzy: bool = True, min_score: int | None = None) -> Brief:
        """What :meth:`classify` says of ``title`` minus the evidence offsets, for batch screening.

        Equal to ``Brief.of(self.classify(title, fuzzy=fuzzy, min_score=min_score))`` (a test checks this), but no
        evidence is built: a plan holds everything a Brief needs.
        """
        _require_text(title)
        result = self.brief_many([title], fuzzy=fuzzy, min_score=min_score)[0]
        if not isinstance(result, Brief):
            raise result if result is not None else InputError("empty title", ja="タイトルが空です")
        return result

    def brief_many(self, titles: Sequence[str | None], *, fuzzy: bool = True, min_score: int | None = None,
                   framing_within: Sequence[int | None] | None = None) -> list[Brief | InputError | None]:  # fmt: skip
        """:meth:`brief` of each title, for a batch: an unusable title gives its InputError, None gives None.
        ``framing_within`` gives each text's ``framing_within`` of :meth:`classify`."""
        if isinstance(titles, (str, bytes, bytearray)):
            raise TypeError(f"brief_many takes a sequence of titles, not one {type(titles).__name__} (brief takes "
                            "one title)")
        if isinstance(titles, (Mapping, AbstractSet)):
            # a dict's keys or a set's order: results that could not be matched back to their records (a user test)
            raise TypeError(f"brief_many takes a sequence of titles in order, not a {type(titles).__name__}")
        _no_flags(min_score)
        min_score = _check_limits(self.min_score if min_score is None else min_score, None)
        with gc_paused():
            return self._brief_many(titles, fuzzy, min_score, framing_within)

    def _brief_many(self, titles: Sequence[object], fuzzy: bool, min_score: int,
                    framing_within: Sequence[int | None] | None) -> list[Brief | InputError | None]:  # fmt: skip
        # titles: Sequence[object], so that the compiled core takes each item as it is (typed str | None, it checked
        # every item as it was read, and one bytes item raised for the whole batch)
        out: list[Brief | InputError | None] = []
        memo = self._briefs
        for index, given in enumerate(titles):
            if given is None:
                out.append(None)
                continue
            if not isinstance(given, str):  # bytes, a number, NaN (pandas' empty cell): that item's error
                out.append(InputError(f"title is of type {type(given).__name__}, not text",
                                      ja=f"タイトルが文字列ではなく {type(given).__name__} 型です"))
                continue
            title = given
            within = framing_within[index] if framing_within is not None else None
            # Only a title on its own is kept: a text with an abstract after it (within) is long and rarely repeats,
            # and the memo would hold the whole text.
            key = (title, fuzzy, min_score) if within is None and len(title) <= _MEMO_TITLE_MAX else None
            known = memo.get(key) if key is not None else None
            if known is not None:
                out.append(known)
                continue
            try:
                norm = checked(title)
            except InputError as exc:
                out.append(exc)
                continue
            spans = self.matcher.find(norm, fuzzy=fuzzy)
            if within is not None:
                spans = self._framing_within(spans, norm, within)
            learned, doubted = self._read(_title_part(norm, within).text, spans)
            if doubted and within is not None:
                doubted &= ~self._strong_beyond(spans, norm, within)
            brief = self._plan(spans, learned, doubted, min_score, None).brief
            if key is not None and len(memo) < _PLAN_CACHE_MAX:
                memo[key] = brief
            out.append(brief)
        return out

    def _framing_within(self, spans: list[Span], norm: Normalized, within: int) -> list[Span]:
        """``spans`` without the framing and basic-science words that do not lie wholly within the first ``within``
        characters of the original text (one that runs from the title into the extra text is not the title's: a
        caller that joins them with a space, which disappears between Japanese words, 教育 + プログラム…; screen
        joins them with "; ", across which no term runs). A span that is a framing word and an exclusion (防災教育)
        keeps its exclusion there: a review found 防災教育 in an abstract damping the title."""
        if within >= len(norm.original):
            return spans
        out: list[Span] = []
        for s in spans:
            targets = s.targets
            if targets[0].kind != FRAMING or norm.span(s.start, s.end)[1] <= within:  # framing targets come first
                out.append(s)
            elif not all(t.kind == FRAMING for t in targets):
                # the same tuple for the same targets, each time: plans are memoised on the tuples' identity
                rest = self._unframed.get(targets)
                if rest is None:
                    rest = self._unframed[targets] = tuple([t for t in targets if t.kind != FRAMING])
                out.append(s._replace(targets=rest))
        return out

    def _strong_beyond(self, spans: list[Span], norm: Normalized, within: int) -> int:
        """The mask (of ``Learned.bits``) of the areas a strong term names after the first ``within`` characters of
        the original text: in keywords or an abstract the model did not read, so its doubts say nothing of them (a
        title's basic-science wording held back 量子コンピュータ in its keywords)."""
        assert self.learned is not None
        bits = self.learned.bits
        mask = 0
        for s in spans:
            if norm.span(s.start, s.end)[1] > within:
                for t in s.targets:
                    if t.kind == EXCLUDE:  # an exclusion ends a span's targets, as in _span_facts_of
                        break
                    if t.kind == AREA and t.strength == STRONG:
                        mask |= bits[t.target]
        return mask

    def _read(self, text: str, spans: list[Span]) -> tuple[tuple[tuple[str, int], ...], int]:
        """The learned model's areas for a normalised title, and its doubted areas among those the spans name
        (as a mask of ``Learned.bits``; other areas' doubts cannot change the plan, so they stay out of its key).

        For a title in Latin script the model only confirms: it reports an area that a term of the title names
        (below the reporting score), never one no term names, and it doubts none. It was trained on few such titles
        (1,143 of 29,671), and on new ones it invents areas from letter groups ("Inclusive Employee Well-being
        Practices…" as ai_robotics from ``ura``, ``or``, ``ee``): of the areas it added that way to new English
        titles, 7 of 27 were right (6 of 17 on arXiv titles, 1 of 10 on KAKEN titles). A title is in Latin script
        when it holds no kana or CJK character (curly quotes, accents and Greek letters do not make it Japanese).
        """
        if self.learned is None:
            return (), 0
        latin = _JAPANESE.search(text) is None
        named = self._named(spans) if latin else -1
        if named == 0:
            return (), 0  # a Latin-script title with no area term: nothing for the model to confirm or doubt
        learned, doubted = self.learned.read(text)
        if latin:
            # Nor does it doubt there: its doubts held back support-only areas of new English titles more often
            # wrongly than rightly (without them arXiv titles it was not trained on went from F1 0.757 to 0.765,
            # recall 0.658 -> 0.690, false alarms 37 -> 40 of 451; dev.csv 0.8954 -> 0.8989).
            bits_of = self.learned.bits
            return tuple([x for x in learned if bits_of[x[0]] & named]), 0
        if doubted:
            doubted &= self._named(spans)
        return learned, doubted

    def _named(self, spans: list[Span]) -> int:
        """The mask (of ``Learned.bits``) of the areas that the spans' area terms name."""
        assert self.learned is not None
        named = 0
        for span in spans:
            bits = self._span_bits.get(id(span.targets))
            if bits is None:
                bits = self._span_bits[id(span.targets)] = sum(
                    {self.learned.bits[t.target] for t in span.targets if t.kind == AREA})
            named |= bits
        return named

    def _learned_evidence(self, title: str, norm: Normalized, area: str) -> list[Evidence]:
        """The words that carried a learned area, as evidence pointing into the original title: the model weighs
        2-3-character pieces (``rni``, ``ロケッ``), so the evidence shows the whole Latin or katakana word around
        each (``learning``, ``ロケット``), once."""
        assert self.learned is not None
        out = []
        seen = set()
        for start, end, weight in self.learned.reasons(norm.text, area):
            s, e = _word_around(title, *norm.span(start, end))
            if (s, e) not in seen:
                seen.add((s, e))
                out.append(Evidence(norm.text[start:end], title[s:e], s, e, LEARNED, LEARNED, weight, None))
        # A piece trimmed to one character (用 of を用いた, 化), or of kana alone that writes grammar (いた of 用いた,
        # よる of による: a URA's user test could not put them in a review record), says nothing to a reader beside a
        # real word: it is left out when another carries the area too; so is a piece across a word's edge ("i " of
        # tsunami, which an English-speaking user test found named as evidence for AI beside "learning")
        plain = [ev for ev in out if len(ev.text) > 1 and ev.text.lower() not in _GRAMMAR]
        telling = [ev for ev in plain if ev.term.strip() == ev.term]
        return telling or plain or [ev for ev in out if len(ev.text) > 1] or out

    @staticmethod
    def _evidence(title: str, norm: Normalized, spans: list[Span], quoted: Quotations | None) -> _TitleEvidence:
        """Evidence per area and per econ-security area, exclusions and framing terms, with original offsets (a
        span through a quotation widened to its marks: ``quoted``)."""
        area_ev: dict[str, list[Evidence]] = {}
        es_ev: dict[str, list[Evidence]] = {}
        excluded: list[Evidence] = []
        framing: list[Evidence] = []
        identity = norm.offsets is None and not norm.deleted
        for span in spans:
            start, end = (span.start, span.end) if identity else norm.span(span.start, span.end)
            if quoted is not None:
                start, end = around_quotations(start, end, quoted)
            text = title[start:end]
            match = "fuzzy" if span.fuzzy else "exact"
            named: set[tuple[int, str]] | None = set() if len(span.targets) > 1 else None
            for t in span.targets:
                kind = t.kind
                if kind == EXCLUDE:
                    excluded.append(Evidence(t.term, text, start, end, "exclude", "exact", 0.0, None))
                    break
                if kind == FRAMING:
                    framing.append(Evidence(t.term, text, start, end, t.strength, "exact", 0.0, None))
                    continue
                if named is not None:  # a word is evidence once for an area (the matcher puts a strong target first)
                    if (kind, t.target) in named:
                        continue
                    named.add((kind, t.target))
                ev = _tuple_new(Evidence, (t.term, text, start, end, t.strength, match, _term_weight(t, span.fuzzy),
                                           t.technology))  # fmt: skip
                (area_ev if kind == AREA else es_ev).setdefault(t.target, []).append(ev)
        return area_ev, es_ev, excluded, framing

    def _span_facts_of(self, targets: tuple[Target, ...], fuzzy: bool) -> _SpanFacts:
        """What a span of ``targets`` adds to a plan: the terms :meth:`_evidence` would make evidence of, in its
        order (an exclusion ends a span's targets, as there)."""
        terms: list[tuple[bool, str, _Term]] = []
        strong: set[str] = set()
        unconcerned: set[str] = set()
        opens: set[tuple[str, str]] = set()
        closes: set[tuple[str, str]] = set()
        es_strong: set[str] = set()
        strong_techs: set[str] = set()
        framing = 0
        named: set[tuple[bool, str]] = set()
        for t in targets:
            if t.kind == EXCLUDE:
                break
            if t.kind == FRAMING:
                framing |= _FRAMED if t.strength == "framing" else _BASIC if t.strength == "basic_science" else 0
                continue
            if (t.kind == AREA, t.target) not in named:  # a word counts once for an area, as in _evidence
                named.add((t.kind == AREA, t.target))
                name = t.term + FUZZY_MARK if fuzzy else t.term  # as Brief.of names it (terms_and_learned)
                terms.append((t.kind == AREA, t.target, (self.matcher.family(t.term), _term_weight(t, fuzzy), name)))
            if t.technology is not None:
                opens.update(self._opens.get(t.technology, ()))
            elif t.kind == ECONSEC and t.strength == STRONG:
                es_strong.add(t.target)
            if t.kind == AREA and t.strength == STRONG:
                strong.add(t.target)
                if t.technology is not None:
                    strong_techs.add(t.technology)
                    opens.update(self._opens_strong.get(t.technology, ()))
                    closes.update(self._closes.get(t.technology, ()))
                redirect = self._redirects.get(t.target)
                if redirect is not None and t.technology not in redirect[1]:
                    unconcerned.add(t.target)
        return _SpanFacts(tuple(terms), tuple(strong), tuple(unconcerned), framing, tuple(sorted(opens)),
                          tuple(es_strong), tuple([t.target for t in targets if t.kind == EXCLUDE]),
                          tuple(sorted(strong_techs)), tuple(sorted(closes)))  # fmt: skip

    def _plan(self, spans: list[Span], learned: tuple[tuple[str, int], ...], doubted: int, min_score: int,
              top: int | None) -> _Plan:  # fmt: skip
        """The plan for a title's spans and learned reading, from the memo or made anew (and memoised)."""
        key = _plan_key(spans, learned, doubted, min_score, top)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._new_plan(spans, learned, doubted, min_score, top)
            if len(self._plans) < _PLAN_CACHE_MAX:
                self._plans[key] = plan
        return plan

    def _new_plan(self, spans: list[Span], learned: tuple[tuple[str, int], ...], doubted: int, min_score: int,
                  top: int | None) -> _Plan:  # fmt: skip
        """Scores and the facts that decide a title's outcome, then the outcome (memoised on those facts) and the
        title's Brief, whose terms are the one part of it the facts leave open.

        The facts: every area's score (after damping and boosts), the areas that yield to a redirect, those held
        back, the econ-security areas reaching the reporting score on their own terms, and the learned areas
        unless a framing term presents the title as non-technology study. Which terms gave a score, whether they
        were strong and which areas the model doubts matter only through them.

        ``learned`` holds the learned model's areas at or above its threshold, as (id, score): each is reported
        when the terms did not report it, unless a framing term presents the title as non-technology study or the
        source's exclusion made the area yield. Basic-science wording does not hold it back: the model was
        trained on such titles and weighs that wording itself.

        ``doubted`` masks the areas the model finds unlikely for the whole title. An area that reaches the
        reporting score on support terms alone (no strong term), or on one strong term in a title with basic-science
        wording, is held back as a near miss when the model doubts it: a support term is a generic word of the area,
        a study of a mechanism names a technology it does not develop, and the title around them says otherwise.
        """
        area_terms: dict[str, list[_Term]] = {}
        es_terms: dict[str, list[_Term]] = {}
        strong: set[str] = set()
        strong_techs: set[str] = set()
        unconcerned: set[str] = set()
        opened: set[tuple[str, str]] = set()
        closed: set[tuple[str, str]] = set()
        es_strong: set[str] = set()
        excluded: tuple[str, ...] = ()
        framing = 0
        frames = 0
        for span in spans:
            known = self._span_facts[span.fuzzy]
            facts = known.get(id(span.targets))
            if facts is None:
                facts = known[id(span.targets)] = self._span_facts_of(span.targets, span.fuzzy)
            for is_area, target, term in facts.terms:
                into = area_terms if is_area else es_terms
                found = into.get(target)
                if found is None:
                    into[target] = [term]
                else:
                    found.append(term)
            if facts.strong:
                strong.update(facts.strong)
                unconcerned.update(facts.unconcerned)
                strong_techs.update(facts.strong_technologies)
            if facts.opens:
                opened.update(facts.opens)
            if facts.closes:
                closed.update(facts.closes)
            if facts.es_strong:
                es_strong.update(facts.es_strong)
            if facts.excludes:
                excluded += facts.excludes
            framing |= facts.framing
            frames += facts.framing & _FRAMED
        framed = framing & _FRAMED
        # a title framed twice over (生成AIと著作権法：…をめぐる法的課題) is damped twice: two AI terms did not make it
        # a study of law (a research administrator's user test)
        damp = self.taxonomy.framing_factor ** min(frames, 2) if framed else 1.0
        boost = not strong.isdisjoint(CONTEXT_AREAS)  # "AI for X": X is often named by a generic word
        basic = framing & _BASIC  # "the mechanism of disease X": no technology named
        scored: list[tuple[str, int, str]] = []
        for area_id, terms in area_terms.items():
            w = _weight(terms)
            if area_id not in strong:
                if boost:
                    w *= CONTEXT_BOOST
                if basic:
                    w *= self.taxonomy.basic_factor
            sc = score_of(w * damp)
            scored.append((area_id, sc, band_of(sc)))
        if len(scored) > 1:
            scored.sort(key=self._rank)
        # Area ids in a canonical order (the redirects', the ranking's, the taxonomy's), as tuples: a memo key part
        # that the cyclic GC stops tracking. Most titles have no strong term, no doubt or no econ-security term.
        yielded: tuple[str, ...] = ()
        held: tuple[str, ...] = ()
        held_strong: tuple[str, ...] = ()  # of those, the ones held on one strong term under basic-science wording
        reached: tuple[str, ...] = ()
        if strong and self._redirects:
            # The other area holds a strong term and reaches the default reporting score: the yield is the title's,
            # whatever --min-score shows (which only filters).
            # An area the learned model reads yields too: it has no strong term of its own.
            score = {a: sc for a, sc, _ in scored}
            read = {a for a, _ in learned}
            yielded = tuple([
                a for a, (b, _, wanted) in self._redirects.items()
                if (a in score or a in read) and score.get(b, 0) >= REPORT_AT and b in strong and a not in unconcerned
                and (not wanted or not wanted.isdisjoint(strong_techs))
            ])  # fmt: skip
        if doubted:
            bits = self.learned.bits  # type: ignore[union-attr]  # a doubt comes from the model
            # Support terms alone, or a single strong term in a title that presents itself as elucidating a
            # mechanism (basic-science wording): a strong term names a technology, but a study of how a drug works
            # (…の作用機序の解明) studies it rather than develops it (labelling rule 3). Of such areas of Japanese
            # titles the model was not fitted on and doubts, 20 of 66 were labelled so (see docs/accuracy-history.md,
            # session 41).
            held = tuple([a for a, sc, _ in scored
                          if sc >= min_score and doubted & bits[a] and a not in yielded
                          and (a not in strong or (basic and _strong_families(area_terms[a]) == 1))])  # fmt: skip
            if held and not strong.isdisjoint(held):
                held_strong = tuple([a for a in held if a in strong])
        if es_strong and not framed:
            # An econ-security area's own terms report it as an area's do, but without a second opinion on generic
            # words: at least one strong term and the reporting score. That is --min-score when the title has terms
            # of an area the econ-security area corresponds to (crosswalk): it stands with that area, so a title
            # whose areas fall below --min-score is not made econsec_only by the same words (量子センシング). Otherwise
            # the default: raising --min-score to cut weak areas must not drop a flag no area carries (one strong
            # CBRN term scores 70). Under a framing term (a study of people, society, history) none does: its terms
            # pool the vocabulary of several areas (nuclear fusion + energy), so they would outweigh the damping that
            # keeps the areas themselves out; the crosswalk of a reported area still applies.
            es_areas = self._es_areas
            reached = tuple(sorted([
                e for e in es_strong
                if score_of(_weight(es_terms[e])) >= (REPORT_AT if es_areas[e].isdisjoint(area_terms) else min_score)
            ], key=self._es_order.__getitem__))  # fmt: skip
        # Only the areas the model adds or scores above the terms (none under a framing term): titles whose terms
        # report the same area share an outcome. An area's score is the higher of the two readings whatever the
        # reporting score, reported or a near miss, so --min-score only filters: it never changes a score or the
        # order of areas.
        adds: tuple[tuple[str, int], ...] = ()
        if learned and not framed:
            term_score = {a: sc for a, sc, _ in scored if a not in held}
            # Not an area that no term found where the title holds its exclusion (ロボット倫理, 著作物): the model
            # reads ロボッ and 作物 in the very words the source rules out. A yielding one: a near miss.
            adds = tuple([(a, sc) for a, sc in learned
                          if sc > term_score.get(a, -1) and (a in term_score or a not in excluded)])  # fmt: skip
        if closed:  # a gene therapy that names CRISPR is not food (Moonshot goal 5)
            opened -= closed
        # Only the narrowed crosswalk links of areas with terms can matter.
        links = tuple(sorted(opened)) if opened else ()
        key = (tuple(scored), yielded, held, held_strong, reached, adds, links, min_score, top)
        base = self._outcomes.get(key) or self._new_outcome(key)
        outcome, b = base
        if not outcome.hits and not reached:
            return base
        named = tuple(dict.fromkeys([t for a, _, _ in outcome.hits for _, _, t in area_terms.get(a, ())]
                                    + [t for e in reached for _, _, t in es_terms[e]]))
        return _tuple_new(_Plan, (outcome, _tuple_new(Brief, (b.verdict, b.areas, b.econsec, b.programs, named,
                                                              b.learned, b.held, b.near, b.editorial))))  # fmt: skip

    def _rank(self, hit: tuple[str, int, str]) -> tuple[int, int]:
        """Sort key of (area, score, band): best score first, then the taxonomy's order."""
        return -hit[1], self._areas[hit[0]].order

    def _new_outcome(self, key: tuple[Any, ...]) -> _Plan:
        """Ranking, econ-security areas, programs and verdict from the deciding facts of :meth:`_new_plan` (its
        key), as a plan whose Brief has no terms, memoised on them."""
        scored, yielded, held, held_strong, reached, adds, links, min_score, top = key
        order = self._areas
        hits = _term_hits(scored, min_score, yielded, held)
        lifted = {a for a, _ in adds}  # the model's score is the area's, reported or not
        added = {a for a, sc in adds if sc >= min_score and a not in yielded}
        found = {a for a, _, _ in scored if a not in held}  # areas the terms found (at any score)
        if added:
            # An area the model alone found ranks after the areas the terms report at the default reporting score,
            # whatever its score: the primary area is one the title names (トリチウム回収 is fusion's term; the model
            # reads トリチウム as energy's). Not after a term area below that score, which a lower --min-score shows:
            # lowering it must not change which area comes first.
            named = {a for a, sc, _ in scored if sc >= REPORT_AT and a not in held}
            hits = [h for h in hits if h[0] not in added] + [(a, sc, band_of(sc)) for a, sc in adds if a in added]
            hits.sort(key=lambda h: (h[0] not in named, -h[1], order[h[0]].order))
        near = [h for h in scored if (h[1] < min_score or h[0] in yielded or h[0] in held) and h[0] not in lifted]
        if len(added) < len(lifted):
            near = sorted(near + [(a, sc, band_of(sc)) for a, sc in adds if a not in added], key=self._rank)
        cut_ids: list[str] = []
        if top is not None and len(hits) > top:
            # in the near misses' order, by score, which the table's reason rebuilds from them (an area the model
            # alone found, ranked last when reported, came last here too: the two reasons disagreed, a new set's title)
            cut_ids = [h[0] for h in sorted(hits[top:], key=self._rank)]
            near = sorted(near + hits[top:], key=self._rank)  # near misses with the score they were reported at
            hits = hits[:top]
            added &= {h[0] for h in hits}
        reported = {h[0] for h in hits}
        withheld = any(sc >= min_score and a not in reported for a, sc, _ in scored)
        # Of the model's areas, those the terms report too (the model's score is higher) and those it adds.
        rescored = found & added  # the terms found it too
        skey = (tuple([h[0] for h in hits]), reached, links, withheld, frozenset(added - rescored),
                frozenset(rescored), held, held_strong, yielded, tuple(cut_ids), bool(scored), top)  # fmt: skip
        structure = self._structures.get(skey)
        if structure is None:
            structure = self._new_structure(skey)
        econsec, programs, program_ids, verdict, reason, held_ids, yields = structure
        learned_ids = tuple(a for a, _, _ in hits if a in added)
        brief = _tuple_new(Brief, (verdict, tuple([(a, order[a].tier, sc) for a, sc, _ in hits]),
                                   tuple([es.id for es, _ in econsec]), program_ids, (), learned_ids,
                                   held_ids, tuple([(a, sc) for a, sc, _ in near]),
                                   editorial_ids(programs)))  # fmt: skip
        outcome = _tuple_new(_Outcome, (tuple(hits), tuple(near), econsec, programs, verdict, reason,
                                        frozenset(lifted) if lifted else _NONE, held_ids, yields))  # fmt: skip
        plan = _tuple_new(_Plan, (outcome, brief))
        if len(self._outcomes) < _OUTCOME_CACHE_MAX:
            self._outcomes[key] = plan
        return plan

    def _new_structure(self, key: tuple[Any, ...]) -> _Structure:
        """Econ-security areas, programs, verdict and reason of an outcome: they depend on which areas are reported
        and in what order, not on their scores, so outcomes that differ only in scores share them (memoised on
        ``key``, made in :meth:`_new_outcome`)."""
        (hit_ids, reached, links, withheld, learned_only, rescored, held, held_strong, yielded, cut_ids, evidence,
         top) = key
        order = self._areas
        tiers = [(a, order[a].tier) for a in hit_ids]
        econsec = self._econsec_plan(list(hit_ids), reached, links)
        touched = tuple(es.id for es, _ in econsec)
        found = self._programs.get((tuple(tiers), touched, links, reached))
        if found is None:
            programs = applicable_programs(self.taxonomy, tiers, touched, links, self._program_hits, reached)
            found = (programs, tuple(p.id for p in programs))
            if len(self._programs) < _OUTCOME_CACHE_MAX:
                self._programs[tuple(tiers), touched, links, reached] = found
        programs, program_ids = found
        verdict, reason = _verdict(tiers, [es.id for es, _ in econsec], evidence, withheld, learned_only, rescored)
        held_ids = tuple(sorted(held, key=lambda x: order[x].order))
        for ids, why in (([a for a in held_ids if a not in held_strong], "support terms only"),
                         ([a for a in held_ids if a in held_strong], "one strong term in a study of a mechanism")):
            if ids:
                reason += f"; held back ({why}, and the learned model finds the area unlikely for the whole title): " \
                          + ", ".join(ids)
        yields = tuple([(a, self._redirects[a][0]) for a in sorted(yielded, key=lambda x: order[x].order)])
        for a, to in yields:
            reason += f"; {a} yields to {to} (the source excludes it there)"
        if cut_ids:
            reason += f"; cut by --top {top}, not counted in the verdict: " + ", ".join(cut_ids)
        structure = (econsec, programs, program_ids, verdict, reason, held_ids, yields)
        if len(self._structures) < _OUTCOME_CACHE_MAX:
            self._structures[key] = structure
        return structure

    def _econsec_plan(self, hit_ids: list[str], reached: tuple[str, ...], links: tuple[tuple[str, str], ...]
                      ) -> tuple[tuple[EconSecArea, tuple[str, ...]], ...]:  # fmt: skip
        """Econ-security areas found by their own terms (``reached``: those reaching the reporting score) and
        through the crosswalk of reported areas (a narrowed link only when ``links``, the links the title's
        technologies open, holds it)."""
        via: dict[str, list[str]] = {es_id: ["terms"] for es_id in reached}
        for area_id in hit_ids:
            for es_id, narrowed in self._crosswalk.get(area_id, ()):
                if not narrowed or (area_id, es_id) in links:
                    via.setdefault(es_id, []).append("crosswalk:" + area_id)
        return tuple((self._econsec[e], tuple(via[e])) for e in sorted(via, key=self._es_order.__getitem__))


_ItemRow = tuple[str, str, str, frozenset[str], frozenset[str]]
"""A program item as :func:`applicable_programs` reads it: id, names, focus areas, and those of its focus areas
that it narrows to some of their technologies."""
_ProgramRow = tuple[str, str, str, str, frozenset[str], frozenset[str], tuple[str, ...], bool, bool,
                    tuple[_ItemRow, ...]]
"""A program as :func:`applicable_programs` reads it: id, kind, names, focus areas, those of them that it narrows to
some of their technologies, tiers, whether it serves econ-security areas and whether that is this taxonomy's
reading, items."""


_PROGRAM_INDEXES: dict[int, tuple[Taxonomy, tuple[_ProgramRow, ...], dict[str, int]]] = {}
"""id of a taxonomy -> it, its :func:`_program_index` and its programs' and items' source lines (the taxonomy is
held, so its id is not reused)."""


def _programs_of(taxonomy: Taxonomy) -> tuple[tuple[_ProgramRow, ...], dict[str, int]]:
    """The taxonomy's programs as :func:`applicable_programs` reads them, and the source line of each program and
    item, worked out once per taxonomy (reading the taxonomy's objects for every combination of areas cost about
    30 µs)."""
    known = _PROGRAM_INDEXES.get(id(taxonomy))
    if known is not None and known[0] is taxonomy:
        return known[1], known[2]
    if len(_PROGRAM_INDEXES) >= 8:  # a process loads few taxonomies; a long-lived one that loads many stays bounded
        _PROGRAM_INDEXES.clear()
    index = _program_index(taxonomy)
    lines = {p.id: p.source.line for p in taxonomy.programs} | {
        i.id: i.source.line for p in taxonomy.programs for i in p.items}
    _PROGRAM_INDEXES[id(taxonomy)] = (taxonomy, index, lines)
    return index, lines


def _area_technologies(taxonomy: Taxonomy) -> dict[str, frozenset[str]]:
    """Area id -> its technology ids, as :func:`~domaincheck.models.narrowed_areas` reads them."""
    return {a.id: frozenset(t.id for t in a.technologies) for a in taxonomy.areas}


def _program_index(taxonomy: Taxonomy) -> tuple[_ProgramRow, ...]:
    area_techs = _area_technologies(taxonomy)
    return tuple(
        (p.id, p.kind, p.name_ja, p.name_en, frozenset(p.focus), narrowed_areas(area_techs, p.focus, p.technologies),
         p.tiers, p.econsec, p.econsec_editorial,
         tuple((item.id, item.name_ja, item.name_en, frozenset(item.areas),
                narrowed_areas(area_techs, item.areas, item.technologies)) for item in p.items))
        for p in taxonomy.programs
    )  # fmt: skip


def applicable_programs(taxonomy: Taxonomy, hits: Sequence[tuple[str, str]], econsec: Sequence[str],
                        links: Collection[tuple[str, str]] | None = None,
                        shared: dict[tuple[Any, ...], ProgramHit] | None = None,
                        by_terms: Collection[str] = ()) -> tuple[ProgramHit, ...]:  # fmt: skip
    """Programs and measures for reported areas ``(id, tier)`` in rank order and the econ-security areas a title
    touches (by their own terms or through the crosswalk): those tied to a reported tier (a program with a focus
    only for its focus areas), those that serve econ-security areas (the protection and promotion uses and the K
    Program, not through a tier; the source ties only leakage prevention to the 20 areas, line 336), and the items
    (goals, fields) whose focus includes a reported area.

    ``links``: the (area, item id) pairs a title's technologies open; an item whose focus on an area is narrowed to
    some of its technologies needs its pair there. None (an area on its own, as ``show`` lists it): no narrowing.
    ``shared``: a memo of the hits made, so that results share one ProgramHit per program and basis (a long screen
    made a new one, with its reason text, for every combination of areas: about 25 MiB over 1,000,000 rows).
    ``by_terms``: the econ-security areas among ``econsec`` that the title reaches by their own terms; a program
    that serves them is the source's (the leakage-prevention use, line 336), unless that tie is itself this
    taxonomy's reading (``econsec_editorial``) or the areas came through the crosswalk alone: its basis then says
    ``editorial`` (:attr:`ProgramHit.editorial`).
    """
    if not hits and not econsec:
        return ()
    tiers = {tier for _, tier in hits}
    area_ids = [a for a, _ in hits]
    out: list[ProgramHit] = []
    index, lines = _programs_of(taxonomy)
    crosswalk_only = not econsec or set(by_terms).isdisjoint(econsec)
    for (program_id, kind, name_ja, name_en, program_focus, focus_narrowed, program_tiers, serves_econsec, read,
         items) in index:
        basis: tuple[str, str, tuple[str, ...]] | None = None
        if program_focus:
            # A program with a focus (AMED-CREST: medicine) applies only to its focus areas (this taxonomy's
            # narrowing), and to an area it narrows to some technologies only where the title's terms name one.
            # A focus area of a tier the source ties the program to is the source's link (AMED-CREST for
            # medical_drug, an emerging area: line 80); one of another tier is the focus's alone (editorial).
            in_focus = [a for a in area_ids if a in program_focus and (
                links is None or a not in focus_narrowed or (a, program_id) in links)]
            focus = tuple(in_focus)
            by_tier = [(a, t) for a, t in hits if a in in_focus and t in program_tiers]
            if by_tier:
                tier = by_tier[0][1]
                basis = ("tier", tier, tuple([a for a, t in by_tier if t == tier]))
            elif focus:
                basis = ("focus", "", focus)
        else:
            tier_match = [t for t in program_tiers if t in tiers]
            if tier_match:
                basis = ("tier", tier_match[0], tuple([a for a, t in hits if t == tier_match[0]]))
            elif serves_econsec and econsec:
                basis = ("econsec", "editorial" if read or crosswalk_only else "", tuple(econsec))
        at = len(out)
        if basis is not None:
            out.append(_program_hit(shared, program_id, kind, name_ja, name_en, None, basis, lines))
        for item_id, item_ja, item_en, item_areas, narrowed in items:
            if item_areas.isdisjoint(area_ids):
                continue
            matched = tuple([a for a in area_ids if a in item_areas and (
                links is None or a not in narrowed or (a, item_id) in links)])
            if matched:
                out.append(_program_hit(shared, item_id, kind, item_ja, item_en, program_id,
                                        ("item", program_id, matched), lines))  # fmt: skip
        if basis is None and len(out) > at:
            # Items without their program (a strategic title's Moonshot goal: Moonshot itself serves the emerging
            # tier): the program too, ahead of them, so that a filter on its id finds the title (a user test)
            out.insert(at, _program_hit(shared, program_id, kind, name_ja, name_en, None,
                                        ("items", "", tuple([hit.id for hit in out[at:]])), lines))  # fmt: skip
    return tuple(out)


def _program_hit(shared: dict[tuple[Any, ...], ProgramHit] | None, program_id: str, kind: str, name_ja: str,
                 name_en: str, parent: str | None, basis: tuple[str, str, tuple[str, ...]],
                 lines: Mapping[str, int]) -> ProgramHit:  # fmt: skip
    """The ProgramHit of a program (or item) on ``basis``: the one in ``shared`` when it holds it (capped)."""
    key = (program_id, parent, basis)
    hit = shared.get(key) if shared is not None else None
    if hit is None:
        hit = ProgramHit(program_id, kind, name_ja, name_en, _why(basis), parent, basis, lines.get(program_id))
        if shared is not None and len(shared) < _PLAN_CACHE_MAX:
            shared[key] = hit
    return hit


_WHY_HEADS = {"focus": "focus", "tier": "tier {}", "econsec": "econ-security area", "item": "focus of {}",
              "items": "through its items"}


def _why(basis: tuple[str, str, tuple[str, ...]]) -> str:
    """A program's English ``why`` (the JSON's) from its :attr:`ProgramHit.basis`: ``tier strategic: quantum``."""
    kind, of, ids = basis
    return _WHY_HEADS[kind].format(of) + ": " + ", ".join(ids)


def _no_flags(min_score: object, top: object = None) -> None:
    """TypeError for True or False given as ``min_score`` or ``top`` (``min_score=True`` was read as 1: a user test).
    Its arguments are objects so that the compiled core sees them as given: typed int, mypyc makes True a 1 first."""
    if isinstance(min_score, bool) or isinstance(top, bool):
        raise TypeError("min_score and top take a number, not True or False")


def _default_score(min_score: object) -> int:
    """A classifier's default reporting score: ``min_score``, or :data:`REPORT_AT` for None; TypeError for True or
    False or anything but a number, ValueError outside 0-100 (what :meth:`Classifier.classify` says of its own)."""
    _no_flags(min_score)
    if min_score is None:
        return REPORT_AT
    if not isinstance(min_score, int):
        raise TypeError(f"min_score takes a number from 0 to 100, not {type(min_score).__name__}")
    return _check_limits(min_score, None)


def _check_limits(min_score: int, top: int | None) -> int:
    """``min_score``, or ValueError for a reporting score outside 0-100 or a top below 1 (the CLI's own limits)."""
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1, not {top}")
    if not 0 <= min_score <= 100:
        raise ValueError(f"min_score must be from 0 to 100, not {min_score}")
    return min_score


def _term_weight(target: Target, fuzzy: bool) -> float:
    """What an area or econ-security term adds to the evidence weight, found exactly or by the speller."""
    return WEIGHTS[target.strength] * (FUZZY_FACTOR if fuzzy else 1.0)


def _term_hits(scored: Sequence[tuple[str, int, str]], min_score: int, yielded: tuple[str, ...], held: tuple[str, ...]
               ) -> list[tuple[str, int, str]]:  # fmt: skip
    """The areas the terms report: those reaching ``min_score`` that neither yield nor are held back (one rule for
    the outcome key and for the outcome, so the two cannot drift apart)."""
    return [h for h in scored if h[1] >= min_score and h[0] not in yielded and h[0] not in held]


def _strong_families(terms: list[_Term]) -> int:
    """How many term families among ``terms`` are strong (found exactly or by the speller)."""
    return len({family for family, weight, _ in terms if weight > WEIGHTS["support"]})


def _weight(terms: list[_Term]) -> float:
    """Sum of term weights, each term family counted once at its highest weight (a term and its plural are one
    term), added in the order the families were first found."""
    if len(terms) == 1:
        return terms[0][1]  # what the sum below comes to for one term, without the dict (most areas of a title)
    seen: dict[str, float] = {}
    for family, weight, _ in terms:
        seen[family] = max(seen.get(family, 0.0), weight)
    return sum(seen.values())


def _marked(area: str, learned: Collection[str], rescored: Collection[str]) -> str:
    """An area id as the reason names it: marked when the learned model added it, or scored it above the terms."""
    if area in learned:
        return f"{area} (learned from the whole title)"
    return f"{area} (scored by the learned model)" if area in rescored else area


NO_TERM = "no area term found"
"""The reason of a title in which no area term fired; :meth:`Classifier.classify` names the exclusion terms that did
(:data:`EXCLUDED_ONLY`)."""
EXCLUDED_ONLY = NO_TERM + ", only excluded term(s) (known false friends): "
"""The reason of a title in which no area term fired but exclusion terms did (防災教育 rules out 防災), before those."""


def _verdict(hits: list[tuple[str, str]], econsec: list[str], evidence: bool, withheld: bool = False,
             learned: Collection[str] = (), rescored: Collection[str] = ()) -> tuple[str, str]:  # fmt: skip
    """Screening verdict and its one-line reason from reported (area, tier) pairs, econ-security ids, whether any
    area had evidence at all and whether an area that reached the reporting score was not reported (held back,
    yielded or cut by --top: the rest of the reason says which). Areas the learned model added (``learned``) or
    scored above the terms (``rescored``) are marked where they are named."""

    def named(area: str) -> str:
        return _marked(area, learned, rescored)

    strategic = [a for a, tier in hits if tier == "strategic"]
    emerging = "emerging/foundational area: " + ", ".join(named(a) for a, tier in hits if tier != "strategic")
    if strategic:
        return "strategic", "national strategic area: " + ", ".join(map(named, strategic)) + (
            "; " + emerging if len(strategic) < len(hits) else "")
    if hits:
        return "emerging", emerging
    if econsec:
        return "econsec_only", "economic-security area only: " + ", ".join(econsec)
    if withheld:
        return "none", "area terms found, but no area was reported"
    return "none", "area terms found, but no area reached the reporting score" if evidence else NO_TERM


_KANJI_WIDEN = 2
"""A kanji piece widens to the kanji word around it only when that word is at most this much longer: Japanese titles
often run kanji for a whole phrase (小型人工衛星搭載用高効率推進装置開発), which is no word."""


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` without spaces or punctuation at its ends (a piece ``i-m`` of Multi-modality is about
    ``i``) and without kana particles (``剤の`` is about ``剤``, ``ムの開`` about ``ム``: the longest part without
    hiragana, when the piece holds other characters), widened to the whole word of Latin letters and digits or of
    katakana that it starts or ends in, or to the kanji word around it when that is short (``迅速検`` → ``迅速検知``,
    ``剤`` → ``化学剤``; see :data:`_KANJI_WIDEN`)."""
    s, e = start, end
    while s < e and not _is_word_char(text[s]):
        s += 1
    while e > s and not _is_word_char(text[e - 1]):
        e -= 1
    if s == e:  # nothing but punctuation and spaces: the punctuation, as it is
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end
    if any(_is_hiragana_char(c) for c in text[s:e]) and not all(_is_hiragana_char(c) for c in text[s:e]):
        best = (0, s, s)
        i = s
        while i < e:  # the longest run without hiragana (the first of equals)
            j = i
            while j < e and not _is_hiragana_char(text[j]):
                j += 1
            if j - i > best[0]:
                best = (j - i, i, j)
            i = j + 1
        s, e = best[1], best[2]
    start, end = s, e
    for kind in (_is_latin_word_char, _is_katakana_char):
        if kind(text[start]):
            while start > 0 and kind(text[start - 1]):
                start -= 1
        if kind(text[end - 1]):
            while end < len(text) and kind(text[end]):
                end += 1
    if _is_kanji_char(text[start]) or _is_kanji_char(text[end - 1]):
        lo, hi = start, end
        while lo > 0 and _is_kanji_char(text[lo - 1]) and _is_kanji_char(text[lo]):
            lo -= 1
        while hi < len(text) and _is_kanji_char(text[hi]) and _is_kanji_char(text[hi - 1]):
            hi += 1
        if (hi - lo) - (end - start) <= _KANJI_WIDEN:
            start, end = lo, hi
    return start, end


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or _is_katakana_char(ch)


def _is_latin_word_char(ch: str) -> bool:
    return ch.isalnum() and (ch < "\u0250" or "\uff10" <= ch <= "\uff5a")  # Latin (with accents), full-width


def _is_katakana_char(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == "\u30fc" or "\uff66" <= ch <= "\uff9f"


def _is_hiragana_char(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def _is_kanji_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch == "\u3005"  # and 々


def _title_part(norm: Normalized, within: int | None) -> Normalized:
    """The normalised title of a text whose first ``within`` characters are the title (``norm`` itself when the
    text is all title, or when the title has no letter or digit, ―, for which the whole text stands), with its
    quotation marks (:func:`~domaincheck.normalize.with_quotes`): what the learned model reads. Its offsets point
    into the text as ``norm``'s do."""
    if within is None or within >= len(norm.original):
        return with_quotes(norm)
    part = normalize(norm.original[:within], keep_quotes=True)
    return part if _ALNUM.search(part.text) is not None else with_quotes(norm)


def _require_text(title: object) -> None:
    """TypeError for a title that is no str (None, bytes, a number, pandas' NaN). The compiled core's own argument
    check raises it first, worded its way: the type is the same in either build; a str subclass (numpy.str_) is
    text."""
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, not {type(title).__name__}")


def checked(title: str) -> Normalized:
    """The normalised title, or InputError when the classifier cannot use it (empty, too long, or no letter or
    digit once normalised)."""
    check_title(title)
    norm = normalize(title)
    if _ALNUM.search(norm.text) is None:
        raise InputError(f"title has no letters or digits: {title[:60]!r}",
                         ja=f"タイトルに文字も数字もありません: {title[:60]!r}")
    return norm


def check_title(title: str) -> None:
    """Reject titles the classifier cannot use, with a message that says why."""
    if not title or not title.strip():
        raise InputError("empty title", ja="タイトルが空です")
    if len(title) > MAX_TITLE_CHARS:
        raise InputError(f"title is {len(title):,} characters long; the limit is {MAX_TITLE_CHARS:,}",
                         hint="pass a title, not a whole document",
                         ja=f"タイトルが {len(title):,} 文字あります。上限は {MAX_TITLE_CHARS:,} 文字です",
                         hint_ja="文書全体ではなくタイトルを渡してください")  # fmt: skip
    if "\x00" in title:
        raise InputError("title contains NUL characters (binary data?)",
                         ja="タイトルに NUL 文字があります（バイナリデータでは？）")
    try:
        title.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("title contains half a character (a lone surrogate, such as a JSON \\ud83d or bytes "
                         "decoded with surrogateescape): not text",
                         hint="a title typed or pasted in another encoding than the terminal's (CP932 bytes in a "
                         "UTF-8 terminal) arrives so: give the titles on standard input (classify -), whose encoding "
                         "is detected, or convert them to UTF-8",
                         ja="タイトルに半分だけの文字（孤立サロゲート: JSON の \\ud83d や surrogateescape で読んだ"
                         "バイト）があります: テキストではありません",
                         hint_ja="端末と異なる文字コード（UTF-8 の端末に CP932 のバイト）で入力・貼り付けたタイトルは"
                         "こうなります。標準入力から渡す（classify -。文字コードを判定します）か、UTF-8 に変換して"
                         "ください") from None


def provenance(classifier: Any) -> dict[str, Any]:
    """The program, taxonomy and settings a result comes from: the version of domaincheck and of its core (compiled
    or plain Python: the same results), the taxonomy's version, its content digest (which changes with any term,
    while the version names the source's list), whether the learned model took part, and the default reporting
    score, and the learned model file's digest (read again here; the taxonomy's covers its YAML alone). Two runs
    whose results differ can be told apart by it."""
    from . import __version__, compiled

    tax = getattr(classifier, "taxonomy", None)
    learned = getattr(classifier, "learned", None) is not None
    model = None
    if learned and tax is not None:
        from .taxonomy import learned_digest

        model = learned_digest(getattr(tax, "location", None))
    return {"domaincheck": __version__, "core": "compiled" if compiled() else "python",
            "taxonomy_version": getattr(tax, "version", None), "taxonomy_digest": getattr(tax, "digest", None) or None,
            "learned_model": learned, "min_score": getattr(classifier, "min_score", None),
            "learned_digest": model}  # fmt: skip
