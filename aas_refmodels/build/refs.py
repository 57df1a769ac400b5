"""Small constructors for basyx references and language-string sets."""

from __future__ import annotations

from collections.abc import Mapping

from basyx.aas import model


def global_ref(value: str) -> model.ExternalReference:
    return model.ExternalReference((model.Key(model.KeyTypes.GLOBAL_REFERENCE, value),))


def submodel_ref(submodel_id: str) -> model.ModelReference[model.Submodel]:
    return model.ModelReference((model.Key(model.KeyTypes.SUBMODEL, submodel_id),), model.Submodel)


def names(texts: Mapping[str, str]) -> model.MultiLanguageNameType:
    return model.MultiLanguageNameType({lang: text[:128] for lang, text in texts.items()})


def texts(texts: Mapping[str, str]) -> model.MultiLanguageTextType:
    return model.MultiLanguageTextType({lang: text[:1023] for lang, text in texts.items()})
