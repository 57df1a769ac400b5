"""Metamodel versions: basyx-python-sdk 2.2.0 is V3.1 (our default); V3.0 goes through aas-core3.0."""

from __future__ import annotations

import io
import json
from typing import Any, Literal

from basyx.aas import model

from ..errors import ConversionError

SpecVersion = Literal["3.1", "3.0"]
SPEC_VERSIONS: tuple[SpecVersion, ...] = ("3.1", "3.0")
XML_NAMESPACES: dict[str, SpecVersion] = {
    "https://admin-shell.io/aas/3/1": "3.1",
    "https://admin-shell.io/aas/3/0": "3.0",
}


def to_jsonable(objects: model.AbstractObjectStore[Any, Any]) -> dict[str, Any]:
    """basyx objects -> the JSON environment (V3.1 serialization of basyx)."""
    from basyx.aas.adapter.json import object_store_to_json

    result: dict[str, Any] = json.loads(object_store_to_json(objects))
    return result


def v30_environment(env_json: dict[str, Any]) -> Any:
    """The environment as an aas-core3.0 object; ``ConversionError`` names every element without a V3.0 form."""
    from aas_core3 import jsonization, verification

    try:
        env = jsonization.environment_from_jsonable(env_json)
    except jsonization.DeserializationException as exc:
        raise ConversionError("no metamodel V3.0 form", [_named(env_json, _json_path(exc.path), exc.cause)]) from None
    problems = [(_json_path(err.path), err.cause) for err in verification.verify(env)]
    if problems:
        raise ConversionError("not valid in metamodel V3.0", [_named(env_json, p, c) for p, c in problems])
    return env


def _json_path(path: Any) -> str:
    """aas-core's path (``submodels[0].submodelElements[1]`` or ``.submodels[0]``) as a JSON path ``$.submodels[0]…``."""
    text = str(path)
    if text.startswith("$"):
        return text
    return "$" + text if text.startswith((".", "[")) else "$." + text


def _named(env_json: dict[str, Any], path: str, cause: str) -> tuple[str, str]:
    """Prefix a JSON path with the idShort path of the element it points into, for a readable error."""
    import re

    node: Any = env_json
    names: list[str] = []
    for m in re.finditer(r"\.(\w+)|\[(\d+)\]", path):
        try:
            node = node[m.group(1)] if m.group(1) else node[int(m.group(2))]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            names.append(node.get("idShort") or node.get("id") or "")
    label = ".".join(n for n in names if n)
    return (f"{label} ({path})" if label else path, cause)


def v30_json_bytes(env_json: dict[str, Any]) -> bytes:
    from aas_core3 import jsonization

    env = v30_environment(env_json)
    return json.dumps(jsonization.to_jsonable(env), ensure_ascii=False, indent=2).encode("utf-8")


def v30_xml_bytes(env_json: dict[str, Any]) -> bytes:
    from aas_core3 import xmlization

    env = v30_environment(env_json)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + xmlization.to_str(env)).encode("utf-8")


def v30_xml_to_jsonable(data: bytes) -> dict[str, Any]:
    """V3.0 XML -> JSON environment that basyx reads (the JSON forms of 3.0 and 3.1 coincide for 3.0 content)."""
    from aas_core3 import jsonization, xmlization

    try:
        env = xmlization.environment_from_stream(io.BytesIO(data))  # type: ignore[arg-type]
    except xmlization.DeserializationException as exc:
        raise ValueError(f"{exc.path}: {exc.cause}") from None
    result = jsonization.to_jsonable(env)
    assert isinstance(result, dict)
    return result
