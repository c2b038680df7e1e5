"""Frozen records for the taxonomy and for classification results."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

TIERS = ("strategic", "emerging")
VERDICT_WORDS: dict[str, dict[str, str]] = {
    "ja": {"econsec_only": "経済安保のみ", "none": "該当なし", "error": "分類できず"},
    "en": {"econsec_only": "Economic-security area only", "none": "No area", "error": "Not classified"},
}
"""The verdicts that are not a tier, named per language (a tier's verdict is named by the tier itself, National
strategic technology domains: in English capitalised as those are, so that a filter on dc_verdict_name lists them
alike; a user test). Not "None" for none: pandas and other CSV readers take that word for a missing value (a user
test)."""
AREA_IDS = (
    "ai_robotics", "quantum", "semiconductor_comm", "bio_healthcare", "fusion", "space",
    "shipbuilding", "aviation", "digital_cyber", "agri_food", "energy_gx", "disaster_resilience",
    "medical_drug", "materials", "mobility_logistics", "ocean",
)  # fmt: skip
VERDICTS = ("strategic", "emerging", "econsec_only", "none")
UNCLASSIFIED_PROBLEMS = ("empty_title", "title_too_long", "unclassifiable_title", "formula_not_evaluated",
                         "title_excel_error", "title_not_text", "title_placeholder", "bad_jsonl_line",
                         "header_repeated", "unfilled_row", "totals_row", "note_row")  # fmt: skip
"""The ``dc_problem`` kinds that keep a ``screen`` row from being classified (verdict ``error``) when nothing else
is read for it; the others are noted on classified rows. A title cell that is no title (title_not_text,
title_excel_error, title_placeholder, unclassifiable_title, formula_not_evaluated) gives way to the title in the other
language or to the extra columns when they hold one: that row is classified and keeps the kind beside
title_from_other_column or title_from_extra_column; a formula in an extra column is left out and marked
formula_not_evaluated on a row classified from the rest. (Here, where both screen, which marks them, and render,
which counts them, can read it.)"""
NO_PROPOSAL = ("header_repeated", "unfilled_row", "totals_row", "note_row")
"""The kinds of UNCLASSIFIED_PROBLEMS that mark a row that is no proposal: the column names again after a page break,
a template's row with nothing but its number (No 1–200, 30 filled in: a user test), a totals row (合計 and sums: a
program officer's user test), a note under the list (以下余白, ※…: an office's user test). Left out of
``--fail-on``'s warning about rows it could not judge, which a warning on every such export would teach people to
skip."""
SHORT_TITLE_CHARS = 8
"""A title column whose first titles have a median length at or below this looks like another column (names,
institutions, codes, honorifics): research titles are rarely so short. Warned of when no area was found in any row,
or, areas found or not, when another column looks like the title column and the column is no text about the proposal
(``render.doubtful_title_column``)."""
SOURCE_NOTES = ("title_from_other_column", "title_from_extra_column")
"""The ``dc_problem`` kinds that say where a classified row's text came from and nothing wrong with it: not counted
among the rows with problems, and shown apart from the problems in the summary (a user test read 問題のある行 0 above
8 of them)."""
NOT_PROBLEMS = (*SOURCE_NOTES, "unfilled_row", "totals_row", "note_row")
"""The ``dc_problem`` kinds that mark nothing wrong with a row: where its text came from, a template's row not
filled in, a totals row. Not counted among the rows with problems; the summary shows them on lines of their own."""


@dataclass(frozen=True)
class Text:
    """A bilingual text."""

    ja: str
    """Japanese, verbatim from the source where it quotes it."""
    en: str
    """English translation."""

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``ja`` or ``en``), falling back to the other language."""
        return (self.en or self.ja) if lang == "en" else (self.ja or self.en)


@dataclass(frozen=True)
class Statement(Text):
    """A bilingual sentence of the source with the line it is on (a tier's criterion or note)."""

    line: int | None
    """1-based line of the source text (None in a taxonomy written before lines were given)."""


