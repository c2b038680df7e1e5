"""Which area a name given by a person means: ``show``'s lookup of ids, names, technologies and near misses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import NoReturn

from .errors import UnknownNameError, UsageError
from .models import KIND_NAMES_EN, KIND_NAMES_JA, Area, EconSecArea, Program, ProgramItem, Taxonomy, Text, Tier
from .normalize import normalize_text, written_as
from .taxonomy import loose_name, resolver

_QUOTED_MAX = 60
"""The most characters of a query an error repeats (a 5,000-character argument came back whole)."""


def quoted(query: str) -> str:
    """``query`` as a message quotes it: its repr, cut to :data:`_QUOTED_MAX` characters with an ellipsis (after the
    repr, whose escapes may make it longer)."""
    said = repr(query)
    return said if len(said) <= _QUOTED_MAX else said[:_QUOTED_MAX - 2] + "…" + said[-1]


TermReader = Callable[[str], Sequence[tuple[str, int]]]
"""The areas whose terms a text holds, with their scores, best first (the classifier on terms alone)."""


def find_area(tax: Taxonomy, query: str, terms: TermReader | None = None) -> tuple[str, tuple[str, str] | None]:
    """The id of the area ``query`` names, and a note (English, Japanese) to show its reader when the query is not
    the area's own name: a technology of the area (核融合 → fusion) or a near miss (qantum → quantum).

    An area's id or name, Japanese or English, official or short, in any width and case; else a technology name or
    strong term of exactly one area; else the closest name by spelling when it is clearly the closest; else, with
    ``terms``, the area whose terms the query holds when one scores highest (drones → aviation, batteries →
    energy_gx: spelling alone offered energy_gx and semiconductor_comm for drones, a user test).
    UnknownNameError otherwise: for an economic-security area (with the areas its crosswalk names), a program or a
    program item (said to be one, with the command that lists it), an ambiguous query, or one near no area.
    UsageError for an empty query.
    """
    said = quoted(query)
    if not query.strip():
        raise UsageError("give an area id or name, e.g. quantum or 量子",
                         ja="領域の id か名前を指定してください（例: quantum、量子）")
    names: dict[str, str] = {}
    for a in tax.areas:
        for label in (a.id, a.name_ja, a.name_en, a.official_ja, a.official_en):
            names[label] = a.id
    key = normalize_text(query)
    an_area_name = key in {normalize_text(k) for k in names}
    es = next((e for e in tax.econsec if key in {normalize_text(x) for x in (e.id, e.name_ja, e.name_en)}), None)
    if es is not None and not an_area_name:
        # The crosswalk says which of the 16 areas it corresponds to (cybersecurity → digital_cyber).
        linked = ", ".join(f"`domaincheck show {a}`" for a in es.crosswalk)
        raise UnknownNameError(f"{said} is an economic-security area ({es.id}: {es.name_en}), not one of the 16 "
                               "areas", hint=f"its terms: `domaincheck econsec {es.id}`"
                               + (f"; its areas among the 16: {linked}" if linked else ""),
                               ja=f"{said} は経済安全保障の技術領域（{es.id}: {es.name_ja}）で、16 領域のひとつでは"
                               "ありません", hint_ja=f"その用語は `domaincheck econsec {es.id}` で表示できます"
                               + (f"。対応する領域: {linked.replace(', ', '、')}" if linked else ""))  # fmt: skip
    tier = _tier_named(tax, key)
    if tier is not None and not an_area_name:  # 新興・基盤技術領域 was "no area matches" (a user test)
        raise UnknownNameError(f"{said} is a tier ({tier.id}), not one of the 16 areas",
                               hint=f"its areas: `domaincheck domains --tier {tier.id}`",
                               ja=f"{said} は領域の区分（{tier.id}）で、16 領域のひとつではありません",
                               hint_ja=f"その領域は `domaincheck domains --tier {tier.id}` で一覧できます")
    if not an_area_name:  # a program's or a program item's id (moonshot, moonshot_goal_10) is never a near miss
        _reject_program(tax, said, key, by_name=False)
    # A technology name or a strong term of exactly one area also names it (核融合 → fusion).
    by_term: dict[str, set[str]] = {}
    for a in tax.areas:
        for t in a.technologies:
            for label in (t.name_ja, t.name_en, *t.strong):
                if label not in tax.cased or written_as(query, (label,)):  # LoRa is no LoRA (a review)
                    by_term.setdefault(normalize_text(label), set()).add(a.id)
    owners = by_term.get(key, set())
    if len(owners) == 1 and not an_area_name:
        owner = owners.pop()
        return owner, (f"{said} is a technology of {owner}: showing {owner}",
                       f"{said} は {owner} の技術です: {owner} を表示します")
    # An area's excluded term (宇宙論, 量子化学) is a false friend of it: close to its name by spelling, and the
    # opposite of what it means (a user test found `show 宇宙論` showing space).
    excluded = sorted(a.id for a in tax.areas if key in {normalize_text(x) for x in a.exclude})
    if excluded and not owners and not an_area_name:
        listed = ", ".join(excluded)
        whose = "its" if len(excluded) == 1 else "their"
        raise UnknownNameError(f"{said} is excluded from {listed}: a false friend that {whose} terms do not count, not "
                               "an area", hint=f"see `domaincheck show {excluded[0]}` (excluded terms)",
                               ja=f"{said} は {listed} の除外語です（その領域の用語としては数えない語）。領域の名前では"
                               "ありません", hint_ja=f"`domaincheck show {excluded[0]}` の除外語を参照してください")
    # Words that name two areas or more by their own names or technologies (space quantum, 核融合 量子): one of them
    # was shown, by spelling or by terms, as if the other were not there (a user test).
    singular = key[:-1] if key.endswith("s") and key.isascii() else key  # quantum materials: a term's plural
    if not an_area_name and not owners and len(by_term.get(singular, ())) != 1:
        own = {normalize_text(label): aid for label, aid in names.items()}

        def area_of(part: str) -> str | None:
            owned = by_term.get(part, set())
            return own.get(part) or (next(iter(owned)) if len(owned) == 1 else None)

        named: list[str] = []
        for aid in map(area_of, map(normalize_text, _PARTS.split(query))):
            if aid is not None and aid not in named:
                named.append(aid)
        # Split at spaces (the query's own: normalised, 核融合 量子 is one word), every word must name an area: a
        # modifier before its noun is one topic (fusion reactor materials, ocean drone: a review).
        words = [area_of(normalize_text(w)) for w in query.split()]
        if len(named) < 2 and len(words) > 1 and None not in words:
            named = list(dict.fromkeys(w for w in words if w is not None))
        if len(named) > 1:
            shows = ", ".join(f"`domaincheck show {aid}`" for aid in named)
            raise UnknownNameError(f"{said} names several areas: {', '.join(named)}",
                                   hint=f"give one area at a time: {shows}",
                                   ja=f"{said} は複数の領域を指しています（{'、'.join(named)}）",
                                   hint_ja=f"領域は 1 つずつ指定してください: {shows}")  # fmt: skip
    found = resolver(names)(query)
    held: list[tuple[str, int]] | None = None
    if found and found[0][1] >= 80 and (len(found) == 1 or found[0][1] - found[1][1] >= 3 or found[0][1] == 100):
        if found[0][1] == 100:
            return found[0][0], None
        # A near miss by spelling, unless the words are one area's terms: "satellite communications" is close to
        # Semiconductors and communications by spelling, and a term of space. A single word (qantum) stays with
        # spelling, and shows without loading the matcher.
        held = list(terms(query)) if terms is not None and len(key.split()) > 1 else []
        if not _clear(held) or held[0][0] == found[0][0]:
            return found[0][0], (f"no area is named {said}; showing the closest, {found[0][0]}",
                                 f"{said} という領域はありません。最も近い {found[0][0]} を表示します")
    # A program's name (CREST, さきがけ) only when it names no area: バイオ (a K Program field) shows bio_healthcare.
    _reject_program(tax, said, key, by_name=True)
    if held is None:
        held = list(terms(query)) if terms is not None else []
    if _clear(held):
        owner = held[0][0]
        return owner, (f"{said} holds terms of {owner}: showing {owner}",
                       f"{said} は {owner} の用語を含みます: {owner} を表示します")
    if held:  # several areas' terms, none ahead: the areas they name, not spelling's guesses
        tied = [aid for aid, score in held if score == held[0][1]][:3]
        raise UnknownNameError(f"{said} holds terms of several areas: {', '.join(tied)}", hint="use an area id",
                               ja=f"{said} は複数の領域の用語を含みます（{'、'.join(tied)}）",
                               hint_ja="領域の id で指定してください")  # fmt: skip
    near = ", ".join(f"{aid} ({tax.area(aid).name_en})" for aid, _ in found[:3])
    if found and found[0][1] >= 80:
        near_ja = "、".join(f"{aid}（{tax.area(aid).name_ja}）" for aid, _ in found[:3])
        raise UnknownNameError(f"{said} is ambiguous: it could be {near}", hint="use an area id",
                               ja=f"{said} は曖昧です（候補: {near_ja}）",
                               hint_ja="領域の id で指定してください")  # fmt: skip
    # A Latin name of one or two letters is close to many by spelling alone (x to energy_gx): no suggestion for it;
    # two kanji are a whole name (量了 is near 量子)
    offered = [aid for aid, score in found[:3] if score >= _SUGGEST_AT and not (key.isascii() and len(key) <= 2)]
    close = ", ".join(f"{aid} ({tax.area(aid).name_en})" for aid in offered)
    close_ja = "、".join(f"{aid}（{tax.area(aid).name_ja}）" for aid in offered)
    raise UnknownNameError(f"no area matches {said}", hint=f"nearest: {close}; see `domaincheck domains`" if close
                           else f"`domaincheck domains` lists the {len(tax.areas)} areas, `econsec` and `programs` "
                           "the rest", ja=f"{said} に当たる領域がありません",
                           hint_ja=f"近い領域: {close_ja}。`domaincheck domains` を参照してください" if close
                           else f"`domaincheck domains` で {len(tax.areas)} 領域を、`econsec` と `programs` でその他を"
                           "一覧できます")  # fmt: skip


def _tier_named(tax: Taxonomy, key: str) -> Tier | None:
    """The tier whose id or name ``key`` (normalised) is, or None (`show` and `programs` say a tier is a tier)."""
    return next((t for t in tax.tiers if key in (normalize_text(t.name_ja), normalize_text(t.name_en), t.id)), None)


_PARTS = re.compile(r"\s*(?:[,、，・/／&＆+＋]|と|および|及び|\b[Aa][Nn][Dd]\b)\s*")
"""Where a query of several names splits."""


def _clear(held: Sequence[tuple[str, int]]) -> bool:
    """Whether one area leads the areas whose terms a name holds (best score first)."""
    return bool(held) and (len(held) == 1 or held[0][1] > held[1][1])


_SUGGEST_AT = 60
"""The resolver's score from which an area is offered as a near name (``nosuch`` scores 45 against every area)."""


