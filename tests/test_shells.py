"""The complete AAS of one machine per process: built, packaged, and clean in every validator layer."""

from __future__ import annotations

from pathlib import Path

import pytest

import aas_refmodels
from aas_refmodels.build import build_shell
from aas_refmodels.io import Thumbnail, aasx_bytes
from aas_refmodels.spec import load_model

from .builds import PROCESS_MODELS
from .checks import aas_core_errors, aas_part, aas_test_engines_errors

PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)


@pytest.mark.parametrize("version", ["3.1", "3.0"])
@pytest.mark.parametrize("process", PROCESS_MODELS)
def test_shell_package_is_clean(process: str, version: str, schema_dir: Path) -> None:
    built = build_shell(load_model(process), asset_id=f"https://factory.example.kr/asset/{process}-01",
                        thumbnail="/aasx/thumbnail.png")
    data = aasx_bytes(built.objects(), spec_version=version, attachments=built.attachments,  # type: ignore[arg-type]
                      thumbnail=Thumbnail("/aasx/thumbnail.png", PNG))
    report = aas_refmodels.validate(data, schema_dir=schema_dir)
    assert [str(f) for f in report] == []
    _, part = aas_part(data)
    assert aas_core_errors(part, "json", version) == []
    if version == "3.0":
        assert aas_test_engines_errors(data, "aasx") == []
