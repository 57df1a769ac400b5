"""Absolute IRIs (RFC 3987) and URNs (RFC 8141): global asset ids and the base IRI, checked before anything is built.

Imports nothing heavy (the CLI and the spec loader use it at start-up)."""

from __future__ import annotations

import re

MAX_IDENTIFIER = 2048

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):(.*)$", re.DOTALL)
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9\-]{0,30}[A-Za-z0-9]:\S+$", re.IGNORECASE)
# RFC 3987: characters that never appear literally in an IRI (besides controls and spaces)
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f<>\"{}|\\^`\ud800-\udfff\ufffe\uffff]")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"^(?:[^@/?#]*@)?(\[[0-9A-Fa-f:.]+\]|[^:/?#\[\]@]+)(?::\d*)?(?:[/?#]|$)")


def iri_problem(value: str, *, max_length: int = MAX_IDENTIFIER) -> str | None:
    """Why ``value`` is no absolute IRI or URN (None if it is one)."""
    if not isinstance(value, str) or not value:
        return "empty: give an absolute IRI (https://factory.example.kr/asset/M-01) or a URN (urn:uuid:…)"
    if len(value) > max_length:
        return f"{len(value)} characters, more than the {max_length} allowed (ids derived from it are limited to 2,048)"
    bad = _FORBIDDEN.search(value)
    if bad:
        what = "a space" if bad.group() == " " else f"U+{ord(bad.group()):04X}"
        return f"{_short(value)} contains {what} at position {bad.start()}, not allowed in an IRI (RFC 3987)"
    m = _SCHEME.match(value)
    if not m:
        return (f"{_short(value)} is not an absolute IRI: it needs a scheme such as https: or urn: "
                "(e.g. https://factory.example.kr/asset/M-01)")
    scheme, rest = m.group(1).lower(), m.group(2)
    if _BAD_ESCAPE.search(value):
        return f"{_short(value)} has a % that does not start a %XX escape (RFC 3987)"
    if value.count("#") > 1:
        return f"{_short(value)} has more than one '#' (RFC 3987 allows one fragment)"
    if scheme == "urn":
        if not _URN.match(value):
            return f"{_short(value)} is not a URN: the form is urn:<namespace>:<name> (RFC 8141)"
        return None
    if scheme in ("http", "https"):
        if not rest.startswith("//") or not _HOST.match(rest[2:]):
            return f"{_short(value)} has no host: an {scheme} IRI is {scheme}://host/path"
    elif not rest:
        return f"{_short(value)} has nothing after the scheme"
    return None


def _short(value: str, limit: int = 80) -> str:
    return repr(value) if len(value) <= limit else repr(value[:limit])[:-1] + "…'"
