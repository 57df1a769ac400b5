"""Layered validation of AAS files: ``validate(source) -> Report``.

Layers (each reported as run, or skipped with the reason): package (AASX), schema (official JSON Schema /
XSD of the detected version), deserialize (strict reads), metamodel (aas-core verification plus checks it
misses), template (conformance to our reference models and to ``--template`` files).

Never raises on a bad model: every problem of the input is a finding. Exceptions
(:class:`~aas_refmodels.errors.AasRefModelsError`) mean the validator itself could not run (e.g. an
unreadable template file given by the caller).
"""

from __future__ import annotations

import dataclasses
import gc
import os
import sys
import time
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding, Layer, LayerResult, ModelPath, Report, SourceLocation
from . import _read
from ._make import finding
from ._read import Limits

__all__ = ["Limits", "Options", "validate", "validate_bytes"]

V30, V31 = _read.V30, _read.V31


@dataclass(frozen=True)
class Options:
    spec_version: str | None = None           # "3.0" / "3.1" forces the version
    schema_dir: str | os.PathLike[str] | None = None
    templates: tuple[Any, ...] = ()           # template files / loaded TemplateSpecs for the template layer
    reference_models: bool = True             # match submodels against our reference models
    base_iri: str | None = None
    limits: Limits = field(default_factory=Limits)
    layers: frozenset[Layer] = frozenset(Layer)
    basyx: bool = False                       # opt-in strict basyx read in the deserialize layer (3.1): SER005


