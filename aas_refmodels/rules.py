"""The rule catalogue: every code a validator can report, with its default severity, layer and source.

Single source for ``aasref rules`` / ``aasref explain`` and for ``--select`` / ``--ignore``. Codes are never
reused; a retired rule stays here with ``retired=True``.

Families:
  ``AASd-NNN``, ``AASc-…``  meta-model constraints of IDTA-01001 / IDTA-01003-a, the standard's own id verbatim
  ``MMnnn``   meta-model requirements without a constraint id (value vs valueType, BCP 47 tags, …) and
              what the peer checkers miss (duplicate ids across the environment, dangling ModelReferences, …)
  ``SCH1nn``  official JSON Schema   ``SCH2nn`` official XSD
  ``SERnnn``  reading / deserialization       ``PKGnnn``  AASX package (IDTA-01005, ECMA-376-2 OPC)
  ``TPLnnn``  template conformance            ``REFnnn``  domain rules of the reference models

This module imports nothing else from ``aas_refmodels`` except ``findings``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Layer, Severity, StandardRef

V30, V31 = "3.0", "3.1"
BOTH = frozenset({V30, V31})

_PART1 = {V30: "IDTA-01001-3-0", V31: "IDTA-01001-3-1"}
_PART3A = {V30: "IDTA-01003-a-3-0", V31: "IDTA-01003-a-3-1"}
_PART5 = {V30: "IDTA-01005-3-0", V31: "IDTA-01005-3-1"}
_SCHEMA = {V30: "aas.json 3.0.9", V31: "aas.json 3.1.2"}
_XSD = {V30: "AAS.xsd 3.0.9", V31: "AAS.xsd 3.1.2"}


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    title: str
    severity: Severity
    layer: Layer
    documents: dict[str, str]  # version -> document
    clause: str | None = None
    versions: frozenset[str] = BOTH
    explanation: str = ""
    retired: bool = False

    def source(self, version: str | None) -> StandardRef:
        doc = self.documents.get(version or V31) or next(iter(self.documents.values()))
        return StandardRef(doc, self.clause)


_OWN_CODE = "<code>"


def _r(code: str, title: str, layer: Layer, docs: dict[str, str], clause: str | None = _OWN_CODE,
       severity: Severity = Severity.ERROR, versions: frozenset[str] = BOTH, explanation: str = "") -> Rule:
    return Rule(code, title, severity, layer, docs, code if clause == _OWN_CODE else clause, versions, explanation)


_M, _S, _D, _P, _T = Layer.METAMODEL, Layer.SCHEMA, Layer.DESERIALIZE, Layer.PACKAGE, Layer.TEMPLATE
_AASD = [
    ("AASd-002", "idShort shall only feature letters, digits, underscore (3.1: and hyphen), start with a letter "
                 "(3.1: at least two characters, not ending with a hyphen)"),
    ("AASd-005", "a revision requires a version in AdministrativeInformation"),
    ("AASd-014", "a self-managed Entity has a globalAssetId or specificAssetIds; other entities have neither"),
    ("AASd-020", "a Qualifier value shall be consistent with its valueType"),
    ("AASd-021", "every Qualifiable has at most one Qualifier per type"),
    ("AASd-022", "idShorts of non-identifiable Referables are unique within their namespace (case-sensitive)"),
    ("AASd-077", "extension names are unique within one element"),
    ("AASd-107", "a child of a SubmodelElementList with a semanticId has the list's semanticIdListElement"),
    ("AASd-108", "all children of a SubmodelElementList have the modelType given by typeValueListElement"),
    ("AASd-109", "lists of Property or Range declare valueTypeListElement and all children have that valueType"),
    ("AASd-114", "children of a SubmodelElementList that have semanticIds have identical ones"),
    ("AASd-116", "a specificAssetId named globalAssetId has the value of the globalAssetId"),
    ("AASd-117", "idShort is required for Referables that are not direct children of a SubmodelElementList"),
    ("AASd-118", "supplementalSemanticIds require a semanticId"),
    ("AASd-119", "a TemplateQualifier may only qualify an element of kind Template"),
    ("AASd-121", "the first key of a Reference is a GloballyIdentifiable"),
    ("AASd-122", "the first key of an ExternalReference is a GenericGloballyIdentifiable"),
    ("AASd-123", "the first key of a ModelReference is an AasIdentifiable"),
    ("AASd-124", "the last key of an ExternalReference is a GenericGloballyIdentifiable or GenericFragmentKey"),
    ("AASd-125", "keys after the first key of a ModelReference are FragmentKeys"),
    ("AASd-126", "only the last key of a ModelReference may be a GenericFragmentKey"),
    ("AASd-127", "a FragmentReference key is preceded by a File or Blob key"),
    ("AASd-128", "a key after a SubmodelElementList key is an integer index"),
    ("AASd-129", "a SubmodelElement with a TemplateQualifier belongs to a Submodel of kind Template"),
    ("AASd-130", "strings consist of XML characters only"),
    ("AASd-131", "AssetInformation has a globalAssetId or at least one specificAssetId"),
    ("AASd-133", "SpecificAssetId.externalSubjectId is an ExternalReference"),
    ("AASd-134", "idShorts of the variables of an Operation are unique"),
]
_AASC = [
    ("AASc-3a-004", "IEC 61360 concepts of category PROPERTY or VALUE declare a suitable dataType"),
    ("AASc-3a-005", "IEC 61360 concepts of category REFERENCE have dataType STRING, IRI or IRDI"),
    ("AASc-3a-006", "IEC 61360 concepts of category DOCUMENT have dataType FILE, BLOB or HTML"),
    ("AASc-3a-007", "IEC 61360 concepts of category QUALIFIER_TYPE declare a dataType"),
    ("AASc-3a-008", "IEC 61360 definitions are given, at least in English (except for values)"),
    ("AASc-3a-009", "IEC 61360 measures and currencies declare a unit or unitId"),
    ("AASc-3a-010", "IEC 61360 value and valueList are mutually exclusive"),
]

RULES: dict[str, Rule] = {}


def _add(rule: Rule) -> None:
    assert rule.code not in RULES, rule.code
    RULES[rule.code] = rule


for _code, _title in _AASD:
    _add(_r(_code, _title, _M, _PART1))
_add(_r("AASd-090", "the category of a data element is CONSTANT, PARAMETER or VARIABLE", _M, _PART1,
        versions=frozenset({V30})))
_add(_r("AASd-120", "direct children of a SubmodelElementList have no idShort (dropped in 3.1)", _M, _PART1,
        versions=frozenset({V30})))
for _code, _title in _AASC:
    _add(_r(_code, _title, _M, _PART3A))
_add(_r("AASc-3a-002", "an IEC 61360 preferredName is given at least in English", _M, _PART3A,
        versions=frozenset({V30})))
_add(_r("AASc-002", "an IEC 61360 preferredName is given at least in English", _M, _PART3A,
        versions=frozenset({V31})))

# metamodel requirements without a constraint id, and what the peers miss. Every one states what it rests on
# (``aasref explain``); a rule that rests on no normative text is a warning by default.
_NO_NORM = " No constraint of IDTA-01001 requires this, so it is a warning by default (--fail-on warning makes it fail)."
_BASIS = {
    "MM001": "IDTA-01001 Property/Range: value, min and max are of the data type given by valueType "
             "(DataTypeDefXsd, XML Schema 1.1 Part 2 lexical spaces); aas-core's invariant 'value must be "
             "consistent with the value type'. xs:anyURI is checked by aasref (RFC 3987 IRI reference syntax, "
             "as the XSD anyURI pattern) because aas-core3.1 1.0.0 rejects valid ones.",
    "MM002": "IDTA-01001 primitive data types (NonEmptyString, Identifier, ContentType, DateTimeUtc, …): length "
             "limits, patterns and formats of the metamodel; aas-core's invariants of those types.",
    "MM003": "IDTA-01001 LangString: language is a BCP 47 language tag (RFC 5646); aas-core's invariant.",
    "MM004": "IDTA-01001 MultiLanguageTextType/NameType: at most one string per language; aas-core's invariant.",
    "MM010": "IDTA-01001 Identifiable/id: 'the globally unique identification of the element' - two "
             "Identifiables of one environment with the same id contradict it.",
    "MM011": "IDTA-01001 ModelReference: keys form a path that 'gives unique access to an element'. That a "
             "reference into an Identifiable of the same environment resolves there is a consistency check of "
             "aasref, not a numbered constraint." + _NO_NORM + " A semanticId that names a ConceptDescription "
             "of the file with a wrong key type (e.g. Submodel) is reported with the reference that is meant.",
    "MM012": "A ModelReference to an Identifiable absent from the environment may be resolved by a registry or "
             "repository elsewhere; aasref points it out." + _NO_NORM,
    "MM013": "A semanticId naming a ConceptDescription that is not in the environment may be resolved "
             "elsewhere; aasref points it out." + _NO_NORM,
    "MM014": "IDTA-01001 SMT qualifiers (SMT/Cardinality, …) describe templates (IDTA SMT specification); on "
             "an instance they are left-overs of the template." + _NO_NORM,
    "MM015": "Any other invariant of the metamodel that aas-core verifies (its message quotes the rule).",
}
for _code, _title, _sev, _clause in [
    ("MM001", "a value (Property.value, Range.min/max, …) is consistent with its valueType", Severity.ERROR,
     "Property/Range valueType"),
    ("MM002", "a string attribute meets its metamodel type (non-empty, length, pattern, MIME type, date)",
     Severity.ERROR, "primitive data types"),
    ("MM003", "language tags are BCP 47 language tags", Severity.ERROR, "LangStringSet/language"),
    ("MM004", "a LangStringSet has at most one string per language", Severity.ERROR, "LangStringSet"),
    ("MM010", "Identifiable ids are unique across the environment", Severity.ERROR, "Identifiable/id"),
    ("MM011", "a ModelReference into an Identifiable of the environment resolves to an element", Severity.WARNING,
     "ModelReference"),
    ("MM012", "a ModelReference points to an Identifiable present in the environment", Severity.WARNING,
     "ModelReference"),
    ("MM013", "a ConceptDescription referenced by a semanticId is present in the environment", Severity.WARNING,
     "HasSemantics/semanticId"),
    ("MM014", "template qualifiers (SMT/…) appear on templates only, not on instances", Severity.WARNING,
     "SMT qualifiers (IDTA-01001 Annex)"),
    ("MM015", "other metamodel invariant reported by aas-core", Severity.ERROR, "metamodel invariant"),
]:
    _add(_r(_code, _title, _M, _PART1, clause=_clause, severity=_sev, explanation=_BASIS[_code]))

for _code, _title, _clause in [
    ("SCH101", "a required property is missing", "required"),
    ("SCH102", "a value has the wrong JSON type", "type"),
    ("SCH103", "a string does not match its pattern", "pattern"),
    ("SCH104", "a string or array is too short or too long", "minLength/maxLength/minItems"),
    ("SCH105", "a value is not one of the allowed values (enumeration or modelType constant)", "enum/const"),
    ("SCH106", "an element matches none of the allowed model types", "oneOf"),
]:
    _add(_r(_code, _title, _S, _SCHEMA, clause=_clause))
_add(_r("SCH201", "the XML document is not valid against the official XSD", _S, _XSD, clause="XSD"))

_SER005 = ("basyx-python-sdk 2.2.0 is stricter than the metamodel in places: it refuses 328 of the 2,588 official "
           "V3.1.2 example files, which are valid by construction. Its rejection is therefore a warning (the file "
           "will not load in basyx-based tools), not an error; the metamodel verdict comes from aas-core and the "
           "checks of the metamodel layer. The check is opt-in (--basyx-compat, validate(..., basyx=True)).")
_SERDOC = {V30: "IDTA-01001-3-0 serialization", V31: "IDTA-01001-3-1 serialization"}
for _code, _title, _clause in [
    ("SER001", "the file is not well-formed JSON or XML", "RFC 8259 / XML 1.0"),
    ("SER002", "the file is not valid UTF-8 (or its declared encoding)", "encoding"),
    ("SER003", "the document is not an AAS environment of a supported metamodel version", "Environment"),
    ("SER004", "the document cannot be deserialized into the metamodel (aas-core)", "mapping"),
    ("SER005", "a strict basyx read rejects the document (the file will not load in basyx-based tools)", "mapping"),
    ("SER006", "the XML document contains a DTD or entity declaration (refused for safety)", "XML DTD"),
    ("SER007", "the input exceeds a safety limit (size or nesting depth)", "limits"),
    ("SER008", "the input is not a regular file (FIFO, device, socket): refused unread", "input"),
]:
    _add(_r(_code, _title, _D, _SERDOC, clause=_clause,
            severity=Severity.WARNING if _code == "SER005" else Severity.ERROR,
            explanation=_SER005 if _code == "SER005" else ""))

_OPC = {V30: "ECMA-376-2 / IDTA-01005-3-0", V31: "ECMA-376-2 / IDTA-01005-3-1"}
for _code, _title, _sev, _doc, _clause, _basis in [
    ("PKG001", "the AASX file is not a readable ZIP archive (truncated or corrupt)", Severity.ERROR, _OPC,
     "ECMA-376-2 Annex C (ZIP)", "An OPC package is a ZIP archive (ECMA-376-2 Annex C); IDTA-01005 builds AASX "
     "on OPC."),
    ("PKG002", "the archive exceeds a safety limit (size, compression ratio or entry count)", Severity.ERROR, _OPC,
     "limits", "Not a rule of the standard: aasref's own safety limits against zip bombs (Limits, "
     "--max-zip-size, --max-zip-ratio). An error because the package is not read at all."),
    ("PKG003", "a part name is absolute, escapes the package or is not a valid part name", Severity.ERROR, _OPC,
     "ECMA-376-2 §6.2.2 part names", "ECMA-376-2 part-name grammar (§6.2.2): segments without '..', no "
     "backslashes, no drive letters."),
    ("PKG004", "[Content_Types].xml is missing or invalid", Severity.ERROR, _OPC, "ECMA-376-2 §10.1.2",
     "ECMA-376-2 §10.1.2: every package has a Content Types stream."),
    ("PKG005", "the package relationships (_rels/.rels) are missing or invalid", Severity.ERROR, _OPC,
     "ECMA-376-2 §9.3", "ECMA-376-2 §9.3 relationships parts; IDTA-01005 reaches the AAS parts through them."),
    ("PKG006", "the aasx-origin relationship or the origin part is missing", Severity.ERROR, _PART5, "aasx-origin",
     "IDTA-01005 (AASX package structure): the package relationships include one of type "
     "http://admin-shell.io/aasx/relationships/aasx-origin with an internal target, the origin part."),
    ("PKG007", "no readable AAS spec part (aas-spec relationship target missing or of unknown type)",
     Severity.ERROR, _PART5, "aas-spec", "IDTA-01005: the origin part's relationships of type "
     "http://admin-shell.io/aasx/relationships/aas-spec point to the AAS environment parts (JSON or XML)."),
    ("PKG008", "a File element refers to a package part that is missing", Severity.ERROR, _PART5,
     "aas-suppl", "IDTA-01005: a File value that is a package-relative path names a supplementary part of "
     "the package; a missing part makes the File element's content unavailable."),
    ("PKG009", "the thumbnail relationship points to a missing part", Severity.ERROR, _OPC,
     "ECMA-376-2 §9.3 / thumbnail", "ECMA-376-2: an internal relationship targets a part of the package; "
     "the AASX thumbnail relationship is the OPC package thumbnail."),
    ("PKG010", "the relationship type uses the legacy namespace http://www.admin-shell.io/aasx/",
     Severity.WARNING, _PART5, "aasx-origin", "IDTA-01005 names the relationship types in "
     "http://admin-shell.io/aasx/; the legacy www. form is read by common tools, hence a warning."),
]:
    _add(_r(_code, _title, _P, _doc, clause=_clause, severity=_sev, explanation=_basis))

_TPLDOC = {V30: "template", V31: "template"}
for _code, _title, _sev in [
    ("TPL001", "a mandatory element of the template is missing", Severity.ERROR),
    ("TPL002", "an element occurs more often than its cardinality allows", Severity.ERROR),
    ("TPL003", "an element has a different modelType than in the template", Severity.ERROR),
    ("TPL004", "an element has a different valueType than in the template", Severity.ERROR),
    ("TPL005", "an element is not part of the template", Severity.WARNING),
    ("TPL006", "an element has a different semanticId than in the template", Severity.ERROR),
    ("TPL007", "the template file spells a cardinality qualifier in a non-canonical way", Severity.WARNING),
    ("TPL008", "a value is not one of the template's allowed values", Severity.ERROR),
    ("TPL009", "a value lies outside the template's allowed range", Severity.ERROR),
    ("TPL010", "the unit in the element's ConceptDescription differs from the template", Severity.ERROR),
    ("TPL011", "a required language (en, ko for reference models) is missing", Severity.ERROR),
]:
    _add(_r(_code, _title, _T, _TPLDOC, severity=_sev,
            clause="SMT/Cardinality" if _code in ("TPL001", "TPL002", "TPL007") else None))

_add(_r("REF001", "a Range has min not greater than max", _M, {V30: "aasref", V31: "aasref"}, clause="Range",
        severity=Severity.WARNING,
        explanation="IDTA-01001 Range has min and max but no constraint relating them; a range with min above "
                    "max is empty, almost surely a mistake." + _NO_NORM))


def get(code: str) -> Rule:
    """The rule of ``code`` (``KeyError`` if unknown)."""
    return RULES[code]


def matching(prefixes: tuple[str, ...]) -> list[str]:
    """Codes selected by code prefixes (``AASd``, ``SCH1``, ``TPL001``)."""
    return [c for c in RULES if c.startswith(prefixes)]
