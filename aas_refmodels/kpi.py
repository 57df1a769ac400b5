"""Manufacturing KPIs (ISO 22400-2) from the process variables of IDTA 02066 (PVM).

The inputs are ISO 22400-2 elements of one work unit for one period, keyed by their acronym (the ``key``
of the IDTA 02066 ``ProcessVariablesForManufacturingKPICalculation`` collections). They come either from
a basyx ``Submodel`` of that template (collections found by semantic ID, value read from ``currentValue``)
or from a plain mapping ``{"APT": 23400, "PBT": "PT7H30M", "PQ": 420, ...}``. Durations are seconds
(int, float, Decimal, numeric string), ISO 8601 durations (``"PT7H30M"``), ``datetime.timedelta`` or the
``relativedelta`` basyx uses for ``xs:duration``; quantities are numbers.

==========  =====================================  ==========
key         ISO 22400-2 element                    kind
==========  =====================================  ==========
APT         actual production time                 duration
AUPT        actual unit processing time            duration
AUBT        actual unit busy time                  duration
AUST        actual unit setup time (ISO: ASUT)     duration
ADET        actual unit delay time                 duration
ADOT        actual unit down time                  duration
AOET        actual order execution time            duration
AQT         actual queuing time                    duration
ATT         actual transport time                  duration
APWT        actual personnel work time             duration
APAT        actual personnel attendance time       duration
PBT         planned busy time                      duration
PRI         planned runtime per item (ISO: PRU)    duration
PQ          produced quantity                      quantity
GQ          good quantity                          quantity
SQ          scrap quantity                         quantity
RQ          rework quantity                        quantity
GP          good parts (serialized)                quantity
IP          inspected parts (serialized)           quantity
TBF         sum of operating times between         duration   (not in IDTA 02066: maintenance records)
            failures in the period
TTR         sum of times to restoration            duration   (not in IDTA 02066: maintenance records)
FE          number of failure events               quantity   (not in IDTA 02066: maintenance records)
==========  =====================================  ==========

Formulas (ISO 22400-2:2014. Availability, Effectiveness, Quality ratio and OEE as quoted in OPC 40501-1
Machine Tools Annex C.2.4; all ratio formulas as annotated in the HSU ISO 22400-2 ontology 2.0.0,
``http://www.w3id.org/hsu-aut/ISO22400-2``)::

    Availability    = APT / PBT
    Effectiveness   = PRI * PQ / APT                   may exceed 1 (cycle faster than planned)
    QualityRatio    = GQ / PQ
    OEE             = Availability * Effectiveness * QualityRatio      (= PRI * GQ / PBT)
    ScrapRatio      = SQ / PQ
    ReworkRatio     = RQ / PQ
    SetupRate       = AUST / AUPT
    ThroughputRate  = PQ / AOET                        pieces per hour
    FirstPassYield  = GP / IP
    MTBF            = TBF / FE                         hours
    MTTR            = TTR / FE                         hours

MTBF and MTTR: the ontology names their arguments (TBF, TTR and FE) but gives no formula text; they
are written here as the arithmetic mean over the failure events of the period.

Only the KPIs whose inputs are all present are calculated. A KPI whose inputs are present but make it
undefined (a zero denominator, a negative or unreadable value, a part larger than its whole such as
GQ > PQ) is reported in one ``KpiError`` that lists every such KPI and why.
"""

from __future__ import annotations

import datetime
import decimal
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from basyx.aas import model
from basyx.aas.model import datatypes

from .errors import ProblemListError

__all__ = ["KPI_ID_SHORTS", "VARIABLES", "KpiError", "ManufacturingKpis", "Variable", "compute_kpis", "kpi_values",
           "read_variables"]

KPI_SUBMODEL = "ManufacturingKPIs"
HSU = "http://www.w3id.org/hsu-aut/ISO22400-2#"
PVM = "https://admin-shell.io/idta/ProcessVariablesForManufacturingKPICalculation/"
CURRENT_VALUE = PVM + "currentValue/1/0"
KEY = PVM + "key/1/0"

Kind = Literal["duration", "quantity"]


