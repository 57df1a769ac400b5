"""Live machine data: read an OPC UA server through the models' own OPC UA ids and build the AAS instance."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime
import sys
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import AasRefModelsError, ValuesError
from ..spec import Cardinality, ElementSpec, ModelSpec, SubmodelSpec

if TYPE_CHECKING:
    from ..build import BuiltModel
    from ._bind import Plan, Row

__all__ = ["COMPANION_TYPES", "CollectError", "CollectResult", "PollResult", "Security", "collect", "collect_all",
           "collect_all_async", "collect_async", "machine_type", "poll", "poll_async"]

# The companion-specification type of the machine object each model describes (OPC UA id of the type).
COMPANION_TYPES: dict[str, str] = {
    "injection-molding": "nsu=http://opcfoundation.org/UA/PlasticsRubber/IMM2MES/;i=1007",  # IMM_MES_InterfaceType
    "machining": "nsu=http://opcfoundation.org/UA/MachineTool/;i=13",                        # MachineToolType
}  # OPC 40503 MetalForming and OPC 40450 IJT have no single machine type: give machine_type= for press / assembly
PROCESS_DATA, PROCESS_PARAMETERS = "ProcessData", "ProcessParameters"


class CollectError(AasRefModelsError):
    """Could not collect: server unreachable, timeout, security refused, browse error, no machine of the type."""


@dataclass(frozen=True)
class Security:
    """Session security passed to asyncua. Secrets are never part of ``repr`` or messages."""

    username: str | None = None
    password: str | None = field(default=None, repr=False)
    policy: str | None = None          # e.g. "Basic256Sha256"
    mode: str | None = None            # "Sign" | "SignAndEncrypt"
    cert: str | None = None
    key: str | None = None
    server_cert: str | None = None


@dataclass
class CollectResult:
    """What one machine gave: the resolution table, the values and (when complete enough) the built instance."""

    url: str
    model: str
    machine: str                        # NodeId of the machine object
    machine_path: str                   # browse path from the Objects folder
    rows: list[Row]
    values: dict[str, Any]
    missing: list[str]                  # mandatory elements without a value (paths)
    built: BuiltModel | None
    notes: list[str] = field(default_factory=list)
    timestamp: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))

    @property
    def complete(self) -> bool:
        return not self.missing

    def table(self) -> list[tuple[str, str, str, str]]:
        """(element path, status, node, detail) per row, mandatory elements marked with ``*``."""
        return [(r.path + (" *" if r.mandatory else ""), r.status, r.node, r.detail) for r in self.rows]


def machine_type(spec: ModelSpec) -> str:
    try:
        return COMPANION_TYPES[spec.model]
    except KeyError:
        raise CollectError(f"model {spec.model} names no OPC UA companion machine type; give machine_type=") from None


def _safe_url(url: str) -> str:
    """The endpoint without user info (never print a password someone put into the URL)."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        return urlunsplit((parts.scheme, f"{host}:{parts.port}" if parts.port else host, parts.path, "", ""))
    return url


def _load_spec(spec: ModelSpec | str) -> ModelSpec:
    if isinstance(spec, ModelSpec):
        return spec
    from ..spec import load_model

    name, _, version = spec.partition("/")
    return load_model(name, version or None)


# ----------------------------------------------------------------------------------------------------------------
# session


class Session:
    """One connected client with a :class:`~._browse.Browser` (use ``async with``)."""

    def __init__(self, url: str, security: Security | None, timeout: float) -> None:
        self.url, self.security, self.timeout = url, security or Security(), timeout
        self.client: Any = None
        self.browser: Any = None

    async def __aenter__(self) -> Session:
        try:
            from asyncua import Client
        except ImportError:  # pragma: no cover - the optional extra is missing
            raise CollectError("OPC UA support is not installed: pip install 'aas-refmodels[opcua]'") from None
        from ._browse import Browser

        sec = self.security
        self.client = Client(self.url, timeout=self.timeout)
        if sec.username:
            self.client.set_user(sec.username)
            self.client.set_password(sec.password or "")
        try:
            if sec.policy:
                if not (sec.cert and sec.key):
                    raise CollectError("security policy needs a client certificate and key (--cert, --key)")
                uri = _certificate_uri(sec.cert)
                if uri:  # the session's application URI has to be the one in the client certificate
                    self.client.application_uri = uri
                parts = [sec.policy, sec.mode or "SignAndEncrypt", sec.cert, sec.key]
                if sec.server_cert:
                    parts.append(sec.server_cert)
                await self.client.set_security_string(",".join(parts))
            await asyncio.wait_for(self.client.connect(), self.timeout)
            self.browser = Browser(self.client)
            await self.browser.start()
        except CollectError:
            raise
        except BaseException as exc:  # asyncua raises many kinds; every one means "could not connect"
            await self._close()
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise CollectError(f"cannot connect to {_safe_url(self.url)}: {_describe(exc)}") from None
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._close()

    async def _close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(BaseException):  # a half-open session: nothing more to release
                await asyncio.wait_for(self.client.disconnect(), self.timeout)
            self.client = None


