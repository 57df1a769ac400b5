"""The fast JSON writer gives exactly the bytes of json.dumps(indent=2) and of basyx's write_aas_json_file."""

from __future__ import annotations

import io
import json
import math

import pytest
from basyx.aas import model
from basyx.aas.adapter.json import write_aas_json_file
from hypothesis import given, settings
from hypothesis import strategies as st

from aas_refmodels.build import build_instance, build_template
from aas_refmodels.io.fastjson import aas_json, dumps_indented
from aas_refmodels.spec import available_models, load_model

_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
            | st.text())
_keys = st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                     | st.dictionaries(_keys, inner, max_size=4), max_leaves=30)


class _Opaque:
    def __init__(self, value: object) -> None:
        self.value = value


def _default(o: object) -> object:
    if isinstance(o, _Opaque):
        return {"opaque": o.value}
    raise TypeError(type(o).__name__)


@given(_json)
@settings(max_examples=300, deadline=None)
def test_same_text_as_json_dumps(value):
    assert dumps_indented(value, _default) == json.dumps(value, indent=2, ensure_ascii=False, default=_default)


@given(_json)
@settings(max_examples=50, deadline=None)
def test_default_results_are_encoded_too(value):
    doc = [_Opaque(value), {"k": _Opaque([_Opaque(value)])}]
    assert dumps_indented(doc, _default) == json.dumps(doc, indent=2, ensure_ascii=False, default=_default)


def test_unknown_objects_raise_like_json():
    with pytest.raises(TypeError):
        dumps_indented([object()], _default)
    with pytest.raises(TypeError):
        dumps_indented({(1, 2): 1}, _default)
    assert dumps_indented([math.nan, -math.inf], _default) == json.dumps([math.nan, -math.inf], indent=2)


def _basyx(objects: list[model.Identifiable]) -> str:
    text = io.StringIO()
    write_aas_json_file(text, model.DictIdentifiableStore(objects), indent=2, ensure_ascii=False)
    return text.getvalue()


@pytest.mark.parametrize(("name", "version"), available_models())
def test_same_text_as_basyx_for_every_model(name, version):
    spec = load_model(name, version)
    for built in (build_instance(spec), build_template(spec)):
        assert aas_json(model.DictIdentifiableStore(built.objects())) == _basyx(built.objects())


def test_concept_descriptions_are_built_once_per_spec():
    spec = load_model("machining")
    first, second = build_instance(spec), build_instance(spec)
    assert first.concept_descriptions == second.concept_descriptions
    assert first.concept_descriptions is not second.concept_descriptions  # a new list each time
    assert all(a is b for a, b in zip(first.concept_descriptions, second.concept_descriptions, strict=True))
    other = load_model("machining", base_iri="https://example.org/other/")
    assert {cd.id for cd in build_instance(other).concept_descriptions}.isdisjoint(
        {cd.id for cd in first.concept_descriptions})


@given(_json)
@settings(max_examples=200, deadline=None)
def test_compact_ascii_text_as_json_dumps(value):
    """The form of basyx's AASX part: json.dump's defaults (no indent, ASCII)."""
    assert dumps_indented(value, _default, indent=None, ensure_ascii=True) == json.dumps(value, default=_default)
    doc = [_Opaque(value), {"k": _Opaque([value])}]
    assert dumps_indented(doc, _default, indent=None, ensure_ascii=True) == json.dumps(doc, default=_default)


@given(st.lists(st.dictionaries(st.sampled_from(["en", "ko", "de", "en-US"]), st.text(min_size=1), min_size=1),
                min_size=1, max_size=4), st.sampled_from([2, 4, None]))
@settings(max_examples=100, deadline=None)
def test_language_sets_remembered_by_content(sets, indent):
    """The text of a language set is kept by content: equal sets anywhere, changed sets, other indents."""
    objs = [model.LangStringSet(dict(s)) for s in sets]
    doc = {"a": objs, "b": [{"c": o} for o in objs]}
    plain = {"a": [[{"language": k, "text": v} for k, v in s.items()] for s in sets]}
    plain["b"] = [{"c": x} for x in plain["a"]]
    for _ in range(2):
        assert dumps_indented(doc, _default, indent=indent) == json.dumps(plain, indent=indent, ensure_ascii=False)
