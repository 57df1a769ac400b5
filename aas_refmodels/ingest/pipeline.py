"""rows -> checked records -> AAS outputs (time series or one ProcessData per record), losing nothing.

Every row is read, checked cell by cell (all bad cells, with row, column, path and reason) and either becomes a
record or is rejected; rows read = written + rejected. ``on_error="fail"`` writes nothing when any row is bad;
``"skip"`` writes the good rows and returns the rejected ones (the CLI puts them in ``<out>.rejects.csv``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import io
import json
import os
import shutil
import tempfile
import urllib.parse
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from basyx.aas import model

from ..build import BuiltModel, build_instance
from ..build import values as V
from ..build.builder import instance_submodel_id
from ..build.concepts import build_concept_descriptions
from ..build.refs import names, texts
from ..errors import AasRefModelsError, ProblemListError, ValuesError
from ..io.versions import SpecVersion
from ..io.writer import Format, aasx_bytes, format_of, serialize, write
from ..spec import ModelSpec
from . import mapping as M
from .readers import Row
from .records import SubmodelTemplater
from .timeseries import DEFAULT_MAX_INTERNAL_RECORDS, ExternalFormat, TimeSeriesWriter, variables_from_spec

OutputKind = Literal["timeseries", "records"]
OnError = Literal["fail", "skip"]
KPI_MODEL = "manufacturing-kpis"


@dataclass(frozen=True)
class Problem:
    """One bad cell (or row): 1-based row number as the user sees it, column, target path, reason."""

    row: int
    column: str
    path: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "") + \
                (f" -> {self.path}" if self.path else "")
        return f"{where}: {self.reason}"


class IngestError(ProblemListError):
    """Rows do not fit (with ``on_error="fail"``): every problem, located."""


@dataclass
class Record:
    row: int
    key: str
    timestamp: datetime.datetime | None
    values: dict[str, Any]


@dataclass
class Rejected:
    row: int
    raw: dict[str, Any]
    problems: list[Problem]

    @property
    def reason(self) -> str:
        return "; ".join(str(p) for p in self.problems)


@dataclass
class Summary:
    read: int = 0
    written: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    rejects: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "written": self.written, "rejected": self.rejected,
                "outputs": [str(p) for p in self.outputs],
                "problems": [dataclasses.asdict(p) for p in self.problems]}


# ------------------------------------------------------------------------------------------- checking

class Checker:
    """Turns raw rows into records (or rejections) for one model and mapping."""

    def __init__(self, spec: ModelSpec, mapping: M.Mapping_, *, unique_keys: bool = False) -> None:
        self.spec, self.mapping = spec, mapping
        self.record_subs = sorted({r.path.split(".", 1)[0].split("[", 1)[0] for r in mapping.rules})
        self.record_spec = dataclasses.replace(
            spec, submodels=tuple(sm for sm in spec.submodels if sm.id_short in self.record_subs))
        self.record_constants = {k: v for k, v in mapping.constants.items() if _submodel_of(k) in self.record_subs}
        self.once_constants = {k: v for k, v in mapping.constants.items() if k not in self.record_constants}
        self.by_column = {r.column: r for r in mapping.rules}
        self.column_of = {r.path: r.column for r in mapping.rules}
        self.ts_rule = self.by_column.get(mapping.timestamp) if mapping.timestamp else None
        self._shapes: dict[frozenset[str], list[tuple[str, str]]] = {}
        self._keys: dict[str, int] | None = {} if unique_keys else None

    def check(self, row: Row) -> Record | Rejected:
        n, raw, problem = row
        problems: list[Problem] = []
        if problem:
            problems.append(Problem(n, "", "", problem))
        flat: dict[str, Any] = dict(self.record_constants)
        mapping = self.mapping
        for rule in mapping.rules:
            try:
                value = M.convert_cell(rule, raw.get(rule.column), mapping)
            except M.CellError as exc:
                problems.append(Problem(n, rule.column, rule.path, str(exc)))
                continue
            if value is not None:
                flat[rule.path] = value
        timestamp = None
        ts_rule = self.ts_rule
        if ts_rule is not None and isinstance(flat.get(ts_rule.path), datetime.datetime):
            timestamp = flat[ts_rule.path]  # already parsed as the column's value
        elif mapping.timestamp:
            cell = raw.get(mapping.timestamp)
            if cell is None or (isinstance(cell, str) and cell.strip() in mapping.absent):
                if not any(p.column == mapping.timestamp for p in problems):
                    problems.append(Problem(n, mapping.timestamp, self.ts_rule.path if self.ts_rule else "",
                                            "no timestamp"))
            else:
                try:
                    timestamp = M.parse_timestamp(cell, self.ts_rule, mapping)
                except M.CellError as exc:
                    if not any(p.column == mapping.timestamp for p in problems):
                        problems.append(Problem(n, mapping.timestamp, "", str(exc)))
        key = str(n)
        if mapping.record_key:
            cell = raw.get(mapping.record_key)
            key_rule = self.by_column.get(mapping.record_key)
            key_path = key_rule.path if key_rule else ""
            text = "" if cell is None else (str(int(cell)) if isinstance(cell, float) and cell.is_integer()
                                            else str(cell).strip())
            if not text or text in mapping.absent:
                if not any(p.column == mapping.record_key for p in problems):
                    problems.append(Problem(n, mapping.record_key, key_path, "no record key"))
            elif self._keys is not None and text in self._keys:
                problems.append(Problem(n, mapping.record_key, key_path,
                                        f"record key {text!r} also in row {self._keys[text]}"))
            key = text
        if not problems:
            for path, message in self._shape_problems(flat):
                problems.append(Problem(n, self.column_of.get(path, ""), path, message))
        if problems:
            return Rejected(n, raw, problems)
        if self._keys is not None:
            self._keys[key] = n
        return Record(n, key, timestamp, flat)

    def _shape_problems(self, flat: dict[str, Any]) -> list[tuple[str, str]]:
        """Missing mandatory values and the like: the same for every record with the same paths present."""
        shape = frozenset(flat)
        found = self._shapes.get(shape)
        if found is None:
            try:
                build_instance(self.record_spec, flat)
                found = []
            except ValuesError as exc:
                found = [(p, "missing mandatory value" if m.startswith("missing mandatory") else m)
                         for p, m in exc.problems]
            self._shapes[shape] = found
        return found


def _submodel_of(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


# ------------------------------------------------------------------------------------------- outputs

@dataclass
class _Common:
    """What every output of a run shares: the once-built submodels, ConceptDescriptions and the shell."""

    spec: ModelSpec
    asset_id: str
    version: SpecVersion
    once: list[model.Submodel]
    attachments: dict[str, Path | bytes]


class _Output:
    extra: list[tuple[Path, Path]]  # side files written by finish(): (temporary, final)

    def add(self, record: Record) -> None:
        raise NotImplementedError

    def finish(self) -> Path:
        """Write into a temporary file beside the target; returns it (renamed by commit)."""
        raise NotImplementedError

    def discard(self) -> None:
        pass


def _temp_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    return Path(tmp)


def _shell(spec: ModelSpec, asset_id: str, submodel_ids: Iterable[str]) -> model.AssetAdministrationShell:
    return model.AssetAdministrationShell(
        asset_information=model.AssetInformation(asset_kind=model.AssetKind.INSTANCE, global_asset_id=asset_id),
        id_=f"{asset_id.rstrip('/')}/aas",
        id_short="".join(p.capitalize() for p in spec.model.split("-")) + "AAS",
        display_name=names({k: f"{v} AAS" for k, v in spec.name.items()}),
        description=texts(spec.definition),
        submodel={model.ModelReference((model.Key(model.KeyTypes.SUBMODEL, i),), model.Submodel)
                  for i in submodel_ids},
    )


class TimeSeriesOutput(_Output):
    """One package: TimeSeries (all records), ProcessData (latest record), once-submodels, KPIs, shell."""

    def __init__(self, common: _Common, checker: Checker, target: Path, fmt: Format, *,
                 max_internal_records: int | None, external_format: ExternalFormat, suffix: str = "") -> None:
        self.common, self.checker, self.target, self.fmt = common, checker, target, fmt
        spec = common.spec
        self.paths = [r.path for r in checker.mapping.rules
                      if r.element.model_type == "Property" and r.path.split(".", 1)[0] in checker.record_subs]
        variables = variables_from_spec(spec, self.paths)
        sm_id = f"{common.asset_id.rstrip('/')}/sm/TimeSeries{suffix}"
        # JSON/XML carry no files: the series file goes beside the output, its File value a relative reference
        self.side = None if fmt == "aasx" else f"{target.stem}.timeseries.{external_format}"
        self.extra = []
        self.writer = TimeSeriesWriter(
            variables, submodel_id=sm_id, max_internal_records=max_internal_records, external_format=external_format,
            name={"en": f"{spec.name.get('en', spec.model)} records", "ko": f"{spec.name.get('ko', spec.model)} 레코드"},
            base_iri=spec.base_iri, file_path=self.side, temp_dir=target.parent if self.side else None)
        self.latest: Record | None = None
        self._sums = [(r.path, r.path.rsplit(".", 1)[-1]) for r in checker.mapping.rules
                      if r.path.rsplit(".", 1)[-1] in _KPI_SUMS and r.path.count(".") == 1]
        self.records: list[Record] = []
        self.totals: dict[str, float] = {}
        self.first: datetime.datetime | None = None
        self.last_end: datetime.datetime | None = None

    def add(self, record: Record) -> None:
        assert record.timestamp is not None
        values = record.values
        self.writer.add(record.timestamp, {p: values[p] for p in self.paths if p in values}, checked=True)
        self.latest = record
        self._aggregate(record)

    def _aggregate(self, record: Record) -> None:
        ts = record.timestamp
        assert ts is not None
        if self.first is None or ts < self.first:
            self.first = ts
        end = ts
        values = record.values
        for path, leaf in self._sums:
            value = values.get(path)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self.totals[leaf] = self.totals.get(leaf, 0.0) + float(value)
                if leaf == "CycleTime":
                    end = ts + datetime.timedelta(seconds=float(value))
        if self.last_end is None or end > self.last_end:
            self.last_end = end

    def finish(self) -> Path:
        series = self.writer.finish()
        latest: list[model.Submodel] = []
        latest_files: dict[str, Path] = {}
        if self.latest is not None:  # no good record: no ProcessData (it has mandatory values)
            built = build_instance(self.checker.record_spec, self.latest.values, asset_id=self.common.asset_id)
            latest, latest_files = built.submodels, built.attachments
        kpis, kpi_cds = self._kpis()
        submodels = [*latest, *self.common.once, series.submodel, *kpis]
        cds = _dedupe([*build_concept_descriptions(self.common.spec), *series.concept_descriptions, *kpi_cds])
        shell = _shell(self.common.spec, self.common.asset_id, [s.id for s in submodels])
        if self.side is not None:
            for local in series.attachments.values():
                if isinstance(local, Path):
                    side_tmp = _temp_beside(self.target)
                    shutil.move(local, side_tmp)
                    self.extra.append((side_tmp, self.target.with_name(self.side)))
            series.attachments = {}
        # the series file is streamed into the package afterwards (memory stays flat however many records)
        streamed = {k: v for k, v in series.attachments.items() if isinstance(v, Path)} if self.fmt == "aasx" else {}
        attachments = {**self.common.attachments, **series.attachments, **latest_files,
                       **dict.fromkeys(streamed, b"")}
        tmp = _temp_beside(self.target)
        try:
            write([shell, *submodels, *cds], tmp, self.fmt, spec_version=self.common.version,
                  attachments=attachments)
            if streamed:
                final = _temp_beside(self.target)
                try:
                    _restream(tmp, final, {k.lstrip("/"): v for k, v in streamed.items()})
                finally:
                    tmp.unlink(missing_ok=True)
                tmp = final
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            self.writer.close()
        return tmp

    def discard(self) -> None:
        self.writer.close()
        for tmp, _final in self.extra:
            tmp.unlink(missing_ok=True)

    def _kpis(self) -> tuple[list[model.Submodel], list[Any]]:
        """ManufacturingKPIs over the window, where the mapped columns allow (quantities, cycle times)."""
        from ..kpi import KpiError, compute_kpis, kpi_values
        from ..spec import load_model

        t = self.totals
        variables: dict[str, Any] = {}
        if "ProducedQuantity" in t:
            variables["PQ"] = t["ProducedQuantity"]
            if "GoodQuantity" in t:
                variables["GQ"] = t["GoodQuantity"]
            if "ScrapQuantity" in t:
                variables["SQ"] = t["ScrapQuantity"]
        if "CycleTime" in t and self.first is not None and self.last_end is not None and self.last_end > self.first:
            variables["APT"] = t["CycleTime"]
            variables["PBT"] = (self.last_end - self.first).total_seconds()
        if not variables or self.first is None or self.last_end is None:
            return [], []
        try:
            kpis = compute_kpis(variables, period=(self.first, self.last_end))
            values = kpi_values(kpis)
            if len(values) <= 1:
                return [], []
            spec = load_model(KPI_MODEL, base_iri=self.common.spec.base_iri)
            built = build_instance(spec, values, asset_id=self.common.asset_id)
            return built.submodels, built.concept_descriptions
        except (KpiError, ValuesError):
            return [], []


def _restream(src: Path, dst: Path, members: Mapping[str, Path]) -> None:
    """Copy a package, streaming the content of ``members`` (part name -> local file) from disk (deflated)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            local = members.get(info.filename)
            if local is None:
                zout.writestr(info, zin.read(info))
                continue
            part = zipfile.ZipInfo(info.filename, info.date_time)
            part.compress_type = zipfile.ZIP_DEFLATED
            part._compresslevel = 6  # type: ignore[attr-defined]
            with local.open("rb") as f, zout.open(part, "w", force_zip64=True) as out:
                shutil.copyfileobj(f, out, 1 << 20)