def _certificate_uri(path: str) -> str | None:
    """The application URI (subjectAltName URI) of a DER or PEM certificate, if it can be read."""
    try:
        from cryptography import x509

        data = open(path, "rb").read()  # noqa: SIM115 - small file, read once
        cert = x509.load_pem_x509_certificate(data) if data.lstrip().startswith(b"-----") \
            else x509.load_der_x509_certificate(data)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        uris = san.get_values_for_type(x509.UniformResourceIdentifier)
        return str(uris[0]) if uris else None
    except Exception:  # unreadable here: asyncua reports the certificate problem when it loads it
        return None


@contextlib.contextmanager
def server_errors(url: str) -> Iterator[None]:
    """Errors of the server or the connection during browsing and reading become :class:`CollectError`."""
    try:
        yield
    except CollectError:
        raise
    except (OSError, TimeoutError) as exc:
        raise CollectError(f"{_safe_url(url)}: {_describe(exc)}") from None
    except Exception as exc:
        if type(exc).__module__.startswith("asyncua") or type(exc).__name__.startswith(("Ua", "Bad", "BrowseError")):
            raise CollectError(f"{_safe_url(url)}: browse or read failed: {_describe(exc)}") from None
        raise


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


# ----------------------------------------------------------------------------------------------------------------
# resolution


@dataclass
class Resolved:
    """A machine's subtree and the binding of the model's elements to its nodes (reusable for polling)."""

    machine: Any            # _browse.Node
    machine_path: str
    plan: Plan


async def _machines(session: Session, spec: ModelSpec, obj: str | None, type_id: str | None) -> list[tuple[Any, str]]:
    from asyncua import ua

    b = session.browser
    t_text = type_id or machine_type(spec)
    t = b.nodeid(t_text)
    if t is None:
        raise CollectError(f"the server has no namespace of {t_text} (companion specification not loaded)")
    if obj:
        try:
            nid = ua.NodeId.from_string(obj) if "=" in obj else await b.resolve_path(obj)
            if obj.startswith("nsu="):
                nid = b.nodeid(obj)
        except CollectError:
            raise
        except Exception as exc:
            raise CollectError(f"--object {obj}: {_describe(exc)}") from None
        if nid is None:
            raise CollectError(f"--object {obj}: namespace not on the server")
        refs = (await b.browse([nid], ref=ua.NodeId(ua.ObjectIds.HasTypeDefinition)))[0]
        td = refs[0].NodeId if refs else None
        if td is None:
            raise CollectError(f"--object {obj}: not an object on the server")
        await b.ensure_supertypes([td])
        if not b.is_a(td, t):
            raise CollectError(f"--object {obj}: its type {td.to_string()} is not {t_text} or a subtype")
        return [(nid, obj)]
    found = await b.find_instances(t)
    if not found:
        raise CollectError(f"no object of type {t_text} (or a subtype) on the server")
    return list(found)


async def _resolve(session: Session, spec: ModelSpec, machine: Any, path: str) -> Resolved:
    from ._bind import Binder, all_ids

    b = session.browser
    node = await b.subtree(machine)
    ids = sorted(all_ids(spec))
    nids = [n for n in (b.nodeid(i) for i in ids) if n is not None]
    decl = await b.declarations(nids) if nids else {}
    plan = Binder(b, node, decl).bind(spec)
    return Resolved(node, path, plan)


# ----------------------------------------------------------------------------------------------------------------
# building


