"""Submission profiles of receiving bodies (KOSMO, ...): rule data (``<name>.yaml``) plus rule functions for validate.

A profile is one data file ``aas_refmodels/profiles/<name>.yaml`` (rules with code, group, severity, title,
remedy and source; a default ``policy``; ``choices`` of each switch; named ``readings``; ``constants``) and
one module ``aas_refmodels/profiles/<module>.py`` with ``check(context) -> Iterable[Finding]``. The
validator runs it as its last layer (``Layer.PROFILE``) when ``validate(..., profile=NAME, policy=...)``
is called; :class:`Context` is everything a rule function may look at. Adding a receiving body = one more
YAML file plus one module; nothing else changes.

This package imports ``findings`` only (build reads the same data; validate calls the rule functions).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..findings import Finding, Layer, ModelPath, Severity, SourceLocation, StandardRef

__all__ = ["Context", "PackageView", "PolicyError", "Profile", "ProfileRule", "available", "load_policy_file",
           "load_profile"]


class PolicyError(ValueError):
    """A profile name or a policy (file) that cannot be used: one line, for a usage error."""


@dataclass(frozen=True)
class ProfileRule:
    code: str
    group: str
    severity: Severity
    title: Mapping[str, str]
    remedy: Mapping[str, str]
    source: Mapping[str, str]
    fixable: bool = False
    policy: tuple[str, ...] = ()
    explanation: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PackageView:
    """What a profile may know about the AASX around the document: part names and the small XML parts."""

    parts: frozenset[str]                      # part names without a leading '/'
    xml_parts: Mapping[str, bytes]             # '[Content_Types].xml' and every '*.rels' part


@dataclass(frozen=True)
class Context:
    """Input of a profile's ``check``: the jsonable environment (as in the JSON serialization) and its file."""

    doc: Mapping[str, Any]
    version: str | None
    file: str
    policy: Mapping[str, Any]
    profile: Profile
    package: PackageView | None = None