def _reject_program(tax: Taxonomy, said: str, key: str, by_name: bool) -> None:
    """UnknownNameError when ``key`` (normalised) is the id, or with ``by_name`` the name, of a program or of one of
    its items (a Moonshot goal, a K Program field): `show` takes areas, and the nearest areas would mean nothing.
    ``said``: the query as the messages quote it (:func:`quoted`)."""
    for p in tax.programs:
        entries: tuple[Program | ProgramItem, ...] = (p, *p.items)
        for entry in entries:
            labels = (entry.name_ja, entry.name_en, *_short_names(entry.name_ja), *_short_names(entry.name_en)) \
                if by_name else (entry.id,)
            names = {normalize_text(x) for x in labels}
            # A program's Japanese name may be cut short (ムーンショット for ムーンショット型研究開発制度); not an
            # English one (Support, Use: the first words of many) nor an item's (目標1 is 目標10's start too).
            if key not in names and not (by_name and entry is p and len(key) >= 4
                                         and normalize_text(entry.name_ja).startswith(key)):  # fmt: skip
                continue
            kind, kind_ja = KIND_NAMES_EN.get(p.kind, p.kind), KIND_NAMES_JA.get(p.kind, p.kind)
            if entry is p:
                raise UnknownNameError(f"{said} is a {kind} ({p.id}: {p.name_en}), not one of the 16 areas",
                                       hint=f"see `domaincheck programs {p.id}`",
                                       ja=f"{said} は{kind_ja}（{p.id}: {p.name_ja}）で、16 領域のひとつでは"
                                       "ありません",
                                       hint_ja=f"`domaincheck programs {p.id}` を参照してください")  # fmt: skip
            areas = entry.areas if isinstance(entry, ProgramItem) else ()
            focus = f"; it focuses on {', '.join(areas)} (`domaincheck show {areas[0]}`)" if areas else ""
            focus_ja = f"。対象の領域は {', '.join(areas)}（`domaincheck show {areas[0]}`）" if areas else ""
            named = f"{said} ({entry.id})" if by_name else said
            named_ja = f"{said}（{entry.id}）" if by_name else said
            raise UnknownNameError(f"{named} is part of the {kind} {p.id} ({p.name_en}), not one of the 16 areas",
                                   hint=f"see `domaincheck programs {entry.id}`{focus}",
                                   ja=f"{named_ja} は{kind_ja} {p.id}（{p.name_ja}）の一部で、16 領域のひとつでは"
                                   "ありません",
                                   hint_ja=f"`domaincheck programs {entry.id}` を参照してください"
                                   f"{focus_ja}")  # fmt: skip


