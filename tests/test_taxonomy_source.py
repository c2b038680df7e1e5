"""The packaged taxonomy is faithful to the source document and complete."""

from __future__ import annotations

import re
from pathlib import Path

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


def test_tier_criteria_and_notes_are_verbatim_on_their_lines(taxonomy, seed_lines) -> None:  # type: ignore[no-untyped-def]
    """`domains --notes` cites each criterion and note of a tier by its line: the sentence is on it, word for word
    (the source's bold marks and spaces aside)."""
    statements = [(t.id, s) for t in taxonomy.tiers for s in (*t.criteria, *t.notes)]
    assert len(statements) == 17
    for tier, s in statements:
        assert 1 <= s.line <= len(seed_lines) and _squash(s.ja) in _squash(seed_lines[s.line - 1]), (tier, s.line)


def test_program_texts_are_verbatim_where_they_say(taxonomy, seed_lines) -> None:  # type: ignore[no-untyped-def]
    """A program's row cites its 【支援例】 heading (SIP, line 85) while its text is on the reference pages (lines
    360-362): each summary and fact says its own line, and the sentence starts there (a PDF line break may carry it
    over the next lines)."""
    said = [(p.id, s) for p in taxonomy.programs for s in ((p.summary,) if p.summary else ()) + p.facts]
    said += [(i.id, s) for p in taxonomy.programs for i in p.items for s in i.facts]
    assert len(said) == 96
    for what, s in said:
        assert s.line is not None and 1 <= s.line <= len(seed_lines), what
        here = _squash(s.ja)
        assert here in "".join(_squash(line) for line in seed_lines[s.line - 1:s.line + 3]), (what, s.line)
        first = _squash(seed_lines[s.line - 1]).lstrip("#")  # it starts on its line (a heading: 研究開発期間 最大10年)
        assert first and (here.startswith(first) or here[:8] in first), (what, s.line)


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
    whole = _squash("".join(seed_lines))
    for p in taxonomy.programs:
        assert 1 <= p.source.line <= len(seed_lines)
        # a summary and the facts quote the source (across its line breaks), as the names do
        assert all(_squash(t.ja) in whole for t in (*([p.summary] if p.summary else []), *p.facts)), p.id
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
    # Every Japanese cell and citation has its English translation, and no English one is left in Japanese.
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff※]")
    for f in taxonomy.country_fields:
        assert set(f.entries_en) == set(f.entries), f.id
        assert not any(japanese.search(x) for x in f.entries_en.values()), f.id
    for m in taxonomy.markets:
        assert m.cited_en and m.field_en and not japanese.search(m.cited_en + m.field_en), m.technology_en
    assert all(n.mark_en and not japanese.search(n.mark_en) for n in taxonomy.market_notes)


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


def _path_at(seed_lines: list[str], line: int) -> str:
    """The heading path at ``line`` (1-based): each heading at or above it whose level is above the next's."""
    path: list[tuple[int, str]] = []
    for text in seed_lines[:line]:
        found = re.match(r"(#+)\s*(.*)", text)
        if found:
            level = len(found.group(1))
            path = [(lv, h) for lv, h in path if lv < level] + [(level, found.group(2).strip())]
    return " > ".join(h for _, h in path)


def test_every_section_is_the_heading_path_of_its_line(taxonomy, seed_lines) -> None:  # type: ignore[no-untyped-def]
    """Each `section` is the path of the source's headings, as it writes them (「重要技術領域の選定(新興・基盤技術領域、
    国家戦略技術領域)」, 「➤ 国際共同研究の推進」), down to the last heading before the entry's line: an audit found 38
    that stopped short of it (the market rows under 「(参考)各分野のプラットフォームとしての国立研究開発法人(国研)の
    役割」, the technologies under 「システム・情報科学」)."""
    refs = [(a.id, a.source) for a in taxonomy.areas]
    refs += [(t.id, t.source) for a in taxonomy.areas for t in a.technologies]
    refs += [(f"{a.id} qualification", q.source) for a in taxonomy.areas for q in a.qualifications]
    refs += [(t.id, t.source) for t in taxonomy.tiers]
    refs += [(f"{t.id} qualification", q.source) for t in taxonomy.tiers for q in t.qualifications]
    refs += [(e.id, e.source) for e in taxonomy.econsec]
    refs += [(p.id, p.source) for p in taxonomy.programs] + [(i.id, i.source) for p in taxonomy.programs
                                                               for i in p.items]  # fmt: skip
    refs += [(m.technology_ja, m.source) for m in taxonomy.markets] + [(n.id, n.source) for n in taxonomy.market_notes]
    refs += [(s.name_ja, s.source) for s in taxonomy.strategies]
    assert len(refs) > 200
    wrong = [(what, ref.line, ref.section, _path_at(seed_lines, ref.line)) for what, ref in refs
             if ref.section != _path_at(seed_lines, ref.line)]  # fmt: skip
    assert wrong == []


