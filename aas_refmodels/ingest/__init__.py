"""Factory data in: tables and record streams (CSV, xlsx, JSON Lines, Parquet, iterables of dicts) become AAS."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .timeseries import TimeSeries, TimeSeriesWriter, Variable, build_time_series, variables_from_spec

_LAZY = {
    "TimeSeries": ".timeseries", "TimeSeriesWriter": ".timeseries", "Variable": ".timeseries",
    "build_time_series": ".timeseries", "variables_from_spec": ".timeseries",
}

__all__ = ["TimeSeries", "TimeSeriesWriter", "Variable", "build_time_series", "variables_from_spec"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'aas_refmodels.ingest' has no attribute {name!r}")