@dataclass(frozen=True)
class SourceRef:
    """Where in the source document an entry comes from."""

    section: str
    """Heading path in the source document."""
    line: int
    """1-based line of the source text."""
    page: Text | None = None
    """What the page of ``line`` is, where the source text lost that slide's title and ``section`` names the
    headings of another (meta.yaml ``source.pages``: the Moonshot goals sat under the SIP overview, a user test)."""

    def __str__(self) -> str:
        return f"{self.section} (line {self.line})"


@dataclass(frozen=True)
class Qualification:
    """A scope rule that the source attaches to a tier or an area."""

    kind: str
    """``inclusion`` or ``exclusion``."""
    text: Text
    """The rule as the source states it."""
    redirect: str | None
    """For an exclusion: the area the excluded technology belongs to instead."""
    source: SourceRef
    """Where the rule is stated."""
    technologies: tuple[str, ...] | None = None
    """For an exclusion: the area's technologies it qualifies (None, not given: the whole area; empty: none, so that
    any strong term of the area keeps it)."""
    redirect_technologies: tuple[str, ...] = ()
    """For a redirect: the redirect area's technologies whose strong terms make this area yield (empty: any)."""


@dataclass(frozen=True)
class Tier:
    """One of the two tiers of important technology domains."""

    id: str
    """``strategic`` or ``emerging``."""
    name_ja: str
    """Official Japanese name."""
    name_en: str
    """English name."""
    definition: Text
    """What the tier is, from the source."""
    criteria: tuple[Statement, ...]
    """Selection criteria."""
    qualifications: tuple[Qualification, ...]
    """Scope rules for every area of the tier."""
    notes: tuple[Statement, ...]
    """Other statements the source makes about the tier (its review, its scope, how it is supported)."""
    source: SourceRef
    """Where the tier is defined."""


@dataclass(frozen=True)
class Technology:
    """A technology of an area, with the terms that signal it."""

    id: str
    """Stable snake_case id, unique in the taxonomy."""
    name_ja: str
    """Japanese name, verbatim from the source when ``in_source``."""
    name_en: str
    """English name."""
    in_source: bool
    """True when the source names this technology; False for related technologies the area covers."""
    source: SourceRef
    """Where it comes from."""
    strong: tuple[str, ...]
    """Terms that alone decide the area."""
    support: tuple[str, ...]
    """Terms that only support another hit."""


@dataclass(frozen=True)
class Area:
    """One of the 16 important technology areas."""

    id: str
    """One of ``AREA_IDS``: a public contract."""
    tier: str
    """``strategic`` or ``emerging``."""
    name_ja: str
    """Short Japanese name."""
    name_en: str
    """Short English name."""
    official_ja: str
    """The area's name as the source writes it."""
    official_en: str
    """English translation of the official name."""
    source: SourceRef
    """Where the area is listed."""
    qualifications: tuple[Qualification, ...]
    """Area-specific scope rules (e.g. biologics excluded from medical_drug)."""
    technologies: tuple[Technology, ...]
    """Named and related technologies."""
    exclude: tuple[str, ...]
    """False friends that must not fire the area."""

    def name(self, lang: str) -> str:
        """Short name in ``lang``."""
        return self.name_en if lang == "en" else self.name_ja


@dataclass(frozen=True)
class EconSecArea:
    """One of the 20 technology areas of the Economic Security Promotion Act's basic guideline."""

    id: str
    """Stable snake_case id, distinct from the 16 area ids."""
    name_ja: str
    """Japanese name, verbatim."""
    name_en: str
    """English name."""
    source: SourceRef
    """Where it is listed."""
    crosswalk: tuple[str, ...]
    """Tier areas that correspond to it."""
    strong: tuple[str, ...]
    """Terms that alone signal it."""
    support: tuple[str, ...]
    """Terms that only support."""
    exclude: tuple[str, ...]
    """False friends."""
    crosswalk_technologies: tuple[str, ...] = ()
    """Technologies that narrow the crosswalk: for a crosswalk area with technologies listed here, only a title whose
    evidence for that area names one of them reaches this area through the crosswalk (an aviation title reaches
    hypersonics only through the hypersonic technology)."""

    def name(self, lang: str) -> str:
        """Name in ``lang``."""
        return self.name_en if lang == "en" else self.name_ja


KIND_NAMES_EN = {"program": "program", "measure": "measure", "protection": "protection use",
                 "promotion": "promotion use"}  # fmt: skip
