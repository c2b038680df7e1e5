"""Find, parse and validate the taxonomy YAML; the module that finds the packaged taxonomy (``packaged_dir``), whose
learned model ``learned`` reads from there."""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import TaxonomyError
from .models import (
    AREA_IDS,
    TIERS,
    Area,
    CountryField,
    EconSecArea,
    MarketExample,
    MarketNote,
    Program,
    ProgramItem,
    Qualification,
    Region,
    SourceDocument,
    SourceRef,
    Statement,
    Strategy,
    Taxonomy,
    Technology,
    Text,
    Tier,
    narrowed_areas,
)
from .normalize import equivalent_forms, equivalent_groups, normalize_text, spellings

FILES = ("meta.yaml", "areas.yaml", "econsec.yaml", "programs.yaml", "reference.yaml")
PACKAGED = "<package>"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CASED = re.compile(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*")
PROGRAM_KINDS = ("program", "measure", "protection", "promotion")
NOTE_SCOPES = ("table", "cagr", "row")

# ---- a small schema language: every key is listed, unknown keys are errors ---------------------------------------


@dataclass(frozen=True)
class Opt:
    """An optional key."""

    spec: Any


@dataclass(frozen=True)
class Map:
    """A mapping with free string keys."""

    value: Any


@dataclass(frozen=True)
class Nullable:
    """A value that may be null."""

    spec: Any


class LineNumber:
    """A line of the source document: an integer from 1."""


SOURCE = {"section": str, "line": LineNumber}
TEXT = {"ja": str, "en": str}
STATEMENT = {"ja": str, "en": str, "line": Opt(LineNumber)}  # optional: taxonomies written before it had none
TERMS = {"strong": Opt([str]), "support": Opt([str])}
QUALIFICATION = {"kind": str, "ja": str, "en": str, "redirect": Opt(str), "technologies": Opt([str]),
                 "redirect_technologies": Opt([str]), "source": SOURCE}
META = {
    "schema_version": int,
    "taxonomy_version": str,
    "source": {"title_ja": str, "title_en": str, "issuer_ja": str, "issuer_en": str, "date": str,
               "pages": Opt([{"first": LineNumber, "last": LineNumber, "cue": str, "ja": str, "en": str}])},
    "tiers": [
        {
            "id": str, "name_ja": str, "name_en": str, "definition": TEXT, "criteria": [STATEMENT],
            "qualifications": Opt([QUALIFICATION]), "notes": Opt([STATEMENT]), "source": SOURCE,
        }
    ],
    "framing": Opt({"factor": float, "terms": [str]}),
    "basic_science": Opt({"factor": float, "terms": [str]}),
    "equivalents": Opt([[str]]),
    "cased": Opt([str]),
}  # fmt: skip
AREAS = {
    "areas": [
        {
            "id": str, "tier": str, "name_ja": str, "name_en": str, "official_ja": str, "official_en": str,
            "source": SOURCE, "qualifications": Opt([QUALIFICATION]),
            "technologies": [
                {"id": str, "name_ja": str, "name_en": str, "in_source": bool, "source": SOURCE, "terms": TERMS}
            ],
            "exclude": Opt([str]),
        }
    ]
}  # fmt: skip
ECONSEC = {
    "econsec": [
        {
            "id": str, "name_ja": str, "name_en": str, "source": SOURCE, "crosswalk": [str],
            "crosswalk_technologies": Opt([str]), "terms": TERMS, "exclude": Opt([str]),
        }
    ]
}  # fmt: skip
ITEM = {
    "id": str, "name_ja": str, "name_en": str, "areas": [str], "technologies": Opt([str]), "closed_by": Opt([str]),
    "facts": Opt([STATEMENT]), "source": SOURCE,
}  # fmt: skip
PROGRAMS = {
    "programs": [
        {
            "id": str, "kind": str, "name_ja": str, "name_en": str, "tiers": [str], "econsec": Opt(bool),
            "econsec_editorial": Opt(bool), "operator": Opt(TEXT), "summary": Opt(STATEMENT),
            "facts": Opt([STATEMENT]),
            "focus": Opt([str]), "technologies": Opt([str]), "items": Opt([ITEM]), "source": SOURCE,
        }
    ]
}  # fmt: skip
REFERENCE = {
    "countries": {
        "regions": [{"id": str, "name_ja": str, "name_en": str, "document": Opt(TEXT)}],
        "fields": [{"id": str, "name_ja": str, "name_en": str, "areas": [str], "entries": Map(str),
                    "entries_en": Opt(Map(str))}],
        "source": SOURCE,
    },
    "markets": [
        {
            "field_ja": str, "field_en": Opt(str), "technology_ja": str, "technology_en": str, "areas": [str],
            "size_trillion_yen": float, "year": int, "cagr_percent": Nullable(float), "cited": str,
            "cited_en": Opt(str), "notes": Opt([str]), "source": SOURCE,
        }
    ],
    "market_notes": Opt([{"id": str, "mark": str, "mark_en": Opt(str), "scope": str, "ja": str, "en": str,
                           "source": SOURCE}]),
    "strategies": Opt([{"name_ja": str, "name_en": str, "decided": TEXT, "areas": [str], "source": SOURCE}]),
}  # fmt: skip
SPECS = {"meta.yaml": META, "areas.yaml": AREAS, "econsec.yaml": ECONSEC, "programs.yaml": PROGRAMS,
         "reference.yaml": REFERENCE}  # fmt: skip


class Problem(str):
    """A problem found in a taxonomy: its text in English (the string itself, as tests and scripts read it) and in
    Japanese (``ja``; the English where none is written yet). Paths and YAML keys stay as the files spell them."""

    ja: str

    def __new__(cls, en: str, ja: str | None = None) -> Problem:
        self = super().__new__(cls, en)
        self.ja = en if ja is None else ja
        return self

    def prefixed(self, head: str) -> Problem:
        """The problem under ``head`` (a file's name): ``head: problem``, in both languages."""
        return Problem(f"{head}: {self}", f"{head}: {self.ja}")


def ja_of(problem: str) -> str:
    """A problem's Japanese text (its English when it is a plain string or has none)."""
    return getattr(problem, "ja", problem)


def _not_snake_case(where: str, ident: str) -> Problem:
    return Problem(f"{where}: {ident!r} is not a snake_case id",
                   f"{where}: {ident!r} は snake_case の id ではありません")


def _duplicate_term(where: str, term: str, also: str) -> Problem:
    return Problem(f"{where}: duplicate term {term!r} (also in {also})",
                   f"{where}: 語 {term!r} が重複しています（{also} にもあります）")


def _empty_term(where: str, term: str) -> Problem:
    return Problem(f"{where}: term {term!r} is empty after normalisation",
                   f"{where}: 語 {term!r} は正規化すると空になります")


_WHAT_JA = {"area": "領域", "market note": "市場の注記", "region": "地域", "tier": "区分", "kind": "種類",
            "scope": "範囲", "technology": "技術", "program": "プログラム"}  # fmt: skip


def _unknown_id(where: str, what: str, ident: str) -> Problem:
    return Problem(f"{where}: unknown {what} id {ident!r}",
                   f"{where}: 未定義の{_WHAT_JA.get(what, what)} id {ident!r} です")


def _unknown_choice(where: str, what: str, value: str, choices: tuple[str, ...] = ()) -> Problem:
    """``value`` is none of the ``what`` (tier, kind, scope) a file may give: its ``choices`` when they are named."""
    listed = ", ".join(choices)
    return Problem(f"{where}: unknown {what} {value!r}" + (f" (expected one of: {listed})" if choices else ""),
                   f"{where}: 未定義の{_WHAT_JA.get(what, what)} {value!r} です"
                   + (f"（使える{_WHAT_JA.get(what, what)}: {listed}）" if choices else ""))  # fmt: skip


def _duplicate_id(where: str, what: str, ident: str, also: str) -> Problem:
    return Problem(f"{where}: duplicate {what} id {ident!r} (also {also})",
                   f"{where}: {_WHAT_JA.get(what, what)} id {ident!r} が重複しています（{also} にもあります）")


def _not_a_technology(where: str, tech: str, of: str, of_ja: str) -> Problem:
    """``tech`` is not a technology of ``of`` (``of_ja`` in Japanese: the noun before の技術)."""
    return Problem(f"{where}: {tech!r} is not a technology of {of}", f"{where}: {tech!r} は{of_ja}の技術ではありません")


def _kind_ja(value: object) -> str:
    """What YAML gave, in Japanese (文字列, リスト…), rather than Python's type name (a user test: 値: str '1')."""
    return _KINDS_JA.get(type(value), type(value).__name__)


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
_TYPE_NAMES_JA = {str: "文字列", int: "整数", float: "数値", bool: "true か false"}
_KINDS_JA: dict[type, str] = {str: "文字列", int: "整数", float: "数値", bool: "真偽値", list: "リスト",
                              dict: "マッピング", type(None): "空の値", datetime.date: "日付",
                              datetime.datetime: "日時"}  # fmt: skip


def _check(value: Any, spec: Any, path: str, out: list[str]) -> None:
    """Append a message to ``out`` for every way ``value`` departs from ``spec``."""
    if isinstance(spec, Nullable):
        if value is not None:
            _check(value, spec.spec, path, out)
        return
    if spec is LineNumber:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            out.append(Problem(f"{path}: expected a line number (an integer from 1), got {value!r}"[:200],
                               f"{path}: 行番号（1 からの整数）を書いてください。値: {value!r}"[:200]))
        return
    if isinstance(spec, type):
        ok = isinstance(value, spec) and not (spec is int and isinstance(value, bool))
        if spec is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        if spec is str and ok and not value.strip():
            out.append(Problem(f"{path}: must not be empty", f"{path}: 空にはできません"))
        elif not ok:
            out.append(Problem(f"{path}: expected {_TYPE_NAMES[spec]}, got {type(value).__name__} {value!r}"[:200],
                               f"{path}: {_TYPE_NAMES_JA[spec]}を書いてください。値: {value!r}（{_kind_ja(value)}）"
                               [:200]))  # fmt: skip
        return
    if isinstance(spec, list):
        if not isinstance(value, list):
            out.append(Problem(f"{path}: expected a list, got {type(value).__name__}",
                               f"{path}: リストを書いてください（{_kind_ja(value)}です）"))
            return
        for i, item in enumerate(value):
            _check(item, spec[0], f"{path}[{i}]", out)
        return
    if isinstance(spec, Map):
        if not isinstance(value, dict):
            out.append(Problem(f"{path}: expected a mapping, got {type(value).__name__}",
                               f"{path}: マッピング（キー: 値）を書いてください（{_kind_ja(value)}です）"))
            return
        for k, v in value.items():
            _check(v, spec.value, f"{path}.{k}", out)
        return
    if not isinstance(value, dict):
        out.append(Problem(f"{path or '(top level)'}: expected a mapping, got {type(value).__name__}",
                           f"{path or '（最上位）'}: マッピング（キー: 値）を書いてください"
                           f"（{_kind_ja(value)}です）"))  # fmt: skip
        return
    for key in value:
        if key not in spec:
            out.append(Problem(f"{_join(path, str(key))}: unknown key (expected one of: {', '.join(spec)})",
                               f"{_join(path, str(key))}: 未定義のキーです（使えるキー: {', '.join(spec)}）"))
    for key, sub in spec.items():
        if key not in value:
            if not isinstance(sub, Opt):
                out.append(Problem(f"{_join(path, key)}: missing required key",
                                   f"{_join(path, key)}: 必須のキーがありません"))
            continue
        _check(value[key], sub.spec if isinstance(sub, Opt) else sub, _join(path, key), out)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# ---- locating and reading ----------------------------------------------------------------------------------------


def packaged_dir() -> Path:
    """Directory of the taxonomy shipped in the package (the source tree's ``taxonomy/`` in a dev checkout)."""
    root = resources.files("domaincheck")
    candidate = Path(str(root)) / "taxonomy"
    if (candidate / "areas.yaml").is_file():
        return candidate
    # Editable installs keep the data at the repository root, next to src/.
    dev = Path(str(root)).parents[1] / "taxonomy"
    if (dev / "areas.yaml").is_file():
        return dev
    raise TaxonomyError([f"{candidate}: packaged taxonomy not found"], hint="reinstall domaincheck",
                        problems_ja=[f"{candidate}: 同梱のタクソノミーが見つかりません"],
                        hint_ja="domaincheck をインストールし直してください")


def _loader() -> Any:
    """The YAML loader: yaml's safe loader (its C one where built), refusing a key given twice in one mapping. A
    second `strong:` under a technology silently replaced the first list, and 13 terms were gone with the
    taxonomy said to be valid (a user test)."""
    global _LOADER
    if _LOADER is None:
        import yaml  # lazy: a warm start reads the compiled cache and never parses YAML

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class _UniqueKeys(base):  # type: ignore[misc, valid-type]
            def construct_mapping(self, node: Any, deep: bool = False) -> Any:
                seen: dict[Any, Any] = {}
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *anchor`: yaml merges it below
                        continue
                    key = self.construct_object(key_node, deep=deep)
                    try:
                        first = seen.setdefault(key, key_node)
                    except TypeError:  # a key that cannot be one (a list): yaml's own error says so
                        break
                    if first is not key_node:
                        raise yaml.constructor.ConstructorError(
                            f"while reading the mapping that starts at line {node.start_mark.line + 1}", None,
                            f"key {key!r} is given twice (lines {first.start_mark.line + 1} and "
                            f"{key_node.start_mark.line + 1}): the second would replace the first",
                            key_node.start_mark)  # fmt: skip
                return super().construct_mapping(node, deep=deep)

        _LOADER = _UniqueKeys
    return _LOADER


_LOADER: Any = None


def schema_doc() -> Path:
    """The taxonomy format's description, SCHEMA.md, as installed beside the packaged taxonomy."""
    return packaged_dir() / "SCHEMA.md"


def read_raw(directory: Path) -> tuple[dict[str, Any], str, list[str]]:
    """Parse every taxonomy file; return the documents, a digest of their bytes and the problems found."""
    import yaml  # lazy: a warm start reads the compiled cache and never parses YAML

    docs: dict[str, Any] = {}
    problems: list[str] = []
    digest = hashlib.sha256()
    if not directory.is_dir():
        what = "not a directory" if directory.exists() else "no such directory"
        what_ja = "フォルダではありません" if directory.exists() else "そのようなフォルダはありません"
        raise TaxonomyError([f"{directory}: {what}"], hint="a taxonomy is a directory of YAML files",
                            problems_ja=[f"{directory}: {what_ja}"],
                            hint_ja="タクソノミーは YAML ファイルの入ったフォルダです")  # fmt: skip
    if not any((directory / name).exists() for name in FILES):
        raise TaxonomyError([f"{directory}: holds no taxonomy (none of {', '.join(FILES)})"],
                            hint=f"a taxonomy is a directory of YAML files: see {schema_doc()}",
                            problems_ja=[f"{directory}: タクソノミーがありません（{', '.join(FILES)} の"
                                         "どれもありません）"],
                            hint_ja=f"タクソノミーは YAML ファイルの入ったフォルダです: {schema_doc()} を"
                            "参照")  # fmt: skip
    for name in FILES:
        path = directory / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            problems.append(Problem(f"{name}: file missing", f"{name}: ファイルがありません"))
            continue
        except OSError as exc:
            problems.append(Problem(f"{name}: cannot read: {exc.strerror}", f"{name}: 読めません: {exc.strerror}"))
            continue
        digest.update(name.encode() + b"\0" + data)
        try:
            doc = yaml.load(data.decode("utf-8"), Loader=_loader())
        except UnicodeDecodeError as exc:
            problems.append(Problem(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start})",
                                    f"{name}: UTF-8 ではありません（{exc.start} バイト目: {exc.reason}）"))
            continue
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            where_ja = f"（{mark.line + 1} 行 {mark.column + 1} 列）" if mark else ""
            problems.append(Problem(f"{name}: YAML syntax error{where}: {getattr(exc, 'problem', exc)}",
                                    f"{name}: YAML の文法の誤り{where_ja}: {getattr(exc, 'problem', exc)}"))
            continue
        if doc is None:
            problems.append(Problem(f"{name}: the file is empty (or holds only comments)",
                                    f"{name}: ファイルが空です（コメントしかありません）"))
            continue
        docs[name] = doc
    return docs, digest.hexdigest()[:16], problems


# ---- semantic checks ---------------------------------------------------------------------------------------------


def _semantic(docs: dict[str, Any]) -> Iterator[str]:
    """Cross-reference checks that need the whole taxonomy."""
    areas = docs["areas.yaml"]["areas"]
    area_ids = [a["id"] for a in areas]
    tier_ids = [t["id"] for t in docs["meta.yaml"]["tiers"]]
    yield from _unique_ids("meta.yaml", "tiers", tier_ids)
    for i, t in enumerate(tier_ids):
        if t not in TIERS:
            yield _unknown_choice(f"meta.yaml: tiers[{i}].id", "tier", t, TIERS)
    absent = [t for t in TIERS if t not in tier_ids]
    if absent:  # a taxonomy without one passed, and showing an area of it then failed (a review)
        listed = ", ".join(repr(t) for t in absent)
        yield Problem(f"meta.yaml: tiers: {listed} missing: both tiers ({', '.join(TIERS)}) are described there",
                      f"meta.yaml: tiers: {listed} がありません: 両方の区分（{', '.join(TIERS)}）をここに"
                      "書いてください")  # fmt: skip
    yield from _unique_ids("areas.yaml", "areas", area_ids)
    missing = [a for a in AREA_IDS if a not in area_ids]
    if missing:  # the contract is all 16: deleting one passed while renaming one did not (a user test)
        listed = ", ".join(repr(a) for a in missing)
        yield Problem(f"areas.yaml: areas: {listed} missing: the {len(AREA_IDS)} area ids are a public contract, kept "
                      "in every revision (give an area no longer used its technologies and terms, not none)",
                      f"areas.yaml: areas: {listed} がありません: {len(AREA_IDS)} の領域 id は公開の約束で、どの版にも"
                      "残します（使わなくなった領域も、技術と語を持たせて残してください）")  # fmt: skip
    version = docs["meta.yaml"].get("schema_version")
    if version not in SCHEMA_VERSIONS:
        readable = ", ".join(map(str, SCHEMA_VERSIONS))
        yield Problem(f"meta.yaml: schema_version: {version!r} is not a version this domaincheck reads ({readable})",
                      f"meta.yaml: schema_version: {version!r} はこの domaincheck が読める版ではありません"
                      f"（読める版: {readable}）")  # fmt: skip
    known_areas = set(area_ids)
    positives: dict[str, str] = {}
    excluded: dict[str, str] = {}
    groups = equivalent_groups(docs["meta.yaml"].get("equivalents", []))
    tech_seen: dict[str, str] = {}
    tech_area = {t["id"]: a["id"] for a in areas for t in a["technologies"]}
    for i, area in enumerate(areas):
        p = f"areas.yaml: areas[{i}]"
        if not _ID.match(area["id"]):
            yield _not_snake_case(f"{p}.id", area["id"])
        elif area["id"] not in AREA_IDS:
            near = difflib.get_close_matches(area["id"], AREA_IDS, n=1)
            yield Problem(f"{p}.id: {area['id']!r} is not one of the {len(AREA_IDS)} area ids, which are a public "
                          "contract" + (f" (did you mean {near[0]!r}?)" if near else ""),
                          f"{p}.id: {area['id']!r} は {len(AREA_IDS)} の領域 id（公開の約束）のどれでもありません"
                          + (f"（{near[0]!r} のことですか？）" if near else ""))  # fmt: skip
        if area["tier"] not in TIERS:
            yield _unknown_choice(f"{p}.tier", "tier", area["tier"], TIERS)
        own = {t["id"] for t in area["technologies"]}
        if not own:
            yield Problem(f"{p}.technologies: the area ({area['id']}) has no technology, so no term could ever find it",
                          f"{p}.technologies: 領域 {area['id']} に技術がありません: どの語もこの領域を見つけられません")
        yield from _qualifications(p, area.get("qualifications", []), known_areas, own, tech_area, area["id"])
        seen: dict[str, str] = {}
        spelled: dict[str, str] = {}  # the other spellings of the terms seen -> where the term is
        for j, tech in enumerate(area["technologies"]):
            tp = f"{p}.technologies[{j}]"
            if tech["id"] in tech_seen:
                yield _duplicate_id(f"{tp}.id", "technology", tech["id"], tech_seen[tech["id"]])
            tech_seen[tech["id"]] = tp
            for strength in ("strong", "support"):
                for term in tech["terms"].get(strength, []):
                    key = normalize_text(term)
                    if not key:
                        yield _empty_term(f"{tp}.terms.{strength}", term)
                    elif _too_short(key):
                        yield Problem(f"{tp}.terms.{strength}: term {term!r} is one character that is no kanji: it "
                                      "would match nearly every title (の, A)",
                                      f"{tp}.terms.{strength}: 語 {term!r} は漢字でない 1 文字です: ほとんどの"
                                      "タイトルに当たってしまいます（の、A）")  # fmt: skip
                    elif key in seen:
                        yield _duplicate_term(f"{tp}.terms.{strength}", term, seen[key])
                    else:
                        yield from _other_spelling(f"{tp}.terms.{strength}", term, key, seen, spelled, groups)
                        seen[key] = f"{tp}.terms.{strength}"
                        positives.setdefault(key, f"{tp}.terms.{strength}")
        for j, term in enumerate(area.get("exclude", [])):
            excluded.setdefault(normalize_text(term), f"{p}.exclude[{j}]")
    econsec = docs["econsec.yaml"]["econsec"]
    es_ids = [e["id"] for e in econsec]
    yield from _unique_ids("econsec.yaml", "econsec", es_ids)
    for i, es in enumerate(econsec):
        p = f"econsec.yaml: econsec[{i}]"
        if es["id"] in known_areas:
            yield Problem(f"{p}.id: {es['id']!r} clashes with an area id", f"{p}.id: {es['id']!r} は領域 id と同じです")
        if not _ID.match(es["id"]):
            yield _not_snake_case(f"{p}.id", es["id"])
        for j, a in enumerate(es["crosswalk"]):
            if a not in known_areas:
                yield _unknown_id(f"{p}.crosswalk[{j}]", "area", a)
        for j, t in enumerate(es.get("crosswalk_technologies", [])):
            if tech_area.get(t) not in es["crosswalk"]:
                yield _not_a_technology(f"{p}.crosswalk_technologies[{j}]", t, "an area in its crosswalk",
                                        "この経済安保領域が crosswalk に挙げる領域")
        seen = {}
        spelled = {}
        for strength in ("strong", "support"):
            for term in es["terms"].get(strength, []):
                key = normalize_text(term)
                if key in seen:
                    yield _duplicate_term(f"{p}.terms.{strength}", term, seen[key])
                else:
                    yield from _other_spelling(f"{p}.terms.{strength}", term, key, seen, spelled, groups)
                seen[key] = f"{p}.terms.{strength}"
                positives.setdefault(key, f"{p}.terms.{strength}")
        for j, term in enumerate(es.get("exclude", [])):
            excluded.setdefault(normalize_text(term), f"{p}.exclude[{j}]")
        for strength in ("strong", "support"):
            for term in es["terms"].get(strength, []):
                if not normalize_text(term):
                    yield _empty_term(f"{p}.terms.{strength}", term)
    for group in ("framing", "basic_science"):
        for j, term in enumerate(docs["meta.yaml"].get(group, {}).get("terms", [])):
            key = normalize_text(term)
            if key in positives:
                yield Problem(f"meta.yaml: {group}.terms[{j}]: term {term!r} is also a positive term "
                              f"({positives[key]})",
                              f"meta.yaml: {group}.terms[{j}]: 語 {term!r} は領域の語でもあります（{positives[key]}）")
        factor = docs["meta.yaml"].get(group, {}).get("factor", 1.0)
        if not 0 < factor <= 1:
            yield Problem(f"meta.yaml: {group}.factor: must be in (0, 1], got {factor}",
                          f"meta.yaml: {group}.factor: (0, 1] の範囲（0 より大きく 1 以下）にしてください。"
                          f"値: {factor}")  # fmt: skip
    named: dict[str, int] = {}
    for i, (names, keys) in enumerate(zip(docs["meta.yaml"].get("equivalents", []), groups, strict=True)):
        if len(set(keys)) < 2:
            yield Problem(f"meta.yaml: equivalents[{i}]: a group needs two or more different names, got {names!r}",
                          f"meta.yaml: equivalents[{i}]: 組には異なる名前が 2 つ以上要ります。値: {names!r}")
        for name, key in zip(names, keys, strict=True):
            if not key:
                yield Problem(f"meta.yaml: equivalents[{i}]: name {name!r} is empty after normalisation",
                              f"meta.yaml: equivalents[{i}]: 名前 {name!r} は正規化すると空になります")
            elif named.setdefault(key, i) != i:
                yield Problem(f"meta.yaml: equivalents[{i}]: name {name!r} is also in equivalents[{named[key]}]",
                              f"meta.yaml: equivalents[{i}]: 名前 {name!r} は equivalents[{named[key]}] にもあります")
    yield from _cased(docs)
    if "" in excluded:
        yield Problem(f"{excluded['']}: an exclusion term is empty after normalisation",
                      f"{excluded['']}: 除外語が正規化すると空になります")
    for key, where in excluded.items():
        if key in positives:
            yield Problem(f"{where}: term {key!r} is both excluded and a positive term ({positives[key]})",
                          f"{where}: 語 {key!r} が除外語と領域の語の両方にあります（{positives[key]}）")
    yield from _programs(docs["programs.yaml"]["programs"], known_areas, tech_area)
    ref = docs["reference.yaml"]
    region_ids = [r["id"] for r in ref["countries"]["regions"]]
    yield from _unique_ids("reference.yaml", "countries.regions", region_ids)
    for i, f in enumerate(ref["countries"]["fields"]):
        p = f"reference.yaml: countries.fields[{i}]"
        yield from _known(p + ".areas", f["areas"], known_areas, "area")
        for r in f["entries"]:
            if r not in region_ids:
                yield _unknown_id(f"{p}.entries.{r}", "region", r)
        for r in f.get("entries_en", {}):
            if r not in f["entries"]:
                yield Problem(f"{p}.entries_en.{r}: an English cell for a region with no cell in entries",
                              f"{p}.entries_en.{r}: entries にセルのない地域の英語のセルです")
    notes = ref.get("market_notes", [])
    yield from _unique_ids("reference.yaml", "market_notes", [n["id"] for n in notes])
    scopes = {n["id"]: n["scope"] for n in notes}
    for i, n in enumerate(notes):
        if n["scope"] not in NOTE_SCOPES:
            yield _unknown_choice(f"reference.yaml: market_notes[{i}].scope", "scope", n["scope"], NOTE_SCOPES)
    for i, m in enumerate(ref["markets"]):
        p = f"reference.yaml: markets[{i}]"
        yield from _known(p + ".areas", m["areas"], known_areas, "area")
        yield from _known(p + ".notes", m.get("notes", []), set(scopes), "market note")
        why = [n for n in m.get("notes", []) if scopes.get(n) == "cagr"]
        if m["cagr_percent"] is None and not why:
            yield Problem(f"{p}.cagr_percent: null needs a note that says why (a market note of scope cagr in notes)",
                          f"{p}.cagr_percent: null にはその理由を述べる注記が要ります（notes に scope が cagr の"
                          "市場の注記を挙げてください）")  # fmt: skip
        elif m["cagr_percent"] is not None and why:
            yield Problem(f"{p}.notes: {why[0]!r} says why a growth rate is missing, but the row has one",
                          f"{p}.notes: {why[0]!r} は成長率がない理由を述べる注記ですが、この行には成長率があります")
    for i, st in enumerate(ref.get("strategies", [])):
        yield from _known(f"reference.yaml: strategies[{i}].areas", st["areas"], known_areas, "area")


SCHEMA_VERSIONS = (1,)
"""The ``schema_version`` values of meta.yaml this domaincheck reads."""


def _too_short(key: str) -> bool:
    """Whether a normalised term is a single character other than a kanji (癌, 𩸽 are terms; の, A, 1 are not)."""
    return len(key) == 1 and not (unicodedata.name(key, "").startswith("CJK") or key in "々〇")


def _unique_ids(file: str, path: str, ids: list[str]) -> Iterator[str]:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            yield Problem(f"{file}: {path}[{i}].id: duplicate id {x!r}",
                          f"{file}: {path}[{i}].id: id {x!r} が重複しています")
        seen.add(x)


def _known(path: str, values: list[str], known: set[str], what: str) -> Iterator[str]:
    for j, v in enumerate(values):
        if v not in known:
            yield _unknown_id(f"{path}[{j}]", what, v)


def _qualifications(path: str, quals: list[dict[str, Any]], known: set[str], own: set[str] | None = None,
                    tech_area: dict[str, str] | None = None, area: str | None = None) -> Iterator[str]:  # fmt: skip
    for j, q in enumerate(quals):
        if q["kind"] not in ("inclusion", "exclusion"):
            yield Problem(f"{path}.qualifications[{j}].kind: expected inclusion or exclusion, got {q['kind']!r}",
                          f"{path}.qualifications[{j}].kind: inclusion か exclusion を書いてください。"
                          f"値: {q['kind']!r}")  # fmt: skip
        if "redirect" in q and q["redirect"] not in known:
            yield _unknown_id(f"{path}.qualifications[{j}].redirect", "area", q["redirect"])
        elif "redirect" in q and q["redirect"] == area:  # the area then yielded to itself, never reported (a review)
            yield Problem(f"{path}.qualifications[{j}].redirect: the area's own id {area!r}: a redirect names another "
                          "area",
                          f"{path}.qualifications[{j}].redirect: {area!r} はこの領域自身の id です: redirect には別の"
                          "領域を書きます")  # fmt: skip
        for k, tech in enumerate(q.get("technologies", [])):
            if own is None or tech not in own:
                yield _not_a_technology(f"{path}.qualifications[{j}].technologies[{k}]", tech, "this area", "この領域")
        for k, tech in enumerate(q.get("redirect_technologies", [])):
            if "redirect" not in q or tech_area is None or tech_area.get(tech) != q["redirect"]:
                yield _not_a_technology(f"{path}.qualifications[{j}].redirect_technologies[{k}]", tech,
                                        f"the redirect area {q.get('redirect')!r}",
                                        f"譲り先の領域（redirect: {q.get('redirect')!r}）")  # fmt: skip


def _programs(programs: list[dict[str, Any]], known: set[str], tech_area: dict[str, str]) -> Iterator[str]:
    area_techs: dict[str, set[str]] = {}
    for tech, area in tech_area.items():
        area_techs.setdefault(area, set()).add(tech)
    ids: dict[str, str] = {}
    for i, prog in enumerate(programs):
        p = f"programs.yaml: programs[{i}]"
        for pid, where in [(prog["id"], p)] + [
            (it["id"], f"{p}.items[{j}]") for j, it in enumerate(prog.get("items", []))
        ]:
            if pid in ids:
                yield _duplicate_id(f"{where}.id", "program", pid, ids[pid])
            ids[pid] = where
            if not _ID.match(pid):
                yield _not_snake_case(f"{where}.id", pid)
        if prog["kind"] not in PROGRAM_KINDS:
            yield _unknown_choice(f"{p}.kind", "kind", prog["kind"], PROGRAM_KINDS)
        for j, t in enumerate(prog["tiers"]):
            if t not in TIERS:
                yield _unknown_choice(f"{p}.tiers[{j}]", "tier", t)
        yield from _known(p + ".focus", prog.get("focus", []), known, "area")
        if prog.get("econsec_editorial") and not prog.get("econsec"):
            yield Problem(f"{p}.econsec_editorial: set without econsec: true (it says how the program serves those "
                          "areas)",
                          f"{p}.econsec_editorial: econsec: true がないのに設定されています（これは、プログラムが"
                          "経済安保の領域にどう役立つかを述べる値です）")  # fmt: skip
        for j, it in enumerate(prog.get("items", [])):
            yield from _known(f"{p}.items[{j}].areas", it["areas"], known, "area")
            for k, t in enumerate(it.get("technologies", [])):
                if tech_area.get(t) not in it["areas"]:
                    yield _not_a_technology(f"{p}.items[{j}].technologies[{k}]", t, "an area in its focus",
                                            "この項目が areas に挙げる領域")
            for k, t in enumerate(it.get("closed_by", [])):
                if t not in tech_area:
                    yield _not_a_technology(f"{p}.items[{j}].closed_by[{k}]", t, "any area", "どの領域")
            narrowed = narrowed_areas(area_techs, it["areas"], it.get("technologies", []))
            if it.get("closed_by") and not any(tech_area.get(t) in narrowed for t in it["closed_by"]):
                yield Problem(f"{p}.items[{j}].closed_by: closes nothing: none of its technologies belongs to an area "
                              "that the item's technologies narrow",
                              f"{p}.items[{j}].closed_by: 何も閉じません: どの技術も、この項目が technologies で"
                              "絞る領域のものではありません")  # fmt: skip
        for k, t in enumerate(prog.get("technologies", [])):
            if tech_area.get(t) not in prog.get("focus", []):
                yield _not_a_technology(f"{p}.technologies[{k}]", t, "an area in its focus",
                                        "このプログラムが focus に挙げる領域")


# ---- building records --------------------------------------------------------------------------------------------


_Pages = tuple[tuple[int, int, Text], ...]
"""meta.yaml's ``source.pages``: (first line, last line, what the page is)."""


def _src(d: dict[str, Any], pages: _Pages) -> SourceRef:
    page = next((text for first, last, text in pages if first <= d["line"] <= last), None)
    return SourceRef(d["section"], d["line"], page)


def _text(d: dict[str, Any] | None) -> Text | None:
    return Text(d["ja"], d["en"]) if d else None


def _statement(d: dict[str, Any]) -> Statement:
    return Statement(d["ja"], d["en"], d.get("line"))


def _statements(items: list[dict[str, Any]] | None) -> tuple[Statement, ...]:
    return tuple(map(_statement, items or ()))


def _quals(items: list[dict[str, Any]] | None, pages: _Pages) -> tuple[Qualification, ...]:
    return tuple(
        Qualification(q["kind"], Text(q["ja"], q["en"]), q.get("redirect"), _src(q["source"], pages),
                      tuple(q["technologies"]) if "technologies" in q else None,
                      tuple(q.get("redirect_technologies", ())))
        for q in items or ()
    )


def _build(docs: dict[str, Any], location: str, digest: str) -> Taxonomy:
    meta = docs["meta.yaml"]
    pages = tuple((p["first"], p["last"], Text(p["ja"], p["en"])) for p in meta["source"].get("pages", ()))

    def cite(d: dict[str, Any]) -> SourceRef:  # an entry's source, with its page where the source lost its title
        return _src(d, pages)

    tiers = tuple(
        Tier(t["id"], t["name_ja"], t["name_en"], Text(**t["definition"]), _statements(t["criteria"]),
             _quals(t.get("qualifications"), pages), _statements(t.get("notes")), cite(t["source"]))
        for t in meta["tiers"]
    )  # fmt: skip
    areas = tuple(
        Area(
            a["id"], a["tier"], a["name_ja"], a["name_en"], a["official_ja"], a["official_en"], cite(a["source"]),
            _quals(a.get("qualifications"), pages),
            tuple(
                Technology(t["id"], t["name_ja"], t["name_en"], t["in_source"], cite(t["source"]),
                           tuple(t["terms"].get("strong", ())), tuple(t["terms"].get("support", ())))
                for t in a["technologies"]
            ),
            tuple(a.get("exclude", ())),
        )
        for a in docs["areas.yaml"]["areas"]
    )  # fmt: skip
    econsec = tuple(
        EconSecArea(e["id"], e["name_ja"], e["name_en"], cite(e["source"]), tuple(e["crosswalk"]),
                    tuple(e["terms"].get("strong", ())), tuple(e["terms"].get("support", ())),
                    tuple(e.get("exclude", ())), tuple(e.get("crosswalk_technologies", ())))
        for e in docs["econsec.yaml"]["econsec"]
    )  # fmt: skip
    programs = tuple(
        Program(
            p["id"], p["kind"], p["name_ja"], p["name_en"], tuple(p["tiers"]), bool(p.get("econsec", False)),
            _text(p.get("operator")), _statement(p["summary"]) if p.get("summary") else None,
            _statements(p.get("facts")), tuple(p.get("focus", ())),
            tuple(ProgramItem(i["id"], i["name_ja"], i["name_en"], tuple(i["areas"]), _statements(i.get("facts")),
                              cite(i["source"]), tuple(i.get("technologies", ())), tuple(i.get("closed_by", ())))
                  for i in p.get("items", ())),
            cite(p["source"]), bool(p.get("econsec_editorial", False)), tuple(p.get("technologies", ())),
        )
        for p in docs["programs.yaml"]["programs"]
    )  # fmt: skip
    ref = docs["reference.yaml"]
    regions = tuple(
        Region(r["id"], r["name_ja"], r["name_en"], _text(r.get("document"))) for r in ref["countries"]["regions"]
    )
    fields = tuple(
        CountryField(f["id"], f["name_ja"], f["name_en"], tuple(f["areas"]), dict(f["entries"]),
                     cite(ref["countries"]["source"]), dict(f.get("entries_en", {})))
        for f in ref["countries"]["fields"]
    )
    markets = tuple(
        MarketExample(m["field_ja"], m["technology_ja"], m["technology_en"], tuple(m["areas"]),
                      float(m["size_trillion_yen"]), m["year"],
                      None if m["cagr_percent"] is None else float(m["cagr_percent"]), m["cited"], cite(m["source"]),
                      tuple(m.get("notes", ())), m.get("field_en", ""), m.get("cited_en", ""))
        for m in ref["markets"]
    )  # fmt: skip
    market_notes = tuple(MarketNote(n["id"], n["mark"], n["scope"], Text(n["ja"], n["en"]), cite(n["source"]),
                                    n.get("mark_en", ""))
                         for n in ref.get("market_notes", ()))  # fmt: skip
    strategies = tuple(Strategy(st["name_ja"], st["name_en"], Text(**st["decided"]), tuple(st["areas"]),
                                cite(st["source"])) for st in ref.get("strategies", ()))  # fmt: skip
    src = meta["source"]
    document = SourceDocument(src["title_ja"], src["title_en"], src["issuer_ja"], src["issuer_en"], src["date"])
    framing, basic = meta.get("framing", {}), meta.get("basic_science", {})
    return Taxonomy(meta["taxonomy_version"], document, tiers, areas, econsec, programs, regions, fields, markets,
                    location, digest, tuple(framing.get("terms", ())), float(framing.get("factor", 1.0)),
                    tuple(basic.get("terms", ())), float(basic.get("factor", 1.0)), strategies,
                    market_notes, tuple(tuple(group) for group in meta.get("equivalents", ())),
                    tuple(meta.get("cased", ())))  # fmt: skip


def _cased(docs: dict[str, Any]) -> Iterator[Problem]:
    """Case-sensitive terms: one word of Latin letters and digits with a capital, each a term listed somewhere."""
    listed: set[str] = set()
    for area in docs["areas.yaml"]["areas"]:
        for tech in area["technologies"]:
            for strength in ("strong", "support"):
                listed.update(tech["terms"].get(strength, []))
        listed.update(area.get("exclude", []))
    for es in docs["econsec.yaml"]["econsec"]:
        for strength in ("strong", "support"):
            listed.update(es["terms"].get(strength, []))
        listed.update(es.get("exclude", []))
    for group in ("framing", "basic_science"):
        listed.update(docs["meta.yaml"].get(group, {}).get("terms", []))
    seen: set[str] = set()
    keys: dict[str, str] = {}  # a cased term's letters, folded -> the term
    for i, term in enumerate(docs["meta.yaml"].get("cased", [])):
        where = f"meta.yaml: cased[{i}]"
        if not _CASED.fullmatch(term):
            yield Problem(f"{where}: {term!r} is not one word of Latin letters and digits with a capital letter "
                          "(GAN): only such a word's case can tell one term from another",
                          f"{where}: {term!r} は大文字を含むラテン文字と数字の 1 語（GAN）ではありません: 大文字と"
                          "小文字で語を見分けられるのはそのような語だけです")  # fmt: skip
        elif term not in listed:
            yield Problem(f"{where}: {term!r} is not a term of any area, econ-security area, exclusion or framing "
                          "list, as written",
                          f"{where}: {term!r} は（この綴りのままでは）どの領域・経済安保領域・除外語・枠組みの語でも"
                          "ありません")  # fmt: skip
        elif term in seen:
            yield Problem(f"{where}: {term!r} is listed twice", f"{where}: {term!r} が 2 回あります")
        elif keys.setdefault(normalize_text(term), term) != term:
            other = keys[normalize_text(term)]
            yield Problem(f"{where}: {term!r} and {other!r} are both case-sensitive: one of two spellings is, and the "
                          "other then matches every other case",
                          f"{where}: {term!r} と {other!r} の両方が大文字・小文字を区別する語になっています。区別する"
                          "のは一方だけにし、もう一方がほかの書き方すべてに当たるようにしてください")  # fmt: skip
        seen.add(term)


def validate(directory: Path) -> tuple[dict[str, Any], str, list[str]]:
    """Parse and check a taxonomy directory; return its documents, digest and every problem found."""
    return _validated(directory)[:3]


def _validated(directory: Path) -> tuple[dict[str, Any], str, list[str], bool]:
    """:func:`validate`, and whether the files' meaning was checked too: only files of the right shape (readable
    YAML, the keys and types of SCHEMA.md) are, so a file of the wrong shape may hide more problems."""
    docs, digest, problems = read_raw(directory)
    for name, doc in docs.items():
        found: list[str] = []
        _check(doc, SPECS[name], "", found)
        problems.extend(Problem(msg, ja_of(msg)).prefixed(name) for msg in found)
    shaped = not problems
    if shaped:
        problems.extend(_semantic(docs))
    return docs, digest, [_named_path(problem, docs) for problem in problems], shaped


_LIST_PATH = re.compile(r"^(areas|econsec|programs|market_notes|markets|strategies)\[(\d+)\]"
                        r"(?:\.(technologies|items)\[(\d+)\])?")


def _named_path(problem: str, docs: dict[str, Any]) -> str:
    """``problem`` with the ids of the entries its path goes through after it: ``areas[1].name_ja: missing required
    key (area 'quantum')``. Paths index lists of a 228 KB file, which a person had to count by hand (a user
    test)."""
    name, sep, rest = problem.partition(": ")
    found = _LIST_PATH.match(rest) if sep else None
    if found is None:
        return problem
    top, i, inner, j = found.groups()
    try:
        entry = docs[name][top][int(i)]
        named = [(top, *_entry_names(top, entry))]
        if inner is not None:
            named.append((inner, *_entry_names(inner, entry[inner][int(j)])))
    except (KeyError, IndexError, TypeError):  # an entry without an id (the problem may be just that)
        return problem
    en = ", ".join(f"{_ENTRY_WORDS[kind]} {ident!r}" for kind, ident, _ in named)
    ja = "、".join(f"{_ENTRY_WORDS_JA[kind]} {ident!r}" for kind, _, ident in named)
    return Problem(f"{problem} ({en})", f"{ja_of(problem)}（{ja}）")


def _entry_names(kind: str, entry: dict[str, Any]) -> tuple[str, str]:
    """What names an entry of a list, in English and in Japanese: its id; a market row, which has none, by its
    technology, a strategy by its name (the user test could not find market_notes[1] in the file)."""
    if kind == "markets":
        return str(entry["technology_en"]), str(entry["technology_ja"])
    if kind == "strategies":  # two strategies may share a name, revised: the date tells them apart (a review)
        given = entry.get("decided")
        decided: dict[str, Any] = given if isinstance(given, dict) else {}
        return (f"{entry['name_en']}, {decided.get('en', '')}".rstrip(", "),
                f"{entry['name_ja']}、{decided.get('ja', '')}".rstrip("、"))  # fmt: skip
    return str(entry["id"]), str(entry["id"])


_ENTRY_WORDS = {"areas": "area", "econsec": "econ-security area", "programs": "program", "technologies": "technology",
                "items": "item", "market_notes": "market note", "markets": "market", "strategies": "strategy"}
_ENTRY_WORDS_JA = {"areas": "領域", "econsec": "経済安保領域", "programs": "プログラム", "technologies": "技術",
                   "items": "項目", "market_notes": "市場の注記", "markets": "市場", "strategies": "戦略"}


def load(directory: str | Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy; ``None`` means the packaged one. Raises TaxonomyError listing every problem."""
    path = packaged_dir() if directory is None else Path(directory)
    docs, digest, problems, shaped = _validated(path)
    if problems:
        more, more_ja = ("", "") if shaped else (
            "; the other checks (ids, terms, cross-references) run once these are fixed, and may find more",
            "。ほかの検査（id、語、相互参照）はこれらを直した後に行われ、さらに問題が見つかることがあります")
        raise TaxonomyError(problems, hint=f"fix the files in {path} (see {schema_doc()}){more}",
                            problems_ja=[ja_of(problem) for problem in problems],
                            hint_ja=f"{path} のファイルを直してください（{schema_doc()} を参照）{more_ja}")
    return _build(docs, PACKAGED if directory is None else str(path), digest)


def packaged_provenance() -> str:
    """The packaged taxonomy's version and the digests of its files and model, as ``taxonomy validate`` and
    ``--summary-json`` give them, read without parsing (``--version``: a pipeline records which lists it ran with; a
    data engineer's user test found no version in classify's output)."""
    try:
        directory = packaged_dir()
    except TaxonomyError:  # a damaged install: --version still says what it is (the commands say what to do)
        return "taxonomy: not found"
    digest = hashlib.sha256()
    version = "?"
    for name in FILES:
        try:
            data = (directory / name).read_bytes()
        except OSError:
            continue
        digest.update(name.encode() + b"\0" + data)
        if name == "meta.yaml":
            # quoted either way (a # inside quotes is the value's) or not, a comment after it, a byte-order mark;
            # bytes that are not UTF-8 are shown, not raised (two reviews)
            found = re.search(rb"""^taxonomy_version:[ \t]*(?:"([^"\r\n]*)"|'([^'\r\n]*)'|([^\s#"'][^#\r\n]*?))"""
                              rb"""[ \t]*(?:#.*)?\r?$""", data.removeprefix(b"\xef\xbb\xbf"), re.MULTILINE)
            value = next((g for g in found.groups() if g is not None), b"") if found else b""
            version = value.decode("utf-8", "replace").strip() or version
    model = learned_digest(None)
    return f"taxonomy {version}, content {digest.hexdigest()[:16]}" + (f", model {model}" if model else "")


SOURCE_TEXT = "source.txt"
"""The source document's text, shipped beside the taxonomy's files: every entry's ``line`` counts its lines."""


def source_lines(location: str | Path | None) -> list[str]:
    """The lines of the source document shipped with the taxonomy at ``location`` (None or :data:`PACKAGED`: the
    packaged one), numbered as the entries' ``line`` numbers them (``[0]`` is line 1): a user can read what an
    entry cites without the document at hand (a research-security office's user test could not find line 332 in
    the PDF). InputError when the taxonomy ships none or it cannot be read."""
    from .errors import InputError

    directory = packaged_dir() if location in (None, PACKAGED) else Path(location)
    path = directory / SOURCE_TEXT
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"the taxonomy in {directory} ships no source text ({SOURCE_TEXT})",
                         hint="its entries' lines point into the document it was made from",
                         ja=f"{directory} のタクソノミーには出典の本文（{SOURCE_TEXT}）がありません",
                         hint_ja="各項目の行は、それを作った元の文書の行です") from None  # fmt: skip
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text (byte {exc.start})",
                         ja=f"{path} は UTF-8 のテキストではありません（バイト位置 {exc.start}）") from None
    except OSError as exc:
        from .errors import reason_ja

        raise InputError(f"cannot read {path}: {exc.strerror or exc}",
                         ja=f"{path} を読めません: {reason_ja(exc)}") from None
    # Lines end at a line feed, a carriage return or both, as editors and grep count them (not at a form feed or a
    # line separator, which str.splitlines takes for line ends too: none is in the source document, a test checks)
    from .io.titles import LINE_END

    lines = LINE_END.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def source_line_problems(directory: Path) -> list[str]:
    """Every ``line`` of the taxonomy's files at ``directory`` that is not a line of its ``source.txt`` (beyond its
    end, or blank), as problems named by their entries (``taxonomy validate``; an integrator's user test found a line
    99999 validated, and ``show`` citing it); none when the taxonomy ships no source text. Kept out of :func:`load`,
    which a cold start runs: the source text is read only to check it."""
    if not (directory / SOURCE_TEXT).is_file():
        return []
    lines = source_lines(directory)
    count = len(lines)
    docs, _, _ = read_raw(directory)
    found: list[str] = []

    def walk(node: Any, where: str, name: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                at = f"{where}.{key}" if where else str(key)
                if key == "line" and isinstance(value, int) and not isinstance(value, bool):
                    if not 1 <= value <= count:
                        found.append(_named_path(Problem(
                            f"{name}: {at}: line {value} is not in {SOURCE_TEXT} (lines 1-{count})",
                            f"{name}: {at}: {value} 行目は {SOURCE_TEXT} にありません（1〜{count} 行）"), docs))
                    elif not lines[value - 1].strip():
                        found.append(_named_path(Problem(
                            f"{name}: {at}: line {value} of {SOURCE_TEXT} is blank",
                            f"{name}: {at}: {SOURCE_TEXT} の {value} 行目は空行です"), docs))
                else:
                    walk(value, at, name)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]", name)

    for name, doc in docs.items():
        walk(doc, "", name)
    pages = (docs.get("meta.yaml") or {}).get("source", {}).get("pages", ())
    for i, page in enumerate(pages):  # each page's cue is its text, between its first and last lines
        first, last, cue = page["first"], page["last"], page["cue"]
        at = f"meta.yaml: source.pages[{i}]"
        if first > last or last > count:
            found.append(Problem(f"{at}: lines {first}-{last} are no range of {SOURCE_TEXT} (lines 1-{count})",
                                 f"{at}: {first}〜{last} 行は {SOURCE_TEXT} の行の範囲ではありません（1〜{count} 行）"))
        elif not any(cue in line for line in lines[first - 1 : last]):
            found.append(Problem(f"{at}: {cue!r} is not in lines {first}-{last} of {SOURCE_TEXT}",
                                 f"{at}: {SOURCE_TEXT} の {first}〜{last} 行に {cue!r} はありません"))  # fmt: skip
        if any(other["first"] <= last and first <= other["last"] for other in pages[:i]):
            found.append(Problem(f"{at}: lines {first}-{last} overlap an earlier page's",
                                 f"{at}: {first}〜{last} 行が前のページの行と重なっています"))  # fmt: skip
    return found


def line_numbers(specs: list[str], count: int, context: int = 0) -> list[int]:
    """The line numbers that ``specs`` name (``71``, ``70-75``; several), each widened by ``context`` lines before
    and after within 1..``count``, in order, each once; all of them when ``specs`` is empty. UsageError for a spec
    that is no number or range, or a line outside the document."""
    from .errors import UsageError

    if not specs:
        return list(range(1, count + 1))
    wanted: set[int] = set()
    for spec in specs:
        folded = unicodedata.normalize("NFKC", spec).strip().replace("〜", "-").replace("~", "-")
        found = re.fullmatch(r"0*([0-9]{1,9})(?:\s*[-–]\s*0*([0-9]{1,9}))?", folded)  # 9 digits: no line is longer
        if found is None:
            raise UsageError(f"{spec!r} is no line number or range (71, 70-75)",
                             ja=f"{spec!r} は行番号でも範囲でもありません（71、70-75 のように指定します）")
        first = int(found.group(1))
        last = int(found.group(2) or first)
        if first > last:
            first, last = last, first
        if first < 1 or last > count:  # (a range written backwards was put in order above)
            raise UsageError(f"{spec!r} is outside the source document, whose lines are 1-{count}",
                             ja=f"{spec!r} は出典の範囲外です（行は 1-{count}）")
        wanted.update(range(max(1, first - context), min(count, last + context) + 1))
    return sorted(wanted)


def learned_digest(location: str | Path | None) -> str | None:
    """A digest of the learned model's file (``learned.json``) of the taxonomy at ``location`` (None or
    :data:`PACKAGED`: the packaged one), or None when it has none: the taxonomy's own digest covers its YAML files,
    and two runs whose models differed carried the same provenance (a user test)."""
    directory = packaged_dir() if location in (None, PACKAGED) else Path(location)
    try:
        return hashlib.sha256((directory / "learned.json").read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def loose_name(text: str) -> str:
    """A normalised name without its spaces, hyphens, underscores and middle dots: names compared so are the same
    name written otherwise (bio-healthcare, Bio Healthcare; ALCA-Next, alca_next)."""
    return re.sub(r"[\s\-_‐・]+", "", text)


def resolver(names: dict[str, str]) -> Callable[[str], list[tuple[str, float]]]:
    """A fuzzy resolver over ``{label: id}``: returns candidate ids with scores, best first. A query equal to a
    label, or to one by :func:`loose_name`, scores 100. A Latin query is near a label, or one of its words, as a
    whole, or starts a word with four letters or more (health: healthcare), never as a part inside a longer word
    (car in healthcare, foo in agri_food, iot in biotechnology: a user test, a review); Japanese, written without
    spaces, is matched in part (量子関連 in 量子関連技術)."""
    from rapidfuzz import fuzz, process, utils

    keys = list(names)
    normalized = {k: normalize_text(k) for k in keys}
    loose = {k: loose_name(normalized[k]) for k in keys}
    words = {k: [w for w in re.split(r"[\W_]+", normalized[k]) if w] for k in keys}

    def resolve(query: str) -> list[tuple[str, float]]:
        q = normalize_text(query)
        bare = loose_name(q)
        exact = [names[k] for k in keys if normalized[k] == q or (bare and loose[k] == bare)]
        if exact:
            return [(exact[0], 100.0)]
        best: dict[str, float] = {}
        if q.isascii():
            for k in keys:
                # (a word, or a word's start, is not the whole name: 99 at most, so the reader is told what was shown)
                score = max([fuzz.ratio(q, normalized[k]), fuzz.ratio(bare, loose[k]),
                             *(min(99.0, 95.0 if len(q) >= 4 and w.startswith(q) else fuzz.ratio(q, w))
                               for w in words[k])])  # fmt: skip
                best[names[k]] = max(best.get(names[k], 0.0), score)
        else:
            found = process.extract(q, {k: normalized[k] for k in keys}, scorer=fuzz.WRatio,
                                    processor=utils.default_process, limit=10)  # fmt: skip
            for _, score, key in found:
                best[names[key]] = max(best.get(names[key], 0.0), float(score))
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:10]

    return resolve


def _other_spelling(where: str, term: str, key: str, seen: dict[str, str], spelled: dict[str, str],
                    groups: tuple[tuple[str, ...], ...]) -> Iterator[str]:  # fmt: skip
    """A term that is another term's British or American spelling or its form with an equivalent name (meta.yaml:
    equivalents), or whose such form is a term seen before: the matcher makes one from the other, so the entry only
    adds a second piece of evidence for one word. (Checked both ways: -ize always gives -ise, but -ise gives -ize
    only in -isation.)"""
    variants = [spelling for name in equivalent_forms(key, groups) for spelling in spellings(name)][1:]
    other = spelled.get(key) or next((seen[v] for v in variants if v in seen), None)
    for variant in variants:
        spelled.setdefault(variant, where)
    if other is not None:
        yield Problem(f"{where}: {term!r} is another spelling of a term in {other}, or the same with an equivalent "
                      "name, which already matches it: list one",
                      f"{where}: {term!r} は {other} の語の別の綴り（または同義の名前に置き換えたもの）で、その語が"
                      "すでに当たります: どちらか一方にしてください")  # fmt: skip
