"""Validation rejects each kind of broken taxonomy with a message naming the file and path."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from domaincheck.errors import TaxonomyError
from domaincheck.taxonomy import load, validate
from tests.conftest import MIN_TAXONOMY

Doc = dict  # a parsed YAML document


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "tax"
    shutil.copytree(MIN_TAXONOMY, target)
    return target


def _edit(directory: Path, name: str, change: Callable[[Doc], None]) -> None:
    path = directory / name
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def _tech(doc: Doc, area: int = 0, tech: int = 0) -> Doc:
    return doc["areas"][area]["technologies"][tech]  # type: ignore[no-any-return]


def _strategy(**change: object) -> Doc:
    return {"name_ja": "量子技術イノベーション戦略", "name_en": "Quantum Technology Innovation Strategy",
            "decided": {"ja": "2020年1月21日", "en": "2020-01-21"}, "areas": ["quantum"],
            "source": {"section": "s", "line": 216}, **change}  # fmt: skip


def _note(scope: str) -> Doc:
    return {"id": "n2", "mark": "※ 2", "scope": scope, "ja": "現在の市場規模が不明であるため、CAGRの算出が不可",
            "en": "unknown", "source": {"section": "s", "line": 667}}  # fmt: skip


BROKEN = [
    ("unknown key", "areas.yaml", lambda d: d["areas"][0].update(colour="blue"),
     "areas.yaml: areas[0].colour: unknown key"),
    ("duplicate area id", "areas.yaml", lambda d: d["areas"][1].update(id="quantum"),
     "areas.yaml: areas[1].id: duplicate id 'quantum'"),
    ("misspelt area id", "areas.yaml", lambda d: d["areas"][0].update(id="quantom"),
     "areas.yaml: areas[0].id: 'quantom' is not one of the 16 area ids, which are a public contract (did you mean "
     "'quantum'?)"),
    ("source line 0", "areas.yaml", lambda d: d["areas"][0]["source"].update(line=0),
     "areas.yaml: areas[0].source.line: expected a line number (an integer from 1), got 0"),
    ("duplicate term", "areas.yaml", lambda d: _tech(d)["terms"]["support"].append("ＱＵＡＮＴＵＭ"),
     "areas.yaml: areas[0].technologies[0].terms.support: duplicate term 'ＱＵＡＮＴＵＭ'"),
    ("other spelling", "areas.yaml",
     lambda d: _tech(d)["terms"]["support"].extend(["quantum optimization", "quantum optimisation"]),
     "areas.yaml: areas[0].technologies[0].terms.support: 'quantum optimisation' is another spelling of a term in "
     "areas.yaml: areas[0].technologies[0].terms.support"),
    ("other spelling, listed first", "areas.yaml",  # -ise gives no -ize outside -isation: checked from the -ize side
     lambda d: _tech(d)["terms"]["support"].extend(["quantum fertiliser", "quantum fertilizer"]),
     "areas.yaml: areas[0].technologies[0].terms.support: 'quantum fertilizer' is another spelling of a term in "
     "areas.yaml: areas[0].technologies[0].terms.support"),
    ("term both positive and excluded", "areas.yaml", lambda d: d["areas"][0]["exclude"].append("qubit"),
     "areas.yaml: areas[0].exclude[3]: term 'qubit' is both excluded and a positive term"),
    ("crosswalk to unknown id", "econsec.yaml", lambda d: d["econsec"][0]["crosswalk"].append("warp_drive"),
     "econsec.yaml: econsec[0].crosswalk[1]: unknown area id 'warp_drive'"),
    ("crosswalk narrowed by a technology of no crosswalk area", "econsec.yaml",
     lambda d: d["econsec"][0].update(crosswalk_technologies=["warp_coils"]),
     "econsec.yaml: econsec[0].crosswalk_technologies[0]: 'warp_coils' is not a technology of an area in its "
     "crosswalk"),
    ("missing required key", "areas.yaml", lambda d: d["areas"][0].pop("tier"),
     "areas.yaml: areas[0].tier: missing required key"),
    ("wrong type", "areas.yaml", lambda d: _tech(d).update(in_source="yes"),
     "areas.yaml: areas[0].technologies[0].in_source: expected true or false"),
    ("unknown tier", "areas.yaml", lambda d: d["areas"][0].update(tier="national"),
     "areas.yaml: areas[0].tier: unknown tier 'national'"),
    ("econsec id clashes with an area id", "econsec.yaml", lambda d: d["econsec"][0].update(id="quantum"),
     "econsec.yaml: econsec[0].id: 'quantum' clashes with an area id"),
    ("program item area unknown", "programs.yaml",
     lambda d: d["programs"][0]["items"][0].update(areas=["teleportation"]),
     "programs.yaml: programs[0].items[0].areas[0]: unknown area id 'teleportation'"),
    ("program item narrowed by a technology outside its focus", "programs.yaml",
     lambda d: d["programs"][0]["items"][0].update(technologies=["warp_coils"]),
     "programs.yaml: programs[0].items[0].technologies[0]: 'warp_coils' is not a technology of an area in its focus"),
    ("program item closed by a technology of an area it does not narrow", "programs.yaml",
     lambda d: d["programs"][0]["items"][0].update(closed_by=["quantum_computing"]),
     "programs.yaml: programs[0].items[0].closed_by: closes nothing"),
    ("program item closed by no technology", "programs.yaml",
     lambda d: d["programs"][0]["items"][0].update(closed_by=["warp_coils"]),
     "programs.yaml: programs[0].items[0].closed_by[0]: 'warp_coils' is not a technology of any area"),
    ("program focus narrowed by a technology outside it", "programs.yaml",
     lambda d: d["programs"][0].update(focus=["quantum"], technologies=["machine_learning"]),
     "programs.yaml: programs[0].technologies[0]: 'machine_learning' is not a technology of an area in its focus"),
    ("duplicate program id", "programs.yaml", lambda d: d["programs"][1].update(id="moonshot_goal_6"),
     "programs.yaml: programs[1].id: duplicate program id 'moonshot_goal_6'"),
    ("basic-science term that is also a positive term", "meta.yaml",
     lambda d: d.update(basic_science={"factor": 0.5, "terms": ["機序", "qubit"]}),
     "meta.yaml: basic_science.terms[1]: term 'qubit' is also a positive term"),
    ("basic-science factor out of range", "meta.yaml",
     lambda d: d.update(basic_science={"factor": 1.5, "terms": ["機序"]}),
     "meta.yaml: basic_science.factor: must be in (0, 1], got 1.5"),
    ("equivalence group of one name", "meta.yaml", lambda d: d.update(equivalents=[["CO2", "ＣＯ２"]]),
     "meta.yaml: equivalents[0]: a group needs two or more different names, got ['CO2', 'ＣＯ２']"),
    ("name in two equivalence groups", "meta.yaml",
     lambda d: d.update(equivalents=[["CO2", "carbon dioxide"], ["二酸化炭素", "co2"]]),
     "meta.yaml: equivalents[1]: name 'co2' is also in equivalents[0]"),
    ("equivalence group that is not a list", "meta.yaml", lambda d: d.update(equivalents=["CO2"]),
     "meta.yaml: equivalents[0]: expected a list, got str"),
    ("exclusion names a technology of another area", "areas.yaml",
     lambda d: d["areas"][0].update(qualifications=[{"kind": "exclusion", "ja": "除く", "en": "excludes",
                                                     "redirect": "quantum", "technologies": ["warp_core"],
                                                     "source": {"section": "s", "line": 1}}]),
     "areas.yaml: areas[0].qualifications[0].technologies[0]: 'warp_core' is not a technology of this area"),
    ("redirect narrowed to a technology of another area than the redirect", "areas.yaml",
     lambda d: d["areas"][0].update(qualifications=[{"kind": "exclusion", "ja": "除く", "en": "excludes",
                                                     "redirect": "quantum",
                                                     "redirect_technologies": ["batteries_energy_storage"],
                                                     "source": {"section": "s", "line": 1}}]),
     "areas.yaml: areas[0].qualifications[0].redirect_technologies[0]: 'batteries_energy_storage' is not a "
     "technology of the redirect area 'quantum'"),
    ("strategy tied to an unknown area", "reference.yaml",
     lambda d: d.update(strategies=[_strategy(areas=["warp_drive"])]),
     "reference.yaml: strategies[0].areas[0]: unknown area id 'warp_drive'"),
    ("strategy with an unknown key", "reference.yaml", lambda d: d.update(strategies=[_strategy(url="https://x")]),
     "reference.yaml: strategies[0].url: unknown key"),
    ("strategy without its date", "reference.yaml",
     lambda d: d.update(strategies=[{k: v for k, v in _strategy().items() if k != "decided"}]),
     "reference.yaml: strategies[0].decided: missing required key"),
    ("market row without a CAGR and without the note that says why", "reference.yaml",
     lambda d: d["markets"][0].update(cagr_percent=None),
     "reference.yaml: markets[0].cagr_percent: null needs a note that says why"),
    ("market row naming an unknown note", "reference.yaml", lambda d: d["markets"][0].update(notes=["note_9"]),
     "reference.yaml: markets[0].notes[0]: unknown market note id 'note_9'"),
    ("market row with a CAGR naming the note on a missing one", "reference.yaml",
     lambda d: (d.update(market_notes=[_note("cagr")]), d["markets"][0].update(notes=["n2"])),
     "reference.yaml: markets[0].notes: 'n2' says why a growth rate is missing, but the row has one"),
    ("market note of an unknown scope", "reference.yaml", lambda d: d.update(market_notes=[_note("figure")]),
     "reference.yaml: market_notes[0].scope: unknown scope 'figure'"),
    ("region unknown in a country entry", "reference.yaml",
     lambda d: d["countries"]["fields"][0]["entries"].update(mars="量子"),
     "reference.yaml: countries.fields[0].entries.mars: unknown region id 'mars'"),
    # deleting one of the 16 areas passed while renaming one did not (a user test)
    ("area deleted", "areas.yaml", lambda d: d["areas"].pop(2),
     "areas.yaml: areas: 'agri_food' missing: the 16 area ids are a public contract"),
    ("area without a technology", "areas.yaml", lambda d: d["areas"][3].update(technologies=[]),
     "areas.yaml: areas[3].technologies: the area (semiconductor_comm) has no technology"),
    # の or A as a strong term flagged nearly every title, and validation passed (a user test); 癌 is a term
    ("one-character term", "areas.yaml", lambda d: _tech(d)["terms"]["strong"].extend(["癌", "の"]),
     "areas.yaml: areas[0].technologies[0].terms.strong: term 'の' is one character that is no kanji"),
    # a taxonomy without one passed, and showing an area of it then failed with a traceback (a review)
    ("a tier missing", "meta.yaml", lambda d: d.update(tiers=[t for t in d["tiers"] if t["id"] != "emerging"]),
     "meta.yaml: tiers: 'emerging' missing"),
    # an area that yields to itself is never reported (a review)
    ("a redirect to the area itself", "areas.yaml", lambda d: d["areas"][0].update(qualifications=[
        {"kind": "exclusion", "ja": "除く", "en": "Excludes", "redirect": d["areas"][0]["id"], "technologies": [],
         "source": {"section": "s", "line": 32}}]),
     "areas.yaml: areas[0].qualifications[0].redirect: the area's own id"),
    ("unknown schema version", "meta.yaml", lambda d: d.update(schema_version=99),
     "meta.yaml: schema_version: 99 is not a version this domaincheck reads (1)"),
    ("English cell of a region with no cell", "reference.yaml",
     lambda d: d["countries"]["fields"][0].update(entries_en={"kr": "Quantum"}),
     "reference.yaml: countries.fields[0].entries_en.kr: an English cell for a region with no cell in entries"),
]  # fmt: skip


@pytest.mark.parametrize(("why", "file", "change", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_taxonomy_is_rejected_with_path(tmp_path: Path, why: str, file: str, change: Callable[[Doc], None],
                                               message: str) -> None:
    directory = _copy(tmp_path)
    _edit(directory, file, change)
    with pytest.raises(TaxonomyError) as info:
        load(directory)
    assert any(p.startswith(message) for p in info.value.problems), (why, info.value.problems)


def test_a_term_that_is_another_terms_form_with_an_equivalent_name_is_rejected(tmp_path: Path) -> None:
    """The matcher finds 二酸化炭素回収 by CO2回収 once CO2 and 二酸化炭素 are equivalent names: listing both only
    gives one word two pieces of evidence."""
    directory = _copy(tmp_path)
    _edit(directory, "meta.yaml", lambda d: d.update(equivalents=[["CO2", "二酸化炭素"]]))
    _edit(directory, "areas.yaml", lambda d: _tech(d)["terms"]["strong"].extend(["CO2回収", "二酸化炭素回収"]))
    _, _, problems = validate(directory)
    assert problems == [
        "areas.yaml: areas[0].technologies[0].terms.strong: '二酸化炭素回収' is another spelling of a term in "
        "areas.yaml: areas[0].technologies[0].terms.strong, or the same with an equivalent name, which already "
        "matches it: list one (area 'quantum', technology 'quantum_computing')"]  # fmt: skip
    _edit(directory, "meta.yaml", lambda d: d.pop("equivalents"))
    assert validate(directory)[2] == []  # without the group, two different terms


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "areas.yaml", lambda d: (d["areas"][0].update(colour="x"), d["areas"][1].pop("name_en")))
    _edit(directory, "programs.yaml", lambda d: d["programs"][0].update(kind=3))
    _, _, problems = validate(directory)
    assert len(problems) == 3, problems


def test_a_file_of_the_wrong_shape_says_more_checks_follow(tmp_path: Path) -> None:
    """A type error stops the checks of meaning (ids, terms, cross-references), which need the right shape: the
    hint says more problems may follow (a user test took "1 problem" for all there was); a taxonomy of the right
    shape with a wrong id gets no such hint."""
    shape = _copy(tmp_path / "shape")
    _edit(shape, "meta.yaml", lambda d: d.update(schema_version="1"))
    _edit(shape, "areas.yaml", lambda d: d["areas"][0].update(tier="emergent"))
    with pytest.raises(TaxonomyError) as caught:
        load(shape)
    assert len(caught.value.problems) == 1 and "schema_version" in caught.value.problems[0]
    assert "may find more" in str(caught.value.hint) and "さらに問題が見つかる" in str(caught.value.hint_ja)
    meaning = _copy(tmp_path / "meaning")
    _edit(meaning, "areas.yaml", lambda d: d["areas"][0].update(tier="emergent"))
    with pytest.raises(TaxonomyError) as caught:
        load(meaning)
    assert "emergent" in caught.value.problems[0] and "may find more" not in str(caught.value.hint)


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "econsec.yaml").write_text("econsec:\n  - id: [unclosed\n", encoding="utf-8")
    _, _, problems = validate(directory)
    assert problems and problems[0].startswith("econsec.yaml: YAML syntax error at line"), problems


def test_missing_file_and_missing_directory(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "reference.yaml").unlink()
    _, _, problems = validate(directory)
    assert problems == ["reference.yaml: file missing"]
    with pytest.raises(TaxonomyError, match="no such directory"):
        load(tmp_path / "nowhere")
    (directory / "reference.yaml").write_text("# to do\n", encoding="utf-8")
    _, _, problems = validate(directory)
    assert problems == ["reference.yaml: the file is empty (or holds only comments)"]


def test_yaml_tags_that_run_code_are_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "meta.yaml").write_text("!!python/object/apply:os.system ['true']\n", encoding="utf-8")
    _, _, problems = validate(directory)
    assert problems and problems[0].startswith("meta.yaml: YAML syntax error"), problems


def test_market_notes_and_strategies_load(tmp_path: Path) -> None:
    """A row without a CAGR that names its note, and a strategy, load into the records `show` reads."""
    directory = _copy(tmp_path)
    _edit(directory, "reference.yaml", lambda d: (d.update(market_notes=[_note("cagr")], strategies=[_strategy()]),
                                                  d["markets"][0].update(cagr_percent=None, notes=["n2"])))
    tax = load(directory)
    assert tax.markets[0].cagr_percent is None and tax.markets[0].notes == ("n2",)
    assert [(n.id, n.mark, n.scope, n.source.line) for n in tax.market_notes] == [("n2", "※ 2", "cagr", 667)]
    [strategy] = tax.strategies
    assert (strategy.name_ja, strategy.decided.ja, strategy.areas) == ("量子技術イノベーション戦略", "2020年1月21日",
                                                                       ("quantum",))


def test_minimal_fixture_is_valid() -> None:
    from domaincheck.models import AREA_IDS

    tax = load(MIN_TAXONOMY)
    assert [a.id for a in tax.areas][:3] == ["quantum", "ai_robotics", "agri_food"]
    assert sorted(a.id for a in tax.areas) == sorted(AREA_IDS)  # the contract's 16, as every taxonomy must have


def test_a_key_given_twice_is_an_error_not_a_silent_replacement(tmp_path: Path) -> None:
    """A second `strong:` under a technology replaced the first list: 13 terms were gone and the taxonomy was said to
    be valid (a user test). A key given twice in one mapping is a problem naming both lines."""
    directory = _copy(tmp_path)
    path = directory / "areas.yaml"
    text = path.read_text(encoding="utf-8")
    first = "          strong: [量子コンピュータ, quantum computer, quantum computing, qubit]\n"
    assert first in text
    path.write_text(text.replace(first, first + "          strong: [量子アニーリング]\n", 1), encoding="utf-8")
    _, _, problems = validate(directory)
    line = text.splitlines().index(first.rstrip("\n")) + 1
    assert len(problems) == 1 and problems[0].startswith("areas.yaml: YAML syntax error at line"), problems
    assert f"key 'strong' is given twice (lines {line} and {line + 1})" in problems[0]


def test_a_problem_names_the_entries_its_path_goes_through(tmp_path: Path) -> None:
    """`areas[1].technologies[0].terms.strong[3]` had to be counted by hand in a 228 KB file (a user test): the ids of
    the area and technology (or program and item) follow the message."""
    directory = _copy(tmp_path)
    _edit(directory, "areas.yaml", lambda d: (_tech(d, 1)["terms"]["strong"].append(""), d["areas"][0].pop("name_ja")))
    _edit(directory, "programs.yaml", lambda d: d["programs"][0]["items"][0].update(colour="x"))
    _, _, problems = validate(directory)
    tax = yaml.safe_load((MIN_TAXONOMY / "areas.yaml").read_text(encoding="utf-8"))
    tech = tax["areas"][1]["technologies"][0]["id"]
    programs = yaml.safe_load((MIN_TAXONOMY / "programs.yaml").read_text(encoding="utf-8"))["programs"]
    item = programs[0]["items"][0]["id"]
    assert "areas.yaml: areas[0].name_ja: missing required key (area 'quantum')" in problems, problems
    assert any(p.startswith("areas.yaml: areas[1].technologies[0].terms.strong")
               and p.endswith(f"(area 'ai_robotics', technology {tech!r})") for p in problems), problems
    assert any(p.startswith("programs.yaml: programs[0].items[0].colour: unknown key")
               and p.endswith(f"(program {programs[0]['id']!r}, item {item!r})") for p in problems), problems


def test_yaml_merge_keys_still_load_under_the_duplicate_key_check(tmp_path: Path) -> None:
    """The loader that refuses a key given twice refused `<<: *anchor` too (a review): a merge is no second key."""
    from domaincheck.taxonomy import _loader

    loaded = yaml.load("b: &b {a: 1, c: 2}\nx:\n  <<: *b\n  c: 3\n", Loader=_loader())
    assert loaded["x"] == {"a": 1, "c": 3}
    with pytest.raises(yaml.YAMLError, match="key 'c' is given twice"):
        yaml.load("x:\n  c: 1\n  c: 2\n", Loader=_loader())
