"""Check the relative links of README.md and docs/*.md: every linked file exists, and every #anchor names a heading
of the page it points into (GitHub's slugs: lower case, punctuation dropped, spaces as hyphens, -1, -2 … for repeats).

Usage: python scripts/check_doc_links.py   (from anywhere; exits 1 and lists the broken links when there are any)
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("*", "")
    kept = [ch for ch in text.strip().lower() if ch in " -_" or unicodedata.category(ch)[0] in "LNM"]
    return "".join(kept).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        if m := re.match(r"#{1,6} (.*)", line):
            s = slug(m.group(1))
            found.add(f"{s}-{seen[s]}" if s in seen else s)
            seen[s] = seen.get(s, 0) + 1
    return found


def main() -> int:
    bad = []
    for page in PAGES:
        for m in LINK.finditer(FENCE.sub("", page.read_text(encoding="utf-8"))):
            target = m.group(1)
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            file, _, frag = target.partition("#")
            dest = (page.parent / file).resolve() if file else page
            if not dest.exists():
                bad.append(f"{page.relative_to(ROOT)}: no file {target}")
            elif frag and (dest.suffix != ".md" or frag not in anchors(dest)):
                bad.append(f"{page.relative_to(ROOT)}: no heading {target}")
    print("\n".join(bad) or f"every relative link of {len(PAGES)} pages resolves")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
