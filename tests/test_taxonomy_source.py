"""The packaged taxonomy is faithful to the source document and complete."""

from __future__ import annotations

import re

from domaincheck.models import AREA_IDS

STRATEGIC = ["ai_robotics", "quantum", "semiconductor_comm", "bio_healthcare", "fusion", "space"]
EMERGING = ["shipbuilding", "aviation", "digital_cyber", "agri_food", "energy_gx", "disaster_resilience",
            "medical_drug", "materials", "mobility_logistics", "ocean"]  # fmt: skip


def _squash(s: str) -> str:
    return re.sub(r"[\s*・]", "", s)


def test_ids_and_counts(taxonomy) -> None:  # type: ignore[no-untyped-def]
    assert [a.id for a in taxonomy.areas if a.tier == "strategic"] == STRATEGIC
    assert [a.id for a in taxonomy.areas if a.tier == "emerging"] == EMERGING
    assert tuple(a.id for a in taxonomy.areas) == AREA_IDS
    assert len(taxonomy.econsec) == 20
    assert not {e.id for e in taxonomy.econsec} & set(AREA_IDS)
    assert [t.id for t in taxonomy.tiers] == ["strategic", "emerging"]
    assert taxonomy.document.date == "2025-11-27"
    assert "重要技術領域検討ワーキンググループ" in taxonomy.document.issuer_ja


def test_every_named_technology_of_the_source_is_present(taxonomy, seed_lines) -> None:  # type: ignore[no-untyped-def]
    """Each bullet of the two selection lists: every technology before といった is an in-source technology."""
    start = next(i for i, line in enumerate(seed_lines) if line.startswith("# 重要技術領域の選定"))
    end = next(i for i, line in enumerate(seed_lines) if line.startswith("# 新興・基盤技術領域に対する支援"))
    bullets = [(i + 1, line[2:]) for i, line in enumerate(seed_lines[start:end], start) if line.startswith("- ")]
    assert len(bullets) == 16
    named = {_squash(t.name_ja): (a.id, t) for a in taxonomy.areas for t in a.technologies if t.in_source}
    for lineno, bullet in bullets:
        examples = bullet.split("といった")[0]
        area_ids = {aid for key, (aid, t) in named.items() if t.source.line == lineno}
        assert len(area_ids) == 1, (lineno, bullet)
        for key, (_aid, _t) in named.items():
            if _t.source.line == lineno:
                assert key in _squash(bullet), (key, bullet)
        # every example in the bullet is covered by some named technology
        pieces = [p for p in re.split(r"、|や", examples) if p]
        for piece in pieces:
            assert any(_squash(piece) in key or key in _squash(piece) for key in named), piece


def test_names_are_verbatim_on_their_cited_lines(taxonomy, seed_lines) -> None:  # type: ignore[no-untyped-def]
    def on_line(text: str, line: int) -> bool:
        return 1 <= line <= len(seed_lines) and _squash(text) in _squash(seed_lines[line - 1])

    for a in taxonomy.areas:
        assert on_line(a.official_ja, a.source.line), a.id
        for t in a.technologies:
            if t.in_source:
                assert on_line(t.name_ja, t.source.line), t.id
            assert 1 <= t.source.line <= len(seed_lines)
        for q in a.qualifications:
            assert on_line(q.text.ja, q.source.line), (a.id, q.text.ja)
    for e in taxonomy.econsec:
        assert on_line(e.name_ja.replace("（", "(").replace("）", ")"), e.source.line) or on_line(
            e.name_ja, e.source.line), e.id
    for p in taxonomy.programs:
        assert 1 <= p.source.line <= len(seed_lines)
        for it in p.items:
            assert 1 <= it.source.line <= len(seed_lines)
    for m in taxonomy.markets:
        assert on_line(m.cited[:12], m.source.line), m.cited


