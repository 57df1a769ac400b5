"""Redact an AAS file for a disclosure level: remove or coarsen values, pseudonymize identifiers, drop files."""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import disclosure as dsc
from ..errors import AasRefModelsError

__all__ = ["KEY_ENV", "KeyError_", "Redacted", "load_key", "redact_bytes", "redact_file"]

KEY_ENV = "AASREF_REDACT_KEY"
MIN_KEY_BYTES = 16


class KeyError_(AasRefModelsError):
    """No usable pseudonymization key."""


def load_key(key_file: str | Path | None) -> bytes:
    """The plant-held key: the key file's bytes (one trailing newline stripped) or ``$AASREF_REDACT_KEY``."""
    if key_file is not None:
        try:
            key = Path(key_file).read_bytes()
        except OSError as exc:
            raise KeyError_(f"cannot read key file {key_file}: {exc.strerror or exc}") from None
        key = key[:-2] if key.endswith(b"\r\n") else key[:-1] if key.endswith(b"\n") else key
    else:
        env = os.environ.get(KEY_ENV)
        if not env:
            raise KeyError_(f"no pseudonymization key: give --key-file FILE or set {KEY_ENV}")
        key = env.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise KeyError_(f"the key has {len(key)} bytes, at least {MIN_KEY_BYTES} are needed")
    return key


@dataclass
class Action:
    path: str
    action: str        # dropped | value removed | coarsened | pseudonymized | id rewritten | file removed | ...
    reason: str
    cls: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"path": self.path, "action": self.action, "reason": self.reason}
        if self.cls is not None:
            out["class"] = self.cls
        return out


@dataclass
class Redacted:
    data: bytes
    format: str
    level: str
    actions: list[Action] = field(default_factory=list)

    def report_json(self) -> str:
        counts: dict[str, int] = {}
        for a in self.actions:
            counts[a.action] = counts.get(a.action, 0) + 1
        return json.dumps({"level": self.level, "format": self.format, "summary": counts,
                           "actions": [a.to_json() for a in self.actions]}, indent=2, ensure_ascii=False) + "\n"

    def report_text(self) -> str:
        lines = [f"redaction for level {self.level}: " + (", ".join(
            f"{n} {a}" for a, n in sorted(self._counts().items())) or "nothing to do")]
        for a in self.actions:
            lines.append(f"{a.action:<14} {a.path}  ({a.reason})")
        return "\n".join(lines) + "\n"

    def _counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for a in self.actions:
            counts[a.action] = counts.get(a.action, 0) + 1
        return counts


def redact_file(source: str | Path, target: str | Path, *, level: str, key: bytes,
                policy: dsc.Policy | None = None, shift_time: bool = False, spec_version: str | None = None,
                base_iri: str | None = None) -> Redacted:
    """Read ``source``, redact, write ``target`` atomically (format from its suffix). ``source`` is never touched."""
    from ..io import format_of
    from ..io.atomic import atomic_path

    src, dst = Path(source), Path(target)
    if dst.exists() and dst.resolve() == src.resolve():
        raise ValueError("the output would overwrite the input: give another OUT")
    fmt = format_of(dst)
    try:
        data = src.read_bytes()
    except OSError as exc:
        from ..errors import ReadError
        raise ReadError(f"cannot read {src}: {exc.strerror or exc}") from None
    result = redact_bytes(data, level=level, key=key, policy=policy, shift_time=shift_time, fmt=fmt,
                          spec_version=spec_version, base_iri=base_iri)
    with atomic_path(dst) as tmp:
        tmp.write_bytes(result.data)
    return result


