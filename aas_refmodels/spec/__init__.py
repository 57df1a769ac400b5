"""Reference-model specs: declared once as data in ``models/``, parsed into frozen dataclasses."""

from .loader import available_models, example_problem, load_model, load_spec_file, model_aliases, resolve_model_name
from .model import Administration, Cardinality, ElementSpec, ModelSpec, SubmodelSpec, VariantSpec

__all__ = [
    "Administration", "Cardinality", "ElementSpec", "ModelSpec", "SubmodelSpec", "VariantSpec",
    "available_models", "example_problem", "load_model", "load_spec_file", "model_aliases", "resolve_model_name",
]
