"""``aasref list | show | build | convert``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

if TYPE_CHECKING:  # the CLI imports basyx only when a command runs (fast start)
    from ..io import Format, SpecVersion

from ._errors import EXIT_CANNOT_RUN, fail, reported

SPEC_VERSION = click.Choice(["3.1", "3.0"])
_CARD = {"One": "1", "ZeroToOne": "0..1", "ZeroToMany": "0..*", "OneToMany": "1..*"}
_ABBR = {"SubmodelElementCollection": "SMC", "SubmodelElementList": "SML", "MultiLanguageProperty": "MLP",
         "ReferenceElement": "Ref"}


def _check_base_iri(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from ..namespace import base_iri_problem

    if value is not None and (problem := base_iri_problem(value)):
        raise click.BadParameter(problem)
    return value


def _base_iri_option(f: Any) -> Any:
    return click.option("--base-iri", envvar="AASREF_BASE_IRI", metavar="IRI", callback=_check_base_iri,
                        help="Base IRI of our own concepts (default: https://example.org/aas-refmodels/).")(f)


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--markdown", is_flag=True, help="A Markdown table (as in the README).")
def list_models(as_json: bool, markdown: bool) -> None:
    """List the reference models with version, semantic IDs, element count and aliases."""
    from ..spec import available_models, load_model, model_aliases

    with reported():
        rows: list[dict[str, Any]] = []
        for name, version in available_models():
            spec = load_model(name, version)
            rows.append({"model": name, "version": version, "name": dict(spec.name),
                         "submodels": [{"idShort": sm.id_short, "semanticId": sm.semantic_id,
                                        "elements": sm.element_count()} for sm in spec.submodels],
                         "elements": spec.element_count(), "sources": list(spec.sources),
                         "aliases": list(model_aliases().get(name, ()))})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if markdown:
        click.echo("| model | 공정 | process | submodels (elements) | main sources |")
        click.echo("|---|---|---|---|---|")
        for r in rows:
            subs = ", ".join(f"{sm['idShort']} ({sm['elements']})" for sm in r["submodels"])
            click.echo(f"| `{r['model']}` {r['version']} | {r['name']['ko']} | {r['name']['en']} | {subs} | "
                       f"{'; '.join(r['sources'][:2])} |")
        return
    for r in rows:
        click.echo(f"{r['model']:<22} {r['version']:<5} {r['elements']:>4} elements  {r['name']['en']} / {r['name']['ko']}")
        if r["aliases"]:
            click.echo(f"    aliases: {', '.join(r['aliases'])}")
        for sm in r["submodels"]:
            click.echo(f"    {sm['idShort']:<18} {sm['elements']:>4}  {sm['semanticId']}")


@click.command()
@click.argument("model")
@click.option("--version", "version", metavar="X.Y", help="Model version (default: latest).")
@click.option("--lang", type=click.Choice(["en", "ko"]), default="en", show_default=True)
@click.option("--ids/--no-ids", default=False, help="Show semantic IDs.")
@click.option("--paths", "paths_", is_flag=True, help="List every fillable value path (the spelling values and "
                                                      "mapping files use) with type, unit, cardinality, names.")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True,
              help="Format of --paths.")
@click.option("--disclosure", is_flag=True, help="Show each element's disclosure class (public, partner, "
              "confidential; 'id' marks identifiers) and the model's disclosure note.")
@_base_iri_option
def show(model: str, version: str | None, lang: str, ids: bool, paths_: bool, fmt: str, base_iri: str | None,
         disclosure: bool = False) -> None:
    """Show the element tree of a reference model: types, units, cardinality, names."""
    from ..spec import load_model

    with reported():
        spec = load_model(model, version, base_iri=base_iri)
    if paths_:
        from .ingest_cmds import print_paths

        print_paths(spec, fmt, lang)
        return
    click.echo(f"{spec.model} {spec.version} — {spec.name[lang]}")
    click.echo(f"  {spec.definition[lang]}")
    if disclosure and spec.disclosure_note:
        click.echo(f"  {'disclosure' if lang == 'en' else '공개 등급'}: {spec.disclosure_note.get(lang, '')}")
    if spec.variants:
        click.echo(f"  {'variants' if lang == 'en' else '변형'} (build --kind instance --example --variant KEY):")
        for v in spec.variants:
            default = (" (default)" if lang == "en" else " (기본)") if v.default else ""
            click.echo(f"    {v.key}{default}  {v.name[lang]}")
    for sm in spec.submodels:
        click.echo(f"\n{sm.id_short}  Submodel  — {sm.name[lang]}")
        if ids:
            click.echo(f"  semanticId {sm.semantic_id}")
        _tree(sm.elements, "", lang, ids, disclosure)
    if spec.technical_properties:
        click.echo(f"\n(TechnicalData) technical properties — {'type-level' if lang == 'en' else '형식 수준 사양'}")
        _tree(spec.technical_properties, "", lang, ids, disclosure)


def unit_label(unit: str | None, lang: str) -> str:
    """`` [A/m²; plant unit A/dm²]``: the model unit and the plant units engineers use for it (models/_units.json)."""
    if not unit:
        return ""
    from ..spec.loader import plant_units

    plant = plant_units().get(unit)
    if not plant:
        return f" [{unit}]"
    return f" [{unit}; {'현장 단위' if lang == 'ko' else 'plant unit'} {', '.join(plant)}]"


def _tree(elements: Any, indent: str, lang: str, ids: bool, disclosure: bool = False,
          tags: tuple[str, ...] = ()) -> None:
    for i, e in enumerate(elements):
        last = i == len(elements) - 1
        branch, pad = ("└── ", "    ") if last else ("├── ", "│   ")
        kind = _ABBR.get(e.model_type, e.model_type)
        vt = f" {e.value_type}" if e.value_type else ""
        unit = unit_label(e.unit, lang)
        role = f" ({e.role})" if e.role else ""
        label = e.id_short or "(item)"
        cls = f"  <{e.disclosure}{', id' if e.identifier else ''}>" if disclosure else ""
        tag = f"  {{{', '.join(e.variants)}}}" if e.variants and e.variants != tags else ""
        click.echo(f"{indent}{branch}{label}  {kind}{vt}{unit}  {_CARD[e.cardinality.value]}{role}{cls}{tag}  "
                   f"{e.name[lang]}")
        if ids:
            click.echo(f"{indent}{pad}    semanticId {e.semantic_id}")
            for s in e.supplemental_semantic_ids:
                click.echo(f"{indent}{pad}    supplemental {s}")
        if e.allowed_values:
            click.echo(f"{indent}{pad}    allowed: {', '.join(e.allowed_values)}")
        children = list(e.children) + ([e.item] if e.item is not None else [])
        _tree(children, indent + pad, lang, ids, disclosure, e.variants)


@click.command()
@click.argument("model", required=False)
@click.option("--process", "process", metavar="NAME", help="Build the complete AAS of one machine of this process.")
@click.option("--all", "build_all", is_flag=True, help="Build every model's template in every format into -o DIR.")
@click.option("--version", "version", metavar="X.Y", help="Model version (default: latest).")
@click.option("--kind", type=click.Choice(["template", "instance"]), default=None,
              help="Template (default) or filled instance (with --process: instance by default).")
@click.option("--values", "values_file", type=click.Path(path_type=Path),
              help="JSON values keyed by idShort path (instance); without it the model's example values are used.")
@click.option("--asset-id", metavar="IRI",
              help="Global asset id, an absolute IRI or URN (required for instances and shells).")
@click.option("--example", "use_example", is_flag=True,
              help="Use the model's example asset id (and its example values unless --values is given).")
@click.option("--variant", "variant", metavar="KEY",
              help="Which exclusive process variant the example instance is (aasref show MODEL lists them; "
                   "default: the model's default variant).")
@click.option("--timezone", "timezone", metavar="ZONE",
              help="Zone of timestamps without one, e.g. Asia/Seoul, UTC, +09:00 (default: the system zone).")
@click.option("--attachments-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder that File 'source' paths are relative to (default: the values file's folder).")
@click.option("--allow-any-source", is_flag=True,
              help="Allow File 'source' paths outside the attachments folder (absolute paths, ..).")
@click.option("--format", "fmt", type=click.Choice(["aasx", "json", "xml"]), help="Default: from -o's suffix, else aasx.")
@click.option("--spec-version", type=SPEC_VERSION, default="3.1", show_default=True, help="AAS metamodel version.")
@click.option("--aasx-part", type=click.Choice(["json", "xml"]), default="json", show_default=True,
              help="Serialization of the AAS part inside an AASX.")
@click.option("--thumbnail", type=click.Path(path_type=Path),  # missing or unreadable: exit 3, as every input
              help="Image for the shell's default thumbnail (with --process).")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="Output file (- for stdout, JSON/XML only; DIR with --all, created if missing).")
@_base_iri_option
@click.option("--profile", type=click.Choice(["none", "kosmo"]), default="none", show_default=True,
              help="With --process: kosmo builds a KOSMO submission-ready type shell (see README).")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help="With --profile kosmo: YAML/JSON overriding the profile's policy (iriBase, iriConflict, ...).")
def build(model: str | None, process: str | None, build_all: bool, version: str | None, kind: str | None,
          values_file: Path | None, asset_id: str | None, use_example: bool, variant: str | None,
          timezone: str | None, attachments_dir: Path | None, allow_any_source: bool, fmt: str | None, spec_version: str, aasx_part: str,
          thumbnail: Path | None, output: Path, base_iri: str | None, profile: str = "none",
          policy_file: str | None = None) -> None:
    """Build a reference model as a template or a filled instance, or a whole shell (--process).

    \b
    aasref build injection-molding --format aasx -o im.aasx
    aasref build machining --kind instance --values mes.json --asset-id urn:uuid:... --spec-version 3.0 -o m.json
    aasref build --process welding --asset-id https://example.com/asset/W1 -o welder.aasx
    aasref build --process press --example --format json -o -
    aasref build --all -o out/
    """
    from ..build import build_instance, build_shell, build_template
    from ..io import Thumbnail, format_of, write
    from ..spec import load_model

    chosen = [x for x in (model, process, "--all" if build_all else None) if x]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of MODEL, --process NAME or --all")
    if build_all:
        with reported():
            written = _build_all(output, base_iri)
        click.echo(f"wrote {written} files to {output}")
        return
    to_stdout = str(output) == "-"
    if fmt is None:
        try:
            fmt = "json" if to_stdout else format_of(output)
        except ValueError:
            fmt = "aasx"
    elif not to_stdout and output.suffix and output.suffix.lower() != f".{fmt}":
        raise click.UsageError(f"--format {fmt} does not match the output file {output.name}")
    if to_stdout and fmt == "aasx":
        raise click.UsageError("-o - (stdout) takes JSON or XML, not an AASX package: use --format json|xml")
    if profile != "none" or policy_file:
        if thumbnail is not None and not thumbnail.is_file():
            fail(f"cannot read {thumbnail}: not a regular file", EXIT_CANNOT_RUN)
        _build_profile(process, profile, policy_file, kind, values_file, _asset_id(asset_id, use_example, True),
                       fmt, spec_version, aasx_part, thumbnail, output, base_iri, version)
        return
    if values_file is not None and (kind or "instance") == "template":
        raise click.UsageError("--values fills an instance: use --kind instance")
    if thumbnail is not None and not thumbnail.is_file():
        fail(f"cannot read {thumbnail}: not a regular file", EXIT_CANNOT_RUN)
    is_instance = kind == "instance" or values_file is not None or (process is not None and kind != "template")
    if variant is not None and (values_file is not None or not is_instance):
        raise click.UsageError("--variant picks the example values of an instance: drop --values / use --kind instance")
    asset_id = _asset_id(asset_id, use_example, is_instance)
    if timezone is not None:
        from ..build.values import resolve_timezone

        try:
            resolve_timezone(timezone)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--timezone") from None
    with reported():
        values = _load_values(values_file) if values_file else None
        spec = load_model(process or model or "", version, base_iri=base_iri)
        if variant is not None:
            try:
                spec.variant_key(variant)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--variant") from None
        attach_dir = attachments_dir or (values_file.parent if values_file else None)
        options: dict[str, Any] = {"attachments_dir": attach_dir, "allow_any_source": allow_any_source,
                                   "timezone": timezone}
        thumb = None
        if process:
            thumb_path = f"/aasx/thumbnail{thumbnail.suffix.lower()}" if thumbnail else None
            ctype = _image_type(thumbnail) if thumbnail else "image/png"
            built = build_shell(spec, kind="template" if kind == "template" else "instance", values=values,
                                asset_id=asset_id, thumbnail=thumb_path, thumbnail_content_type=ctype,
                                variant=variant, **options)
            if thumbnail and thumb_path:
                thumb = Thumbnail(thumb_path, thumbnail.read_bytes(), ctype)
        elif kind == "instance" or values is not None:
            built = build_instance(spec, values, asset_id=asset_id, variant=variant, **options)
        else:
            built = build_template(spec)
        if thumb and fmt != "aasx":
            raise click.UsageError("--thumbnail needs --format aasx")
        if to_stdout:
            _to_stdout(built.objects(), cast(Any, fmt), cast("SpecVersion", spec_version))
        else:
            write(built.objects(), output, cast("Format", fmt), spec_version=cast("SpecVersion", spec_version),
                  attachments=dict(built.attachments), thumbnail=thumb, aasx_part=cast(Any, aasx_part),
                  title=f"{spec.name['en']} ({built.kind})")
    click.echo(f"wrote {'stdout' if to_stdout else output} ({spec.key}, {built.kind}, {fmt}, "
               f"metamodel V{spec_version})", err=to_stdout)


def _asset_id(asset_id: str | None, use_example: bool, is_instance: bool) -> str | None:
    """The checked --asset-id: required for instances and shells unless --example; an absolute IRI or URN."""
    if asset_id is not None and use_example:
        raise click.UsageError("give --asset-id or --example, not both")
    if asset_id is None:
        if is_instance and not use_example:
            raise click.UsageError("an instance or shell needs --asset-id IRI (an absolute IRI or URN, e.g. "
                                   "https://factory.example.kr/asset/M-01), or --example for the model's example id")
        return None
    from ..iri import iri_problem

    problem = iri_problem(asset_id)
    if problem:
        raise click.BadParameter(problem, param_hint="--asset-id")
    return asset_id


def _to_stdout(objects: Any, fmt: Any, spec_version: SpecVersion) -> None:
    from ..io import serialize

    click.echo(serialize(objects, fmt, spec_version), nl=False)  # bytes: written to the binary stdout


def _build_profile(process: str | None, profile: str, policy_file: str | None, kind: str | None,
                   values_file: Path | None, asset_id: str | None, fmt: str, spec_version: str, aasx_part: str,
                   thumbnail: Path | None, output: Path, base_iri: str | None, version: str | None) -> None:
    """``build --process NAME --profile kosmo``: the submission-ready type shell (build/profile_kosmo.py)."""
    from ..build.profile_kosmo import build_kosmo_shell, write_kosmo_shell
    from ..io.png import is_png
    from ..profiles import PolicyError

    if profile == "none":
        raise click.UsageError("--policy needs --profile kosmo")
    if not process:
        raise click.UsageError("--profile kosmo builds a whole shell: give --process NAME")
    if kind is not None:
        raise click.UsageError("--profile kosmo fixes the kinds (assetKind Type, submodels Template with values): "
                               "drop --kind")
    thumb = None
    if thumbnail is not None:
        data = thumbnail.read_bytes()
        if _image_type(thumbnail) == "image/png" and not is_png(data):
            raise click.UsageError(f"--thumbnail {thumbnail.name}: not a PNG file")
        thumb = (data, _image_type(thumbnail))
    with reported():
        values = _load_values(values_file) if values_file else None
        try:
            built = build_kosmo_shell(process, asset_id=asset_id, values=values, policy=policy_file,
                                      base_iri=base_iri, thumbnail=thumb,
                                      attachments_dir=values_file.parent if values_file else None, version=version)
        except PolicyError as exc:
            raise click.UsageError(str(exc)) from None
        write_kosmo_shell(built, output, fmt, spec_version=spec_version, aasx_part=aasx_part,
                          title=f"{process} (KOSMO type shell)")
    n = sum(1 for o in built.objects if o.__class__.__name__ == "Submodel")
    click.echo(f"wrote {output} ({process}, KOSMO type shell, {n} submodels, {fmt}, metamodel V{spec_version})")
    for u in built.ledger.unfixed:
        click.echo(f"warning: {u['rule']}: {u['where']}: {u['reason']}", err=True)


def _image_type(path: Path) -> str:
    return {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
            ".svg": "image/svg+xml", ".webp": "image/webp"}.get(path.suffix.lower(), "application/octet-stream")


def _load_values(path: Path) -> dict[str, Any]:
    """The values file by the package's one JSON rule (UTF-8 with or without BOM; CP949 gets a hint).

    Unreadable or not JSON: exit 3 (could not run); JSON that is no object: exit 1 (values do not fit)."""
    from ..jsontext import JsonTextError, loads

    if path.exists() and not path.is_file():
        fail(f"cannot read {path}: not a regular file", EXIT_CANNOT_RUN)
    try:
        data = loads(path.read_bytes())
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}", EXIT_CANNOT_RUN)
    except JsonTextError as exc:
        fail(f"{path}: not a UTF-8 values file: {exc.message}", EXIT_CANNOT_RUN)
    except ValueError as exc:
        fail(f"{path}: not a JSON values file ({exc})", EXIT_CANNOT_RUN)  # could not run; values that do not fit: 1
    if not isinstance(data, dict):
        fail(f"{path}: values must be a JSON object keyed by idShort path", 1)
    return data  # type: ignore[no-any-return]


def _build_all(out: Path, base_iri: str | None) -> int:
    """Every model's template in every format and both metamodel versions: OUT/<model>/<version>/template-v3.x.<fmt>."""
    from ..build import build_template
    from ..io import FORMATS, SPEC_VERSIONS, write
    from ..spec import available_models, load_model

    count = 0
    for name, version in available_models():
        built = build_template(load_model(name, version, base_iri=base_iri))
        for sv in SPEC_VERSIONS:
            for fmt in FORMATS:
                write(built.objects(), out / name / version / f"template-v{sv}.{fmt}", fmt, spec_version=sv,
                      create_parents=True)
                count += 1
    return count


