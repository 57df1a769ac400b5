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
import stat
import sys
import time
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding, Layer, LayerResult, ModelPath, Report, Severity, SourceLocation
from . import _read
from ._make import finding
from ._read import Limits

__all__ = ["Limits", "Options", "read_limited", "validate", "validate_bytes"]

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
    version_evidence: tuple[str, str] | None = None  # (version, reason) known from outside the content
    profile: str | None = None                # a submission profile (aas_refmodels/profiles/<name>.yaml)
    policy: Any = None                        # the profile's policy overrides: a mapping or a policy file path


def validate(source: Any, *, spec_version: str | None = None, schema_dir: str | os.PathLike[str] | None = None,
             templates: Sequence[Any] = (), reference_models: bool = True, base_iri: str | None = None,
             limits: Limits | None = None, layers: Iterable[Layer | str] | None = None, basyx: bool = False,
             name: str | None = None, profile: str | None = None, policy: Any = None) -> Report:
    """Validate a file path, ``bytes`` (JSON, XML or AASX), basyx objects or a ``BuiltModel``; return a
    :class:`Report`. ``schema_dir``: default ``$AASREF_SCHEMA_DIR``, else the folder of ``aasref schemas install``.

    ``basyx=True`` adds the basyx compatibility check (a strict basyx read of 3.1 input, SER005 warnings);
    it is off by default: the metamodel verdict comes from aas-core and the metamodel layer.
    ``profile="kosmo"`` adds the profile layer (a receiving body's rules, see :mod:`aas_refmodels.profiles`)
    after the standard layers; ``policy`` overrides its policy keys (a mapping or a YAML/JSON file path).
    An unknown profile or an invalid policy raises ``profiles.PolicyError`` (a ValueError) before anything runs.
    """
    if spec_version not in (None, V30, V31):
        raise ValueError(f"spec_version must be 3.0 or 3.1, not {spec_version!r}")
    if profile is not None:
        from .. import profiles
        policy = profiles.resolve(profile, policy)[1]  # fail early on a bad policy; workers get a plain dict
    opts = Options(spec_version, schema_dir, tuple(templates), reference_models, base_iri, limits or Limits(),
                   frozenset(Layer(x) for x in layers) if layers is not None else frozenset(Layer), basyx,
                   profile=profile, policy=policy)
    if isinstance(source, (str, os.PathLike)) and not (isinstance(source, str) and source == "-"):
        path = Path(source)
        label = name or str(source)
        try:
            st = path.stat()  # follows symlinks: a link to /dev/zero is a character device
        except OSError as exc:
            return _unreadable(label, f"cannot read the file: {exc.strerror or exc}")
        if not stat.S_ISREG(st.st_mode):
            kind = _FILE_KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
            return _refused(label, "SER008", f"found {kind}, expected a regular file (never opened: it could "
                                             "block or never end)")
        if st.st_size > opts.limits.max_file_bytes:
            return _refused(label, "SER007", f"found {st.st_size} bytes, expected at most "
                                             f"{opts.limits.max_file_bytes} (Limits.max_file_bytes)")
        try:
            with path.open("rb") as fh:  # the limit holds while reading too (the file may grow meanwhile)
                data = fh.read(opts.limits.max_file_bytes + 1)
        except OSError as exc:
            return _unreadable(label, f"cannot read the file: {exc.strerror or exc}")
        return validate_bytes(data, label, opts)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return validate_bytes(bytes(source), name or "<bytes>", opts)
    objects = getattr(source, "objects", None)
    if callable(objects):  # a BuiltModel of aas_refmodels.build (duck-typed: validate does not import build)
        source = objects()
    if spec_version is None:  # basyx-python-sdk 2.x objects are metamodel 3.1
        opts = dataclasses.replace(opts, version_evidence=(V31, "3.1: basyx-python-sdk objects (metamodel 3.1)"))
    return validate_bytes(_serialize_basyx(source), name or "<objects>", opts)


_FILE_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
               stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


def _refused(label: str, code: str, message: str) -> Report:
    """An input refused before reading: one finding, every layer skipped."""
    return Report(label, (finding(code, ModelPath("Environment"), message, None, location=SourceLocation(label)),),
                  tuple(_skip(layer, "the input was refused") for layer in Layer if layer is not Layer.PROFILE))


