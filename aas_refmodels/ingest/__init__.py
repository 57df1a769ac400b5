"""Factory data in: tables and record streams (CSV, xlsx, JSON Lines, Parquet, iterables of dicts) become AAS."""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .mapping import MappingError, compile_mapping, load_mapping
    from .pipeline import IngestError, Problem, Summary, check_rows, ingest, iter_submodels
    from .readers import open_table
    from .timeseries import TimeSeries, TimeSeriesWriter, Variable, build_time_series, variables_from_spec

_LAZY = {
    "TimeSeries": ".timeseries", "TimeSeriesWriter": ".timeseries", "Variable": ".timeseries",
    "build_time_series": ".timeseries", "variables_from_spec": ".timeseries",
    "ingest": ".pipeline", "IngestError": ".pipeline", "check_rows": ".pipeline", "iter_submodels": ".pipeline", "Problem": ".pipeline", "Summary": ".pipeline",
    "MappingError": ".mapping", "compile_mapping": ".mapping", "load_mapping": ".mapping",
    "open_table": ".readers",
}

__all__ = ["IngestError", "MappingError", "Problem", "Summary", "TimeSeries", "TimeSeriesWriter", "Variable",
           "build_time_series", "check_rows", "compile_mapping", "ingest", "iter_submodels", "load_mapping", "open_table",
           "variables_from_spec"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'aas_refmodels.ingest' has no attribute {name!r}")


class _CallableModule(types.ModuleType):
    """``aas_refmodels.ingest(spec, rows, mapping, ...)`` calls :func:`pipeline.ingest` (the subpackage is the
    function too)."""

    def __call__(self, spec: Any, rows: Any, mapping: Any, **options: Any) -> Any:
        from .pipeline import ingest as run

        return run(spec, rows, mapping, **options)


sys.modules[__name__].__class__ = _CallableModule