@click.command()
@click.argument("source", type=click.Path(path_type=Path))  # missing or unreadable: exit 3
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["aasx", "json", "xml"]), help="Default: from TARGET's suffix.")
@click.option("--spec-version", type=SPEC_VERSION, default="3.1", show_default=True, help="Metamodel of the output.")
@click.option("--aasx-part", type=click.Choice(["json", "xml"]), default="json", show_default=True)
@click.option("--drop-files", is_flag=True, help="Allow AASX -> JSON/XML to leave the package's embedded files behind.")
def convert(source: Path, target: Path, fmt: str | None, spec_version: str, aasx_part: str, drop_files: bool) -> None:
    """Convert between AASX, JSON and XML and between metamodel V3.1 and V3.0.

    The input's format and version are detected from its content; it is read strictly.
    Package files and the thumbnail of an AASX are carried over when the output is AASX; to JSON/XML (which
    cannot carry them) the conversion is refused with the list of files unless --drop-files.
    TARGET - writes JSON or XML to stdout.
    """
    from ..io import Thumbnail, format_of, read, serialize, write

    to_stdout = str(target) == "-"
    if fmt is None:
        try:
            fmt = "json" if to_stdout else format_of(target)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    if to_stdout and fmt == "aasx":
        raise click.UsageError("TARGET - (stdout) takes JSON or XML, not an AASX package: use --format json|xml")
    if not to_stdout and source.resolve() == target.resolve():
        raise click.UsageError("SOURCE and TARGET are the same file")
    with reported():
        result = read(source)
        attachments = {name: data for name, (data, _) in result.files.items()}
        if fmt != "aasx" and not drop_files:
            lost = sorted(attachments) + ([f"{result.thumbnail[0]} (thumbnail)"] if result.thumbnail else [])
            if lost:
                fail(f"{source} embeds {len(lost)} file(s) that {fmt.upper()} cannot carry: {', '.join(lost)}; "
                     "convert to AASX, or pass --drop-files to leave them behind", 1)
        thumb = Thumbnail(*result.thumbnail) if result.thumbnail and fmt == "aasx" else None
        if to_stdout:
            click.echo(serialize(list(result.store), cast(Any, fmt), cast("SpecVersion", spec_version)), nl=False)
        else:
            write(list(result.store), target, cast("Format", fmt), spec_version=cast("SpecVersion", spec_version),
                  attachments=attachments if fmt == "aasx" else None, thumbnail=thumb,
                  aasx_part=cast(Any, aasx_part))
    src_v = f"V{result.spec_version}" if result.spec_version else "JSON"
    click.echo(f"wrote {'stdout' if to_stdout else target} ({result.format} {src_v} -> {fmt} V{spec_version}, "
               f"{len(result.store)} objects)", err=to_stdout)


COMMANDS = [list_models, show, build, convert]
