"""Address-space walking on an asyncua client: batched Browse / Read, type hierarchy, machine subtrees."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from asyncua import ua

HIERARCHICAL = ua.NodeId(ua.ObjectIds.HierarchicalReferences)
HAS_SUBTYPE = ua.NodeId(ua.ObjectIds.HasSubtype)
BASE_EVENT_TYPE = ua.NodeId(ua.ObjectIds.BaseEventType)
DURATION = ua.NodeId(ua.ObjectIds.Duration)
CHUNK = 500  # operations per service call (servers cap MaxNodesPerRead / MaxNodesPerBrowse)


class BrowseError(Exception):
    """The server answered a browse or read with an error that stops the resolution."""


@dataclass
class Node:
    """One object or variable of a machine's subtree."""

    nodeid: ua.NodeId
    browse_name: ua.QualifiedName
    node_class: ua.NodeClass
    typedef: ua.NodeId
    parent: Node | None
    children: list[Node] = field(default_factory=list)

    @property
    def path(self) -> tuple[ua.QualifiedName, ...]:
        out: list[ua.QualifiedName] = []
        n: Node | None = self
        while n is not None and n.parent is not None:
            out.append(n.browse_name)
            n = n.parent
        return tuple(reversed(out))

    def child(self, name: ua.QualifiedName) -> Node | None:
        for c in self.children:
            if c.browse_name == name:
                return c
        for c in self.children:  # a server may put instance browse names into its own namespace
            if c.browse_name.Name == name.Name:
                return c
        pattern = placeholder(name.Name)
        if pattern is not None:  # OptionalPlaceholder / MandatoryPlaceholder: <Name>, Tool_<Nr>
            for c in self.children:
                if pattern.fullmatch(c.browse_name.Name):
                    return c
        return None

    def follow(self, path: Sequence[ua.QualifiedName]) -> Node | None:
        n: Node | None = self
        for name in path:
            n = n.child(name) if n is not None else None
        return n

    def walk(self) -> Iterable[Node]:
        """Breadth-first: the machine first, then its components level by level (document order)."""
        level = [self]
        while level:
            yield from level
            level = [c for n in level for c in n.children]


def placeholder(name: str) -> re.Pattern[str] | None:
    """A regular expression for the instance names of a placeholder browse name (``<ToolLifeEntry>``,
    ``InjectionUnit_<Nr>``), or None for an ordinary name."""
    if "<" not in name or ">" not in name:
        return None
    parts = re.split(r"<[^<>]*>", name)
    return re.compile(".+".join(re.escape(p) for p in parts))


def path_text(path: Sequence[ua.QualifiedName]) -> str:
    return "/".join(q.Name for q in path)