@dataclass(frozen=True)
class Profile:
    name: str
    version: str
    title: Mapping[str, str]
    disclaimer: Mapping[str, str]
    sources: Mapping[str, str]
    module: str
    defaults: Mapping[str, Any]
    choices: Mapping[str, tuple[str, ...]]
    readings: Mapping[str, Mapping[str, Any]]
    constants: Mapping[str, Any]
    groups: Mapping[str, Mapping[str, str]]
    rules: Mapping[str, ProfileRule]
    data: Mapping[str, Any] = field(default_factory=dict)   # the whole file (e.g. ``composition`` for build/fix)

    def policy(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults, then the named reading (``reading: A``), then the overrides; unknown keys or values raise."""
        over = dict(overrides or {})
        for key, value in over.items():
            if key not in self.defaults:
                raise PolicyError(f"unknown policy key {key!r} for profile {self.name} "
                                  f"(known: {', '.join(sorted(self.defaults))})")
            allowed = self.choices.get(key)
            if allowed is not None and value not in allowed:
                raise PolicyError(f"policy {key}: {value!r} is not one of {', '.join(allowed)}")
            default = self.defaults[key]
            if isinstance(default, list) and not isinstance(value, list) and key != "submodelCountRange":
                raise PolicyError(f"policy {key}: expected a list, found {value!r}")
            if key == "disabledRules" and isinstance(value, list) and set(value) - set(self.rules):
                raise PolicyError(f"policy {key}: unknown rule code(s) {', '.join(sorted(set(value) - set(self.rules)))}")
            if key == "submodelCountRange" and value is not None and not (
                    isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
                raise PolicyError(f"policy {key}: expected [min, max] or null, found {value!r}")
            if isinstance(default, str) and not isinstance(value, str):
                raise PolicyError(f"policy {key}: expected a string, found {value!r}")
        out = dict(self.defaults)
        reading = over.get("reading", out.get("reading"))
        if reading is not None and reading in self.readings:
            out.update(self.readings[reading])
        out.update(over)
        if isinstance(out.get("iriBase"), str):
            out["iriBase"] = out["iriBase"].rstrip("/")
        return out

    def rule(self, code: str) -> ProfileRule:
        return self.rules[code]

    def finding(self, code: str, path: ModelPath, message: str, *, file: str, pointer: str | None = None,
                severity: Severity | None = None, details: Mapping[str, Any] | None = None,
                policy_note: str | None = None) -> Finding:
        """A finding of this profile: layer ``profile``, source = the rule's reference, remedy in the details."""
        rule = self.rules[code]
        src = "; ".join(f"{k}: {v}" for k, v in rule.source.items())
        out: dict[str, Any] = {"profile": self.name, "group": rule.group, "remedy": rule.remedy.get("en", ""),
                               "remedyKo": rule.remedy.get("ko", ""), "fixable": rule.fixable}
        if policy_note:
            out["policyNote"] = policy_note
        out.update(details or {})
        return Finding(code, severity or rule.severity, path, message.rstrip(". "),
                       StandardRef(f"{self.name} profile {self.version}", src), Layer.PROFILE,
                       SourceLocation(file, pointer), out)

    def check_policy(self, data: Mapping[str, Any], label: str, text: str | None = None) -> None:
        """The profile module's own policy check (``check_policy(data, label, text)``, optional): e.g. a JSON
        Schema with located errors. Raises ``PolicyError``."""
        module = importlib.import_module(f"{__name__}.{self.module}")
        fn: Callable[[Mapping[str, Any], str, str | None], None] | None = getattr(module, "check_policy", None)
        if fn is not None:
            fn(data, label, text)

    def check(self, context: Context) -> list[Finding]:
        module = importlib.import_module(f"{__name__}.{self.module}")
        fn: Callable[[Context], Iterable[Finding]] = module.check
        off = set(context.policy.get("disabledRules") or ())
        return [f for f in fn(context) if f.code not in off]


def available() -> list[str]:
    """Names of the packaged profiles."""
    return sorted(p.name[:-5] for p in files(__name__).iterdir() if p.name.endswith(".yaml"))


@lru_cache(maxsize=8)
def load_profile(name: str) -> Profile:
    """The packaged profile ``name`` (``PolicyError`` if there is none)."""
    import yaml

    if name not in available():
        raise PolicyError(f"unknown profile {name!r} (available: {', '.join(available())})")
    data = yaml.safe_load((files(__name__) / f"{name}.yaml").read_text(encoding="utf-8"))
    rules = {}
    for r in data["rules"]:
        rules[r["code"]] = ProfileRule(
            r["code"], r["group"], Severity.parse(r["severity"]), r["title"], r["remedy"], r.get("source", {}),
            bool(r.get("fixable", False)), tuple(r.get("policy", ())), r.get("explanation", {}))
    return Profile(data["name"], str(data["version"]), data["title"], data.get("disclaimer", {}),
                   data.get("sources", {}), data["module"], data["policy"],
                   {k: tuple(v) for k, v in data.get("choices", {}).items()}, data.get("readings", {}),
                   data.get("constants", {}), data.get("groups", {}), rules, data)


def load_policy_file(path: str | Path) -> dict[str, Any]:
    """A policy file (YAML or JSON object); ``PolicyError`` with one line if it cannot be used."""
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read policy file {p}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else mark.line + 1 if mark is not None else None
        raise PolicyError(f"policy file {p}{f':{line}' if line else ''} is not valid "
                          f"{'JSON' if p.suffix.lower() == '.json' else 'YAML'}: {str(exc).splitlines()[0]}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyError(f"policy file {p}: expected a mapping of policy keys")
    return data


def resolve(profile: str, policy: Mapping[str, Any] | str | Path | None,
            overrides: Mapping[str, Any] | None = None) -> tuple[Profile, dict[str, Any]]:
    """The profile and its effective policy (``policy`` is a mapping or a policy file path; ``overrides``, e.g.
    the command line's, win over it)."""
    prof = load_profile(profile)
    if isinstance(policy, (str, Path)):
        data, label = load_policy_file(policy), str(policy)
        try:
            text: str | None = Path(policy).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
    else:
        data, label, text = dict(policy or {}), "<policy>", None
    data.update(overrides or {})
    prof.check_policy(data, label, text)
    return prof, prof.policy(data)
