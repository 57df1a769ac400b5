"""On a machine without the official schemas the suite skips what needs them, with one stated reason; under
AASREF_REQUIRE_SCHEMAS=1 (CI, .ci/run) the same tests fail instead. Exhaustive tests need AASREF_EXHAUSTIVE=1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEEDS_SCHEMAS = "tests/test_schemas.py::test_pins_match_the_official_files_and_their_sources"
SLOW = "tests/validate/test_validate_official_examples.py::test_every_official_example_is_free_of_errors"


def pytest_run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("AASREF_SCHEMA_DIR", "AASREF_REQUIRE_SCHEMAS", "AASREF_EXHAUSTIVE", "PYTEST_ADDOPTS")
             and not k.startswith("PYTEST_XDIST")}
    empty = tmp_path / "no-schemas"
    empty.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "-rs", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**clean, "AASREF_SCHEMA_DIR": str(empty), "XDG_DATA_HOME": str(tmp_path), **env})


def test_without_schemas_tests_skip_with_one_reason(tmp_path: Path) -> None:
    proc = pytest_run(tmp_path, NEEDS_SCHEMAS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 skipped" in proc.stdout and "official AAS schemas not found" in proc.stdout


def test_require_schemas_turns_the_skip_into_a_failure(tmp_path: Path) -> None:
    proc = pytest_run(tmp_path, NEEDS_SCHEMAS, AASREF_REQUIRE_SCHEMAS="1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "AASREF_REQUIRE_SCHEMAS=1 but official AAS schemas not found" in proc.stdout


def test_exhaustive_tests_are_opt_in(tmp_path: Path) -> None:
    proc = pytest_run(tmp_path, SLOW)
    assert proc.returncode == 0 and "2 skipped" in proc.stdout and "AASREF_EXHAUSTIVE=1" in proc.stdout
    proc = pytest_run(tmp_path, SLOW, AASREF_EXHAUSTIVE="1")  # now they run (and skip only for lack of schemas)
    assert proc.returncode == 0 and "2 skipped" in proc.stdout and "AASREF_EXHAUSTIVE=1" not in proc.stdout
    assert "official AAS schemas not found" in proc.stdout


def test_ci_requires_schemas_and_runs_the_exhaustive_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "export AASREF_REQUIRE_SCHEMAS=1" in ci and "export AASREF_EXHAUSTIVE=1" in ci
    assert ci.index("export AASREF_EXHAUSTIVE=1") < ci.index('bash -euo pipefail -c "$cmd"')
