"""Round trips: build → write → read (strict) → equal, in every format and metamodel version."""

from __future__ import annotations

import pytest

from aas_refmodels.io import read

from .builds import FORMATS, KINDS, MODELS, VERSIONS, built, output
from .checks import canonical


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("model", MODELS)
def test_build_write_read_equal(model: str, kind: str, fmt: str, version: str) -> None:
    original = built(model, kind).store()
    again = read(output(model, kind, version, fmt)).store
    assert canonical(again) == canonical(original)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_write_read_is_stable(fmt: str) -> None:
    """Reading our own output and writing it again gives the same environment (no drift across versions)."""
    from aas_refmodels.io import aasx_bytes, serialize

    first = read(output("injection-molding", "instance", "3.0", fmt)).store
    data = aasx_bytes(list(first), attachments={}) if fmt == "aasx" else serialize(list(first), fmt, "3.1")  # type: ignore[arg-type]
    assert canonical(read(data).store) == canonical(first)