class KpiError(ProblemListError):
    """KPIs are undefined for the given inputs; ``problems`` holds (KPI or variable, reason) for each."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__("manufacturing KPIs are undefined for these inputs", problems)

    @property
    def kpis(self) -> tuple[str, ...]:
        """Names of the KPIs (or input variables) the problems are about, in order."""
        return tuple(dict.fromkeys(name for name, _ in self.problems))


@dataclass(frozen=True)
class Variable:
    """One ISO 22400-2 element; ``id_short``/``semantic_id`` are those of its IDTA 02066 collection (if any)."""

    key: str
    kind: Kind
    name: str
    id_short: str | None = None
    semantic_id: str | None = None


def _v(key: str, kind: Kind, name: str, id_short: str | None = None, hsu: str | None = None) -> Variable:
    return Variable(key, kind, name, id_short, HSU + (hsu or id_short) if id_short else None)


VARIABLES: Mapping[str, Variable] = MappingProxyType({v.key: v for v in (
    _v("APWT", "duration", "actual personnel work time", "ActualPersonnelWorkTime"),
    _v("AUPT", "duration", "actual unit processing time", "ActualUnitProcessingTime"),
    _v("AUBT", "duration", "actual unit busy time", "ActualUnitBusyTime"),
    _v("AOET", "duration", "actual order execution time", "ActualOrderExecutionTime"),
    _v("APAT", "duration", "actual personnel attendance time", "ActualPersonnelAttendanceTime"),
    _v("APT", "duration", "actual production time", "ActualProductionTime"),
    _v("AQT", "duration", "actual queuing time", "ActualQueuingTime"),
    _v("ADOT", "duration", "actual unit down time", "ActualUnitDownTime"),
    _v("ADET", "duration", "actual unit delay time", "ActualUnitDelayTime"),
    _v("AUST", "duration", "actual unit setup time", "ActualUnitSetupTime", "ActualSetupTime"),
    _v("ATT", "duration", "actual transport time", "ActualTransportTime"),
    _v("GP", "quantity", "good parts", "GoodPart"),
    _v("IP", "quantity", "inspected parts", "InspectedPart"),
    _v("SQ", "quantity", "scrap quantity", "ScrapQuantity"),
    _v("GQ", "quantity", "good quantity", "GoodQuantity"),
    _v("RQ", "quantity", "rework quantity", "ReworkQuantity"),
    _v("PQ", "quantity", "produced quantity", "ProducedQuantity"),
    _v("PBT", "duration", "planned busy time", "PlannedBusyTime"),
    _v("PRI", "duration", "planned runtime per item", "PlannedRuntimePerItem", "PlannedRuntimePerUnit"),
    _v("TBF", "duration", "sum of operating times between failures"),
    _v("TTR", "duration", "sum of times to restoration"),
    _v("FE", "quantity", "number of failure events"),
)})
# Spellings of ISO 22400-2 / the HSU ontology for the same elements.
ALIASES: Mapping[str, str] = MappingProxyType({"ASUT": "AUST", "PRU": "PRI"})

_BY_SEMANTIC_ID = {v.semantic_id: v.key for v in VARIABLES.values() if v.semantic_id}
_BY_ID_SHORT = {v.id_short: v.key for v in VARIABLES.values() if v.id_short}

# KPI idShort in the ManufacturingKPIs submodel -> attribute of ManufacturingKpis
KPI_ID_SHORTS: Mapping[str, str] = MappingProxyType({
    "Availability": "availability", "Effectiveness": "effectiveness", "QualityRatio": "quality_ratio",
    "OEE": "oee", "ScrapRatio": "scrap_ratio", "ReworkRatio": "rework_ratio", "SetupRate": "setup_rate",
    "ThroughputRate": "throughput_rate", "FirstPassYield": "first_pass_yield", "MTBF": "mtbf", "MTTR": "mttr",
})


@dataclass(frozen=True)
class ManufacturingKpis:
    """KPI values of one work unit and period; None where the inputs were not given.

    Ratios are fractions (0.75, not 75 %); ``throughput_rate`` is pieces per hour; ``mtbf``/``mttr`` are hours.
    """

    availability: float | None = None
    effectiveness: float | None = None
    quality_ratio: float | None = None
    oee: float | None = None
    scrap_ratio: float | None = None
    rework_ratio: float | None = None
    setup_rate: float | None = None
    throughput_rate: float | None = None
    first_pass_yield: float | None = None
    mtbf: float | None = None
    mttr: float | None = None
    period: tuple[str, str] | None = None  # xs:dateTime lexical forms (start, end)
    input_variables: str | None = None  # "submodel:<id>" of the PVM submodel, or an IRI
    inputs: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))  # seconds / counts by key

    def values(self) -> dict[str, float]:
        """Calculated KPIs keyed by their idShort in the ManufacturingKPIs submodel."""
        out: dict[str, float] = {}
        for id_short, attr in KPI_ID_SHORTS.items():
            value = getattr(self, attr)
            if value is not None:
                out[id_short] = value
        return out


# ----------------------------------------------------------------------------------------------- input values

def _finite(x: float, what: str) -> float:
    if not math.isfinite(x):
        raise ValueError(f"{what} is not a finite number")
    return x


def _number(value: Any) -> float | None:
    """A plain number (int, float, Decimal or numeric string), else None."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is a boolean, not a number")
    if isinstance(value, (int, float, decimal.Decimal)):
        return _finite(float(value), repr(value))
    if isinstance(value, str):
        try:
            return _finite(float(decimal.Decimal(value.strip())), repr(value))
        except decimal.InvalidOperation:
            return None
    return None


