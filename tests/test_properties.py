"""Hypothesis: random valid value sets build instances that verify clean; one random invalid value is rejected
with exactly its path."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from aas_refmodels.build import build_instance
from aas_refmodels.errors import ValuesError
from aas_refmodels.io import serialize
from aas_refmodels.spec import load_model

from .builds import MODELS
from .checks import aas_core_errors
from .strategies import invalid_value, model_values


@pytest.mark.parametrize("model", MODELS)
def test_random_valid_values_verify_clean(model: str) -> None:
    spec = load_model(model)

    @given(model_values(spec))
    def check(values: dict[str, Any]) -> None:
        built = build_instance(spec, values)
        data = serialize(built.objects(), "json", "3.1")
        assert aas_core_errors(data, "json", "3.1") == []
        doc = json.loads(data)
        assert {sm["idShort"] for sm in doc["submodels"]} == {sm.id_short for sm in spec.submodels}

    check()


@pytest.mark.parametrize("model", MODELS)
def test_one_invalid_value_is_rejected_at_its_path(model: str) -> None:
    spec = load_model(model)
    from aas_refmodels.build.values import index_spec

    index = index_spec(spec)

    @given(model_values(spec), st.data())
    def check(values: dict[str, Any], data: st.DataObject) -> None:
        from aas_refmodels.build.values import generic

        properties = sorted(p for p in values if index[generic(p)].model_type == "Property")
        assume(properties)
        target = data.draw(st.sampled_from(properties))
        broken = dict(values)
        broken[target] = invalid_value(index[generic(target)])
        with pytest.raises(ValuesError) as info:
            build_instance(spec, broken)
        assert [p for p, _ in info.value.problems] == [target]

    check()
