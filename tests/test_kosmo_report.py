"""The printable result report (--format html): self-contained, Korean with English, structure checked by parsing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import lxml.html
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "kosmo"))
from scaffold import scaffold

from aas_refmodels.cli import main
from aas_refmodels.profiles import load_profile
from aas_refmodels.validate import validate


def _report(tmp_path: Path, doc: dict[str, object]) -> tuple[int, lxml.html.HtmlElement, Path]:
    src = tmp_path / "press.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "report.html"
    r = CliRunner().invoke(main, ["validate", str(src), "--profile", "kosmo", "--format", "html", "-o", str(out)])
    return r.exit_code, lxml.html.fromstring(out.read_bytes()), src


def _failing_doc() -> dict[str, object]:
    doc = scaffold()
    doc["assetAdministrationShells"][0]["assetInformation"]["assetKind"] = "Instance"  # type: ignore[index]
    cd = doc["conceptDescriptions"][0]  # type: ignore[index]
    cd["embeddedDataSpecifications"][0]["dataSpecificationContent"].pop("definition")
    return doc


def test_html_report_structure_failing(tmp_path: Path) -> None:
    code, root, src = _report(tmp_path, _failing_doc())
    assert code == 1
    assert root.get("lang") == "ko"
    assert "결과서" in root.findtext(".//title") and "report" in root.findtext(".//title")
    # self-contained: inline CSS with A4 print rules, no scripts, no external resources
    assert root.xpath("//script") == [] and root.xpath("//link") == [] and root.xpath("//img") == []
    assert not [a for a in root.xpath("//@href | //@src") if a.startswith(("http", "//"))]
    style = "".join(root.xpath("//style/text()"))
    assert "@page" in style and "A4" in style and "@media print" in style
    meta = root.xpath("//table[@class='meta']")[0].text_content()
    for text in (str(src), "aasref", "kosmo 1.0", "판정", "Verdict", "검증 일시", "Date"):
        assert text in meta, text
    assert "FAIL" in root.get_element_by_id("verdict").text_content()
    # summary: one row per checklist group plus the standard layers, with pass/fail counts
    prof = load_profile("kosmo")
    rows = root.xpath("//table[@class='summary']/tbody/tr")
    assert len(rows) == len(prof.groups) + 1
    aas_row = [td.text_content() for td in rows[0].xpath("td")]
    assert "AAS" in aas_row[0] and aas_row[1] == "6" and aas_row[3] == "1"    # 6 rules, AAS-6 failed
    # every finding with path and remedy (Korean and English)
    report = validate(src, profile="kosmo")
    findings = root.xpath("//table[@class='findings']/tbody/tr")
    assert len(findings) == len(report.findings) >= 2
    codes = {tr.get("data-code") for tr in findings}
    assert {"KOSMO-AAS-6", "KOSMO-CD-3"} <= codes
    for tr in findings:
        cells = tr.xpath("td")
        assert cells[3].text_content().strip()                    # path
        assert "→" in cells[4].text_content()                     # remedy
    policy = root.xpath("//table[@class='policy']")[0].text_content()
    assert "iriConflict" in policy and "kosmo-first" in policy


def test_html_report_passing(tmp_path: Path) -> None:
    code, root, _ = _report(tmp_path, scaffold())
    assert code == 0
    assert "PASS" in root.get_element_by_id("verdict").text_content()
    assert root.xpath("//table[@class='findings']") == []
    assert "지적 사항 없음" in root.text_content()


def test_html_needs_profile(tmp_path: Path) -> None:
    src = tmp_path / "x.json"
    src.write_text(json.dumps(scaffold()))
    out = tmp_path / "r.html"
    r = CliRunner().invoke(main, ["validate", str(src), "--format", "html", "-o", str(out)])
    assert r.exit_code == 2 and not out.exists()
