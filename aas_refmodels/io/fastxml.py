"""XML of basyx objects, the same bytes as basyx's ``write_aas_xml_file(pretty_print=True)``, with each shared
ConceptDescription (registered in :mod:`aas_refmodels.frozen`) converted once and copied from then on.

:func:`environment_element` is basyx's ``object_store_to_xml_element`` with that one change: the element of a
shared ConceptDescription is kept with the object and a deep copy (lxml, in C) goes into each document. Every other
object is converted by basyx's own functions (tests compare the bytes with basyx's on every packaged model).
"""

from __future__ import annotations

import copy
import io
from typing import Any

from basyx.aas import model
from basyx.aas.adapter import _generic
from basyx.aas.adapter.xml import xml_serialization as xs
from basyx.aas.model.concept import ConceptDescription
from lxml import etree

from ..frozen import renderings

_KEY = "xml-element"


def _concept_description(cd: ConceptDescription) -> etree._Element:
    cache = renderings(cd)
    if cache is None:
        return xs.concept_description_to_xml(cd)
    element = cache.get(_KEY)
    if element is None:
        element = cache[_KEY] = xs.concept_description_to_xml(cd)
    return copy.deepcopy(element)


def environment_element(data: model.AbstractObjectStore[Any, Any]) -> etree._Element:
    """basyx's ``object_store_to_xml_element(data)`` (the same tree)."""
    shells: list[model.AssetAdministrationShell] = []
    submodels: list[model.Submodel] = []
    concept_descriptions: list[ConceptDescription] = []
    for obj in data:
        if isinstance(obj, model.AssetAdministrationShell):
            shells.append(obj)
        elif isinstance(obj, model.Submodel):
            submodels.append(obj)
        elif isinstance(obj, ConceptDescription):
            concept_descriptions.append(obj)
    root = etree.Element(xs.NS_AAS + "environment", nsmap=_generic.XML_NS_MAP)
    if shells:
        et_shells = etree.Element(xs.NS_AAS + "assetAdministrationShells")
        for shell in shells:
            et_shells.append(xs.asset_administration_shell_to_xml(shell))
        root.append(et_shells)
    if submodels:
        et_submodels = etree.Element(xs.NS_AAS + "submodels")
        for sm in submodels:
            et_submodels.append(xs.submodel_to_xml(sm))
        root.append(et_submodels)
    if concept_descriptions:
        et_cds = etree.Element(xs.NS_AAS + "conceptDescriptions")
        for cd in concept_descriptions:
            et_cds.append(_concept_description(cd))
        root.append(et_cds)
    return root


def aas_xml(data: model.AbstractObjectStore[Any, Any]) -> bytes:
    """What ``write_aas_xml_file(f, data, pretty_print=True)`` writes into ``f``."""
    buf = io.BytesIO()
    etree.ElementTree(environment_element(data)).write(buf, encoding="UTF-8", xml_declaration=True, method="xml",
                                                        pretty_print=True)
    return buf.getvalue()
