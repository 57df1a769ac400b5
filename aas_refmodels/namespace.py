"""Our own concept namespace.

Spec files write our own identifiers as ``aasref:<path>``; the prefix expands to one base IRI.
The default is an RFC 2606 placeholder so that nothing we emit poses as an authority; a consortium
rebases every model onto its own domain with ``AASREF_BASE_IRI`` or ``base_iri=...``.
"""

from __future__ import annotations

import os

PREFIX = "aasref:"
DEFAULT_BASE_IRI = "https://example.org/aas-refmodels/"
ENV_VAR = "AASREF_BASE_IRI"


def base_iri(override: str | None = None) -> str:
    """The base IRI in force: the override, else ``$AASREF_BASE_IRI``, else the default (always ends in '/')."""
    problem = base_iri_problem(override) if override else None
    if problem:  # the environment variable is checked where it is read as an option (the CLI)
        raise ValueError(f"base IRI: {problem}")
    base = override or os.environ.get(ENV_VAR) or DEFAULT_BASE_IRI
    return base if base.endswith(("/", "#", ":")) else base + "/"


MAX_BASE_IRI = 1024  # leaves room for our longest own paths within the 2,048 characters of an Identifier


def base_iri_problem(base: str) -> str | None:
    """Why ``base`` cannot be the base IRI of our own concepts (None if it can)."""
    from .iri import iri_problem

    return iri_problem(base, max_length=MAX_BASE_IRI)


def expand(identifier: str, base: str) -> str:
    """``aasref:cd/x/1/0`` -> ``<base>cd/x/1/0``; any other identifier is returned verbatim."""
    return base + identifier[len(PREFIX):] if identifier.startswith(PREFIX) else identifier


def is_own(identifier: str, base: str) -> bool:
    return identifier.startswith(base)
