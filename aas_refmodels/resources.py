"""Packaged data: the reference-model spec files (``models/``) and our JSON Schemas (``schemas/``).

In a wheel both live in ``aas_refmodels/_data/``; in a source checkout they are the top-level folders.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def _data_dir(name: str) -> Traversable:
    packaged = files("aas_refmodels") / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def models_dir() -> Traversable:
    return _data_dir("models")


def schemas_dir() -> Traversable:
    return _data_dir("schemas")
