"""The printable result report (결과서) of a profile run: one self-contained HTML file, Korean with English beside it.

Inline CSS with A4 print rules, no scripts, no external resources. Sections: file, date, tool and profile
version, verdict; a summary table per checklist group with pass/fail counts; the policy used; every finding
with its path and remedy.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from ..findings import Finding, Layer, Report, Severity
from .profile_report import kosmo_path, remedy

_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", "Nanum Gothic", sans-serif;
       font-size: 10pt; color: #1a1a1a; margin: 0 auto; max-width: 190mm; line-height: 1.4; }
h1 { font-size: 17pt; margin: 0 0 2mm; border-bottom: 2px solid #1f3b63; padding-bottom: 2mm; }
.en { color: #555; margin-left: 0.4em; }
h1 .en, h2 .en, th .en { font-weight: normal; font-size: 0.8em; }
th .en { display: block; margin-left: 0; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; color: #1f3b63; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
th, td { border: 0.6pt solid #9aa5b5; padding: 1.2mm 1.8mm; vertical-align: top; text-align: left; }
th { background: #e8edf4; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
td.num { text-align: right; white-space: nowrap; }
.verdict { display: inline-block; padding: 1mm 4mm; font-weight: bold; font-size: 13pt; border-radius: 1mm; }
.pass { background: #dff3e3; color: #14622a; border: 1pt solid #14622a; }
.fail { background: #fbe3e1; color: #9b1c12; border: 1pt solid #9b1c12; }
.sev-error { color: #9b1c12; font-weight: bold; }
.sev-warning { color: #8a5a00; font-weight: bold; }
.sev-info { color: #2b5b8a; }
.path { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 7.5pt; word-break: break-all; }
.remedy { color: #14404f; }
.note { color: #555; font-size: 8.5pt; }
.disclaimer { border-left: 3pt solid #9aa5b5; padding: 1mm 3mm; color: #444; font-size: 8.5pt; }
footer { margin-top: 6mm; font-size: 8pt; color: #666; border-top: 0.6pt solid #9aa5b5; padding-top: 1mm; }
@media print { body { max-width: none; } a { color: inherit; text-decoration: none; } }
"""

_SEV_KO = {Severity.ERROR: "위반", Severity.WARNING: "경고", Severity.INFO: "참고"}
_STD_GROUP = {"ko": "표준 검사 (AAS 규격)", "en": "Standard layers (AAS specification)"}
_POLICY_KEYS = ("reading", "iriConflict", "cdDefinition", "langTagTypo", "smlChildIdShort",
                "standardTemplateSemantics", "iriBase", "irdiPrefixes", "requiredSubmodels", "submodelCountRange")


def _t(ko: str, en: str) -> str:
    return f'{escape(ko)}<span class="en">{escape(en)}</span>'


