"""The time-series writer: records (a timestamp + values keyed by model value path) -> an IDTA 02008 TimeSeries.

Stable API (add, don't break):

- :class:`Variable` — one column of the series: idShort, valueType, semanticId, en/ko names, unit, and the key
  it has in the records (a model value path such as ``ProcessData.CycleTime``).
- :func:`variables_from_spec` — variables for model value paths, taken from a reference model's spec
  (semanticId, valueType, unit, names, allowed values/range are the element's own).
- :class:`TimeSeriesWriter` — streaming: ``add(timestamp, values)`` per record, ``finish()`` returns a
  :class:`TimeSeries`; memory stays flat (records beyond ``max_internal_records`` go to a temporary file).
- :func:`build_time_series` — the same for a finite iterable, in one call.

The submodel follows the packaged ``idta-time-series`` model (IDTA 02008-1-1-1), whose element specs (semantic
IDs, en/ko names and descriptions) are read at run time:

- ``Metadata``: ``Name`` (en/ko), optional ``Description``, and ``Record`` describing one record: ``Time01``
  (the template's time axis, ``RelativePointInTime``: whole seconds from the segment's ``StartTime``,
  ``xs:long``), ``UtcTime`` (the absolute instant, ``xs:dateTime`` in UTC, semanticId
  ``https://admin-shell.io/idta/TimeSeries/UtcTime/1/1`` as used by BaSyx), then one Property per variable.
- ``Segments``: up to ``max_internal_records`` records an ``InternalSegment01`` whose ``Records`` hold
  ``Record01``, ``Record02``, … (each with ``Time01``, ``UtcTime`` and the variables present); above it an
  ``ExternalSegment01`` whose ``File`` is the whole table embedded in the AASX (CSV, UTF-8, header = the
  idShorts of ``Metadata.Record``, values in their XSD lexical form, empty cell = absent; or Parquet with the
  optional ``pyarrow``). Each segment carries ``RecordCount``, ``StartTime``/``EndTime`` (first and last
  recorded timestamps, ISO 8601 with the records' zone), ``Duration`` (ISO 8601), ``State`` and ``LastUpdate``.

Timestamps are aware ``datetime`` objects, ISO 8601 strings or POSIX seconds; naive ones are in
``default_zone`` (``Asia/Seoul`` unless given). Values are coerced to each variable's valueType (``"12.5"`` and
``12.5`` both fit ``xs:double``); a value that does not fit raises :class:`~aas_refmodels.errors.ValuesError`
naming the record and the key, before anything is added.

Example::

    from aas_refmodels import load_model, write
    from aas_refmodels.ingest.timeseries import TimeSeriesWriter, variables_from_spec

    spec = load_model("injection-molding")
    variables = variables_from_spec(spec, ["ProcessData.CycleTime", "ProcessData.CushionVolume"])
    with TimeSeriesWriter(variables, submodel_id="https://plant.example.kr/imm07/sm/TimeSeries/2026-11") as ts:
        for timestamp, values in poll():                 # values keyed by model value path
            ts.add(timestamp, values)
        series = ts.finish()
        write([*series.objects()], "imm07-series.aasx", attachments=series.attachments)
"""

from __future__ import annotations

import csv
import datetime
import decimal
import hashlib
import io
import math
import os
import re
import shutil
import tempfile
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from basyx.aas import model
from basyx.aas.model import datatypes
from basyx.aas.model.concept import ConceptDescription

from .. import namespace, xstypes
from ..build import values as V
from ..build.concepts import Concept, concept_description, data_type
from ..build.refs import global_ref, names, texts
from ..errors import ValuesError
from ..spec import Cardinality, ElementSpec, ModelSpec, SubmodelSpec, example_problem, load_model

__all__ = [
    "DEFAULT_MAX_INTERNAL_RECORDS", "DEFAULT_ZONE", "TIME_SERIES_MODEL", "UTC_TIME_SEMANTIC_ID", "TimeSeries",
    "TimeSeriesWriter", "Variable", "build_time_series", "variables_from_spec",
]

