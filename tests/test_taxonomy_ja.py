"""The validator's findings in Japanese: each broken copy of the packaged taxonomy gives its finding with the English
text scripts match and a Japanese text (``Problem.ja``) that names the same paths and ids; and no ``yield`` of the
validator gives a plain English string (checked on the source)."""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from domaincheck.taxonomy import FILES, Problem, ja_of, validate
from tests.test_validation import _edit

ROOT = Path(__file__).parent.parent
PACKAGED = ROOT / "taxonomy"
SOURCE = ROOT / "src" / "domaincheck" / "taxonomy.py"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# English prose a Japanese text would still hold if a part of it were left untranslated (quoted values removed)
ENGLISH_PROSE = re.compile(r"\b(is|not|the|of|an?|unknown|expected|missing|duplicate|must|needs|got|also|says|but|"
                           r"has|without|one|names|group|cell|empty|there)\b")  # fmt: skip
QUOTED = re.compile(r"'[^']*'|\[[^\]]*\]")

Doc = dict[str, Any]


def _read(name: str) -> Doc:
    return yaml.safe_load((PACKAGED / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "tax"
    target.mkdir(parents=True)
    for name in FILES:
        shutil.copy(PACKAGED / name, target / name)
    return target


# The packaged taxonomy's own ids the cases below are written against, read from it (not copied from a run).
AREAS = _read("areas.yaml")["areas"]
AREA0 = AREAS[0]["id"]
OTHER = next(a for a in AREAS[1:] if a["technologies"])  # an area other than the first, for a redirect
OWN_TECH = AREAS[0]["technologies"][0]["id"]
ECONSEC0 = _read("econsec.yaml")["econsec"][0]["id"]
PROGRAMS = _read("programs.yaml")["programs"]
PROG0 = PROGRAMS[0]["id"]
PLAIN = next(i for i, p in enumerate(PROGRAMS) if not p.get("econsec"))  # a program without econsec: true
WITH_ITEMS = next(i for i, p in enumerate(PROGRAMS) if p.get("items"))
ITEM = PROGRAMS[WITH_ITEMS]["items"][0]["id"]
EQUIVALENTS = _read("meta.yaml")["equivalents"]
N_EQ = len(EQUIVALENTS)
CASED = _read("meta.yaml")["cased"]
N_CASED = len(CASED)
FIELD = _read("reference.yaml")["countries"]["fields"][0]
REGION = next(r for r in FIELD["entries"] if r in FIELD.get("entries_en", {}))  # a region with both cells
CAGR_NOTES = {n["id"] for n in _read("reference.yaml")["market_notes"] if n["scope"] == "cagr"}
CAGR_NOTE = min(CAGR_NOTES)
CROSSWALK0 = len(_read("econsec.yaml")["econsec"][0]["crosswalk"])
NOTE0 = _read("reference.yaml")["market_notes"][0]["id"]
MARKET0 = _read("reference.yaml")["markets"][0]  # named by its technology: a market row has no id
STRATEGY0 = _read("reference.yaml")["strategies"][0]  # named by its name and the date (two may share a name)


def _qualification(**fields: object) -> Doc:
    return {"kind": "exclusion", "ja": "除く", "en": "Excludes", "source": {"section": "s", "line": 1}, **fields}


def _set_qualification(**fields: object) -> Callable[[Doc], object]:
    return lambda d: d["areas"][0].update(qualifications=[_qualification(**fields)])


Case = tuple[str, str, Callable[[Doc], object], str, tuple[str, ...]]
# (why, file, change, the English finding in full, what its Japanese text must hold besides its "file: path" head)
CASES: list[Case] = [
    ("unknown tier in meta.yaml", "meta.yaml", lambda d: d["tiers"][1].update(id="national"),
     "meta.yaml: tiers[1].id: unknown tier 'national' (expected one of: strategic, emerging)",
     ("'national'", "strategic, emerging")),
    ("a tier missing", "meta.yaml", lambda d: d.update(tiers=d["tiers"][:1]),
     "meta.yaml: tiers: 'emerging' missing: both tiers (strategic, emerging) are described there",
     ("'emerging'", "strategic, emerging")),
    ("unknown schema version", "meta.yaml", lambda d: d.update(schema_version=99),
     "meta.yaml: schema_version: 99 is not a version this domaincheck reads (1)", ("99", "domaincheck", "1")),
    ("framing factor out of range", "meta.yaml", lambda d: d["framing"].update(factor=1.5),
     "meta.yaml: framing.factor: must be in (0, 1], got 1.5", ("(0, 1]", "1.5")),
    ("equivalence group of one name", "meta.yaml", lambda d: d["equivalents"].append(["Zeta", "ＺＥＴＡ"]),
     f"meta.yaml: equivalents[{N_EQ}]: a group needs two or more different names, got ['Zeta', 'ＺＥＴＡ']",
     ("['Zeta', 'ＺＥＴＡ']",)),
    ("equivalent name empty after normalisation", "meta.yaml", lambda d: d["equivalents"].append(["・", "zeta"]),
     f"meta.yaml: equivalents[{N_EQ}]: name '・' is empty after normalisation", ("'・'",)),
    ("name in two equivalence groups", "meta.yaml",
     lambda d: d["equivalents"].append(["zeta", EQUIVALENTS[0][0].lower()]),
     f"meta.yaml: equivalents[{N_EQ}]: name {EQUIVALENTS[0][0].lower()!r} is also in equivalents[0]",
     (repr(EQUIVALENTS[0][0].lower()), "equivalents[0]")),
    ("case-sensitive term of two words", "meta.yaml", lambda d: d["cased"].append("Deep GAN"),
     f"meta.yaml: cased[{N_CASED}]: 'Deep GAN' is not one word of Latin letters and digits with a capital letter "
     "(GAN): only such a word's case can tell one term from another", ("'Deep GAN'", "GAN")),
    ("case-sensitive term in small letters", "meta.yaml", lambda d: d["cased"].append("gan"),
     f"meta.yaml: cased[{N_CASED}]: 'gan' is not one word of Latin letters and digits with a capital letter "
     "(GAN): only such a word's case can tell one term from another", ("'gan'", "GAN")),
    ("case-sensitive term listed nowhere", "meta.yaml", lambda d: d["cased"].append("ZETA"),
     f"meta.yaml: cased[{N_CASED}]: 'ZETA' is not a term of any area, econ-security area, exclusion or framing "
     "list, as written", ("'ZETA'",)),
    ("case-sensitive term listed twice", "meta.yaml", lambda d: d["cased"].append(CASED[0]),
     f"meta.yaml: cased[{N_CASED}]: {CASED[0]!r} is listed twice", (repr(CASED[0]),)),
    ("two spellings case-sensitive", "meta.yaml", lambda d: d["cased"].append("GaN"),
     f"meta.yaml: cased[{N_CASED}]: 'GaN' and 'GAN' are both case-sensitive: one of two spellings is, and the other "
     "then matches every other case", ("'GaN'", "'GAN'")),
    ("qualification of an unknown kind", "areas.yaml", _set_qualification(kind="partial"),
     f"areas.yaml: areas[0].qualifications[0].kind: expected inclusion or exclusion, got 'partial' (area {AREA0!r})",
     ("inclusion", "exclusion", "'partial'", repr(AREA0))),
    ("redirect to an unknown area", "areas.yaml", _set_qualification(redirect="warp_drive"),
     f"areas.yaml: areas[0].qualifications[0].redirect: unknown area id 'warp_drive' (area {AREA0!r})",
     ("'warp_drive'", repr(AREA0))),
    ("redirect to the area itself", "areas.yaml", _set_qualification(redirect=AREA0, technologies=[]),
     f"areas.yaml: areas[0].qualifications[0].redirect: the area's own id {AREA0!r}: a redirect names another area "
     f"(area {AREA0!r})",
     (repr(AREA0), "redirect")),
    ("qualification naming a technology of no area of its own", "areas.yaml",
     _set_qualification(redirect=OTHER["id"], technologies=["warp_core"]),
     f"areas.yaml: areas[0].qualifications[0].technologies[0]: 'warp_core' is not a technology of this area "
     f"(area {AREA0!r})",
     ("'warp_core'", repr(AREA0))),
    ("redirect narrowed to a technology of another area than the redirect", "areas.yaml",
     _set_qualification(redirect=OTHER["id"], redirect_technologies=[OWN_TECH]),
     f"areas.yaml: areas[0].qualifications[0].redirect_technologies[0]: {OWN_TECH!r} is not a technology of the "
     f"redirect area {OTHER['id']!r} (area {AREA0!r})",
     (repr(OWN_TECH), repr(OTHER["id"]), "redirect", repr(AREA0))),
    ("crosswalk narrowed by a technology of no crosswalk area", "econsec.yaml",
     lambda d: d["econsec"][0].update(crosswalk_technologies=["warp_coils"]),
     f"econsec.yaml: econsec[0].crosswalk_technologies[0]: 'warp_coils' is not a technology of an area in its "
     f"crosswalk (econ-security area {ECONSEC0!r})",
     ("'warp_coils'", "crosswalk", repr(ECONSEC0))),
    ("duplicate program id", "programs.yaml", lambda d: d["programs"][1].update(id=PROG0),
     f"programs.yaml: programs[1].id: duplicate program id {PROG0!r} (also programs.yaml: programs[0]) "
     f"(program {PROG0!r})",
     (repr(PROG0), "programs.yaml: programs[0]")),
    ("program item with the id of a program", "programs.yaml",
     lambda d: d["programs"][WITH_ITEMS]["items"][0].update(id=PROG0),
     f"programs.yaml: programs[{WITH_ITEMS}].items[0].id: duplicate program id {PROG0!r} (also programs.yaml: "
     f"programs[0]) (program {PROGRAMS[WITH_ITEMS]['id']!r}, item {PROG0!r})",
     (repr(PROG0), "programs.yaml: programs[0]", repr(PROGRAMS[WITH_ITEMS]["id"]))),
    ("program of an unknown kind", "programs.yaml", lambda d: d["programs"][0].update(kind="grant"),
     f"programs.yaml: programs[0].kind: unknown kind 'grant' (expected one of: program, measure, protection, "
     f"promotion) (program {PROG0!r})",
     ("'grant'", "program, measure, protection, promotion", repr(PROG0))),
    ("program tied to an unknown tier", "programs.yaml", lambda d: d["programs"][0].update(tiers=["national"]),
     f"programs.yaml: programs[0].tiers[0]: unknown tier 'national' (program {PROG0!r})",
     ("'national'", repr(PROG0))),
    ("econsec_editorial without econsec", "programs.yaml",
     lambda d: d["programs"][PLAIN].update(econsec_editorial=True),
     f"programs.yaml: programs[{PLAIN}].econsec_editorial: set without econsec: true (it says how the program serves "
     f"those areas) (program {PROGRAMS[PLAIN]['id']!r})",
     ("econsec: true", repr(PROGRAMS[PLAIN]["id"]))),
    ("program item narrowed by a technology outside its areas", "programs.yaml",
     lambda d: d["programs"][WITH_ITEMS]["items"][0].update(technologies=["warp_coils"]),
     f"programs.yaml: programs[{WITH_ITEMS}].items[0].technologies[0]: 'warp_coils' is not a technology of an area "
     f"in its focus (program {PROGRAMS[WITH_ITEMS]['id']!r}, item {ITEM!r})",
     ("'warp_coils'", repr(PROGRAMS[WITH_ITEMS]["id"]), repr(ITEM))),
    ("region unknown in a country entry", "reference.yaml",
     lambda d: d["countries"]["fields"][0]["entries"].update(mars="量子"),
     "reference.yaml: countries.fields[0].entries.mars: unknown region id 'mars'", ("'mars'",)),
    ("English cell of a region with no cell", "reference.yaml",
     lambda d: d["countries"]["fields"][0]["entries"].pop(REGION),
     f"reference.yaml: countries.fields[0].entries_en.{REGION}: an English cell for a region with no cell in entries",
     ("entries",)),
    ("market note of an unknown scope", "reference.yaml", lambda d: d["market_notes"][0].update(scope="figure"),
     f"reference.yaml: market_notes[0].scope: unknown scope 'figure' (expected one of: table, cagr, row) (market note "
     f"{NOTE0!r})",
     ("'figure'", "table, cagr, row")),
    ("market row without a CAGR and without the note that says why", "reference.yaml",
     lambda d: d["markets"][0].update(cagr_percent=None, notes=[n for n in d["markets"][0].get("notes", [])
                                                               if n not in CAGR_NOTES]),
     "reference.yaml: markets[0].cagr_percent: null needs a note that says why (a market note of scope cagr in notes) "
     f"(market {MARKET0['technology_en']!r})",
     ("null", "notes", "scope", "cagr")),
    ("market row with a CAGR naming the note on a missing one", "reference.yaml",
     lambda d: d["markets"][0].update(notes=[*d["markets"][0].get("notes", []), CAGR_NOTE]),
     f"reference.yaml: markets[0].notes: {CAGR_NOTE!r} says why a growth rate is missing, but the row has one (market "
     f"{MARKET0['technology_en']!r})",
     (repr(CAGR_NOTE),)),
    # findings that were Japanese before, now written by the helpers the new ones share: unchanged in both languages
    ("unknown tier of an area", "areas.yaml", lambda d: d["areas"][0].update(tier="national"),
     f"areas.yaml: areas[0].tier: unknown tier 'national' (expected one of: strategic, emerging) (area {AREA0!r})",
     ("'national'", "strategic, emerging", repr(AREA0))),
    ("duplicate technology id", "areas.yaml",
     lambda d: d["areas"][0]["technologies"][1].update(id=OWN_TECH),
     f"areas.yaml: areas[0].technologies[1].id: duplicate technology id {OWN_TECH!r} (also areas.yaml: "
     f"areas[0].technologies[0]) (area {AREA0!r}, technology {OWN_TECH!r})",
     (repr(OWN_TECH), "areas.yaml: areas[0].technologies[0]")),
    ("crosswalk to an unknown area", "econsec.yaml", lambda d: d["econsec"][0]["crosswalk"].append("warp_drive"),
     f"econsec.yaml: econsec[0].crosswalk[{CROSSWALK0}]: unknown area id 'warp_drive' (econ-security area "
     f"{ECONSEC0!r})",
     ("'warp_drive'", repr(ECONSEC0))),
    ("strategy naming an unknown area", "reference.yaml", lambda d: d["strategies"][0].update(areas=["warp_drive"]),
     f"reference.yaml: strategies[0].areas[0]: unknown area id 'warp_drive' (strategy "
     f"{STRATEGY0['name_en'] + ', ' + STRATEGY0['decided']['en']!r})",
     ("'warp_drive'", STRATEGY0["decided"]["ja"])),
    ("market row naming an unknown note", "reference.yaml", lambda d: d["markets"][0].update(notes=["note_9"]),
     f"reference.yaml: markets[0].notes[0]: unknown market note id 'note_9' (market {MARKET0['technology_en']!r})",
     ("'note_9'",)),
]  # fmt: skip

# The Japanese of the findings that had it before this file was written (their text is the one they had then).
BEFORE_JA = {
    "unknown tier of an area":
        f"areas.yaml: areas[0].tier: 未定義の区分 'national' です（使える区分: strategic, emerging）（領域 {AREA0!r}）",
    "crosswalk to an unknown area":
        f"econsec.yaml: econsec[0].crosswalk[{CROSSWALK0}]: 未定義の領域 id 'warp_drive' です（経済安保領域 "
        f"{ECONSEC0!r}）",
    "market row naming an unknown note":
        f"reference.yaml: markets[0].notes[0]: 未定義の市場の注記 id 'note_9' です"
        f"（市場 {MARKET0['technology_ja']!r}）",
    "duplicate technology id":
        f"areas.yaml: areas[0].technologies[1].id: 技術 id {OWN_TECH!r} が重複しています（areas.yaml: "
        f"areas[0].technologies[0] にもあります）（領域 {AREA0!r}、技術 {OWN_TECH!r}）",
}  # fmt: skip


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each case's findings: the validator run on a copy of the packaged taxonomy with the case's change."""
    found = {}
    for why, file, change, _, _ in CASES:
        directory = _copy(tmp_path_factory.mktemp("broken"))
        _edit(directory, file, change)
        found[why] = validate(directory)[2]
    return found


def test_the_packaged_copy_is_valid(tmp_path: Path) -> None:
    """The cases start from a valid taxonomy: each finding below is the one its change makes."""
    assert validate(_copy(tmp_path))[2] == []


@pytest.mark.parametrize(("why", "english", "held"), [(c[0], c[3], c[4]) for c in CASES], ids=[c[0] for c in CASES])
def test_a_finding_in_english_and_japanese(broken: dict[str, list[str]], why: str, english: str,
                                           held: tuple[str, ...]) -> None:
    problems = broken[why]
    assert english in problems, (why, problems)  # the English text, whole and as it was
    found = problems[problems.index(english)]
    assert isinstance(found, Problem)
    ja = ja_of(found)
    assert ja != english and JAPANESE.search(ja), (why, ja)
    head = ": ".join(english.split(": ", 2)[:2])  # the file and the path, as the file spells them
    assert ja.startswith(head + ": "), (why, ja)
    for part in held:
        assert part in ja, (why, part, ja)
    assert not ENGLISH_PROSE.search(QUOTED.sub("", ja.split(": ", 2)[-1])), (why, ja)  # no English left in it
    if why in BEFORE_JA:
        assert ja == BEFORE_JA[why]


def test_every_finding_of_the_broken_copies_has_japanese(broken: dict[str, list[str]]) -> None:
    """Every finding a broken copy gives (the cases' own and any other their change brings) is a Problem with a
    Japanese text: none falls back to its English."""
    english_only = [f"{why}: {problem}" for why, problems in broken.items() for problem in problems
                    if not isinstance(problem, Problem) or not JAPANESE.search(problem.ja)]  # fmt: skip
    assert not english_only, "\n".join(english_only)
    assert sum(map(len, broken.values())) >= len(CASES)


# ---- on the source -----------------------------------------------------------------------------------------------


def _bilingual_makers(tree: ast.Module) -> set[str]:
    """``Problem`` and the module's functions that return one (``_not_snake_case``, ``_unknown_id`` ...)."""
    return {"Problem"} | {f.name for f in tree.body if isinstance(f, ast.FunctionDef)
                          and isinstance(f.returns, ast.Name | ast.Constant)
                          and (f.returns.id if isinstance(f.returns, ast.Name) else f.returns.value) == "Problem"}


def _plain_yields(tree: ast.Module) -> list[str]:
    """Each ``yield`` of a function of ``tree`` whose value is not a call to ``Problem`` or to a function returning one,
    and each ``out.append``/``problems.append`` (the schema check's and the reader's findings) so made."""
    makers = _bilingual_makers(tree)
    plain = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef):
            continue
        for node in ast.walk(func):
            value: ast.expr | None = None
            if isinstance(node, ast.Yield):
                value = node.value
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
                  and isinstance(node.func.value, ast.Name) and node.func.value.id in ("out", "problems")):
                value = node.args[0] if node.args else None
            else:
                continue
            made = (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in makers)
            if not made:
                plain.append(f"{func.name}:{node.lineno}")
    return plain


def _yields(tree: ast.Module) -> int:
    return sum(isinstance(node, ast.Yield | ast.YieldFrom) for node in ast.walk(tree))


def test_no_finding_of_the_validator_is_left_without_japanese() -> None:
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    assert {"_unknown_id", "_not_snake_case", "_duplicate_term"} <= _bilingual_makers(tree)
    assert _yields(tree) > 40  # the walk sees the validator's yields (59 when written)
    assert _plain_yields(tree) == []


def test_the_source_check_sees_a_plain_english_finding() -> None:
    """The check above fails for a finding yielded or appended as a plain string (it is no walk that finds nothing)."""
    tree = ast.parse('def _ok(w: str) -> Problem:\n    return Problem(w, w)\n'
                     'def f(x):\n    yield f"{x}: bad"\n    yield _ok(x)\n    yield from g(x)\n'
                     'def g(x, out):\n    out.append(f"{x}: worse")\n    out.append(Problem(x, x))\n'
                     '    yield ("a" "b")\n')  # fmt: skip
    assert _plain_yields(tree) == ["f:4", "g:8", "g:10"]
