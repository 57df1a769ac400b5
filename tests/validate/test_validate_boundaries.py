"""Module boundaries and lazy imports of the validator."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import aas_refmodels

PKG = Path(aas_refmodels.__file__).resolve().parent
OWN = [*sorted((PKG / "validate").glob("*.py")), PKG / "findings.py", PKG / "rules.py"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                pkg_parts = path.relative_to(PKG.parent).with_suffix("").parts[:-node.level]
                mod = ".".join([*pkg_parts, *([mod] if mod else [])])
                names |= {f"{mod}.{a.name}" for a in node.names}
            names.add(mod)
    return names


def test_validate_never_imports_build_or_io():
    for path in OWN:
        bad = {n for n in _imports(path) if n.startswith(("aas_refmodels.build", "aas_refmodels.io"))}
        assert not bad, (path.name, bad)


def test_findings_and_rules_import_nothing_else_of_the_package():
    assert {n for n in _imports(PKG / "findings.py") if n.startswith("aas_refmodels")} == set()
    assert {n for n in _imports(PKG / "rules.py") if n.startswith("aas_refmodels")} <= {
        "aas_refmodels.findings", "aas_refmodels.findings.Layer", "aas_refmodels.findings.Severity",
        "aas_refmodels.findings.StandardRef"}


def test_heavy_libraries_are_imported_lazily():
    code = ("import sys, aas_refmodels.validate, aas_refmodels.cli.validate_cmds, aas_refmodels.validate.output;"
            "print(sorted(m for m in ('lxml', 'aas_core3', 'aas_core3_1', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PKG.parent).stdout.strip()
    assert out == "[]"
