"""Model elements -> OPC UA nodes of one machine (through the elements' type-level ids), and their values."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from asyncua import ua

from ..spec import ElementSpec, ModelSpec, example_problem
from . import units as U
from ._browse import BASE_EVENT_TYPE, DURATION, Browser, Node, path_text, placeholder

FOUND, NOT_FOUND, MISMATCH, NO_ID = "found", "not found", "type mismatch", "no OPC UA id"
EU = ua.QualifiedName("EngineeringUnits", 0)
_MS = U.SourceUnit("ms", "C26")


@dataclass
class Row:
    """One line of the resolution table."""

    path: str
    status: str
    node: str = ""
    detail: str = ""
    mandatory: bool = False


@dataclass
class Binding:
    """A model element bound to a server variable (Read) or to a field of an event type (subscription)."""

    path: str                      # value path: ProcessData.InjectionUnits[0].InjectionTime
    spec: ElementSpec
    row: Row
    node: Node | None = None
    event: tuple[ua.NodeId, tuple[ua.QualifiedName, ...]] | None = None
    declaration: ua.NodeId | None = None
    spread: bool = False           # an array value fills a list of Properties
    source_unit: U.SourceUnit | None = None
    enum_names: dict[int, str] | None = None


@dataclass
class Plan:
    bindings: list[Binding] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def readable(self) -> list[Binding]:
        return [b for b in self.bindings if b.node is not None]

    def events(self) -> list[Binding]:
        return [b for b in self.bindings if b.event is not None]


def opc_ids(e: ElementSpec) -> tuple[str, ...]:
    return tuple(s for s in e.supplemental_semantic_ids if s.startswith(("nsu=", "ns=")))


def all_ids(spec: ModelSpec) -> set[str]:
    return {i for _, e in spec.walk() for i in opc_ids(e)}


class Binder:
    def __init__(self, browser: Browser, machine: Node,
                 decl: dict[ua.NodeId, tuple[ua.NodeId, tuple[ua.QualifiedName, ...]] | str]) -> None:
        self.b, self.machine, self.decl = browser, machine, decl
        self.nodes = list(machine.walk())
        self.plan = Plan()
        self.bound: dict[ua.NodeId, str] = {}  # node -> first element path bound to it (duplicates are flagged)

    def instances(self, owner: ua.NodeId, within: Node | None = None) -> list[Node]:
        nodes = self.nodes if within is None else list(within.walk())
        return [n for n in nodes if not n.typedef.is_null() and placeholder(n.browse_name.Name) is None
                and self.b.is_a(n.typedef, owner)]  # a node still named <CncAxis> is a declaration, no instance

    def scoped(self, owner: ua.NodeId, scope: Node | None) -> list[Node]:
        """Instances of ``owner``: the list item's own node or nodes inside it; the whole machine outside lists."""
        if scope is None:
            return self.instances(owner)
        if not scope.typedef.is_null() and self.b.is_a(scope.typedef, owner):
            return [scope]
        return self.instances(owner, scope)

    def target(self, e: ElementSpec, scope: Node | None) -> tuple[Binding | None, str]:
        reasons: list[str] = []
        for sid in opc_ids(e):
            nid = self.b.nodeid(sid)
            if nid is None:
                reasons.append(f"{sid}: namespace not on the server")
                continue
            d = self.decl.get(nid, "not resolved")
            if isinstance(d, str):
                reasons.append(f"{sid}: {d}")
                continue
            owner, path = d
            if self.b.is_a(owner, BASE_EVENT_TYPE):
                return Binding("", e, Row("", FOUND), event=(owner, path), declaration=nid), ""
            insts = self.scoped(owner, scope)
            hits = [n for n in (i.follow(path) for i in insts) if n is not None]
            if len(hits) > 1:  # SpindleLoad (CncDriveType ActLoad): the drive under .../Spindle_1, not axis X
                hits.sort(key=lambda n: not _names_subject(e.id_short or "", n))
            if hits:
                note = f" (first of {len(hits)} instances)" if len(hits) > 1 else ""
                return Binding("", e, Row("", FOUND), node=hits[0], declaration=nid), note
            what = f"{owner.to_string()}/{path_text(path)}" if path else owner.to_string()
            where = "in its list item" if scope is not None else "under the machine"
            reasons.append(f"{sid}: no instance of {what} {where}" if not insts
                           else f"{sid}: {path_text(path)} absent on {len(insts)} instance(s) of {owner.to_string()}")
        return None, "; ".join(reasons)

    def item_type(self, item: ElementSpec) -> ua.NodeId | None:
        """The OPC UA type whose instances are the items of a list (declared on the item, else the owner most of
        the item's leaves belong to)."""
        for sid in opc_ids(item):
            nid = self.b.nodeid(sid)
            d = self.decl.get(nid) if nid is not None else None
            if isinstance(d, tuple) and not d[1] and not self.b.is_a(d[0], BASE_EVENT_TYPE):
                return d[0]
        owners: list[ua.NodeId] = []
        leaves: list[tuple[ua.NodeId, tuple[ua.QualifiedName, ...]]] = []
        for c in item.children:
            for sid in opc_ids(c):
                nid = self.b.nodeid(sid)
                d = self.decl.get(nid) if nid is not None else None
                if isinstance(d, tuple) and not self.b.is_a(d[0], BASE_EVENT_TYPE):
                    leaves.append(d)
                    if d[0] not in owners:
                        owners.append(d[0])
        best: tuple[int, int, ua.NodeId] | None = None
        for k, t in enumerate(owners):  # the type whose instances hold most of the item's leaves
            insts = self.instances(t)
            if not insts:
                continue
            score = sum(1 for owner, path in leaves
                        if any(i.follow(path) is not None for i in self.scoped(owner, insts[0])))
            if best is None or score > best[0]:
                best = (score, -k, t)
        return best[2] if best is not None else None

    def bind(self, spec: ModelSpec) -> Plan:
        for sm in spec.submodels:
            self.elements(sm.elements, sm.id_short, None, True)
        return self.plan

    def elements(self, specs: tuple[ElementSpec, ...], parent: str, scope: Node | None, required: bool) -> None:
        for e in specs:
            assert e.id_short is not None
            path = f"{parent}.{e.base_id_short}[0]" if e.repeated else f"{parent}.{e.id_short}"
            self.element(e, path, scope, required and e.cardinality.required)

    def element(self, e: ElementSpec, path: str, scope: Node | None, required: bool) -> None:
        mt = e.model_type
        if mt == "Property":
            self.leaf(e, path, scope, required)
        elif mt == "SubmodelElementList" and e.item is not None:
            item = e.item
            if item.model_type == "Property":  # an array on the server fills the list
                carrier = e if opc_ids(e) else item
                self.leaf(carrier, path, scope, required, spread=True, value_spec=item)
                return
            if item.model_type not in ("SubmodelElementCollection", "Entity"):
                return
            t = self.item_type(item)
            if t is None:
                return
            insts = self.scoped(t, scope)
            if not insts:
                where = "in its list item" if scope is not None else "under the machine"
                self.plan.rows.append(Row(path + "[]", NOT_FOUND, "", f"no instance of {t.to_string()} {where}",
                                          required and item.cardinality.required))
            for k, inst in enumerate(insts):
                self.elements(item.children, f"{path}[{k}]", inst, True)
        elif mt in ("SubmodelElementCollection", "Entity"):
            self.elements(e.children, path, scope, required)

    def leaf(self, e: ElementSpec, path: str, scope: Node | None, required: bool, *, spread: bool = False,
             value_spec: ElementSpec | None = None) -> None:
        if not opc_ids(e):
            return
        binding, note = self.target(e, scope)
        if binding is None:
            self.plan.rows.append(Row(path, NOT_FOUND, "", note, required))
            return
        binding.path, binding.spread = path, spread
        binding.spec = value_spec or e
        where = binding.node.nodeid.to_string() if binding.node is not None else \
            f"event {binding.event[0].to_string()}/{path_text(binding.event[1])}"  # type: ignore[index]
        if binding.node is not None:
            first = self.bound.setdefault(binding.node.nodeid, path)
            if first != path and not _same_place(first, path):
                note = f"{note.strip()}; same node as {first}".lstrip("; ")
        binding.row = Row(path, FOUND, where, note.strip(), required)
        self.plan.rows.append(binding.row)
        self.plan.bindings.append(binding)


