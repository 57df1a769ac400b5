"""Start-up of `aasref`: a command imports only what it uses; aas-core's patterns compile on first use.

Not timing tests: what is imported is checked in a fresh interpreter (sys.modules), and the deferred patterns
are checked to match exactly as the compiled ones (benchmarks/batch.py measures the start-up CPU).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from aas_refmodels import _lazy_patterns
from aas_refmodels.cli import LAZY_COMMANDS, main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# modules a plain `aasref validate` never uses (optional or other commands' layers)
HEAVY = ("rich", "pint", "yaml", "pandas", "numpy", "pyarrow", "asyncua", "openpyxl", "jsonschema",
         "importlib.metadata", "aas_refmodels.ingest", "aas_refmodels.collect", "aas_refmodels.redact",
         "aas_refmodels.profiles", "aas_refmodels.build", "aas_refmodels.disclosure", "aas_refmodels.fix",
         "aas_refmodels.cli.build_cmds", "aas_refmodels.cli.ingest_cmds", "aas_refmodels.cli.collect_cmds",
         "aas_refmodels.cli.fix_cmds", "aas_refmodels.cli.redact_cmds", "aas_refmodels.cli.schemas_cmds")
# and `validate --help` imports none of the validator's layers either
LAYERS = ("basyx", "aas_core3", "aas_core3_1", "lxml", "aas_refmodels.validate", "aas_refmodels.spec")


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """sys.modules of a fresh interpreter after ``code`` (run in the worktree root)."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env=dict(os.environ, PYTHONPATH=ROOT, **(env or {})))
    assert out.returncode == 0, out.stderr[-2000:]
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_validate_help_imports_no_heavy_module():
    code = ("import contextlib, io\nfrom aas_refmodels.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    main(['validate', '--help'], prog_name='aasref')")
    modules = _modules_after(code)
    assert "aas_refmodels.cli.validate_cmds" in modules  # the probe did run the command
    assert _loaded(modules, HEAVY + LAYERS) == []


def test_validate_of_a_file_imports_no_optional_module(tmp_path, schema_dir):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps({"submodels": [{
        "modelType": "Submodel", "id": "https://example.org/sm/1", "idShort": "Machine", "submodelElements": [
            {"modelType": "Property", "idShort": "Speed", "valueType": "xs:double", "value": "1.5"}]}]}))
    code = ("import contextlib\nfrom aas_refmodels.cli import main\n"
            f"with contextlib.suppress(SystemExit):\n    main(['validate', {str(path)!r}, '-q'], prog_name='aasref')")
    modules = _modules_after(code, {"AASREF_SCHEMA_DIR": str(schema_dir)})
    assert {"aas_refmodels.validate.metamodel", "aas_core3_1.verification"} <= modules  # the layers ran
    assert _loaded(modules, HEAVY) == []


def test_the_lazy_table_names_every_command_of_its_module():
    for module in set(LAZY_COMMANDS.values()):
        commands = importlib.import_module(f"aas_refmodels.cli.{module}").COMMANDS
        assert {c.name for c in commands} == {n for n, m in LAZY_COMMANDS.items() if m == module}
    assert set(main.load_all()) == set(LAZY_COMMANDS)


def test_help_lists_every_command_and_version_prints():
    runner = CliRunner()
    res = runner.invoke(main, ["--help"])
    assert res.exit_code == 0
    listed = {line.split()[0] for line in res.output.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(LAZY_COMMANDS)
    res = runner.invoke(main, ["--version"])
    assert res.exit_code == 0 and re.fullmatch(r"aasref, version \S+\n", res.output)
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2


SAMPLES = ["", "a", "abc_1", "1abc", "https://example.org/a b", "https://example.org/äöü#x", "urn:x:y#a#b",
           "%zz", "http://[::1]:8080/p?q=1", "2026-12-01T10:00:00Z", "2026-02-30", "-P1Y2M", "P1DT", "en-GB",
           "de", "x-private", "text/plain; charset=utf-8", "application/", "AAEC", "AAE=", "12.5", "-0", "+1e3",
           "true", "1", "\u0000", "\ud800", "1.0.0", "V3", "\U0001F600", "ftp://a/b/c/../d", "mailto:a@b.c"]


@pytest.mark.parametrize("module", sorted(_lazy_patterns.MODULES))
def test_deferred_patterns_match_as_compiled(module):
    _lazy_patterns.install()
    if module in sys.modules:  # imported earlier in this session without the hook: import a fresh copy
        saved = sys.modules.pop(module)
        try:
            fresh = importlib.import_module(module)
        finally:
            sys.modules[module] = saved
    else:
        fresh = importlib.import_module(module)
    lazy = {k: v for k, v in vars(fresh).items() if isinstance(v, _lazy_patterns.LazyPattern)}
    assert len(lazy) >= 10  # every module-level pattern is deferred
    assert fresh.re is not re and fresh.re.compile is not re.compile and sys.modules["re"] is re
    name = next(iter(lazy))
    assert bool(lazy[name].match("x")) == bool(re.compile(lazy[name].pattern, lazy[name].flags).match("x"))
    assert isinstance(vars(fresh)[name], re.Pattern)  # once compiled, the module holds the compiled pattern
    for name, pattern in lazy.items():
        eager = re.compile(pattern.pattern, pattern.flags)  # attribute access compiles the deferred one
        for s in SAMPLES:
            got, want = pattern.match(s), eager.match(s)
            assert (got and got.span()) == (want and want.span()), (name, s)
            assert bool(pattern.fullmatch(s)) == bool(eager.fullmatch(s)) and bool(pattern.search(s)) == bool(
                eager.search(s))
        assert vars(fresh)[name] is pattern.compiled() and pattern.match == pattern.compiled().match
    for name in (n for n in dir(fresh) if n.startswith("matches_")):
        for s in SAMPLES:
            assert getattr(fresh, name)(s) == getattr(sys.modules[module], name)(s), (name, s)


def test_install_is_idempotent_and_leaves_other_modules_alone():
    _lazy_patterns.install()
    assert _lazy_patterns.install() is False
    assert sum(isinstance(f, _lazy_patterns._Finder) for f in sys.meta_path) == 1
    import aas_core3.types as types30
    assert types30.__spec__ is not None and not isinstance(types30.__spec__.loader, _lazy_patterns._Loader)