"""Program kinds (:attr:`Program.kind`) as English text names them."""
KIND_NAMES_JA = {"program": "支援プログラム", "measure": "施策", "protection": "保護への活用",
                 "promotion": "育成への活用"}  # fmt: skip
"""Program kinds in Japanese, as the source names the uses (Protection（保護）/ Promotion（育成）への活用)."""


@dataclass(frozen=True)
class ProgramItem:
    """A part of a program: a Moonshot goal, a K Program field, a JST scheme."""

    id: str
    """Stable id, unique among programs and items."""
    name_ja: str
    """Japanese name."""
    name_en: str
    """English name."""
    areas: tuple[str, ...]
    """Areas this item focuses on."""
    facts: tuple[Statement, ...]
    """Periods, budgets, counts as the source gives them."""
    source: SourceRef
    """Where it is described."""
    technologies: tuple[str, ...] = ()
    """Technologies that narrow the focus: for a focus area with some of its technologies (not all) listed here, a
    title is in the item's focus only when its terms name one of the listed technologies, of any of the item's
    areas (Moonshot goal 4, resource circulation, for a resource-circulation or CO2-removal title, not for every
    energy title)."""
    closed_by: tuple[str, ...] = ()
    """Technologies, of any area, whose strong terms take a title out of the focus of every area the item narrows
    even when its terms name one of :attr:`technologies` (Moonshot goal 5, food: not a gene therapy that names
    CRISPR, a breeding term)."""


def narrowed_areas(area_techs: Mapping[str, Collection[str]], areas: Iterable[str],
                   techs: Collection[str]) -> frozenset[str]:
    """Of a program's focus areas or an item's ``areas``, those that its ``techs`` narrow: some of the area's
    technologies (``area_techs``: area id -> its technology ids) are listed, not all (listing them all, as AMED-CREST
    does medical_drug's so that their terms open it for bio_healthcare, leaves the area whole)."""
    listed = set(techs)
    return frozenset([a for a in areas if not listed.isdisjoint(area_techs.get(a, ()))
                      and not listed.issuperset(area_techs[a])])


@dataclass(frozen=True)
class Program:
    """A support program, measure, protection or promotion use named by the source."""

    id: str
    """Stable id."""
    kind: str
    """``program``, ``measure``, ``protection`` or ``promotion``."""
    name_ja: str
    """Japanese name, verbatim."""
    name_en: str
    """English name."""
    tiers: tuple[str, ...]
    """Tiers the source ties it to."""
    econsec: bool
    """True when it also applies to matches of the 20 economic-security areas."""
    operator: Text | None
    """Who runs it, when the source says."""
    summary: Statement | None
    """What it is."""
    facts: tuple[Statement, ...]
    """Periods, budgets, counts."""
    focus: tuple[str, ...]
    """Areas the program as a whole focuses on."""
    items: tuple[ProgramItem, ...]
    """Goals, fields, schemes."""
    source: SourceRef
    """Where it is described."""
    econsec_editorial: bool = False
    """True when its tie to the economic-security areas is this taxonomy's reading: the source ties only the
    present selection of programs for leakage-prevention measures to the 20 areas (line 336)."""
    technologies: tuple[str, ...] = ()
    """Technologies that narrow :attr:`focus`, as :attr:`ProgramItem.technologies` narrow an item's (AMED-CREST,
    medicine: a bio_healthcare title that names a drug, cell or gene therapy, vaccine or medical technology, not a
    breeding one)."""

    def name(self, lang: str) -> str:
        """Name in ``lang``."""
        return self.name_en if lang == "en" else self.name_ja


@dataclass(frozen=True)
class Region:
    """A country or region whose strategy the source compares."""

    id: str
    """Short id (us, cn, eu, ...)."""
    name_ja: str
    """Japanese name."""
    name_en: str
    """English name."""
    document: Text | None
    """The strategy document cited."""


