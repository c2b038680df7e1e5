"""Refresh the example outputs in README.md and docs/*.md: each `<!-- run: CMD -->` marker is followed by CMD's real
output.

Usage: python scripts/update_readme.py   (from the repository root, with domaincheck installed)
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The README and the reference pages under docs/ (the pages without a marker are left as they are)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# The old output: a fenced block, or a Markdown table with, above it, the table's title and a blank line
MARK = re.compile(r"(<!-- run: (?P<cmd>[^\n]+?) -->\n)(?P<old>```\n.*?```\n|(?:[^\n|<`][^\n]*\n\n)?(?:\|[^\n]*\n)+)?",
                  re.S)


def run(cmd: str) -> str:
    env = {**os.environ, "COLUMNS": "110", "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.run(shlex.split(cmd), capture_output=True, text=True, env=env, check=False)
    return proc.stdout + proc.stderr


def replace(m: re.Match[str]) -> str:
    cmd = m.group("cmd")
    out = run(cmd).rstrip("\n")
    if "--format markdown" in cmd:
        return f"{m.group(1)}{out}\n"
    return f"{m.group(1)}```\n$ {cmd}\n{out}\n```\n"


def main() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        new = MARK.sub(replace, text)
        if new != text:
            page.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