def _names_subject(id_short: str, node: Node) -> bool:
    """True when the node's browse path names the element's subject, the first word of its idShort
    (``SpindleLoad`` -> a node under ``CncSpindleList/Spindle_1``)."""
    m = re.match(r"[A-Z]?[a-z]{3,}", id_short)
    return m is not None and any(m.group().lower() in q.Name.lower() for q in node.path[:-1])


def _same_place(a: str, b: str) -> bool:
    """The same element read into ProcessParameters and ProcessData (e.g. an injection unit's Index) is expected."""
    return a.rsplit(".", 1)[-1] == b.rsplit(".", 1)[-1] and a.split(".", 1)[0] != b.split(".", 1)[0]


async def prepare_reads(b: Browser, plan: Plan) -> None:
    """Units (EngineeringUnits, Duration = ms) and enumeration names of every bound variable, in two Reads."""
    readable = plan.readable()
    eu_nodes = [bd.node.child(EU) if bd.node else None for bd in readable]
    items: list[tuple[ua.NodeId, ua.AttributeIds]] = [(bd.node.nodeid, ua.AttributeIds.DataType)  # type: ignore[union-attr]
                                                      for bd in readable]
    items += [(n.nodeid, ua.AttributeIds.Value) for n in eu_nodes if n is not None]
    event_decls = [bd.declaration for bd in plan.events() if bd.declaration is not None]
    items += [(d, ua.AttributeIds.DataType) for d in event_decls]
    dvs = await b.read(items) if items else []
    dtypes: dict[int, ua.NodeId] = {}
    k = len(readable)
    for i, (bd, eun) in enumerate(zip(readable, eu_nodes, strict=True)):
        dt = dvs[i].Value.Value if dvs[i].StatusCode.is_good() else None
        if isinstance(dt, ua.NodeId):
            dtypes[id(bd)] = dt
        if eun is not None:
            eu = dvs[k].Value.Value if dvs[k].StatusCode.is_good() else None
            k += 1
            bd.source_unit = U.from_eu_information(eu)
    for bd in plan.events():
        dv = dvs[k]
        k += 1
        if dv.StatusCode.is_good() and isinstance(dv.Value.Value, ua.NodeId):
            dtypes[id(bd)] = dv.Value.Value
    by_id = {id(bd): bd for bd in plan.bindings}
    for key, dt in dtypes.items():
        bd = by_id[key]
        if bd.source_unit is None and dt == DURATION:
            bd.source_unit = _MS
    # enumerations: names from the DataType's EnumStrings / EnumValues
    want = {dt for key, dt in dtypes.items() if (by_id[key].spec.value_type == "xs:string" and dt.NamespaceIndex != 0)
            or (by_id[key].spec.value_type == "xs:string" and dt.NamespaceIndex == 0 and dt.Identifier > 30)}
    if not want:
        return
    order = sorted(want, key=str)
    props = await b.browse(order, ref=ua.NodeId(ua.ObjectIds.HasProperty))
    reads: list[tuple[ua.NodeId, ua.NodeId]] = []
    for dt, refs in zip(order, props, strict=True):
        for r in refs:
            if r.BrowseName.Name in ("EnumStrings", "EnumValues"):
                reads.append((dt, r.NodeId))
    values = await b.read([(n, ua.AttributeIds.Value) for _, n in reads]) if reads else []
    names: dict[ua.NodeId, dict[int, str]] = {}
    for (dt, _), dv in zip(reads, values, strict=True):
        v = dv.Value.Value if dv.StatusCode.is_good() else None
        if not isinstance(v, list):
            continue
        m: dict[int, str] = {}
        for i, x in enumerate(v):
            if isinstance(x, ua.LocalizedText):
                m[i] = x.Text or ""
            elif hasattr(x, "Value") and hasattr(x, "DisplayName"):
                m[int(x.Value)] = x.DisplayName.Text or ""
        names[dt] = m
    for key, dt in dtypes.items():
        if dt in names:
            by_id[key].enum_names = names[dt]


