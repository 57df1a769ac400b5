"""The official AAS JSON Schema, made fast without weakening it.

Two steps, both done in code from the official file (never a hand-edited copy):

1. :func:`derive_schema` rewrites the official schema into an equivalent one:
   * every ``oneOf`` whose branches each require ``modelType`` with a distinct constant becomes an
     ``if``/``then`` dispatch on ``modelType`` (the official ``oneOf`` evaluates all 13-14 branches at every
     nesting level, which makes validation exponential in nesting depth); objects without a known
     ``modelType`` fall back to the original ``oneOf`` so that the verdict stays the same;
   * the XML-character patterns written for UTF-16 surrogate pairs become code-point ranges (Python's
     ``re`` matches code points, so the official pattern falsely rejects non-BMP characters such as
     U+1F321 that the XSD and the metamodel accept).
2. :func:`compile_schema` compiles the (derived) schema into closures for exactly the keywords the AAS
   schemas use (draft 2019-09 semantics as implemented by ``jsonschema``). An unknown keyword raises
   :class:`UnsupportedSchema` so that a future schema is never checked partially; the caller then falls
   back to ``jsonschema`` itself.

``tests/validate/test_schema_equivalence.py`` proves equal verdicts with ``jsonschema`` over the official
schema on the official examples and on mutants of them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

# (parent-cons, key) linked list: cheap to build per node, materialized only on error
PathCons = tuple[Any, Any] | None
Error = tuple[PathCons, str, str, Any]  # (path-cons, keyword, message, details)
Errs = list[Error]
Check = Callable[[Any, PathCons, Errs], None]

_SURROGATE_ALTERNATIVES = (
    r"\ud800[\udc00-\udfff]|[\ud801-\udbfe][\udc00-\udfff]|\udbff[\udc00-\udfff]"
)
_SURROGATE_GROUP = re.compile(
    r"\(\[(?P<cls>[^\]]*)\]\|" + re.escape(_SURROGATE_ALTERNATIVES) + r"\)(?P<q>[*+?]?)"
)
_LONE_SURROGATE_ESCAPE = re.compile(r"\\ud[89a-f][0-9a-f]{2}", re.IGNORECASE)
_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "contentEncoding", "contentMediaType",
                          "$comment", "examples", "default", "definitions", "$defs"})


class UnsupportedSchema(Exception):
    """The schema uses a construct this compiler does not implement."""


# ---------------------------------------------------------------------------------------------- derive

def rewrite_pattern(pattern: str) -> str:
    """Replace a UTF-16 surrogate-pair alternation by the equivalent code-point range."""
    new = _SURROGATE_GROUP.sub(lambda m: f"[{m.group('cls')}\\U00010000-\\U0010ffff]{m.group('q')}", pattern)
    if _LONE_SURROGATE_ESCAPE.search(new.replace(r"\ud7ff", "")):
        raise UnsupportedSchema(f"cannot rewrite surrogate pattern {pattern!r}")
    return new


def _definition_name(ref: str) -> str | None:
    return ref[len("#/definitions/"):] if ref.startswith("#/definitions/") else None


def _model_type_facts(defs: dict[str, Any], name: str, seen: frozenset[str] = frozenset()) -> tuple[set[Any], bool]:
    """(constants of modelType, whether modelType is required) that hold unconditionally for ``name``."""
    if name in seen or name not in defs:
        return set(), False
    consts: set[Any] = set()
    required = False
    stack = [defs[name]]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        mt = node.get("properties", {}).get("modelType")
        if isinstance(mt, dict) and "const" in mt:
            consts.add(mt["const"])
        if "modelType" in node.get("required", ()):
            required = True
        if "$ref" in node:
            ref_name = _definition_name(node["$ref"])
            if ref_name:
                c, r = _model_type_facts(defs, ref_name, seen | {name})
                consts |= c
                required = required or r
        stack.extend(node.get("allOf", ()))
    return consts, required


def derive_schema(official: dict[str, Any]) -> dict[str, Any]:
    """The official schema with ``modelType`` dispatch instead of ``oneOf`` and code-point patterns."""
    schema = copy.deepcopy(official)
    defs = schema.get("definitions", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(x) for x in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                out[key] = rewrite_pattern(value)
            elif key in ("properties", "definitions", "$defs") and isinstance(value, dict):
                out[key] = {k: walk(v) for k, v in value.items()}
            elif key == "enum" or key == "const":
                out[key] = value
            else:
                out[key] = walk(value)
        return out

    schema = dict(walk(schema))
    defs = schema.get("definitions", {})
    for name, node in list(defs.items()):
        if set(node) != {"oneOf"}:
            continue
        branches = node["oneOf"]
        dispatch: list[tuple[str, str]] = []
        for branch in branches:
            ref_name = _definition_name(branch.get("$ref", "")) if set(branch) == {"$ref"} else None
            consts, required = _model_type_facts(defs, ref_name) if ref_name else (set(), False)
            if not ref_name or len(consts) != 1 or not required:
                dispatch = []
                break
            dispatch.append((next(iter(consts)), branch["$ref"]))
        if not dispatch or len({c for c, _ in dispatch}) != len(dispatch):
            continue
        defs[name] = {
            "if": {"type": "object", "required": ["modelType"],
                   "properties": {"modelType": {"enum": [c for c, _ in dispatch]}}},
            "then": {"allOf": [{"if": {"properties": {"modelType": {"const": c}}}, "then": {"$ref": ref}}
                               for c, ref in dispatch]},
            "else": {"oneOf": branches},
        }
    return schema


# ---------------------------------------------------------------------------------------------- compile

def materialize(path: PathCons) -> list[Any]:
    out = []
    while path is not None:
        path, key = path
        out.append(key)
    out.reverse()
    return out


def pointer(path: PathCons) -> str:
    return "".join("/" + str(k).replace("~", "~0").replace("/", "~1") for k in materialize(path))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    raise UnsupportedSchema(f"type {name!r}")


def _equal(a: Any, b: Any) -> bool:
    """jsonschema's equality: booleans are not numbers, containers compare element-wise."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (list, dict)) or isinstance(b, (list, dict)):
        if type(a) is not type(b) or len(a) != len(b):
            return False
        if isinstance(a, list):
            return all(_equal(x, y) for x, y in zip(a, b, strict=False))
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value) if not isinstance(value, str) else '"' + value + '"'
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Compiler:
    """Schema -> closures. ``fuse`` (default) flattens nested keyword sequences and fuses common ones (see
    :func:`_fused`); ``fuse=False`` keeps one closure per keyword, the reference the tests compare with."""

    def __init__(self, root: dict[str, Any], fuse: bool = True) -> None:
        self.root = root
        self.fuse = fuse
        self._refs: dict[str, list[Check | None]] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return _noop
        if schema is False:
            return lambda inst, path, errs: errs.append((path, "false", "no value is allowed here", None))
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"schema node {schema!r}")
        checks: list[Check] = []
        for key in schema:
            if key in _ANNOTATIONS or key in ("then", "else"):
                continue
            builder = getattr(self, "_kw_" + key.lstrip("$"), None)
            if builder is None:
                raise UnsupportedSchema(f"keyword {key!r}")
            checks.append(builder(schema[key], schema))
        checks = [c for c in checks if c is not _noop]
        if self.fuse:
            return _fused(checks)
        if not checks:
            return _noop
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            c1, c2 = checks

            def two(inst: Any, path: PathCons, errs: Errs) -> None:
                c1(inst, path, errs)
                c2(inst, path, errs)
            return two
        tup = tuple(checks)

        def many(inst: Any, path: PathCons, errs: Errs) -> None:
            for c in tup:
                c(inst, path, errs)
        return many

    # -- keywords
    def _kw_ref(self, ref: str, _schema: dict[str, Any]) -> Check:
        cell = self._refs.get(ref)
        if cell is None:
            cell = [None]
            self._refs[ref] = cell
            target = self._resolve(ref)
            cell[0] = self.compile(target)
        if cell[0] is not None:
            return cell[0]

        def deferred(inst: Any, path: PathCons, errs: Errs) -> None:
            target = cell[0]
            assert target is not None
            target(inst, path, errs)
        return deferred

    def _resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise UnsupportedSchema(f"remote $ref {ref!r}")
        node: Any = self.root
        for part in ref[1:].split("/")[1:]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _kw_type(self, name: Any, _schema: dict[str, Any]) -> Check:
        names = [name] if isinstance(name, str) else list(name)
        for n in names:
            _is_type(None, n)  # validates the name
        py = {"string": str, "object": dict, "array": list}
        if len(names) == 1 and names[0] in py:
            cls = py[names[0]]
            label = names[0]

            def check_simple(inst: Any, path: PathCons, errs: Errs) -> None:
                if not isinstance(inst, cls):
                    errs.append((path, "type", f"found {_json_type(inst)}, expected {label}", {"expected": label}))
            return _tag(check_simple, "type-" + label)

        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            if not any(_is_type(inst, n) for n in names):
                errs.append((path, "type", f"found {_json_type(inst)}, expected {' or '.join(names)}",
                             {"expected": names}))
        return check

    def _kw_properties(self, props: dict[str, Any], _schema: dict[str, Any]) -> Check:
        compiled = tuple((k, self.compile(v)) for k, v in props.items())
        compiled = tuple((k, c) for k, c in compiled if c is not _noop)
        if not compiled:
            return _noop

        return _properties(compiled)

    def _kw_required(self, names: list[str], _schema: dict[str, Any]) -> Check:
        return _required(tuple(names))

    def _kw_pattern(self, pattern: str, _schema: dict[str, Any]) -> Check:
        try:
            rx = re.compile(pattern)
        except re.error as exc:
            raise UnsupportedSchema(f"pattern {pattern!r}: {exc}") from None
        search = rx.search

        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            if isinstance(inst, str) and search(inst) is None:
                errs.append((path, "pattern", f"{_short(inst)} does not match the pattern {_short(pattern, 80)}",
                             {"pattern": pattern}))
        return _tag(check, "pattern", search)

    def _kw_minLength(self, n: int, _schema: dict[str, Any]) -> Check:
        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            if isinstance(inst, str) and len(inst) < n:
                errs.append((path, "minLength", f"found {len(inst)} characters, expected at least {n}", {"limit": n}))
        return _tag(check, "minLength", n)

    def _kw_maxLength(self, n: int, _schema: dict[str, Any]) -> Check:
        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            if isinstance(inst, str) and len(inst) > n:
                errs.append((path, "maxLength", f"found {len(inst)} characters, expected at most {n}", {"limit": n}))
        return _tag(check, "maxLength", n)

    def _kw_minItems(self, n: int, _schema: dict[str, Any]) -> Check:
        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            if isinstance(inst, list) and len(inst) < n:
                errs.append((path, "minItems", f"found {len(inst)} items, expected at least {n}", {"limit": n}))
        return check

    def _kw_items(self, sub: Any, _schema: dict[str, Any]) -> Check:
        if not isinstance(sub, (dict, bool)):
            raise UnsupportedSchema("array form of items")
        c = self.compile(sub)
        if c is _noop:
            return _noop

        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            if isinstance(inst, list):
                for i, item in enumerate(inst):
                    c(item, (path, i), errs)
        return check

    def _kw_enum(self, values: list[Any], _schema: dict[str, Any]) -> Check:
        if all(isinstance(v, str) for v in values):
            allowed = frozenset(values)

            def check_str(inst: Any, path: PathCons, errs: Errs) -> None:
                if not (isinstance(inst, str) and inst in allowed):
                    errs.append((path, "enum", f"found {_short(inst)}, expected one of {', '.join(values)}",
                                 {"allowed": values}))
            return _tag(check_str, "enum-str", allowed)

        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            if not any(_equal(inst, v) for v in values):
                errs.append((path, "enum", f"found {_short(inst)}, expected one of {values!r}", {"allowed": values}))
        return check

    def _kw_const(self, value: Any, _schema: dict[str, Any]) -> Check:
        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            if not _equal(inst, value):
                errs.append((path, "const", f"found {_short(inst)}, expected {_short(value)}", {"expected": value}))
        return check

    def _kw_allOf(self, subs: list[Any], _schema: dict[str, Any]) -> Check:
        dispatch = self._model_type_dispatch(subs)
        if dispatch is not None:
            return dispatch
        compiled = tuple(c for c in (self.compile(s) for s in subs) if c is not _noop)
        if self.fuse:
            return _fused(list(compiled))
        if not compiled:
            return _noop
        if len(compiled) == 1:
            return compiled[0]

        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            for c in compiled:
                c(inst, path, errs)
        return check

    def _model_type_dispatch(self, subs: list[Any]) -> Check | None:
        """``allOf`` of ``{if: {properties: {modelType: {const: C}}}, then: S}`` as one dictionary lookup.

        Same semantics: for an object whose modelType equals C exactly one ``then`` applies; for anything
        else every ``if`` is vacuously true only when modelType is absent or the value is no object, in which
        case all ``then`` schemas apply (handled by the generic path).
        """
        table: dict[str, Any] = {}
        for s in subs:
            if not (isinstance(s, dict) and set(s) == {"if", "then"}):
                return None
            cond = s["if"]
            if set(cond) != {"properties"} or set(cond["properties"]) != {"modelType"}:
                return None
            mt = cond["properties"]["modelType"]
            if set(mt) != {"const"} or not isinstance(mt["const"], str) or mt["const"] in table:
                return None
            table[mt["const"]] = s["then"]
        compiled = {k: self.compile(v) for k, v in table.items()}
        all_thens = tuple(compiled.values())

        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            if isinstance(inst, dict) and "modelType" in inst:
                mt_value = inst["modelType"]
                c = compiled.get(mt_value) if isinstance(mt_value, str) else None
                if c is not None:
                    c(inst, path, errs)
                return
            for c in all_thens:  # no modelType: every "if" holds vacuously
                c(inst, path, errs)
        return check

    def _kw_anyOf(self, subs: list[Any], _schema: dict[str, Any]) -> Check:
        compiled = tuple(self.compile(s) for s in subs)

        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            for c in compiled:
                trial: Errs = []
                c(inst, path, trial)
                if not trial:
                    return
            errs.append((path, "anyOf", "matches none of the allowed alternatives", None))
        return check

    def _kw_oneOf(self, subs: list[Any], _schema: dict[str, Any]) -> Check:
        compiled = tuple(self.compile(s) for s in subs)
        names = [(_definition_name(s.get("$ref", "")) or "?") if isinstance(s, dict) else "?" for s in subs]

        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            valid = 0
            for c in compiled:
                trial: Errs = []
                c(inst, path, trial)
                if not trial:
                    valid += 1
                    if valid > 1:
                        break
            if valid == 1:
                return
            found = inst.get("modelType") if isinstance(inst, dict) else None
            what = f"modelType {_short(found)}" if found is not None else (
                "an object without modelType" if isinstance(inst, dict) else f"a {_json_type(inst)}")
            if valid == 0:
                errs.append((path, "oneOf", f"found {what}, expected one of {', '.join(names)}",
                             {"alternatives": names}))
            else:
                errs.append((path, "oneOf", f"found {what} matching several of {', '.join(names)}, expected one",
                             {"alternatives": names}))
        return check

    def _kw_if(self, cond: Any, schema: dict[str, Any]) -> Check:
        test = self.compile(cond)
        then = self.compile(schema.get("then", True))
        other = self.compile(schema.get("else", True))
        fast = self._fast_condition(cond)

        def check(inst: Any, path: PathCons, errs: Errs) -> None:
            if fast is not None:
                ok = fast(inst)
            else:
                trial: Errs = []
                test(inst, path, trial)
                ok = not trial
            (then if ok else other)(inst, path, errs)
        return check

    @staticmethod
    def _fast_condition(cond: Any) -> Callable[[Any], bool] | None:
        """The dispatch condition of :func:`derive_schema` as a predicate (same verdict as compiling it)."""
        if not (isinstance(cond, dict) and set(cond) == {"type", "required", "properties"}):
            return None
        if cond["type"] != "object" or cond["required"] != ["modelType"]:
            return None
        props = cond["properties"]
        if set(props) != {"modelType"} or set(props["modelType"]) != {"enum"}:
            return None
        values = props["modelType"]["enum"]
        if not all(isinstance(v, str) for v in values):
            return None
        allowed = frozenset(values)

        def pred(inst: Any) -> bool:
            if not isinstance(inst, dict):
                return False
            mt = inst.get("modelType", _MISSING)
            return isinstance(mt, str) and mt in allowed
        return pred


