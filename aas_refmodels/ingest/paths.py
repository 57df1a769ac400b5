"""Fillable value paths and "did you mean": the logic lives in :mod:`aas_refmodels.spec.paths` (build uses it
too); this module keeps the ingest spelling ``from aas_refmodels.ingest import paths as P``."""

from __future__ import annotations

from ..spec.paths import (
    PathInfo,
    explain_unknown,
    fillable_paths,
    iter_rows,
    normalize,
    suggestions,
)

__all__ = ["PathInfo", "explain_unknown", "fillable_paths", "iter_rows", "normalize", "suggestions"]
