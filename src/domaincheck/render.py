"""Renderers: one per output format, each writing to the stream or console it is given."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from .models import (
    EDITORIAL_MARK,
    KIND_NAMES_JA,
    LEARNED,
    NOT_PROBLEMS,
    SHORT_TITLE_CHARS,
    TIERS,
    VERDICT_WORDS,
    Area,
    EconSecArea,
    Evidence,
    Program,
    ProgramHit,
    Result,
    Statement,
    Taxonomy,
    editorial_ids,
    has_strong,
    program_entry,
    program_names,
    support_only,
    terms_and_learned,
)

if TYPE_CHECKING:
    from rich.console import Console

    from .evaluate import Labelled, Report
    from .screen import Summary


class ListFormat(str, Enum):
    """Formats of the listing commands."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class ClassifyFormat(str, Enum):
    """Formats of ``classify``."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class Lang(str, Enum):
    """Label language."""

    ja = "ja"
    en = "en"


def dump_json(data: Any, out: IO[str]) -> None:
    """Write JSON with non-ASCII kept readable and a trailing newline."""
    out.write(json.dumps(data, ensure_ascii=False, indent=2))
    out.write("\n")


# ---- listings: each builds JSON data and flat rows --------------------------------------------------------------


def _src(ref: Any) -> dict[str, Any]:
    """An entry's source for JSON: its heading path and line, and what its page is where the source text lost the
    slide's title and the heading path names another's (the Moonshot goals under the SIP overview: a user test)."""
    data: dict[str, Any] = {"section": ref.section, "line": ref.line}
    if ref.page is not None:
        data["page"] = _text(ref.page)
    return data


def _text(t: Any) -> dict[str, str] | None:
    return {"ja": t.ja, "en": t.en} if t is not None else None


def statement_data(t: Any) -> dict[str, Any]:
    """A sentence of the source with its line (None where the taxonomy gives none)."""
    return {"ja": t.ja, "en": t.en, "line": t.line}


def _lines_of(lines: Sequence[int | None], lang: str) -> str:
    """Where statements are in the source, said after them: ``（出典360〜362、388行）``, `` (lines 360-362, 388)``,
    runs of lines joined; empty when the taxonomy gives no line."""
    known = sorted({n for n in lines if n is not None})
    runs: list[list[int]] = []
    for n in known:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    dash, comma = ("〜", "、") if lang == "ja" else ("-", ", ")
    said = comma.join(f"{r[0]}{dash}{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    if not said:
        return ""
    if lang == "ja":
        return f"（出典{said}行）"
    return f" (line {said})" if len(known) == 1 else f" (lines {said})"


def tier_data(tax: Taxonomy, tier: Any, areas: Sequence[Area]) -> dict[str, Any]:
    """The JSON object of one tier with its ``areas`` (``domains``): what the source says of it follows the areas,
    keys added later coming last."""
    return {"id": tier.id, "name_ja": tier.name_ja, "name_en": tier.name_en, "definition": _text(tier.definition),
            "areas": [area_data(tax, a) for a in areas if a.tier == tier.id], "source": _src(tier.source),
            "criteria": [statement_data(x) for x in tier.criteria],
            "notes": [statement_data(x) for x in tier.notes]}  # fmt: skip


def area_data(tax: Taxonomy, area: Area) -> dict[str, Any]:
    """The JSON object of one area (used by ``domains`` and as the base of ``show``)."""
    return {
        "id": area.id,
        "tier": area.tier,
        "name_ja": area.name_ja,
        "name_en": area.name_en,
        "official_ja": area.official_ja,
        "official_en": area.official_en,
        "qualifications": [
            # The text is the source's; where its rule leads (the redirect, the technologies) is this taxonomy's
            # reading: the source maps no area onto another.
            {"kind": q.kind, "ja": q.text.ja, "en": q.text.en, "redirect": q.redirect,
             "technologies": list(q.technologies or ()), "editorial": q.redirect is not None, "source": _src(q.source)}
            for q in (*tax.tier(area.tier).qualifications, *area.qualifications)
        ],
        "technologies": [
            {"id": t.id, "name_ja": t.name_ja, "name_en": t.name_en, "in_source": t.in_source,
             "source": _src(t.source), "strong_terms": len(t.strong), "support_terms": len(t.support)}
            for t in area.technologies
        ],
        "source": _src(area.source),
    }  # fmt: skip


def domains_rows(tax: Taxonomy, areas: Sequence[Area], lang: str) -> list[dict[str, str]]:
    """Flat rows for ``domains``."""
    return [
        {
            "tier": a.tier,
            "tier_name": tax.tier(a.tier).name_en if lang == "en" else tax.tier(a.tier).name_ja,
            "id": a.id,
            "name": a.name(lang),
            "official": a.official_en if lang == "en" else a.official_ja,
            "technologies": " / ".join((t.name_en if lang == "en" else t.name_ja) for t in a.technologies
                                       if t.in_source),
            "terms": str(sum(len(t.strong) + len(t.support) for t in a.technologies)),
            "source_line": str(a.source.line),
        }
        for a in areas
    ]  # fmt: skip


_STATEMENT_KINDS = {"ja": {"definition": "定義", "criterion": "観点", "qualification": "対象", "note": "留意"},
                    "en": {"definition": "definition", "criterion": "criterion", "qualification": "scope",
                           "note": "note"}}  # fmt: skip
"""How ``domains --notes`` labels a tier's statements."""
_STATEMENT_KINDS_JA = {_STATEMENT_KINDS["en"][k]: ja for k, ja in _STATEMENT_KINDS["ja"].items()}
"""A statement's English label (the CSV's) → the Japanese table's."""


def tier_statements(tier: Any) -> list[tuple[str, Any, int | None]]:
    """A tier's definition, criteria, scope rules and notes, as (kind, bilingual text, source line), in that order:
    what the source says of the tier as a whole (``domains --notes``)."""
    rules = tier.qualifications
    return ([("definition", tier.definition, tier.source.line)]
            + [("criterion", c, c.line) for c in tier.criteria]
            + [("qualification", q.text, q.source.line) for q in rules]
            # a note that states a scope rule again (line 47: また、…支援の対象とする必要がある。) is said once
            + [("note", n, n.line) for n in tier.notes
               if not any(q.source.line == n.line and q.text.ja in n.ja for q in rules)])  # fmt: skip


def tier_notes_rows(tax: Taxonomy, tiers: Sequence[Any], lang: str) -> list[dict[str, str]]:
    """Flat rows of ``domains --notes``: one per statement of each tier."""
    # kind as an English key in every language, as other listings' CSV keeps its keys (a README audit): the
    # Japanese table and Markdown say it in Japanese (_japanese_rows)
    return [{"tier": t.id, "tier_name": t.name_en if lang == "en" else t.name_ja,
             "kind": _STATEMENT_KINDS["en"][kind], "text": text.get(lang),
             "source_line": "" if line is None else str(line)}
            for t in tiers for kind, text, line in tier_statements(t)]  # fmt: skip


def domains_title(tax: Taxonomy, ja: bool) -> str:
    """What `domains` lists, from which document and taxonomy version: the tree's root, the Markdown's title line."""
    doc = tax.document
    return f"{doc.title_ja} ({doc.date}) — タクソノミー {tax.version}" if ja \
        else f"{doc.title_en} ({doc.date}) — taxonomy {tax.version}"  # fmt: skip


def domains_tree(tax: Taxonomy, areas: Sequence[Area], lang: str, notes: bool = False) -> Any:
    """Tiers → areas → named technologies, as a rich Tree (the table format of ``domains``); with ``notes``, each
    tier's definition, criteria, scope rules and notes come first under it, each with its line."""
    from rich.text import Text as RText
    from rich.tree import Tree

    from .wrap_ja import Wrapped

    ja = lang == "ja"
    root = Tree(RText(domains_title(tax, ja), style="bold"))
    for tier in tax.tiers:
        members = [a for a in areas if a.tier == tier.id]
        if not members:
            continue
        branch = root.add(RText(f"{tier.name_ja}（{tier.id}、{len(members)} 領域）" if ja
                                else f"{tier.name_en} ({tier.id}, {len(members)})", style="bold cyan"))  # fmt: skip
        if notes:
            said = branch.add(RText("出典が区分について述べること" if ja else "What the source says of the tier",
                                    style="bold"))  # fmt: skip
            for kind, text, line in tier_statements(tier):
                label = _STATEMENT_KINDS[lang][kind]
                said.add(Wrapped(RText.assemble((f"{label}: ", "bold"), text.get(lang),
                                                (_lines_of([line], lang), "dim"))))
        for a in members:
            official = a.official_ja if ja else a.official_en
            terms = sum(len(t.strong) + len(t.support) for t in a.technologies)
            counts = f"[{terms} 語、出典{a.source.line}行]" if ja else f"[{terms} terms, line {a.source.line}]"
            head = RText.assemble((a.id, "bold"), f"  {a.name(lang)} — {official}", (f"  {counts}", "dim"))
            # broken as Japanese is, the counts never: `[220 語、出典74行]` broke after `[220` (a fourth user test)
            node = branch.add(Wrapped(head, not ja, keep=[(len(head) - len(counts), len(head))]))
            for t in a.technologies:
                if t.in_source:
                    node.add(Wrapped(RText(t.name_ja if ja else t.name_en), not ja))
            related = [t for t in a.technologies if not t.in_source]
            if related:
                node.add(RText(f"＋関連技術 {len(related)} 件（domaincheck show {a.id} を参照）" if ja
                               else f"+ {len(related)} related technolog{'y' if len(related) == 1 else 'ies'} "
                               f"(see `domaincheck show {a.id}`)", style="dim"))  # fmt: skip
    return root


def programs_data(tax: Taxonomy, programs: Sequence[Any]) -> list[dict[str, Any]]:
    """The JSON objects of ``programs`` (:class:`ProgramHit`) as ``show`` and ``econsec ID`` give them: classify's,
    with why each applies in both languages and the program's or item's source."""
    sources = {p.id: p.source for p in tax.programs} | {i.id: i.source for p in tax.programs for i in p.items}
    return [{**p.to_dict(), "why_ja": program_why(p, tax, "ja"), "why_en": program_why(p, tax, "en"),
             "source": _src(sources[p.id])} for p in programs]  # fmt: skip


def program_rows(programs: list[dict[str, Any]], lang: str, machine: bool = False) -> list[dict[str, str]]:
    """Rows of :func:`programs_data`'s objects, each marked where its link is this taxonomy's reading; ``machine``
    (CSV): an English row says why by ids, as classify's JSON does."""
    rows = []
    for p in programs:
        if lang == "ja":
            reason = f"（{p['why_ja']}）" + ("（解釈）" if p.get("editorial") else "")
        else:
            reason = f" ({p['why'] if machine else p.get('why_en') or p['why']})" \
                + (" (editorial)" if p.get("editorial") else "")  # fmt: skip
        rows.append({"section": f"program ({p['kind']})", "item": p["id"],
                     "detail": str(p.get(f"name_{lang}") or p["name_ja"]) + reason,
                     "source_line": str(p["source"]["line"])})  # fmt: skip
    return rows


def show_data(tax: Taxonomy, area: Area) -> dict[str, Any]:
    """Everything about one area."""
    data = area_data(tax, area)
    tier = tax.tier(area.tier)
    data["tier_name"] = {"ja": tier.name_ja, "en": tier.name_en}
    data["tier_source"] = _src(tier.source)
    for tech, full in zip(data["technologies"], area.technologies, strict=True):
        tech["strong"] = list(full.strong)
        tech["support"] = list(full.support)
    data["exclude"] = list(area.exclude)
    # `editorial`: the link to the area is this taxonomy's reading, as the tables mark it (解釈); JSON had no mark
    # (a review). The crosswalk, the strategies' and the countries' columns are all so: the source maps none of them
    # onto the 16 areas
    data["econsec"] = [{"id": e.id, "name_ja": e.name_ja, "name_en": e.name_en, "source": _src(e.source),
                        "editorial": True} for e in tax.econsec if area.id in e.crosswalk]  # fmt: skip
    from .classify import applicable_programs

    # A link through a program's focus or an item's areas (a Moonshot goal, a K Program field) is this taxonomy's
    # reading, as the crosswalk is: the source ties neither to the 16 areas (programs.yaml). So is one through an
    # econ-security area, which an area reaches here only through the crosswalk (ProgramHit.editorial, which
    # classify's JSON gives too). `why` stays classify's.
    data["programs"] = programs_data(tax, applicable_programs(tax, [(area.id, area.tier)],
                                                              [e["id"] for e in data["econsec"]]))  # fmt: skip
    data["strategies"] = [{"name_ja": st.name_ja, "name_en": st.name_en, "decided": _text(st.decided),
                           "source": _src(st.source), "editorial": True}
                          for st in tax.strategies if area.id in st.areas]  # fmt: skip
    regions = {r.id: r for r in tax.regions}
    data["countries"] = [
        {"field_ja": f.name_ja, "field_en": f.name_en,
         "regions": [{"id": rid, "name_ja": regions[rid].name_ja, "name_en": regions[rid].name_en, "text": txt,
                      "text_en": f.entries_en.get(rid)} for rid, txt in f.entries.items()],
         "source": None if f.source is None else _src(f.source), "editorial": True}
        for f in tax.country_fields if area.id in f.areas
    ]  # fmt: skip
    notes = {n.id: n for n in tax.market_notes}
    data["markets"] = [
        {"technology_ja": m.technology_ja, "technology_en": m.technology_en, "size_trillion_yen": m.size_trillion_yen,
         "year": m.year, "cagr_percent": m.cagr_percent, "cited": m.cited, "cited_en": m.cited_en or None,
         "source": _src(m.source), "field_ja": m.field_ja, "field_en": m.field_en or None,
         "editorial": True,  # the source ties no market row to the 16 areas: the link is this taxonomy's reading
         "notes": [{"id": n, "mark": notes[n].mark, "mark_en": notes[n].mark_en or None, "scope": notes[n].scope,
                    "ja": notes[n].text.ja,
                    "en": notes[n].text.en, "source": _src(notes[n].source)} for n in m.notes]}
        for m in tax.markets if area.id in m.areas
    ]  # fmt: skip
    return data


_EXCLUDED_SHOWN = 20
"""How many of an area's excluded terms the ``show`` table lists (the rest are counted; JSON, CSV and Markdown
list them all)."""


