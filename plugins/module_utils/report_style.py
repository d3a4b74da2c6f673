# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML report's stylesheet and its one optional script, inlined into every page (no external asset).

``stylesheet(primary, accent)`` returns the CSS with the branding colours; colours are validated by the caller.
``SORT_SCRIPT`` makes table headers sortable; the page reads the same without it (the tables come sorted).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
DEFAULT_PRIMARY = "#1b365d"
DEFAULT_ACCENT = "#0a8ea0"

CSS = """
:root{--brand:%(primary)s;--accent:%(accent)s;--ink:#1d2733;--muted:#5f6b77;--line:#dde3ea;--soft:#f4f7fa}
*{box-sizing:border-box}
html{scroll-behavior:smooth}
body{margin:0;font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;
color:var(--ink);background:#fff}
a{color:var(--brand)}
code{font:12px/1.4 "SFMono-Regular",Consolas,"Liberation Mono",Menlo,monospace;background:var(--soft);padding:1px 4px;border-radius:3px}
.cover{background:var(--brand);color:#fff;padding:34px 48px 26px;position:relative}
.cover:after{content:"";position:absolute;left:0;right:0;bottom:0;height:5px;background:var(--accent)}
.cover .brand{display:flex;align-items:center;gap:14px;font-size:14px;letter-spacing:.06em;text-transform:uppercase;opacity:.92}
.cover .brand img{max-height:46px;max-width:220px;background:#fff;border-radius:4px;padding:4px}
.cover h1{font-size:31px;font-weight:650;margin:14px 0 2px}
.cover .subtitle{font-size:18px;opacity:.92;margin:0}
.cover dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;margin:20px 0 6px;font-size:13px}
.cover dt{opacity:.75}.cover dd{margin:0;font-weight:500}
.layout{display:grid;grid-template-columns:260px minmax(0,1fr)}
nav.toc{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding:22px 18px 22px 26px;
border-right:1px solid var(--line);background:var(--soft)}
nav.toc h2{font-size:12px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:0 0 10px}
nav.toc ol{list-style:none;margin:0;padding:0}
nav.toc li{margin:0 0 2px}
nav.toc a{display:flex;gap:8px;padding:4px 8px;border-radius:4px;text-decoration:none;color:var(--ink);font-size:13.5px}
nav.toc a:hover{background:#e6ecf2}
nav.toc .n{color:var(--muted);min-width:18px}
nav.toc .flag{margin-left:auto;font-size:11px;color:var(--muted)}
main{min-width:0}
section.section{padding:26px 48px 30px;border-bottom:1px solid var(--line)}
section.section>h2{font-size:22px;font-weight:650;margin:0 0 14px;display:flex;align-items:center;gap:12px;color:var(--brand)}
section.section>h2 .num{display:inline-flex;align-items:center;justify-content:center;min-width:32px;height:32px;
border-radius:16px;background:var(--brand);color:#fff;font-size:15px}
h3{font-size:15.5px;margin:22px 0 6px;color:var(--ink)}
h4{font-size:14px;margin:0 0 4px}
.note{margin:8px 0;padding:8px 12px;border-radius:5px;background:var(--soft);border-left:4px solid #9fb3c8;font-size:13px}
.note.missing{border-left-color:#e07b00;background:#fff8ef}
.note.warn{border-left-color:#c62828;background:#fff3f3}
.more{font-size:12.5px;color:var(--muted);margin:2px 0 12px}
.banner{margin:6px 0 16px;padding:12px 16px;border-radius:6px;border:1px solid #e9b96e;border-left:6px solid #e07b00;
background:#fff8ef}
.banner p{margin:4px 0}.banner .banner-title{font-weight:650;font-size:14.5px;margin-top:0}
.banner table.data{background:#fff}
.verdict{margin:6px 0 8px;font-size:14px}
.verdict.ok strong{color:#2e7d32}.verdict.warn strong{color:#b35c00}.verdict.bad strong{color:#c62828}
.verdict.minor strong{color:#8a6a00}.verdict.info strong{color:#1565c0}
.lead{font-size:15.5px;line-height:1.6;max-width:920px;margin:4px 0 18px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(168px,1fr));gap:12px;margin:10px 0 18px}
.card{border:1px solid var(--line);border-top:4px solid var(--accent);border-radius:6px;padding:10px 13px;background:#fff}
.card.ok{border-top-color:#2e7d32}.card.warn{border-top-color:#e07b00}.card.bad{border-top-color:#c62828}
.card.minor{border-top-color:#c79a00}.card.muted{border-top-color:#8a949e}.card.info{border-top-color:var(--accent)}
.card .label{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.card .value{font-size:22px;font-weight:650;line-height:1.25;margin:2px 0;word-break:break-word}
.card .sub{font-size:12px;color:var(--muted)}
.tablewrap{overflow-x:auto;margin:6px 0 4px}
table.data{border-collapse:collapse;width:100%%;font-size:12.5px}
table.data th{text-align:left;background:var(--soft);border-bottom:2px solid var(--line);padding:6px 9px;white-space:nowrap;font-weight:600;color:#34404c}
table.data td{padding:5px 9px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
table.data tbody tr:nth-child(even) td{background:#fafbfc}
table.kv tbody tr td{background:#fff !important}
table.data .num{text-align:right;font-variant-numeric:tabular-nums}
table.kv{max-width:920px}
table.kv th{width:34%%;background:none;border-bottom:1px solid var(--line);color:var(--muted);font-weight:500;white-space:normal}
table.sortable th{cursor:pointer}
table.sortable th:after{content:" \\2195";color:#b0bac4;font-size:10px}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:11.5px;font-weight:600;border:1px solid;white-space:nowrap;line-height:1.6}
.badge.ok{color:#1b5e20;background:#e8f5e9;border-color:#a5d6a7}
.badge.warn{color:#8a4b00;background:#fff3e0;border-color:#ffcc80}
.badge.bad{color:#b71c1c;background:#ffebee;border-color:#ef9a9a}
.badge.info{color:#0d47a1;background:#e3f2fd;border-color:#90caf9}
.badge.minor{color:#6d5400;background:#fff8e1;border-color:#ffe082}
.badge.muted{color:#4a545e;background:#f1f3f5;border-color:#d5dade}
.figure{margin:10px 0 16px}
.racks{display:flex;flex-wrap:wrap;gap:22px;align-items:flex-start}
.columns{display:flex;flex-wrap:wrap;gap:30px;align-items:flex-start}
.columns>.col{flex:0 0 auto}.columns>.col+.col{flex:1 1 360px;min-width:0;max-width:560px;padding-top:26px}
.columns .figure{margin-top:0}
svg{max-width:100%%;height:auto}
svg text{font-family:inherit}
.rack-title{font-size:13px;font-weight:650;text-anchor:middle;fill:#1d2733}
.rack-frame{fill:#e9edf1;stroke:#5b6875;stroke-width:3}
.unit{fill:#fff;stroke:#e3e7eb;stroke-width:1}.unit.odd{fill:#f7f9fb}
.unit-no{font-size:9px;fill:#8a949e;text-anchor:end}
.box-label{font-size:10px;font-weight:600;fill:#fff}
.box-unit{font-size:9px;fill:#eef3f8;text-anchor:end}
.kind-chip{fill:#fff}
.kind-letter{font-size:9px;font-weight:800;text-anchor:middle;fill:#1d2733}
.kind-letter-l{font-size:9px;font-weight:800;text-anchor:middle;fill:#fff}
g.collision rect:first-of-type{stroke:#c62828;stroke-width:3;stroke-dasharray:5 2}
.legend-collision{fill:#fff;stroke:#c62828;stroke-width:2;stroke-dasharray:4 2}
.legend-text{font-size:11.5px;fill:#1d2733}
.donut-free{fill:none;stroke:#e3e7eb;stroke-width:20}
.donut-value{font-size:27px;font-weight:700;text-anchor:middle;fill:#1d2733}
.donut-label{font-size:11px;text-anchor:middle;fill:#5f6b77}
.bar-label{font-size:12px;font-weight:600;fill:#1d2733}
.bar-value{font-size:11.5px;text-anchor:end;fill:#5f6b77}
.bar-bg{fill:#e9edf1}.bar-fill{fill:var(--accent)}
.bar-label-r{font-size:11.5px;text-anchor:end;fill:#1d2733}
.bar-value-l{font-size:11.5px;fill:#5f6b77}
.bar-note{font-size:11px;fill:#5f6b77}
.mark-warn{stroke:#e07b00;stroke-width:2;stroke-dasharray:3 2}
.mark-crit{stroke:#c62828;stroke-width:2;stroke-dasharray:3 2}
.sevcounts{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 14px}
.finding{border:1px solid var(--line);border-left:5px solid #8a949e;border-radius:6px;padding:10px 14px;margin:10px 0;background:#fff}
.finding.critical{border-left-color:#c62828}.finding.major{border-left-color:#e07b00}
.finding.minor{border-left-color:#c79a00}.finding.info{border-left-color:#1565c0}
.finding h4{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.finding h4 code{font-size:11.5px}
.finding .msg{margin:2px 0 6px}
.finding dl{display:grid;grid-template-columns:150px 1fr;gap:2px 14px;font-size:12.5px;margin:4px 0}
.finding dt{color:var(--muted)}.finding dd{margin:0}
footer{padding:18px 48px 30px;font-size:12px;color:var(--muted)}
@media (max-width:900px){.layout{display:block}nav.toc{position:static;max-height:none;border-right:0;border-bottom:1px solid var(--line)}
section.section,.cover,footer{padding-left:20px;padding-right:20px}}
@page{size:A4;margin:15mm 13mm 17mm}
@media print{
body{font-size:10pt;background:#fff}
.cover{background:#fff !important;color:var(--ink);padding:0 0 14pt;border-bottom:3pt solid var(--brand)}
.cover:after{display:none}
.cover .brand img{background:none;padding:0}
.layout{display:block}
nav.toc{position:static;max-height:none;overflow:visible;background:#fff;border:0;padding:14pt 0;page-break-after:always}
nav.toc a{padding:2pt 0}
section.section{page-break-before:always;padding:0;border:0}
.columns{display:block}
section.section>h2 .num{background:#fff;color:var(--brand);border:2px solid var(--brand)}
.tablewrap{overflow:visible}
table.data thead th{background:#fff;border-bottom:1.5pt solid #5b6875}
table.data tbody tr:nth-child(even) td{background:#fff}
table.sortable th:after{content:""}
thead{display:table-header-group}
tr,.card,.finding,svg,.note{page-break-inside:avoid}
h3{page-break-after:avoid}
a{color:inherit;text-decoration:none}
.noprint{display:none}
footer{padding:12pt 0 0}
}
"""

