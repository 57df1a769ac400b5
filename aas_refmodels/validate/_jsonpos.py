"""Line and column of JSON pointers in a JSON text: one position-tracking pass over its tokens.

Used only when a report format needs a region (SARIF, GitHub annotations); the validator itself works on the
parsed document and locates JSON findings by pointer.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Sequence

from ..findings import Report, SourceLocation

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]|[^\s{}\[\],:"]+', re.S)


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _ancestors(pointer: str) -> Iterable[str]:
    while True:
        yield pointer
        if not pointer:
            return
        pointer = pointer.rsplit("/", 1)[0]


def positions(text: str, pointers: Iterable[str]) -> dict[str, tuple[int, int]]:
    """``{pointer: (line, column)}`` (1-based, column in characters) of the values at ``pointers``.

    A pointer that names nothing in the text (a missing property) gets the position of its nearest ancestor.
    """
    targets = set(pointers)
    wanted = {a for p in targets for a in _ancestors(p)}
    found: dict[str, int] = {}
    # frames: [is_object, pointer of the container, current key (object) or index (array), expecting a key]
    stack: list[list[object]] = []
    pending_key: str | None = None
    for m in _TOKEN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c in ",:":
            if c == "," and stack:
                top = stack[-1]
                if top[0]:
                    top[3] = True
                else:
                    top[2] = int(top[2]) + 1  # type: ignore[call-overload]
            continue
        if c in "}]":
            if stack:
                stack.pop()
            continue
        if stack and stack[-1][0] and stack[-1][3]:  # an object key
            if c != '"':
                break  # not JSON: stop quietly, positions found so far stay valid
            try:
                pending_key = json.loads(tok) if "\\" in tok else tok[1:-1]
            except ValueError:
                break
            stack[-1][2] = pending_key
            stack[-1][3] = False
            continue
        # a value starts here
        if stack:
            top = stack[-1]
            pointer = f"{top[1]}/{_escape(str(top[2]))}"
        else:
            pointer = ""
        if pointer in wanted:
            found[pointer] = m.start()
            if len(found) == len(wanted):
                break
        if c == "{":
            stack.append([True, pointer, None, True])
        elif c == "[":
            stack.append([False, pointer, 0, False])
    newlines = [m.start() for m in re.finditer("\n", text)] if found else []
    out = {}
    for p in targets:
        offset = next((found[a] for a in _ancestors(p) if a in found), None)
        if offset is None:
            continue
        line = bisect.bisect_left(newlines, offset)
        start = newlines[line - 1] + 1 if line else 0
        out[p] = (line + 1, offset - start + 1)
    return out


def add_regions(reports: Sequence[Report], read: Callable[[str], bytes | None]) -> list[Report]:
    """Reports of JSON inputs whose findings carry a pointer get the pointer's line and column.

    ``read(source)`` returns the bytes of a report's source (None: unknown, nothing is added).
    """
    out = []
    for r in reports:
        todo = [f for f in r.findings if r.format == "json" and f.location is not None and f.location.line is None
                and f.location.pointer is not None and f.location.file in (None, r.source)]
        data = read(r.source) if todo else None
        if not todo or data is None:
            out.append(r)
            continue
        text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
        pos = positions(text, {f.location.pointer for f in todo if f.location and f.location.pointer is not None})
        ids = {id(f) for f in todo}
        findings = []
        for f in r.findings:
            loc = f.location
            if id(f) in ids and loc is not None and loc.pointer in pos:
                line, col = pos[loc.pointer]
                f = dataclasses.replace(f, location=SourceLocation(loc.file, loc.pointer, line, col))
            findings.append(f)
        out.append(dataclasses.replace(r, findings=tuple(findings)))
    return out