def validate(source: Any, *, spec_version: str | None = None, schema_dir: str | os.PathLike[str] | None = None,
             templates: Sequence[Any] = (), reference_models: bool = True, base_iri: str | None = None,
             limits: Limits | None = None, layers: Iterable[Layer | str] | None = None, basyx: bool = False,
             name: str | None = None) -> Report:
    """Validate a file path, ``bytes`` (JSON, XML or AASX) or basyx objects; return a :class:`Report`.

    ``basyx=True`` adds the basyx compatibility check (a strict basyx read of 3.1 input, SER005 warnings);
    it is off by default: the metamodel verdict comes from aas-core and the metamodel layer.
    """
    if spec_version not in (None, V30, V31):
        raise ValueError(f"spec_version must be 3.0 or 3.1, not {spec_version!r}")
    opts = Options(spec_version, schema_dir, tuple(templates), reference_models, base_iri, limits or Limits(),
                   frozenset(Layer(x) for x in layers) if layers is not None else frozenset(Layer), basyx)
    if isinstance(source, (str, os.PathLike)) and not (isinstance(source, str) and source == "-"):
        path = Path(source)
        label = name or str(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            return _unreadable(label, f"cannot read the file: {exc.strerror or exc}")
        if size > opts.limits.max_file_bytes:
            return Report(label, (finding("SER007", ModelPath("Environment"),
                                          f"found {size} bytes, expected at most {opts.limits.max_file_bytes} "
                                          "(Limits.max_file_bytes)", None, location=SourceLocation(label)),),
                          (_skip(Layer.SCHEMA, "input too large"),))
        try:
            data = path.read_bytes()
        except OSError as exc:
            return _unreadable(label, f"cannot read the file: {exc.strerror or exc}")
        return validate_bytes(data, label, opts)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return validate_bytes(bytes(source), name or "<bytes>", opts)
    return validate_bytes(_serialize_basyx(source), name or "<objects>", opts)


def _unreadable(label: str, message: str) -> Report:
    """An input the validator cannot even open (I/O): "could not run", not a finding about the model."""
    return Report(label, (), (), failure=message)


def _serialize_basyx(objects: Any) -> bytes:
    import io

    from basyx.aas import model
    from basyx.aas.adapter.json import write_aas_json_file

    if isinstance(objects, model.Identifiable):
        objects = [objects]
    store = objects if isinstance(objects, model.AbstractObjectStore) else model.DictIdentifiableStore(objects)
    buf = io.StringIO()
    write_aas_json_file(buf, store)
    return buf.getvalue().encode("utf-8")


def _skip(layer: Layer, reason: str) -> LayerResult:
    return LayerResult(layer, "skipped", reason)


class _Run:
    """State of one validation: findings and layer results accumulate here."""

    def __init__(self, label: str, opts: Options) -> None:
        self.label, self.opts = label, opts
        self.findings: list[Finding] = []
        self.layers: dict[Layer, LayerResult] = {}
        self.format: str | None = None
        self.version: str | None = None
        self.version_reason: str | None = None

    def problem(self, p: _read.Problem, file: str | None = None) -> None:
        self.findings.append(finding(p.code, ModelPath("Environment"), p.message, self.version,
                                     location=SourceLocation(file or self.label, p.pointer, p.line, p.column)))

    def ran(self, layer: Layer, t0: float, reason: str | None = None) -> None:
        self.layers.setdefault(layer, LayerResult(layer, "run", reason, time.perf_counter() - t0))

    def skip(self, layer: Layer, reason: str) -> None:
        self.layers.setdefault(layer, _skip(layer, reason))

    def wanted(self, layer: Layer) -> bool:
        if layer in self.opts.layers:
            return True
        self.skip(layer, "not selected")
        return False

    def report(self) -> Report:
        order = list(Layer)
        return Report(self.label, tuple(self.findings), tuple(sorted(self.layers.values(),
                                                                     key=lambda r: order.index(r.layer))),
                      self.format, self.version, self.version_reason)


def validate_bytes(data: bytes, label: str, opts: Options | None = None) -> Report:
    opts = opts or Options()
    run = _Run(label, opts)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # object graphs of big models make the cyclic collector superlinear (measurements §1)
    try:
        _dispatch(run, data)
    finally:
        if gc_was_enabled:
            gc.enable()
    return run.report()


def _dispatch(run: _Run, data: bytes) -> None:
    if len(data) > run.opts.limits.max_file_bytes:
        run.problem(_read.Problem("SER007", f"found {len(data)} bytes, expected at most "
                                            f"{run.opts.limits.max_file_bytes} (Limits.max_file_bytes)"))
        return
    fmt = _read.sniff_format(data)
    run.format = fmt
    if fmt is None:
        run.problem(_read.Problem("SER001", "found neither JSON, XML nor an AASX (ZIP) package"
                                  if data.strip() else "found an empty file, expected JSON, XML or AASX", 1, 1))
        _skip_rest(run, "the input could not be read")
        return
    if fmt == "aasx":
        from . import package
        package.validate_package(run, data)
        return
    run.skip(Layer.PACKAGE, f"not an AASX package ({fmt} input)")
    validate_document(run, data, fmt, run.label)


def _skip_rest(run: _Run, reason: str) -> None:
    for layer in (Layer.PACKAGE, Layer.SCHEMA, Layer.DESERIALIZE, Layer.METAMODEL, Layer.TEMPLATE):
        run.skip(layer, reason)


def validate_document(run: _Run, data: bytes, fmt: str, file: str) -> Any:
    """Schema, deserialize, metamodel and template layers for one JSON or XML document.

    Returns the jsonable environment (or None) so that the package layer can check File targets.
    """
    from . import deserialize, metamodel, schema

    opts = run.opts
    text, problem = _read.decode_utf8(data)
    if problem:
        run.problem(problem, file)
        _skip_rest(run, "the input could not be read")
        return None
    assert text is not None
    if fmt == "json":
        doc, problem = _read.load_json(text, opts.limits)
        if problem is None:
            problem = _read.check_environment(doc)
        if problem:
            run.problem(problem, file)
            _skip_rest(run, "the input is not an AAS environment")
            return None
        text = None  # not needed again (the opt-in basyx read decodes the bytes itself): its memory goes now
        if opts.spec_version:
            run.version, run.version_reason = opts.spec_version, f"{opts.spec_version} forced (--spec-version)"
        else:
            run.version, run.version_reason = _read.detect_json_version(doc)
    else:
        tree, problem = _read.parse_xml(data, opts.limits)
        if problem is None:
            version, problem = _read.xml_version(tree)
        if problem:
            run.problem(problem, file)
            _skip_rest(run, "the input is not an AAS environment")
            return None
        if opts.spec_version and opts.spec_version != version:
            run.version, run.version_reason = opts.spec_version, (
                f"{opts.spec_version} forced (--spec-version); the XML namespace says {version}")
        else:
            run.version, run.version_reason = version, f"{version} from the XML namespace"
    version = run.version
    assert version is not None

    # schema
    if run.wanted(Layer.SCHEMA):
        t0 = time.perf_counter()
        schema_dir = schema.resolve_schema_dir(opts.schema_dir)
        path, reason = schema.schema_file(schema_dir, version, "aas.json" if fmt == "json" else "AAS.xsd")
        if path is None:
            run.skip(Layer.SCHEMA, reason or "no schema")
        else:
            if fmt == "json":
                run.findings += schema.check_json(doc, path, version, file)
            else:
                run.findings += schema.check_xml(tree, path, version, file)
            run.ran(Layer.SCHEMA, t0)
    if fmt == "xml":
        tree = None  # large: released for the layers below; parsed again only if a finding needs an XML line

    # deserialize
    env = None
    pruned = False
    remap = None
    if run.wanted(Layer.DESERIALIZE):
        t0 = time.perf_counter()
        if fmt == "json":
            env, found, remap = deserialize.from_jsonable_pruned(doc, version, file)
            run.findings += found
            pruned = env is not None and bool(found)
        else:
            assert text is not None
            env, f = deserialize.from_xml(text, version, file)
            if f:
                run.findings.append(f)
        if version == V31 and opts.basyx:
            run.findings += deserialize.basyx_read(data, fmt, version, file)
        run.ran(Layer.DESERIALIZE, t0)
    text = None  # no layer below reads the text: its memory goes before the metamodel layer's
    if fmt == "xml":
        doc = _to_jsonable(env, version) if env is not None else None
    first_new = len(run.findings)

    # metamodel
    if run.wanted(Layer.METAMODEL):
        t0 = time.perf_counter()
        if env is None and Layer.DESERIALIZE in opts.layers:
            run.skip(Layer.METAMODEL, "deserialization failed")
        else:
            if env is None:
                env, _ = deserialize.from_jsonable(doc, version, file) if doc is not None else (None, None)
            if env is not None:
                run.findings += metamodel.verify(env, version, doc, file, remap=remap if pruned else None)
            if doc is not None:
                run.findings += metamodel.own_checks(doc, version, file)
            run.ran(Layer.METAMODEL, t0)
    env = None
    _drop_redundant_basyx(run)

    # template
    if run.wanted(Layer.TEMPLATE):
        if doc is None:
            run.skip(Layer.TEMPLATE, "deserialization failed")
        else:
            t0 = time.perf_counter()
            try:
                from . import conformance
            except ImportError:
                run.skip(Layer.TEMPLATE, "template conformance not available")
            else:
                reason = conformance.check(run, doc, version, file)
                if reason:
                    run.skip(Layer.TEMPLATE, reason)
                else:
                    run.ran(Layer.TEMPLATE, t0)
    if fmt == "xml":
        _pointers_to_lines(run, first_new, data, file)
    return doc


def _pointers_to_lines(run: _Run, start: int, data: bytes, file: str) -> None:
    """Findings located by JSON pointer into the (converted) environment get the XML line instead."""
    from . import _paths
    tree = None
    for i in range(start, len(run.findings)):
        f = run.findings[i]
        loc = f.location
        if loc is None or loc.file != file or loc.pointer is None:
            continue
        if tree is None:
            tree = _read.parse_xml(data, run.opts.limits)[0]
            if tree is None:
                return
        line = _xml_line(tree, _paths.split_pointer(loc.pointer))
        run.findings[i] = dataclasses.replace(f, location=SourceLocation(file, None, line))


def _xml_line(tree: Any, parts: list[Any]) -> int | None:
    """Line of the XML element that mirrors a JSON pointer (``/submodels/0/submodelElements/2/value``)."""
    node = tree.getroot()
    best = node.sourceline
    for part in parts:
        children = [c for c in node if isinstance(c.tag, str)]
        if isinstance(part, int):
            if part >= len(children):
                break
            node = children[part]
        else:
            match = next((c for c in children if c.tag.rsplit("}", 1)[-1] == part), None)
            if match is None:
                break
            node = match
        best = node.sourceline or best
    return int(best) if best is not None else None


def _drop_redundant_basyx(run: _Run) -> None:
    """A basyx rejection that cites a constraint already reported precisely adds nothing: drop it."""
    codes = {f.code for f in run.findings}
    keep = []
    for f in run.findings:
        if f.code == "SER005":
            cited = set(f.details.get("constraints", ()))
            if cited and cited <= codes:
                continue
        keep.append(f)
    run.findings[:] = keep


def _to_jsonable(env: Any, version: str) -> Any:
    import importlib
    jsonization = importlib.import_module(("aas_core3" if version == V30 else "aas_core3_1") + ".jsonization")
    return jsonization.to_jsonable(env)


class _CallableModule(types.ModuleType):
    """``aas_refmodels.validate(source, ...)`` calls :func:`validate` (the subpackage is the function too)."""

    def __call__(self, source: Any, **options: Any) -> Report:
        return validate(source, **options)


sys.modules[__name__].__class__ = _CallableModule
