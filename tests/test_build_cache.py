"""What the builder shares between instances of one spec, and the writers' cache of it (issue 14, build side).

The ConceptDescriptions of a spec and the semantic IDs of its elements are built once per spec object and
registered in ``aas_refmodels.frozen``; the JSON, XML and AASX writers serialize each of them once. The bytes must
stay basyx's: two specs in one process, rebuilt specs, changed copies, every packaged model, every format.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import zipfile

import pytest
from basyx.aas import model
from basyx.aas.adapter import aasx
from basyx.aas.adapter.json import write_aas_json_file
from basyx.aas.adapter.xml import write_aas_xml_file
from basyx.aas.util import traversal
from hypothesis import given, settings
from hypothesis import strategies as st

from aas_refmodels import frozen
from aas_refmodels.build import build_instance, build_template
from aas_refmodels.build import builder as B
from aas_refmodels.build import values as V
from aas_refmodels.build.concepts import build_concept_descriptions, concept_description, own_concepts
from aas_refmodels.io import fastaasx
from aas_refmodels.io.fastjson import aas_json
from aas_refmodels.io.fastxml import aas_xml
from aas_refmodels.spec import available_models, load_model


def _store(objects: list[model.Identifiable]) -> model.DictIdentifiableStore[model.Identifiable]:
    return model.DictIdentifiableStore(objects)


def _basyx_json(objects: list[model.Identifiable], **kw: object) -> str:
    text = io.StringIO()
    write_aas_json_file(text, _store(objects), **kw)
    return text.getvalue()


def _basyx_xml(objects: list[model.Identifiable]) -> bytes:
    buf = io.BytesIO()
    write_aas_xml_file(buf, _store(objects), pretty_print=True)
    return buf.getvalue()


def _package(cls: type, objects: list[model.Identifiable], write_json: bool) -> dict[str, bytes]:
    buf = io.BytesIO()
    files = aasx.DictSupplementaryFileContainer()
    paths = {el.value for obj in objects if isinstance(obj, model.Submodel) for el in traversal.walk_submodel(obj)
             if isinstance(el, model.File) and el.value and el.value.startswith("/")}
    for path in sorted(paths):  # the File targets as supplementary files: their parts and relationships too
        files.add_file(path, io.BytesIO(b"%PDF-1.4 " + path.encode()), "application/pdf")
    with cls(buf) as writer:
        writer.write_all_aas_objects("/aasx/data." + ("json" if write_json else "xml"), _store(objects), files,
                                     write_json=write_json)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def _same_as_basyx(objects: list[model.Identifiable]) -> None:
    assert aas_json(_store(objects)) == _basyx_json(objects, indent=2, ensure_ascii=False)
    assert aas_json(_store(objects), indent=None, ensure_ascii=True) == _basyx_json(objects)
    assert aas_xml(_store(objects)) == _basyx_xml(objects)


@pytest.mark.parametrize(("name", "version"), available_models())
def test_cached_writers_give_basyx_bytes_for_every_model(name, version):
    spec = load_model(name, version)
    first, template, second = build_instance(spec), build_template(spec), build_instance(spec)
    for built in (first, template, second, first):  # the second time from the warm cache
        _same_as_basyx(built.objects())
    for write_json in (True, False):
        members = _package(fastaasx.AASXWriter, second.objects(), write_json)
        assert members == _package(aasx.AASXWriter, second.objects(), write_json)


def test_supplementary_files_are_written_like_basyx():
    built = build_instance(load_model("machining"))
    sm = built.submodels[0]
    sm.submodel_element.add(model.File("Manual", content_type="application/pdf", value="/aasx/files/manual.pdf"))
    sm.submodel_element.add(model.File("Drawing", content_type="application/pdf", value="/aasx/files/drawing.pdf"))
    for write_json in (True, False):
        members = _package(fastaasx.AASXWriter, built.objects(), write_json)
        assert "aasx/files/manual.pdf" in members and "aasx/files/drawing.pdf" in members
        assert members == _package(aasx.AASXWriter, built.objects(), write_json)


def test_two_specs_in_one_process_interleaved():
    a, b = load_model("machining"), load_model("injection-molding")
    other_base = load_model("machining", base_iri="https://example.org/other/")
    built = [build_instance(s) for s in (a, b, other_base, a, b, other_base)]
    for x in built:
        _same_as_basyx(x.objects())
    texts = [aas_json(_store(x.objects())) for x in built]
    assert texts[0] == texts[3] and texts[1] == texts[4] and texts[2] == texts[5]
    assert len({texts[0], texts[1], texts[2]}) == 3


def test_shared_objects_are_registered_and_leave_with_their_spec():
    spec = dataclasses.replace(load_model("machining"))  # a spec object of its own
    cds = build_concept_descriptions(spec)
    assert cds and all(frozen.is_shared(cd) for cd in cds)
    el = build_instance(spec).submodels[0].submodel_element
    first = next(iter(el))
    assert frozen.is_shared(first.semantic_id)
    before = frozen.registered()
    del spec, cds, el, first
    gc.collect()
    assert frozen.registered() < before  # the spec's ConceptDescriptions and references left the registry


def test_rebuilt_spec_gets_its_own_concept_descriptions():
    spec = load_model("machining")
    old = build_concept_descriptions(spec)
    changed = dataclasses.replace(spec, base_iri="https://example.org/changed/")
    new = build_concept_descriptions(changed)
    assert all(a is not b for a, b in zip(old, new, strict=False))
    built = build_instance(changed)
    _same_as_basyx(built.objects())
    assert "https://example.org/changed/" in aas_json(_store(built.objects()))


def test_a_new_object_at_a_dead_objects_address_is_not_taken_for_it():
    spec = load_model("machining")
    concepts = list(own_concepts(spec))
    texts = set()
    for _ in range(50):  # addresses of freed objects are reused; a registered entry must not be
        cd = concept_description(concepts[0])
        frozen.share(cd)
        aas_json(_store([cd]))
        del cd
        cd = concept_description(concepts[1])  # not registered
        assert not frozen.is_shared(cd)
        texts.add(aas_json(_store([cd])))
        del cd
    assert len(texts) == 1


def test_objects_not_shared_are_serialized_afresh():
    """A ConceptDescription a user built and changes between writes is written as it is now."""
    cd = concept_description(next(own_concepts(load_model("machining"))))
    before = aas_json(_store([cd]))
    cd.id_short = "Changed"
    after = aas_json(_store([cd]))
    assert '"idShort": "Changed"' in after and after != before
    assert after == _basyx_json([cd], indent=2, ensure_ascii=False)
    assert aas_xml(_store([cd])) == _basyx_xml([cd])


def test_instances_share_semantic_ids_but_not_language_sets():
    spec = load_model("machining")
    one, two = build_instance(spec), build_instance(spec)
    a, b = next(iter(one.submodels[0].submodel_element)), next(iter(two.submodels[0].submodel_element))
    assert a.semantic_id is b.semantic_id  # immutable in basyx
    assert a.display_name is not b.display_name and a.description is not b.description
    assert a.display_name == b.display_name
    a.display_name["de"] = "Geändert"  # a changed copy changes one instance only
    a.description["en"] = "changed"
    assert "de" not in b.display_name and b.description["en"] != "changed"
    for built in (one, two):
        _same_as_basyx(built.objects())
    assert "Geändert" in aas_json(_store(one.objects())) and "Geändert" not in aas_json(_store(two.objects()))


def test_changed_names_of_a_spec_element_are_noticed():
    spec = dataclasses.replace(load_model("machining"))
    element = spec.submodels[0].elements[0]  # shared with the loader's cached spec: put back below
    original = element.name["en"]
    build_instance(spec)
    element.name["en"] = "Renamed in place"  # a spec is immutable by contract; a changed dict is still seen
    try:
        built = build_instance(spec)
        first = next(iter(built.submodels[0].submodel_element))
        assert first.display_name["en"] == "Renamed in place"
    finally:
        element.name["en"] = original


_segment = st.sampled_from(["A", "B", "Ab", "B_1", "C"])
_key = st.lists(st.tuples(_segment, st.one_of(st.none(), st.integers(0, 12))), min_size=1, max_size=4).map(
    lambda parts: ".".join(s + ("" if i is None else f"[{i}]") for s, i in parts))


@given(st.sets(_key, max_size=12), _key)
@settings(max_examples=200, deadline=None)
def test_path_index_answers_like_values_under_and_indices(keys, path):
    flat = dict.fromkeys(keys, 1)
    filler = B._Filler(flat, {}, None)
    for p in {path, *keys, *(k.rpartition(".")[0] for k in keys), *(k.partition("[")[0] for k in keys)}:
        assert filler.present(p) == any(True for _ in V.under(flat, p)), p
        assert filler.indices(p) == V.indices(flat, p), p


def test_split_paths_are_remembered_but_each_call_gets_its_own_list():
    first = V.split("ProcessData.Tools[2].Name")
    first.append("changed")
    assert V.split("ProcessData.Tools[2].Name") == ["ProcessData", "Tools", 2, "Name"]
    long = ".".join(["A"] * 200)
    assert V.split(long) == ["A"] * 200
    for bad in ("A..B", "A.1B", ".".join(["A"] * 200) + ".1"):
        with pytest.raises(ValueError):
            V.split(bad)
