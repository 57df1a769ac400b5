"""Start-up: aas-core's verification modules compile their regular expressions on first use, not at import."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import re
import sys
import threading
import types
from typing import Any

# aas-core3.0's verification module compiles ~40 patterns when imported, its xs:anyURI (RFC 3987) pattern alone
# about 0.15 s of CPU (the IRI character ranges); a validation uses a dozen of them. The modules themselves are
# unchanged: while they are imported, their `import re` gets a copy of `re` whose compile() defers the work to
# the first match (the same pattern and flags, compiled once, thread-safe).
MODULES = frozenset({"aas_core3.verification", "aas_core3_1.verification"})


class LazyPattern:
    """``re.compile(pattern, flags)`` done on first use; behaves as the compiled pattern.

    Once compiled, the module global that held it is rebound to the compiled pattern, and the proxy's own
    ``match``/``fullmatch``/``search`` become the compiled pattern's: no cost per match after the first."""

    def __init__(self, pattern: Any, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[Any] | None = None
        self._lock = threading.Lock()
        self._owners: list[tuple[dict[str, Any], str]] = []  # (module globals, name) holding this proxy

    def compiled(self) -> re.Pattern[Any]:
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    compiled = re.compile(*self._args)
                    self.__dict__.update(match=compiled.match, fullmatch=compiled.fullmatch,
                                         search=compiled.search)
                    for namespace, name in self._owners:
                        if namespace.get(name) is self:
                            namespace[name] = compiled
                    self._compiled = compiled
        return self._compiled

    def match(self, *args: Any) -> Any:
        return self.compiled().match(*args)

    def fullmatch(self, *args: Any) -> Any:
        return self.compiled().fullmatch(*args)

    def search(self, *args: Any) -> Any:
        return self.compiled().search(*args)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_args", "_compiled", "_lock", "_owners"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._args[0]!r:.60})"


def _lazy_compile(pattern: Any, flags: int = 0) -> Any:
    return pattern if isinstance(pattern, (re.Pattern, LazyPattern)) else LazyPattern(pattern, flags)


_LAZY_RE = types.ModuleType("re", re.__doc__)
_LAZY_RE.__dict__.update({k: v for k, v in vars(re).items() if k not in ("__name__", "__doc__")})
_LAZY_RE.compile = _lazy_compile  # type: ignore[attr-defined]


class _Loader(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: types.ModuleType) -> None:
        real = sys.modules.get("re", re)
        sys.modules["re"] = _LAZY_RE
        try:
            self._loader.exec_module(module)
        finally:
            sys.modules["re"] = real
        namespace = vars(module)
        for name, value in list(namespace.items()):
            if isinstance(value, LazyPattern):
                value._owners.append((namespace, name))

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ... of the real loader
        return getattr(self._loader, name)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MODULES:
            return None
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, _Finder) or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def install() -> bool:
    """Defer the patterns of aas-core modules imported from now on (idempotent). True when installed now."""
    if any(isinstance(f, _Finder) for f in sys.meta_path):
        return False
    sys.meta_path.insert(0, _Finder())
    return True