def _relativedelta_seconds(value: Any) -> float:
    if getattr(value, "years", 0) or getattr(value, "months", 0):
        raise ValueError("a duration with years or months has no fixed length in seconds")
    return float(value.days * 86400 + value.hours * 3600 + value.minutes * 60 + value.seconds
                 + value.microseconds / 1e6)


def duration_seconds(value: Any) -> float:
    """Seconds of a duration given as number of seconds, ISO 8601 text, timedelta or relativedelta."""
    number = _number(value)
    if number is not None:
        return number
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datatypes.from_xsd(text, datatypes.Duration)
        except (ValueError, TypeError, ArithmeticError):
            raise ValueError(f"{value!r} is neither a number of seconds nor an ISO 8601 duration") from None
        return _relativedelta_seconds(parsed)
    if all(hasattr(value, a) for a in ("days", "hours", "minutes", "seconds", "microseconds")):
        return _relativedelta_seconds(value)
    raise ValueError(f"{type(value).__name__} value {value!r} is not a duration")


def quantity(value: Any) -> float:
    number = _number(value)
    if number is None:
        raise ValueError(f"{value!r} is not a number")
    return number


def _describe(key: str, value: float) -> str:
    return f"{key} = {value:g} s" if VARIABLES[key].kind == "duration" else f"{key} = {value:g}"


def _canonical_key(name: str) -> str | None:
    if name in VARIABLES:
        return name
    if name in ALIASES:
        return ALIASES[name]
    return _BY_ID_SHORT.get(name)


