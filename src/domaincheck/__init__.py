"""domaincheck: map research project titles to Japan's 2025 important technology domains."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"
__all__ = ["Classifier", "DomaincheckError", "Result", "Taxonomy", "__version__", "compiled", "load_taxonomy"]

if TYPE_CHECKING:
    from .classify import Classifier
    from .errors import DomaincheckError
    from .models import Result, Taxonomy
    from .taxonomy import load as load_taxonomy


def compiled() -> bool:
    """Whether the classification core runs compiled (a wheel built with mypyc) rather than as plain Python."""
    from . import classify, normalize

    return not (classify.__file__ or "").endswith(".py") and not (normalize.__file__ or "").endswith(".py")


def __getattr__(name: str) -> Any:
    # Lazy: importing the package must stay cheap for the CLI's start-up time.
    if name == "Classifier":
        from .classify import Classifier

        return Classifier
    if name == "DomaincheckError":
        from .errors import DomaincheckError

        return DomaincheckError
    if name in ("Result", "Taxonomy"):
        from . import models

        return getattr(models, name)
    if name == "load_taxonomy":
        from .taxonomy import load

        return load
    raise AttributeError(name)
