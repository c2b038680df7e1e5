"""Audit the thesaurus against labelled titles: which terms report an area the labels do not confirm.

Usage::

    python scripts/audit_terms.py training/*.csv tests/data/eval/heldout_{a,b,c,d,e,g}.csv

For every area term, over the titles whose area it helped the term layer report (terms only, no learned model):
how often the title's labels include that area. Lists the terms reported at least ``--min-reported`` times whose
share is below ``--below``, worst first, with what the rule of session 5 does to each: a strong term below 35 %
becomes a support term, a support term at or below 20 % leaves its area. Never run it on the judge sets (heldout_f,
h, i, dev.csv): the rule must be fixed on training titles alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import domaincheck  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from domaincheck.classify import Classifier  # noqa: E402
from domaincheck.evaluate import read_cases  # noqa: E402

DEMOTE_BELOW = 0.35
DROP_AT_MOST = 0.20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="+", type=Path, help="labelled CSV files (title, labels)")
    parser.add_argument("--min-reported", type=int, default=5)
    parser.add_argument("--below", type=float, default=0.4, help="list terms whose confirmed share is below this")
    args = parser.parse_args()
    clf = Classifier.load(learned=False)
    stats: dict[tuple[str, str, str], list[int]] = {}  # (area, term, strength) -> [reported, confirmed]
    titles = 0
    area_ids = [a.id for a in clf.taxonomy.areas]
    for path in args.data:
        for case in read_cases(path, area_ids):
            titles += 1
            for area in clf.classify(case.title).areas:
                for e in area.evidence:
                    s = stats.setdefault((area.id, e.term, e.strength), [0, 0])
                    s[0] += 1
                    s[1] += area.id in case.labels
    rows = sorted((ok / n, n, key) for key, (n, ok) in stats.items() if n >= args.min_reported and ok / n < args.below)
    print(f"{titles} titles; {len(rows)} terms reported at least {args.min_reported} times, confirmed below "
          f"{args.below:.0%}")  # fmt: skip
    for share, n, (area, term, strength) in rows:
        action = "-> support" if strength == "strong" and share < DEMOTE_BELOW else \
            "-> drop" if strength == "support" and share <= DROP_AT_MOST else ""
        print(f"{share:5.0%} of {n:4d}  {area:20s} {strength:8s} {term}  {action}")


if __name__ == "__main__":
    main()
