"""Deserialize layer: strict reads into the metamodel. Failures become SER findings, never exceptions.

* aas-core3.0 (3.0) / aas-core3.1 (3.1) build the objects the metamodel layer verifies;
* on request (``validate(..., basyx=True)``, ``--basyx-compat``) a strict basyx read (``failsafe=False``) of
  3.1 input as well: the basyx compatibility check (SER005), since basyx is what the rest of the project
  reads and writes with.
"""

from __future__ import annotations

import importlib
import io
import logging
import re
from typing import Any

from ..findings import Finding, ModelPath, SourceLocation
from . import _paths
from ._make import finding


def aas_core(version: str) -> Any:
    """The aas-core package of ``version`` (``aas_core3`` or ``aas_core3_1``)."""
    return "aas_core3" if version == "3.0" else "aas_core3_1"


def _module(version: str, name: str) -> Any:
    return importlib.import_module(f"{aas_core(version)}.{name}")


def from_jsonable(doc: Any, version: str, file: str | None) -> tuple[Any, Finding | None]:
    jsonization = _module(version, "jsonization")
    try:
        return jsonization.environment_from_jsonable(doc), None
    except jsonization.DeserializationException as exc:
        parts = _paths.aas_core_parts(exc.path)
        return None, finding("SER004", _paths.model_path(doc, parts), _json_words(_clean(exc.cause), doc, parts),
                             version,
                             location=SourceLocation(file, pointer=_paths.join_pointer(parts)))
    except RecursionError:
        return None, finding("SER007", ModelPath("Environment"), "nesting too deep to deserialize", version,
                             location=SourceLocation(file))
    except (ValueError, TypeError):  # aas-core decodes Blob values with base64 outside its own exceptions
        blob = _bad_blob(doc)
        if blob is None:
            raise
        return None, finding("SER004", _paths.model_path(doc, [*blob, "value"]),
                             "found a Blob value that is not base64, expected base64-encoded bytes", version,
                             location=SourceLocation(file, pointer=_paths.join_pointer([*blob, "value"])))


_PY_TYPES = {"list": "an array", "dict": "an object", "int": "a number", "float": "a number", "bool": "a boolean",
             "NoneType": "null", "str": "a string"}


def _json_words(message: str, doc: Any, parts: list[Any]) -> str:
    """aas-core's messages name Python types (``<class 'list'>``); say the JSON type instead."""
    if "{type(jsonable)}" in message:  # an unformatted message of aas-core3.1 1.0.0
        value = _paths.get(doc, parts)
        message = message.replace("{type(jsonable)}", f"<class '{type(value).__name__}'>")
    message = re.sub(r"<class '(\w+)'>", lambda m: _PY_TYPES.get(m.group(1), m.group(1)), message)
    return message.replace("but got: ", "but got ").replace("Expected a str", "Expected a string")


def _bad_blob(doc: Any) -> list[Any] | None:
    """Pointer parts of the first Blob whose value aas-core cannot decode as base64."""
    import base64
    import binascii

    stack: list[tuple[Any, list[Any]]] = [(doc, [])]
    while stack:
        node, parts = stack.pop()
        if isinstance(node, dict):
            if node.get("modelType") == "Blob" and isinstance(node.get("value"), str):
                try:
                    base64.b64decode(node["value"].encode("ascii"))
                except (binascii.Error, ValueError):
                    return parts
            stack.extend((v, [*parts, k]) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, [*parts, i]) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    return None


MAX_PRUNES = 50


def from_jsonable_pruned(doc: Any, version: str, file: str | None) -> tuple[Any, list[Finding], Any]:
    """Like :func:`from_jsonable`, but keeps going past undeserializable parts.

    Each failure is a SER004 finding; the list item holding the failing value (an element, a key, a
    language string, …) is removed from a copy of the document and deserialization is retried, up to
    ``MAX_PRUNES`` times, so that one broken element does not hide the metamodel findings of the rest.
    Returns (environment or None, findings, remap) where ``remap(parts)`` maps pointer parts of the
    pruned document back to the original one.
    """
    import copy

    env, f = from_jsonable(doc, version, file)
    if f is None or f.code != "SER004":
        return env, [f] if f else [], _identity
    findings = [f]
    work = copy.deepcopy(doc)
    removals: list[tuple[tuple[Any, ...], int]] = []
    for _ in range(MAX_PRUNES):
        parts = _paths.split_pointer(f.location.pointer if f.location and f.location.pointer else "")
        cut = max((i for i, p in enumerate(parts) if isinstance(p, int)), default=None)
        if cut is None:
            return None, findings, _identity
        container = _paths.get(work, parts[:cut])
        index = parts[cut]
        if not isinstance(container, list) or not isinstance(index, int) or index >= len(container):
            return None, findings, _identity
        del container[index]
        if not container and cut > 0:
            parent = _paths.get(work, parts[: cut - 1])
            if isinstance(parent, dict):
                parent.pop(parts[cut - 1], None)
        removals.append((tuple(parts[:cut]), index))
        env, f = from_jsonable(work, version, file)
        if f is None:
            return env, findings, _remapper(removals)
        if f.code != "SER004":
            return None, findings, _identity
        # the finding is located in the pruned document: map it back to the original
        orig = _remapper(removals)(_paths.split_pointer(f.location.pointer if f.location and f.location.pointer
                                                          else ""))
        findings.append(finding("SER004", _paths.model_path(doc, orig), f.message, version,
                                location=SourceLocation(file, pointer=_paths.join_pointer(orig))))
    return None, findings, _identity