def read_limited(stream: Any, limits: Limits | None = None) -> bytes:
    """At most ``max_file_bytes + 1`` bytes of a binary stream (stdin): enough to tell that it is too big."""
    return bytes(stream.read((limits or Limits()).max_file_bytes + 1))


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


def _skip(layer: Layer, reason: str, incomplete: bool = False) -> LayerResult:
    return LayerResult(layer, "skipped", reason, incomplete=incomplete)


class _Run:
    """State of one validation: findings and layer results accumulate here."""

    def __init__(self, label: str, opts: Options) -> None:
        self.label, self.opts = label, opts
        self.findings: list[Finding] = []
        self.layers: dict[Layer, LayerResult] = {}
        self.format: str | None = None
        self.version: str | None = None
        self.version_reason: str | None = None
        self.package_view: Any = None  # profiles.PackageView of the AASX around the document (package layer)
        self.handover: list[Any] = []  # (text, tree) of an XML document, taken by _layers: no caller frame holds them

    def problem(self, p: _read.Problem, file: str | None = None) -> None:
        self.findings.append(finding(p.code, ModelPath("Environment"), p.message, self.version,
                                     location=SourceLocation(file or self.label, p.pointer, p.line, p.column)))

    def ran(self, layer: Layer, t0: float, reason: str | None = None) -> None:
        self.layers.setdefault(layer, LayerResult(layer, "run", reason, time.perf_counter() - t0))

    def skip(self, layer: Layer, reason: str, incomplete: bool = False) -> None:
        """``incomplete``: the layer was requested and applies, but could not run (the verdict lacks it)."""
        self.layers.setdefault(layer, _skip(layer, reason, incomplete))

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
    if run.opts.profile is not None:
        run.skip(Layer.PROFILE, reason)


def validate_document(run: _Run, data: bytes, fmt: str, file: str) -> Any:
    """Schema, deserialize, metamodel and template layers for one JSON or XML document.

    Returns the jsonable environment (or None) so that the package layer can check File targets.
    """

    opts = run.opts
    text, problem = _read.decode_utf8(data)
    if problem:
        run.problem(problem, file)
        _skip_rest(run, "the input could not be read")
        return None
    assert text is not None
    if fmt == "json":
        detect = not (opts.spec_version or opts.version_evidence)
        doc, depth, marked, problem = _read.load_json_scan(text, opts.limits, marks=detect)
        if problem is None:
            problem = _read.check_environment(doc)
        if problem:
            run.problem(problem, file)
            _skip_rest(run, "the input is not an AAS environment")
            return None
        both = False
        text = None  # not needed again (the opt-in basyx read decodes the bytes itself): its memory goes now
        if opts.spec_version:
            run.version, run.version_reason = opts.spec_version, f"{opts.spec_version} forced (--spec-version)"
        elif opts.version_evidence:
            run.version, run.version_reason = opts.version_evidence
        else:
            # the depth walk has tested every object for the marks of 3.1: the ordered walk that names the first
            # mark runs only when there is one
            evidence, run.version_reason = _read.json_version_evidence(doc) if marked else (None, _read.NO_EVIDENCE)
            run.version = evidence or V31
            both = evidence is None and Layer.METAMODEL in opts.layers
            if evidence is None and not both:
                run.version_reason += "; 3.1 assumed (the metamodel layer, which would decide, is not selected)"
    else:
        tree, depth, problem = _read.parse_xml_depth(data, opts.limits)
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
    assert run.version is not None
    if fmt == "xml":
        # handed over, not passed: an argument stays referenced by this frame while the layers run, and the tree
        # and the text are large (the layers drop them as soon as none of them needs them any more)
        run.handover = [text, tree]
        del text, tree
        return _deep(depth, _layers, run, data, None, fmt, file, None, None)
    first = len(run.findings)
    layers_before = dict(run.layers)
    result = _deep(depth, _layers, run, data, text, fmt, file, doc, None)
    if both:
        _decide_version(run, first, layers_before, depth, data, text, file, doc)
    return result


def _metamodel_errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR and f.layer in (Layer.DESERIALIZE, Layer.METAMODEL)
            and f.code != "SER005"]


