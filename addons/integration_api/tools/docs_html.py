"""A plain HTML page from the OpenAPI document: no JavaScript, no CDN.

>>> page = render_docs({"info": {"title": "T <x>", "version": "1"}, "paths": {}})
>>> "<h1>T &lt;x&gt; " in page and "<script" not in page
True
"""

import json
from html import escape

__all__ = ["render_docs"]

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{background:#f5f5f5;border-radius:4px}pre{padding:.6rem;overflow:auto;font-size:.85rem}
.op{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:4.2rem;font-weight:bold;color:#fff;border-radius:4px;
text-align:center;padding:.1rem .4rem;margin-right:.5rem}.get{background:#2b7bb9}
.post{background:#3a9a4a}.put,.patch{background:#c7862b}.delete{background:#b33}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
"""


def _pre(value):
    return f"<pre>{escape(json.dumps(value, indent=2, ensure_ascii=False))}</pre>"


def _resolve(doc, schema):
    ref = (schema or {}).get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return doc["components"]["schemas"].get(ref.rsplit("/", 1)[-1], schema)
    return schema


def _operation_html(doc, path, method, operation):
    parts = [
        f'<div class="op" id="{escape(operation.get("operationId", ""))}">',
        f'<h3><span class="m {method}">{method.upper()}</span><code>{escape(path)}</code></h3>',
        f"<p>{escape(operation.get('summary', ''))}</p>",
    ]
    if operation.get("description"):
        parts.append(f"<p>{escape(operation['description'])}</p>")
    params = [p for p in operation.get("parameters", []) if "name" in p]
    if params:
        rows = "".join(
            f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
            f"<td>{'yes' if p.get('required') else ''}</td>"
            f"<td><code>{escape(json.dumps(p.get('schema', {})))}</code></td></tr>"
            for p in params
        )
        parts.append(f"<table><tr><th>parameter</th><th>in</th><th>required</th>"
                     f"<th>schema</th></tr>{rows}</table>")
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        schema = _resolve(doc, body["schema"])
        parts.append("<h4>Request body</h4>" + _pre(schema))
        if schema.get("examples"):
            parts.append("<h4>Example</h4>" + _pre(schema["examples"][0]))
    statuses = ", ".join(escape(status) for status in operation.get("responses", {}))
    parts.append(f"<p>Responses: {statuses}</p></div>")
    return "".join(parts)


def render_docs(doc):
    """The documentation page (a ``str``) of an OpenAPI document."""
    info = doc.get("info", {})
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{escape(info.get('title', 'API'))}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(info.get('title', 'API'))} <small>{escape(str(info.get('version', '')))}</small></h1>",
        f"<p>{escape(info.get('description', ''))}</p>",
        "<p>Machine-readable document: <a href='/api/v1/openapi.json'>openapi.json</a> "
        "(OpenAPI 3.1).</p>",
        "<h2>Authentication</h2><p>Send the key issued in Odoo as <code>X-Api-Key: odk_…</code> "
        "or <code>Authorization: Bearer odk_…</code>. Each route needs a scope.</p>",
        "<pre>curl -H 'X-Api-Key: odk_xxxxxxxx_…' " + escape(
            (doc.get("servers") or [{"url": ""}])[0]["url"].rstrip("/")) + "/api/v1/ping</pre>",
        "<h2>Operations</h2>",
    ]
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            out.append(_operation_html(doc, path, method, operation))
    problems = doc.get("x-problem-types", {})
    if problems:
        out.append("<h2>Errors</h2><p>Every error is <code>application/problem+json</code> "
                   "(RFC 9457); validation errors list JSON pointers in <code>errors</code>.</p>"
                   "<table><tr><th>type</th><th>status</th><th>meaning</th></tr>")
        out.extend(
            f"<tr id='problem-{escape(slug)}'><td><code>{escape(slug)}</code></td>"
            f"<td>{problem['status']}</td><td>{escape(problem['description'])}</td></tr>"
            for slug, problem in problems.items()
        )
        out.append("</table>")
    webhooks = doc.get("webhooks", {})
    if webhooks:
        out.append("<h2>Events (webhooks and <code>GET /api/v1/events</code>)</h2>")
        for name, item in webhooks.items():
            post = item["post"]
            envelope = post["requestBody"]["content"]["application/cloudevents+json"]["schema"]
            data_schema = _resolve(doc, envelope["allOf"][1]["properties"]["data"])
            out.append(f"<div class='op' id='event-{escape(name)}'><h3><code>{escape(name)}</code></h3>"
                       f"<p>{escape(post.get('summary', ''))}</p>"
                       f"<p>{escape(post.get('description', ''))}</p>{_pre(data_schema)}</div>")
    out.append("</body></html>")
    return "".join(out)