def _scalar(v: Any, bd: Binding) -> Any:
    if isinstance(v, ua.LocalizedText):
        return v.Text
    if isinstance(v, ua.QualifiedName):
        return v.Name
    if isinstance(v, ua.NodeId):
        return v.to_string()
    if isinstance(v, datetime.datetime):
        return (v if v.tzinfo else v.replace(tzinfo=datetime.UTC)).isoformat()
    if isinstance(v, enum.Enum):
        return v.name
    if bd.enum_names is not None and isinstance(v, int) and not isinstance(v, bool):
        name = bd.enum_names.get(v)
        if name is None:
            raise ValueError(f"enumeration value {v} has no name")
        return _enum_name(name, bd.spec)
    return v


def _enum_name(name: str, e: ElementSpec) -> str:
    """OPC UA enumeration names are often ``NAME_<n>``; match the model's allowed spelling."""
    candidates = [name]
    head, _, tail = name.rpartition("_")
    if head and tail.isdigit():
        candidates.append(head)
    if e.allowed_values:
        for c in candidates:
            for a in e.allowed_values:
                if a == c or a.upper() == c.upper():
                    return a
    return candidates[-1]


def convert(bd: Binding, raw: Any) -> tuple[Any, str | None]:
    """Server value -> model value (unit converted, type checked); (None, reason) when it does not fit."""
    if raw is None:
        return None, "no value"
    e = bd.spec
    try:
        if isinstance(raw, list | tuple):
            if bd.spread:
                return [_one(bd, x, e) for x in raw], None
            if len(raw) == 1:
                raw = raw[0]
            elif all(isinstance(x, str | ua.LocalizedText) for x in raw):
                raw = ", ".join(str(_scalar(x, bd)) for x in raw)
            else:
                return None, f"array of {len(raw)} values for a single {e.value_type} value"
        value = _one(bd, raw, e)
        return ([value] if bd.spread else value), None
    except (ValueError, TypeError) as exc:
        return None, str(exc)


