"""The classifier's memos: a plan or an outcome made for one title must serve another exactly as a fresh classifier
would, terms and evidence included."""

from __future__ import annotations

from typing import Any

import pytest

from domaincheck.classify import Classifier
from domaincheck.models import Brief

from .test_classify import _eval_titles


def _fresh(clf: Classifier) -> Classifier:
    """A classifier with empty memos, sharing the loaded taxonomy, matcher and model."""
    return Classifier(clf.taxonomy, clf.matcher, clf.learned)


def test_titles_with_other_terms_but_the_same_scores_share_an_outcome_not_their_terms(terms_classifier: Any) -> None:
    """Two titles named by different strong terms of one area come to the same scores, so the second takes the
    first one's memoised outcome; each must still report its own terms and evidence."""
    first, second = "量子コンピュータの研究", "量子ビットの研究"
    clf = _fresh(terms_classifier)
    for title in (first, second):
        clf.classify(title)
    assert (len(clf._plans), len(clf._outcomes)) == (2, 1)  # two sets of terms, one outcome: the shared path ran
    for title in (first, second):
        alone = _fresh(terms_classifier)
        want = alone.classify(title)
        assert clf.classify(title) == want
        assert clf.brief(title) == _fresh(terms_classifier).brief(title) == Brief.of(want)
    assert clf.brief(second).terms == ("量子ビット",)
    assert [e.term for e in clf.classify(second).areas[0].evidence] == ["量子ビット"]


@pytest.mark.parametrize(
    "titles",
    [
        ("Autonomous vehicles in cities", "Autonomous vehicels in cities"),
        ("Autonomous vehicle in cities", "Autonomous vehicel in cities"),
    ],
)
def test_a_misspelt_term_is_not_the_term(terms_classifier: Any, titles: tuple[str, str]) -> None:
    """A term the speller found weighs less than the same term written right: a memo must tell the two apart, in
    either order."""
    for order in (titles, titles[::-1]):
        clf = _fresh(terms_classifier)
        for title in order:
            assert clf.classify(title) == _fresh(terms_classifier).classify(title), title
            assert clf.brief(title) == _fresh(terms_classifier).brief(title), title


_SETTINGS = ((50, None), (30, 1), (50, 1), (30, None))
"""(min_score, top) pairs that one warm classifier meets in turn."""


def test_a_warm_classifier_says_what_a_fresh_one_says(classifier: Any) -> None:
    """Over the real titles in two orders, one classifier whose memos fill up gives each title, under each of
    several settings met in turn, the result and the Brief that a classifier which never saw another title gives:
    nothing a memo keys on (min_score and top among it) is left out of its key."""
    titles = _eval_titles()
    assert len(titles) > 500
    warm = _fresh(classifier)
    for i, title in enumerate(titles + titles[::-1]):
        for min_score, top in _SETTINGS[i % 2 :] + _SETTINGS[: i % 2]:
            assert warm.classify(title, min_score=min_score, top=top) == _fresh(classifier).classify(
                title, min_score=min_score, top=top), (title, min_score, top)  # fmt: skip
            if top is None:
                assert warm.brief(title, min_score=min_score) == _fresh(classifier).brief(title, min_score=min_score)
    assert len(warm._outcomes) < len(warm._plans)  # outcomes were shared between plans


def test_results_share_one_program_hit_per_program_and_basis(classifier: Any) -> None:
    """A 1,000,000-row screen grew by about 25 MiB of ProgramHits, one made with its reason text for every
    combination of areas. Results now share one per program and basis, equal to what applicable_programs makes
    alone; so every equal hit over the held-out titles is the very same object."""
    from domaincheck.classify import applicable_programs

    fresh = _fresh(classifier)
    narrowed_programs = {p.id for p in fresh.taxonomy.programs if p.technologies}
    assert narrowed_programs == {"amed_crest"}
    seen: dict[Any, Any] = {}
    hits = 0
    for title in _eval_titles():
        result = fresh.classify(title)
        expected = applicable_programs(fresh.taxonomy, [(a.id, a.tier) for a in result.areas],
                                       [e.id for e in result.econsec], None)  # fmt: skip
        # (a program listed through its items alone may lose them to the title's links, which None does not narrow,
        # and so may one whose focus is narrowed to technologies: AMED-CREST)
        assert {p.id for p in result.programs} >= {p.id for p in expected if p.parent is None and p.basis[0] != "items"
                                                   and p.id not in narrowed_programs}
        for p in result.programs:
            hits += 1
            assert seen.setdefault((p.id, p.parent, p.basis), p) is p, p
    assert hits > 10 * len(seen)  # shared many times over


def _narrowed(taxonomy: Any, areas: Any, techs: Any) -> set[str]:
    """The areas that ``techs`` narrow: some of an area's technologies listed, not all."""
    return {a for a in areas if 0 < sum(t.id in techs for t in taxonomy.area(a).technologies)
            < len(taxonomy.area(a).technologies)}