@dataclass(frozen=True)
class CountryField:
    """A column of the source's table of fields that major countries prioritise."""

    id: str
    """Stable id."""
    name_ja: str
    """Column heading."""
    name_en: str
    """English heading."""
    areas: tuple[str, ...]
    """Tier areas the column corresponds to."""
    entries: dict[str, str]
    """Region id → the cell text, for regions that list the field."""
    source: SourceRef | None = None
    """Where the source's table of countries' fields is."""
    entries_en: dict[str, str] = field(default_factory=dict)
    """Region id → the cell in English (a translation, not in the source); a region without one shows its cell."""


@dataclass(frozen=True)
class Strategy:
    """A field strategy that the source names (its table of 分野別戦略, given as examples: 「以下のような」)."""

    name_ja: str
    """Name, verbatim."""
    name_en: str
    """English name."""
    decided: Text
    """Decision date as the source gives it (「2025年6月4日（改定）」)."""
    areas: tuple[str, ...]
    """Tier areas it concerns (editorial: the source names the strategies, not the areas)."""
    source: SourceRef
    """Line of the table row."""


@dataclass(frozen=True)
class MarketNote:
    """A note or caveat that the source attaches to its market-size tables."""

    id: str
    """Stable id, named by the market rows it concerns."""
    mark: str
    """The source's mark: 「（注）」, 「※ 1」, 「※ 2」."""
    scope: str
    """``table``: a caveat on every figure of its table; ``cagr``: why a row has no growth rate; ``row``: a note
    on the rows that name it."""
    text: Text
    """The note, verbatim in Japanese."""
    source: SourceRef
    """Where the note is."""
    mark_en: str = ""
    """The mark in English output (``*1`` for 「※ 1」); empty: the source's mark."""


@dataclass(frozen=True)
class MarketExample:
    """A market-size example from the source's tables."""

    field_ja: str
    """Field row heading."""
    technology_ja: str
    """Technology example."""
    technology_en: str
    """English."""
    areas: tuple[str, ...]
    """Tier areas it illustrates."""
    size_trillion_yen: float
    """Market size in trillion yen."""
    year: int
    """Year of the estimate."""
    cagr_percent: float | None
    """Compound annual growth rate, when given."""
    cited: str
    """The report the source cites."""
    source: SourceRef
    """Line of the table row."""
    notes: tuple[str, ...] = ()
    """Ids of the market notes that concern the row (its table's caveat, the note behind a missing CAGR, ...)."""
    field_en: str = ""
    """English field heading (a translation); empty: none given."""
    cited_en: str = ""
    """The cited report in English (a translation of ``cited``); empty: none given."""


@dataclass(frozen=True)
class SourceDocument:
    """Metadata of the source document."""

    title_ja: str
    """Title."""
    title_en: str
    """English title."""
    issuer_ja: str
    """Issuing body."""
    issuer_en: str
    """Issuing body in English."""
    date: str
    """Date, ISO 8601."""


@dataclass(frozen=True)
class Taxonomy:
    """The whole validated taxonomy."""

    version: str
    """Taxonomy version."""
    document: SourceDocument
    """The source document."""
    tiers: tuple[Tier, ...]
    """The two tiers."""
    areas: tuple[Area, ...]
    """The 16 areas."""
    econsec: tuple[EconSecArea, ...]
    """The 20 economic-security areas."""
    programs: tuple[Program, ...]
    """Programs and measures."""
    regions: tuple[Region, ...]
    """Countries and regions compared."""
    country_fields: tuple[CountryField, ...]
    """Fields they prioritise."""
    markets: tuple[MarketExample, ...]
    """Market-size examples."""
    location: str
    """Directory the taxonomy was loaded from (``<package>`` for the packaged one)."""
    digest: str = ""
    """Hash of the YAML files, for caches."""
    framing_terms: tuple[str, ...] = ()
    """Terms that frame a title as non-technology study (education, ethics, history): they damp every area."""
    framing_factor: float = 1.0
    """Factor applied to every area's evidence weight when a framing term is present (its square for two or more)."""
    basic_terms: tuple[str, ...] = ()
    """Terms that present a title as elucidating a mechanism (basic science): they damp areas with only support
    evidence, since a technology the title develops is normally named by a strong term."""
    basic_factor: float = 1.0
    """Factor applied to the evidence weight of support-only areas when a basic-science term is present."""
    strategies: tuple[Strategy, ...] = ()
    """Field strategies the source names."""
    market_notes: tuple[MarketNote, ...] = ()
    """Notes and caveats of the market-size tables."""
    equivalents: tuple[tuple[str, ...], ...] = ()
    """Groups of names for one thing (``co2``, ``carbon dioxide``, ``二酸化炭素``): a term that holds one of them
    also matches with another in its place (see :func:`domaincheck.normalize.equivalent_forms`)."""
    cased: tuple[str, ...] = ()
    """Terms matched only where a title writes them in their case (GAN, a network, not GaN, gallium nitride): with
    another case the key signals what the other terms that make it signal."""

    def tier(self, tier_id: str) -> Tier:
        """The tier with this id; KeyError naming it when there is none."""
        for t in self.tiers:
            if t.id == tier_id:
                return t
        raise KeyError(f"no tier {tier_id!r} in the taxonomy")

    def area(self, area_id: str) -> Area:
        """The area with this id; KeyError naming it when there is none."""
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(f"no area {area_id!r} in the taxonomy")



