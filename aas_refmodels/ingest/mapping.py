"""The mapping file: which column fills which value path, in which unit, with which value map and date format.

YAML (documented in README, checked by ``schemas/ingest-mapping.schema.json``); every problem is reported with
its place in the file (``map.yaml:12:5: columns.사출압력.unit: ...``), all at once.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import xstypes
from ..build import values as V
from ..errors import ProblemListError
from ..spec import Cardinality, ElementSpec, ModelSpec, example_problem
from . import paths as P
from . import units as U

DEFAULT_ZONE = "Asia/Seoul"
DEFAULT_ABSENT = ("", "NA", "N/A", "n/a", "-", "null", "NULL", "None")
SCHEMA = "ingest-mapping.schema.json"
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class MappingError(ProblemListError):
    """The mapping file is malformed or does not fit the model: (location, message) per problem."""


@dataclass
class ColumnRule:
    column: str
    path: str
    element: ElementSpec
    unit: str | None = None
    convert: Callable[[float], float] | None = None
    values: dict[str, Any] | None = None
    format: str | None = None
    zone: datetime.tzinfo | None = None
    fast: Callable[[Any], Any] | None = None  # quick acceptance of common values (see _fast_check)
    quick: bool = False  # a double/float column without value map or format: text -> float directly


class _Fallback(Exception):
    """The quick check cannot decide: use the full check (which also words the problem)."""


def _fast_check(e: ElementSpec) -> Callable[[Any], Any] | None:
    """A quick acceptance test for the common cases (numbers, free text, aware date-times), returning the value
    in the type the builder uses; anything it cannot decide goes to ``example_problem`` (same verdicts)."""
    from basyx.aas.model import datatypes

    vt = e.value_type
    if e.model_type != "Property" or vt is None:
        return None
    if e.allowed_values is not None:
        if vt != "xs:string":
            return None
        allowed = frozenset(e.allowed_values)

        def member(v: Any) -> Any:
            if not isinstance(v, str) or v not in allowed:
                raise _Fallback
            return v
        return member
    lo, hi = e.allowed_range if e.allowed_range is not None else (None, None)

    def in_range(x: float) -> bool:
        return (lo is None or x >= lo) and (hi is None or x <= hi)

    if vt in ("xs:double", "xs:float"):
        def double(v: Any) -> Any:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise _Fallback
            x = float(v)
            if not math.isfinite(x) or not in_range(x) or (vt == "xs:float" and abs(x) > 3.4e38):
                raise _Fallback
            return x
        return double
    if vt == "xs:decimal":
        def decimal_(v: Any) -> Any:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or \
                    (isinstance(v, float) and not math.isfinite(v)) or not in_range(v):
                raise _Fallback
            return v
        return decimal_
    cls: Any = datatypes.XSD_TYPE_CLASSES.get(vt)
    if vt in xstypes.NUMERIC_TYPES and vt != "xs:decimal" and cls is not None:
        def integer(v: Any) -> Any:
            if isinstance(v, bool) or not isinstance(v, int) or not in_range(v):
                raise _Fallback
            return cls(v)
        return integer
    if vt == "xs:string":
        def text(v: Any) -> Any:
            if not isinstance(v, str):
                raise _Fallback
            return v
        return text
    if vt == "xs:dateTime":
        def moment(v: Any) -> Any:
            if not isinstance(v, datetime.datetime) or v.tzinfo is None:
                raise _Fallback
            return v
        return moment
    return None


@dataclass
class Mapping_:
    """A loaded, compiled mapping (named ``Mapping_`` to keep ``typing.Mapping`` free)."""

    rules: list[ColumnRule]
    constants: dict[str, Any]
    absent: frozenset[str]
    zone: datetime.tzinfo
    record_key: str | None = None
    timestamp: str | None = None
    ignored: list[str] = field(default_factory=list)
    encoding: str | None = None
    sheet: str | int | None = None
    delimiter: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [r.column for r in self.rules]


IngestMapping = Mapping_


# ------------------------------------------------------------------------------------------- loading

def _locations(text: str) -> Callable[[tuple[Any, ...]], str]:
    """A function from a JSON path (tuple of keys) to ``line:col`` in the YAML text (best effort)."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        root = None

    def locate(path: tuple[Any, ...]) -> str:
        node = root
        for depth, key in enumerate(path):
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if str(k.value) == str(key):
                        # a constant's key is its path: point at the key
                        nxt = k if depth == 1 and path[0] == "constants" else v
                        break
                if nxt is None:
                    break
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                break
        if node is None:
            return "1:1"
        return f"{node.start_mark.line + 1}:{node.start_mark.column + 1}"

    return locate


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path) or "(top)"