def _reference_programs(taxonomy: Any, hits: list[tuple[str, str]], econsec: list[str],
                        links: set[tuple[str, str]] | None, by_terms: list[str] | None = None
                        ) -> list[tuple[str, str | None, Any]]:  # fmt: skip
    """Which programs and items apply, and on what basis, read straight from the taxonomy's objects by the rules
    that applicable_programs states (it reads a precomputed index instead). ``by_terms``: the econ-security areas
    the title names by their own terms (none: all came through the crosswalk)."""
    tiers = {tier for _, tier in hits}
    ids = [a for a, _ in hits]
    out: list[tuple[str, str | None, Any]] = []
    for p in taxonomy.programs:
        basis = None
        if p.focus:  # the source's tier for a focus area of the program's tiers, else the focus (editorial)
            # a focus area narrowed to some of its technologies only where the title's links open it
            narrowed_focus = _narrowed(taxonomy, p.focus, p.technologies)
            in_focus = [a for a in ids if a in p.focus
                        and (links is None or a not in narrowed_focus or (a, p.id) in links)]  # fmt: skip
            if by_tier := [(a, t) for a, t in hits if a in in_focus and t in p.tiers]:
                basis = ("tier", by_tier[0][1], tuple(a for a, t in by_tier if t == by_tier[0][1]))
            elif focus := tuple(in_focus):
                basis = ("focus", "", focus)
        elif match := [t for t in p.tiers if t in tiers]:
            basis = ("tier", match[0], tuple(a for a, t in hits if t == match[0]))
        elif p.econsec and econsec:
            # the source's tie (leakage prevention, line 336) for an area named by its own terms; else editorial
            editorial = p.econsec_editorial or not any(e in (by_terms or ()) for e in econsec)
            basis = ("econsec", "editorial" if editorial else "", tuple(econsec))
        items = []
        for item in p.items:
            narrowed = _narrowed(taxonomy, item.areas, item.technologies)
            matched = tuple(a for a in ids if a in item.areas
                            and (links is None or a not in narrowed or (a, item.id) in links))  # fmt: skip
            if matched:
                items.append((item.id, p.id, ("item", p.id, matched)))
        if basis is None and items:  # a program that applies through its items alone is listed too, first
            basis = ("items", "", tuple(i for i, _, _ in items))
        if basis is not None:
            out.append((p.id, None, basis))
        out += items
    return out


def test_programs_of_every_pair_of_areas_follow_the_rules(classifier: Any) -> None:
    """Every ordered pair of areas (and each area alone), with and without an econ-security area, with no
    narrowing (as show lists an area), with no link opened, and with every link opened."""
    from domaincheck.classify import applicable_programs

    taxonomy = classifier.taxonomy
    all_links = {(a, item.id) for p in taxonomy.programs for item in p.items for a in item.areas} | {
        (a, p.id) for p in taxonomy.programs for a in p.focus}
    areas = [(a.id, a.tier) for a in taxonomy.areas]
    combinations = [[a] for a in areas] + [[a, b] for a in areas for b in areas if a != b]
    narrowed_seen = 0
    for hits in combinations:
        for econsec, by_terms in (([], []), (["cbrn"], []), (["cbrn"], ["cbrn"])):
            for links in (None, set(), all_links):
                got = [(p.id, p.parent, p.basis)
                       for p in applicable_programs(taxonomy, hits, econsec, links, by_terms=by_terms)]  # fmt: skip
                want = _reference_programs(taxonomy, hits, econsec, links, by_terms)
                assert got == want, (hits, econsec, by_terms, links is None)
                narrowed_seen += links == set() and len(want) < len(_reference_programs(taxonomy, hits, econsec, None))
    assert narrowed_seen > 0  # some item's focus is narrowed to technologies, so the cases differ


def test_a_focused_program_is_the_sources_for_a_focus_area_of_its_tier(classifier: Any) -> None:
    """AMED-CREST is one of the programs the source gives the emerging tier (line 80); the taxonomy narrows it to
    medicine (focus: medical_drug, bio_healthcare). For a medical_drug title (emerging) the link was marked as the
    taxonomy's reading ("focus: medical_drug"), while show medical_drug gave it as the tier's (an audit against the
    source): it is the tier's, not editorial; for a bio_healthcare title (strategic) it is the focus's alone, and an
    energy title of the same tier does not get it (the narrowing)."""
    want = {"低分子医薬品の探索": ("tier emerging: medical_drug", False),
            "抗体医薬の製造": ("focus: bio_healthcare", True), "全固体電池の開発": None}
    for title, expected in want.items():
        r = classifier.classify(title)
        hit = [(p.why, p.editorial) for p in r.programs if p.id == "amed_crest"]
        assert hit == ([expected] if expected else []), (title, [a.id for a in r.areas], hit)
        for p in r.programs:
            if p.id == "amed_crest":
                shown = [q for q in _show_programs(r.areas[0].id) if q["id"] == "amed_crest"]
                assert shown and shown[0]["editorial"] == p.editorial and shown[0]["why"] == p.why


def _show_programs(area: str) -> list[dict[str, Any]]:
    import json

    from typer.testing import CliRunner

    from domaincheck.cli import app

    out = CliRunner().invoke(app, ["show", area, "--format", "json"])
    assert out.exit_code == 0, out.stderr
    return json.loads(out.stdout)["programs"]  # type: ignore[no-any-return]