# ---- classification results -------------------------------------------------------------------------------------
# Immutable NamedTuples rather than frozen dataclasses: millions are built in a batch run and tuples are built in C.


class Evidence(NamedTuple):
    """One term found in a title."""

    term: str
    """The taxonomy term that fired."""
    text: str
    """The characters of the title it matched."""
    start: int
    """Offset of the match in the original title."""
    end: int
    """End offset (exclusive) in the original title."""
    strength: str
    """``strong`` or ``support`` (``exclude``, ``framing`` and ``basic_science`` for those terms)."""
    match: str
    """``exact`` or ``fuzzy`` (a near-miss spelling, lower confidence)."""
    weight: float
    """What it added to the score."""
    technology: str | None
    """Technology id (None for economic-security terms)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "term": self.term, "text": self.text, "start": self.start, "end": self.end,
            "strength": self.strength, "match": self.match, "weight": round(self.weight, 3),
            "technology": self.technology,
        }  # fmt: skip


def has_strong(evidence: Sequence[Evidence]) -> bool:
    """Whether an area's evidence holds a strong term (found exactly or by the speller)."""
    return any(e.strength == "strong" for e in evidence)


def support_only(evidence: Iterable[Sequence[Evidence]]) -> bool:
    """Whether some area's term evidence, of those given, is support terms alone: what basic-science words damp."""
    for found in evidence:
        terms = [e.strength for e in found if e.strength != LEARNED]
        if terms and "strong" not in terms:
            return True
    return False


class AreaHit(NamedTuple):
    """An area that a title falls under."""

    id: str
    """Area id."""
    tier: str
    """Tier id."""
    name_ja: str
    """Japanese name."""
    name_en: str
    """English name."""
    score: int
    """0-100."""
    band: str
    """``high``, ``medium`` or ``low``."""
    evidence: tuple[Evidence, ...]
    """Terms that fired."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id, "tier": self.tier, "name_ja": self.name_ja, "name_en": self.name_en,
            "score": self.score, "band": self.band, "evidence": [e.to_dict() for e in self.evidence],
        }  # fmt: skip


class EconSecHit(NamedTuple):
    """An economic-security area a title touches."""

    id: str
    """Economic-security area id."""
    name_ja: str
    """Japanese name."""
    name_en: str
    """English name."""
    via: tuple[str, ...]
    """``terms`` and/or ``crosswalk:<area id>``."""
    evidence: tuple[Evidence, ...]
    """Its own terms that fired."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id, "name_ja": self.name_ja, "name_en": self.name_en, "via": list(self.via),
            "evidence": [e.to_dict() for e in self.evidence],
        }  # fmt: skip