def _one(bd: Binding, raw: Any, e: ElementSpec) -> Any:
    v = _scalar(raw, bd)
    vt = e.value_type or "xs:string"
    if isinstance(v, int | float) and not isinstance(v, bool):
        if vt in ("xs:string", "xs:boolean", "xs:dateTime", "xs:date", "xs:anyURI", "xs:duration"):
            raise ValueError(f"number {v!r} for a {vt} element")
        v = U.convert(float(v), bd.source_unit, e.unit) if bd.source_unit is not None and e.unit else v
        if isinstance(v, float) and vt not in ("xs:double", "xs:float", "xs:decimal"):
            if abs(v - round(v)) > 1e-9 * max(1.0, abs(v)):
                raise ValueError(f"{v!r} is not an integer ({vt})")
            v = round(v)
    elif isinstance(v, bool) and vt != "xs:boolean":
        raise ValueError(f"boolean for a {vt} element")
    elif isinstance(v, str) and vt not in ("xs:string", "xs:dateTime", "xs:anyURI", "xs:date", "xs:duration"):
        raise ValueError(f"text {v!r} for a {vt} element")
    problem = example_problem(e, v)
    if problem:
        raise ValueError(problem)
    return v


async def read_values(b: Browser, plan: Plan) -> tuple[dict[str, Any], datetime.datetime]:
    """One batched Read of every bound variable; failed values turn their row into not found / type mismatch."""
    readable = plan.readable()
    dvs = await b.read([(bd.node.nodeid, ua.AttributeIds.Value) for bd in readable])  # type: ignore[union-attr]
    out: dict[str, Any] = {}
    stamp = datetime.datetime.now(datetime.UTC)
    for bd, dv in zip(readable, dvs, strict=True):
        if not dv.StatusCode.is_good():
            bd.row.status, bd.row.detail = NOT_FOUND, f"read failed: {dv.StatusCode.name}"
            continue
        store(bd, dv.Value.Value, out)
    return out, stamp


def store(bd: Binding, raw: Any, out: dict[str, Any]) -> None:
    value, problem = convert(bd, raw)
    if problem == "no value":
        bd.row.status, bd.row.detail = NOT_FOUND, "the server holds no value"
    elif problem:
        bd.row.status, bd.row.detail = MISMATCH, problem
    elif bd.spread:
        for i, x in enumerate(value):
            out[f"{bd.path}[{i}]"] = x
    else:
        out[bd.path] = value
    if not problem and bd.source_unit is not None and bd.spec.unit and not U.same(bd.source_unit, bd.spec.unit):
        note = f"converted {bd.source_unit.symbol or bd.source_unit.code} -> {bd.spec.unit}"
        if note not in bd.row.detail:
            bd.row.detail = (bd.row.detail + "; " if bd.row.detail else "") + note