def html(reports: Sequence[Report], profile_name: str, policy: Mapping[str, Any],
         now: _dt.datetime | None = None) -> str:
    from .. import __version__, profiles
    prof = profiles.load_profile(profile_name)
    stamp = (now or _dt.datetime.now(_dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    out = ['<!DOCTYPE html>', '<html lang="ko">', "<head>", '<meta charset="utf-8">',
           f"<title>검증 결과서 / Validation result report — {escape(prof.title['ko'])}</title>",
           f"<style>{_CSS}</style>", "</head>", "<body>"]
    for r in reports:
        out += _one(r, prof, policy, stamp, __version__)
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _one(r: Report, prof: Any, policy: Mapping[str, Any], stamp: str, tool_version: str) -> list[str]:
    errors = [f for f in r.findings if f.severity is Severity.ERROR]
    ok = not errors and not r.failure
    o = [f'<section class="report" data-source="{escape(r.source, quote=True)}">',
         f"<h1>{_t('검증 결과서', 'Validation result report')}</h1>",
         '<table class="meta"><tbody>',
         f"<tr><th>{_t('파일', 'File')}</th><td class='path'>{escape(r.source)}</td></tr>",
         f"<tr><th>{_t('검증 일시', 'Date')}</th><td>{escape(stamp)}</td></tr>",
         f"<tr><th>{_t('도구', 'Tool')}</th><td>aasref {escape(tool_version)}</td></tr>",
         f"<tr><th>{_t('프로파일', 'Profile')}</th><td>{escape(prof.name)} {escape(prof.version)} — "
         f"{escape(prof.title['ko'])} / {escape(prof.title['en'])}</td></tr>",
         f"<tr><th>{_t('형식·버전', 'Format, metamodel')}</th><td>{escape(r.format or '-')}, "
         f"V{escape(r.version or '?')}</td></tr>",
         f"<tr><th>{_t('판정', 'Verdict')}</th><td><span class='verdict {'pass' if ok else 'fail'}' id='verdict'>"
         f"{'적합 PASS' if ok else '부적합 FAIL'}</span> "
         f"위반 {len(errors)}건 · 경고 {sum(f.severity is Severity.WARNING for f in r.findings)}건 · "
         f"참고 {sum(f.severity is Severity.INFO for f in r.findings)}건 "
         f"<span class='en'>errors, warnings, notes</span></td></tr>",
         "</tbody></table>"]
    if r.failure:
        o.append(f"<p class='fail'>{_t('검증을 실행할 수 없음', 'Could not run')}: {escape(r.failure)}</p>")
    o.append(f'<p class="disclaimer">{escape(prof.disclaimer.get("ko", ""))}<br>'
             f'{escape(prof.disclaimer.get("en", ""))}</p>')
    # summary per checklist group
    o += [f"<h2>{_t('점검 항목별 요약', 'Summary per checklist group')}</h2>",
          '<table class="summary"><thead><tr>'
          f"<th>{_t('그룹', 'Group')}</th><th>{_t('규칙 수', 'Rules')}</th><th>{_t('통과', 'Passed')}</th>"
          f"<th>{_t('실패', 'Failed')}</th><th>{_t('위반', 'Errors')}</th><th>{_t('경고', 'Warnings')}</th>"
          f"<th>{_t('참고', 'Notes')}</th></tr></thead><tbody>"]
    profile_findings = [f for f in r.findings if f.layer is Layer.PROFILE]
    for gid, names in prof.groups.items():
        codes = [c for c, rule in prof.rules.items() if rule.group == gid]
        fs = [f for f in profile_findings if f.details.get("group") == gid]
        failed = {f.code for f in fs if f.severity is Severity.ERROR}
        o.append(_summary_row(f"{names['ko']}", f"{gid} · {names['en']}", len(codes), len(codes) - len(failed),
                              len(failed), fs))
    std = [f for f in r.findings if f.layer is not Layer.PROFILE]
    std_codes = {f.code for f in std if f.severity is Severity.ERROR}
    ran = [str(lr.layer) for lr in r.layers if lr.status == "run" and lr.layer is not Layer.PROFILE]
    o.append(_summary_row(_STD_GROUP["ko"], f"{_STD_GROUP['en']}: {', '.join(ran) or '-'}", None, None,
                          len(std_codes), std))
    o.append("</tbody></table>")
    skipped = [lr for lr in r.layers if lr.status == "skipped"]
    if skipped:
        o.append("<p class='note'>" + "<br>".join(
            f"{escape(str(lr.layer))} 검사 생략 (layer skipped): {escape(lr.reason or '')}" for lr in skipped)
            + "</p>")
    # policy
    o += [f"<h2>{_t('적용 정책', 'Policy used')}</h2>", '<table class="policy"><tbody>']
    for k in _POLICY_KEYS:
        v = policy.get(k)
        shown = ", ".join(map(str, v)) if isinstance(v, list) else ("-" if v is None else str(v))
        default = prof.defaults.get(k)
        mark = "" if v == default else " <span class='note'>(기본값과 다름 / not the default)</span>"
        o.append(f"<tr><th>{escape(k)}</th><td>{escape(shown)}{mark}</td></tr>")
    o.append("</tbody></table>")
    # findings
    o += [f"<h2>{_t('지적 사항', 'Findings')} ({len(r.findings)})</h2>"]
    if not r.findings:
        o.append(f"<p>{_t('지적 사항 없음.', 'No findings.')}</p>")
    else:
        o.append('<table class="findings"><thead><tr>'
                 f"<th>{_t('등급', 'Severity')}</th><th>{_t('규칙', 'Rule')}</th>"
                 f"<th>{_t('대상', 'Element')}</th><th>{_t('위치', 'Path')}</th>"
                 f"<th>{_t('내용 · 조치', 'Problem · remedy')}</th></tr></thead><tbody>")
        for f in sorted(r.findings, key=lambda f: (-int(f.severity), f.code, kosmo_path(f))):
            o.append(_finding_row(f))
        o.append("</tbody></table>")
    o.append(f"<footer>aasref {escape(tool_version)} · {escape(prof.sources.get('V', ''))} · "
             f"{escape(prof.sources.get('A', ''))}</footer>")
    o.append("</section>")
    return o


def _summary_row(ko: str, en: str, rules: int | None, passed: int | None, failed: int,
                 fs: Sequence[Finding]) -> str:
    def num(x: int | None) -> str:
        return "-" if x is None else str(x)
    e = sum(f.severity is Severity.ERROR for f in fs)
    w = sum(f.severity is Severity.WARNING for f in fs)
    i = sum(f.severity is Severity.INFO for f in fs)
    return (f"<tr><td>{_t(ko, en)}</td><td class='num'>{num(rules)}</td><td class='num'>{num(passed)}</td>"
            f"<td class='num'>{failed}</td><td class='num'>{e}</td><td class='num'>{w}</td>"
            f"<td class='num'>{i}</td></tr>")


def _finding_row(f: Finding) -> str:
    sev = str(f.severity)
    ko_remedy = f.details.get("remedyKo")
    note = f.details.get("policyNote")
    key = f.details.get("key") or ""
    return (f"<tr class='finding' data-code='{escape(f.code, quote=True)}'>"
            f"<td class='sev-{sev}'>{_SEV_KO[f.severity]}<br><span class='en'>{sev}</span></td>"
            f"<td>{escape(f.code)}</td>"
            f"<td>{escape(str(f.details.get('elementType') or f.path.root.split('[', 1)[0]))}<br>"
            f"<b>{escape(str(key))}</b></td>"
            f"<td class='path'>{escape(kosmo_path(f))}<br>{escape(str(f.path))}</td>"
            f"<td>{escape(f.message)}<div class='remedy'>→ {escape(remedy(f))}"
            + (f"<br>→ {escape(str(ko_remedy))}" if ko_remedy else "")
            + "</div>"
            + (f"<div class='note'>※ {escape(str(note))}</div>" if note else "")
            + "</td></tr>")
