"""AAS reference models for representative manufacturing processes (aas-refmodels).

Declare once as data (``models/``), build as basyx objects (template or instance), write as
AASX / JSON / XML in metamodel V3.1 or V3.0, validate with layered findings.

>>> from aas_refmodels import load_model, build_instance, write
>>> spec = load_model("machining")
>>> built = build_instance(spec)          # the model's example values
>>> _ = write(built.objects(), "machining.json")  # doctest: +SKIP

Attributes are imported on first use, so that ``aasref`` starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import BuiltModel, build_instance, build_shell, build_template
    from .errors import AasRefModelsError, ConversionError, ModelNotFoundError, ReadError, SpecError, ValuesError
    from .findings import Finding, Report
    from .io import read, write
    from .spec import available_models, load_model

_LAZY = {
    "BuiltModel": ".build", "build_instance": ".build", "build_shell": ".build", "build_template": ".build",
    "AasRefModelsError": ".errors", "ConversionError": ".errors", "ModelNotFoundError": ".errors",
    "ReadError": ".errors", "SpecError": ".errors", "ValuesError": ".errors",
    "read": ".io", "write": ".io", "available_models": ".spec", "load_model": ".spec",
    "Report": ".findings", "Finding": ".findings",
}

__all__ = [
    "AasRefModelsError", "BuiltModel", "ConversionError", "Finding", "ModelNotFoundError", "ReadError", "Report",
    "SpecError", "ValuesError", "__version__", "available_models", "build_instance", "build_shell", "build_template",
    "collect", "ingest", "load_model", "read", "validate", "write",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("aas-refmodels")
        except PackageNotFoundError:  # pragma: no cover - source checkout without installation
            return "0.0.0"
    if name == "validate":  # the subpackage, callable as validate(source, ...) -> Report
        return importlib.import_module(".validate", __name__)
    if name == "collect":  # the subpackage, callable as collect(url, spec, ...) -> CollectResult (OPC UA)
        return importlib.import_module(".collect", __name__)
    if name == "ingest":  # the subpackage, callable as ingest(spec, rows, mapping, ...) -> Summary
        return importlib.import_module(".ingest", __name__)
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'aas_refmodels' has no attribute {name!r}")