TIME_SERIES_MODEL = "idta-time-series"
UTC_TIME_SEMANTIC_ID = "https://admin-shell.io/idta/TimeSeries/UtcTime/1/1"
DEFAULT_ZONE = "Asia/Seoul"
DEFAULT_MAX_INTERNAL_RECORDS = 1000
UTC_TIME_ID_SHORT = "UtcTime"
ExternalFormat = Literal["csv", "parquet"]
Timestamp = datetime.datetime | str | int | float
CONTENT_TYPES: dict[str, str] = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
_ID_SHORT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,127}$")
_SCALAR_TYPES = frozenset(datatypes.XSD_TYPE_CLASSES) - {"xs:base64Binary", "xs:hexBinary"}


@dataclass(frozen=True)
class Variable:
    """One variable (column) of a time series.

    ``key`` is how the variable is addressed in the records passed to :meth:`TimeSeriesWriter.add` (a model value
    path such as ``ProcessData.CycleTime``; defaults to ``id_short``). ``semantic_id`` defaults to an IRI in our
    own namespace (``<base>cd/idta-time-series/variable/<idShort>/1/0``), for which a ConceptDescription is made.
    ``element`` (set by :func:`variables_from_spec`) adds the element's allowed values and range to the checks.
    """

    id_short: str
    value_type: str = "xs:double"
    semantic_id: str | None = None
    name: Mapping[str, str] = field(default_factory=dict)
    definition: Mapping[str, str] = field(default_factory=dict)
    unit: str | None = None
    key: str | None = None
    element: ElementSpec | None = field(default=None, compare=False, repr=False)

    @property
    def record_key(self) -> str:
        return self.key if self.key is not None else self.id_short


def variables_from_spec(spec: ModelSpec, paths: Iterable[str]) -> list[Variable]:
    """Variables for model value paths (``ProcessData.CycleTime``, ``ProcessData.TemperatureZones[1].Actual...``).

    Each must name a Property of the model. The idShort is the element's own; where two paths end in the same
    idShort the path makes it unique (``TemperatureZones02_ActualTemperature``). Raises ``ValuesError`` listing
    every path that is unknown or not a Property.
    """
    index = V.index_spec(spec)
    paths = list(paths)
    problems: list[tuple[str, str]] = []
    found: list[tuple[str, ElementSpec]] = []
    for path in paths:
        try:
            V.split(path)
        except ValueError as exc:
            problems.append((path, str(exc)))
            continue
        e = index.get(V.generic(path))
        if e is None:
            problems.append((path, "unknown element: not part of the reference model"))
        elif e.model_type != "Property" or e.value_type not in _SCALAR_TYPES:
            problems.append((path, f"a time-series variable is a Property, not a {e.model_type}"))
        else:
            found.append((path, e))
    if len(set(paths)) != len(paths):
        problems += [(p, "given twice") for p in sorted({p for p in paths if paths.count(p) > 1})]
    if problems:
        raise ValuesError(f"paths do not name time-series variables of {spec.key}", problems)
    last = [_last_id_short(p, e) for p, e in found]
    out = []
    for (path, e), short in zip(found, last, strict=True):
        id_short = short if last.count(short) == 1 else _path_id_short(path)
        out.append(Variable(id_short, e.value_type or "xs:string", e.semantic_id, dict(e.name), dict(e.definition),
                            e.unit, path, e))
    return out


def _last_id_short(path: str, e: ElementSpec) -> str:
    parts = [p for p in V.split(path) if isinstance(p, str)]
    return parts[-1] if e.id_short is not None else _path_id_short(path)


def _path_id_short(path: str) -> str:
    """``ProcessData.TemperatureZones[1].ActualTemperature`` -> ``TemperatureZones02_ActualTemperature``."""
    out: list[str] = []
    for p in V.split(path)[1:]:
        if isinstance(p, int):
            out[-1] += f"{p + 1:02d}" if out else f"Item{p + 1:02d}"
        else:
            out.append(p)
    return "_".join(out)[:128]