def find_econsec(tax: Taxonomy, query: str) -> tuple[EconSecArea, tuple[str, str] | None]:
    """The economic-security area ``query`` names, and a note (English, Japanese) when it was read as a near
    spelling: an id, or a Japanese or English name, in any width and case; else the closest id or name by spelling
    when it is clearly the closest; else UnknownNameError, with the nearest ids (cbrm: cbrn). One of the 16 areas'
    names is said to be one, with the economic-security areas its crosswalk reaches (量子: quantum, and
    quantum_information_science). UsageError for an empty query."""
    said = quoted(query)
    if not query.strip():
        raise UsageError("give an economic-security area's id or name, e.g. cbrn or 先端材料科学",
                         ja="経済安全保障の技術領域の id か名前を指定してください（例: cbrn、先端材料科学）")
    key = normalize_text(query)
    names = {label: e.id for e in tax.econsec for label in (e.id, e.name_ja, e.name_en)}
    by_key = {normalize_text(label): eid for label, eid in names.items()}
    if key in by_key:
        return next(e for e in tax.econsec if e.id == by_key[key]), None
    area = _area_named(tax, key)
    if area is not None:
        linked = [e.id for e in tax.econsec if area.id in e.crosswalk]
        see = f"`domaincheck show {area.id}`" + "".join(f", `domaincheck econsec {e}`" for e in linked)
        return _not_econsec(said, f"is an area ({area.id}: {area.name_en}), not an economic-security one",
                            f"は領域（{area.id}: {area.name_ja}）で、経済安全保障の技術領域ではありません", see)
    found = resolver(names)(query)
    if found and found[0][1] >= _NEAR_ECONSEC and (len(found) == 1 or found[0][1] - found[1][1] >= 3):
        es = next(e for e in tax.econsec if e.id == found[0][0])
        return es, (f"no economic-security area is named {said}; showing the closest, {es.id}",
                    f"{said} という経済安全保障の技術領域はありません。最も近い {es.id} を表示します")
    near = [eid for eid, score in found[:3] if score >= _SUGGEST_AT]
    return _not_econsec(said, "names no economic-security area", "に当たる経済安全保障の技術領域がありません",
                        "`domaincheck econsec`", near)


