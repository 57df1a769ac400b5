"""The README stays true: the process table matches the models, the CI command is the README's."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from aas_refmodels.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_process_table_matches_the_models() -> None:
    table = CliRunner().invoke(main, ["list", "--markdown"]).stdout.strip()
    assert table in README, "README table is stale: paste the output of `aasref list --markdown`"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in README and "test-command" in ci
    block = README.split("<!-- test-command -->")[1].split("<!-- /test-command -->")[0]
    assert "pip install" in block and "pytest" in block
