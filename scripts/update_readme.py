"""Refresh the example outputs in README.md: each `<!-- run: CMD -->` marker is followed by CMD's real output.

Usage: python scripts/update_readme.py   (from the repository root, with domaincheck installed)
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
# The old output: a fenced block, or a Markdown table with, above it, the table's title and a blank line
MARK = re.compile(r"(<!-- run: (?P<cmd>[^\n]+?) -->\n)(?P<old>```\n.*?```\n|(?:[^\n|<`][^\n]*\n\n)?(?:\|[^\n]*\n)+)?",
                  re.S)


def run(cmd: str) -> str:
    env = {**os.environ, "COLUMNS": "110", "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.run(shlex.split(cmd), capture_output=True, text=True, env=env, check=False)
    return proc.stdout + proc.stderr


def main() -> None:
    text = README.read_text(encoding="utf-8")

    def replace(m: re.Match[str]) -> str:
        cmd = m.group("cmd")
        out = run(cmd).rstrip("\n")
        if "--format markdown" in cmd:
            return f"{m.group(1)}{out}\n"
        return f"{m.group(1)}```\n$ {cmd}\n{out}\n```\n"

    README.write_text(MARK.sub(replace, text), encoding="utf-8")


if __name__ == "__main__":
    main()