_MISSING = object()


def _noop(inst: Any, path: PathCons, errs: Errs) -> None:
    return None


# ---------------------------------------------------------------------------------------------- fusion
# Keyword closures carry a tag (kind, argument). A node's keywords (and those of the allOf branches and
# non-recursive $refs it applies to the same instance) run as one flat sequence; in it
#   * adjacent ``properties`` / ``required`` checks are merged (same checks, same order);
#   * an object's sequence runs only the checks that can report on the instance's type: for a dict the
#     ``type: object`` check (which cannot fail) is left out and all ``properties`` checks run in one pass
#     over the instance's keys; for anything else the ``properties`` and ``required`` checks (which ignore
#     non-objects) are left out;
#   * a sequence of string keywords (type string, minLength, maxLength, pattern) first tries one combined
#     test that holds exactly when none of them reports; only then are they run one by one for the errors.
# The errors are the same as with one closure per keyword (``Compiler(fuse=False)``), up to their order in
# the list; ``tests/validate/test_validate_schema_equivalence.py`` compares both on the official examples
# and mutants.

_DICT_ONLY = ("properties", "required")
_STRING_KINDS = frozenset({"type-string", "enum-str", "minLength", "maxLength", "pattern"})


def _tag(check: Check, kind: str, arg: Any = None) -> Check:
    check._kind = kind  # type: ignore[attr-defined]
    check._arg = arg  # type: ignore[attr-defined]
    return check


