"""AAS reference models for representative manufacturing processes (aas-refmodels).

Declare once as data (``models/``), build as basyx objects (template or instance), write as
AASX / JSON / XML in metamodel V3.1 or V3.0.

>>> from aas_refmodels import load_model, build_instance, write
>>> spec = load_model("machining")
>>> built = build_instance(spec, {"ProcessData": {"CycleTime": 42.3}})  # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from .build import BuiltModel, build_instance, build_shell, build_template
from .errors import (AasRefModelsError, ConversionError, ModelNotFoundError, ReadError, SpecError,
                     ValuesError)
from .io import read, write
from .spec import available_models, load_model

try:
    __version__ = version("aas-refmodels")
except PackageNotFoundError:  # pragma: no cover - source checkout without installation
    __version__ = "0.0.0"

__all__ = [
    "AasRefModelsError", "BuiltModel", "ConversionError", "ModelNotFoundError", "ReadError", "SpecError",
    "ValuesError", "__version__", "available_models", "build_instance", "build_shell", "build_template",
    "load_model", "read", "write",
]
