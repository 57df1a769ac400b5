"""Template-conformance cases for the invalid corpus (used by make_corpus.py).

Built from the machining reference model with the foundation's builder (tests only), then one defect
injected per case. A case ``X.json`` may come with ``X.json.template`` (a template file, passed as
``--template``).
"""

from __future__ import annotations

import json
from typing import Any

from aas_refmodels.build import build_instance, build_template
from aas_refmodels.io.writer import serialize
from aas_refmodels.spec import load_model


def machining_instance() -> dict:
    return json.loads(serialize(build_instance(load_model("machining")).objects(), "json", "3.1"))


def machining_template() -> dict:
    return json.loads(serialize(build_template(load_model("machining")).objects(), "json", "3.1"))


def submodel(env: dict, id_short: str) -> dict:
    return next(s for s in env["submodels"] if s["idShort"] == id_short)


def child(el: dict, id_short: str) -> dict:
    items = el.get("submodelElements") or el.get("value")
    return next(c for c in items if c.get("idShort") == id_short)


def process_params(env: dict) -> dict:
    return child(child(child(submodel(env, "ProcessParameters"), "Processes"), "Process01"), "ProcessParameters")


def dumps(env: Any) -> bytes:
    return (json.dumps(env, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def cases() -> list[tuple[str, str, bytes]]:
    out = []

    def case(code: str, name: str, env: dict) -> None:
        out.append((code, name, dumps(env)))

    env = machining_instance()
    data = submodel(env, "ProcessData")
    data["submodelElements"] = [e for e in data["submodelElements"] if e["idShort"] != "ProcessType"]
    case("TPL001", "mandatory-element-missing.json", env)

    env = machining_instance()
    data = submodel(env, "ProcessData")
    data["submodelElements"].append(json.loads(json.dumps(child(data, "ProcessType"))))
    case("TPL002", "element-twice.json", env)

    env = machining_instance()
    data = submodel(env, "ProcessData")
    ct = child(data, "CycleTime")
    ct.update({"modelType": "MultiLanguageProperty", "value": [{"language": "en", "text": "402 s"}]})
    del ct["valueType"]
    case("TPL003", "property-as-mlp.json", env)

    env = machining_instance()
    child(submodel(env, "ProcessData"), "CycleTime")["valueType"] = "xs:string"
    case("TPL004", "cycle-time-string.json", env)

    env = machining_instance()
    submodel(env, "ProcessData")["submodelElements"].append(
        {"idShort": "Operator", "modelType": "Property", "valueType": "xs:string", "value": "Kim"})
    case("TPL005", "unknown-element.json", env)

    env = machining_instance()
    child(submodel(env, "ProcessData"), "CycleTime")["semanticId"]["keys"][0]["value"] = "https://example.org/other"
    case("TPL006", "wrong-semantic-id.json", env)

    env = machining_instance()
    child(submodel(env, "ProcessData"), "ResultEvaluation")["value"] = "Maybe"
    case("TPL008", "value-not-allowed.json", env)

    env = machining_instance()
    child(process_params(env), "SpindleSpeedSetpoint")["value"] = "-5"
    case("TPL009", "negative-spindle-speed.json", env)

    env = machining_instance()
    sem = child(submodel(env, "ProcessData"), "CycleTime")["semanticId"]["keys"][0]["value"]
    cd = next(c for c in env["conceptDescriptions"] if c["id"] == sem)
    cd["embeddedDataSpecifications"][0]["dataSpecificationContent"]["unit"] = "min"
    case("TPL010", "cycle-time-unit-minutes.json", env)

    env = machining_instance()
    ct = child(submodel(env, "ProcessData"), "CycleTime")
    ct["displayName"] = [n for n in ct["displayName"] if n["language"] != "ko"]
    case("TPL011", "display-name-without-korean.json", env)

    # a published-style template file with non-canonical cardinality qualifiers
    env = machining_instance()
    tmpl = machining_template()
    tdata = submodel(tmpl, "ProcessData")
    for el in tdata["submodelElements"]:
        for q in el.get("qualifiers", []):
            if q["type"] == "SMT/Cardinality" and el["idShort"] == "CycleTime":
                q["type"], q["value"] = "Multiplicity", "ZerotoOne "
    tmpl["submodels"] = [tdata]
    tmpl.pop("assetAdministrationShells", None)
    tmpl.pop("conceptDescriptions", None)
    case("TPL007", "multiplicity-qualifier.json", env)
    out.append(("TPL007", "multiplicity-qualifier.json.template", dumps(tmpl)))
    return out