def _kind(check: Check) -> str | None:
    return getattr(check, "_kind", None)


def _properties(compiled: tuple[tuple[str, Check], ...]) -> Check:
    def check(inst: Any, path: PathCons, errs: Errs) -> None:
        if isinstance(inst, dict):
            for key, c in compiled:
                if key in inst:
                    c(inst[key], (path, key), errs)
    return _tag(check, "properties", compiled)


def _required(required: tuple[str, ...]) -> Check:
    def check(inst: Any, path: PathCons, errs: Errs) -> None:
        if isinstance(inst, dict):
            for n in required:
                if n not in inst:
                    errs.append((path, "required", f'missing required property "{n}"', {"property": n}))
    return _tag(check, "required", required)


def _fused(checks: list[Check]) -> Check:
    flat: list[Check] = []
    for c in checks:
        parts = getattr(c, "_seq", None)
        flat.extend(parts if parts is not None else (c,))
    merged: list[Check] = []
    for c in flat:
        kind = _kind(c)
        prev = _kind(merged[-1]) if merged else None
        if kind in _DICT_ONLY and kind == prev:
            merged[-1] = (_properties if kind == "properties" else _required)(
                merged[-1]._arg + c._arg)  # type: ignore[attr-defined]
        else:
            merged.append(c)
    if not merged:
        return _noop
    seq = tuple(merged)
    kinds = [_kind(c) for c in seq]
    if len(seq) == 1:
        out = seq[0]
    elif all(k in _STRING_KINDS for k in kinds):
        out = _string_sequence(seq)
    elif any(k in _DICT_ONLY or k == "type-object" for k in kinds):
        out = _object_sequence(seq)
    else:
        def out(inst: Any, path: PathCons, errs: Errs) -> None:
            for c in seq:
                c(inst, path, errs)
    if out is seq[0]:
        return out
    out._seq = seq  # type: ignore[attr-defined]
    return out