def _area_named(tax: Taxonomy, key: str) -> Area | None:
    """The area whose id or name, Japanese or English, official or short, ``key`` (normalised) is, written with any
    separators (medical-drug: a review), or None: what `econsec` and `programs` say is an area, not theirs."""
    loose = loose_name(key)
    return next((a for a in tax.areas if loose in {loose_name(normalize_text(x)) for x in (
        a.id, a.name_ja, a.name_en, a.official_ja, a.official_en)}), None)  # fmt: skip


def _not_econsec(said: str, what: str, what_ja: str, see: str, near: Sequence[str] = ()) -> NoReturn:
    raise UnknownNameError(f"{said} {what}", hint=(f"nearest: {', '.join(near)}; " if near else "") + f"see {see}",
                           ja=f"{said} {what_ja}", hint_ja=(f"近いもの: {'、'.join(near)}。" if near else "")
                           + f"{see.replace(', ', '、')} を参照してください")  # fmt: skip


_NEAR_ECONSEC = 85
"""How close by spelling (the taxonomy resolver's score) a name must be to an economic-security area's id or name
to be read as it."""


def find_program(tax: Taxonomy, query: str) -> tuple[Program, ProgramItem | None, tuple[str, str] | None]:
    """The program ``query`` names, the item when it names one of its items (a Moonshot goal, a K Program field),
    and a note (English, Japanese) when it was read as a near spelling or a part of a name: an id, a Japanese or
    English name or a short one (SIP, K Program, 目標6, NEDO), in any width and case, with any separators (ALCA-Next
    for alca_next), with a number's leading zeros (目標06) or after its program's name (ムーンショット目標10); an
    area's name is said to be one, and so is a tier's; else four or more characters of the Japanese names of
    programs and items (ムーンショット, 人材育成; not three: の推進, 革新的, a review), which name the one that holds
    them or, held by several, are an error listing them; else an agency's acronym in capitals (JST) or four or more
    Japanese characters (宇宙戦略基金) in their other texts, said so as well; else an id or short name within a
    letter or two (moonshoot). An English word that is only part of a name (Program, security) names nothing.
    UnknownNameError otherwise; UsageError for an empty query."""
    from rapidfuzz import fuzz

    said = quoted(query)
    if not query.strip():
        raise UsageError("give a program id or name, e.g. moonshot or SIP",
                         ja="プログラムの id か名前を指定してください（例: moonshot、SIP）")
    # 経済安保 is how people write 経済安全保障 (経済安保重要技術育成プログラム, 経済安保 海洋: an eighth user test)
    key = _program_key(query).replace("経済安保", "経済安全保障")
    labels: dict[str, set[str]] = {}  # normalised label -> "program id" or "program id/item id"
    short: dict[str, set[str]] = {}  # the same for ids and short names: what a near spelling may stand for
    for prog in tax.programs:
        entries: tuple[Program | ProgramItem, ...] = (prog, *prog.items)
        for entry in entries:
            ref = prog.id if entry is prog else f"{prog.id}/{entry.id}"
            brief = (entry.id, *_short_names(entry.name_ja), *_short_names(entry.name_en))
            for label in (*brief, entry.name_ja, entry.name_en):
                labels.setdefault(_program_key(label), set()).add(ref)
            for label in brief:
                short.setdefault(_program_key(label), set()).add(ref)
    found = sorted(labels.get(key, ()))
    note = None
    if not found:  # written with other separators or none (ALCA-Next for alca_next, Kプログラム for K Program)
        loose = loose_name(key)
        found = sorted({ref for label, refs in labels.items() if loose_name(label) == loose for ref in refs})
    if not found:  # an item after (part of) its program's name: ムーンショット目標10, Moonshot Goal 6, K Program 海洋
        found = _item_of_named_program(tax, loose_name(key))
    tier = _tier_named(tax, key)
    if not found and tier is not None:  # 国家戦略技術領域 showed the CSTI measure that holds it (a review)
        raise UnknownNameError(f"{said} is a tier, not a program",
                               hint="`domaincheck programs` lists every program with the tiers it serves",
                               ja=f"{said} は領域の区分で、プログラムではありません",
                               hint_ja="`domaincheck programs` で各プログラムが対象とする区分を一覧できます")
    if not found:
        area = _area_named(tax, key)
        if area is not None:  # before a part of a name: フュージョンエネルギー is in Moonshot goal 10's (a review)
            raise UnknownNameError(f"{said} is an area ({area.id}: {area.name_en}), not a program",
                                   hint=f"its programs: `domaincheck show {area.id}`",
                                   ja=f"{said} は領域（{area.id}: {area.name_ja}）で、プログラムではありません",
                                   hint_ja=f"その領域のプログラムは `domaincheck show {area.id}` で表示されます")
    english_part = key.isascii() and len(key.split()) >= 2
    if not found and ((not key.isascii() and len(key) >= 4) or english_part):
        # Part of a Japanese name, as people cut them (ムーンショット, 人材育成, 研究セキュリティ: a user test), or
        # words of an English one (human resource development, technology leakage: an English-speaking user test;
        # not one word, which may be in many: Program, security): the entries whose name holds it, said as such;
        # several are named in the error below.
        part = re.compile(r"(?<![a-z0-9])" + re.escape(key) + r"(?![a-z0-9])")
        holding: set[str] = set()
        for prog in tax.programs:
            named: tuple[Program | ProgramItem, ...] = (prog, *prog.items)
            holding.update(prog.id if entry is prog else f"{prog.id}/{entry.id}" for entry in named
                           if (part.search(normalize_text(entry.name_en)) if english_part
                               else key in normalize_text(entry.name_ja)))  # fmt: skip
        found = sorted(holding)
        if len(found) == 1:
            shown = found[0].split("/")[-1]
            note = (f"{said} is part of the name of {shown}: showing {shown}",
                    f"{said} は {shown} の名前の一部です: {shown} を表示します")
    acronym = unicodedata.normalize("NFKC", query).strip()
    mentioning: list[str] = []
    if re.fullmatch(r"[A-Z]{3,6}", acronym):  # JST, NEDO, BRAIN: in capitals as a word (the agency, not a brain)
        word = re.compile(r"(?<![A-Za-z0-9])" + re.escape(acronym) + r"(?![A-Za-z0-9])")
        mentioning = _mentioning(tax, lambda t: bool(word.search(unicodedata.normalize("NFKC", t.ja))
                                                     or word.search(t.en)))  # fmt: skip
    elif not found and not key.isascii() and len(key) >= 4:  # 宇宙戦略基金, 研究開発税制: words of their facts
        mentioning = _mentioning(tax, lambda t: key in normalize_text(t.ja))
    if not found and mentioning:
        # An agency's acronym that names no program but runs or funds some (JST: K Program's calls, Moonshot's
        # funds; a company's user test found nothing), or the words of a fact (a fund, a tax scheme): the
        # programs or items whose text holds it
        found = mentioning
        if len(found) == 1:
            shown = found[0].split("/")[-1]
            note = (f"{said} is named in the text of {shown}: showing {shown}",
                    f"{said} は {shown} の説明に出てきます: {shown} を表示します")
        else:
            mentioned = [ref.split("/")[-1] for ref in found]
            where, where_ja = ", ".join(mentioned), "、".join(mentioned)
            raise UnknownNameError(f"{said} names no program; it is named in the text of {where}",
                                   hint="use one of these ids",
                                   ja=f"{said} という名前のプログラムはありません。{where_ja} の説明に出てきます",
                                   hint_ja="これらの id で指定してください")  # fmt: skip
    if not found:
        best: dict[str, float] = {}  # ref -> its closest id or short name; a near spelling differs by a letter or two
        digits = [int(d) for d in re.findall(r"[0-9]+", key)]  # Goal 11 is no near spelling of Goal 1 (a user test)
        for label, refs in short.items():
            score = fuzz.ratio(key, label) if abs(len(label) - len(key)) <= 2 else 0.0
            if digits and [int(d) for d in re.findall(r"[0-9]+", label)] != digits:  # goal 06 is Goal 6
                score = 0.0
            for ref in refs:
                best[ref] = max(best.get(ref, 0.0), score)
        ranked = sorted(((score, ref) for ref, score in best.items()), reverse=True)
        if ranked and ranked[0][0] >= _NEAR_PROGRAM and (len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= 5):
            found = [ranked[0][1]]
            shown = found[0].split("/")[-1]
            note = (f"no program is named {said}; showing the closest, {shown}",
                    f"{said} というプログラムはありません。最も近い {shown} を表示します")
        else:
            near = [ref.split("/")[-1] for score, ref in ranked[:3] if score >= _SUGGEST_PROGRAM_AT]
            if not near and not key.isascii() and len(key) >= 2:
                # too short a part to be shown as a name (の推進, 革新的: a review), but offered: 懸賞金 is frontier's
                near = [p.id for p in tax.programs if key in normalize_text(p.name_ja)]
                near += [i.id for p in tax.programs for i in p.items if key in normalize_text(i.name_ja)]
                near = near if len(near) <= 3 else []
            raise UnknownNameError(f"no program matches {said}",
                                   hint=(f"nearest: {', '.join(near)}; " if near else "")
                                   + "`domaincheck programs` lists them all",
                                   ja=f"{said} に当たるプログラムがありません",
                                   hint_ja=(f"近いもの: {'、'.join(near)}。" if near else "")
                                   + "`domaincheck programs` で一覧できます")  # fmt: skip
    if len(found) > 1:
        several = [ref.split("/")[-1] for ref in found]
        raise UnknownNameError(f"{said} names several programs or items: {', '.join(several)}", hint="use an id",
                               ja=f"{said} は複数のプログラム・項目に当たります（{'、'.join(several)}）",
                               hint_ja="id で指定してください")  # fmt: skip
    program_id, _, item_id = found[0].partition("/")
    program = next(p for p in tax.programs if p.id == program_id)
    others = [ref.split("/")[-1] for ref in mentioning if ref.split("/")[0] != program_id]
    if others and note is None:  # NEDO is NEDO先導研究プログラム, and NEDO runs K Program's calls too (the user test)
        note = (f"{said} is also named in the text of {', '.join(others)}",
                f"{said} は {'、'.join(others)} の説明にも出てきます")
    return program, next((i for i in program.items if i.id == item_id), None), note