class EconSecNearMiss(NamedTuple):
    """An economic-security area whose own terms fired but did not report it ("why not")."""

    id: str
    """Economic-security area id."""
    name_ja: str
    """Japanese name."""
    name_en: str
    """English name."""
    score: int
    """0-100, from its own terms (as an area's score)."""
    why: str
    """``support_only`` (no strong term: a generic word of the area, 核物質, nuclear), ``framing`` (a framing term
    presents the title as a study of people, society or teaching) or ``below_min_score``."""
    evidence: tuple[Evidence, ...]
    """Its own terms that fired."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.id, "name_ja": self.name_ja, "name_en": self.name_en, "score": self.score,
                "why": self.why, "evidence": [e.to_dict() for e in self.evidence]}  # fmt: skip


class ProgramHit(NamedTuple):
    """A program or measure that applies, and why."""

    id: str
    """Program or program-item id."""
    kind: str
    """``program``, ``measure``, ``protection`` or ``promotion``."""
    name_ja: str
    """Japanese name."""
    name_en: str
    """English name."""
    why: str
    """Short reason (tier, focus or econ-security)."""
    parent: str | None = None
    """For a program item (a Moonshot goal, a K Program field): the program's id."""
    basis: tuple[str, str, tuple[str, ...]] = ("", "", ())
    """What ``why`` says, as facts: (``tier``, the tier, its reported areas), (``econsec``, ``editorial`` or "",
    the econ-security areas the title touches: see :attr:`editorial`), (``focus``, "", the program's focus areas
    reported), (``item``, the parent program, the reported areas in the item's focus) or, for a program that
    applies only through its items, (``items``, "", those items' ids). The Japanese table says ``why`` from it;
    not in the JSON."""
    line: int | None = None
    """The line of the source that names the program or item (``source_line`` in the JSON)."""

    @property
    def editorial(self) -> bool:
        """Whether the link from the title to the program is this taxonomy's reading rather than the source's: an
        item's (a Moonshot goal's, a K Program field's) or a program focus's areas, or an econ-security area's
        program where that tie is the taxonomy's (research security, the promotion uses: a list still to be drawn
        up) or the area came through the crosswalk alone, as ``show`` marks them; a tier's programs are the
        source's, and so is the leakage-prevention use of an econ-security area the title names by its own terms
        (line 336; a review found it marked)."""
        kind = self.basis[0]
        return self.parent is not None or kind in ("focus", "items", "item") or (
            kind == "econsec" and self.basis[1] == "editorial")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; ``source_line`` and ``editorial`` came last (a research administrator could cite no
        program from classify's output)."""
        return {"id": self.id, "kind": self.kind, "name_ja": self.name_ja, "name_en": self.name_en,
                "parent": self.parent, "why": self.why, "source_line": self.line,
                "editorial": self.editorial}  # fmt: skip


class Result(NamedTuple):
    """The classification of one title."""

    title: str
    """The title as given."""
    verdict: str
    """``strategic``, ``emerging``, ``econsec_only`` or ``none``."""
    reason: str
    """One line explaining the verdict."""
    areas: tuple[AreaHit, ...]
    """Areas at or above the reporting threshold, best first."""
    econsec: tuple[EconSecHit, ...]
    """Economic-security areas."""
    programs: tuple[ProgramHit, ...]
    """Programs and measures that apply."""
    near_misses: tuple[AreaHit, ...]
    """Areas with some evidence below the threshold ("why not")."""
    excluded: tuple[Evidence, ...]
    """Exclusion terms that consumed part of the title."""
    held: tuple[str, ...] = ()
    """Near misses held back by the learned model: the model finds the area unlikely, and its terms are support
    terms only, or one strong term in a title worded as a study of a mechanism (basic-science wording)."""
    yields: tuple[tuple[str, str], ...] = ()
    """(area, the area it yields to) for each near miss the source's exclusion gives to another area (創薬・医療's
    biologics are バイオ・ヘルスケア's), in the taxonomy's order, as the reason says it; not in the JSON."""
    econsec_near_misses: tuple[EconSecNearMiss, ...] = ()
    """Economic-security areas whose own terms fired but that are not reported, best score first: a support term
    alone (核物質の検知技術), a framing term, or a score below the reporting score. An area reported through the
    crosswalk is not one."""

    @property
    def primary(self) -> AreaHit | None:
        """The first area of the ranking, if any: the best-scoring area the title's terms report at the default
        score (50), else the best-scoring one (an area the learned model added, or lifted from a lower term score,
        comes after those the terms report, whatever the scores)."""
        return self.areas[0] if self.areas else None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON contract (key order is part of it; new keys are added at the end)."""
        return {
            "title": self.title,
            "verdict": self.verdict,
            "reason": self.reason,
            "primary": self.areas[0].id if self.areas else None,
            "areas": [a.to_dict() for a in self.areas],
            "econsec": [e.to_dict() for e in self.econsec],
            "programs": [p.to_dict() for p in self.programs],
            "near_misses": [a.to_dict() for a in self.near_misses],
            "excluded": [e.to_dict() for e in self.excluded],
            "held_back": list(self.held),
            "econsec_near_misses": [e.to_dict() for e in self.econsec_near_misses],
        }


LEARNED = "learned"
"""Strength (and match) of the evidence behind an area the learned model added."""
FUZZY_MARK = "~"
"""After a term that a title's word matched only as a near-miss spelling, where terms are listed by name (screen's
``dc_terms``; the table marks the title's word so)."""


def terms_and_learned(areas: Iterable[Any], econsec: Iterable[Any] = (), field: str = "term"
                      ) -> tuple[list[Any], list[Any]]:  # fmt: skip
    """The distinct taxonomy terms behind reported areas and then behind econ-security areas found by their own
    terms (in order), and the ids of the areas the learned model added. Evidence without a ``strength`` (a result of
    another classifier) counts as a term. ``field``: ``term`` names a term as the taxonomy spells it, marked with
    :data:`FUZZY_MARK` when the title's word was read as a near-miss spelling of it (``photonic~``), ``text`` as
    the title wrote it."""
    areas = list(areas)

    def named(e: Any) -> Any:
        value = getattr(e, field)
        return value + FUZZY_MARK if field == "term" and getattr(e, "match", "") == "fuzzy" else value

    terms = dict.fromkeys(named(e) for a in areas for e in a.evidence if getattr(e, "strength", "") != LEARNED)
    terms.update(dict.fromkeys(named(e) for es in econsec for e in getattr(es, "evidence", ())))
    learned = [a.id for a in areas if any(getattr(e, "strength", "") == LEARNED for e in a.evidence)]
    return list(terms), learned


class Brief(NamedTuple):
    """A title's classification without evidence offsets: what a batch screen writes per row.

    Everything here depends only on which taxonomy terms matched and on the learned model's areas and doubts,
    so one Brief object is shared by every title with the same of each (compare by value; identity is only an
    optimisation).
    """

    verdict: str
    """As :attr:`Result.verdict`."""
    areas: tuple[tuple[str, str, int], ...]
    """``(id, tier, score)`` of each reported area, best first."""
    econsec: tuple[str, ...]
    """Economic-security area ids."""
    programs: tuple[str, ...]
    """Program and program-item ids."""
    terms: tuple[str, ...]
    """Distinct taxonomy terms behind the reported areas, then behind econ-security areas found by their own terms
    (not through the crosswalk), in the order they were found."""
    learned: tuple[str, ...] = ()
    """Reported areas whose score is the learned model's, best first: areas the terms did not report, and areas
    they did report that the model scored higher (the reason marks the first ``(learned from the whole title)``,
    the second ``(scored by the learned model)``)."""
    held: tuple[str, ...] = ()
    """As :attr:`Result.held`."""
    near: tuple[tuple[str, int], ...] = ()
    """``(id, score)`` of each near miss (:attr:`Result.near_misses`: an area with evidence that was not reported),
    best first."""
    editorial: tuple[str, ...] = ()
    """The ids among :attr:`programs` whose link to the title is this taxonomy's reading (:attr:`ProgramHit.editorial`:
    screen's dc_program_names marks them, as the classify table does; a research administrator's user test read
    them as the source's)."""

    @classmethod
    def of(cls, result: Result) -> Brief:
        """The Brief of a full result."""
        terms, learned = terms_and_learned(result.areas, result.econsec)
        return cls(result.verdict, tuple((a.id, a.tier, a.score) for a in result.areas),
                   tuple(e.id for e in result.econsec), tuple(p.id for p in result.programs), tuple(terms),
                   tuple(learned), result.held, tuple((a.id, a.score) for a in result.near_misses),
                   editorial_ids(result.programs))  # fmt: skip


def editorial_ids(programs: Iterable[ProgramHit]) -> tuple[str, ...]:
    """The ids of ``programs`` whose link to the title is this taxonomy's reading (:attr:`ProgramHit.editorial`), in
    order: JSON's ``"editorial": true``, the classify CSV's ``editorial_programs``, a Brief's ``editorial``."""
    return tuple([p.id for p in programs if p.editorial])


def program_tops(tax: Taxonomy) -> dict[str, str]:
    """Each support program's and measure's id, and each of their items', → its program's id (the protection and
    promotion uses are not among them: they have columns of their own or none)."""
    tops: dict[str, str] = {}
    for prog in tax.programs:
        if prog.kind in ("program", "measure"):
            tops[prog.id] = prog.id
            tops.update((item.id, prog.id) for item in prog.items)
    return tops


def program_names(tax: Taxonomy, ids: Sequence[str], lang: str, tops: Mapping[str, str] | None = None,
                  editorial: Collection[str] = ()) -> list[str]:  # fmt: skip
    """The support programs and measures among ``ids`` by name, each once with its items after it, as the classify
    table names them (:func:`program_entry`, ``editorial`` ids marked): screen's dc_program_names and classify's CSV
    program_names. ``tops``: :func:`program_tops` of ``tax``,
    when the caller holds it."""
    tops = program_tops(tax) if tops is None else tops
    items: dict[str, list[str]] = {}
    for pid in ids:
        top = tops.get(pid)
        if top is not None:
            listed = items.setdefault(top, [])
            if pid != top:
                listed.append(pid)
    return [program_entry(tax, top, listed, lang, editorial) for top, listed in items.items()]


EDITORIAL_MARK = "*"
"""After a program's or item's name where the title's link to it is this taxonomy's reading
(:attr:`ProgramHit.editorial`), in the classify table and CSV names: ``ムーンショット型研究開発制度（目標8*）``."""


def program_entry(tax: Taxonomy, top: str, items: Sequence[str], lang: str, editorial: Collection[str] = ()) -> str:
    """A program's name with its items' short names after it, as a person reads them: ``ムーンショット型研究開発制度
    （目標2・6・7）``, ``Moonshot Research and Development Program (Goals 2, 6, 7)`` (ids said nothing to a reader who
    does not know the source, ``frontier``, ``jst_strategic (cronos)``: a user test; JSON and CSV keep the ids).

    An item's Japanese short name runs to its first space (目標2 超早期に疾患の予測… is a Moonshot goal's whole
    sentence), its English one to its colon; numbered items of one kind share their word (目標2・6・7, Goals 2, 6,
    7). The ids in ``editorial`` get :data:`EDITORIAL_MARK` after their names (目標2*・6*)."""
    program = next(p for p in tax.programs if p.id == top)
    name = (program.name_en if lang == "en" else program.name_ja) + (EDITORIAL_MARK if top in editorial else "")
    if not items:
        return name
    marks = [EDITORIAL_MARK if i in editorial else "" for i in items]
    if lang == "en":
        names = {i.id: i.name_en for i in program.items}
        short = [names[i].split(":")[0] for i in items]
        return f"{name} ({_items_said(short, marks, _NUMBERED_EN, '{}s ', ', ', ', ')})"
    names = {i.id: i.name_ja for i in program.items}
    short = [(names[i].split() or [i])[0] for i in items]
    return f"{name}（{_items_said(short, marks, _NUMBERED, '{}', '・', '、')}）"


_NUMBERED_EN = re.compile(r"([A-Za-z]+) (\d+)")
_NUMBERED = re.compile(r"(\D+)(\d+)")


def _items_said(short: list[str], marks: list[str], numbered: re.Pattern[str], word: str, numbers_sep: str,
                sep: str) -> str:  # fmt: skip
    """Items' short names, each with its mark after it, joined by ``sep``; several numbered items of one kind
    (``numbered``: the word, then the number) share their word, put in ``word`` (目標2・6・7, Goals 2, 6, 7)."""
    found = [numbered.fullmatch(s) for s in short]
    words = {m.group(1) for m in found if m}
    if len(short) > 1 and all(found) and len(words) == 1:
        numbers = [m.group(2) + k for m, k in zip(found, marks, strict=True) if m]
        return word.format(words.pop()) + numbers_sep.join(numbers)
    return sep.join(s + k for s, k in zip(short, marks, strict=True))
