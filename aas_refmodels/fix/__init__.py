"""Safe, explained repairs of AAS files for a submission profile (``aasref fix``), with a ledger of every change.

Repairs work on the jsonable environment (the JSON serialization as dicts). They never invent a value: what
cannot be repaired safely goes into the ledger's ``cannot`` list with the reason. Never imports validate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Ledger"]


@dataclass
class Ledger:
    """Every change (rule, where, what, old, new), what could not be repaired, what was moved out."""

    changes: list[dict[str, Any]] = field(default_factory=list)
    unfixed: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)        # whole submodels moved out of the file
    relocated: dict[str, str] = field(default_factory=dict)            # new id -> original IRI
    remaining: list[dict[str, Any]] = field(default_factory=list)      # findings left after the repair (CLI)

    def add(self, rule: str, where: str, action: str, *, old: Any = None, new: Any = None) -> None:
        entry: dict[str, Any] = {"rule": rule, "where": where, "action": action}
        if old is not None:
            entry["old"] = old
        if new is not None:
            entry["new"] = new
        self.changes.append(entry)

    def cannot(self, rule: str, where: str, reason: str) -> None:
        self.unfixed.append({"rule": rule, "where": where, "reason": reason})

    def to_dict(self) -> dict[str, Any]:
        return {"changes": self.changes, "cannotFix": self.unfixed, "remainingFindings": self.remaining,
                "relocatedIris": [{"new": k, "original": v} for k, v in sorted(self.relocated.items())],
                "removedSubmodels": self.removed}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_text(self) -> str:
        lines = [f"{len(self.changes)} change(s), {len(self.unfixed)} not repaired, "
                 f"{len(self.remaining)} finding(s) left"]
        for c in self.changes:
            extra = ""
            if "old" in c or "new" in c:
                extra = f"  [{c.get('old', '-')} -> {c.get('new', '-')}]"
            lines.append(f"fixed   {c['rule']}: {c['where']}: {c['action']}{extra}")
        for u in self.unfixed:
            lines.append(f"cannot  {u['rule']}: {u['where']}: {u['reason']}")
        for f in self.remaining:
            lines.append(f"left    {f['code']} {f['severity']}: {f['path']}: {f['message']}")
        for sm in self.removed:
            lines.append(f"moved out: Submodel {sm.get('idShort')} ({sm.get('id')}), kept whole in the JSON ledger")
        return "\n".join(lines) + "\n"