def redact_bytes(data: bytes, *, level: str, key: bytes, policy: dsc.Policy | None = None, shift_time: bool = False,
                 fmt: str | None = None, spec_version: str | None = None, base_iri: str | None = None) -> Redacted:
    """Redact one AAS file (JSON, XML or AASX bytes) for ``level``; returns the output bytes and the actions."""
    from ..io import read
    from ..io.writer import env_json_of

    if level not in dsc.OUTPUT_LEVELS:
        raise ValueError(f"level must be one of {', '.join(dsc.OUTPUT_LEVELS)}, not {level!r}")
    policy = policy or dsc.Policy(level=level)
    rr = read(data)
    doc = env_json_of(list(rr.store))
    run = _Run(doc, level, key, policy, base_iri)
    run.elements()
    run.asset_ids()
    if shift_time:
        run.shift_times()
    run.rewrite_ids()
    attachments, thumbnail = run.package(rr.files, rr.thumbnail)
    out_fmt = fmt or rr.format
    version = spec_version or rr.spec_version or "3.1"
    objects = list(read(json.dumps(doc, ensure_ascii=False).encode("utf-8")).store)
    from ..io.writer import aasx_bytes, serialize

    if out_fmt == "aasx":
        body = aasx_bytes(objects, spec_version=version,  # type: ignore[arg-type]
                          attachments=attachments, thumbnail=thumbnail)
    else:
        body = serialize(objects, out_fmt, version)  # type: ignore[arg-type]
    return Redacted(body, out_fmt, level, run.actions)


