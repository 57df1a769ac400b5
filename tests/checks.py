"""Independent checkers for built output: the official schemas, aas-core, basyx strict read, aas-test-engines.

Each returns a list of problems (empty = passes); tests assert on the list so a failure shows what is wrong.
"""

from __future__ import annotations

import io
import json
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_FOLDERS = {"3.1": "V3.1.2", "3.0": "V3.0.9"}


@lru_cache(maxsize=4)
def json_validator(schema_dir: Path, version: str) -> Any:
    import jsonschema

    schema = json.loads((schema_dir / SCHEMA_FOLDERS[version] / "aas.json").read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(schema)


@lru_cache(maxsize=4)
def xsd(schema_dir: Path, version: str) -> Any:
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(schema_dir / SCHEMA_FOLDERS[version] / "AAS.xsd")))


def official_json_schema_errors(doc: Any, schema_dir: Path, version: str) -> list[str]:
    return [f"{e.json_path}: {e.message[:200]}" for e in json_validator(schema_dir, version).iter_errors(doc)]


def xsd_errors(data: bytes, schema_dir: Path, version: str) -> list[str]:
    from lxml import etree

    schema = xsd(schema_dir, version)
    doc = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def aas_core_errors(data: bytes, fmt: str, version: str) -> list[str]:
    if version == "3.1":
        from aas_core3_1 import jsonization, verification, xmlization
    else:
        from aas_core3 import jsonization, verification, xmlization  # type: ignore[no-redef]
    if fmt == "json":
        env = jsonization.environment_from_jsonable(json.loads(data))
    else:
        env = xmlization.environment_from_str(data.decode("utf-8"))
    return [f"{e.path}: {e.cause}" for e in verification.verify(env)]


def aas_part(package: bytes) -> tuple[str, bytes]:
    """The AAS spec part of a package written by aas_refmodels (one part, /aasx/data.json|xml)."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        names = [n for n in zf.namelist() if n.startswith("aasx/data.")]
        assert len(names) == 1, zf.namelist()
        return names[0].rsplit(".", 1)[1], zf.read(names[0])


def aas_test_engines_errors(data: bytes, fmt: str) -> list[str]:
    """aas-test-engines 1.0.3 (metamodel V3.0) file check."""
    from aas_test_engines import file

    if fmt == "aasx":
        result = file.check_aasx_file(io.BytesIO(data))
    elif fmt == "json":
        result = file.check_json_file(io.StringIO(data.decode("utf-8")))
    else:
        result = file.check_xml_file(io.BytesIO(data))
    if result.ok():
        return []
    return [json.dumps(result.to_dict(), ensure_ascii=False)[:2000]]


def canonical(store: Any) -> Any:
    """A comparable form of a basyx object store: its JSON serialization with lists of identifiables sorted by id."""
    from basyx.aas.adapter.json import object_store_to_json

    doc = json.loads(object_store_to_json(store))
    for key in doc:
        doc[key] = sorted(doc[key], key=lambda o: o["id"])
    return doc
