"""The shared reference sources the models are checked against (tests only).

``reference_dir()`` (conftest) finds ``../shared/reference`` (or ``$AASREF_REFERENCE_DIR``); ``nodesets()``
indexes every
OPC UA NodeSet there by ``(namespace URI, numeric id)`` with the node's BrowseName, class, DataType and, for
enumeration DataTypes, their values; ``unece_units()`` reads the UNECE Rec. 20 -> OPC UA unit table.
XML is read with lxml's safe settings: no network, no entity resolution, no DTD.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .conftest import reference_dir

__all__ = ["Node", "NodeSetIndex", "nodesets", "reference_dir", "unece_units"]

UA = "http://opcfoundation.org/UA/"
_NS = {"u": "http://opcfoundation.org/UA/2011/03/UANodeSet.xsd"}
NODE_ID = re.compile(r"^nsu=(?P<ns>[^;]+);i=(?P<i>\d+)$")
_VERSION = re.compile(r"\.(\d+\.\d+)\.NodeSet2\.xml$", re.IGNORECASE)


@dataclass
class Node:
    namespace: str
    id: int
    node_class: str  # UAVariable, UAObject, UADataType, ...
    browse_name: str  # without the namespace-index prefix
    data_type: str | None = None  # "Double", "String", or a DataType's BrowseName (e.g. "MachineModeEnumeration")
    file: str = ""
    enum_values: tuple[str, ...] | None = None  # for an enumeration DataType: field names in value order
    value_rank: int | None = None


@dataclass
class NodeSetIndex:
    nodes: dict[tuple[str, int], Node] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # namespace URI -> file the index took it from

    def get(self, node_id: str) -> Node | None:
        m = NODE_ID.match(node_id)
        if not m:
            return None
        return self.nodes.get((m.group("ns"), int(m.group("i"))))

    def data_type_node(self, node: Node) -> Node | None:
        """The UADataType node named by ``node.data_type`` (enumerations and structures), if indexed."""
        for n in self.nodes.values():
            if n.node_class == "UADataType" and n.browse_name == node.data_type:
                return n
        return None

    def enumeration(self, node: Node) -> tuple[str, ...] | None:
        """The names a variable's value takes: its own EnumStrings/EnumValues, else its enumeration DataType's."""
        if node.enum_values is not None:
            return node.enum_values
        dt = self.data_type_node(node) if node.data_type else None
        return dt.enum_values if dt is not None else None


def _parser() -> object:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _file_rank(path: Path) -> tuple[int, ...]:
    """Several files of one namespace (GeneralTypes 1.02 and 1.03): the highest version wins."""
    m = _VERSION.search(path.name)
    return tuple(int(p) for p in m.group(1).split(".")) if m else (0,)


@lru_cache(maxsize=2)
def nodesets(opcua_dir: Path) -> NodeSetIndex:
    from lxml import etree

    index = NodeSetIndex()
    for path in sorted(opcua_dir.glob("*.xml"), key=_file_rank):
        root = etree.parse(str(path), _parser()).getroot()  # type: ignore[call-overload]
        uris = [UA] + [u.text.strip() for u in root.findall("u:NamespaceUris/u:Uri", _NS)]
        aliases = {a.get("Alias"): a.text.strip() for a in root.findall("u:Aliases/u:Alias", _NS)}
        own = uris[1] if len(uris) > 1 else UA
        raw: dict[str, object] = {}
        enum_props: list[tuple[str, list[str]]] = []  # (parent NodeId, names) of EnumStrings / EnumValues
        for el in root:
            tag = etree.QName(el).localname
            node_id = el.get("NodeId")
            if not node_id or not tag.startswith("UA"):
                continue
            m = re.match(r"^(?:ns=(\d+);)?i=(\d+)$", node_id)
            if not m:
                continue
            ns = uris[int(m.group(1) or 0)]
            if ns != own:
                continue
            browse = (el.get("BrowseName") or "").split(":", 1)[-1]
            if browse in ("EnumStrings", "EnumValues") and el.get("ParentNodeId"):
                texts = [t.text.strip() for t in el.iter("{*}Text") if t.getparent() is not None
                         and etree.QName(t.getparent()).localname in ("LocalizedText", "DisplayName") and t.text]
                enum_props.append((el.get("ParentNodeId"), texts))
            dt = el.get("DataType")
            node = Node(ns, int(m.group(2)), tag, browse, file=path.name,
                        value_rank=int(el.get("ValueRank", "-1")) if tag == "UAVariable" else None)
            if dt is not None:
                raw[node_id] = (node, aliases.get(dt, dt), uris)
            if tag == "UADataType":
                fields = el.findall("u:Definition/u:Field", _NS)
                if fields and all(f.get("Value") is not None for f in fields):
                    pairs = sorted((int(f.get("Value")), f.get("Name")) for f in fields)
                    node.enum_values = tuple(name for _, name in pairs)
            index.nodes[(ns, node.id)] = node  # a later (higher-version) file replaces an earlier one
            index.files[ns] = path.name
        for node, dt, file_uris in raw.values():  # type: ignore[misc]
            node.data_type = _data_type_name(dt, file_uris, index)
        for parent_id, names in enum_props:
            pm = re.match(r"^(?:ns=(\d+);)?i=(\d+)$", parent_id)
            parent = index.nodes.get((uris[int(pm.group(1) or 0)], int(pm.group(2)))) if pm else None
            if parent is not None and names and parent.enum_values is None:
                parent.enum_values = tuple(names)
    return index


# Built-in OPC UA DataTypes (namespace 0) by numeric id, for DataType attributes written as "i=11".
_BUILTIN = {1: "Boolean", 2: "SByte", 3: "Byte", 4: "Int16", 5: "UInt16", 6: "Int32", 7: "UInt32", 8: "Int64",
            9: "UInt64", 10: "Float", 11: "Double", 12: "String", 13: "DateTime", 14: "Guid", 15: "ByteString",
            17: "NodeId", 20: "QualifiedName", 21: "LocalizedText", 24: "BaseDataType", 26: "Number",
            27: "Integer", 28: "UInteger", 29: "Enumeration", 289: "Counter", 290: "Duration", 294: "UtcTime",
            12878: "NormalizedString", 23751: "UriString",
            887: "EUInformation", 884: "Range", 31918: "CurrencyUnitType", 7594: "EnumValueType"}


def _data_type_name(dt: str, uris: list[str], index: NodeSetIndex) -> str:
    m = re.match(r"^(?:ns=(\d+);)?i=(\d+)$", dt)
    if not m:
        return dt
    ns, i = uris[int(m.group(1) or 0)], int(m.group(2))
    if ns == UA:
        return _BUILTIN.get(i, f"i={i}")
    node = index.nodes.get((ns, i))
    return node.browse_name if node else f"nsu={ns};i={i}"


@lru_cache(maxsize=2)
def unece_units(csv_path: Path) -> dict[str, tuple[str, str]]:
    """UNECE common code -> (display symbol, name) from UNECE_to_OPCUA.csv."""
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        return {row["UNECECode"]: (row["DisplayName"], row["Description"]) for row in csv.DictReader(f)}