def _tally(findings: Iterable[Finding]) -> str:
    import collections
    counts = collections.Counter(f.code for f in findings)
    return ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _decide_version(run: _Run, first: int, layers_before: dict[Layer, LayerResult], depth: int, data: bytes,
                    text: str | None, file: str, doc: Any) -> None:
    """No version evidence: the file is read as the current version 3.1. Only when it has deserialization or
    metamodel errors as 3.1 do the metamodel checks run under 3.0 as well, to tell which version it fits: the
    report takes the version under which the file is valid (3.1 when valid under neither) and names the other
    verdict."""
    errors31 = _metamodel_errors(run.findings[first:])
    base = run.version_reason or ""
    if not errors31:
        run.version_reason = f"{base}; read as 3.1; --spec-version 3.0 checks it as 3.0"
        return
    t0 = time.perf_counter()
    findings30 = _deep(depth, _metamodel_findings, doc, V30, file)
    errors30 = _metamodel_errors(findings30)
    layer = run.layers.get(Layer.METAMODEL)
    if layer is not None and layer.seconds is not None:  # the 3.0 pass is part of the metamodel layer's time
        run.layers[Layer.METAMODEL] = dataclasses.replace(layer, seconds=layer.seconds + time.perf_counter() - t0)
    if not errors30:
        del run.findings[first:]
        run.layers.clear()
        run.layers.update(layers_before)
        run.version = V30
        _deep(depth, _layers, run, data, text, "json", file, doc, None)
        run.version_reason = f"{base}; valid as 3.0; as 3.1: {_tally(errors31)}"
    else:
        run.version_reason = (f"{base}; invalid as 3.1 and as 3.0 (as 3.0: {_tally(errors30)}); "
                              "reported as 3.1")


def _metamodel_findings(doc: Any, version: str, file: str) -> list[Finding]:
    """Deserialize (aas-core) and metamodel verification of ``doc`` under ``version``: the findings only."""
    from . import deserialize, metamodel
    try:
        env, found, remap = deserialize.from_jsonable_pruned(doc, version, file)
        if env is not None:
            found += metamodel.verify(env, version, doc, file, remap=remap if found else None)
        return found
    except Exception:  # the main run under 3.1 has reported what breaks; no verdict under 3.0
        return [finding("SER004", ModelPath("Environment"), "cannot be read as 3.0", V30)]


_SHALLOW = 60          # nesting the default recursion limit always handles
_FRAMES_PER_LEVEL = 30  # generous bound of Python frames per nesting level in any layer (measured: < 12)


