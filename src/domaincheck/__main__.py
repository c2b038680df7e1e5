"""``python -m domaincheck``."""

from .launcher import main

main()