def show_rows(data: dict[str, Any], lang: str, brief: bool = False, machine: bool = False) -> list[dict[str, str]]:
    """Flat rows of ``show_data`` for the table, CSV and Markdown formats. ``brief`` (the table, for a person): the
    excluded terms come last, the first :data:`_EXCLUDED_SHOWN` of them and a count (some 90 lines of a 165-line
    `show quantum` were its false friends, burying the programs and markets; a user test). ``machine`` (CSV): an
    English program row says why it applies by ids (``tier emerging: energy_gx``), as classify's JSON does; the
    table and Markdown by names."""
    def pick(d: dict[str, Any], key: str) -> str:
        return str(d.get(f"{key}_{lang}") or d.get(f"{key}_ja") or "")

    rows: list[dict[str, str]] = [
        {"section": "area", "item": data["id"], "detail": f"{pick(data, 'name')} — {pick(data, 'official')}",
         "source_line": str(data["source"]["line"])},
        {"section": "tier", "item": data["tier"], "detail": data["tier_name"][lang],
         "source_line": str(data["tier_source"]["line"])},
    ]  # fmt: skip
    for q in data["qualifications"]:
        detail = q[lang] + (f" → {q['redirect']}" if q["redirect"] else "")
        if q["technologies"]:
            detail += f" ({', '.join(q['technologies'])})"
        if q["editorial"]:
            detail += "（解釈）" if lang == "ja" else " (editorial)"
        rows.append({"section": "scope", "item": q["kind"], "detail": detail, "source_line": str(q["source"]["line"])})
    ja = lang == "ja"
    # A related technology is this taxonomy's name for part of what the area covers, read from the cited line (which
    # need not hold the name: 畜産技術 from 農業・林業・水産関連技術): editorial, as the crosswalk is (a review)
    editorial = "（解釈）" if ja else " (editorial)"
    for t in data["technologies"]:
        mark = "source" if t["in_source"] else "related"
        strong, support = len(t["strong"]), len(t["support"])
        counts = f"[強 {strong} / 補助 {support} 語]" if ja else \
            f"[{strong} strong / {support} support term{'' if support == 1 else 's'}]"  # fmt: skip
        rows.append({"section": f"technology ({mark})", "item": t["id"],
                     "detail": f"{pick(t, 'name')}{'' if t['in_source'] else editorial} {counts}",
                     "source_line": str(t["source"]["line"])})  # fmt: skip
    excluded = data["exclude"]
    if excluded and not brief:
        rows.append({"section": "excluded terms", "item": "", "detail": ", ".join(excluded), "source_line": ""})
    for e in data["econsec"]:
        # The link is this taxonomy's reading (the source maps neither list onto the other); the line is the area's.
        rows.append({"section": "econsec (editorial)", "item": e["id"], "detail": pick(e, "name"),
                     "source_line": str(e["source"]["line"])})  # fmt: skip
    rows += program_rows(data["programs"], lang, machine)  # a focus link marked as the crosswalk's econsec rows are
    for st in data.get("strategies", ()):
        decided = f"決定日 {st['decided']['ja']}（領域への対応は解釈）" if ja \
            else f"decided {st['decided']['en']} (the link to the area is editorial)"  # fmt: skip
        rows.append({"section": "strategies", "item": pick(st, "name"), "detail": decided,
                     "source_line": str(st["source"]["line"])})  # fmt: skip
    for c in data["countries"]:
        # English cells are translations (the source's are Japanese); a cell without one stays as written.
        regions = "; ".join(f"{r['name_' + lang]}: {r.get('text_en') or r['text'] if lang == 'en' else r['text']}"
                            for r in c["regions"])
        regions += "（表の列と領域の対応は解釈）" if ja else " (the table column's link to the area is editorial)"
        rows.append({"section": "countries", "item": c["field_" + lang], "detail": regions,
                     "source_line": str(c["source"]["line"]) if c["source"] else ""})  # fmt: skip
    caveats: dict[str, dict[str, Any]] = {}  # the tables' own caveats, each shown once after the rows
    for m in data["markets"]:
        notes = m.get("notes", [])
        for n in notes:
            if n["scope"] == "table":
                caveats.setdefault(n["id"], n)
        why = [n for n in notes if n["scope"] == "cagr"]
        own = [n for n in notes if n["scope"] == "row"]
        ja = lang == "ja"
        mark = "mark" if ja else "mark_en"  # 「※ 1」 is *1 in English
        # The source gives every size with one decimal (194.0, 1352.0).
        size = (f"{m['size_trillion_yen']:.1f}兆円（{m['year']}年）、" if ja
                else f"{m['size_trillion_yen']:.1f} trillion yen ({m['year']}), ")  # fmt: skip
        if m["cagr_percent"] is not None:
            cagr = f"CAGR {m['cagr_percent']:g}%"
        else:  # the source prints 「— ※ 2」: the note says why
            cagr = "CAGR —" + "".join(f"（{n['mark']} {n[lang]}）" if ja else f" ({n[mark] or n['mark']} {n[lang]})"
                                      for n in why)  # fmt: skip
        cited = m["cited"] if ja else m.get("cited_en") or m["cited"]
        detail = f"{size}{cagr} — {cited}" + "".join(f"; {n[mark] or n['mark']} {n[lang]}" for n in own)
        # The source lists the row under a field of its own table (サイバーセキュリティ under A I・ロボティクス); which
        # of the 16 areas it concerns is this taxonomy's reading, marked as the crosswalk is (a user test).
        detail += (f"（表の技術領域: {m['field_ja']}、領域への対応は解釈）" if ja
                   else f" (the table's field: {m.get('field_en') or m['field_ja']}; the link to areas is editorial)")
        # The row's line, which carries the notes' marks (the JSON has each note's own line).
        item = " ".join([m["technology_" + lang], *(n[mark] or n["mark"] for n in own)])
        rows.append({"section": "market", "item": item,
                     "detail": detail, "source_line": str(m["source"]["line"])})  # fmt: skip
    for n in caveats.values():
        rows.append({"section": "market", "item": n["mark"] if lang == "ja" else "(note)", "detail": n[lang],
                     "source_line": str(n["source"]["line"])})  # fmt: skip
    if excluded and brief:
        detail = ", ".join(excluded[:_EXCLUDED_SHOWN])
        if len(excluded) > _EXCLUDED_SHOWN:
            more = len(excluded) - _EXCLUDED_SHOWN
            detail += (f" …ほか {more} 語（すべては --format json か csv で）" if lang == "ja"
                       else f" … and {more} more (--format json or csv lists them all)")  # fmt: skip
        # The count as a count, not as an id in the item column (a user test read 「項目: 123」 as one)
        count = f"{len(excluded)} 語" if lang == "ja" else f"{len(excluded)} terms"
        rows.append({"section": "excluded terms", "item": count, "detail": detail, "source_line": ""})
    return rows


def econsec_data(es: EconSecArea) -> dict[str, Any]:
    """JSON object of one economic-security area. ``crosswalk_editorial`` (always true) says in the object what the
    table's caption says: the source maps neither list onto the other, so the crosswalk is this taxonomy's reading
    (a review found JSON without the mark)."""
    return {"id": es.id, "name_ja": es.name_ja, "name_en": es.name_en, "crosswalk": list(es.crosswalk),
            "crosswalk_technologies": list(es.crosswalk_technologies), "strong_terms": len(es.strong),
            "support_terms": len(es.support), "source": _src(es.source), "crosswalk_editorial": True}  # fmt: skip


def econsec_detail_data(es: EconSecArea, tax: Taxonomy) -> dict[str, Any]:
    """JSON object of one economic-security area with its terms (``econsec ID``): what a flag for it is built on,
    and the programs and protection and promotion uses a title flagged for it gets (:func:`econsec_programs`)."""
    return {**econsec_data(es), "terms": {"strong": list(es.strong), "support": list(es.support),
                                          "exclude": list(es.exclude)},
            "programs": programs_data(tax, econsec_programs(tax, es))}  # fmt: skip


def econsec_programs(tax: Taxonomy, es: EconSecArea) -> tuple[Any, ...]:
    """What a title flagged for ``es`` by its own terms gets, as ``classify`` gives it: the K Program and the
    protection and promotion uses (a research administrator had to look for them in ``programs``: a user test)."""
    from .classify import applicable_programs

    return applicable_programs(tax, (), [es.id], by_terms=[es.id])


def econsec_detail_rows(tax: Taxonomy, es: EconSecArea, lang: str, by_name: bool = False,
                        machine: bool = False) -> list[dict[str, str]]:  # fmt: skip
    """Rows of ``econsec ID``: the area with its source line, its crosswalk (this taxonomy's reading), and its own
    terms: strong ones alone flag a title, support ones only with other evidence, excluded ones are false friends
    that never do. ``machine`` (CSV): the terms ``|``-joined, without the note on what they do."""
    ja = lang == "ja"
    rows = [{"section": "area", "item": es.id, "detail": es.name(lang), "source_line": str(es.source.line)},
            {"section": "crosswalk (editorial)", "item": "", "detail": _crosswalk_text(tax, es, lang, by_name),
             "source_line": ""}]  # fmt: skip
    rows += program_rows(programs_data(tax, econsec_programs(tax, es)), lang, machine)  # as show lists an area's
    for section, terms, say in (("strong terms", es.strong, "それだけで判定する語" if ja else "alone flag a title"),
                                ("support terms", es.support, "ほかの根拠と合わせて効く語" if ja
                                 else "count with other evidence"),
                                ("excluded terms", es.exclude, "一致しても数えない語" if ja else "never count")):
        if terms:
            detail = "|".join(terms) if machine else "、".join(terms) + f"（{say}）" if ja \
                else ", ".join(terms) + f" ({say})"  # fmt: skip
            count = f"{len(terms)}" if machine else f"{len(terms)} 語" if ja else f"{len(terms)} terms"  # as show's
            rows.append({"section": section, "item": count, "detail": detail, "source_line": ""})
    return rows


def _crosswalk_text(tax: Taxonomy, es: EconSecArea, lang: str, by_name: bool = False) -> str:
    """The crosswalk areas, each with the technologies that narrow its link, if any: by id and name
    (``digital_cyber (デジタル・サイバーセキュリティ) via high_performance_computing``), or ``by_name`` by their
    names alone (``デジタル・サイバーセキュリティ（うちハイパフォーマンスコンピューティング）``, ``Digital and
    cybersecurity (of it: High-performance computing)``: an English reader had the ids, a review)."""
    parts = []
    for a in es.crosswalk:
        area = tax.area(a)
        own = [t for t in area.technologies if t.id in es.crosswalk_technologies]
        if by_name and lang == "ja":
            parts.append(area.name_ja + (f"（うち{'、'.join(t.name_ja for t in own)}）" if own else ""))
        elif by_name:
            parts.append(area.name_en + (f" (of it: {' / '.join(t.name_en for t in own)})" if own else ""))
        else:
            parts.append(f"{a} ({area.name(lang)})" + (f" via {', '.join(t.id for t in own)}" if own else ""))
    return ("；" if by_name and lang == "ja" else "; ").join(parts) or "—"


def econsec_caption(lang: str) -> str:
    """The title of the ``econsec`` table: where the 20 areas come from (source line 227: the examples the basic
    guideline under the Economic Security Promotion Act gives 「参考として例示」), that an economic-security list is
    still to be drawn up (line 322), and that the crosswalk is this tool's reading."""
    if lang == "en":
        return ("Technology areas for research on specified critical technologies (20): reference examples of the "
                "basic guideline under the Economic Security Promotion Act (Cabinet decision, 2022-09-30; line 227); "
                "an economic-security list is yet to be drawn up (line 322); crosswalk: this tool's reading")
    return ("特定重要技術に係る調査研究を実施する技術領域 (20)："
            "経済安全保障推進法に基づく基本指針（令和4年9月30日閣議決定）が参考として例示（出典227行）。"
            "経済安全保障上の重要技術領域は整理・策定予定（出典322行）。16領域との対応（crosswalk）は本ツールの解釈")


def econsec_rows(tax: Taxonomy, lang: str, by_name: bool = False) -> list[dict[str, str]]:
    """Flat rows for ``econsec``; ``by_name`` (the Japanese table and Markdown, for a person): the crosswalk names its
    areas and technologies in Japanese, without their ids (which CSV keeps, for machines)."""
    return [
        {"id": e.id, "name": e.name(lang),
         "crosswalk": _crosswalk_text(tax, e, lang, by_name),
         "source_line": str(e.source.line)}
        for e in tax.econsec
    ]  # fmt: skip


def program_data(p: Program) -> dict[str, Any]:
    """JSON object of one program. ``econsec_editorial``: whether serving the econ-security areas is this taxonomy's
    reading (the tables' （解釈）, which JSON lacked: a review); ``focus`` and the items' ``areas`` always are
    (programs.yaml; the README says so)."""
    return {
        "id": p.id, "kind": p.kind, "name_ja": p.name_ja, "name_en": p.name_en, "tiers": list(p.tiers),
        "econsec": p.econsec, "econsec_editorial": p.econsec_editorial, "focus": list(p.focus),
        "operator": _text(p.operator),
        "summary": statement_data(p.summary) if p.summary else None, "facts": [statement_data(f) for f in p.facts],
        "items": [{"id": i.id, "name_ja": i.name_ja, "name_en": i.name_en, "areas": list(i.areas),
                   "facts": [statement_data(f) for f in i.facts], "source": _src(i.source)} for i in p.items],
        "source": _src(p.source),
    }  # fmt: skip


_SERVES = {"ja": ("、", "＋", "経済安保の技術領域", "（解釈）", "重点領域（解釈）: ", "、", "。"),
           "en": (", ", " + ", "economic-security areas", " (editorial)", "focus (editorial): ", " / ", "; ")}
"""The words of ``programs``' "serves" column for a person, per language: between tiers, before the econ-security
areas, their name, the editorial mark, the focus's head, between areas, between the served and the focus."""


def programs_rows(programs: Sequence[Program], lang: str, tax: Taxonomy | None = None,
                  nested: bool = False, machine: bool = False) -> list[dict[str, str]]:  # fmt: skip
    """Flat rows for ``programs``: one per program and per item. What each serves is said by ids (``emerging +
    econsec; focus (editorial): quantum``: CSV, for machines); with ``tax`` (the table and Markdown, for a person) by
    the taxonomy's names in ``lang``, an editorial link marked （解釈） or (editorial) as ``show`` marks it.
    ``nested`` (the Japanese table): no parent column, an item's id indented under its program's row instead, which
    it follows (the column took some 20 of a terminal's columns, mostly for blanks). The facts end with their source
    lines; ``machine`` (CSV): the lines go to a last column of their own, ``facts_lines``, ``|``-joined."""
    def serving(tiers: Sequence[str], econsec: bool, focus: Sequence[str], editorial: bool = False) -> str:
        if tax is None:
            serves = ", ".join(tiers)
            if econsec:  # the protection and promotion uses serve the 20 econ-security areas alone
                link = "econsec (editorial)" if editorial else "econsec"
                serves = f"{serves} + {link}" if serves else link
            # focus and item areas are this taxonomy's reading (programs.yaml), marked as the crosswalk is
            return serves + ("; " if serves else "") + "focus (editorial): " + ", ".join(focus) if focus else serves
        # by name in either language (an English reader had ids, energy_gx: a review); English names hold commas
        tier_sep, plus, areas_word, marked, head, name_sep, then = _SERVES[lang]
        served = tier_sep.join(_tier_name(tax, t, lang) for t in tiers) + (plus if tiers and econsec else "") \
            + (areas_word + (marked if editorial else "") if econsec else "")  # fmt: skip
        if not focus:
            return served
        return served + (then if served else "") + head + name_sep.join(tax.area(a).name(lang) for a in focus)

    def facts_cells(said: Sequence[Statement]) -> dict[str, str]:
        text = _joined([x.get(lang) for x in said], lang)
        if machine:
            return {"facts": text, "facts_lines": "|".join(str(x.line) for x in said if x.line is not None)}
        return {"facts": text + _lines_of([x.line for x in said], lang) if text else text}

    rows = []
    for p in programs:
        # The summary first: a fact may lean on it (research_security's この中で、… follows the summary's sentence)
        # and where they are: the row's line is the program's heading (【支援例】, line 85), its text far from it;
        # for a person after the text, for a machine (CSV) in a column of their own, |-joined
        said = [*([p.summary] if p.summary else []), *p.facts]
        rows.append({"id": p.id, "parent": "", "kind": p.kind, "name": p.name(lang),
                     "serves": serving(p.tiers, p.econsec, p.focus, p.econsec_editorial),
                     **facts_cells(said), "source_line": str(p.source.line)})  # fmt: skip
        for it in p.items:
            # A goal or field of its program: same kind, the program as parent (machine-readable, no indentation).
            rows.append({"id": it.id, "parent": p.id, "kind": p.kind,
                         "name": it.name_en if lang == "en" else it.name_ja, "serves": serving((), False, it.areas),
                         **facts_cells(it.facts), "source_line": str(it.source.line)})
    if machine:
        for row in rows:  # a new column comes last
            row["facts_lines"] = row.pop("facts_lines")
    if nested:
        rows = [{key: ("  " + value if key == "id" and row["parent"] else value) for key, value in row.items()
                 if key != "parent"} for row in rows]  # fmt: skip
    return rows