def _raw_from_mapping(values: Mapping[str, Any], problems: list[tuple[str, str]]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for name, value in values.items():
        key = _canonical_key(name) if isinstance(name, str) else None
        if key is None:
            problems.append((str(name), "unknown ISO 22400-2 variable; expected one of "
                             + ", ".join(VARIABLES)))
        elif key in raw:
            problems.append((key, f"given twice (as {name!r} too)"))
        elif value is not None:
            raw[key] = value
    return raw


def _semantic_id(element: model.HasSemantics) -> str | None:
    ref = element.semantic_id
    return ref.key[0].value if ref is not None and ref.key else None


def _raw_from_submodel(submodel: model.Submodel, problems: list[tuple[str, str]]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for element in submodel.submodel_element:
        if not isinstance(element, model.SubmodelElementCollection):
            continue
        key = _BY_SEMANTIC_ID.get(_semantic_id(element) or "") or _BY_ID_SHORT.get(element.id_short or "")
        if key is None:
            continue
        current: model.Property | None = None
        for child in element.value:
            if not isinstance(child, model.Property):
                continue
            if _semantic_id(child) == CURRENT_VALUE or child.id_short == "currentValue":
                current = child
            elif (_semantic_id(child) == KEY or child.id_short == "key") and child.value not in (None, key):
                problems.append((key, f"collection {element.id_short} has key {child.value!r}, expected {key!r}"))
        if current is not None and current.value is not None:
            if key in raw:
                problems.append((key, f"occurs twice in submodel {submodel.id}"))
            raw[key] = current.value
    return raw


def read_variables(source: model.Submodel | Mapping[str, Any]) -> dict[str, float]:
    """The ISO 22400-2 variables of ``source`` in seconds (durations) or units (quantities), keyed by acronym.

    Raises ``KpiError`` naming every variable that is unknown, unreadable or negative.
    """
    values, problems = _read(source)
    if problems:
        raise KpiError(problems)
    return values


def _read(source: model.Submodel | Mapping[str, Any]) -> tuple[dict[str, float], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    if isinstance(source, model.Submodel):
        raw = _raw_from_submodel(source, problems)
    elif isinstance(source, Mapping):
        raw = _raw_from_mapping(source, problems)
    else:
        raise TypeError(f"expected a basyx Submodel or a mapping, not {type(source).__name__}")
    values: dict[str, float] = {}
    for key, value in raw.items():
        variable = VARIABLES[key]
        try:
            number = duration_seconds(value) if variable.kind == "duration" else quantity(value)
        except ValueError as exc:
            problems.append((key, f"{variable.name}: {exc}"))
            continue
        if number < 0:
            problems.append((key, f"{variable.name} is negative ({_describe(key, number)})"))
            continue
        values[key] = number
    return values, problems


# ----------------------------------------------------------------------------------------------- calculation

@dataclass(frozen=True)
class _Ratio:
    name: str  # idShort
    numerator: tuple[str, ...]  # keys multiplied together
    denominator: str
    scale: float = 1.0  # unit conversion of the result
    part_of_whole: bool = False  # numerator must not exceed the denominator


_RATIOS = (
    _Ratio("Availability", ("APT",), "PBT"),
    _Ratio("Effectiveness", ("PRI", "PQ"), "APT"),
    _Ratio("QualityRatio", ("GQ",), "PQ", part_of_whole=True),
    _Ratio("ScrapRatio", ("SQ",), "PQ", part_of_whole=True),
    _Ratio("ReworkRatio", ("RQ",), "PQ", part_of_whole=True),
    _Ratio("SetupRate", ("AUST",), "AUPT", part_of_whole=True),
    _Ratio("ThroughputRate", ("PQ",), "AOET", scale=3600.0),  # pieces per second -> per hour
    _Ratio("FirstPassYield", ("GP",), "IP", part_of_whole=True),
    _Ratio("MTBF", ("TBF",), "FE", scale=1 / 3600),  # seconds -> hours
    _Ratio("MTTR", ("TTR",), "FE", scale=1 / 3600),
)


def _ratio(r: _Ratio, v: Mapping[str, float], bad: Mapping[str, str]) -> float | str | None:
    """The KPI value, a reason why it is undefined, or None when an input was not given."""
    inputs = (*r.numerator, r.denominator)
    if any(k not in v and k not in bad for k in inputs):
        return None
    broken = [bad[k] for k in inputs if k in bad]
    if broken:
        return "undefined: " + "; ".join(broken)
    den = v[r.denominator]
    if den == 0:
        return f"undefined: {VARIABLES[r.denominator].name} {r.denominator} is zero"
    if r.part_of_whole and v[r.numerator[0]] > den:
        num = r.numerator[0]
        return (f"undefined: {VARIABLES[num].name} exceeds {VARIABLES[r.denominator].name} "
                f"({_describe(num, v[num])} > {_describe(r.denominator, den)})")
    return math.prod(v[k] for k in r.numerator) / den * r.scale


def _period(period: tuple[Any, Any] | None, problems: list[tuple[str, str]]) -> tuple[str, str] | None:
    if period is None:
        return None
    try:
        start, end = period
    except (TypeError, ValueError):
        problems.append(("CalculationPeriod", "expected (start, end)"))
        return None
    parsed: list[datetime.datetime] = []
    texts: list[str] = []
    for label, value in (("start", start), ("end", end)):
        text = value.isoformat() if isinstance(value, datetime.datetime) else value
        try:
            if not isinstance(text, str):
                raise TypeError
            moment = datatypes.from_xsd(text.strip(), datatypes.DateTime)
            if not isinstance(moment, datetime.datetime):
                raise TypeError
        except (ValueError, TypeError, ArithmeticError):
            problems.append(("CalculationPeriod", f"{label} {value!r} is not an xs:dateTime"))
            return None
        parsed.append(moment)
        texts.append(text.strip())
    try:
        reversed_ = parsed[0] > parsed[1]
    except TypeError:
        problems.append(("CalculationPeriod", "start and end must both have a time zone offset or both lack one"))
        return None
    if reversed_:
        problems.append(("CalculationPeriod", f"start {texts[0]} is after end {texts[1]}"))
        return None
    return texts[0], texts[1]


def compute_kpis(
    source: model.Submodel | Mapping[str, Any],
    *,
    period: tuple[datetime.datetime | str, datetime.datetime | str] | None = None,
    input_variables: str | None = None,
) -> ManufacturingKpis:
    """ISO 22400-2 KPIs from the variables of an IDTA 02066 submodel or a mapping keyed by acronym.

    ``period`` (start, end) and ``input_variables`` (reference to the PVM submodel; defaults to
    ``submodel:<id>`` when ``source`` is a Submodel) are carried into the result for ``kpi_values``.
    Raises ``KpiError`` listing every KPI whose given inputs make it undefined, and every unreadable input.
    """
    v, input_problems = _read(source)
    bad = {key: message for key, message in input_problems if key in VARIABLES}
    problems: list[tuple[str, str]] = []
    results: dict[str, float] = {}
    explained: set[str] = set()  # input variables whose problem a KPI already reports
    for r in _RATIOS:
        outcome = _ratio(r, v, bad)
        if isinstance(outcome, str):
            problems.append((r.name, outcome))
            explained.update(k for k in (*r.numerator, r.denominator) if k in bad)
        elif outcome is not None:
            results[r.name] = outcome
    factors = ("Availability", "Effectiveness", "QualityRatio")
    failed = [name for name, _ in problems if name in factors]
    if failed and all(f in results or f in failed for f in factors):
        verb = "is" if len(failed) == 1 else "are"
        problems.append(("OEE", f"undefined: {', '.join(failed)} {verb} undefined"))
    elif all(f in results for f in factors):
        results["OEE"] = results["Availability"] * results["Effectiveness"] * results["QualityRatio"]
    # an unreadable or negative variable no KPI reports (e.g. AQT, or APT without PBT) still invalidates the input
    problems = [p for p in input_problems if p[0] not in explained] + problems
    normalized = _period(period, problems)
    if problems:
        raise KpiError(problems)
    if input_variables is None and isinstance(source, model.Submodel):
        input_variables = f"submodel:{source.id}"
    return ManufacturingKpis(
        **{KPI_ID_SHORTS[name]: value for name, value in results.items()},
        period=normalized, input_variables=input_variables, inputs=MappingProxyType(dict(v)),
    )


# ----------------------------------------------------------------------------------------------- instance values

def kpi_values(
    kpis: ManufacturingKpis,
    *,
    period: tuple[datetime.datetime | str, datetime.datetime | str] | None = None,
    input_variables: str | None = None,
    submodel: str = KPI_SUBMODEL,
) -> dict[str, Any]:
    """Values keyed by idShort path for ``build_instance(load_model("manufacturing-kpis"), values)``.

    ``CalculationPeriod`` is mandatory in the submodel: give ``period`` here or to ``compute_kpis``.
    ``InputVariables`` is filled when a reference is known (``"submodel:<id>"`` makes a ModelReference).
    """
    problems: list[tuple[str, str]] = []
    normalized = _period(period, problems) if period is not None else kpis.period
    if normalized is None and not problems:
        problems.append(("CalculationPeriod", "required by the ManufacturingKPIs submodel: pass period=(start, end)"))
    if problems:
        raise KpiError(problems)
    assert normalized is not None
    values: dict[str, Any] = {f"{submodel}.{name}": value for name, value in kpis.values().items()}
    values[f"{submodel}.CalculationPeriod"] = {"min": normalized[0], "max": normalized[1]}
    reference = input_variables or kpis.input_variables
    if reference:
        values[f"{submodel}.InputVariables"] = reference
    return values
