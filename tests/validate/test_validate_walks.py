"""The fused / faster document walks of the validator give exactly what the plain walks they replace give."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from aas_refmodels.validate import _read, metamodel

# JSON-like documents whose objects may carry the keys that version detection looks at
_KEYS = st.sampled_from(["idShort", "modelType", "assetKind", "id", "contentType", "entityType", "first",
                         "second", "type", "keys", "value"])
_SCALARS = st.one_of(st.none(), st.integers(-2, 2), st.booleans(),
                     st.sampled_from(["a", "a-b", "File", "Blob", "Entity", "RelationshipElement",
                                      "AnnotatedRelationshipElement", "Role", "Instance", "ModelReference",
                                      "ExternalReference", "x" * 2001]))
_JSON = st.recursive(_SCALARS, lambda ch: st.one_of(st.lists(ch, max_size=4),
                                                    st.dictionaries(_KEYS, ch, max_size=5)), max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(_JSON, st.integers(1, 8))
def test_json_depth_marked_is_depth_and_evidence(doc: Any, stop: int) -> None:
    depth, marked = _read.json_depth_marked(doc, stop)
    assert depth == _read.json_depth(doc, stop)
    if depth <= stop:  # beyond the limit the document is refused before version detection
        assert marked == (_read.json_version_evidence(doc)[0] is not None)


def _old_iter_references(node: Any, parts: list[Any]) -> Any:
    """The walk before the parent links (one list per visited container)."""
    stack: list[tuple[Any, list[Any]]] = [(node, parts)]
    while stack:
        cur, p = stack.pop()
        if isinstance(cur, dict):
            if isinstance(cur.get("keys"), list) and cur.get("type") in ("ModelReference", "ExternalReference"):
                yield cur, p
            for k, v in cur.items():
                if isinstance(v, (dict, list)):
                    stack.append((v, [*p, k]))
        elif isinstance(cur, list):
            for i, v in enumerate(cur):
                if isinstance(v, (dict, list)):
                    stack.append((v, [*p, i]))


@settings(max_examples=400, deadline=None)
@given(_JSON, st.lists(st.sampled_from(["submodels", 0, 1]), max_size=2))
def test_iter_references_same_order_and_pointers(doc: Any, base: list[Any]) -> None:
    old = [(id(ref), parts) for ref, parts in _old_iter_references(doc, base)]
    assert [(id(ref), parts) for ref, parts in metamodel.iter_references(doc, base)] == old


_XML_NODE = st.recursive(st.tuples(st.sampled_from(["e", "c", "p"]), st.just(())),
                         lambda ch: st.tuples(st.just("e"), st.lists(ch, max_size=3).map(tuple)), max_leaves=30)


def _xml(node: tuple[str, tuple[Any, ...]]) -> str:
    kind, kids = node
    if kind == "c":
        return "<!--c-->"
    if kind == "p":
        return "<?pi x?>"
    return "<x>t" + "".join(_xml(k) for k in kids) + "</x>"


@settings(max_examples=400, deadline=None)
@given(st.lists(_XML_NODE, max_size=4), st.integers(1, 8))
def test_xml_depth_counts_like_the_generic_walk(children: list[Any], stop: int) -> None:
    """Comments and processing instructions count as a level, as ``iter`` over an lxml element yields them."""
    root = etree.fromstring("<r>" + "".join(_xml(c) for c in children) + "</r>")
    assert _read._xml_depth(root, stop) == _read._depth(root, iter, stop)