def excel_bom(out: IO[str]) -> None:
    """Start CSV written into a new file (``> out.csv``) with a byte-order mark, as ``screen``'s CSV starts, so that
    Excel reads its Japanese as UTF-8; CSV to a terminal, a pipe or the end of a longer file gets none."""
    from .io.writers import starts_a_file

    if starts_a_file(out) and (getattr(out, "encoding", "") or "").lower() in ("utf-8", "utf8"):
        out.write("\ufeff")


def _joined(sentences: list[str], lang: str) -> str:
    """Facts as one cell: in English ``; ``-joined where a fact does not end a sentence, else after a space (a
    sentence's full stop then a semicolon read ``.;``); in Japanese one after another, with ``；`` only after one
    that does not end a sentence (``。``)."""
    if lang == "en":
        return "".join(s if i == len(sentences) - 1 else s + (" " if s.endswith((".", "?", "!")) else "; ")
                       for i, s in enumerate(sentences))  # fmt: skip
    return "".join(s if i == len(sentences) - 1 or s.endswith("。") else s + "；" for i, s in enumerate(sentences))


def source_rows(text: list[str], numbers: list[int]) -> list[dict[str, str]]:
    """``source``'s rows: each line's number and text (``text[0]`` is line 1)."""
    return [{"line": str(n), "text": text[n - 1]} for n in numbers]


def source_data(tax: Taxonomy, text: list[str], numbers: list[int]) -> dict[str, Any]:
    """``source``'s JSON: the document (as ``domains`` gives it) and the lines asked for."""
    doc = tax.document
    return {"source": {"title_ja": doc.title_ja, "issuer_ja": doc.issuer_ja, "date": doc.date,
                       "title_en": doc.title_en, "issuer_en": doc.issuer_en, "line_count": len(text)},
            "lines": [{"line": n, "text": text[n - 1]} for n in numbers]}  # fmt: skip


_LISTING_HEADERS_JA = {
    "section": "分類", "item": "項目", "detail": "内容", "source_line": "出典の行", "id": "ID",
    "name": "名称", "crosswalk": "16領域との対応", "parent": "親", "kind": "種別",
    "serves": "対象", "facts": "内容", "tier": "区分", "tier_name": "区分名", "official": "正式名称",
    "technologies": "技術", "terms": "語数", "text": "本文", "line": "行",
}  # fmt: skip
"""The listings' column names in Japanese, for the table and Markdown (CSV keeps the keys, for machines)."""
_LISTING_VALUES_JA = {
    "area": "領域", "tier": "区分", "scope": "範囲", "technology (source)": "技術（出典）",
    "technology (related)": "技術（関連）", "excluded terms": "除外語", "strong terms": "強い語",
    "support terms": "補助語", "crosswalk (editorial)": "16領域との対応（解釈）",
    "econsec (editorial)": "経済安保（解釈）", "strategies": "分野別戦略", "countries": "主要国の重要技術",
    "market": "市場規模",
}  # fmt: skip
"""The listings' section labels in Japanese (their ids stay in CSV); a ``program (kind)`` section reads as the classify
table's line label of that kind (``_WORDS["ja"].kinds``)."""
_KINDS_JA = {"program": "支援", "measure": "施策", "protection": "保護", "promotion": "育成"}
"""A program's kind in the ``programs`` table, short: the column is kept whole."""


_PROGRAM_SECTIONS_EN = {"program (program)": "support program", "program (measure)": "measure",
                        "program (protection)": "protection use", "program (promotion)": "promotion use"}
"""``show``'s program sections as the English table and Markdown name them."""


def _japanese_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """``rows`` with Japanese column names, section and kind labels, for a person."""
    sections = _LISTING_VALUES_JA | {f"program ({kind})": label for kind, label in _WORDS["ja"].kinds.items()}
    out = []
    for r in rows:
        row = {}
        for key, value in r.items():
            if key == "section":
                value = sections.get(value, value)
            elif key == "kind":
                value = _KINDS_JA.get(value) or _STATEMENT_KINDS_JA.get(value, value)
            row[_LISTING_HEADERS_JA.get(key, key)] = value
        out.append(row)
    return out


def write_rows(rows: list[dict[str, str]], fmt: ListFormat, out: IO[str], console: Console | None,
               title: str = "", ids: Sequence[str] = (), lang: str = "en", cards: bool = False,
               fold_ja: Sequence[str] = ()) -> None:  # fmt: skip
    """Render flat rows as a table, CSV or Markdown. In the table the columns named in ``ids`` (ids, short labels)
    are kept whole when the console is wide enough for them and a few characters of every other column (those fold);
    in a narrower terminal every column folds, so that none is squeezed out. In Japanese (``lang``) the table and
    Markdown name their columns and sections in Japanese; CSV keeps its keys. With ``cards`` (listings of long
    text), a table wider than a terminal below :data:`_CARDS_BELOW` columns, or one that would give its longest
    text fewer than :data:`_TEXT_LEAST` cells (:data:`_READABLE` in Japanese), is written a record at a time.
    ``fold_ja``: columns of Japanese text, which fold as Japanese does in an English table too."""
    if not rows:
        if fmt is ListFormat.csv:
            return
        out.write("(nothing)\n")
        return
    if lang == "ja" and fmt is not ListFormat.csv:
        ids = [_LISTING_HEADERS_JA.get(c, c) for c in ids]
        rows = _japanese_rows(rows)
    elif fmt is not ListFormat.csv:  # a support row said "program (protection)" (a review); CSV keeps the ids
        rows = [{**r, "section": _PROGRAM_SECTIONS_EN[r["section"]]} if r.get("section") in _PROGRAM_SECTIONS_EN
                else r for r in rows]
    cols = list(rows[0])
    if fmt is ListFormat.csv:
        from .io.writers import neutralize

        excel_bom(out)
        # a ' before a cell a spreadsheet would read as a formula, as classify's and screen's CSV have it: 136 lines
        # of the source document start "- " (a review)
        write_csv_lf(out, cols, ({k: neutralize(v) for k, v in r.items()} for r in rows))
    elif fmt is ListFormat.markdown:
        if title:  # the table's title, above it: econsec's says that its crosswalk is this tool's reading (a user test)
            out.write(title.replace("|", "\\|") + "\n\n")
        out.write("| " + " | ".join(cols) + " |\n")
        out.write("|" + "|".join("---" for _ in cols) + "|\n")
        for r in rows:
            cells = (" ".join(str(r[c]).replace("|", "\\|").splitlines()) for c in cols)
            out.write("| " + " | ".join(cells) + " |\n")
    else:
        from rich.markup import escape
        from rich.table import Table
        from rich.text import Text as RText

        from .wrap_ja import Wrapped

        assert console is not None
        need = _needs(rows, cols)
        if cards and console.width < _CARDS_BELOW and not _fits_whole(need, cols, console.width):
            _cards(rows, cols, ids, console, title)
            return
        whole, widths = _widths(rows, cols, ids, console.width, need, fair=lang == "ja")
        least = _READABLE if lang == "ja" else _TEXT_LEAST  # ten Japanese characters; some five English words
        # The column of the longest text (facts, details) under its least; no widths: it fits, or not even each
        # column's least does
        squeezed = (widths[max(widths, key=need.__getitem__)] < least if widths
                    else not _fits_whole(need, cols, console.width))
        if cards and squeezed:
            # Wider than _CARDS_BELOW but a column of long text still squeezed (programs' facts and show's details
            # at 100-130 columns folded every dozen cells: a user test)
            _cards(rows, cols, ids, console, title)
            return
        table = Table(title=escape(title) if title else None, show_lines=False, header_style="bold")
        for c in cols:
            table.add_column(c, no_wrap=c in whole, overflow="fold", width=widths.get(c))
        # Text: taxonomy strings are data, never markup. A folding Japanese cell breaks as Japanese does (never
        # before ・ or 、, Latin words whole); in an English table, the columns of Japanese text (source's lines:
        # "- " stood alone on a line, the text folded under it), not the lists of terms, which break at ", "
        for r in rows:
            table.add_row(*(Wrapped(RText(r[c])) if c not in whole and (lang == "ja" or c in fold_ja) else RText(r[c])
                            for c in cols))  # fmt: skip
        console.print(table)


_CARDS_BELOW = 120
"""Below this width a listing too wide for the terminal is written a record at a time (:func:`_cards`)."""
_TEXT_LEAST = 30
"""The fewest cells an English table gives a column of long text before a listing is written a record at a time
(:data:`_READABLE` in Japanese)."""
_SHORT = 12
"""The widest value of a column that :func:`_cards` writes on a record's first line."""


def _cards(rows: list[dict[str, str]], cols: list[str], ids: Sequence[str], console: Console, title: str) -> None:
    """``rows`` a record at a time: the first column's value and the ids and short values (each after its column's
    name) on a line, then each longer value under its column's name, its lines hanging under its first. At 80
    columns the table of ``programs`` gave its names and facts a dozen cells, a few characters a line, and cut ids
    (a user test)."""
    from rich.cells import cell_len
    from rich.text import Text as RText

    short = [c for c in cols if c in ids or max(cell_len(r[c]) for r in rows) <= _SHORT]
    if title:  # broken as Japanese is: rich folded （crosswalk） at the edge, crosswa / lk (a user test)
        from .wrap_ja import Wrapped

        console.print(Wrapped(RText(title, style="bold")))
    for r in rows:
        console.print()
        head = [(c, r[c]) for c in short if r[c].strip()]
        indent = 2 if r[cols[0]].startswith("  ") else 0
        line = RText()
        used = 0  # cells on the line so far: a name and its value go to the next line together, never apart
        for n, (c, value) in enumerate(head):
            said = value.strip() if c == cols[0] else f"{c}: {value}"
            if n and used + 2 + cell_len(said) > console.width - indent:
                line.append("\n")
                used = 0
            elif n:
                line.append("  ")
                used += 2
            line.append(said, style="bold" if c == cols[0] else "")
            used += cell_len(said)
        _labelled(console, "", line, indent=indent)
        for c in cols:
            if c not in short and r[c].strip():
                _labelled(console, c, RText(r[c]), indent=indent + 2)


_FOLDED_MIN = 12
"""Cells of a folding column that :func:`write_rows` keeps beside the whole ones."""
_FOLDED_LEAST = 8
"""The same beside the first of them alone (an id column)."""
_ID_WORD = re.compile(r"[A-Za-z0-9_.\-]+")


_WORD_MAX = 40
"""The longest Latin word of a folding column that :func:`write_rows` tries to keep whole (an id in a list)."""