@dataclass
class TimeSeries:
    """What the writer produced: the submodel, the ConceptDescriptions of its own-namespace variables, and the
    package files the ExternalSegment's File points to (package path -> local file or bytes).

    Write it with ``aas_refmodels.write(series.objects(), "x.aasx", attachments=series.attachments)`` (or add the
    objects to a larger environment). Temporary files stay until the writer is closed.
    """

    submodel: model.Submodel
    concept_descriptions: list[ConceptDescription]
    attachments: dict[str, Path | bytes]
    record_count: int
    start: datetime.datetime | None
    end: datetime.datetime | None
    segment: Literal["internal", "external", "none"]

    def objects(self) -> list[model.Identifiable]:
        return [self.submodel, *self.concept_descriptions]


class _Specs:
    """The element specs of the packaged IDTA 02008 model, looked up by path (read at run time)."""

    def __init__(self, base_iri: str | None) -> None:
        self.model = load_model(TIME_SERIES_MODEL, base_iri=base_iri)
        self.submodel: SubmodelSpec = self.model.submodels[0]
        self.index = V.index_spec(self.model)
        self.root = self.submodel.id_short

    def __call__(self, path: str) -> ElementSpec:
        return self.index[f"{self.root}.{path}"]


class TimeSeriesWriter:
    """Streams records into one IDTA 02008 TimeSeries submodel (see the module docstring for its layout).

    ``variables``: the columns. ``submodel_id``: the submodel's id (unique per series). ``name`` /
    ``description``: ``Metadata.Name`` / ``Metadata.Description`` (a string is English; give ``{"en", "ko"}``).
    ``max_internal_records``: up to this many records go into an InternalSegment, more into an ExternalSegment
    with an embedded file (``None``: always internal; ``0``: always external). ``external_format``: ``csv`` or
    ``parquet`` (needs pyarrow). ``file_path``: the package path of that file (default
    ``/aasx/timeseries/<idShort>-<hash of the submodel id>.<ext>``). ``sampling_rate`` (Hz) and
    ``sampling_interval`` are written when given. ``default_zone`` applies to naive timestamps.
    """

    def __init__(
        self,
        variables: Sequence[Variable],
        *,
        submodel_id: str,
        name: Mapping[str, str] | str | None = None,
        description: Mapping[str, str] | str | None = None,
        max_internal_records: int | None = DEFAULT_MAX_INTERNAL_RECORDS,
        external_format: ExternalFormat = "csv",
        file_path: str | None = None,
        sampling_rate: int | None = None,
        sampling_interval: int | None = None,
        default_zone: str | datetime.tzinfo = DEFAULT_ZONE,
        base_iri: str | None = None,
        temp_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.specs = _Specs(base_iri)
        self.base = namespace.base_iri(base_iri)
        self.variables = [self._complete(v) for v in variables]
        self._check_variables()
        if not submodel_id:
            raise ValueError("a time series needs a submodel id")
        if external_format not in CONTENT_TYPES:
            raise ValueError(f"external format {external_format!r} is not one of {', '.join(CONTENT_TYPES)}")
        if external_format == "parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise ValueError("Parquet needs pyarrow: pip install 'aas-refmodels[parquet]'") from None
        if max_internal_records is not None and max_internal_records < 0:
            raise ValueError("max_internal_records is >= 0 or None")
        self.submodel_id = submodel_id
        self.name = _lang(name) or {"en": "Process data records", "ko": "공정 데이터 레코드"}
        self.description = _lang(description)
        self.max_internal = max_internal_records
        self.external_format: ExternalFormat = external_format
        self.file_path = file_path
        self.sampling_rate, self.sampling_interval = sampling_rate, sampling_interval
        self.zone = zoneinfo.ZoneInfo(default_zone) if isinstance(default_zone, str) else default_zone
        self._by_key = {v.record_key: i for i, v in enumerate(self.variables)}
        self._checked = [v.element is not None and (v.element.allowed_values is not None
                                                    or v.element.allowed_range is not None) for v in self.variables]
        self._buffer: list[tuple[datetime.datetime, list[Any]]] = []
        self._count = 0
        self._first: datetime.datetime | None = None
        self._last: datetime.datetime | None = None
        self._temp_parent = temp_dir
        self._tmp: Path | None = None
        self._sink: _Sink | None = None
        self._finished = False

    # ---------------------------------------------------------------------------------------- public

    @property
    def record_count(self) -> int:
        return self._count

    @property
    def columns(self) -> list[str]:
        """The idShorts of ``Metadata.Record`` in order: the header of the external file."""
        return [self._time_id_short, UTC_TIME_ID_SHORT, *(v.id_short for v in self.variables)]

    def add(self, timestamp: Timestamp, values: Mapping[str, Any], *, checked: bool = False) -> None:
        """Append one record. ``values`` are keyed by each variable's key; None or a missing key is absent.

        ``checked=True``: the caller vouches that the timestamp is an aware ``datetime`` and every value already
        fits its variable (as ``aasref ingest`` has checked each cell); nothing is checked again (fast path).
        """
        if self._finished:
            raise RuntimeError("the time series is finished")
        if checked:
            trusted: list[Any] = [None] * len(self.variables)
            by_key = self._by_key
            for key, value in values.items():
                trusted[by_key[key]] = value
            self._append(timestamp, trusted)  # type: ignore[arg-type]
            return
        problems: list[tuple[str, str]] = []
        try:
            ts = _timestamp(timestamp, self.zone)
        except ValueError as exc:
            problems.append(("timestamp", str(exc)))
            ts = None
        row: list[Any] = [None] * len(self.variables)
        for key, value in values.items():
            i = self._by_key.get(key)
            if i is None:
                problems.append((key, "not a variable of this time series"))
                continue
            if value is None:
                continue
            var = self.variables[i]
            try:
                row[i] = xstypes.coerce(value, var.value_type)
            except ValueError as exc:
                problems.append((key, str(exc)))
                continue
            if self._checked[i]:
                assert var.element is not None
                problem = example_problem(var.element, value)
                if problem:
                    problems.append((key, problem))
        if problems:
            n = self._count + 1
            raise ValuesError(f"record {n} does not fit the time series", [(f"record {n}: {p}", m) for p, m in problems])
        assert ts is not None
        self._append(ts, row)

    def _append(self, ts: datetime.datetime, row: list[Any]) -> None:
        if self._first is None:
            self._first = ts
        self._last = ts
        self._count += 1
        if self._sink is not None:
            self._sink.write(self._relative(ts), ts, row)
            return
        self._buffer.append((ts, row))
        if self.max_internal is not None and len(self._buffer) > self.max_internal:
            self._spill()

    def extend(self, records: Iterable[tuple[Timestamp, Mapping[str, Any]]]) -> None:
        for timestamp, values in records:
            self.add(timestamp, values)

    def finish(self, *, state: str = "completed", last_update: Timestamp | None = None) -> TimeSeries:
        """The submodel (once). ``state``: ``completed`` or ``in progress`` (IDTA 02008 segment states);
        ``last_update`` defaults to the last record's timestamp."""
        if self._finished:
            raise RuntimeError("the time series is finished")
        self._finished = True
        attachments: dict[str, Path | bytes] = {}
        segments: list[model.SubmodelElement] = []
        kind: Literal["internal", "external", "none"] = "none"
        updated = _timestamp(last_update, self.zone) if last_update is not None else self._last
        if self._sink is None and self.max_internal == 0 and self._count:
            self._spill()
        if self._sink is not None:
            self._sink.close()
            package_path = self.file_path or self._default_file_path()
            attachments[package_path] = self._sink.path
            segments.append(self._external_segment(package_path, state, updated))
            kind = "external"
        elif self._count:
            segments.append(self._internal_segment(state, updated))
            kind = "internal"
        sm = self._submodel([self._metadata(), self._collection(self.specs("Segments"), "Segments", segments)])
        return TimeSeries(sm, self._concept_descriptions(), attachments, self._count, self._first, self._last, kind)

    def close(self) -> None:
        """Remove the temporary files (after the package has been written)."""
        if self._sink is not None:
            self._sink.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> TimeSeriesWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # ---------------------------------------------------------------------------------------- variables

    def _complete(self, v: Variable) -> Variable:
        sem = v.semantic_id or f"{self.base}cd/{TIME_SERIES_MODEL}/variable/{v.id_short}/1/0"
        name = dict(v.name) or {"en": v.id_short}
        definition = dict(v.definition) or {"en": f"Time-series variable {v.id_short}",
                                            "ko": f"시계열 변수 {v.id_short}"}
        return Variable(v.id_short, v.value_type, namespace.expand(sem, self.base), name, definition, v.unit, v.key,
                        v.element)

    def _check_variables(self) -> None:
        problems = []
        seen: set[str] = set()
        keys: set[str] = set()
        reserved = {self._time_id_short, UTC_TIME_ID_SHORT}
        for v in self.variables:
            if not _ID_SHORT.match(v.id_short):
                problems.append((v.id_short, "not a valid idShort (a letter, then letters, digits, '_')"))
            if v.id_short in seen or v.id_short in reserved:
                problems.append((v.id_short, "idShort used twice (Time01 and UtcTime are taken)"))
            if v.record_key in keys:
                problems.append((v.record_key, "key used twice"))
            if v.value_type not in _SCALAR_TYPES:
                problems.append((v.id_short, f"value type {v.value_type!r} is not a scalar xs: type"))
            seen.add(v.id_short)
            keys.add(v.record_key)
        if problems:
            raise ValuesError("the time-series variables are not usable", problems)

    @property
    def _time_id_short(self) -> str:
        return self.specs("Metadata.Record.Time[]").base_id_short + "01"

    # ---------------------------------------------------------------------------------------- rows

    def _relative(self, ts: datetime.datetime) -> int:
        assert self._first is not None
        return math.floor((ts - self._first).total_seconds())

    def _spill(self) -> None:
        """Move the buffered records into the external file and stream the rest there."""
        self._tmp = Path(tempfile.mkdtemp(prefix="aasref-ts-", dir=self._temp_parent))
        types = [v.value_type for v in self.variables]
        if self.external_format == "parquet":
            self._sink = _ParquetSink(self._tmp / "series.parquet", self.columns, types)
        else:
            self._sink = _CsvSink(self._tmp / "series.csv", self.columns, types)
        for ts, row in self._buffer:
            self._sink.write(self._relative(ts), ts, row)
        self._buffer = []

    def _default_file_path(self) -> str:
        digest = hashlib.sha256(self.submodel_id.encode("utf-8")).hexdigest()[:12]
        return f"/aasx/timeseries/{self.specs.root}-{digest}.{self.external_format}"

    # ---------------------------------------------------------------------------------------- elements

    def _submodel(self, elements: list[model.SubmodelElement]) -> model.Submodel:
        sm = self.specs.submodel
        adm = sm.administration
        return model.Submodel(
            self.submodel_id, elements, id_short=sm.id_short, display_name=names(sm.name),
            description=texts(sm.definition),
            administration=model.AdministrativeInformation(version=adm.version, revision=adm.revision,
                                                           template_id=adm.template_id),
            semantic_id=global_ref(sm.semantic_id),
            supplemental_semantic_id=[global_ref(s) for s in sm.supplemental_semantic_ids],
            kind=model.ModellingKind.INSTANCE,
        )

    def _metadata(self) -> model.SubmodelElementCollection:
        s = self.specs
        children: list[model.SubmodelElement] = [self._mlp(s("Metadata.Name"), "Name", self.name)]
        if self.description:
            children.append(self._mlp(s("Metadata.Description"), "Description", self.description))
        record = [self._property(s("Metadata.Record.Time[]"), self._time_id_short, None),
                  self._utc_time(None), *(self._variable(v, None) for v in self.variables)]
        children.append(self._collection(s("Metadata.Record"), "Record", record))
        return self._collection(s("Metadata"), "Metadata", children)

    def _segment_head(self, prefix: str, count: int, state: str, updated: datetime.datetime | None,
                      ) -> list[model.SubmodelElement]:
        s = self.specs
        first, last = self._first, self._last
        out: list[model.SubmodelElement] = []
        if first is not None and last is not None:
            a, b = first.isoformat(), last.isoformat()
            out.append(self._mlp(s(f"{prefix}.Name"), "Name", {"en": f"Records {a} to {b}", "ko": f"{a} ~ {b} 레코드"}))
        out.append(self._property(s(f"{prefix}.RecordCount"), "RecordCount", count))
        if first is not None and last is not None:
            out.append(self._property(s(f"{prefix}.StartTime"), "StartTime", first.isoformat()))
            out.append(self._property(s(f"{prefix}.EndTime"), "EndTime", last.isoformat()))
            if last >= first:
                out.append(self._property(s(f"{prefix}.Duration"), "Duration", _duration(last - first)))
        if self.sampling_interval is not None:
            out.append(self._property(s(f"{prefix}.SamplingInterval"), "SamplingInterval", self.sampling_interval))
        if self.sampling_rate is not None:
            out.append(self._property(s(f"{prefix}.SamplingRate"), "SamplingRate", self.sampling_rate))
        out.append(self._property(s(f"{prefix}.State"), "State", state))
        if updated is not None:
            out.append(self._property(s(f"{prefix}.LastUpdate"), "LastUpdate", updated.isoformat()))
        return out

    def _internal_segment(self, state: str, updated: datetime.datetime | None) -> model.SubmodelElementCollection:
        s = self.specs
        prefix = "Segments.InternalSegment[]"
        record_spec = s(f"{prefix}.Records.Record[]")
        time_spec = s(f"{prefix}.Records.Record[].Time[]")
        base = record_spec.base_id_short
        records: list[model.SubmodelElement] = []
        for n, (ts, row) in enumerate(self._buffer, start=1):
            elements: list[model.SubmodelElement] = [self._property(time_spec, self._time_id_short, self._relative(ts)),
                                                     self._utc_time(ts)]
            elements += [self._variable(v, xstypes.coerce(row[i], v.value_type), named=False)
                         for i, v in enumerate(self.variables) if row[i] is not None]
            records.append(self._collection(record_spec, f"{base}{n:02d}", elements))
        children = self._segment_head(prefix, len(self._buffer), state, updated)
        children.append(self._collection(s(f"{prefix}.Records"), "Records", records))
        seg = s(prefix)
        return self._collection(seg, f"{seg.base_id_short}01", children)

    def _external_segment(self, package_path: str, state: str, updated: datetime.datetime | None,
                          ) -> model.SubmodelElementCollection:
        s = self.specs
        prefix = "Segments.ExternalSegment[]"
        children = self._segment_head(prefix, self._count, state, updated)
        file_spec = s(f"{prefix}.File")
        children.append(model.File(content_type=CONTENT_TYPES[self.external_format], value=package_path,
                                   **_common(file_spec, "File")))
        seg = s(prefix)
        return self._collection(seg, f"{seg.base_id_short}01", children)

    @staticmethod
    def _collection(e: ElementSpec, id_short: str, children: Sequence[model.SubmodelElement],
                    ) -> model.SubmodelElementCollection:
        return model.SubmodelElementCollection(value=children, **_common(e, id_short))

    @staticmethod
    def _mlp(e: ElementSpec, id_short: str, value: Mapping[str, str]) -> model.MultiLanguageProperty:
        return model.MultiLanguageProperty(value=model.MultiLanguageTextType(dict(value)), **_common(e, id_short))

    @staticmethod
    def _property(e: ElementSpec, id_short: str, value: Any) -> model.Property:
        assert e.value_type is not None
        return model.Property(value_type=xstypes.type_class(e.value_type),
                              value=None if value is None else xstypes.coerce(value, e.value_type),
                              **_common(e, id_short))

    @staticmethod
    def _utc_time(ts: datetime.datetime | None) -> model.Property:
        return model.Property(
            id_short=UTC_TIME_ID_SHORT, value_type=datatypes.DateTime,
            value=None if ts is None else ts.astimezone(datetime.UTC),
            display_name=names({"en": "UTC time", "ko": "UTC 시각"}),
            description=texts({"en": "Point in time of the record in Coordinated Universal Time",
                               "ko": "레코드의 시점 (협정 세계시)"}),
            semantic_id=global_ref(UTC_TIME_SEMANTIC_ID))

    @staticmethod
    def _variable(v: Variable, value: Any, named: bool = True) -> model.Property:
        """A variable's Property; its names and definition are given once, in ``Metadata.Record``."""
        assert v.semantic_id is not None
        return model.Property(
            id_short=v.id_short, value_type=xstypes.type_class(v.value_type), value=value,
            display_name=names(v.name) if v.name and named else None,
            description=texts(v.definition) if v.definition and named else None,
            semantic_id=global_ref(v.semantic_id))

    def _concept_descriptions(self) -> list[ConceptDescription]:
        out: list[ConceptDescription] = []
        seen: set[str] = set()
        for v in self.variables:
            assert v.semantic_id is not None
            if not namespace.is_own(v.semantic_id, self.base) or v.semantic_id in seen:
                continue
            seen.add(v.semantic_id)
            e = v.element or ElementSpec(v.id_short, "Property", v.semantic_id, Cardinality.ZERO_TO_ONE, v.name,
                                         v.definition, "", value_type=v.value_type, unit=v.unit)
            cases = tuple(s for s in e.supplemental_semantic_ids if not namespace.is_own(s, self.base))
            name = e.base_id_short if e.id_short else v.id_short
            out.append(concept_description(Concept(v.semantic_id, name, dict(v.name), dict(v.definition), v.unit,
                                                   data_type(e), cases)))
        return out


def build_time_series(
    records: Iterable[tuple[Timestamp, Mapping[str, Any]]],
    variables: Sequence[Variable],
    *,
    submodel_id: str,
    state: str = "completed",
    **options: Any,
) -> TimeSeries:
    """All records at once; the external file (if any) is returned as bytes. Options as for TimeSeriesWriter."""
    with TimeSeriesWriter(variables, submodel_id=submodel_id, **options) as writer:
        writer.extend(records)
        series = writer.finish(state=state)
        series.attachments = {k: v if isinstance(v, bytes) else Path(v).read_bytes()
                              for k, v in series.attachments.items()}
        return series


# ------------------------------------------------------------------------------------------- helpers

def _common(e: ElementSpec, id_short: str) -> dict[str, Any]:
    return dict(id_short=id_short, display_name=names(e.name), description=texts(e.definition),
                semantic_id=global_ref(e.semantic_id),
                supplemental_semantic_id=[global_ref(s) for s in e.supplemental_semantic_ids])


def _lang(value: Mapping[str, str] | str | None) -> dict[str, str]:
    if value is None:
        return {}
    return {"en": value} if isinstance(value, str) else {k: v for k, v in value.items() if v}


def _timestamp(value: Timestamp, zone: datetime.tzinfo) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        ts = value
    elif isinstance(value, str):
        try:
            ts = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date and time") from None
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        ts = datetime.datetime.fromtimestamp(value, datetime.UTC)
    else:
        raise ValueError(f"{value!r} is not a timestamp (datetime, ISO 8601 text or POSIX seconds)")
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=zone)