_KPI_SUMS = frozenset({"ProducedQuantity", "GoodQuantity", "ScrapQuantity", "CycleTime"})


def _dedupe(cds: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for cd in cds:
        if cd.id not in seen:
            seen.add(cd.id)
            out.append(cd)
    return out


class RecordsOutput(_Output):
    """One environment: a ProcessData submodel per record (ids ``…/sm/ProcessData/<key>``), the once-submodels,
    every ConceptDescription once, and the shell. JSON and AASX are streamed (flat memory); XML is built whole."""

    def __init__(self, common: _Common, checker: Checker, target: Path, fmt: Format) -> None:
        self.common, self.checker, self.target, self.fmt = common, checker, target, fmt
        self.templaters = [
            (sm.id_short, SubmodelTemplater(dataclasses.replace(checker.record_spec, submodels=(sm,)),
                                            common.asset_id, common.version))
            for sm in checker.record_spec.submodels]
        self.ids: list[str] = []
        self.extra = []
        self.count = 0
        self._json: Path | None = None
        self._handle: Any = None
        self._objects: list[model.Identifiable] = []
        if fmt != "xml":
            self._json = _temp_beside(target)
            self._handle = self._json.open("w", encoding="utf-8")
            self._handle.write('{"submodels":[')

    def record_id(self, sub: str, key: str) -> str:
        base = instance_submodel_id(self.common.asset_id, self.common.spec.submodel(sub))
        return f"{base}/{urllib.parse.quote(key, safe='-._~')}"

    def add(self, record: Record) -> None:
        for sub, templater in self.templaters:
            values = {k: v for k, v in record.values.items() if _submodel_of(k) == sub}
            sm_id = self.record_id(sub, record.key)
            self.ids.append(sm_id)
            if self._handle is not None:
                if self.count:
                    self._handle.write(",")
                self._handle.write(templater.json_text(values, sm_id))
            else:
                built = build_instance(templater.spec, values, asset_id=self.common.asset_id,
                                       submodel_ids={sub: sm_id})
                self._objects += built.submodels
            self.count += 1

    def finish(self) -> Path:
        cds = build_concept_descriptions(self.common.spec)
        once = self.common.once
        if self._handle is None:
            shell = _shell(self.common.spec, self.common.asset_id, [*self.ids, *(s.id for s in once)])
            tmp = _temp_beside(self.target)
            try:
                write([shell, *self._objects, *once, *cds], tmp, "xml", spec_version=self.common.version,
                      attachments=self.common.attachments)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            return tmp
        assert self._json is not None
        # the shell is serialized without its references, which are streamed here (one per record)
        bare = _shell(self.common.spec, self.common.asset_id, [])
        small = json.loads(serialize([bare, *once, *cds], "json", self.common.version))
        for sm in small.get("submodels") or ():
            if self.count:
                self._handle.write(",")
            self._handle.write(json.dumps(sm, ensure_ascii=False, separators=(",", ":")))
            self.count += 1
        shell_text = json.dumps((small.get("assetAdministrationShells") or [])[0], ensure_ascii=False,
                                separators=(",", ":"))
        assert shell_text.endswith("}") and '"submodels"' not in shell_text
        refs = [*self.ids, *(s.id for s in once)]
        if not refs:  # no record and nothing else: no submodels at all (an empty list is not allowed)
            self._handle.seek(0)
            self._handle.truncate()
            self._handle.write('{"assetAdministrationShells":[' + shell_text + "]")
        else:
            self._handle.write('],"assetAdministrationShells":[' + shell_text[:-1] + ',"submodels":[')
            for n, sm_id in enumerate(refs):
                self._handle.write(('{"type":"ModelReference","keys":[{"type":"Submodel","value":' if not n else
                                    ',{"type":"ModelReference","keys":[{"type":"Submodel","value":')
                                   + json.dumps(sm_id, ensure_ascii=False) + "}]}")
            self._handle.write("]}]")
        self._handle.write(',"conceptDescriptions":')
        self._handle.write(json.dumps(small.get("conceptDescriptions") or [], ensure_ascii=False))
        self._handle.write("}")
        self._handle.close()
        self._handle = None
        if self.fmt == "json":
            return self._json
        try:
            return self._package(list(once))  # the frame: package parts and the once-submodels' files
        finally:
            self._json.unlink(missing_ok=True)

    def _package(self, small: list[model.Identifiable]) -> Path:
        """AASX with the streamed JSON as its spec part (the package frame from the normal writer)."""
        assert self._json is not None
        frame = aasx_bytes(small, spec_version=self.common.version, attachments=self.common.attachments)
        tmp = _temp_beside(self.target)
        try:
            with zipfile.ZipFile(io.BytesIO(frame)) as src, \
                    zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in src.infolist():
                    if info.filename == "aasx/data.json":
                        part = zipfile.ZipInfo(info.filename, info.date_time)
                        part.compress_type = zipfile.ZIP_DEFLATED
                        part._compresslevel = 1  # type: ignore[attr-defined]  # fast: the part is large and repetitive
                        with self._json.open("rb") as f, dst.open(part, "w", force_zip64=True) as out:
                            shutil.copyfileobj(f, out, 1 << 20)
                    else:
                        dst.writestr(info, src.read(info))
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._json is not None:
            self._json.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------- the run

def _once_submodels(spec: ModelSpec, checker: Checker, recipe: Mapping[str, Any] | None, asset_id: str,
                    attachments_dir: Path | None, notes: list[str],
                    ) -> tuple[list[model.Submodel], dict[str, Path | bytes]]:
    index = V.index_spec(spec)
    values: dict[str, Any] = {}
    if recipe:
        flat, problems = V.flatten(recipe, index)
        if problems:
            raise ValuesError("the recipe does not fit reference model " + spec.key, problems)
        values.update(flat)
    clash = sorted(set(values) & set(checker.once_constants))
    if clash:
        raise ValuesError("the recipe and the mapping constants both give values",
                          [(p, "given by the recipe and by the mapping's constants") for p in clash])
    skipped = sorted({_submodel_of(k) for k in values} & set(checker.record_subs))
    if skipped:  # a full values file (examples/<process>/values.json) as recipe: its per-record part is not used
        notes.append(f"the recipe's {', '.join(skipped)} values are not used: "
                     f"{' and '.join(skipped)} {'is' if len(skipped) == 1 else 'are'} filled per record from the "
                     "columns (give fixed values as mapping constants)")
        values = {k: v for k, v in values.items() if _submodel_of(k) not in skipped}
    values.update(checker.once_constants)
    if not values:
        return [], {}
    subs = {_submodel_of(k) for k in values}
    once_spec = dataclasses.replace(spec, submodels=tuple(sm for sm in spec.submodels if sm.id_short in subs))
    built: BuiltModel = build_instance(once_spec, values, asset_id=asset_id, attachments_dir=attachments_dir)
    return built.submodels, dict(built.attachments)


def ingest(
    spec: ModelSpec,
    rows: Iterable[Row] | Iterable[Mapping[str, Any]],
    mapping: M.Mapping_ | Mapping[str, Any] | str | Path,
    *,
    output: str | Path | None = None,
    as_: OutputKind = "timeseries",
    asset_id: str | None = None,
    recipe: Mapping[str, Any] | None = None,
    on_error: OnError = "fail",
    spec_version: SpecVersion = "3.1",
    split: int | None = None,
    max_internal_records: int | None = DEFAULT_MAX_INTERNAL_RECORDS,
    external_format: ExternalFormat = "csv",
    attachments_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Rows (``(row number, dict, problem)`` from a reader, or plain dicts) -> AAS file(s) at ``output``.

    ``mapping``: a compiled mapping, a dict as in the YAML file, or the file's path. ``as_``: ``timeseries`` (one
    package: TimeSeries + ProcessData of the latest record + once-submodels + KPIs) or ``records`` (a ProcessData
    per record). ``split``: a package per N records (``out-0001.aasx``, …). Raises ``IngestError`` (every problem)
    when ``on_error="fail"`` and a row is bad; then nothing is written.
    Without ``output`` the records are checked only (the summary says what would be written).
    """
    if not isinstance(mapping, M.Mapping_):
        mapping = M.load_mapping(mapping, spec) if isinstance(mapping, (str, Path)) else \
            M.compile_mapping(mapping, spec)
    if not mapping.rules:
        raise M.MappingError("the mapping maps no column", [("columns", "map at least one column to a path")])
    if as_ == "timeseries" and not mapping.timestamp:
        raise M.MappingError("a time series needs a timestamp column",
                             [("timestamp", "name the column with each record's time (or map one to a StartTime)")])
    asset = asset_id or f"{spec.base_iri}ids/asset/{spec.model}/ingest"
    checker = Checker(spec, mapping, unique_keys=as_ == "records")
    summary = Summary()
    once, once_files = _once_submodels(spec, checker, recipe, asset, attachments_dir, summary.notes)
    common = _Common(spec, asset, spec_version, once, once_files)
    target = Path(output) if output is not None else None
    fmt: Format | None = format_of(target) if target is not None else None
    finished: list[tuple[Path, Path]] = []  # (temporary, final)
    current: _Output | None = None
    in_current = 0
    part = 0

    def open_output() -> _Output:
        nonlocal part
        assert target is not None and fmt is not None
        part += 1
        final = target if not split else target.with_name(f"{target.stem}-{part:04d}{target.suffix}")
        suffix = f"/{part:04d}" if split else ""
        out: _Output = TimeSeriesOutput(common, checker, final, fmt, max_internal_records=max_internal_records,
                                        external_format=external_format, suffix=suffix) if as_ == "timeseries" \
            else RecordsOutput(common, checker, final, fmt)
        out.final = final  # type: ignore[attr-defined]
        return out

    try:
        for row in _numbered(rows):
            summary.read += 1
            result = checker.check(row)
            if isinstance(result, Rejected):
                summary.rejected += 1
                summary.problems += result.problems
                if on_error == "skip":
                    summary.rejects.append(result)
            else:
                summary.written += 1
                if target is not None and (on_error == "skip" or not summary.rejected):
                    if current is None:
                        current, in_current = open_output(), 0
                    current.add(result)
                    in_current += 1
                    if split and in_current >= split:
                        finished.append((current.finish(), current.final))  # type: ignore[attr-defined]
                        finished += current.extra
                        current = None
            if progress is not None:
                progress(summary.read)
        if summary.rejected and on_error == "fail":
            summary.written = 0
            raise IngestError(f"{summary.rejected} of {summary.read} rows do not fit reference model {spec.key}",
                              [(f"row {p.row}" + (f", column {p.column!r}" if p.column else "") +
                                (f" -> {p.path}" if p.path else ""), p.reason) for p in summary.problems])
        if target is not None and current is None and not finished:
            current = open_output()  # no good record: still a valid (empty) output
        if current is not None:
            finished.append((current.finish(), current.final))  # type: ignore[attr-defined]
            finished += current.extra
            current = None
        for tmp, final in finished:
            os.replace(tmp, final)
            summary.outputs.append(final)
        finished = []
    finally:
        if current is not None:
            current.discard()
        for tmp, _final in finished:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return summary


def check_rows(spec: ModelSpec, rows: Iterable[Row] | Iterable[Mapping[str, Any]],
               mapping: M.Mapping_ | Mapping[str, Any] | str | Path, *, unique_keys: bool = False,
               ) -> Iterator[Record | Rejected]:
    """Yield each row as a checked :class:`Record` (``values`` keyed by value path, model units, constants
    included) or a :class:`Rejected` with all its problems; nothing is written."""
    if not isinstance(mapping, M.Mapping_):
        mapping = M.load_mapping(mapping, spec) if isinstance(mapping, (str, Path)) else \
            M.compile_mapping(mapping, spec)
    checker = Checker(spec, mapping, unique_keys=unique_keys)
    for row in _numbered(rows):
        yield checker.check(row)


def iter_submodels(spec: ModelSpec, rows: Iterable[Row] | Iterable[Mapping[str, Any]],
                   mapping: M.Mapping_ | Mapping[str, Any] | str | Path, *, asset_id: str | None = None,
                   ) -> Iterator[tuple[Record, list[model.Submodel]] | Rejected]:
    """Yield, per good row, the record and its per-record submodels as basyx objects (ids
    ``<asset>/sm/<Submodel>/<record key>``); bad rows as :class:`Rejected`. For callers that post or store each
    record themselves (a REST server, a database)."""
    if not isinstance(mapping, M.Mapping_):
        mapping = M.load_mapping(mapping, spec) if isinstance(mapping, (str, Path)) else \
            M.compile_mapping(mapping, spec)
    asset = asset_id or f"{spec.base_iri}ids/asset/{spec.model}/ingest"
    checker = Checker(spec, mapping, unique_keys=True)
    for row in _numbered(rows):
        result = checker.check(row)
        if isinstance(result, Rejected):
            yield result
            continue
        ids = {sm.id_short: f"{instance_submodel_id(asset, sm)}/{urllib.parse.quote(result.key, safe='-._~')}"
               for sm in checker.record_spec.submodels}
        built = build_instance(checker.record_spec, result.values, asset_id=asset, submodel_ids=ids)
        yield result, built.submodels


def _numbered(rows: Iterable[Any]) -> Iterator[Row]:
    for i, row in enumerate(rows, start=1):
        if isinstance(row, tuple) and len(row) == 3 and isinstance(row[0], int) and isinstance(row[1], Mapping):
            yield row[0], dict(row[1]), row[2]
        elif isinstance(row, Mapping):
            yield i, dict(row), None
        else:
            yield i, {"_value": repr(row)}, "not a mapping of column -> value"


def write_rejects(rejects: list[Rejected], columns: list[str], target: Path, reason_column: str = "reason") -> Path:
    """The rejected rows unchanged (original columns) plus a reason column, as UTF-8 CSV with BOM (atomic)."""
    import csv

    from ..io.atomic import atomic_path

    extra = [c for r in rejects for c in r.raw if c not in columns]
    header = [*columns, *dict.fromkeys(extra)]
    name = reason_column
    while name in header:
        name = "_" + name
    with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow([*header, name])
        for r in rejects:
            w.writerow([*("" if r.raw.get(c) is None else r.raw.get(c) for c in header), r.reason])
    return target


__all__ = ["AasRefModelsError", "Checker", "IngestError", "Problem", "Record", "Rejected", "Summary", "check_rows",
           "ingest", "iter_submodels", "write_rejects"]