def _all_refs(taxonomy):  # type: ignore[no-untyped-def]
    refs = [(a.id, a.source) for a in taxonomy.areas] + [(t.id, t.source) for a in taxonomy.areas
                                                           for t in a.technologies]  # fmt: skip
    refs += [(e.id, e.source) for e in taxonomy.econsec]
    refs += [(p.id, p.source) for p in taxonomy.programs] + [(i.id, i.source) for p in taxonomy.programs
                                                               for i in p.items]  # fmt: skip
    refs += [(m.technology_ja, m.source) for m in taxonomy.markets] + [(s.name_ja, s.source) for s in
                                                                        taxonomy.strategies]  # fmt: skip
    return refs


def test_a_page_whose_title_the_source_lost_is_named_where_its_entries_are_cited(taxonomy, seed_lines) -> None:  # type: ignore[no-untyped-def]
    """The Moonshot goals' section is the SIP overview's headings, the K Program fields' too, and the market rows'
    the national labs' (a fifth user test): the text lost those slides' titles. Each such entry says what its page
    is; entries on pages whose headings are their own say nothing more."""
    import yaml

    from domaincheck.taxonomy import packaged_dir

    pages = yaml.safe_load((packaged_dir() / "meta.yaml").read_text("utf-8"))["source"]["pages"]
    assert len(pages) >= 5
    for page in pages:  # each page's cue is on it, and some entry is cited on it (else the page would say nothing)
        assert any(page["cue"] in line for line in seed_lines[page["first"] - 1 : page["last"]]), page["cue"]
    refs = _all_refs(taxonomy)
    for what, ref in refs:
        on = [p for p in pages if p["first"] <= ref.line <= p["last"]]
        assert (ref.page.ja if ref.page else None) == (on[0]["ja"] if on else None), (what, ref.line)
    cited = {p["cue"] for p in pages for _, ref in refs if p["first"] <= ref.line <= p["last"]}
    assert cited == {p["cue"] for p in pages}
    goals = next(p for p in taxonomy.programs if p.id == "moonshot").items
    assert goals and all(g.source.page is not None and "ムーンショット" in g.source.page.ja for g in goals)
    assert all(i.source.page is None for p in taxonomy.programs if p.id == "sip" for i in p.items)  # SIP's own


def test_a_pages_cue_off_its_lines_is_a_taxonomy_problem(tmp_path: Path) -> None:
    import shutil

    import yaml

    from domaincheck.taxonomy import packaged_dir, source_line_problems

    copy = tmp_path / "tax"
    shutil.copytree(packaged_dir(), copy)
    meta = yaml.safe_load((copy / "meta.yaml").read_text("utf-8"))
    assert source_line_problems(copy) == []
    meta["source"]["pages"][0]["last"] = meta["source"]["pages"][0]["first"]  # the cue is further down
    meta["source"]["pages"][2]["first"] = meta["source"]["pages"][1]["last"]  # overlaps the page before
    meta["source"]["pages"][4]["first"], meta["source"]["pages"][4]["last"] = 830, 787  # reversed
    meta["source"]["pages"][5]["last"] = 99999  # past the end of the text
    (copy / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), "utf-8")
    problems = source_line_problems(copy)
    assert len(problems) == 4 and "source.pages[0]" in problems[0] and "is not in lines" in problems[0]
    assert any("source.pages[2]: lines" in p and "overlap" in p for p in problems)
    assert [p.split(":")[1] for p in problems if "are no range of source.txt" in p] == [" source.pages[4]",
                                                                                          " source.pages[5]"]


def test_tier_qualifications_quote_whole_clauses(taxonomy, seed_lines) -> None:  # type: ignore[no-untyped-def]
    """A tier's scope rule is quoted to the end of its sentence, with its conditions: line 47 reads 「各技術領域の特性に
    応じ、…支援の対象とする必要がある。」, not 「…支援の対象とする」."""
    for tier in taxonomy.tiers:
        for q in tier.qualifications:
            line = _squash(seed_lines[q.source.line - 1])
            text = _squash(q.text.ja)
            assert text in line, q.text.ja
            assert line[line.index(text) + len(text):].startswith("。"), q.text.ja
    line47 = next(q for q in taxonomy.tier("strategic").qualifications if q.source.line == 47)
    assert line47.text.ja.startswith("各技術領域の特性に応じ、")


