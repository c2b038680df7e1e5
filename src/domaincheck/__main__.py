"""``python -m domaincheck``."""

from .cli import main

main()
