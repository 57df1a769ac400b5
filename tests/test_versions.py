"""Metamodel versions: constructs with no V3.0 form are errors that name the element; V3.0 input is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from basyx.aas import model
from click.testing import CliRunner

from aas_refmodels.cli import main
from aas_refmodels.errors import ConversionError
from aas_refmodels.io import read, serialize, write


def _submodel(*elements: model.SubmodelElement) -> model.Submodel:
    return model.Submodel("https://example.com/sm/v31-only", list(elements), id_short="Probe")


def test_file_without_content_type_has_no_v30_form() -> None:
    sm = _submodel(model.File("Drawing", content_type=None, value="https://example.com/d.pdf"))
    assert serialize([sm], "json", "3.1")  # fine in V3.1
    with pytest.raises(ConversionError) as info:
        serialize([sm], "json", "3.0")
    (path, cause), = info.value.problems
    assert path == "Probe.Drawing ($.submodels[0].submodelElements[0])"
    assert "contentType" in cause


def test_id_short_with_hyphen_has_no_v30_form() -> None:
    sm = _submodel(model.Property("Spindle-Speed", model.datatypes.Double, 1.0))
    assert serialize([sm], "xml", "3.1")
    with pytest.raises(ConversionError) as info:
        serialize([sm], "xml", "3.0")
    assert any("Spindle-Speed" in path or "Probe" in path for path, _ in info.value.problems)
    assert "not valid in metamodel V3.0" in str(info.value)


def test_cli_convert_reports_the_element_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    write([_submodel(model.File("Drawing", content_type=None, value="https://example.com/d.pdf"))], src)
    dst = tmp_path / "out.xml"
    result = CliRunner().invoke(main, ["convert", str(src), str(dst), "--spec-version", "3.0"])
    assert result.exit_code == 1
    assert "Drawing" in result.stderr and "Traceback" not in result.stderr
    assert not dst.exists()


def test_v30_xml_is_read_through_aas_core(tmp_path: Path) -> None:
    sm = _submodel(model.Property("SpindleSpeed", model.datatypes.Double, 1200.0))
    data = serialize([sm], "xml", "3.0")
    assert b"https://admin-shell.io/aas/3/0" in data
    result = read(data)
    assert result.spec_version == "3.0"
    got = result.store.get_item("https://example.com/sm/v31-only")
    assert isinstance(got, model.Submodel)
    prop = got.get_referable("SpindleSpeed")
    assert isinstance(prop, model.Property) and prop.value == 1200.0
