"""Fast JSON serialization of basyx objects: the same bytes as basyx's ``write_aas_json_file(indent=2)``.

basyx serializes through ``json.dump`` with an ``indent``, which always runs the pure-Python encoder, and its
encoder rebuilds its class-to-serializer table for every object. Here the serializer for each concrete class
is looked up once, and the jsonable tree is written by :func:`dumps_indented`, which produces exactly what
``json.dumps(obj, indent=2, ensure_ascii=False, default=…)`` produces (a property test compares them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

from basyx.aas import model
from basyx.aas.adapter.json.json_serialization import AASToJsonEncoder, _create_dict

_encode_str: Callable[[str], str] = json.encoder.encode_basestring
_INF = float("inf")


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == _INF:
        return "Infinity"
    if o == -_INF:
        return "-Infinity"
    return float.__repr__(o)


def _key(k: Any) -> str:
    """A dict key as ``json`` writes it (str, float, bool, None, int); anything else is a TypeError like json's."""
    if isinstance(k, str):
        return _encode_str(k)
    if isinstance(k, float):
        return _encode_str(_float(k))
    if k is True:
        return '"true"'
    if k is False:
        return '"false"'
    if k is None:
        return '"null"'
    if isinstance(k, int):
        return _encode_str(int.__repr__(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")


def dumps_indented(obj: Any, default: Callable[[Any], Any], indent: int = 2) -> str:
    """``json.dumps(obj, indent=indent, ensure_ascii=False, default=default)`` (no circularity check)."""
    step = " " * indent
    out: list[str] = []
    put = out.append

    def enc(o: Any, ind: str) -> None:
        t = type(o)
        if t is str:
            put(_encode_str(o))
        elif t is dict:
            if not o:
                put("{}")
                return
            inner = ind + step
            sep = ",\n" + inner
            first = True
            for k, v in o.items():
                put(("{\n" + inner if first else sep) + (_encode_str(k) if type(k) is str else _key(k)) + ": ")
                first = False
                if type(v) is str:
                    put(_encode_str(v))
                else:
                    enc(v, inner)
            put("\n" + ind + "}")
        elif t is list or t is tuple:
            if not o:
                put("[]")
                return
            inner = ind + step
            sep = ",\n" + inner
            first = True
            for v in o:
                put("[\n" + inner if first else sep)
                first = False
                if type(v) is str:
                    put(_encode_str(v))
                else:
                    enc(v, inner)
            put("\n" + ind + "]")
        # the order of json.encoder._iterencode for everything else
        elif isinstance(o, str):
            put(_encode_str(o))
        elif o is None:
            put("null")
        elif o is True:
            put("true")
        elif o is False:
            put("false")
        elif isinstance(o, int):
            put(int.__repr__(o))
        elif isinstance(o, float):
            put(_float(o))
        elif isinstance(o, (list, tuple)):
            enc(list(o), ind)
        elif isinstance(o, dict):
            enc(dict(o), ind)
        else:
            enc(default(o), ind)

    enc(obj, "")
    return "".join(out)


class _Encoder(AASToJsonEncoder):
    """basyx's encoder with its class-to-serializer table resolved once per concrete class."""

    _by_type: ClassVar[dict[type, Callable[[Any], Any]]] = {}

    def default(self, obj: object) -> object:
        fn = self._by_type.get(type(obj))
        if fn is None:
            mapping = self._get_aas_class_serializers()
            fn = next((mapping[typ] for typ in mapping if isinstance(obj, typ)), None)
            if fn is None:
                return super().default(obj)
            self._by_type[type(obj)] = fn
        return fn(obj)


_ENCODER = _Encoder()


def aas_json(store: model.AbstractObjectStore[Any, Any], indent: int = 2) -> str:
    """What ``write_aas_json_file(f, store, indent=indent, ensure_ascii=False)`` writes into ``f``."""
    return dumps_indented(_create_dict(store), _ENCODER.default, indent)