def read_mapping_file(file: str | Path) -> tuple[dict[str, Any], Callable[[tuple[Any, ...]], str], str]:
    """Parse and schema-check a mapping file: (document, locator, label). ``MappingError`` lists every problem."""
    import jsonschema
    import yaml

    from ..resources import schemas_dir

    label = str(file)
    try:
        text = Path(file).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MappingError(f"{label}: the mapping file is not UTF-8", [(label, "not UTF-8 text")]) from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{label}:{mark.line + 1}:{mark.column + 1}" if mark is not None else label
        raise MappingError(f"{label}: the mapping file is not valid YAML",
                           [(where, str(getattr(exc, 'problem', None) or exc))]) from None
    locate = _locations(text)
    if not isinstance(doc, dict):
        raise MappingError(f"{label}: the mapping file is not valid", [(f"{label}:1:1", "expected a mapping "
                                                                                      "with 'columns'")])
    doc = _stringify_keys(doc)
    schema = json.loads((schemas_dir() / SCHEMA).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(err.absolute_path)
        problems.append((f"{label}:{locate(path)}", f"{_dotted(path)}: {err.message}"))
    if problems:
        raise MappingError(f"{label}: the mapping file does not follow the mapping schema", problems)
    return doc, locate, label


def _stringify_keys(value: Any) -> Any:
    """YAML reads ``1:`` or ``true:`` keys as numbers/booleans; column names and value-map keys are text."""
    if isinstance(value, dict):
        return {(_text(k) if not isinstance(k, str) else k): _stringify_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_keys(v) for v in value]
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def load_mapping(file: str | Path, spec: ModelSpec) -> Mapping_:
    """Read, schema-check and compile a mapping file against a model; ``MappingError`` with located problems."""
    doc, locate, label = read_mapping_file(file)
    return compile_mapping(doc, spec, locate=lambda p: f"{label}:{locate(p)}")


def compile_mapping(doc: Mapping[str, Any], spec: ModelSpec, *,
                    locate: Callable[[tuple[Any, ...]], str] | None = None) -> Mapping_:
    """Check a mapping (a dict as in the YAML file) against the model and compile it."""
    where = locate or (lambda p: "mapping")
    problems: list[tuple[str, str]] = []
    index = V.index_spec(spec)
    infos = P.fillable_paths(spec)

    def bad(path: tuple[Any, ...], message: str) -> None:
        problems.append((where(path), f"{_dotted(path)}: {message}"))

    if doc.get("model") not in (None, spec.model):
        bad(("model",), f"the mapping is for {doc.get('model')!r}, not {spec.model!r}")
    zone = _zone(doc.get("timezone") or DEFAULT_ZONE, ("timezone",), bad)
    rules: list[ColumnRule] = []
    ignored: list[str] = []
    targets: dict[str, str] = {}
    for column, rule in (doc.get("columns") or {}).items():
        at = ("columns", column)
        if not isinstance(rule, Mapping):
            bad(at, "expected a mapping with 'path'")
            continue
        if rule.get("ignore") or rule.get("path") is None:
            ignored.append(column)
            continue
        path = P.normalize(spec, str(rule["path"]).strip())  # MaterialLot01 / MaterialLot__00__ -> MaterialLot[0]
        element = _leaf(spec, index, path, infos, (*at, "path"), bad)
        if element is None:
            continue
        if path in targets:
            bad((*at, "path"), f"{path} is already filled by column {targets[path]!r}")
            continue
        targets[path] = column
        compiled = ColumnRule(column, path, element, fast=_fast_check(element))
        if rule.get("unit") is not None:
            compiled.unit = str(rule["unit"])
            if element.model_type not in ("Property", "Range") or element.value_type not in xstypes.NUMERIC_TYPES:
                bad((*at, "unit"), f"{path} is a {element.value_type or element.model_type} and takes no unit")
            elif not element.unit:
                bad((*at, "unit"), f"{path} declares no unit in the model, so {compiled.unit!r} cannot be converted")
            else:
                try:
                    compiled.convert = U.converter(compiled.unit, element.unit)
                except U.UnitError as exc:
                    bad((*at, "unit"), str(exc))
        if rule.get("values") is not None:
            compiled.values = {str(k): v for k, v in rule["values"].items()}
            for k, v in compiled.values.items():
                problem = example_problem(element, v)
                if problem:
                    bad((*at, "values", k), f"{v!r} does not fit {path}: {problem}")
        if rule.get("format") is not None:
            compiled.format = str(rule["format"])
        if rule.get("timezone") is not None:
            compiled.zone = _zone(rule["timezone"], (*at, "timezone"), bad)
        compiled.quick = element.model_type == "Property" and element.value_type in ("xs:double", "xs:float") \
            and compiled.values is None and compiled.format is None
        rules.append(compiled)
    constants: dict[str, Any] = {}
    for given, value in (doc.get("constants") or {}).items():
        at = ("constants", given)
        path = P.normalize(spec, given)
        element = _leaf(spec, index, path, infos, at, bad)
        if element is None:
            continue
        if path in targets:
            bad(at, f"{path} is also filled by column {targets[path]!r}")
            continue
        if element.model_type != "Range" or not isinstance(value, (list, Mapping)):
            problem = example_problem(element, _plain(value))
            if problem:
                bad(at, problem)
                continue
        constants[path] = _plain(value)
    if problems:
        raise MappingError("the mapping does not fit reference model " + spec.key, problems)
    absent = frozenset(str(a) for a in doc["absent"]) if doc.get("absent") is not None else frozenset(DEFAULT_ABSENT)
    timestamp = doc.get("timestamp") or _default_timestamp(rules)
    return Mapping_(rules, constants, absent, zone, doc.get("record_key"), timestamp, ignored, doc.get("encoding"),
                    doc.get("sheet"), doc.get("delimiter"), dict(doc))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _default_timestamp(rules: list[ColumnRule]) -> str | None:
    for r in rules:
        if r.path.endswith(".StartTime") and r.element.value_type == "xs:dateTime":
            return r.column
    for r in rules:
        if r.element.value_type == "xs:dateTime":
            return r.column
    return None


def _zone(name: Any, at: tuple[Any, ...], bad: Callable[[tuple[Any, ...], str], None]) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        bad(at, f"unknown time zone {name!r} (an IANA name such as Asia/Seoul)")
        return zoneinfo.ZoneInfo(DEFAULT_ZONE)


def _leaf(spec: ModelSpec, index: Mapping[str, ElementSpec], path: str, infos: list[P.PathInfo],
          at: tuple[Any, ...], bad: Callable[[tuple[Any, ...], str], None]) -> ElementSpec | None:
    try:
        V.split(path)
    except ValueError as exc:
        bad(at, str(exc))
        return None
    e = index.get(V.generic(path))
    if e is None or e.model_type not in V.LEAF_TYPES:
        bad(at, f"{path}: {P.explain_unknown(spec, path, infos)}")
        return None
    return e


# ------------------------------------------------------------------------------------------- cells

class CellError(ValueError):
    """A cell's value cannot become the model value (the message is the reason)."""


def convert_cell(rule: ColumnRule, raw: Any, mapping: Mapping_) -> Any:
    """The model value of one cell (None = absent); ``CellError`` says why not."""
    if raw is None:
        return None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if text in mapping.absent or raw in mapping.absent:
            return None
        raw = text
        if rule.quick and "_" not in text and "," not in text:  # plain decimal text in a double column
            try:
                x = float(text)
            except ValueError:
                pass
            else:
                if rule.convert is not None:
                    x = rule.convert(x)
                if math.isfinite(x) and rule.fast is not None:
                    try:
                        return rule.fast(x)
                    except (_Fallback, ValueError, TypeError):
                        pass
    e = rule.element
    if rule.values is not None:
        key = _text(raw) if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))
        if key in rule.values:
            raw = rule.values[key]
        else:
            folded = {k.casefold(): v for k, v in rule.values.items()}
            if key.casefold() in folded:
                raw = folded[key.casefold()]
            elif example_problem(e, raw) is not None:
                shown = ", ".join(list(rule.values)[:8])
                raise CellError(f"{raw!r} is not in the value map ({shown})")
    vt = e.value_type
    if vt in ("xs:dateTime", "xs:date") or rule.format:
        moment = _datetime(raw, rule, mapping)
        # objects, not text: basyx parses fractional seconds through a float and may lose a microsecond
        raw = moment if vt == "xs:dateTime" else moment.date() if vt == "xs:date" else moment.isoformat()
    elif vt in xstypes.NUMERIC_TYPES:
        raw = _number(raw, rule, vt)
    elif vt == "xs:boolean" and isinstance(raw, str):
        low = raw.lower()
        if low in ("true", "1", "yes", "y"):
            raw = True
        elif low in ("false", "0", "no", "n"):
            raw = False
    elif vt == "xs:string" and isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))  # a spreadsheet's 1234.0 in a text column
    elif vt == "xs:string" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = str(raw)
    if rule.fast is not None:
        try:
            return rule.fast(raw)
        except (_Fallback, ValueError, TypeError):
            pass
    problem = example_problem(e, raw)
    if problem:
        raise CellError(problem)
    return raw


