"""Fast JSON serialization of basyx objects: the same bytes as basyx's ``write_aas_json_file``.

basyx serializes through ``json.dump`` with an ``indent``, which always runs the pure-Python encoder, and its
encoder rebuilds its class-to-serializer table for every object. Here the serializer for each concrete class
is looked up once, the ``isinstance`` tests on basyx's abstract base classes are answered once per class, and
the jsonable tree is written by :func:`dumps_indented`, which produces exactly what
``json.dumps(obj, indent=…, ensure_ascii=…, default=…)`` produces (a property test compares them). Objects the
builder shares read-only (:mod:`aas_refmodels.frozen`: a spec's ConceptDescriptions, semantic IDs) are rendered
once per indentation and kept with the object; language sets are kept by content. ``indent=None,
ensure_ascii=True`` gives the form of basyx's AASX part.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

from basyx.aas import model
from basyx.aas.adapter import _generic
from basyx.aas.adapter.json.json_serialization import AASToJsonEncoder, _create_dict

from ..frozen import renderings

_encode_str: Callable[[str], str] = json.encoder.encode_basestring
_encode_ascii: Callable[[str], str] = json.encoder.encode_basestring_ascii
_INF = float("inf")


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == _INF:
        return "Infinity"
    if o == -_INF:
        return "-Infinity"
    return float.__repr__(o)


def _key(k: Any, es: Callable[[str], str] = _encode_str) -> str:
    """A dict key as ``json`` writes it (str, float, bool, None, int); anything else is a TypeError like json's."""
    if isinstance(k, str):
        return es(k)
    if isinstance(k, float):
        return es(_float(k))
    if k is True:
        return '"true"'
    if k is False:
        return '"false"'
    if k is None:
        return '"null"'
    if isinstance(k, int):
        return es(int.__repr__(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")


_PLAIN, _LANG, _OBJECT = 0, 1, 2  # what a type's instances are to dumps_indented
_KIND: dict[type, int] = {}
# (mode, indentation, *language/text pairs) -> rendered text: a language set's text depends on its content alone
_LANG_TEXTS: dict[tuple[Any, ...], str] = {}
_LANG_TEXTS_MAX = 20_000


def _kind_of(o: object) -> int:
    """_PLAIN: what json encodes itself (str, None, bool, int, float, list, tuple, dict and their subclasses);
    _LANG: a basyx LangStringSet; _OBJECT: anything else (``default`` converts it). Depends on the type alone."""
    if o is None or isinstance(o, (str, int, float, list, tuple, dict)):
        return _PLAIN
    if isinstance(o, model.LangStringSet):
        return _LANG
    return _OBJECT


def dumps_indented(obj: Any, default: Callable[[Any], Any], indent: int | None = 2, ensure_ascii: bool = False,
                   ) -> str:
    """``json.dumps(obj, indent=indent, ensure_ascii=ensure_ascii, default=default)`` (no circularity check).

    Objects registered in :mod:`aas_refmodels.frozen` (shared read-only, e.g. a spec's ConceptDescriptions) are
    rendered once per indentation level and the text is kept with the object; basyx LangStringSets are rendered
    without the detour through ``default``.
    """
    step = None if indent is None else " " * indent
    es: Callable[[str], str] = _encode_ascii if ensure_ascii else _encode_str
    mode = ("json", indent, ensure_ascii)
    out: list[str] = []
    put = out.append

    def enc(o: Any, ind: str) -> None:
        t = type(o)
        if t is str:
            put(es(o))
        elif t is dict:
            if not o:
                put("{}")
                return
            if step is None:
                inner, opening, sep, closing = ind, "{", ", ", "}"
            else:
                inner = ind + step
                opening, sep, closing = "{\n" + inner, ",\n" + inner, "\n" + ind + "}"
            first = True
            for k, v in o.items():
                put((opening if first else sep) + (es(k) if type(k) is str else _key(k, es)) + ": ")
                first = False
                if type(v) is str:
                    put(es(v))
                else:
                    enc(v, inner)
            put(closing)
        elif t is list or t is tuple:
            if not o:
                put("[]")
                return
            if step is None:
                inner, opening, sep, closing = ind, "[", ", ", "]"
            else:
                inner = ind + step
                opening, sep, closing = "[\n" + inner, ",\n" + inner, "\n" + ind + "]"
            first = True
            for v in o:
                put(opening if first else sep)
                first = False
                if type(v) is str:
                    put(es(v))
                else:
                    enc(v, inner)
            put(closing)
        elif (kind := _KIND.get(t)) is None or kind == _PLAIN:
            if kind is None:
                _KIND[t] = _kind_of(o)
                enc(o, ind)
                return
            # the order of json.encoder._iterencode for everything else
            if isinstance(o, str):
                put(es(o))
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
        elif kind == _LANG:  # what basyx's _lang_string_set_to_json gives, remembered by content
            items = o._dict if type(getattr(o, "_dict", None)) is dict else dict(o.items())
            key = (mode, ind, *items.items())
            text = _LANG_TEXTS.get(key)
            if text is None:
                mark = len(out)
                enc([{"language": k, "text": v} for k, v in items.items()], ind)
                text = "".join(out[mark:])
                del out[mark:]
                if len(_LANG_TEXTS) >= _LANG_TEXTS_MAX:
                    _LANG_TEXTS.clear()
                _LANG_TEXTS[key] = text
            put(text)
        else:
            cache = renderings(o)
            if cache is None:
                enc(default(o), ind)
                return
            key = (mode, ind)
            text = cache.get(key)
            if text is None:
                mark = len(out)
                enc(default(o), ind)
                text = cache[key] = "".join(out[mark:])
                del out[mark:]
            put(text)

    enc(obj, "")
    return "".join(out)


class _Encoder(AASToJsonEncoder):
    """basyx's encoder with its class-to-serializer table resolved once per concrete class, and the abstract-class
    part (``_abstract_classes_to_json``: idShort, displayName, semanticId, qualifiers, ...) with its ``isinstance``
    tests on basyx's abstract base classes answered once per concrete class: the same dict, key for key."""

    _by_type: ClassVar[dict[type, Callable[[Any], Any]]] = {}
    _bases: ClassVar[dict[type, tuple[bool, bool, str | None, bool, bool, bool, bool]]] = {}

    def default(self, obj: object) -> object:
        fn = self._by_type.get(type(obj))
        if fn is None:
            mapping = self._get_aas_class_serializers()
            fn = next((mapping[typ] for typ in mapping if isinstance(obj, typ)), None)
            if fn is None:
                return super().default(obj)
            self._by_type[type(obj)] = fn
        return fn(obj)

    @classmethod
    def _abstract_classes_to_json(cls, obj: object) -> dict[str, object]:
        bases = cls._bases.get(type(obj))
        if bases is None:
            bases = cls._bases[type(obj)] = (
                isinstance(obj, model.HasExtension), isinstance(obj, model.HasDataSpecification),
                model.resolve_referable_class_in_key_types(obj).__name__ if isinstance(obj, model.Referable)
                else None,
                isinstance(obj, model.Identifiable), isinstance(obj, model.HasSemantics),
                isinstance(obj, model.HasKind), isinstance(obj, model.Qualifiable))
        ext, eds, referable, identifiable, semantics, kind, qualifiable = bases
        o: Any = obj
        data: dict[str, object] = {}
        if ext and not cls.stripped and o.extension:
            data["extensions"] = list(o.extension)
        if eds and not cls.stripped and o.embedded_data_specifications:
            data["embeddedDataSpecifications"] = [
                {"dataSpecification": spec.data_specification,
                 "dataSpecificationContent": spec.data_specification_content}
                for spec in o.embedded_data_specifications]
        if referable is not None:
            if o.id_short and not isinstance(o.parent, model.SubmodelElementList):
                data["idShort"] = o.id_short
            if o.display_name:
                data["displayName"] = o.display_name
            if o.category:
                data["category"] = o.category
            if o.description:
                data["description"] = o.description
            data["modelType"] = referable
        if identifiable:
            data["id"] = o.id
            if o.administration:
                data["administration"] = o.administration
        if semantics:
            if o.semantic_id:
                data["semanticId"] = o.semantic_id
            if o.supplemental_semantic_id:
                data["supplementalSemanticIds"] = list(o.supplemental_semantic_id)
        if kind and o.kind is model.ModellingKind.TEMPLATE:
            data["kind"] = _generic.MODELLING_KIND[o.kind]
        if qualifiable and not cls.stripped and o.qualifier:
            data["qualifiers"] = list(o.qualifier)
        return data


_ENCODER = _Encoder()


def aas_json(store: model.AbstractObjectStore[Any, Any], indent: int | None = 2, ensure_ascii: bool = False) -> str:
    """What ``write_aas_json_file(f, store, indent=indent, ensure_ascii=ensure_ascii)`` writes into ``f`` (basyx's
    AASX writer: ``indent=None, ensure_ascii=True``)."""
    return dumps_indented(_create_dict(store), _ENCODER.default, indent, ensure_ascii)