def _deep(depth: int, fn: Any, *args: Any) -> Any:
    """``fn(*args)``, in a thread with a big stack and a raised recursion limit when the input is deeply nested.

    The layers (official-schema check, aas-core, basyx) recurse per nesting level; ``--max-depth`` allows
    more levels than the default recursion limit covers.
    """
    if depth <= _SHALLOW:
        return fn(*args)
    import threading
    result: list[Any] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn(*args))
        except BaseException as exc:  # re-raised in the calling thread
            error.append(exc)

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(old_limit, depth * _FRAMES_PER_LEVEL + 2000))
    try:
        threading.stack_size(min(1024, 64 + depth // 4) * 1024 * 1024)
        thread = threading.Thread(target=target, name="aasref-validate-deep")
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if error:
        raise error[0]
    return result[0] if result else None


class _Guard:
    """A layer that breaks on the input reports a finding, never "could not run" (the input is at fault)."""

    def __init__(self, run: _Run, layer: Layer, file: str) -> None:
        self.run, self.layer, self.file = run, layer, file

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> bool:
        from ..errors import AasRefModelsError
        if exc is None or not isinstance(exc, Exception) or isinstance(exc, AasRefModelsError):
            return False
        if isinstance(exc, RecursionError):
            code, message = "SER007", f"nesting too deep for the {self.layer} layer; it stopped"
        else:
            code, message = "SER004", (f"the {self.layer} layer stopped at a part of the document of an "
                                       f"unexpected form ({type(exc).__name__}); fix the findings above it first")
        self.run.findings.append(finding(code, ModelPath("Environment"), message, self.run.version,
                                         location=SourceLocation(self.file)))
        self.run.layers.setdefault(self.layer, LayerResult(self.layer, "run", "stopped early"))
        return True


def _layers(run: _Run, data: bytes, text: str | None, fmt: str, file: str, doc: Any, tree: Any) -> Any:
    from . import deserialize, metamodel, schema

    opts = run.opts
    version = run.version
    assert version is not None
    if run.handover:
        text, tree = run.handover
        run.handover = []

    # schema
    if run.wanted(Layer.SCHEMA):
        t0 = time.perf_counter()
        with _Guard(run, Layer.SCHEMA, file):
            schema_dir = schema.resolve_schema_dir(opts.schema_dir)
            path, reason = schema.schema_file(schema_dir, version, "aas.json" if fmt == "json" else "AAS.xsd")
            if path is None:
                run.skip(Layer.SCHEMA, reason or "no schema", incomplete=True)
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
        with _Guard(run, Layer.DESERIALIZE, file):
            if fmt == "json":
                env, found, remap = deserialize.from_jsonable_pruned(doc, version, file)
                run.findings += found
                pruned = env is not None and bool(found)
            else:
                assert text is not None
                env, f = deserialize.from_xml(text, version, file)
                if f:
                    run.findings.append(f)
        with _Guard(run, Layer.DESERIALIZE, file):
            if version == V31 and opts.basyx:
                run.findings += deserialize.basyx_read(data, fmt, version, file)
        run.ran(Layer.DESERIALIZE, t0)
    text = None  # no layer below reads the text: its memory goes before the metamodel layer's
    if fmt == "xml":
        doc = None
        with _Guard(run, Layer.DESERIALIZE, file):
            doc = _to_jsonable(env, version) if env is not None else None
    first_new = len(run.findings)

    # metamodel
    if run.wanted(Layer.METAMODEL):
        t0 = time.perf_counter()
        if env is None and Layer.DESERIALIZE in opts.layers:
            run.skip(Layer.METAMODEL, "deserialization failed")
        else:
            with _Guard(run, Layer.METAMODEL, file):
                if env is None:
                    env, _ = deserialize.from_jsonable(doc, version, file) if doc is not None else (None, None)
                if env is not None:
                    run.findings += metamodel.verify(env, version, doc, file, remap=remap if pruned else None)
            with _Guard(run, Layer.METAMODEL, file):
                if doc is not None:
                    run.findings += metamodel.own_checks(doc, version, file)
            run.ran(Layer.METAMODEL, t0)
    env = None

    # template
    if run.wanted(Layer.TEMPLATE):
        if doc is None:
            run.skip(Layer.TEMPLATE, "deserialization failed")
        else:
            t0 = time.perf_counter()
            try:
                from . import conformance
            except ImportError:
                run.skip(Layer.TEMPLATE, "template conformance not available", incomplete=True)
            else:
                with _Guard(run, Layer.TEMPLATE, file):
                    reason = conformance.check(run, doc, version, file)
                    if reason:
                        run.skip(Layer.TEMPLATE, reason)
                    else:
                        run.ran(Layer.TEMPLATE, t0)
    if opts.profile is not None:
        with _Guard(run, Layer.PROFILE, file):
            _profile_layer(run, doc, version, file)
    if fmt == "xml":
        _pointers_to_lines(run, first_new, data, file)
    _drop_redundant_basyx(run)
    return doc


def _profile_layer(run: _Run, doc: Any, version: str, file: str) -> None:
    """The plug-in point of submission profiles: after the standard layers, the profile's rule functions add
    findings over the jsonable environment (and the package view of an AASX). See :mod:`aas_refmodels.profiles`."""
    if not run.wanted(Layer.PROFILE):
        return
    if doc is None:
        run.skip(Layer.PROFILE, "the input could not be read")
        return
    from .. import profiles
    t0 = time.perf_counter()
    prof, policy = profiles.resolve(str(run.opts.profile), run.opts.policy)
    ctx = profiles.Context(doc, version, file, policy, prof, run.package_view)
    run.findings += prof.check(ctx)
    run.ran(Layer.PROFILE, t0, f"{prof.name} {prof.version}")


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
    """SER005 never repeats what another layer reported.

    basyx names no location, so its rejection of a document that another layer already rejects (an error
    of the schema, deserialize or metamodel layer) cannot be told apart from a repetition: it is dropped,
    as is a rejection citing only constraints already reported. What remains is news: the file is valid
    for aas-core (and the schema) but will not load in basyx-based tools.
    """
    codes = {f.code for f in run.findings}
    rejected = any(f.severity is Severity.ERROR and f.code != "SER005"
                   and f.layer in (Layer.SCHEMA, Layer.DESERIALIZE, Layer.METAMODEL) for f in run.findings)
    keep = []
    for f in run.findings:
        if f.code == "SER005":
            cited = set(f.details.get("constraints", ()))
            if rejected or (cited and cited <= codes):
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
