"""Spec -> basyx objects. Never imports ``aas_refmodels.validate``."""

from .builder import BuiltModel, build_instance, build_template, default_asset_id
from .concepts import build_concept_descriptions
from .shell import build_shell, shell_spec

__all__ = ["BuiltModel", "build_concept_descriptions", "build_instance", "build_shell", "build_template", "default_asset_id",
           "shell_spec"]