def test_field_strategies_are_the_sources_table(taxonomy, seed_lines) -> None:  # type: ignore[no-untyped-def]
    """Every row of the table of field strategies (分野別戦略 / 決定日) is an entry, name and date verbatim at its line,
    and nothing else is: the table gives examples (「以下のような」), and no strategy is added that it does not name."""
    header = next(i for i, line in enumerate(seed_lines) if line.split("\t") == ["分野別戦略", "決定日"])
    table = []
    for i in range(header + 1, len(seed_lines)):
        if not seed_lines[i].strip():
            break
        table.append((i + 1, *seed_lines[i].split("\t")))
    assert len(table) == 16
    assert [(s.source.line, s.name_ja, s.decided.ja) for s in taxonomy.strategies] == table
    assert "以下のような" in seed_lines[taxonomy.strategies[0].source.line - 4]  # the sentence that introduces them
    by_area: dict[str, set[str]] = {}
    for s in taxonomy.strategies:
        assert s.areas and s.name_en and s.decided.en, s
        for a in s.areas:
            by_area.setdefault(a, set()).add(_squash(s.name_ja))
    assert by_area == {
        "fusion": {"フュージョンエネルギーイノベーション戦略"},
        "ai_robotics": {"AI戦略2022", "AI戦略2021", "AI戦略2019"},
        "bio_healthcare": {"バイオエコノミー戦略", "バイオ戦略フォローアップ", "バイオ戦略2020（市場領域施策確定版）",
                           "バイオ戦略2020（基盤的施策）", "バイオ戦略2019"},
        "quantum": {"量子未来産業創出戦略", "量子未来社会ビジョン", "量子技術イノベーション戦略"},
        "materials": {"マテリアル革新力強化戦略"},
        "energy_gx": {"革新的環境イノベーション戦略"},
    }  # fmt: skip


def test_market_notes_are_verbatim_and_on_the_rows_they_concern(taxonomy, seed_lines) -> None:  # type: ignore[no-untyped-def]
    """Each note of the market tables is quoted after its mark at its line (a paragraph may run on to the next line);
    a row marked 「※ 2」 in the source has no CAGR and names a note that says why, a row marked 「※ 1」 names that note,
    and every row names its own table's caveat that the figures cannot simply be compared."""

    def paragraph(line: int) -> str:
        end = line
        while end < len(seed_lines) and seed_lines[end].strip():
            end += 1
        return _squash("".join(seed_lines[line - 1:end]))

    notes = {n.id: n for n in taxonomy.market_notes}
    for n in notes.values():
        assert paragraph(n.source.line).startswith(_squash(n.mark + n.text.ja)), n.id
        assert n.text.en, n.id
    caveats = [n for n in notes.values() if n.scope == "table"]
    assert len(caveats) == 2 and all("単純比較はできない" in n.text.ja for n in caveats)
    for m in taxonomy.markets:
        row = seed_lines[m.source.line - 1]
        named = [notes[i] for i in m.notes]
        table = [n for n in named if n.scope == "table"]
        # the caveat under the row's own table: the first one below it
        assert len(table) == 1 and table[0] == min((n for n in caveats if n.source.line > m.source.line),
                                                   key=lambda n: n.source.line), m.technology_ja  # fmt: skip
        for mark in ("※ 1", "※ 2"):
            assert (mark in row) == any(n.mark == mark for n in named), (m.technology_ja, mark)
        assert (m.cagr_percent is None) == ("※ 2" in row) == any(n.scope == "cagr" for n in named), m.technology_ja
        for n in named:
            assert n.source.line > m.source.line and n.source.section == m.source.section, (m.technology_ja, n.id)


def test_the_econsec_caption_quotes_the_source(seed_lines) -> None:  # type: ignore[no-untyped-def]
    """What `econsec`'s title says of the 20 areas is what lines 227 and 322 say, at the lines it names."""
    from domaincheck.render import econsec_caption

    caption = econsec_caption("ja")
    for quoted, line in (("令和4年9月30日閣議決定", 227), ("参考として例示", 227), ("基本指針", 227),
                         ("経済安全保障推進法", 223), ("経済安全保障上の重要技術領域", 322), ("整理・策定予定", 322)):
        assert quoted in caption and quoted in seed_lines[line - 1], quoted
    assert "（出典227行）" in caption and "（出典322行）" in caption
    assert "line 227" in econsec_caption("en") and "line 322" in econsec_caption("en")


def test_the_shipped_source_text_is_the_source_document() -> None:
    """taxonomy/source.txt, which `domaincheck source` shows and the tests read the entries' lines from, is the
    documented input byte for byte (skipped where that input is not beside the repository)."""
    from pathlib import Path

    import pytest

    from domaincheck.taxonomy import SOURCE_TEXT, packaged_dir

    seed = Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "000_9007812095df4cb0.txt"
    if not seed.is_file():
        pytest.skip(f"source document not found at {seed}")
    assert (packaged_dir() / SOURCE_TEXT).read_bytes() == seed.read_bytes()


def test_the_source_text_counts_lines_as_editors_do(seed_lines) -> None:  # type: ignore[no-untyped-def]
    """`source` counts lines at line feeds and carriage returns alone, as grep and editors do; the entries' lines
    were counted with str.splitlines, which also ends a line at a form feed or a line separator: the two agree on
    the source document, which holds none of those (a review)."""
    from domaincheck.taxonomy import source_lines

    assert source_lines(None) == seed_lines
