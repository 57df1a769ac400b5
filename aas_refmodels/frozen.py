"""Objects shared read-only by many built models, and the writers' cache of their serialized form.

The builder registers what it shares (a spec's ConceptDescriptions, the semantic IDs of its elements) with
:func:`share`; a writer asks :func:`renderings` for the object's cache (a dict the writer fills, e.g.
``("json", indent) -> text``) and gets None for anything not registered, so an object a user built is always
serialized afresh. The registry holds weak references only: an entry leaves with its object, and a new object at
a dead one's address is not taken for it (the entry checks that its object is alive and the same). Shared
objects are read-only by contract: change a copy, not the object of a built model.
"""

from __future__ import annotations

import contextlib
import weakref
from typing import Any, TypeVar

T = TypeVar("T")

# id(object) -> (weak reference to it, its renderings)
_SHARED: dict[int, tuple[weakref.ref[Any], dict[Any, Any]]] = {}


def share(obj: T) -> T:
    """Register ``obj`` as shared read-only (returns it); an object without weak references is left out."""
    key = id(obj)
    entry = _SHARED.get(key)
    if entry is not None and entry[0]() is obj:
        return obj

    def forget(ref: weakref.ref[Any], key: int = key) -> None:
        current = _SHARED.get(key)
        if current is not None and current[0] is ref:
            del _SHARED[key]

    with contextlib.suppress(TypeError):  # no weak references: not shared
        _SHARED[key] = (weakref.ref(obj, forget), {})
    return obj


def renderings(obj: object) -> dict[Any, Any] | None:
    """The writers' cache of a shared object; None if ``obj`` was not registered with :func:`share`."""
    entry = _SHARED.get(id(obj))
    if entry is None or entry[0]() is not obj:
        return None
    return entry[1]


def is_shared(obj: object) -> bool:
    return renderings(obj) is not None


def registered() -> int:
    """How many live objects are registered (for tests)."""
    return len(_SHARED)