class _EventWaiter:
    def __init__(self) -> None:
        self.fields: asyncio.Queue[list[Any]] = asyncio.Queue()

    def event_notification(self, event: Any) -> None:
        self.fields.put_nowait([f.Value for f in event.event_fields])


def event_filter(evs: list[Binding]) -> tuple[Any, set[ua.NodeId]]:
    """An EventFilter selecting the event's type and the bound fields (browse paths from their event types)."""
    evfilter = ua.EventFilter()
    kind = ua.SimpleAttributeOperand()  # first field: the event's type, to skip events of other types
    kind.TypeDefinitionId = ua.NodeId(ua.ObjectIds.BaseEventType)
    kind.BrowsePath = [ua.QualifiedName("EventType", 0)]
    kind.AttributeId = ua.AttributeIds.Value
    evfilter.SelectClauses.append(kind)
    for bd in evs:
        op = ua.SimpleAttributeOperand()
        op.TypeDefinitionId = bd.event[0]  # type: ignore[index]
        op.BrowsePath = list(bd.event[1])  # type: ignore[index]
        op.AttributeId = ua.AttributeIds.Value
        evfilter.SelectClauses.append(op)
    return evfilter, {bd.event[0] for bd in evs}  # type: ignore[index]


class EventFeed:
    """One event subscription on the machine (else the Server object) delivering the bound fields."""

    def __init__(self, client: Any, b: Browser, evs: list[Binding], source: ua.NodeId) -> None:
        self.client, self.b, self.evs, self.source = client, b, evs, source
        self.filter, self.owners = event_filter(evs)
        self.waiter = _EventWaiter()
        self.sub: Any = None
        self.refused = ""

    async def open(self) -> bool:
        self.sub = await self.client.create_subscription(50, self.waiter)
        for notifier in (self.source, ua.NodeId(ua.ObjectIds.Server)):
            try:
                await self.sub.subscribe_events(notifier, ua.ObjectIds.BaseEventType, evfilter=self.filter)
                return True
            except Exception as exc:  # BadNotSupported / BadFilterNotAllowed / no EventNotifier ...
                self.refused = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return False

    def pending(self) -> int:
        return self.waiter.fields.qsize()

    async def next(self) -> list[Any]:
        """The bound fields of the next event of one of the bound event types."""
        return (await _matching(self.b, self.waiter, self.owners))[1:]

    async def close(self) -> None:
        if self.sub is not None:
            with contextlib.suppress(Exception):  # the session may already be gone: nothing to clean up then
                await self.sub.delete()


async def read_events(client: Any, b: Browser, plan: Plan, source: ua.NodeId, timeout: float,
                      out: dict[str, Any]) -> None:
    """The fields of the next event of each bound event type emitted by the machine (one subscription)."""
    evs = plan.events()
    if not evs:
        return
    if timeout <= 0:
        for bd in evs:
            bd.row.status, bd.row.detail = NOT_FOUND, "event field (no event wait requested)"
        return
    feed = EventFeed(client, b, evs, source)
    try:
        if not await feed.open():
            for bd in evs:
                bd.row.status, bd.row.detail = NOT_FOUND, f"event field: the server refused the event subscription " \
                                                          f"({feed.refused})"
            return
        try:
            fields = await asyncio.wait_for(feed.next(), timeout)
        except TimeoutError:
            for bd in evs:
                bd.row.status, bd.row.detail = NOT_FOUND, f"event field: no event within {timeout:g} s"
            return
    finally:
        await feed.close()
    for bd, raw in zip(evs, fields, strict=False):
        store(bd, raw, out)


async def _matching(b: Browser, waiter: _EventWaiter, owners: set[ua.NodeId]) -> list[Any]:
    """The next event whose type is one of ``owners`` (or a subtype)."""
    while True:
        fields = await waiter.fields.get()
        etype = fields[0] if fields else None
        if isinstance(etype, ua.NodeId):
            await b.ensure_supertypes([etype])
            if any(b.is_a(etype, o) for o in owners):
                return fields


def iter_missing(problems: list[tuple[str, str]]) -> Iterator[str]:
    for path, message in problems:
        if message.startswith("missing"):
            yield path
