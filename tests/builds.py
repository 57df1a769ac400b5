"""Built outputs shared by the tests (each model × kind × metamodel version built and serialized once)."""

from __future__ import annotations

from functools import cache

from aas_refmodels.build import BuiltModel, build_instance, build_template
from aas_refmodels.io import aasx_bytes, serialize
from aas_refmodels.spec import available_models, load_model

MODELS = [m for m, _ in available_models()]
PROCESS_MODELS = [m for m in MODELS if any(sm.id_short == "ProcessData" for sm in load_model(m).submodels)]
KINDS = ["template", "instance"]
VERSIONS = ["3.1", "3.0"]
FORMATS = ["json", "xml", "aasx"]


@cache
def built(model: str, kind: str) -> BuiltModel:
    spec = load_model(model)
    return build_template(spec) if kind == "template" else build_instance(spec)


@cache
def output(model: str, kind: str, version: str, fmt: str) -> bytes:
    b = built(model, kind)
    if fmt == "aasx":
        return aasx_bytes(b.objects(), spec_version=version, attachments=b.attachments)  # type: ignore[arg-type]
    return serialize(b.objects(), fmt, version)  # type: ignore[arg-type]