class Browser:
    """Batched services over one client session, with caches for the type hierarchy."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.uac = client.uaclient
        self.supertypes: dict[ua.NodeId, ua.NodeId | None] = {}
        self.namespaces: list[str] = []

    async def start(self) -> None:
        self.namespaces = list(await self.client.get_namespace_array())

    def nodeid(self, text: str) -> ua.NodeId | None:
        """``nsu=<uri>;i=<n>`` (or ``ns=<k>;...``) -> NodeId on this server; None if the namespace is absent."""
        if text.startswith("nsu="):
            uri, _, rest = text[4:].partition(";")
            if uri not in self.namespaces:
                alt = uri[:-1] if uri.endswith("/") else uri + "/"
                if alt not in self.namespaces:
                    return None
                uri = alt
            return ua.NodeId.from_string(f"ns={self.namespaces.index(uri)};{rest}")
        return ua.NodeId.from_string(text)

    async def browse(self, nodes: Sequence[ua.NodeId], *, forward: bool = True, ref: ua.NodeId = HIERARCHICAL,
                     mask: int = 0) -> list[list[Any]]:
        """References of many nodes in few Browse calls (continuation points followed)."""
        out: list[list[Any]] = []
        for i in range(0, len(nodes), CHUNK):
            part = nodes[i:i + CHUNK]
            descs = []
            for n in part:
                d = ua.BrowseDescription()
                d.NodeId = n
                d.BrowseDirection = ua.BrowseDirection.Forward if forward else ua.BrowseDirection.Inverse
                d.ReferenceTypeId = ref
                d.IncludeSubtypes = True
                d.NodeClassMask = mask
                d.ResultMask = ua.BrowseResultMask.All
                descs.append(d)
            params = ua.BrowseParameters()
            params.NodesToBrowse = descs
            params.RequestedMaxReferencesPerNode = 0
            results = await self.uac.browse(params)
            for res in results:
                refs = list(res.References or [])
                cp = res.ContinuationPoint
                while cp:
                    nxt = ua.BrowseNextParameters()
                    nxt.ContinuationPoints = [cp]
                    more = (await self.uac.browse_next(nxt))[0]
                    refs.extend(more.References or [])
                    cp = more.ContinuationPoint
                out.append(refs if res.StatusCode.is_good() else [])
        return out

    async def read(self, items: Sequence[tuple[ua.NodeId, ua.AttributeIds]]) -> list[ua.DataValue]:
        out: list[ua.DataValue] = []
        for i in range(0, len(items), CHUNK):
            params = ua.ReadParameters()
            params.NodesToRead = [_read_id(n, a) for n, a in items[i:i + CHUNK]]
            params.TimestampsToReturn = ua.TimestampsToReturn.Both
            out.extend(await self.uac.read(params))
        return out

    async def ensure_supertypes(self, types: Iterable[ua.NodeId]) -> None:
        todo = {t for t in types if t not in self.supertypes and not t.is_null()}
        while todo:
            order = sorted(todo, key=str)
            results = await self.browse(order, forward=False, ref=HAS_SUBTYPE)
            todo = set()
            for t, refs in zip(order, results, strict=True):
                sup = refs[0].NodeId if refs else None
                self.supertypes[t] = sup
                if sup is not None and sup not in self.supertypes:
                    todo.add(sup)

    def ancestry(self, t: ua.NodeId) -> list[ua.NodeId]:
        out = [t]
        seen = {t}
        while (s := self.supertypes.get(out[-1])) is not None and s not in seen:
            out.append(s)
            seen.add(s)
        return out

    def is_a(self, t: ua.NodeId, base: ua.NodeId) -> bool:
        return base in self.ancestry(t)

    async def subtree(self, root: ua.NodeId, *, max_depth: int = 12, max_nodes: int = 200_000) -> Node:
        """The objects and variables under ``root`` (hierarchical references), with type definitions."""
        bn, nc, td = await self._head(root)
        top = Node(root, bn, nc, td, None)
        seen = {root}
        level = [top]
        count = 1
        for _ in range(max_depth):
            if not level:
                break
            results = await self.browse([n.nodeid for n in level],
                                        mask=int(ua.NodeClass.Object) | int(ua.NodeClass.Variable))
            nxt: list[Node] = []
            for parent, refs in zip(level, results, strict=True):
                for r in refs:
                    nid = r.NodeId
                    if nid in seen or count >= max_nodes:
                        continue
                    seen.add(nid)
                    count += 1
                    child = Node(nid, r.BrowseName, r.NodeClass, r.TypeDefinition, parent)
                    parent.children.append(child)
                    nxt.append(child)
            level = nxt
        await self.ensure_supertypes({n.typedef for n in top.walk()})
        return top

    async def _head(self, nid: ua.NodeId) -> tuple[ua.QualifiedName, ua.NodeClass, ua.NodeId]:
        dvs = await self.read([(nid, ua.AttributeIds.BrowseName), (nid, ua.AttributeIds.NodeClass)])
        if not dvs[0].StatusCode.is_good():
            raise BrowseError(f"node {nid.to_string()} not found on the server ({dvs[0].StatusCode.name})")
        refs = (await self.browse([nid], ref=ua.NodeId(ua.ObjectIds.HasTypeDefinition)))[0]
        td = refs[0].NodeId if refs else ua.NodeId()
        return dvs[0].Value.Value, ua.NodeClass(dvs[1].Value.Value), td

    async def declarations(self, ids: Sequence[ua.NodeId]) -> dict[ua.NodeId, tuple[ua.NodeId, tuple[ua.QualifiedName, ...]] | str]:
        """Instance declaration -> (owner type, browse path from the type), or why it cannot be placed.

        The path is computed from the server's own hierarchy: inverse hierarchical references are followed
        from the declaration up to the first ObjectType / VariableType.
        """
        dvs = await self.read([(i, a) for i in ids for a in (ua.AttributeIds.NodeClass, ua.AttributeIds.BrowseName)])
        out: dict[ua.NodeId, tuple[ua.NodeId, tuple[ua.QualifiedName, ...]] | str] = {}
        pending: dict[ua.NodeId, tuple[ua.NodeId, list[ua.QualifiedName]]] = {}  # id -> (current node, path)
        for k, i in enumerate(ids):
            cls_dv, bn_dv = dvs[2 * k], dvs[2 * k + 1]
            if not cls_dv.StatusCode.is_good():
                out[i] = "node not on the server"
                continue
            cls = ua.NodeClass(cls_dv.Value.Value)
            if cls in (ua.NodeClass.ObjectType, ua.NodeClass.VariableType):
                out[i] = (i, ())
            elif cls in (ua.NodeClass.Object, ua.NodeClass.Variable):
                pending[i] = (i, [bn_dv.Value.Value])
            else:
                out[i] = f"node is a {cls.name}, not a type or an instance declaration"
        for _ in range(16):
            if not pending:
                break
            order = list(pending)
            results = await self.browse([pending[i][0] for i in order], forward=False)
            for i, refs in zip(order, results, strict=True):
                _cur, path = pending.pop(i)
                up = [r for r in refs if r.NodeClass in (ua.NodeClass.ObjectType, ua.NodeClass.VariableType)]
                if up:
                    out[i] = (up[0].NodeId, tuple(reversed(path)))
                    continue
                up = [r for r in refs if r.NodeClass in (ua.NodeClass.Object, ua.NodeClass.Variable)]
                if not up:
                    out[i] = "instance declaration has no owning type on the server"
                    continue
                pending[i] = (up[0].NodeId, [*path, up[0].BrowseName])
        for i in pending:
            out[i] = "instance declaration nested too deeply"
        await self.ensure_supertypes({v[0] for v in out.values() if isinstance(v, tuple)})
        return out

    async def find_instances(self, type_id: ua.NodeId, *, start: ua.NodeId | None = None,
                             max_depth: int = 4) -> list[tuple[ua.NodeId, str]]:
        """Objects under ``start`` (default: the Objects folder) whose type is ``type_id`` or a subtype."""
        root = start or ua.NodeId(ua.ObjectIds.ObjectsFolder)
        level: list[tuple[ua.NodeId, str]] = [(root, "Objects")]
        seen = {root}
        found: list[tuple[ua.NodeId, str]] = []
        for _ in range(max_depth):
            if not level:
                break
            results = await self.browse([n for n, _ in level], mask=int(ua.NodeClass.Object))
            cand: list[tuple[ua.NodeId, str, ua.NodeId]] = []
            for (_, p), refs in zip(level, results, strict=True):
                for r in refs:
                    if r.NodeId not in seen:
                        seen.add(r.NodeId)
                        cand.append((r.NodeId, f"{p}/{r.BrowseName.NamespaceIndex}:{r.BrowseName.Name}",
                                     r.TypeDefinition))
            await self.ensure_supertypes({td for _, _, td in cand})
            level = []
            for nid, p, td in cand:
                if self.is_a(td, type_id):
                    found.append((nid, p))
                else:
                    level.append((nid, p))
        return found

    async def resolve_path(self, text: str) -> ua.NodeId:
        """``Objects/2:IMM1`` or ``IMM1/Sub`` (browse names from the Objects folder) -> NodeId."""
        parts = [p for p in text.split("/") if p]
        if parts and parts[0] in ("Objects", "0:Objects"):
            parts = parts[1:]
        cur = ua.NodeId(ua.ObjectIds.ObjectsFolder)
        for p in parts:
            ns, _, name = p.rpartition(":")
            refs = (await self.browse([cur]))[0]
            match = [r for r in refs if r.BrowseName.Name == name
                     and (not ns or str(r.BrowseName.NamespaceIndex) == ns)]
            if not match:
                raise BrowseError(f"browse path {text!r}: no child {p!r}")
            cur = match[0].NodeId
        return cur


def _read_id(n: ua.NodeId, a: ua.AttributeIds) -> ua.ReadValueId:
    r = ua.ReadValueId()
    r.NodeId = n
    r.AttributeId = a
    return r
