"""The HTML document: one file, its script, style, SVG and data all inline.

A Content-Security-Policy forbids every network request (``default-src 'none'``), so the page
works offline and cannot leak. The data sits in a ``<script type="application/json">`` block
with ``<``, ``>`` and ``&`` written as JSON escapes, so no value can close the block.

>>> script_json({"name": "</script><b>"})
'{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources

CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
<div id="bar">
<button id="step" type="button" title="run the next node of backward">step</button>
<button id="animate" type="button" title="run the whole backward, one node at a time">animate\
</button>
<label>every <input id="speed" type="number" min="50" step="50" value="500" style="width:5em">
ms</label>
<button id="reset" type="button">reset</button>
<button id="zoomout" type="button" title="zoom out">&minus;</button>
<button id="zoomfit" type="button" title="fit the graph to the window">fit</button>
<button id="zoomin" type="button" title="zoom in">+</button>
<input id="search" type="search" placeholder="search labels" aria-label="search labels">
<label><input id="gradcolor" type="checkbox"> colour lines by |gradient|</label>
<span id="gradnote" class="legend"></span>
<span id="legend" class="legend" hidden>max |grad|:<span style="background:#1f3fbf"></span>\
&lt;1e-4<span style="background:#4f9fdf"></span>&lt;0.1<span style="background:#2ca02c"></span>\
&le;10<span style="background:#ff9f1c"></span>&le;1e3<span style="background:#d62728"></span>\
&gt;1e3<span style="background:#bbbbbb"></span>unknown</span>
<span id="status" role="status"></span>
</div>
<div id="main">
<div id="graph">
{svg}
</div>
<div id="details" aria-live="polite"><p>Click a box for its details; press <b>step</b> to run
backward one node at a time, in the order the engine runs it.</p><p>{summary}</p></div>
</div>
<script type="application/json" id="graph-data">{data}</script>
<script>
{js}</script>
</body>
</html>
"""


@cache
def asset(name: str) -> str:
    """A file shipped beside this module (``page.js``, ``page.css``)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def script_json(data: object) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def summary(data: dict) -> str:
    """One line about the drawing (counts only, so plain text)."""
    stats = data["stats"]
    text = f"{len(data['boxes'])} boxes drawn, {data['engine_nodes']} backward nodes."
    if stats.get("folded_runs") or stats.get("folded_accumulate"):
        text += " Some boxes were folded to keep the graph readable: click one to expand it."
    return html.escape(text)


def document(svg: str, data: dict, title: str) -> str:
    """The whole page."""
    return TEMPLATE.format(
        csp=CSP,
        title=html.escape(title),
        css=asset("page.css"),
        svg=svg,
        summary=summary(data),
        data=script_json(data),
        js=asset("page.js"),
    )