def _identity(parts: list[Any]) -> list[Any]:
    return parts


def _remapper(removals: list[tuple[tuple[Any, ...], int]]) -> Any:
    def remap(parts: list[Any]) -> list[Any]:
        out = list(parts)
        for prefix, index in reversed(removals):
            n = len(prefix)
            if len(out) > n and tuple(out[:n]) == prefix and isinstance(out[n], int) and out[n] >= index:
                out[n] += 1
        return out
    return remap


def from_xml(text: str, version: str, file: str | None) -> tuple[Any, Finding | None]:
    xmlization = _module(version, "xmlization")
    try:
        return xmlization.environment_from_str(text), None
    except xmlization.DeserializationException as exc:
        path = "".join(p if p.startswith("[") else "." + p for p in _xml_parts(exc.path)[1:]).lstrip(".")
        return None, finding("SER004", ModelPath("Environment", (f"#{path}",) if path else ()), _clean(exc.cause),
                             version, location=SourceLocation(file))
    except RecursionError:
        return None, finding("SER007", ModelPath("Environment"), "nesting too deep to deserialize", version,
                             location=SourceLocation(file))
    except Exception as exc:
        return None, finding("SER004", ModelPath("Environment"), _clean(str(exc)), version,
                             location=SourceLocation(file))


def _xml_parts(path: Any) -> list[str]:
    out = []
    for seg in getattr(path, "segments", ()):
        if hasattr(seg, "index"):
            out.append(f"[{seg.index}]")
        elif hasattr(seg, "element"):
            tag = getattr(seg.element, "tag", "")
            out.append(tag.rsplit("}", 1)[-1])
    return out


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().rstrip(".")


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def basyx_read(data: str | bytes, fmt: str, version: str, file: str | None) -> list[Finding]:
    """Strict basyx read (3.1 only): the exception (or logged error) as one SER005 finding."""
    from basyx.aas.adapter.json import read_aas_json_file
    from basyx.aas.adapter.xml import read_aas_xml_file

    logger = logging.getLogger("basyx")
    capture = _Capture()
    logger.addHandler(capture)
    try:
        if fmt == "json":
            read_aas_json_file(io.StringIO(data if isinstance(data, str) else data.decode("utf-8-sig")),
                               failsafe=False)
        else:
            read_aas_xml_file(io.BytesIO(data if isinstance(data, bytes) else data.encode("utf-8")), failsafe=False)
    except RecursionError:
        return [finding("SER007", ModelPath("Environment"), "nesting too deep for basyx", version,
                        location=SourceLocation(file))]
    except Exception as exc:
        full = _basyx_message(exc)
        chain: list[str] = []
        cur: BaseException | None = exc
        while cur is not None and len(chain) < 20:
            chain.append(str(cur))
            cur = cur.__cause__ or cur.__context__
        return [finding("SER005", ModelPath("Environment"), _short(_plain(full)), version,
                        location=SourceLocation(file, line=_line_of(exc)),
                        details={"exception": type(exc).__name__,
                                 "constraints": sorted(set(re.findall(r"Constraint (AAS[a-z]-[0-9a-z-]+)", " ".join(chain))))})]
    finally:
        logger.removeHandler(capture)
    return [finding("SER005", ModelPath("Environment"), _clean(r.getMessage()), version, location=SourceLocation(file))
            for r in capture.records if r.levelno >= logging.ERROR]


def _basyx_message(exc: BaseException) -> str:
    parts: list[str] = []
    cur: BaseException | None = exc
    while cur is not None and len(parts) < 20:
        text = _clean(str(cur.args[0]) if isinstance(cur, KeyError) and cur.args else str(cur))
        text = text.split(" >>> ", 1)[0].rstrip("!")
        if text and not any(text in p for p in parts):
            parts.append(text)
        cur = cur.__cause__ or cur.__context__
    if not parts:
        return type(exc).__name__
    # the innermost cause says what is wrong; the outer ones only say where it was being built
    where = [p for p in parts[:-1] if p.startswith("Failed to construct")]
    root = parts[-1]
    return f"{root} (in {where[-1][len('Failed to construct '):]})" if where else "; ".join(parts[:3])


_PYTHON_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"could not convert string to float: ('.*?')"), r"found \1, expected a number"),
    (re.compile(r"invalid literal for int\(\) with base \d+: ('.*?')"), r"found \1, expected an integer"),
    (re.compile(r"Exceeds the limit \(\d+ digits\) for integer string conversion(?:.*?increase the limit)?"),
     "found an integer of more than 4,300 digits, which basyx cannot convert "),
    (re.compile(r"Invalid base64-encoded string[^(]*|Incorrect padding[^(]*|Non-base64 digit found[^(]*"),
     "found a Blob value that is not base64 "),
    (re.compile(r"(?:unhashable type|object has no attribute|object is not (?:iterable|subscriptable)|"
                r"argument of type|list index out of range|NoneType|can only concatenate|"
                r"not supported between instances)[^(]*"),
     "found a value of an unexpected JSON type "),
)


def _plain(text: str) -> str:
    """basyx passes Python's own exception texts through; say what they mean about the document instead."""
    for pattern, replacement in _PYTHON_MESSAGES:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+\(", " (", text).strip()


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line_of(exc: BaseException) -> int | None:
    lines: list[int] = []
    cur: BaseException | None = exc
    while cur is not None and len(lines) < 20:
        lines += [int(n) for n in re.findall(r"on line (\d+)", str(cur))]
        cur = cur.__cause__ or cur.__context__
    return lines[-1] if lines else None