_P, _R = "properties", "required"


def _object_sequence(seq: tuple[Check, ...]) -> Check:
    """For a dict: one pass over the instance's keys for every ``properties`` check, then every ``required``
    name, then the other checks in order (``type: object`` cannot fail on a dict); for anything else: the
    checks that can report on it (``properties``/``required`` ignore non-objects). The same errors as running
    the checks one by one; only their order in the list can differ (findings are sorted)."""
    table: dict[str, list[Check]] = {}
    required: list[str] = []
    others: list[Check] = []
    for c in seq:
        kind = _kind(c)
        if kind == _P:
            for key, sub in c._arg:  # type: ignore[attr-defined]
                table.setdefault(key, []).append(sub)
        elif kind == _R:
            required.extend(c._arg)  # type: ignore[attr-defined]
        elif kind != "type-object":
            others.append(c)
    single = {k: v[0] for k, v in table.items() if len(v) == 1}
    multi = {k: tuple(v) for k, v in table.items() if len(v) > 1}
    names, rest = tuple(required), tuple(others)
    for_other = tuple(c for c in seq if _kind(c) not in _DICT_ONLY)

    def out(inst: Any, path: PathCons, errs: Errs) -> None:
        if isinstance(inst, dict):
            for key, value in inst.items():
                c = single.get(key)
                if c is not None:
                    c(value, (path, key), errs)
                elif key in multi:
                    for c in multi[key]:
                        c(value, (path, key), errs)
            for n in names:
                if n not in inst:
                    errs.append((path, "required", f'missing required property "{n}"', {"property": n}))
            for c in rest:
                c(inst, path, errs)
        else:
            for c in for_other:
                c(inst, path, errs)
    return out