SORT_SCRIPT = """//<![CDATA[
(function(){
  function key(c){var t=(c.getAttribute('data-sort')||c.textContent||'').trim(),n=Number(t.replace(/,/g,''));
    return t!==''&&!isNaN(n)?[0,n]:[1,t.toLowerCase()];}
  function cmp(a,b){if(a[0]!==b[0]){return a[0]-b[0];}return a[1]<b[1]?-1:(a[1]>b[1]?1:0);}
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('thead th').forEach(function(th,col){
      th.setAttribute('title','Sort by this column');
      th.addEventListener('click',function(){
        var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows),dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
        table.querySelectorAll('thead th').forEach(function(h){h.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',dir===1?'ascending':'descending');
        rows.sort(function(r1,r2){return dir*cmp(key(r1.cells[col]),key(r2.cells[col]));});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
})();
//]]>"""


def valid_colour(value, default):
    """*value* when it is a #rgb / #rrggbb colour, *default* when empty; ValueError otherwise."""
    if value in (None, ""):
        return default
    if not COLOUR.match(str(value)):
        raise ValueError("colour %r is not of the form #rrggbb" % (value,))
    return str(value)


def stylesheet(primary=None, accent=None):
    return CSS % {"primary": valid_colour(primary, DEFAULT_PRIMARY), "accent": valid_colour(accent, DEFAULT_ACCENT)}