class _Run:
    def __init__(self, doc: dict[str, Any], level: str, key: bytes, policy: dsc.Policy, base_iri: str | None) -> None:
        self.doc, self.level, self.key, self.policy = doc, level, key, policy
        self.items = dsc.classify(doc, policy, base_iri=base_iri)
        self.actions: list[Action] = []
        self.removed: set[int] = set()          # id() of dropped elements
        self.substitutions: dict[str, str] = {}  # original identifier -> pseudonym (for ids and references)
        self.dropped_files: set[str] = set()

    def act(self, c: dsc.Classified, action: str, reason: str) -> None:
        self.actions.append(Action(c.path, action, reason, c.cls))

    def elements(self) -> None:
        for c in self.items:
            if id(c.element) in self.removed:
                continue
            el = c.element
            if c.identifier and c.model_type == "Property" and isinstance(el.get("value"), str) and el["value"]:
                original = el["value"]
                el["value"] = (dsc.pseudonym_iri if el.get("valueType") == "xs:anyURI" else dsc.pseudonym)(
                    self.key, original)
                self.substitutions[original] = el["value"]
                self.act(c, "pseudonymized", f"identifier ({c.reason})")
                continue
            if not dsc.above(c.cls, self.level):
                continue
            why = f"class {c.cls} above level {self.level}: {c.reason}"
            if c.coarsen is not None and c.model_type in ("Property", "Range") and self._coarsen(c):
                self.act(c, "coarsened", f"{why}; policy coarsen "
                         + (f"{c.coarsen.digits} significant digits" if c.coarsen.digits else "")
                         + (f" bucket {c.coarsen.bucket:g}" if c.coarsen.bucket else ""))
                continue
            if not c.mandatory:
                self._drop(c)
                self.act(c, "dropped", why + " (optional in the template)")
                continue
            if self._clear(c):
                self.act(c, "value removed", why + " (mandatory in the template: kept without value)")
        self._prune()

    def _coarsen(self, c: dsc.Classified) -> bool:
        el = c.element
        vt = str(el.get("valueType", ""))
        assert c.coarsen is not None
        lo, hi = c.spec.allowed_range if c.spec is not None and c.spec.allowed_range else (None, None)
        new_values: dict[str, str] = {}
        for k in ("value", "min", "max"):
            v = el.get(k)
            if isinstance(v, str):
                new = dsc.coarsen(v, vt, c.coarsen)
                if new is None or (lo is not None and float(new) < lo) or (hi is not None and float(new) > hi):
                    return False  # not a number, or coarsened out of the template's range: removed instead
                new_values[k] = new
        el.update(new_values)
        return bool(new_values)

    def _drop(self, c: dsc.Classified) -> None:
        self.removed.add(id(c.element))
        for sub in _descendants(c.element):
            self.removed.add(id(sub))
        self._files_of(c.element)

    def _clear(self, c: dsc.Classified) -> bool:
        el = c.element
        if dsc._children(el) is not None:
            # a container: its children are decided one by one (an Entity's asset ids are pseudonymized, not
            # removed: a self-managed entity must keep one, AASd-014)
            return False
        self._files_of(el)
        changed = False
        for k in (*dsc.VALUE_KEYS, "first", "second", "annotations"):
            if k in el:
                del el[k]
                changed = True
        return changed

    def _files_of(self, el: Mapping[str, Any]) -> None:
        for sub in [el, *_descendants(el)]:
            if sub.get("modelType") == "File" and isinstance(sub.get("value"), str) and sub["value"].startswith("/"):
                self.dropped_files.add(sub["value"])

    def _prune(self) -> None:
        """Remove dropped elements from their lists; containers left empty lose the empty list."""
        for c in self.items:
            if any(id(x) in self.removed for x in c.parent):
                c.parent[:] = [x for x in c.parent if id(x) not in self.removed]
        for c in self.items:
            kids = dsc._children(c.element)
            if kids is not None and not kids[1]:
                del c.element[kids[0]]

    def asset_ids(self) -> None:
        """Asset ids of shells and entities are identifiers: pseudonym IRIs (specific asset ids: pseudonyms)."""
        for i, aas in enumerate(self.doc.get("assetAdministrationShells") or []):
            info = aas.get("assetInformation") or {}
            self._asset_info(info, f"AssetAdministrationShell[{i}].assetInformation")
        for c in self.items:
            if c.model_type == "Entity" and id(c.element) not in self.removed:
                self._asset_info(c.element, c.path)

    def _asset_info(self, info: dict[str, Any], path: str) -> None:
        gid = info.get("globalAssetId")
        if isinstance(gid, str) and gid and not dsc.is_pseudonym(gid):
            info["globalAssetId"] = self.substitutions.setdefault(gid, dsc.pseudonym_iri(self.key, gid))
            self.actions.append(Action(path + ".globalAssetId", "pseudonymized", "asset id (identifier)"))
        for j, sa in enumerate(info.get("specificAssetIds") or []):
            v = sa.get("value")
            if isinstance(v, str) and v and not dsc.is_pseudonym(v):
                if sa.get("name") == "globalAssetId" and v in self.substitutions:
                    sa["value"] = self.substitutions[v]
                else:
                    sa["value"] = self.substitutions.setdefault(v, dsc.pseudonym(self.key, v))
                self.actions.append(Action(f"{path}.specificAssetIds[{j}]", "pseudonymized",
                                           "specific asset id (identifier)"))

    def shift_times(self) -> None:
        offset = datetime.timedelta(seconds=dsc.time_offset_seconds(self.key))
        for c in self.items:
            el = c.element
            if id(el) in self.removed or el.get("valueType") not in ("xs:dateTime", "xs:date"):
                continue
            changed = False
            for k in ("value", "min", "max"):
                v = el.get(k)
                if isinstance(v, str):
                    new = _shift(v, str(el["valueType"]), offset)
                    if new is None:
                        del el[k]
                    else:
                        el[k] = new
                    changed = True
            if changed:
                self.act(c, "time shifted", "--shift-time (keyed offset)")

    def rewrite_ids(self) -> None:
        """Identifiers embedded in ids (shells, submodels, references, entities) become their pseudonyms, and so
        do identifiers embedded in the string values that are kept (a product URI that ends in the serial
        number); in values only identifiers of at least 6 characters are replaced (no accidental matches)."""
        subs = sorted(((o, p) for o, p in self.substitutions.items() if len(o) >= 3), key=lambda x: -len(x[0]))
        if not subs:
            return

        def fix(s: str, min_len: int = 3) -> str:
            for o, p in subs:
                if len(o) >= min_len and o in s:
                    s = s.replace(o, p)
            return s

        for c in self.items:
            el = c.element
            if id(el) in self.removed or c.identifier:
                continue
            if c.model_type == "Property" and el.get("valueType") in ("xs:string", "xs:anyURI") \
                    and isinstance(el.get("value"), str):
                new = fix(el["value"], 6)
                if new != el["value"]:
                    el["value"] = new
                    self.act(c, "pseudonymized", "embeds an identifier")
            elif c.model_type == "MultiLanguageProperty" and isinstance(el.get("value"), list):
                changed = False
                for ls in el["value"]:
                    if isinstance(ls, dict) and isinstance(ls.get("text"), str):
                        new = fix(ls["text"], 6)
                        changed |= new != ls["text"]
                        ls["text"] = new
                if changed:
                    self.act(c, "pseudonymized", "embeds an identifier")

        def walk(node: Any, key: str | None) -> None:
            if isinstance(node, dict):
                for k, v in list(node.items()):
                    if isinstance(v, str) and (k in ("id", "globalAssetId") or (k == "value" and key == "keys")
                                               or (k == "value" and "name" in node and "externalSubjectId" in node)):
                        new = fix(v)
                        if new != v:
                            node[k] = new
                            if k == "id":
                                self.actions.append(Action(new, "id rewritten", "embeds an identifier"))
                    else:
                        walk(v, k)
            elif isinstance(node, list):
                for x in node:
                    walk(x, key)

        walk(self.doc, None)
        for a in self.actions:
            a.path = fix(a.path)

    def package(self, files: Mapping[str, tuple[bytes, str]], thumb: tuple[str, bytes, str] | None,
                ) -> tuple[dict[str, bytes], Any]:
        from ..io.writer import Thumbnail

        used = set()
        for sm in self.doc.get("submodels") or []:
            for el in _descendants({"value": sm.get("submodelElements") or [], "modelType": "SubmodelElementCollection"}):
                if el.get("modelType") == "File" and isinstance(el.get("value"), str):
                    used.add(el["value"])
        thumbnail = None
        for i, aas in enumerate(self.doc.get("assetAdministrationShells") or []):
            info = aas.get("assetInformation") or {}
            tn = info.get("defaultThumbnail")
            if not isinstance(tn, dict):
                continue
            if dsc.above(self.policy.thumbnail, self.level):
                del info["defaultThumbnail"]
                self.actions.append(Action(f"AssetAdministrationShell[{i}].assetInformation.defaultThumbnail",
                                           "file removed", f"thumbnail class {self.policy.thumbnail} above level "
                                                           f"{self.level} (policy thumbnail)"))
                continue
            path = tn.get("path")
            if isinstance(path, str) and path.startswith("/") and thumbnail is None:
                data = thumb[1] if thumb else files.get(path, (b"", ""))[0]
                if data:
                    thumbnail = Thumbnail(path, data, str(tn.get("contentType") or "image/png"))
                    used.discard(path)
        attachments = {p: content for p, (content, _) in files.items() if p in used
                       and (thumbnail is None or p != thumbnail.path)}
        for p in sorted(set(files) - set(attachments)):
            if thumbnail is not None and p == thumbnail.path:
                continue
            if p in self.dropped_files or p not in used:
                self.actions.append(Action("package part", "file removed",
                                           "its File element was removed (above the level)" if p in self.dropped_files
                                           else "no File element refers to it any more"))
        return attachments, thumbnail


def _descendants(el: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    kids = dsc._children(el)
    if kids is None:
        return
    for x in kids[1]:
        if isinstance(x, dict):
            yield x
            yield from _descendants(x)


def _shift(lexical: str, vt: str, offset: datetime.timedelta) -> str | None:
    try:
        if vt == "xs:date":
            d = datetime.date.fromisoformat(lexical[:10])
            return (d + datetime.timedelta(days=offset.days)).isoformat() + lexical[10:]
        t = datetime.datetime.fromisoformat(lexical.replace("Z", "+00:00"))
        out = (t + offset).isoformat()
        return out[:-6] + "Z" if lexical.endswith("Z") and out.endswith("+00:00") else out
    except ValueError:
        return None