def test_source_qualifications_are_data(taxonomy) -> None:  # type: ignore[no-untyped-def]
    medical = taxonomy.area("medical_drug")
    excl = [q for q in medical.qualifications if q.kind == "exclusion"]
    assert excl and excl[0].redirect == "bio_healthcare" and "生物学的製剤" in excl[0].text.ja
    strategic = taxonomy.tier("strategic")
    assert any(q.kind == "inclusion" and "素材" in q.text.ja for q in strategic.qualifications)


def test_programs_keep_the_source_facts(taxonomy) -> None:  # type: ignore[no-untyped-def]
    progs = {p.id: p for p in taxonomy.programs}
    items = {i.id: i for p in taxonomy.programs for i in p.items}
    sip = progs["sip"]
    assert any("14課題" in f.ja for f in sip.facts) or any("14課題" in f.ja for i in sip.items for f in i.facts)
    moonshot_goals = [i for i in progs["moonshot"].items if re.search(r"goal_\d+$", i.id)]
    assert len(moonshot_goals) == 10
    assert "quantum" in items["moonshot_goal_6"].areas
    assert "fusion" in items["moonshot_goal_10"].areas
    assert "disaster_resilience" in items["moonshot_goal_8"].areas
    k_fields = [i.name_ja for i in progs["k_program"].items]
    for field in ("海洋", "宇宙・航空", "領域横断・サイバー空間", "バイオ"):
        assert any(field in f for f in k_fields), field
    crest = items["crest"]
    assert any("5年6ヶ月" in f.ja for f in crest.facts) and any("1.5億" in f.ja for f in crest.facts)
    kinds = {p.kind for p in taxonomy.programs}
    assert kinds == {"program", "measure", "protection", "promotion"}
    protection = [p for p in taxonomy.programs if p.kind == "protection"]
    assert any("技術流出" in p.name_ja for p in protection) and any("研究セキュリティ" in p.name_ja for p in protection)


def test_reference_data(taxonomy) -> None:  # type: ignore[no-untyped-def]
    assert {r.id for r in taxonomy.regions} == {"us", "cn", "eu", "uk", "de", "fr", "kr"}
    quantum_field = next(f for f in taxonomy.country_fields if "quantum" in f.areas)
    assert set(quantum_field.entries) == {"us", "cn", "eu", "uk", "de", "fr", "kr"}
    ai = next(m for m in taxonomy.markets if m.technology_ja.replace(" ", "") == "AI")
    assert ai.size_trillion_yen == 264.0 and ai.year == 2030 and ai.cagr_percent == 12


def test_thesaurus_coverage(taxonomy) -> None:  # type: ignore[no-untyped-def]
    for a in taxonomy.areas:
        terms = [x for t in a.technologies for x in (*t.strong, *t.support)]
        assert len(terms) >= 30, (a.id, len(terms))
        assert any(x.isascii() for x in terms) and any(not x.isascii() for x in terms), a.id


def test_the_sources_own_names_are_classified_into_their_area(terms_classifier) -> None:  # type: ignore[no-untyped-def]
    """Each area's official name and each technology the source names (量子関連技術,
    低分子医薬品技術（生物学的製剤を除く）, 公衆衛生技術, トリチウム回収・再利用技術,
    災害等の観測・予測技術…) reports that area first, on terms alone. An audit
    against the source found six that did not: the source's own exclusion 生物学的製剤を除く fired biologics, and
    several names scored only as support words. The one exception: 輸送サービス技術 (space transportation services)
    reads, out of the source's list of space technologies, as logistics."""
    exceptions = {"space_transportation"}
    wrong = []
    for area in terms_classifier.taxonomy.areas:
        names = [("official", area.official_ja)] + [(t.id, t.name_ja) for t in area.technologies
                                                    if t.in_source and t.id not in exceptions]  # fmt: skip
        for what, name in names:
            reported = [a.id for a in terms_classifier.classify(name).areas]
            if reported[:1] != [area.id]:
                wrong.append((area.id, what, name, reported))
    assert wrong == []
