"""Shared fixtures: the official schema directory and the golden record switch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def official_schema_dir() -> Path:
    """``$AASREF_SCHEMA_DIR`` or ``../shared/schemas`` beside the checkout (laid out V3.0.9/, V3.1.2/)."""
    env = os.environ.get("AASREF_SCHEMA_DIR")
    path = Path(env) if env else ROOT.parent / "shared" / "schemas"
    if not (path / "V3.1.2" / "aas.json").is_file():
        pytest.fail(f"official schemas not found in {path}: set AASREF_SCHEMA_DIR")
    return path


@pytest.fixture(scope="session")
def schema_dir() -> Path:
    return official_schema_dir()


@pytest.fixture(scope="session")
def record() -> bool:
    """Golden files are rewritten instead of compared when AASREF_RECORD=1."""
    return os.environ.get("AASREF_RECORD") == "1"


def reference_dir() -> Path:
    """``$AASREF_REFERENCE_DIR`` or ``../shared/reference`` beside the checkout (opcua/, idta-templates/).

    Absent: the calling test is skipped with the reason, or fails when ``AASREF_REQUIRE_SCHEMAS=1`` (CI),
    as for the official schemas.
    """
    env = os.environ.get("AASREF_REFERENCE_DIR")
    path = Path(env) if env else ROOT.parent / "shared" / "reference"
    if not (path / "opcua").is_dir() or not (path / "idta-templates").is_dir():
        message = f"reference sources not found in {path} (opcua/, idta-templates/): set AASREF_REFERENCE_DIR"
        if os.environ.get("AASREF_REQUIRE_SCHEMAS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path
