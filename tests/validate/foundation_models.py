"""Valid models emitted by the foundation (build + io), cached per session. Tests only."""

from __future__ import annotations

import functools
import json

from aas_refmodels.build import build_instance, build_template
from aas_refmodels.io.writer import aasx_bytes, serialize
from aas_refmodels.spec import available_models, load_model

MODELS = tuple(name for name, _ in available_models())
MUTATION_MODELS = ("machining", "welding", "injection-molding", "idta-nameplate")


@functools.cache
def built(name: str, kind: str):
    spec = load_model(name)
    return build_instance(spec) if kind == "instance" else build_template(spec)


@functools.cache
def emitted(name: str, kind: str, version: str, fmt: str) -> bytes:
    b = built(name, kind)
    if fmt == "aasx":
        return aasx_bytes(b.objects(), spec_version=version,
                          attachments={p: f.read_bytes() for p, f in b.attachments.items()} if b.attachments else {})
    return serialize(b.objects(), fmt, version)


@functools.cache
def instance_json(name: str) -> str:
    return emitted(name, "instance", "3.1", "json").decode("utf-8")


def instance_doc(name: str) -> dict:
    return json.loads(instance_json(name))