def _widths(rows: list[dict[str, str]], cols: list[str], ids: Sequence[str], width: int, need: dict[str, int],
            fair: bool = False) -> tuple[set[str], dict[str, int]]:  # fmt: skip
    """Which ``ids`` columns to keep whole (the most, in the order given, that fit beside :data:`_FOLDED_MIN`
    cells of every other column, or :data:`_FOLDED_LEAST` beside the first alone), and, when the table is too wide
    for the console, the width of each folding column: at least its longest Latin word (an id in a list, up to
    :data:`_WORD_MAX` cells) when those fit, the rest of the width shared in proportion to what each would need
    more, or with ``fair`` (the Japanese tables) as :func:`_fair_shares` shares it; the English tables keep the
    sharing in proportion, their output unchanged. (Rich's own sharing ignores a column's least width, and the table
    then runs past the console.)"""

    ids = [c for c in ids if c in cols]
    whole: tuple[str, ...] = ()
    for n in range(len(ids), 0, -1):  # the first id column may leave the others narrower than the rest may
        if _fits_whole(need, ids[:n], width, _FOLDED_MIN if n > 1 else _FOLDED_LEAST):
            whole = tuple(ids[:n])
            break
    folding = [c for c in cols if c not in whole]
    room = width - 3 * len(cols) - 1 - sum(need[c] for c in whole)
    if not folding or sum(need[c] for c in folding) <= room:
        return set(whole), {}
    least = {c: min(need[c], _WORD_MAX, max([_FOLDED_LEAST, *(len(w) for r in rows for w in _ID_WORD.findall(r[c]))]))
             for c in folding}  # fmt: skip  # a list: a column with no Latin word gives max() one number alone
    spare = room - sum(least.values())
    if spare < 0:
        return set(whole), {}
    if fair:
        return set(whole), _fair_shares(least, need, spare)
    more = {c: need[c] - least[c] for c in folding}
    total = sum(more.values())  # above 0: the columns need more than the room, and their least widths fit in it
    return set(whole), {c: least[c] + spare * more[c] // total for c in folding}


_READABLE = 20
"""Cells (ten Japanese characters) of every folding column that the Japanese tables give before long text takes more:
see :func:`_fair_shares`."""


def _fair_shares(least: dict[str, int], need: dict[str, int], spare: int) -> dict[str, int]:
    """Widths of folding columns: each its ``least``, then ``spare`` cells more, first in equal shares up to
    :data:`_READABLE` cells (or what a column needs, if less), then in proportion to what each still needs. A name
    gets ten characters a line rather than six, and long free text keeps most of the width, so rows stay short.
    (Shared in proportion alone, long text took nearly all of it: Japanese names, which have no spaces to wrap at,
    folded every few characters.)"""
    widths = dict(least)
    goal = {c: max(least[c], min(need[c], _READABLE)) for c in widths}
    growing = [c for c in widths if widths[c] < goal[c]]
    while spare > 0 and growing:
        share = max(1, spare // len(growing))
        for c in growing:
            step = min(share, goal[c] - widths[c], spare)
            widths[c] += step
            spare -= step
        growing = [c for c in growing if widths[c] < goal[c]]
    more = {c: need[c] - widths[c] for c in widths}
    total = sum(more.values())
    return {c: widths[c] + spare * more[c] // total for c in widths} if spare > 0 and total > 0 else widths


def _needs(rows: list[dict[str, str]], cols: list[str]) -> dict[str, int]:
    """Each column's widest cell, its header included."""
    from rich.cells import cell_len

    return {c: max([cell_len(c), *(cell_len(r[c]) for r in rows)]) for c in cols}


def _fits_whole(need: dict[str, int], ids: Sequence[str], width: int, least: int = _FOLDED_MIN) -> bool:
    """Whether a table whose columns' widest cells are ``need`` can show the ``ids`` columns whole and at least
    ``least`` cells of every other column in ``width`` (rich squeezes a folding column out entirely before it narrows
    one that cannot wrap)."""
    whole = sum(need[c] for c in ids)
    folded = least * sum(c not in ids for c in need)
    return whole + folded + 3 * len(need) + 1 <= width  # each column: padding and a border; one border more


# ---- classify ----------------------------------------------------------------------------------------------------


CLASSIFY_CSV_COLUMNS = ["title", "verdict", "primary_area", "primary_tier", "areas", "scores", "bands",
                        "econsec", "programs", "terms", "learned", "held_back", "reason",
                        "verdict_name", "area_names", "econsec_names", "program_names",
                        "editorial_programs", "near_misses", "reason_text"]  # fmt: skip
"""classify's CSV columns: ids, then (new columns last) names in the language of --lang, as screen's dc_*_names, the
programs whose link to the title is this taxonomy's reading (marked * in program_names), the near misses as
screen's dc_near_misses gives them (``id:score``), and the reason in the language of --lang, naming areas by their
names as the table does (``reason`` is the JSON contract's English, by ids)."""


def result_row(r: Result, tax: Taxonomy | None = None, lang: str = "en", min_score: int = 50,
               error_texts: Mapping[str, str] | None = None) -> dict[str, str]:  # fmt: skip
    """Flat row of one result (CSV): ids, then the names of the verdict, areas, econ-security areas and support
    programs and measures in ``lang`` (an English-speaking user test could not read the programs' ids in Excel),
    as ``screen`` gives them, and the reason in ``lang`` (``min_score``: the reporting score the result was made
    with); the names and that reason are empty without ``tax``."""
    # The characters of the title that matched taxonomy terms (the words behind a learned area are not terms).
    terms, learned = terms_and_learned(r.areas, r.econsec, field="text")
    return {
        "title": r.title,
        "verdict": r.verdict,
        "primary_area": r.primary.id if r.primary else "",
        "primary_tier": r.primary.tier if r.primary else "",
        "areas": "|".join(a.id for a in r.areas),
        "scores": "|".join(str(a.score) for a in r.areas),
        "bands": "|".join(a.band for a in r.areas),
        "econsec": "|".join(e.id for e in r.econsec),
        "programs": "|".join(p.id for p in r.programs),
        "terms": "|".join(terms),
        "learned": "|".join(learned),
        "held_back": "|".join(r.held),
        "reason": r.reason,
        **_result_names(r, tax, lang),
        "editorial_programs": "|".join(editorial_ids(r.programs)),
        "near_misses": "|".join(f"{a.id}:{a.score}" for a in r.near_misses),
        # a title that could not be classified: its error, in lang where the caller has it in that language (the facts
        # of a result say none)
        "reason_text": (error_texts or {}).get(r.reason, r.reason) if r.verdict == "error"
        else reason_text(_reason_facts(r, min_score), tax, lang) if tax is not None else "",
    }


def _result_names(r: Result, tax: Taxonomy | None, lang: str) -> dict[str, str]:
    """The name columns of :func:`result_row` (empty without ``tax``)."""
    if tax is None:
        return dict.fromkeys(("verdict_name", "area_names", "econsec_names", "program_names"), "")
    ja = lang == "ja"
    editorial = set(editorial_ids(r.programs))
    return {"verdict_name": _verdict_name(r.verdict, tax, lang),
            "area_names": "|".join(a.name_ja if ja else a.name_en for a in r.areas),
            "econsec_names": "|".join(e.name_ja if ja else e.name_en for e in r.econsec),
            "program_names": "|".join(program_names(tax, [p.id for p in r.programs], lang, editorial=editorial))}


# Control characters from an input file (an escape sequence that would restyle or rewrite the terminal) are shown as
# their Unicode pictures, one character for one, so that evidence offsets still point at the right place.
_VISIBLE = {**{c: 0x2400 + c for c in range(0x20)}, 0x7F: 0x2421, **{c: 0xFFFD for c in range(0x80, 0xA0)}}


def _visible(text: str) -> str:
    """``text`` with control characters replaced by visible ones (same length)."""
    return text.translate(_VISIBLE)


def _highlight(r: Result) -> Any:
    from rich.text import Text as RText

    text = RText(_visible(r.title))
    for a in r.areas:
        for e in a.evidence:
            # Underlined, not coloured: readable on dark and light terminals alike
            text.stylize("bold underline" if e.match == "exact" else "italic underline", e.start, e.end)
    for e in r.excluded:
        text.stylize("strike dim", e.start, e.end)
    return text


# Not red (an error's colour) nor yellow (unreadable on a light terminal)
_VERDICT_STYLE = {"strategic": "bold magenta", "emerging": "bold blue", "econsec_only": "bold cyan", "none": "dim"}


@dataclass(frozen=True)
class _Words:
    """The words of the classify table in one language (:data:`_WORDS`), kept in one place per language rather than
    as a branch at every print. Templates are ``str.format`` strings; a mapping missing a key shows the key itself
    (the English table shows the ids of the JSON output: ``strategic``, ``high``, ``exact``)."""

    verdict: str
    verdicts: dict[str, str]
    """Verdicts other than the two tiers (whose names are the taxonomy's)."""
    columns: tuple[str, str, str, str, str, str]
    """Headers of area, name, tier, score, band and evidence."""
    bands: dict[str, str]
    learned: str
    """Before the words that carried an area the learned model added."""
    econsec: str
    kinds: dict[str, str]
    """Program kinds (``program``, ``measure``, ``protection``, ``promotion``) as line labels."""
    programs_sep: str
    editorial_note: str
    """Under the programs when one is marked :data:`EDITORIAL_MARK`: what the mark means."""
    evidence: str
    evidence_line: str
    term_line: str
    strengths: dict[str, str]
    matches: dict[str, str]
    learned_line: str
    no_term: str
    why_not: str
    near: str
    """Before the near misses (areas with evidence, not reported) in the table without ``--explain``."""
    below: str
    held: str
    held_strong: str
    yields: str
    cut: str
    es_area: str
    """An econ-security near miss as its "why not" line names it."""
    es_why: dict[str, str]
    """Why an econ-security area's own terms did not report it (:attr:`EconSecNearMiss.why`)."""
    excluded_line: str
    excluded_label: dict[str, str]
    excluded_why: dict[str, str]
    program_why: str
    legend: str
    """Under ``--explain``: what its offsets, strengths and learned weights mean, for a reader who is no programmer."""


_WORDS = {
    "en": _Words(
        verdict="verdict", verdicts={}, columns=("area", "name", "tier", "score", "band", "evidence"), bands={},
        learned="learned: ", econsec="econ-security",
        kinds={"program": "programs", "measure": "measures", "protection": "protection", "promotion": "promotion"},
        programs_sep=" / ",
        editorial_note=f"{EDITORIAL_MARK} the link to this title is this tool's reading (the source does not tie "
                       "the program, goal or field to the areas or to the economic-security areas); the rest follow "
                       "from the source",
        evidence="evidence", evidence_line="{label}: '{text}' [{start}:{end}] ← {why}",
        term_line="{term!r} {strength} {match} +{weight:.2f}{tech}", strengths={}, matches={},
        learned_line="learned model: piece {term!r}, log-odds {weight:+.2f}", no_term="(no area term fired)",
        why_not="why not {area}: score {score} {why} ({terms})", near="near misses (--explain says why)",
        below="is below --min-score {min_score}",
        held="was held back: support terms only, and the learned model finds the area unlikely",
        held_strong="was held back: one strong term in a study of a mechanism, and the learned model finds the area "
                    "unlikely",
        yields="yields to {to}: the source places this technology there",
        cut="was cut by --top {top}",
        es_area="{id} (econ-security)",
        es_why={"support_only": "has support terms only (no strong term)",
                "framing": "is under a framing term (a study of people, society or teaching)",
                "below_min_score": "is below --min-score {min_score}"},
        excluded_line="{label}: '{text}' [{start}:{end}] {why} ({term!r})",
        excluded_label={"framing": "framing", "basic_science": "basic science", "": "excluded"},
        excluded_why={
            "framing": "presents the title as a study of people, society or teaching: every area is damped",
            "basic_science": "presents the title as elucidating a mechanism: areas with only support terms are damped",
            "": "is a known false friend",
        },
        program_why="programs {ids} ← {why}",
        legend=("[start:end] are character positions in the title (from 0). A term is strong (decides its area "
                "alone) or support (needs more); a word marked ~ was read as a near-miss spelling of the term (fuzzy, "
                "0.7 of its weight); a learned piece is a 2-3 character part of a word the learned model weighed, its "
                "weight a log-odds (above 0 raises the area). A score (0-100) grows with the terms' weights (one "
                "strong term: 70), or is the learned model's probability in percent where that is higher; an area is "
                "reported from --min-score (50) up."),
    ),
    # Labels of the source's own Japanese where it has them: Protection（保護）/ Promotion（育成）への活用, 支援
    "ja": _Words(
        verdict="判定", verdicts=VERDICT_WORDS["ja"],
        columns=("領域", "名称", "区分", "スコア", "確度", "根拠"), bands={"high": "高", "medium": "中", "low": "低"},
        learned="学習モデル: ", econsec="経済安保",
        kinds=KIND_NAMES_JA,
        # A program's name may hold 、 (…が司令塔として、関係省庁と連携): the names are set apart by a slash
        programs_sep=" / ",
        editorial_note=f"{EDITORIAL_MARK} このタイトルとの結び付きは本ツールの解釈です（出典はそのプログラム・"
                       "目標・分野を領域や経済安保の領域と結び付けていません）。印のないものは出典に基づきます",
        evidence="根拠", evidence_line="{label}: 「{text}」 [{start}:{end}] ← {why}",
        term_line="「{term}」 {strength} {match} +{weight:.2f}{tech}", strengths={"strong": "強", "support": "補助"},
        matches={"exact": "完全一致", "fuzzy": "近似"},
        learned_line="学習モデル: 断片「{term}」 重み {weight:+.2f}（対数オッズ）", no_term="（領域の語はない）",
        why_not="{area}を報告しない理由: スコア {score}、{why}（{terms}）",
        near="惜しい候補（理由は --explain）",
        below="--min-score {min_score} 未満",
        held="保留: 補助語のみで、学習モデルがタイトル全体からは可能性が低いとみる",
        held_strong="保留: 機序の解明を示すタイトルで強い語が一つのみで、学習モデルがタイトル全体からは"
                    "可能性が低いとみる",
        yields="{to}に譲る: 出典がこの技術を{to}に含める",
        cut="--top {top} で省略",
        es_area="経済安保 {id}（{name}）",
        es_why={"support_only": "補助語のみ（強い語がない）",
                "framing": "枠付け語がある（人・社会・教育の研究）",
                "below_min_score": "--min-score {min_score} 未満"},
        excluded_line="{label}: 「{text}」 [{start}:{end}] {why}（「{term}」）",
        excluded_label={"framing": "枠付け語", "basic_science": "基礎研究の語", "": "除外語"},
        excluded_why={
            "framing": "人・社会・教育の研究としてタイトルを示す: 全領域を減衰",
            "basic_science": "機序の解明としてタイトルを示す: 補助語のみの領域を減衰",
            "": "紛らわしい語（既知の誤検出語）",
        },
        program_why="支援・施策 {ids} ← {why}",
        legend=("[開始:終了] はタイトル中の文字の位置（0 から数える）。「強」の語はそれだけで領域を決め、「補助」の語は"
                "ほかの根拠と合わせて効きます。~ の付いた語は語の綴りの近い誤りとして読んだもの（近似、重みは 0.7 倍）"
                "です。学習モデルの「断片」はモデルが重みを付けた語の2〜3文字で、重みは対数オッズ（正なら領域らしさを"
                "上げる）。スコア（0〜100）は語の重みとともに上がり（強い語1つで70）、学習モデルの確率（%）のほうが高い"
                "ときはそれです。--min-score（50）以上の領域を報告します。"),
    ),
}  # fmt: skip


_NAME_COLUMN_MIN = 70
"""The narrowest terminal whose classify table shows the areas' names beside their ids."""


def classify_table(results: Iterable[Result], console: Console, lang: str, explain: bool, min_score: int = 50,
                   tax: Taxonomy | None = None) -> None:  # fmt: skip
    """Human-readable classification: highlighted title, areas, econ-security areas, programs, in ``lang``'s
    labels. ``tax``: the taxonomy the results come from (tier and program names; the packaged one when None)."""
    from rich.table import Table
    from rich.text import Text as RText

    from .wrap_ja import Wrapped

    if tax is None:
        from .cache import load_taxonomy

        tax = load_taxonomy()
    w = _WORDS[lang]
    shown = False  # a title's table printed: the --explain legend follows (results may be a generator)
    for n, r in enumerate(results):
        shown = True
        if n:
            console.print()
        console.print(Wrapped(_highlight(r)))
        facts = _reason_facts(r, min_score)
        verdict = r.verdict if lang == "en" else _verdict_name(r.verdict, tax, lang)
        reason = reason_text(facts, tax, lang)
        if lang != "en":  # a tier's verdict is the reason's first tier: 国家戦略技術領域 — 量子, said once
            reason = reason.removeprefix(f"{verdict}: ")
        said = RText().append(verdict, style=_VERDICT_STYLE[r.verdict]).append(f" — {_visible(reason)}")
        _labelled(console, w.verdict, said)
        rows = [_area_cells(a, w, lang, tax) for a in r.areas]
        if rows and _table_width(r.areas, rows, w, lang, named=False) > console.width:
            # Too narrow for the table to give the evidence room (it showed a character a line): a line per area
            for a, cells in zip(r.areas, rows, strict=True):
                fields = [cells.tier, f"{w.columns[3]} {a.score}", f"{w.columns[4]} {cells.band}"]
                for n_line, line in enumerate(_packed([a.id, *fields], console.width - 2, console.width - 4)):
                    head = RText("    " if n_line else "  ")
                    if n_line == 0:  # the id in bold, as the table's first column
                        head.append(a.id, style="bold")
                        line = line[len(a.id):]
                    console.print(head.append(line), highlight=False)
                if cells.evidence.plain:
                    _labelled(console, w.columns[-1], cells.evidence, indent=4)
        elif rows:
            named = console.width >= _NAME_COLUMN_MIN and _table_width(r.areas, rows, w, lang, True) <= console.width
            t = Table(show_header=True, header_style="bold", box=None, padding=(0, 1, 0, 2))
            fold_at = _fold_width([a.name_ja for a in r.areas], console.width - _table_width(r.areas, rows, w, lang,
                                  False) - 3) if named and lang != "en" and _names_fold(r.areas, rows, w, lang,
                                                                                          console.width) else None
            # Below _NAME_COLUMN_MIN columns the name is left out: folded beside the id, tier and band it showed a
            # character a line and squeezed the evidence to two (a user test at 60); the id names the area.
            for c, header in zip(("area", "name", "tier", "score", "band"), w.columns[:5], strict=True):
                if c == "name" and not named:
                    continue
                # The name (free text, Japanese without spaces) folds in a narrow terminal; the id and labels never do.
                t.add_column(header, no_wrap=c != "name", overflow="fold" if c == "name" else "ellipsis",
                             justify="right" if c == "score" else "left",
                             width=fold_at if c == "name" else None)  # fmt: skip
            t.add_column(w.columns[-1], overflow="fold")
            for a, cells in zip(r.areas, rows, strict=True):
                name = [Wrapped(RText(a.name_en if lang == "en" else a.name_ja))] if named else []  # 禁則 kept
                t.add_row(a.id, *name, cells.tier, str(a.score), cells.band, Wrapped(cells.evidence))
            console.print(t)
        if r.econsec:
            names = ", ".join(f"{e.id} ({e.name_en if lang == 'en' else e.name_ja})" for e in r.econsec)
            _labelled(console, w.econsec, RText(names))
        for kind, line in _program_lines(r, w, lang, tax):
            _labelled(console, kind, RText(line))
        if any(p.editorial for p in r.programs):
            _labelled(console, "", RText(w.editorial_note, style="dim"))
        if r.near_misses and not explain:  # --explain says each, with why
            _labelled(console, w.near, RText(w.programs_sep.join(
                f"{a.id} {a.score} ({_words(a.evidence)})"
                for a in r.near_misses)))  # fmt: skip
        if explain:
            assert facts is not None
            _explain(r, console, min_score, w, lang, tax, facts)
    if explain and shown:
        from rich.text import Text as RText

        console.print()
        _labelled(console, "", RText(w.legend, style="dim"), indent=0)


class _AreaCells(NamedTuple):
    """An area's cells in the classify table, in the table's language."""

    tier: str
    band: str
    evidence: Any
    """A rich Text: the terms that fired, then the words that carried an area the learned model added."""


def _area_cells(a: Any, w: _Words, lang: str, tax: Taxonomy) -> _AreaCells:
    from rich.text import Text as RText

    terms = [f"{_visible(e.text)}{'~' if e.match == 'fuzzy' else ''}" for e in a.evidence if e.strength != LEARNED]
    words = [_visible(e.text) for e in a.evidence if e.strength == LEARNED]
    ev = RText(", ".join(terms))
    if words:  # an area the learned model added: say so, and show the words that carried it
        ev.append(("; " if terms else "") + w.learned + ", ".join(words), style="italic")
    tier = a.tier if lang == "en" else _tier_short(tax, a.tier)
    return _AreaCells(tier, w.bands.get(a.band, a.band), ev)


_EVIDENCE_LEAST = 16
"""The fewest cells the classify table's evidence column may have; narrower, the areas are shown a line each."""


_NAME_LEAST = 10
"""The fewest cells the classify table's name column may fold to."""


def _table_width(areas: Sequence[Any], rows: Sequence[_AreaCells], w: _Words, lang: str, named: bool) -> int:
    """The width the classify table of ``areas`` needs for its ids, tiers, scores and bands whole, the evidence in
    :data:`_EVIDENCE_LEAST` cells (or whole, when shorter) and, when ``named``, the names in :data:`_NAME_LEAST`;
    each column has a padding of 2 and 1."""
    from rich.cells import cell_len

    def widest(header: str, cells: Iterable[str], least: int | None = None) -> int:
        most = max(cell_len(header), *(cell_len(c) for c in cells))
        return 3 + (most if least is None else min(most, max(least, cell_len(header))))

    need = (widest(w.columns[0], (a.id for a in areas)) + widest(w.columns[2], (c.tier for c in rows))
            + widest(w.columns[3], (str(a.score) for a in areas)) + widest(w.columns[4], (c.band for c in rows))
            + widest(w.columns[5], (c.evidence.plain for c in rows), _EVIDENCE_LEAST))
    if named:
        need += widest(w.columns[1], (a.name_en if lang == "en" else a.name_ja for a in areas), _NAME_LEAST)
    return need


def _names_fold(areas: Sequence[Any], rows: Sequence[_AreaCells], w: _Words, lang: str, width: int) -> bool:
    """Whether the classify table of ``areas`` is too narrow for their names whole. Japanese names are then folded
    at :func:`_fold_width`: folded by rich to share the width with the evidence, they took more lines than the
    evidence needed (English folds between words and is left to rich)."""
    from rich.cells import cell_len

    most = max(cell_len(a.name_en if lang == "en" else a.name_ja) for a in areas)
    least = min(most, max(_NAME_LEAST, cell_len(w.columns[1])))
    return _table_width(areas, rows, w, lang, True) + most - least > width


def _fold_width(names: Sequence[str], room: int) -> int:
    """The width at which the classify table folds Japanese names that cannot be whole: what two lines of the longest
    take, within ``room`` cells and at least :data:`_NAME_LEAST`, so that the evidence keeps the rest (capped at ten
    cells, モビリティ・輸送・港湾ロジスティクス took five lines: a review). :class:`~domaincheck.wrap_ja.Wrapped`
    leaves no character alone on a name's last line."""
    from rich.cells import cell_len

    return max(min(room, (max(cell_len(name) for name in names) + 1) // 2 + 2), _NAME_LEAST)


def _packed(fields: Sequence[str], first: int, rest: int) -> list[str]:
    """``fields`` joined by two spaces into lines of at most ``first`` cells (the first line) and ``rest`` (the
    others, indented deeper), a field never split (one wider than its line has a line of its own)."""
    from rich.cells import cell_len

    lines: list[str] = []
    for f in fields:
        if lines and cell_len(lines[-1]) + 2 + cell_len(f) <= (rest if len(lines) > 1 else first):
            lines[-1] += "  " + f
        else:
            lines.append(f)
    return lines


def _labelled(console: Console, label: str, text: Any, indent: int = 2) -> None:
    """``label: text`` indented by ``indent``, the text's lines breaking as Japanese does and hanging under its
    first (a narrow terminal folded them back to the first column)."""
    from rich.table import Table
    from rich.text import Text as RText

    from .wrap_ja import Wrapped

    head = " " * indent + (f"{label}: " if label else "")
    if not head:
        console.print(Wrapped(text))
        return
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(RText(head), Wrapped(text))
    console.print(grid)


def _words(evidence: Sequence[Evidence]) -> str:
    """The words of the title behind some evidence, each once (a term or a learned piece's word)."""
    return ", ".join(dict.fromkeys(_visible(e.text) for e in evidence))


def _area_name(area_id: str, lang: str, tax: Taxonomy) -> str:
    """An area as a line names it: its Japanese name in Japanese, its id in English (as the English table does)."""
    return tax.area(area_id).name_ja if lang == "ja" else area_id


def _explain(r: Result, console: Console, min_score: int, w: _Words, lang: str, tax: Taxonomy,
             facts: _ReasonFacts) -> None:  # fmt: skip
    """The ``--explain`` lines: every term that fired, why each near miss was not reported, the exclusions and
    framing words, and why each program applies."""
    from rich.text import Text as RText

    console.print(f"  [bold]{w.evidence}[/]")

    def evidence_lines(label: str, evs: Sequence[Evidence]) -> None:
        for e in evs:
            if e.strength == LEARNED:  # a piece of the title the model weighed: its weight is a log-odds, not a term's
                why = w.learned_line.format(term=e.term, weight=e.weight)
            else:
                why = w.term_line.format(term=e.term, strength=w.strengths.get(e.strength, e.strength),
                                         match=w.matches.get(e.match, e.match), weight=e.weight,
                                         tech=f" ({e.technology})" if e.technology else "")  # fmt: skip
            _labelled(console, "", RText(w.evidence_line.format(label=label, text=_visible(e.text), start=e.start,
                                                                end=e.end, why=why)), indent=4)  # fmt: skip

    for a in (*r.areas, *r.near_misses):
        evidence_lines(a.id, a.evidence)
    if not any(a.evidence for a in (*r.areas, *r.near_misses)):
        console.print(f"    {w.no_term}")
    for es in r.econsec:  # an econ-security area's own terms, after the areas'
        evidence_lines(es.id, es.evidence)
    for n in r.econsec_near_misses:
        evidence_lines(n.id, n.evidence)
    for a in r.near_misses:
        terms = _words(a.evidence)
        why = (w.below.format(min_score=min_score) if a.score < min_score
               else (w.held_strong if has_strong(a.evidence) else w.held) if a.id in r.held
               else w.yields.format(to=_area_name(facts.yields[a.id], lang, tax)) if a.id in facts.yields
               else w.cut.format(top=facts.top))  # fmt: skip
        area = a.id if lang == "en" else f"{a.id}（{a.name_ja}）"
        _labelled(console, "", RText(w.why_not.format(area=area, score=a.score, why=why, terms=terms)))
    for n in r.econsec_near_misses:
        terms = _words(n.evidence)
        why = w.es_why[n.why].format(min_score=min_score)
        area = w.es_area.format(id=n.id, name=n.name_ja)
        _labelled(console, "", RText(w.why_not.format(area=area, score=n.score, why=why, terms=terms)))
    for e in r.excluded:
        kind = e.strength if e.strength in w.excluded_label else ""
        _labelled(console, "", RText(w.excluded_line.format(label=w.excluded_label[kind], text=_visible(e.text),
                                                            start=e.start, end=e.end, why=w.excluded_why[kind],
                                                            term=e.term)))  # fmt: skip
    by_why: dict[str, list[str]] = {}
    for p in r.programs:
        by_why.setdefault(p.why if lang == "en" else program_why(p, tax, "ja"), []).append(p.id)
    for why, ids in by_why.items():
        _labelled(console, "", RText(w.program_why.format(ids=", ".join(ids), why=why)))


def _program_lines(r: Result, w: _Words, lang: str, tax: Taxonomy) -> list[tuple[str, str]]:
    """Programs grouped by kind, items (goals, fields) in parentheses after their program, by name, each whose link
    to the title is this taxonomy's reading marked (:data:`EDITORIAL_MARK`; a company's user test took Moonshot goal
    8, typhoon control, for the source's word on a seismic title)."""
    items: dict[str, list[str]] = {}
    for p in r.programs:
        if p.parent:
            items.setdefault(p.parent, []).append(p.id)
    lines: dict[str, list[str]] = {}
    seen: set[str] = set()
    editorial = set(editorial_ids(r.programs))
    for p in r.programs:
        top = p.parent or p.id
        if top in seen:
            continue
        seen.add(top)
        entry = program_entry(tax, top, items.get(top, []), lang, editorial)
        lines.setdefault(w.kinds.get(p.kind, p.kind), []).append(entry)
    return [(k, w.programs_sep.join(v)) for k, v in lines.items()]


def _tier_name(tax: Taxonomy, tier: str, lang: str) -> str:
    """A tier's official name in ``lang`` (国家戦略技術領域, National strategic technology domains)."""
    return tax.tier(tier).name_ja if lang == "ja" else tax.tier(tier).name_en


def _verdict_name(verdict: str, tax: Taxonomy, lang: str) -> str:
    """A verdict by name in ``lang``: a tier's verdict is the tier's official name (国家戦略技術領域), the others as
    ``screen``'s dc_verdict_name gives them (経済安保のみ, No area)."""
    return _tier_name(tax, verdict, lang) if verdict in TIERS else VERDICT_WORDS[lang].get(verdict, verdict)


def _tier_short(tax: Taxonomy, tier: str) -> str:
    """A tier's Japanese name without its common ending (国家戦略, 新興・基盤): the tier column of every row."""
    return tax.tier(tier).name_ja.removesuffix("技術領域")


class _ReasonFacts(NamedTuple):
    """What the English ``reason`` of a result says, as structured facts, worked out from the result's fields (the
    reason itself is the JSON contract's English, made by classify.py): the Japanese reason and
    the Japanese "why not" lines are built from these. A test rebuilds every English reason from them."""

    strategic: tuple[str, ...]
    """Reported areas of the strategic tier, in rank order."""
    emerging: tuple[str, ...]
    """The other reported areas."""
    learned: frozenset[str]
    """Reported areas the learned model added (no term evidence)."""
    rescored: frozenset[str]
    """Reported areas the terms found and the learned model scored higher."""
    econsec: tuple[str, ...]
    """Econ-security areas."""
    withheld: bool
    """Whether an area may have reached the reporting score but was not reported (held back, yielded, cut): a near
    miss at the reporting score or above. The reason counts an area's terms' score, and a near miss the learned model
    lifted shows the model's (higher) one, so this is true also when such an area's terms fell short: the Japanese
    reason then says no area was reported (true), not that none reached the score (which the result cannot tell)."""
    evidence: bool
    """Whether any area term fired."""
    excluded: tuple[str, ...]
    """The exclusion terms (known false friends) the title holds, each once: named when no area term fired."""
    held: tuple[str, ...]
    """Areas held back by the learned model's doubt on support terms only."""
    held_strong: tuple[str, ...]
    """Areas held back by its doubt on one strong term in a title worded as basic science."""
    yields: dict[str, str]
    """Near misses that yield to another area by the source's exclusion → that area, in the taxonomy's order."""
    cut: tuple[str, ...]
    """Areas cut by ``--top``."""
    top: int
    """The ``--top`` that cut them (the number of areas reported)."""
    framing: tuple[str, ...]
    """The title's framing words."""
    basic: tuple[str, ...]
    """Its basic-science words."""


def _reason_facts(r: Result, min_score: int) -> _ReasonFacts:
    """The facts of ``r``'s reason (see :class:`_ReasonFacts`)."""
    has_terms = {a.id: any(e.strength != LEARNED for e in a.evidence) for a in (*r.areas, *r.near_misses)}
    by_model = {a.id for a in r.areas if any(e.strength == LEARNED for e in a.evidence)}
    yields = dict(r.yields)
    cut = tuple(a.id for a in r.near_misses if a.score >= min_score and a.id not in r.held and a.id not in yields)
    strong_held = {a.id: has_strong(a.evidence) for a in r.near_misses if a.id in r.held}
    return _ReasonFacts(
        tuple(a.id for a in r.areas if a.tier == "strategic"), tuple(a.id for a in r.areas if a.tier != "strategic"),
        frozenset(a for a in by_model if not has_terms[a]), frozenset(a for a in by_model if has_terms[a]),
        tuple(e.id for e in r.econsec), any(a.score >= min_score for a in r.near_misses), any(has_terms.values()),
        tuple(dict.fromkeys(e.text for e in r.excluded if e.strength == "exclude")),
        tuple(a for a in r.held if not strong_held[a]), tuple(a for a in r.held if strong_held[a]), yields, cut,
        len(r.areas),
        tuple(e.text for e in r.excluded if e.strength == "framing") if has_terms else (),
        tuple(e.text for e in r.excluded if e.strength == "basic_science")
        if support_only(a.evidence for a in (*r.areas, *r.near_misses)) else (),
    )  # fmt: skip


class _ReasonWords(NamedTuple):
    """The words of a reason in one language (see :func:`reason_text`)."""

    sep: str
    """Between names (English names hold commas: ' / ')."""
    join: str
    """Between clauses."""
    learned: str
    rescored: str
    tiers: dict[str, str] | None
    """The tiers' heads (national strategic area); None: the tiers' own names (国家戦略技術領域)."""
    econsec: str
    withheld: str
    evidence: str
    excluded: str
    none: str
    held: str
    held_strong: str
    yields: str
    cut: str
    framing: str
    basic: str
    terms_sep: str
    """Between terms of the title (framing words, exclusions)."""


_REASON = {
    "en": _ReasonWords(
        " / ", "; ", " (learned from the whole title)", " (scored by the learned model)",
        {"strategic": "national strategic area", "emerging": "emerging/foundational area"},
        "economic-security area only: ", "area terms found, but no area was reported",
        "area terms found, but no area reached the reporting score",
        "no area term found, only excluded term(s) (known false friends): ", "no area term found",
        "held back (support terms only, and the learned model finds the area unlikely for the whole title): ",
        "held back (one strong term in a study of a mechanism, and the learned model finds the area unlikely for the "
        "whole title): ",
        "{a} yields to {b} (the source excludes it there)", "cut by --top {top}, not counted in the verdict: ",
        "damped by framing term(s): ", "support-only evidence damped by basic-science wording: ", ", "),
    "ja": _ReasonWords(
        "、", "。", "（学習モデルがタイトル全体から判定）", "（学習モデルによるスコア）", None, "経済安保の技術領域: ",
        "領域の語はあるが、報告した領域はない", "領域の語はあるが、報告スコアに達した領域はない",
        "領域の語はなく、除外語（既知の誤検出語）のみ: ", "領域の語はない",
        "保留（補助語のみで、学習モデルがタイトル全体からは可能性が低いとみる）: ",
        "保留（機序の解明を示すタイトルで強い語が一つのみで、学習モデルがタイトル全体からは可能性が低いとみる）: ",
        "{a}は{b}に譲る（出典がこの技術を{b}に含める）", "--top {top} で省略（判定に数えない）: ",
        "人・社会・教育の研究を示す語で減衰: ", "機序の解明を示す語で補助語のみの根拠を減衰: ", "、"),
}  # fmt: skip


def reason_text(f: _ReasonFacts, tax: Taxonomy, lang: str, by_id: bool = False) -> str:
    """The reason, clause for clause as classify.py writes the English one (a test checks that ``by_id`` English is
    that text), naming tiers, areas and econ-security areas in ``lang`` for the table (an English-speaking user
    test read ids in the verdict line); ``by_id``: by their ids, with classify's separators."""
    w = _REASON[lang]
    sep = ", " if by_id else w.sep
    areas = {a.id: a.id if by_id else a.name(lang) for a in tax.areas}
    econsec = {e.id: e.id if by_id else e.name(lang) for e in tax.econsec}

    def listed(ids: Sequence[str]) -> str:
        return sep.join(areas[a] + (w.learned if a in f.learned else w.rescored if a in f.rescored else "")
                        for a in ids)  # fmt: skip

    parts = [f"{w.tiers[tier] if w.tiers else _tier_name(tax, tier, lang)}: {listed(ids)}"
             for tier, ids in (("strategic", f.strategic), ("emerging", f.emerging)) if ids]  # fmt: skip
    if not parts:
        parts.append(w.econsec + sep.join(econsec[e] for e in f.econsec) if f.econsec
                     else w.withheld if f.withheld else w.evidence if f.evidence
                     else w.excluded + w.terms_sep.join(f.excluded) if f.excluded else w.none)  # fmt: skip
    if f.held:
        parts.append(w.held + sep.join(areas[a] for a in f.held))
    if f.held_strong:
        parts.append(w.held_strong + sep.join(areas[a] for a in f.held_strong))
    parts += [w.yields.format(a=areas[a], b=areas[b]) for a, b in f.yields.items()]
    if f.cut:
        parts.append(w.cut.format(top=f.top) + sep.join(areas[a] for a in f.cut))
    if f.framing:
        parts.append(w.framing + w.terms_sep.join(f.framing))
    if f.basic:
        parts.append(w.basic + w.terms_sep.join(f.basic))
    return w.join.join(parts)


_WHY = {"ja": ("重点の項目を通じて: ", "経済安保の技術領域: ", "経済安保の技術領域: ", "{}の重点", "重点領域", "、"),
        "en": ("through its items: ", "economic-security area: ", "economic-security areas: ", "focus of {}", "focus",
               "; ")}  # fmt: skip
"""The words of :func:`program_why` per language: items, econ-security area (one, several), an item's program,
focus, and the separator of names (English names hold commas: Agriculture, forestry, fisheries and food tech)."""


def program_why(p: ProgramHit, tax: Taxonomy, lang: str) -> str:
    """Why a program applies, by the names of its tiers, areas, program and items (:attr:`ProgramHit.why` says it by
    ids, for classify's --explain and JSON, whose ids are a contract; an English reader of ``show`` had ids, a
    review), from the facts of :attr:`ProgramHit.basis`."""
    items, econsec, econsecs, of_program, focus, sep = _WHY[lang]
    kind, of, ids = p.basis
    ja = lang == "ja"
    if kind == "items":  # an item's short name, as the classify table gives it: 目標10, Goal 10
        named = {i.id: i.name_ja.split()[0] if ja else i.name_en.split(":")[0]
                 for q in tax.programs for i in q.items}  # fmt: skip
        return items + sep.join(named.get(i, i) for i in ids)
    if kind == "econsec":
        names = {e.id: e.name(lang) for e in tax.econsec}
        return (econsec if len(ids) == 1 else econsecs) + sep.join(names[e] for e in ids)
    if kind == "item":
        head = of_program.format(next(q.name_ja if ja else q.name_en for q in tax.programs if q.id == of))
    else:
        head = _tier_name(tax, of, lang) if kind == "tier" else focus
    return f"{head}: " + sep.join(tax.area(a).name(lang) for a in ids)


def write_results(results: Iterable[Result], fmt: ClassifyFormat, out: IO[str], console: Console | None,
                  lang: str, explain: bool, min_score: int = 50, tax: Taxonomy | None = None,
                  error_texts: Mapping[str, str] | None = None) -> None:  # fmt: skip
    """Render classification results in ``fmt``; ``tax``, the taxonomy they come from, names tiers and programs in the
    Japanese table. The machine formats (json, jsonl, csv) write each result as it comes, holding none.
    ``error_texts`` gives the CSV's reason_text of a title that could not be classified: its reason (English, as
    the reason column and the JSON keep it) in ``lang``."""
    if fmt is ClassifyFormat.csv:
        _results_csv(results, out, console, lang, explain, min_score, tax, error_texts)
    else:
        RESULT_RENDERERS[fmt](results, out, console, lang, explain, min_score, tax)


def _results_json(results: Iterable[Result], out: IO[str], console: Any, lang: str, explain: bool,
                  min_score: int, tax: Taxonomy | None = None) -> None:  # fmt: skip
    """The array :func:`dump_json` writes for the list of the results' dicts, written one element at a time: each
    is indented one level more, as it stands in the array (JSON escapes a line break inside a string, so a line of
    the element's text is a line of the output)."""
    first = True
    for r in results:
        out.write("[\n  " if first else ",\n  ")
        out.write(json.dumps(r.to_dict(), ensure_ascii=False, indent=2).replace("\n", "\n  "))
        first = False
    out.write("[]\n" if first else "\n]\n")


def _results_jsonl(results: Iterable[Result], out: IO[str], console: Any, lang: str, explain: bool,
                   min_score: int, tax: Taxonomy | None = None) -> None:  # fmt: skip
    for r in results:
        out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")


def _results_csv(results: Iterable[Result], out: IO[str], console: Any, lang: str, explain: bool,
                 min_score: int, tax: Taxonomy | None = None,
                 error_texts: Mapping[str, str] | None = None) -> None:  # fmt: skip
    from .io.writers import neutralize

    excel_bom(out)
    # A title such as =HYPERLINK(...) must stay text when the CSV is opened in a spreadsheet.
    write_csv_lf(out, CLASSIFY_CSV_COLUMNS, ({k: neutralize(v) for k, v in result_row(r, tax, lang, min_score,
                                                                                       error_texts).items()}
                                              for r in results))  # fmt: skip


def write_csv_lf(out: IO[str], fieldnames: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """A header and ``rows`` as CSV with line feeds for line ends, each row written as it comes. A row with a
    carriage return in a cell is written with every cell quoted: the csv module quotes only the characters of its
    line end, so a lone CR went unquoted and readers (Python's csv, Excel) split the record there, a title from its
    verdict (a user test: titles read from a Windows list, CRLF)."""
    plain = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n")
    quoted = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writeheader()
    for row in rows:
        (quoted if any(isinstance(v, str) and "\r" in v for v in row.values()) else plain).writerow(row)


def _results_table(results: Iterable[Result], out: IO[str], console: Any, lang: str, explain: bool,
                   min_score: int, tax: Taxonomy | None = None) -> None:  # fmt: skip
    classify_table(results, console, lang, explain, min_score, tax)


RESULT_RENDERERS: dict[ClassifyFormat, Callable[..., None]] = {
    ClassifyFormat.table: _results_table,
    ClassifyFormat.json: _results_json,
    ClassifyFormat.jsonl: _results_jsonl,
    ClassifyFormat.csv: _results_csv,
}


def _ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


_EVAL_WORDS = {
    "en": {"titles": "{} titles", "columns": ("area", "labelled", "tp", "fp", "fn", "precision", "recall", "f1"),
           "worst": "worst errors (of {})", "error_columns": ("title", "expected", "predicted"),
           "micro": "micro precision {}  recall {}  F1 {}", "macro": "macro F1 {}",
           "no_macro": "macro F1 — (no area labelled or predicted)", "none": "false alarms on none titles: {}/{} ({})",
           "no_none": "false alarms on none titles: — (no title labelled none)",
           "low": "areas with recall < 0.80: {}", "no_low": "none", "sep": ", "},
    "ja": {"titles": "タイトル {} 件", "columns": ("領域", "件数", "TP", "FP", "FN", "適合率", "再現率", "F1"),
           "worst": "大きな誤り（全 {} 件のうち）", "error_columns": ("タイトル", "正解", "予測"),
           "micro": "マイクロ平均 適合率 {}  再現率 {}  F1 {}", "macro": "マクロ平均 F1 {}",
           "no_macro": "マクロ平均 F1 —（正解にも予測にもある領域がありません）",
           "none": "none のタイトルでの誤検出: {}/{}（{}）",
           "no_none": "none のタイトルでの誤検出: —（none と付けたタイトルがありません）",
           "low": "再現率が 0.80 未満の領域: {}", "no_low": "なし", "sep": "、"},
}  # fmt: skip
"""The evaluation table's words; area ids and labels (none) stay ids in both languages, as in the labelled file."""


def evaluation_table(report: Report, console: Console, worst: int, lang: str = "en") -> None:
    """Per-area precision/recall/F1, averages, false alarms and the worst errors, in ``lang``."""
    from rich.table import Table
    from rich.text import Text as RText

    words: dict[str, Any] = _EVAL_WORDS[lang]
    t = Table(title=words["titles"].format(report.cases), header_style="bold")
    for i, c in enumerate(words["columns"]):
        t.add_column(c, justify="right" if i else "left")
    for a in report.areas:
        # No prediction: no precision; no label: no recall; neither: nothing to speak of.
        t.add_row(a.id, str(a.tp + a.fn), str(a.tp), str(a.fp), str(a.fn), *map(_ratio, a.shown()))
    console.print(t)
    if worst and report.errors:
        e = Table(title=words["worst"].format(len(report.errors)), header_style="bold")
        # An area id a line, each whole (ai_robotics|disaster_resilienc / e folded inside an id: a user test); the
        # title takes the rest of the width.
        widest = max((len(a) for err in report.errors[:worst] for a in (*err.expected, *err.predicted)), default=4)
        # Below that width the ids fold as the title does, rather than the table being cut at the terminal's edge.
        whole = console.width >= 2 * widest + 30
        for i, c in enumerate(words["error_columns"]):
            e.add_column(c, overflow="fold", min_width=max(widest, len(c)) if i and whole else None)
        for err in report.errors[:worst]:
            e.add_row(RText(_visible(err.title)), "\n".join(err.expected) or "none",
                      "\n".join(err.predicted) or "none")
        console.print(e)
    console.print(words["micro"].format(*map(_ratio, report.micro.shown())), highlight=False)
    macro, rate = report.macro_f1, report.false_alarm_rate
    console.print(words["macro"].format(f"{macro:.3f}") if macro is not None else words["no_macro"], highlight=False)
    console.print(words["none"].format(report.none_false_alarms, report.none_cases, f"{rate:.1%}")
                  if rate is not None else words["no_none"], highlight=False)  # fmt: skip
    low = [a.id for a in report.areas if a.tp + a.fn and a.recall < 0.8]
    console.print(words["low"].format(words["sep"].join(low) or words["no_low"]), highlight=False)


_SUMMARY_WORDS = {
    "en": {"title": "screening summary", "count": "count", "read": "rows read", "written": "rows written",
           "blank": "blank records skipped", "verdict": "verdict {}", "primary": "primary area's tier {}",
           "area": "area {}",
           "econsec": "rows with econ-security areas", "econsec_area": "  econ-security {}",
           "held": "rows with an area held back (dc_held)", "held_area": "  held back {}",
           "problems": "rows with problems", "problem": "  problem {}",
           "formula_blank": "  of them, formulas saved without values (open and save in Excel to read them)",
           "title_from_other_column": "rows classified by the other language's title (title_from_other_column)",
           "title_from_extra_column":
               "rows classified by the extra columns for want of a title (title_from_extra_column)",
           "unfilled_row": "rows with a number and nothing else, not filled in (unfilled_row)",
           "totals_row": "totals rows, not proposals (totals_row)",
           "note_row": "notes under the list, not proposals (note_row)",
           "replaced": "cells with characters replaced"},
    "ja": {"title": "スクリーニング結果", "count": "件数", "read": "読み込んだ行", "written": "書き出した行",
           "blank": "読み飛ばした空行", "verdict": "判定 {}", "primary": "主領域の区分 {}", "area": "領域 {}",
           "econsec": "経済安保の技術領域がある行", "econsec_area": "  経済安保 {}",
           "held": "学習モデルが保留した領域のある行（dc_held）", "held_area": "  保留 {}",
           "problems": "問題のある行", "problem": "  問題 {}",
           "formula_blank": "  うち値の保存されていない数式だけの行（Excel で開いて保存すると読めます）",
           "title_from_other_column": "もう一方の言語のタイトルで分類した行（title_from_other_column）",
           "title_from_extra_column": "タイトルがないため追加の列で分類した行（title_from_extra_column）",
           "unfilled_row": "番号だけで未記入の行（unfilled_row）",
           "totals_row": "合計の行（課題ではありません。totals_row）",
           "note_row": "一覧の下の注記の行（課題ではありません。note_row）",
           "replaced": "文字を置き換えたセル"},
}  # fmt: skip
"""The summary table's labels per language; the ids after them (verdicts, tiers, areas, problems) are the output
columns' own, which a reader matches against the file."""


_PROBLEMS_JA = {
    "short_row": "列が足りない行", "long_row": "列が多すぎる行", "empty_title": "タイトルが空",
    "title_from_extra_column": "タイトルが空のため追加の列で分類",
    "title_from_other_column": "タイトルがないためもう一方の言語の列で分類",
    "title_placeholder": "タイトルが未記入（未定・なし など）",
    "title_too_long": "タイトルが長すぎる", "unclassifiable_title": "文字のないタイトル",
    "text_truncated": "テキストを切り詰め", "formula_not_evaluated": "数式が未計算", "cell_truncated": "セルを切り詰め",
    "title_excel_error": "タイトルがExcelのエラー値", "title_not_text": "タイトルが数値・日付など",
    "bad_jsonl_line": "JSONでない行",
    "bad_quotes": "引用符の崩れた行（行のまま区切って分類）",
    "title_characters_replaced": "タイトルの壊れた文字を置き換えて分類",
    "header_repeated": "列名の行の繰り返し", "unfilled_row": "番号だけの未記入の行", "totals_row": "合計の行",
    "note_row": "一覧の下の注記の行",
}  # fmt: skip
"""The problems of ``dc_problem`` in Japanese, for the summary (the column keeps the ids)."""


def screen_summary(summary: Summary, console: Console, lang: str = "en", tax: Taxonomy | None = None) -> None:
    """The end-of-run summary of ``screen``: rows, verdicts, tiers, areas, problems, labelled in ``lang``; each
    area's and econ-security area's id is followed by its name in ``lang`` from ``tax`` (the taxonomy the rows were
    screened with), and in Japanese the tiers', verdicts' and problems' too (in English those ids are words)."""
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text as RText

    from .wrap_ja import Wrapped

    w = _SUMMARY_WORDS[lang]
    names: dict[str, str] = {}
    if lang == "ja" and tax is not None:
        names = {a.id: a.name_ja for a in tax.areas} | {t: tax.tier(t).name_ja for t in TIERS} \
            | _WORDS["ja"].verdicts | {"error": "分類できない行"} | _PROBLEMS_JA \
            | {e.id: e.name_ja for e in tax.econsec}  # fmt: skip
    elif tax is not None:  # an English reader had ids alone (a user test)
        names = {a.id: a.name_en for a in tax.areas} | {e.id: e.name_en for e in tax.econsec}

    def named(key: str) -> str:
        if key not in names:
            return key
        return f"{key}（{names[key]}）" if lang == "ja" else f"{key} ({names[key]})"

    t = Table(title=w["title"], header_style="bold", show_header=True)
    t.add_column("", style="bold")
    t.add_column(w["count"], justify="right")

    def add(label: str, count: str) -> None:
        # broken as Japanese is (between words, a katakana word whole), never cut with "…": at 60 columns
        # mobility_logistics（モビリティ・輸送・港湾ロジス… lost its name's end (a fourth user test)
        t.add_row(Wrapped(RText(label), english=lang != "ja"), count)

    add(w["read"], f"{summary.rows_read:,}")
    add(w["written"], f"{summary.rows_written:,}")
    if summary.blank_rows_skipped:
        add(w["blank"], f"{summary.blank_rows_skipped:,}")
        if summary.formula_rows_skipped:  # their values may be lost rather than empty (two reviews)
            add(w["formula_blank"], f"{summary.formula_rows_skipped:,}")
    for verdict, n in summary.verdicts.items():
        add(w["verdict"].format(named(verdict)), f"{n:,}")
    for tier, n in summary.tiers.items():
        # The verdict counts a row by its highest tier; this, by the tier of its primary area (the first reported).
        add(w["primary"].format(named(tier)), f"{n:,}")
    for area, n in summary.areas.items():
        add(w["area"].format(named(area)), f"{n:,}")
    add(w["econsec"], f"{summary.rows_with_econsec:,}")
    for es, n in summary.econsec.items():  # most frequent first: a research-security office looks for cbrn here
        add(w["econsec_area"].format(named(es)), f"{n:,}")
    if getattr(summary, "rows_with_held", 0):  # the terms alone would have reported these areas (a user test)
        add(w["held"], f"{summary.rows_with_held:,}")
        for area, n in summary.held.items():
            add(w["held_area"].format(named(area)), f"{n:,}")
    add(w["problems"], f"{summary.rows_with_problems:,}")
    for kind, n in summary.problems.items():
        if kind not in NOT_PROBLEMS:
            add(w["problem"].format(named(kind)), f"{n:,}")
    for kind in NOT_PROBLEMS:  # where a row's text came from, a template's row: no problem, so not under the problems
        if summary.problems.get(kind):
            add(w[kind], f"{summary.problems[kind]:,}")
    if summary.cells_replaced:
        add(w["replaced"], f"{summary.cells_replaced:,}")
    console.print(t)
    ja = lang == "ja"
    col = escape(_visible(summary.title_column))
    if summary.title_column_detected:
        col += "（自動検出）" if ja else " (detected)"
    if summary.title_column_namesakes:
        others = summary.title_column_namesakes
        if ja:
            col += (f"、{summary.title_column_index} 列目（{', '.join(map(str, others))} 列目も同じ名前: "
                    f"--column 番号 で選べます）")  # fmt: skip
        else:
            same = (f"column {others[0]} has" if len(others) == 1
                    else f"columns {', '.join(map(str, others))} have")  # fmt: skip
            col += f", column {summary.title_column_index} ({same} the same name: pick one with --column NUMBER)"
    if summary.sheet:
        sheet = escape(_visible(summary.sheet))
        col = f"シート {sheet} の {col}" if ja else f"{col} of sheet {sheet}"
    other = getattr(summary, "title_column_other_language", None)
    if other is not None and summary.problems.get("title_from_other_column"):  # after the sheet: its column's
        col += (f"、タイトルがないときは {escape(_visible(other))}" if ja
                else f", {escape(_visible(other))} where a title is missing")  # fmt: skip
    if summary.subheading_row is not None:  # a row of the file not among the rows read
        col += ("、列名の下の行（和文・英文、氏名・所属 など）を列名に加えました" if ja
                else ", the sub-headings below the header (和文, 英文, 氏名, 所属…) joined to the column names")
    if summary.extra_columns:  # what else was classified (a user test found it only in --summary-json)
        extras = ", ".join(escape(_visible(name)) for name in summary.extra_columns)
        plural = "s" if len(summary.extra_columns) > 1 else ""
        col += f"、追加の列 {extras}" if ja else f", extra column{plural} {extras}"
    if summary.header_row:
        col += (f"、見出し行 {summary.header_row}（上の行を飛ばして自動判定。違う場合は --header-row N）" if ja
                else f", header row {summary.header_row} (rows above it skipped; --header-row N sets it)")  # fmt: skip
    # Workers that could have started but did not: the input was one batch, which starting them would only slow
    # down. Up to: --jobs capped at the cores (8 asked on 2 cores is 2), which is what jobs_requested holds
    fewer = summary.jobs < summary.jobs_requested
    # the name --encoding takes (euc-jp), not Python's codec name (euc_jp: a third user test)
    said = summary.encoding.replace("_", "-") if summary.encoding else ""
    if ja:
        enc = f"、文字コード {said}" if said else ""
        jobs = f"（最大 {summary.jobs_requested} のところ、小さな入力のため 1 プロセス）" if fewer else ""
        console.print(f"タイトル列: {col}{enc}、{summary.elapsed_seconds:.2f} 秒、"
                      f"{summary.rows_per_second:,.0f} 行/秒、jobs {summary.jobs}{jobs}", highlight=False,
                      soft_wrap=True)  # one line, however long the column's name: a script may read the last line
        return
    enc = f", encoding {said}" if said else ""
    jobs = f" (of up to {summary.jobs_requested}: a small input is screened in one process)" if fewer else ""
    console.print(f"title column: {col}{enc}; {summary.elapsed_seconds:.2f} s, "
                  f"{summary.rows_per_second:,.0f} rows/s, jobs {summary.jobs}{jobs}", highlight=False,
                  soft_wrap=True)  # fmt: skip


def _warn(console: Console, text: str, lang: str) -> None:
    """A warning on ``console``: ``Warning:`` (``警告:`` in Japanese) and ``text``, plain text."""
    from rich.markup import escape

    console.print(f"[bold yellow]{'警告:' if lang == 'ja' else 'Warning:'}[/] {escape(text)}", highlight=False,
                  soft_wrap=True)  # fmt: skip


def replaced_cells_warning(summary: Summary, encoding: str, console: Console, lang: str = "en") -> None:
    """Say that ``screen --output-errors replace`` altered cells: how many, and where the first ones are."""
    from .io.writers import row_label, row_label_ja, windows_superset, windows_superset_hint, windows_superset_hint_ja

    n, shown, ja = summary.cells_replaced, 3, lang == "ja"
    label = row_label_ja if ja else row_label
    places = ("；" if ja else "; ").join(
        f"{label(row)}、列 {_visible(column)!r}（{'、'.join(chars)}）" if ja
        else f"{label(row)}, column {_visible(column)!r} ({', '.join(chars)})"
        for row, column, chars in summary.replacements[:shown])  # fmt: skip
    if ja:
        more = f"；ほか {n - shown:,} 件（--summary-json に最初の {len(summary.replacements)} 件）" if n > shown else ""
    else:
        more = f"; and {n - shown:,} more (--summary-json names the first {len(summary.replacements)})" if n > shown \
            else ""  # fmt: skip
    lost = "".join(chr(int(code[2:], 16)) for _, _, codes in summary.replacements for code in codes)
    if lost and windows_superset(encoding, lost):  # every character kept track of: a Windows one
        chars = list(dict.fromkeys(lost))[:5]
        more += f"（{windows_superset_hint_ja(encoding, '、'.join(chars), '--output-encoding')}）" if ja \
            else f" ({windows_superset_hint(encoding, ', '.join(chars), '--output-encoding')})"  # fmt: skip
    _warn(console, f"{n:,} 個のセルで、{encoding} にない文字を '?' にして書き出しました: {places}{more}" if ja
          else f"{n:,} cell{'s' if n != 1 else ''} written with '?' for characters {encoding} cannot hold: "
          f"{places}{more}", lang)  # fmt: skip


def unjudged_rows_warning(summary: Summary, gate: str, console: Console, lang: str = "en") -> None:
    """Say that ``--fail-on`` judged only the rows that were classified: some (not all) were not (an empty title, a
    date in the title column, the header repeated). A scheduled run with --quiet said nothing of them (a user test):
    a gate that passes must not hide rows nobody screened."""
    from .models import NO_PROPOSAL, UNCLASSIFIED_PROBLEMS

    n = unjudged_rows(summary)
    counted = getattr(summary, "unclassified_problems", None) or summary.problems  # the rows not classified alone
    shown = [(k, c) for k, c in counted.items() if k in UNCLASSIFIED_PROBLEMS and k not in NO_PROPOSAL]
    kinds = "、".join(f"{_PROBLEMS_JA.get(k, k)}（{k}）{c:,}" for k, c in shown) if lang == "ja" \
        else ", ".join(f"{k} {c:,}" for k, c in shown)  # fmt: skip
    _warn(console, f"--fail-on {gate}: {n:,} 行は分類できず、判定していません（{kinds}）: 出力の dc_problem 列を"
          "確かめてください" if lang == "ja"
          else f"--fail-on {gate}: {n:,} {'rows' if n != 1 else 'row'} could not be classified and "
          f"{'were' if n != 1 else 'was'} not judged "
          f"({kinds}): see the output's dc_problem column", lang)  # fmt: skip


def unjudged_rows(summary: Summary) -> int:
    """The rows of a ``screen`` run that were not classified, but for the rows that are no proposal (the header
    repeated among them, a template's rows not filled in: :data:`~domaincheck.models.NO_PROPOSAL`; a review: a
    warning on every page-break export would teach people to skip it)."""
    from .models import NO_PROPOSAL

    return int(summary.verdicts.get("error", 0)) - sum(int(summary.problems.get(k, 0)) for k in NO_PROPOSAL)


def truncated_cells_warning(summary: Summary, console: Console, lang: str = "en") -> None:
    """Say that xlsx output cut cells over Excel's limit: the output lacks their ends (said with --quiet too)."""
    n = summary.problems.get("cell_truncated", 0)
    _warn(console, f"{n:,} 行で、Excel の上限（32,767 文字）を超えるセルを切り詰めて書き出しました（dc_problem に "
          "cell_truncated）: 全文が要るときは CSV か JSONL に書き出してください" if lang == "ja"
          else f"{n:,} row{'s' if n != 1 else ''} had a cell over Excel's 32,767 characters, cut in the output "
          "(cell_truncated in dc_problem): write CSV or JSONL to keep the whole text", lang)  # fmt: skip


def truncated_text_warning(summary: Summary, console: Console, lang: str = "en") -> None:
    """Say that rows' title and extra-column text was cut before classification: their ends were not read (said
    with --quiet too, a user test: only the summary table counted them)."""
    from .classify import MAX_TITLE_CHARS

    n = summary.problems.get("text_truncated", 0)
    _warn(console, f"{n:,} 行で、タイトルと追加列のテキストが {MAX_TITLE_CHARS:,} 文字を超えたため、先頭 "
          f"{MAX_TITLE_CHARS:,} 文字だけを分類しました（dc_problem に text_truncated）: 残りの語は判定に入っていません"
          if lang == "ja" else f"{n:,} row{'s' if n != 1 else ''} had title and extra-column text over "
          f"{MAX_TITLE_CHARS:,} characters: only the first {MAX_TITLE_CHARS:,} were classified (text_truncated in "
          "dc_problem); terms after them were not read", lang)  # fmt: skip


def hidden_rows_warning(summary: Summary, console: Console, lang: str = "en") -> None:
    """Say that rows the input sheet hides were screened, and are shown in the output (a filtered call: a user test
    found them unhidden with no word of it)."""
    n = summary.hidden_rows
    rows, were = ("rows", "were") if n != 1 else ("row", "was")
    _warn(console, f"入力で非表示の {n:,} 行（フィルターなど）もスクリーニングしました: 出力ではすべての行が"
          "表示されます" if lang == "ja"
          else f"{n:,} {rows} hidden in the input (a filter's) {were} screened too: the output shows every row",
          lang)  # fmt: skip


def nothing_screened(summary: Summary) -> bool:
    """Whether a ``screen`` run classified no row: the input had no data rows, or no row a usable title."""
    return bool(summary.rows_read == 0 or summary.verdicts.get("error", 0) == summary.rows_read)


def replaced_columns_warning(summary: Summary, console: Console, lang: str = "en") -> None:
    """Say that the input's own result columns (a file screened before) were replaced by this run's."""
    names = ", ".join(_visible(n) for n in summary.replaced_columns)
    _warn(console, f"入力に以前のスクリーニング結果の列があります（{names}）: 今回の結果で置き換えたので、"
          "古い値は出力に残っていません" if lang == "ja"
          else f"the input has result columns of an earlier screen ({names}): they are replaced by this run's; their "
          "old values are not in the output", lang)  # fmt: skip


def nothing_screened_warning(summary: Summary, console: Console, lang: str = "en") -> None:
    """Say that a ``screen`` run classified nothing (see :func:`nothing_screened`): a wrong title column, an empty
    file. Every row is still written; only the warning tells such a run from one that found nothing."""
    ja = lang == "ja"
    detected = ("（自動検出）" if ja else " (detected)") if summary.title_column_detected else ""
    column = repr(_visible(summary.title_column)) + detected
    if summary.rows_read == 0:
        if ja:
            skipped = summary.blank_rows_skipped
            blank = f"（空のレコード {skipped:,} 件を読み飛ばしました）" if skipped else ""
            if summary.formula_rows_skipped:
                blank = (f"（空のレコード {skipped:,} 件を読み飛ばしました。うち {summary.formula_rows_skipped:,} 件は"
                         "値の保存されていない数式だけの行です: ブックを Excel か LibreOffice で開いて保存し直すと、"
                         "数式の値が保存され、読めるようになります）")  # fmt: skip
            where = ("入力にレコードがありません" if summary.input_format == "jsonl"
                     else "入力の見出し行の下にデータ行がありません")  # fmt: skip
            text = f"{where}{blank}: 何もスクリーニングしていません"
        else:
            blank = f" ({summary.blank_rows_skipped:,} blank records skipped)" if summary.blank_rows_skipped else ""
            if summary.formula_rows_skipped:
                blank = (f" ({summary.blank_rows_skipped:,} blank records skipped, {summary.formula_rows_skipped:,} "
                         "of them formulas saved without their values: open and save the workbook in Excel or "
                         "LibreOffice, which stores the values)")  # fmt: skip
            where = "no records" if summary.input_format == "jsonl" else "no data rows under its header"
            text = f"the input has {where}{blank}: nothing was screened"
    else:
        from .models import UNCLASSIFIED_PROBLEMS

        kinds = ", ".join(f"{kind} {n:,}" for kind, n in summary.problems.items() if kind in UNCLASSIFIED_PROBLEMS)
        n = summary.rows_read
        if summary.problems.get("formula_not_evaluated", 0) == n and not summary.problems.get("empty_title"):
            # the column is right; its values were never saved (with empty titles, the formulas were extra columns')
            text = (f"{column} の {n:,} 行すべてが、値の保存されていない数式です: ブックを Excel か LibreOffice で"
                    "開いて保存し直すと、数式の値が保存され、読めるようになります" if ja
                    else f"all {n:,} titles in {column} are formulas saved without their values (a workbook written by "
                    "a program and never opened): open and save it in Excel or LibreOffice, which stores the values")
            _warn(console, text, lang)
            return
        text = (f"使えるタイトルのある行がありません（{n:,} 行中 {n:,} 行を分類できませんでした"
                f"{': ' + kinds if kinds else ''}）: タイトル列は {column}{'' if detected else ' '}で合っていますか？"
                "（--column 列名 または 番号）"
                if ja else f"no row had a usable title ({n:,} of {n:,} row{'s' if n != 1 else ''} not classified"
                f"{': ' + kinds if kinds else ''}): is {column} the right column? (--column NAME or N)")  # fmt: skip
    _warn(console, text, lang)


_SHEETS_NAMED = 5
"""The most sheets the other-sheets warning names (--summary-json lists them all)."""


def other_sheets_warning(sheet_read: str | None, other_sheets: tuple[str, ...], console: Console, lang: str = "en",
                         verb: tuple[str, str] = ("screen", "スクリーニング")) -> None:  # fmt: skip
    """Say that other visible sheets of the workbook hold the title column too and were not read (a call delivered
    as a sheet per category: only the first was screened, and --fail-on judged half the call; a user test).
    ``verb``: what to do with each, in English and in Japanese (evaluate's "measure")."""
    shown = [repr(_visible(s)) for s in other_sheets[:_SHEETS_NAMED]]
    more = len(other_sheets) - len(shown)
    names = ("、".join(shown) + (f" ほか {more} シート" if more else "")) if lang == "ja" \
        else ", ".join(shown) + (f" and {more} more" if more else "")  # fmt: skip
    sheet = repr(_visible(sheet_read or ""))
    if lang == "ja":
        text = (f"シート {names} にもタイトル列がありますが、読んでいません（読んだのはシート {sheet} だけです）: "
                f"残りのシートは --sheet シート名 でそれぞれ{verb[1]}してください")
    else:
        many = len(other_sheets) > 1
        text = (f"sheet{'s' if many else ''} {names} {'hold' if many else 'holds'} a title column too and "
                f"{'were' if many else 'was'} not read (only sheet {sheet} was): {verb[0]} each with --sheet NAME")
    _warn(console, text, lang)


def screen_warnings(summary: Summary, console: Console, lang: str, output_encoding: str,
                    fail_on: str | None = None, summarised: bool = True) -> None:  # fmt: skip
    """The warnings a ``screen`` run may end with, each said even with --quiet: the output lacks input cells or
    differs from them, other sheets or a header were not read as they should be, nothing was screened or the title
    column looks wrong, rows the --fail-on gate did not judge. ``summarised``: the summary was shown, whose title
    column line says what else it would (other columns of the title column's name)."""
    if summary.title_column_namesakes and not summarised:  # a sixth user test: -q said nothing of them
        namesakes_warning(summary, console, lang)
    if summary.replaced_columns:
        replaced_columns_warning(summary, console, lang)
    if summary.cells_replaced:
        replaced_cells_warning(summary, output_encoding, console, lang)
    if summary.other_sheets:  # half a call screened
        other_sheets_warning(summary.sheet, summary.other_sheets, console, lang)
    if summary.problems.get("cell_truncated"):
        truncated_cells_warning(summary, console, lang)
    if summary.problems.get("text_truncated"):
        truncated_text_warning(summary, console, lang)
    if summary.hidden_rows:
        hidden_rows_warning(summary, console, lang)
    if summary.header_like_first_row is not None:
        header_like_first_row_warning(summary.header_like_first_row, console, lang)
    if nothing_screened(summary):  # a wrong title column or an empty file
        nothing_screened_warning(summary, console, lang)
        return
    if doubtful_title_column(summary):  # a name or institution column given to --column
        doubtful_title_column_warning(summary, console, lang)
    if fail_on is not None and unjudged_rows(summary):
        unjudged_rows_warning(summary, fail_on, console, lang)


def namesakes_warning(summary: Summary, console: Console, lang: str = "en") -> None:
    """Say, when no summary does, that other columns share the title column's name: only the one read was
    screened."""
    name = _visible(summary.title_column)
    if lang == "ja":
        others = "、".join(map(str, summary.title_column_namesakes))
        text = (f"タイトル列 {name!r} と同じ名前の列がほかにもあります（{others} 列目）: 読んだのは "
                f"{summary.title_column_index} 列目だけです。ほかの列は --column 番号 で選べます")
    else:
        others = ", ".join(map(str, summary.title_column_namesakes))
        which = "column" if len(summary.title_column_namesakes) == 1 else "columns"
        text = (f"other columns share the title column's name {name!r} ({which} {others}): only column "
                f"{summary.title_column_index} was screened; pick another with --column NUMBER")
    _warn(console, text, lang)


def header_like_first_row_warning(cell: str, console: Console, lang: str = "en") -> None:
    """Say that an input read with --no-header has a first row that looks like column names (a header screened as
    proposal 1)."""
    if lang == "ja":
        text = (f"--no-header: 1 行目（{_visible(cell)!r} を含む）は列名のようですが、応募課題 1 件目として"
                "スクリーニングしました: 見出し行のあるファイルなら --no-header を外してください")
    else:
        text = (f"--no-header: the first row (holding {_visible(cell)!r}) looks like column names, and was screened "
                "as proposal 1: if the file has a header row, leave out --no-header")
    _warn(console, text, lang)


_LINES_NAMED = 5
"""Lines that repeat the header named in evaluate's warning; the rest are counted."""


def evaluation_input(read: Labelled, console: Console, lang: str = "en") -> None:
    """Say on ``console`` what ``evaluate`` measured (sheet, title and labels columns, header row), and warn of what
    it did not read: other sheets with a title column, rows that repeat the column names, other columns that could
    hold the labels."""
    from rich.markup import escape

    ja = lang == "ja"
    parts = []
    if read.sheet is not None:
        parts.append(f"シート {_visible(read.sheet)!r}" if ja else f"sheet {_visible(read.sheet)!r}")
    title = repr(_visible(read.title_column))
    parts.append(f"タイトル列 {title}" if ja else f"title column {title}")
    parts.append(f"ラベル列 {_visible(read.labels_column)!r}" if ja
                 else f"labels column {_visible(read.labels_column)!r}")  # fmt: skip
    if read.header_row is not None and read.header_row != 1:
        parts.append(f"見出し行 {read.header_row}" if ja else f"header row {read.header_row}")
    text = ("読んだもの: " + "、".join(parts)) if ja else "read: " + ", ".join(parts)
    console.print(f"[dim]{escape(text)}[/]", highlight=False, soft_wrap=True)
    if read.other_sheets:
        other_sheets_warning(read.sheet, read.other_sheets, console, lang, ("measure", "評価"))
    if read.repeated_headers:
        where = "row" if read.fmt == "xlsx" else "line"
        shown = [str(n) for n in read.repeated_headers[:_LINES_NAMED]]
        more = len(read.repeated_headers) - len(shown)
        if ja:
            text = (f"{'、'.join(shown)} 行目" + (f"（ほか {more} 行）" if more else "")
                    + "は列名の行の繰り返しです（ファイルをつないだもの？）: 評価に含めていません")
        else:
            many = len(read.repeated_headers) > 1
            text = (f"{where}{'s' if many else ''} {', '.join(shown)}" + (f" and {more} more" if more else "")
                    + f" {'repeat' if many else 'repeats'} the column names (files joined into one?): not measured")
        _warn(console, text, lang)
    if read.other_labels_columns:
        # Column numbers beside the names, which may be the same (two 正解ラベル columns, one per reviewer)
        if ja:
            names = "、".join(f"{_visible(c)!r}（{n} 列目）" for c, n in read.other_labels_columns)
            used = f"{_visible(read.labels_column)!r}（{read.labels_column_number} 列目）"
            text = f"列 {names}もラベル列になりえますが、読んだのは {used}です: 別の列は --labels-column で指定します"
        else:
            names = ", ".join(f"{_visible(c)!r} (column {n})" for c, n in read.other_labels_columns)
            used = f"{_visible(read.labels_column)!r} (column {read.labels_column_number})"
            text = f"{names} could hold the labels too; {used} was read: name another with --labels-column"
        _warn(console, text, lang)




def doubtful_title_column(summary: Summary) -> bool:
    """Whether a ``screen`` run whose title column was given with --column found no area in any row it classified,
    while another column looks like the title column or the titles are short (see :data:`SHORT_TITLE_CHARS`); or,
    areas found or not, both, unless the column's name is one of text about the proposal (:data:`_TEXT_COLUMN`)
    and none of codes (:data:`_CODE_COLUMN`): 所属 given, whose 宇宙航空研究センター rows came out space and passed
    --fail-on without a word, while 研究課題名 was the title column (a research-security office's user test). A
    detected column: when no area was found and its cells are short (Title holding Prof, Dr beside Project title:
    an office's user test, where --fail-on passed in silence)."""
    short = summary.title_median_chars is not None and summary.title_median_chars <= SHORT_TITLE_CHARS
    if summary.title_column_detected:  # and another column has a title's name (Japanese titles can be short)
        return short and _nothing_found(summary) and summary.title_column_suggested is not None
    name = unicodedata.normalize("NFKC", summary.title_column or "")
    if short and summary.title_column_suggested is not None and (
            _CODE_COLUMN.search(name) or not _TEXT_COLUMN.search(name)):
        return True  # people, institutions or codes; not keywords chosen on purpose (a review)
    return _nothing_found(summary) and (summary.title_column_suggested is not None or short)


_TEXT_COLUMN = re.compile(r"キーワード|用語|タグ|分野|領域|概要|要約|要旨|抄録|説明|内容|"
                          r"\b(?:keywords?|tags?|terms?|fields?|abstracts?|summary|descriptions?|topics?|subjects?)\b",
                          re.IGNORECASE)
"""A column name of text about the proposal (keywords, an abstract), which --column may name on purpose: its short
cells are not warned of when rows found areas (a keywords column was warned of on every run, a review; the list of
roles it replaced missed 研究所, Lab, 課題ID and more)."""
_CODE_COLUMN = re.compile(r"コード|番号|\b(?:code|no|number)\b|(?<![a-z])id(?![a-z])", re.IGNORECASE)
"""A column name of codes (分野コード, Subject ID): warned of whatever else its name says (a review)."""


def _nothing_found(summary: Summary) -> bool:
    """Whether no row a ``screen`` run classified matched any area."""
    none = summary.verdicts.get("none", 0)
    return bool(none and none + summary.verdicts.get("error", 0) == summary.rows_read)


def doubtful_title_column_warning(summary: Summary, console: Console, lang: str = "en") -> None:
    """Say why the title column given to or detected by ``screen`` may be the wrong one (see
    :func:`doubtful_title_column`)."""
    ja = lang == "ja"
    column = repr(_visible(summary.title_column))
    other = summary.title_column_suggested
    median = summary.title_median_chars
    sep = " "  # before a particle, none after a full-width bracket: '研究課題名'（1 列目）を
    if other is not None:
        if other == summary.title_column:  # two columns of one name: their numbers tell them apart
            number = getattr(summary, "title_column_suggested_index", None)
            column = f"{column}（{summary.title_column_index} 列目）" if ja else \
                f"{column} (column {summary.title_column_index})"  # fmt: skip
            sep = ""
            named = f"{_visible(other)!r}（{number} 列目）" if ja else f"{_visible(other)!r} (column {number})"
            why = f"列 {named}がタイトル列のようです" if ja else f"the column {named} looks like the title column"
        else:
            why = (f"列 {_visible(other)!r} がタイトル列のようです" if ja
                   else f"the column {_visible(other)!r} looks like the title column")
    else:
        why = (f"その列の値は短すぎます（先頭のタイトルの長さの中央値 {median} 文字）" if ja
               else f"its cells are short for titles (median {median} characters over the first rows)")
    detected = summary.title_column_detected
    if other is not None and median is not None and median <= SHORT_TITLE_CHARS:  # both signs: both said
        why += (f"（{'その' if detected else '指定した'}列の値はタイトルには短く、先頭のタイトルの長さの中央値は "
                f"{median} 文字です）" if ja
                else f" (its cells are short for titles: median {median} characters over the first rows)")
    nothing = _nothing_found(summary)
    if detected:  # short, and another column named as titles are (doubtful_title_column): both said, in order
        text = (f"どの行にも領域が見つかりませんでした。タイトル列として {column}{sep}を自動検出しましたが、"
                f"その列の値はタイトルには短く（先頭のタイトルの長さの中央値 {median} 文字）、"
                f"列 {_visible(other or '')!r} がタイトル列のようです: タイトルの列を --column で指定してください" if ja
                else f"no row matched any area; {column} was detected as the title column, but its cells are short "
                f"for titles (median {median} characters over the first rows), and the column "
                f"{_visible(other or '')!r} looks like the title column: name the title column with --column")
    else:
        text = (f"{'どの行にも領域が見つかりませんでした。' if nothing else ''}タイトル列に {column}{sep}を指定しまし"
                f"たが、{why}: --column を確かめてください" if ja
                else f"{'no row matched any area; ' if nothing else ''}{column} was given as the title column, but "
                f"{why}: check --column")  # fmt: skip
    _warn(console, text, lang)
