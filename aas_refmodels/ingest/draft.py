"""``aasref map init``: draft a mapping from a table's headers (and a sample of its rows).

Each column is matched to the best fillable path of the model's per-record submodels by idShort, English name
and Korean name (``사출압력`` ~ ``최대 사출압력``), with a unit taken from the header (``pressure_bar``,
``온도(°C)``) that must be convertible into the element's unit. A header that is itself a path maps with
certainty. Value maps are proposed for enumerations (``OK/NG`` -> ``OK/NotOK``), a date format for date-time
columns that are not ISO 8601, and constants (the model's example values, to be checked) for mandatory paths
no column fills.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..build import values as V
from ..spec import ModelSpec
from . import paths as P
from . import units as U

THRESHOLD = 0.62
# common header words of plant exports -> idShort (used only when the model has that idShort)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "timestamp": ("StartTime",), "datetime": ("StartTime",), "time": ("StartTime",), "date": ("StartTime",),
    "일시": ("StartTime",), "일자": ("StartTime",), "시각": ("StartTime",), "시간": ("StartTime",),
    "starttime": ("StartTime",), "endtime": ("EndTime",), "시작": ("StartTime",), "종료": ("EndTime",),
    "result": ("ResultEvaluation",), "judgement": ("ResultEvaluation",), "judgment": ("ResultEvaluation",),
    "okng": ("ResultEvaluation",), "판정": ("ResultEvaluation",), "결과": ("ResultEvaluation",),
    "양불": ("ResultEvaluation",), "shot": ("CycleCounter",), "shotno": ("CycleCounter",),
    "샷번호": ("CycleCounter",), "샷": ("CycleCounter",), "cycleno": ("CycleCounter",), "사이클번호": ("CycleCounter",),
    "ct": ("CycleTime",), "cycletime": ("CycleTime",), "사이클타임": ("CycleTime",), "사이클시간": ("CycleTime",),
    "qty": ("ProducedQuantity",), "생산수량": ("ProducedQuantity",), "양품수량": ("GoodQuantity",),
    "불량수량": ("ScrapQuantity",), "작업자": ("OperatorId",), "operator": ("OperatorId",), "lot": ("LotNumber",),
    "lotno": ("LotNumber",), "로트": ("LotNumber",), "품번": ("ProductId",), "partno": ("ProductId",),
    "program": ("NCProgramName",), "프로그램": ("NCProgramName",), "rpm": ("SpindleSpeed",),
    "금형온도": ("ActualTemperature",), "사출압력": ("SpecificPressureMaximum",),
}
_OK = {"ok", "o", "good", "양품", "합격", "pass", "정상", "1", "true", "y"}
_NG = {"ng", "x", "bad", "불량", "불합격", "fail", "nok", "notok", "0", "false", "n"}
_DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y%m%d%H%M%S",
                 "%d.%m.%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y.%m.%d")


@dataclass
class Match:
    column: str
    path: str | None
    confidence: float
    unit: str | None = None
    why: str = ""


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-./()\[\]:%#·]+", "", unicodedata.normalize("NFKC", text).lower())


_WORD_ALIASES = {"no": "number", "num": "number", "nr": "number", "cnt": "count", "qty": "quantity",
                 "temp": "temperature", "spd": "speed", "pos": "position", "press": "pressure", "ident": "id"}


def _words(text: str) -> set[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", unicodedata.normalize("NFKC", text))
    return {_WORD_ALIASES.get(w, w) for w in re.split(r"[^0-9A-Za-z가-힣]+", text.lower()) if w}


def _score(base: str, info: P.PathInfo) -> tuple[float, str]:
    leaf = info.path.rsplit(".", 1)[-1].split("[")[0]
    folded = _fold(base)
    if not folded:
        return 0.0, ""
    best, why = 0.0, ""
    for label, text in (("idShort", leaf), ("en", info.name_en), ("ko", info.name_ko)):
        if not text:
            continue
        target = _fold(text)
        ratio = difflib.SequenceMatcher(None, folded, target).ratio()
        if folded == target:
            ratio = 1.0
        elif len(folded) >= 2 and (folded in target or target in folded):
            ratio = max(ratio, 0.75 + 0.2 * min(len(folded), len(target)) / max(len(folded), len(target)))
        words_a, words_b = _words(base), _words(text)
        if words_a and words_b:
            ratio = max(ratio, len(words_a & words_b) / len(words_a | words_b))
        if ratio > best:
            best, why = ratio, f"{label} {text!r}"
    return best, why


def draft(spec: ModelSpec, columns: list[str], samples: Iterable[Mapping[str, Any]] = ()) -> tuple[
        dict[str, Any], list[Match]]:
    """(mapping document, matches per column)."""
    sample_rows = list(samples)
    infos = P.fillable_paths(spec)
    record_subs = [sm.id_short for sm in spec.submodels if sm.role == "record"] or [spec.submodels[-1].id_short]
    candidates = [i for i in infos if i.path.split(".", 1)[0] in record_subs]
    generic = {V.generic(i.path): i for i in infos}
    scored: list[tuple[float, int, str, P.PathInfo, str | None, str]] = []
    exact: dict[str, Match] = {}
    for ci, column in enumerate(columns):
        normalized = P.normalize(spec, column)
        if V.generic(normalized) in generic and "." in normalized:
            exact[column] = Match(column, normalized, 1.0, None, "the header is a path")
            continue
        base, unit = U.unit_in_header(column)
        synonyms = SYNONYMS.get(_fold(base), ())
        for info in candidates:
            s, why = _score(base, info)
            leaf = info.path.rsplit(".", 1)[-1]
            if leaf in synonyms:
                s, why = max(s, 0.9), f"common header word {base!r}"
            if unit is not None:
                if info.unit and U.compatible(unit, info.unit):
                    s = min(1.0, s + 0.1 + (0.05 if U.same(unit, info.unit) else 0.0))
                else:
                    s *= 0.5
            if _words(base) & {"id", "number", "번호"} and info.value_type in ("xs:double", "xs:float", "xs:boolean"):
                s *= 0.7  # an identifier or number column is no measurement
            s -= 0.02 * max(0, info.path.count(".") - 1)  # prefer the shallower of equal matches
            if info.model_type not in ("Property", "MultiLanguageProperty"):
                s *= 0.8
            scored.append((s, ci, column, info, unit, why))
    used: set[str] = {m.path for m in exact.values() if m.path}
    chosen: dict[str, Match] = dict(exact)
    for s, _ci, column, info, unit, why in sorted(scored, key=lambda t: (-t[0], t[1], t[3].path)):
        if s < THRESHOLD or column in chosen or info.path in used:
            continue
        chosen[column] = Match(column, info.path, round(s, 2), unit, why)
        used.add(info.path)
    matches = [chosen.get(c) or Match(c, None, 0.0) for c in columns]
    return _document(spec, matches, sample_rows, infos), matches


def _document(spec: ModelSpec, matches: list[Match], rows: list[Mapping[str, Any]],
              infos: list[P.PathInfo]) -> dict[str, Any]:
    by_path = {i.path: i for i in infos}
    columns: dict[str, Any] = {}
    timestamp = record_key = None
    for m in matches:
        if m.path is None:
            continue
        info = by_path.get(m.path) or next(i for i in infos if V.generic(i.path) == V.generic(m.path))
        entry: dict[str, Any] = {"path": m.path}
        if m.unit:
            entry["unit"] = m.unit
        elif info.unit and info.value_type and info.value_type.startswith("xs:") and info.model_type == "Property" \
                and info.value_type not in ("xs:string", "xs:dateTime", "xs:boolean"):
            entry["unit"] = info.unit  # assumed: the model's own unit (check it)
        sample = [r.get(m.column) for r in rows if r.get(m.column) not in (None, "")]
        if info.allowed_values is not None:
            vmap = _value_map(sample, info.allowed_values)
            if vmap:
                entry["values"] = vmap
        if info.value_type == "xs:dateTime":
            fmt = _date_format(sample)
            if fmt:
                entry["format"] = fmt
            if timestamp is None:
                timestamp = m.column
        if m.path.endswith(".CycleCounter") and record_key is None:
            record_key = m.column
        entry["confidence"] = m.confidence
        if m.why:
            entry["note"] = f"matched by {m.why}"
        columns[m.column] = entry
    for m in matches:
        if m.path is None:
            columns[m.column] = {"ignore": True, "note": "no match: give a path or keep ignored"}
    mapped = {m.path for m in matches if m.path}
    record_subs = {(m.path or "").split(".", 1)[0] for m in matches if m.path}
    constants: dict[str, Any] = {}
    for info in infos:
        if info.path.split(".", 1)[0] in record_subs and info.required and info.path not in mapped:
            example = info.element.example
            constants[info.path] = example if example is not None else ""
    doc: dict[str, Any] = {"model": spec.model, "version": spec.version, "timezone": "Asia/Seoul",
                           "absent": ["", "NA", "N/A", "-"]}
    if record_key:
        doc["record_key"] = record_key
    if timestamp:
        doc["timestamp"] = timestamp
    doc["columns"] = columns
    if constants:
        doc["constants"] = constants
    unmatched = [m.column for m in matches if m.path is None]
    if unmatched:
        doc["unmatched"] = unmatched
    return doc


def _value_map(sample: list[Any], allowed: tuple[str, ...]) -> dict[str, str]:
    distinct = sorted({str(v).strip() for v in sample})[:30]
    out: dict[str, str] = {}
    folded = {_fold(a): a for a in allowed}
    ok = next((a for a in allowed if _fold(a) in ("ok", "good", "pass")), None)
    ng = next((a for a in allowed if _fold(a) in ("notok", "nok", "bad", "ng", "fail")), None)
    for v in distinct:
        if v in allowed:
            continue
        f = _fold(v)
        if f in folded:
            out[v] = folded[f]
        elif f in _OK and ok:
            out[v] = ok
        elif f in _NG and ng:
            out[v] = ng
    return out


def _date_format(sample: list[Any]) -> str | None:
    texts = [v for v in sample[:50] if isinstance(v, str)]
    if not texts:
        return None

    def iso(t: str) -> bool:
        try:
            datetime.datetime.fromisoformat(t.replace(" ", "T", 1) if len(t) > 10 else t)
            return True
        except ValueError:
            return False

    if all(iso(t) for t in texts):
        return None
    for fmt in _DATE_FORMATS:
        try:
            for t in texts:
                datetime.datetime.strptime(t, fmt)
            return fmt
        except ValueError:
            continue
    return None