def _duration(delta: datetime.timedelta) -> str:
    """ISO 8601 duration ``P[n]DT[n]H[n]M[n]S`` (days as the largest unit, exact)."""
    micros = delta // datetime.timedelta(microseconds=1)
    days, micros = divmod(micros, 86_400_000_000)
    hours, micros = divmod(micros, 3_600_000_000)
    minutes, micros = divmod(micros, 60_000_000)
    seconds = decimal.Decimal(micros) / 1_000_000
    out = "P" + (f"{days}D" if days else "")
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or not (days or hours or minutes):
        time += f"{seconds.normalize():f}S"
    return out + ("T" + time if time else "")


def _lexical(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return str(datatypes.xsd_repr(value))


class _Sink:
    path: Path

    def write(self, relative: int, ts: datetime.datetime, row: list[Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


_FLOAT_LETTERS = {0x65: "E", 0x66: "F", 0x69: "I", 0x6E: "N"}


def lexical_for(value_type: str) -> Any:
    """A function value -> XSD lexical form for one valueType: the serializer's form (``xstypes.lexical``) of a
    value that fits the type, computed directly for doubles, integers, decimals given as int, and strings."""
    if value_type in ("xs:double", "xs:float"):
        def double(v: Any) -> str:
            return "" if v is None else repr(float(v)).translate(_FLOAT_LETTERS)
        return double
    if value_type in xstypes.NUMERIC_TYPES and value_type != "xs:decimal":
        def integer(v: Any) -> str:
            return "" if v is None else str(int(v))
        return integer
    if value_type == "xs:decimal":
        def decimal_(v: Any) -> str:
            return "" if v is None else str(v) if isinstance(v, int) else xstypes.lexical(v, value_type)
        return decimal_
    if value_type == "xs:string":
        def text(v: Any) -> str:
            return "" if v is None else str(v)
        return text

    def other(v: Any) -> str:
        return "" if v is None else xstypes.lexical(v, value_type)
    return other


class _CsvSink(_Sink):
    def __init__(self, path: Path, columns: list[str], types: list[str]) -> None:
        self.path = path
        self._file: io.TextIOWrapper | None = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file, lineterminator="\r\n")
        self._csv.writerow(columns)
        self._lex = [lexical_for(t) for t in types]

    def write(self, relative: int, ts: datetime.datetime, row: list[Any]) -> None:
        self._csv.writerow([relative, ts.astimezone(datetime.UTC).isoformat(),
                            *[f(v) for f, v in zip(self._lex, row, strict=True)]])

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


_INT64_TYPES = frozenset({"xs:long", "xs:int", "xs:short", "xs:byte", "xs:unsignedInt", "xs:unsignedShort",
                          "xs:unsignedByte"})


class _ParquetSink(_Sink):
    """Columns typed after the valueTypes (double/float -> float64, bounded integers -> int64 / uint64, boolean ->
    bool, the rest as their lexical strings); Time01 int64, UtcTime timestamp[us, UTC]. Written in row groups of 65,536."""

    BATCH = 65_536

    def __init__(self, path: Path, columns: list[str], types: list[str]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path = path
        self._pa = pa
        fields = [pa.field(columns[0], pa.int64()), pa.field(columns[1], pa.timestamp("us", tz="UTC"))]
        self._kinds: list[str] = []
        for name, vt in zip(columns[2:], types, strict=True):
            if vt in ("xs:double", "xs:float"):
                kind, pa_type = "float", pa.float64()
            elif vt in _INT64_TYPES:
                kind, pa_type = "int", pa.int64()
            elif vt == "xs:unsignedLong":
                kind, pa_type = "int", pa.uint64()
            elif vt == "xs:boolean":
                kind, pa_type = "bool", pa.bool_()
            else:  # unbounded integers, decimals, strings, dates: their lexical form
                kind, pa_type = "str", pa.string()
            self._kinds.append(kind)
            fields.append(pa.field(name, pa_type))
        self._schema = pa.schema(fields)
        self._writer: Any = pq.ParquetWriter(str(path), self._schema)
        self._cols: list[list[Any]] = [[] for _ in fields]

    def write(self, relative: int, ts: datetime.datetime, row: list[Any]) -> None:
        self._cols[0].append(relative)
        self._cols[1].append(ts.astimezone(datetime.UTC))
        for i, (kind, value) in enumerate(zip(self._kinds, row, strict=True), start=2):
            if value is None:
                self._cols[i].append(None)
            elif kind == "float":
                self._cols[i].append(float(value))
            elif kind in ("int", "bool"):
                self._cols[i].append(value)
            else:
                self._cols[i].append(_lexical(value))
        if len(self._cols[0]) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._cols[0]:
            table = self._pa.Table.from_arrays([self._pa.array(c, type=f.type) for c, f in
                                                zip(self._cols, self._schema, strict=True)], schema=self._schema)
            self._writer.write_table(table)
            self._cols = [[] for _ in self._cols]

    def close(self) -> None:
        if self._writer is not None:
            self._flush()
            self._writer.close()
            self._writer = None