def _relaxed(e: ElementSpec, path: str, keep: set[str]) -> ElementSpec:
    """``e`` with the cardinality of mandatory elements that got no value made optional (for allow_missing)."""
    card = e.cardinality
    if card.required and path not in keep:
        card = Cardinality.ZERO_TO_MANY if card.many else Cardinality.ZERO_TO_ONE
    children = tuple(_relaxed(c, f"{path}.{c.base_id_short if c.repeated else c.id_short}", keep)
                     for c in e.children)
    item = _relaxed(e.item, path + "[]", keep) if e.item is not None else None
    return dataclasses.replace(e, cardinality=card, children=children, item=item)


def _generic_keys(values: Mapping[str, Any]) -> set[str]:
    from ..build.values import generic

    out: set[str] = set()
    for k in values:
        parts = generic(k).split(".")
        for i in range(1, len(parts) + 1):
            p = ".".join(parts[:i])
            out.add(p)
            while p.endswith("[]"):
                p = p[:-2]
                out.add(p)
    return out


def _sub_spec(spec: ModelSpec, names: Sequence[str], relax_for: Mapping[str, Any] | None) -> ModelSpec:
    sms: list[SubmodelSpec] = []
    keep = _generic_keys(relax_for) if relax_for is not None else None
    for sm in spec.submodels:
        if sm.id_short not in names:
            continue
        if keep is not None:
            sm = dataclasses.replace(sm, elements=tuple(
                _relaxed(e, f"{sm.id_short}.{e.base_id_short if e.repeated else e.id_short}", keep)
                for e in sm.elements))
        sms.append(sm)
    return dataclasses.replace(spec, submodels=tuple(sms))


def _context(spec: ModelSpec, stamp: datetime.datetime) -> dict[str, Any]:
    """Values the model fixes for every record of the process, and the collection time."""
    from ..build.values import example_values

    ex = example_values(spec)
    out: dict[str, Any] = {}
    if f"{PROCESS_DATA}.ProcessType" in ex:
        out[f"{PROCESS_DATA}.ProcessType"] = ex[f"{PROCESS_DATA}.ProcessType"]
    try:
        spec.submodel(PROCESS_DATA)
    except KeyError:
        return out
    out[f"{PROCESS_DATA}.StartTime"] = stamp.isoformat(timespec="milliseconds")
    return out


def build_from_values(spec: ModelSpec, collected: Mapping[str, Any], *, extra: Mapping[str, Any] | None,
                      asset_id: str | None, allow_missing: bool, stamp: datetime.datetime,
                      ) -> tuple[BuiltModel | None, list[str], list[str]]:
    """(instance or None, missing mandatory paths, notes). ProcessData always; ProcessParameters when the
    server exposed set-points and the submodel is complete (or ``allow_missing``)."""
    from ..build import build_instance
    from ..build.values import flatten, index_spec

    base = _context(spec, stamp)
    if extra:
        flat, problems = flatten(extra, index_spec(spec))
        if problems:
            raise ValuesError("values do not fit reference model " + spec.key, problems)
        base.update(flat)
    values = {**base, **collected}
    wanted = [PROCESS_DATA]
    has_pp = any(k.startswith(PROCESS_PARAMETERS + ".") for k in collected)
    notes: list[str] = []
    missing: list[str] = []
    built: BuiltModel | None = None
    names = [sm.id_short for sm in spec.submodels]
    if PROCESS_DATA not in names:
        wanted = names
    if has_pp and PROCESS_PARAMETERS in names:
        pp_values = {k: v for k, v in values.items() if k.startswith(PROCESS_PARAMETERS + ".")}
        try:
            build_instance(_sub_spec(spec, [PROCESS_PARAMETERS], None), pp_values, asset_id=asset_id)
            wanted.append(PROCESS_PARAMETERS)
        except ValuesError as exc:
            lacking = sorted({p for p, m in exc.problems if m.startswith("missing")})
            if allow_missing and len(lacking) == len(exc.problems):
                wanted.append(PROCESS_PARAMETERS)
            else:
                notes.append(f"{PROCESS_PARAMETERS} not built: the server exposes set-points, but "
                             f"{', '.join(p for p, _ in exc.problems[:6])}{' ...' if len(exc.problems) > 6 else ''} "
                             "lack a value or do not fit (give them with values=)")
    use = {k: v for k, v in values.items() if k.split(".", 1)[0] in wanted}
    try:
        built = build_instance(_sub_spec(spec, wanted, None), use, asset_id=asset_id)
    except ValuesError as exc:
        missing = sorted({p for p, m in exc.problems if m.startswith("missing")})
        others = [(p, m) for p, m in exc.problems if not m.startswith("missing")]
        if others:
            raise
        if not allow_missing:
            return None, missing, notes
        built = build_instance(_sub_spec(spec, wanted, use), use, asset_id=asset_id)
    return built, missing, notes