def _mentioning(tax: Taxonomy, holds: Callable[[Text], bool]) -> list[str]:
    """The programs and items ("program id/item id") with a name, operator, summary or fact that ``holds``, an item
    only when its program's text does not."""

    def names(texts: Iterable[Text | None]) -> bool:
        return any(t is not None and holds(t) for t in texts)

    found = []
    for prog in tax.programs:
        if names([Text(prog.name_ja, prog.name_en), prog.operator, prog.summary, *prog.facts]):
            found.append(prog.id)
        else:
            found += [f"{prog.id}/{item.id}" for item in prog.items
                      if names([Text(item.name_ja, item.name_en), *item.facts])]  # fmt: skip
    return found


def _program_key(text: str) -> str:
    """A program's name or a query for one, normalised, with a number's leading zeros dropped (目標06 and Goal 006
    are Goal 6)."""
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", normalize_text(text))


def _item_of_named_program(tax: Taxonomy, loose: str) -> list[str]:
    """The items named by ``loose`` (a query by :func:`loose_name`) as a program's name, or the first two characters
    or more of it, followed by the item's own name or short name (ムーンショット目標10, moonshot goal 6,
    Kプログラム海洋; not "on Goal 6" or "Program Goal 1", whose heads start no program's name: a review)."""
    found: set[str] = set()
    for prog in tax.programs:
        names = [loose_name(_program_key(n)) for n in (prog.id, prog.name_ja, prog.name_en,
                                                       *_short_names(prog.name_ja), *_short_names(prog.name_en))]
        for item in prog.items:
            for label in (item.name_ja, item.name_en, *_short_names(item.name_ja), *_short_names(item.name_en)):
                tail = loose_name(_program_key(label))
                head = loose[: len(loose) - len(tail)]
                if tail and loose.endswith(tail) and len(head) >= 2 and any(n.startswith(head) for n in names):
                    found.add(f"{prog.id}/{item.id}")
    return sorted(found)