def _number(raw: Any, rule: ColumnRule, vt: str) -> Any:
    if isinstance(raw, bool):
        raise CellError(f"{raw!r} is not a number")
    if isinstance(raw, str):
        text = raw.replace("\u00a0", "").replace(" ", "") if " " in raw or "\u00a0" in raw else raw
        if "," in text and _THOUSANDS.match(text):
            text = text.replace(",", "")
        if "_" in text:  # Python would read 1_000; a table cell does not mean that
            raise CellError(f"{raw!r} is not a number")
        try:
            number: Any = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise CellError(f"{raw!r} is not a number") from None
    elif isinstance(raw, (int, float)):
        number = raw
    else:
        raise CellError(f"{raw!r} is not a number")
    if isinstance(number, float) and not math.isfinite(number):
        raise CellError(f"{raw!r} is not a finite number")
    if rule.convert is not None:
        number = rule.convert(float(number))
        if vt not in ("xs:double", "xs:float", "xs:decimal"):
            rounded = round(number)
            if abs(number - rounded) > 1e-9 * max(1.0, abs(number)):
                raise CellError(f"{raw!r} {rule.unit} is {number!r} {rule.element.unit}, not an integer ({vt})")
            number = rounded
    if vt not in ("xs:double", "xs:float", "xs:decimal") and isinstance(number, float) and number.is_integer():
        number = int(number)
    return number


def _datetime(raw: Any, rule: ColumnRule, mapping: Mapping_) -> datetime.datetime:
    zone = rule.zone or mapping.zone
    if isinstance(raw, datetime.datetime):
        value = raw
    elif isinstance(raw, datetime.date):
        value = datetime.datetime(raw.year, raw.month, raw.day)
    elif isinstance(raw, str):
        try:
            value = datetime.datetime.strptime(raw, rule.format) if rule.format else \
                datetime.datetime.fromisoformat(raw.replace(" ", "T", 1) if len(raw) > 10 else raw)
        except ValueError:
            expected = f"the format {rule.format!r}" if rule.format else "ISO 8601 (2026-11-25T08:15:00)"
            raise CellError(f"{raw!r} is not a date-time in {expected}") from None
    else:
        raise CellError(f"{raw!r} is not a date-time")
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def parse_timestamp(raw: Any, rule: ColumnRule | None, mapping: Mapping_) -> datetime.datetime:
    """A record's time from its timestamp cell (aware datetime)."""
    return _datetime(raw, rule or ColumnRule("", "", _DUMMY), mapping)


_DUMMY = ElementSpec("Timestamp", "Property", "", Cardinality.ZERO_TO_ONE, {}, {}, "", value_type="xs:dateTime")