# ----------------------------------------------------------------------------------------------------------------
# public API


async def collect_all_async(url: str, spec: ModelSpec | str, *, asset_id: str | None = None,
                            object: str | None = None, machine_type: str | None = None,
                            values: Mapping[str, Any] | None = None, allow_missing: bool = False,
                            security: Security | None = None, timeout: float = 5.0, event_timeout: float = 10.0,
                            single: bool = False) -> list[CollectResult]:
    """Collect every machine of the model's companion type (or ``object``) on the server at ``url``.

    ``event_timeout``: how long to wait for the machine's next event when elements are fields of an event type
    (0: do not wait; those elements are then not found). ``single``: refuse a server with several machines.
    """
    spec = _load_spec(spec)
    results: list[CollectResult] = []
    async with Session(url, security, timeout) as s:  # raises CollectError first when asyncua is missing
        from ._bind import NO_ID, NOT_FOUND, Row, prepare_reads, read_events, read_values

        with server_errors(url):
            machines = await _machines(s, spec, object, machine_type)
            if single and len(machines) > 1:
                raise CollectError(f"{len(machines)} machines of the model's type on the server: choose one with "
                                   f"object= ({', '.join(p for _, p in machines[:5])}) or collect them all")
            for k, (nid, path) in enumerate(machines):
                res = await _resolve(s, spec, nid, path)
                await prepare_reads(s.browser, res.plan)
                collected, stamp = await read_values(s.browser, res.plan)
                await read_events(s.client, s.browser, res.plan, nid, event_timeout, collected)
                aid = asset_id if asset_id is None or len(machines) == 1 else f"{asset_id.rstrip('/')}/{k + 1}"
                built, missing, notes = build_from_values(spec, collected, extra=values, asset_id=aid,
                                                          allow_missing=allow_missing, stamp=stamp)
                rows = res.plan.rows

                for p in missing:  # mandatory elements without a row yet (no OPC UA id, or not reached)
                    if not any(r.path == p or r.path.startswith((p + "[", p + ".")) for r in rows):
                        rows.append(Row(p, NOT_FOUND if _has_id(spec, p) else NO_ID, "", "mandatory; no value", True))
                results.append(CollectResult(_safe_url(url), spec.key, nid.to_string(), path, rows, collected,
                                             missing, built, notes, stamp))
    return results


def _has_id(spec: ModelSpec, path: str) -> bool:
    from ..build.values import generic, index_spec

    e = index_spec(spec).get(generic(path))
    return bool(e is not None and e.supplemental_semantic_ids)


async def collect_async(url: str, spec: ModelSpec | str, **options: Any) -> CollectResult:
    """Collect one machine (``object=`` chooses among several) and build its instance."""
    return (await collect_all_async(url, spec, single=True, **options))[0]


def collect(url: str, spec: ModelSpec | str, **options: Any) -> CollectResult:
    """Synchronous :func:`collect_async` (runs its own event loop)."""
    return asyncio.run(collect_async(url, spec, **options))


def collect_all(url: str, spec: ModelSpec | str, **options: Any) -> list[CollectResult]:
    """Synchronous :func:`collect_all_async`."""
    return asyncio.run(collect_all_async(url, spec, **options))


def __getattr__(name: str) -> Any:
    if name in ("poll", "poll_async", "PollResult"):
        from . import _poll

        return getattr(_poll, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _CallableModule(types.ModuleType):
    """``aas_refmodels.collect(url, spec, ...)`` calls :func:`collect`."""

    def __call__(self, url: str, spec: ModelSpec | str, **options: Any) -> CollectResult:
        return collect(url, spec, **options)


sys.modules[__name__].__class__ = _CallableModule