def _string_sequence(seq: tuple[Check, ...]) -> Check:
    typed = any(_kind(c) in ("type-string", "enum-str") for c in seq)  # these report non-strings
    enums = tuple(c._arg for c in seq if _kind(c) == "enum-str")  # type: ignore[attr-defined]
    lo = max([c._arg for c in seq if _kind(c) == "minLength"], default=0)  # type: ignore[attr-defined]
    hi = min([c._arg for c in seq if _kind(c) == "maxLength"], default=None)  # type: ignore[attr-defined]
    searches = tuple(c._arg for c in seq if _kind(c) == "pattern")  # type: ignore[attr-defined]
    search = searches[0] if len(searches) == 1 else None

    enum = enums[0] if len(enums) == 1 else None
    if len(enums) > 1:  # one set holding exactly the values every enum allows
        enum = frozenset.intersection(*enums)
    if hi is None:
        hi = float("inf")

    if len(searches) == 2:
        s1, s2 = searches

        def ok(inst: str) -> bool:
            return s1(inst) is not None and s2(inst) is not None
    elif len(searches) > 2:
        def ok(inst: str) -> bool:
            return all(s(inst) is not None for s in searches)
    else:
        ok = None  # type: ignore[assignment]

    def out(inst: Any, path: PathCons, errs: Errs) -> None:
        if type(inst) is str:
            if (lo <= len(inst) <= hi and (enum is None or inst in enum)
                    and (search(inst) is not None if search is not None else ok is None or ok(inst))):
                return
        elif not typed and not isinstance(inst, str):
            return  # length and pattern keywords ignore non-strings
        for c in seq:
            c(inst, path, errs)
    return out


def compile_schema(schema: dict[str, Any], fuse: bool = True) -> Callable[[Any], list[Error]]:
    """A function returning all errors of an instance as ``(path-cons, keyword, message, details)``."""
    check = Compiler(schema, fuse).compile(schema)

    def validate(instance: Any) -> list[Error]:
        errs: Errs = []
        check(instance, None, errs)
        return errs
    return validate
