"""Shared fixtures: the official schema directory, the golden record switch, and the exhaustive-test switch.

Tests that need the official AAS schemas (or the official examples beside them) take the ``schema_dir``
(or ``official_examples``) fixture: where neither ``$AASREF_SCHEMA_DIR``, ``../shared/schemas`` nor a folder
installed by ``aasref schemas install`` has them, those tests skip with one stated reason — or fail, when
``AASREF_REQUIRE_SCHEMAS=1`` (CI: ``.ci/run``). Tests marked ``slow`` (exhaustive checks) run only with
``AASREF_EXHAUSTIVE=1`` (CI) or when selected with ``-m slow``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

REQUIRE_SCHEMAS = os.environ.get("AASREF_REQUIRE_SCHEMAS") == "1"
EXHAUSTIVE = os.environ.get("AASREF_EXHAUSTIVE") == "1"
SKIP_NO_SCHEMAS = ("official AAS schemas not found (set AASREF_SCHEMA_DIR, put them in ../shared/schemas, "
                   "or run `aasref schemas install`)")
SKIP_NO_EXAMPLES = "official AAS examples not found (<schema dir>/V3.x.y/examples, as in ../shared/schemas)"
SKIP_EXHAUSTIVE = "exhaustive test: run with AASREF_EXHAUSTIVE=1 (CI does) or -m slow"


def _has_schemas(path: Path) -> bool:
    return all((path / v / f).is_file() for v in ("V3.0.9", "V3.1.2") for f in ("aas.json", "AAS.xsd"))


def _find_official() -> Path | None:
    env = os.environ.get("AASREF_SCHEMA_DIR")
    candidates = [Path(env)] if env else [ROOT.parent / "shared" / "schemas"]
    if not env:
        from aas_refmodels.schemas import user_schema_dir
        candidates.append(user_schema_dir())
    return next((p for p in candidates if _has_schemas(p)), None)


OFFICIAL = _find_official()  # looked up before the session isolates the per-user data folder


def official_schema_dir() -> Path:
    """The official schema folder (laid out V3.0.9/, V3.1.2/); skips the calling test if there is none."""
    if OFFICIAL is None:
        if REQUIRE_SCHEMAS:
            pytest.fail(f"AASREF_REQUIRE_SCHEMAS=1 but {SKIP_NO_SCHEMAS}", pytrace=False)
        pytest.skip(SKIP_NO_SCHEMAS)
    return OFFICIAL


@pytest.fixture(scope="session")
def schema_dir() -> Path:
    return official_schema_dir()


@pytest.fixture(scope="session")
def official_schemas() -> Path:
    """Same as ``schema_dir``, for modules that override ``schema_dir`` with ``schema_dir_if_any``."""
    return official_schema_dir()


@pytest.fixture(scope="session")
def schema_dir_if_any() -> Path | None:
    """For tests whose assertions do not depend on the schema layer: the official folder, or None (the schema
    layer is then skipped) — except under AASREF_REQUIRE_SCHEMAS=1, where a missing folder fails."""
    if OFFICIAL is None and REQUIRE_SCHEMAS:
        pytest.fail(f"AASREF_REQUIRE_SCHEMAS=1 but {SKIP_NO_SCHEMAS}", pytrace=False)
    return OFFICIAL


@pytest.fixture(scope="session")
def official_examples(schema_dir: Path) -> Path:
    """The schema folder, which also holds the official examples (``V3.x.y/examples``)."""
    if not all((schema_dir / v / "examples").is_dir() for v in ("V3.0.9", "V3.1.2")):
        if REQUIRE_SCHEMAS:
            pytest.fail(f"AASREF_REQUIRE_SCHEMAS=1 but {SKIP_NO_EXAMPLES}", pytrace=False)
        pytest.skip(SKIP_NO_EXAMPLES)
    return schema_dir


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The library under test never sees the user's own installed schemas or the suite's own switches."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
        mp.delenv("AASREF_REQUIRE_SCHEMAS", raising=False)
        env = os.environ.get("AASREF_SCHEMA_DIR")
        if env and not Path(env).is_dir():  # e.g. tox's default ../shared/schemas on a fresh clone
            mp.delenv("AASREF_SCHEMA_DIR")
        yield


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if EXHAUSTIVE or "slow" in (config.getoption("markexpr", "") or ""):
        return
    skip = pytest.mark.skip(reason=SKIP_EXHAUSTIVE)
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


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