_NEAR_PROGRAM = 88
"""How close (rapidfuzz's ratio) a name must be to a program's id or short name, no more than two characters longer
or shorter, to be read as it: moonshoot 94, kprogram 94 (k_program), crst 89 (crest); not Program (88 to K Program),
nor Development (hr_development is three characters longer)."""
_SUGGEST_PROGRAM_AT = 70
"""From this ratio an id or short name is offered as a near one in the error."""


def _short_names(name: str) -> tuple[str, ...]:
    """Shorter names a person uses for a program or item: the acronym in closing brackets (SIP, K Program, CREST 等;
    Kプログラム as Japanese text writes it) and a Moonshot goal's number (目標6 for 目標6 経済・産業・…, Goal 6)."""
    # (a note in brackets that starts in lower case is no short name)
    out = [m.group(1) for m in re.finditer(r"[（(]([^（()）a-z][^（()）]*)[)）]\s*$", name)]
    # An agency's acronym that starts a Japanese name (NEDO先導研究プログラム): NEDO is that program to a person; so
    # is an acronym before a name in brackets (PRESTO for "PRESTO (Sakigake)", a review)
    out += [m.group(1) for m in re.finditer(r"^([A-Z][A-Z0-9]{2,})(?=[^\x00-\x7f]|\s*[（(])", name)]
    out += [re.sub(r"\s*Program\b", "プログラム", x) for x in out if "Program" in x]  # Kプログラム
    # and as people cut it: Kプロ (an eighth user test; 経済安保 is read as 経済安全保障 in find_program)
    out += [x[: -len("プログラム")] + "プロ" for x in out if re.fullmatch(r"[A-Za-z]+プログラム", x)]
    # The agency of a hyphenated acronym (AMED of AMED-CREST: a URA's user test found `programs AMED` nothing)
    out += [m.group(1) for x in list(out) if (m := re.fullmatch(r"([A-Z]{3,})-[A-Za-z]+", x)) is not None]
    goal = re.match(r"(目標\s*\d+|Goal\s+\d+)\b", name)  # a Moonshot goal's number, not any first word (Use, Support)
    if goal:
        out.append(goal.group(1))
    return tuple(out)
