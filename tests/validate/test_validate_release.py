"""While aas-core reads an XML document, no frame of the validator still holds the lxml tree of the schema layer
(peak memory: the tree is the largest object of an XML run)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from aas_refmodels.validate import deserialize, schema, validate

# the benchmark's synthetic documents, loaded by file path: CI runs the tests against the installed wheel, where
# the repository root (and so the ``benchmarks`` folder) is not importable
_SYNTH = Path(__file__).resolve().parents[2] / "benchmarks" / "synth.py"
_spec = importlib.util.spec_from_file_location("_aasref_bench_synth", _SYNTH)
assert _spec is not None and _spec.loader is not None
_synth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_synth)
document = _synth.document


def _holders(target_id: int) -> list[str]:
    """Functions whose frame (up the stack from the caller) has a local that is the object with ``target_id``."""
    out = []
    frame = sys._getframe(2)
    while frame is not None:
        if any(id(v) == target_id for v in frame.f_locals.values()):
            out.append(frame.f_code.co_name)
        frame = frame.f_back
    return out


def test_no_frame_holds_the_xml_tree_during_deserialization(monkeypatch: Any, schema_dir: Any) -> None:
    seen: dict[str, Any] = {}
    check_xml, from_xml = schema.check_xml, deserialize.from_xml

    def spy_check(tree: Any, *args: Any, **kwargs: Any) -> Any:
        seen["tree"] = id(tree)
        return check_xml(tree, *args, **kwargs)

    def spy_read(*args: Any, **kwargs: Any) -> Any:
        seen["holders"] = _holders(seen["tree"])
        return from_xml(*args, **kwargs)

    monkeypatch.setattr(schema, "check_xml", spy_check)
    monkeypatch.setattr(deserialize, "from_xml", spy_read)
    for fmt in ("xml", "aasx"):
        seen.clear()
        report = validate(document(20, fmt, "3.1"), schema_dir=schema_dir)
        assert not report.errors and "tree" in seen
        assert seen["holders"] == [], f"{fmt}: the tree is still held by {seen['holders']}"
