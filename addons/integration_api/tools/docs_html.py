"""A plain HTML page from the OpenAPI document: no JavaScript, no CDN.

The page a partner's developer reads: a table of contents, the operations
grouped by tag in the document's tag order, every response with its body,
the error catalogue, how to verify webhook signatures, the events, and the
schemas (collapsed). Descriptions are Markdown, rendered by the small safe
renderer of :mod:`.markdown`.

>>> page = render_docs({"info": {"title": "T <x>", "version": "1"}, "paths": {}})
>>> "<h1>T &lt;x&gt; " in page and "<script" not in page
True
>>> page = render_docs({"info": {"title": "T", "version": "1"},
...     "tags": [{"name": "orders"}, {"name": "meta"}],
...     "paths": {"/ping": {"get": {"operationId": "ping", "tags": ["meta"],
...                                 "responses": {"200": {"description": "OK"}}}},
...               "/orders": {"post": {"operationId": "create", "tags": ["orders"],
...                                    "responses": {"201": {"description": "Made"}}}}}})
>>> page.index("id='tag-orders'") < page.index("id='tag-meta'")
True
>>> 'href="#create"' in page and "href='#signatures'" in page
True
"""

import json
from html import escape

from .markdown import render_markdown

__all__ = ["KEYS_URL_TEMPLATE", "render_docs"]

#: Where Odoo publishes a subscription's Ed25519 public keys (integration_webhook).
KEYS_URL_TEMPLATE = "/integration/webhooks/<subscription uuid>/keys.json"

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222;
line-height:1.45}
code,pre{background:#f5f5f5;border-radius:4px}pre{padding:.6rem;overflow:auto;font-size:.85rem}
pre code{background:none}
.op{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:4.2rem;font-weight:bold;color:#fff;border-radius:4px;
text-align:center;padding:.1rem .4rem;margin-right:.5rem}.get{background:#2b7bb9}
.post{background:#3a9a4a}.put,.patch{background:#c7862b}.delete{background:#b33}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;
text-align:left;vertical-align:top}td p{margin:0}
nav.toc{border:1px solid #ddd;border-radius:6px;padding:.4rem 1.2rem;background:#fafafa}
nav.toc ul{margin:.2rem 0}details{margin:.3rem 0}summary{cursor:pointer}
.status{font-weight:bold;font-family:monospace}.resp{border-left:3px solid #ddd;padding-left:.6rem;
margin:.5rem 0}
"""

_SIGNATURE_SECTION = """
<h2 id="signatures">Verifying webhook signatures</h2>
<p>Every webhook Odoo sends follows
Standard Webhooks (standardwebhooks.com): three headers,
<code>webhook-id</code> (the same on every retry of a message: deduplicate on it),
<code>webhook-timestamp</code> (Unix seconds: refuse messages older than about five
minutes) and <code>webhook-signature</code>. The signature covers the exact bytes
<code>{{webhook-id}}.{{webhook-timestamp}}.{{body}}</code>; verify it on the raw body, before
parsing the JSON. The header may carry several signatures separated by spaces (during a
secret rotation): accept the message if any one of them verifies.</p>
<h3 id="signatures-v1">Scheme <code>v1</code>: HMAC-SHA256 with a shared secret</h3>
<p>The subscription's secret (<code>whsec_…</code>) is shown once in Odoo when it is
created or rotated. The signature is <code>v1,</code> followed by the base64 HMAC-SHA256
of the signed content, keyed with the base64-decoded part of the secret after
<code>whsec_</code>. With the reference library
(<code>pip install standardwebhooks</code>):</p>
<pre><code>from standardwebhooks.webhooks import Webhook, WebhookVerificationError

webhook = Webhook("whsec_…")          # the secret shown in Odoo

def receive(request):
    try:
        event = webhook.verify(request.body, request.headers)  # raw bytes, headers
    except WebhookVerificationError:
        return 400                     # not from Odoo, or too old
    ...                                # event is the CloudEvents envelope (a dict)
    return 204</code></pre>
<h3 id="signatures-v1a">Scheme <code>v1a</code>: Ed25519, nothing secret to share</h3>
<p>Odoo signs with a private key that never leaves it, and publishes the public keys
(<code>whpk_…</code>) of the subscription at</p>
<pre><code>GET {keys_url}</code></pre>
<p>which answers <code>{{"subscription": "…", "keys": [{{"kid": "…", "alg": "Ed25519",
"key": "whpk_…", "created": "…", "expires": null}}]}}</code> (cache it a few minutes;
during a key rotation it lists both keys). The signature is <code>v1a,</code> followed by
the base64 Ed25519 signature of the signed content. With Python's
<code>cryptography</code>:</p>
<pre><code>import base64, time
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

def verify_v1a(body: bytes, headers, public_keys):   # public_keys: the "key" values
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) &gt; 300:
        raise ValueError("timestamp outside the tolerance")
    content = f"{{msg_id}}.{{timestamp}}.".encode() + body
    for signature in headers["webhook-signature"].split():
        version, _, value = signature.partition(",")
        if version != "v1a":
            continue
        for key in public_keys:
            public = Ed25519PublicKey.from_public_bytes(
                base64.b64decode(key.removeprefix("whpk_")))
            try:
                public.verify(base64.b64decode(value), content)
                return True
            except Exception:
                pass
    raise ValueError("no valid signature")</code></pre>
<p>Answer any <code>2xx</code> once the message is stored; any other status (or no answer
within the subscription's timeout) is retried with backoff, <code>410 Gone</code> disables
the subscription.</p>
"""


def _pre(value):
    return f"<pre>{escape(json.dumps(value, indent=2, ensure_ascii=False))}</pre>"


def _anchor(text):
    return escape(
        "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in str(text))
    )


def _ref_name(schema):
    ref = (schema or {}).get("$ref", "") if isinstance(schema, dict) else ""
    if ref.startswith("#/components/schemas/"):
        return ref.rsplit("/", 1)[-1]
    return None


def _resolve(doc, schema):
    name = _ref_name(schema)
    if name:
        return doc.get("components", {}).get("schemas", {}).get(name, schema)
    return schema


def _resolve_response(doc, response):
    ref = response.get("$ref", "")
    if ref.startswith("#/components/responses/"):
        return (
            doc.get("components", {})
            .get("responses", {})
            .get(ref.rsplit("/", 1)[-1], {})
        )
    return response


def _resolve_parameter(doc, parameter):
    ref = parameter.get("$ref", "")
    if ref.startswith("#/components/parameters/"):
        return (
            doc.get("components", {})
            .get("parameters", {})
            .get(ref.rsplit("/", 1)[-1], {})
        )
    return parameter


def _schema_link(name):
    return f'<a href="#schema-{_anchor(name)}"><code>{escape(name)}</code></a>'


def _body_html(doc, schema, what="Schema"):
    """An example (if the schema has one) and the schema, collapsed."""
    name = _ref_name(schema)
    resolved = _resolve(doc, schema)
    parts = []
    if isinstance(resolved, dict) and resolved.get("examples"):
        parts.append("<p>Example:</p>" + _pre(resolved["examples"][0]))
    label = f"{what}: {_schema_link(name)}" if name else what
    parts.append(f"<details><summary>{label}</summary>{_pre(resolved)}</details>")
    return "".join(parts)


def _responses_html(doc, operation):
    parts = ["<h4>Responses</h4>"]
    for status, response in operation.get("responses", {}).items():
        resolved = _resolve_response(doc, response)
        parts.append(
            f"<div class='resp' id='{_anchor(operation.get('operationId', ''))}-{_anchor(status)}'>"
            f"<p><span class='status'>{escape(str(status))}</span> "
            f"{render_markdown(resolved.get('description', '')).removeprefix('<p>').removesuffix('</p>')}</p>"
        )
        headers = resolved.get("headers") or {}
        if headers:
            parts.append(
                "<p>Headers: "
                + ", ".join(f"<code>{escape(name)}</code>" for name in headers)
                + "</p>"
            )
        content = resolved.get("content") or {}
        if not content:
            parts.append("<p>No body.</p>")
        for media_type, media in content.items():
            name = _ref_name(media.get("schema"))
            if "$ref" in response and name:
                # a shared response (the problems): a link, not the schema again
                parts.append(
                    f"<p>Body <code>{escape(media_type)}</code>: {_schema_link(name)}</p>"
                )
                continue
            parts.append(f"<p>Body <code>{escape(media_type)}</code></p>")
            if media.get("schema"):
                parts.append(_body_html(doc, media["schema"]))
        parts.append("</div>")
    return "".join(parts)


def _parameters_html(doc, operation):
    params = [_resolve_parameter(doc, p) for p in operation.get("parameters", [])]
    params = [p for p in params if "name" in p]
    if not params:
        return ""
    rows = "".join(
        f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p.get('in', ''))}</td>"
        f"<td>{'yes' if p.get('required') else ''}</td>"
        f"<td><code>{escape(json.dumps(p.get('schema', {})))}</code></td>"
        f"<td>{render_markdown(p.get('description', ''))}</td></tr>"
        for p in params
    )
    return (
        "<h4>Parameters</h4><table><tr><th>parameter</th><th>in</th><th>required</th>"
        f"<th>schema</th><th>description</th></tr>{rows}</table>"
    )


def _operation_html(doc, path, method, operation):
    parts = [
        f'<div class="op" id="{_anchor(operation.get("operationId", ""))}">',
        f'<h3><span class="m {escape(method)}">{escape(method.upper())}</span>'
        f"<code>{escape(path)}</code></h3>",
        f"<p><strong>{escape(operation.get('summary', ''))}</strong></p>",
        render_markdown(operation.get("description", "")),
        _parameters_html(doc, operation),
    ]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        parts.append("<h4>Request body <code>application/json</code></h4>")
        parts.append(_body_html(doc, body["schema"]))
    parts.append(_responses_html(doc, operation))
    parts.append("</div>")
    return "".join(parts)


def _operations_by_tag(doc):
    """``[(tag name, tag object, [(path, method, operation)])]`` in the document's tag order."""
    tags = {tag["name"]: tag for tag in doc.get("tags", [])}
    groups = {name: [] for name in tags}
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            tag = (operation.get("tags") or ["api"])[0]
            groups.setdefault(tag, []).append((path, method, operation))
    methods = ("get", "post", "put", "patch", "delete")
    for operations in groups.values():
        # a resource before its sub-resources, reads before writes
        operations.sort(
            key=lambda op: (op[0], methods.index(op[1]) if op[1] in methods else 9)
        )
    return [
        (name, tags.get(name, {"name": name}), ops)
        for name, ops in groups.items()
        if ops
    ]


def _toc(groups, doc):
    items = [
        "<li><a href='#authentication'>Authentication</a></li>",
        "<li><a href='#operations'>Operations</a><ul>",
    ]
    for name, _tag, operations in groups:
        ops = "".join(
            f'<li><a href="#{_anchor(op.get("operationId", ""))}"><code>{escape(method.upper())} '
            f"{escape(path)}</code></a> {escape(op.get('summary', ''))}</li>"
            for path, method, op in operations
        )
        items.append(
            f"<li><a href='#tag-{_anchor(name)}'>{escape(name)}</a><ul>{ops}</ul></li>"
        )
    items.append("</ul></li>")
    if doc.get("x-problem-types"):
        items.append("<li><a href='#errors'>Errors</a></li>")
    items.append("<li><a href='#signatures'>Verifying webhook signatures</a></li>")
    if doc.get("webhooks"):
        items.append("<li><a href='#events'>Events</a></li>")
    if doc.get("components", {}).get("schemas"):
        items.append("<li><a href='#schemas'>Schemas</a></li>")
    return "<nav class='toc'><h2>Contents</h2><ul>" + "".join(items) + "</ul></nav>"


def render_docs(doc, keys_url=KEYS_URL_TEMPLATE):
    """The documentation page (a ``str``) of an OpenAPI document.

    :param keys_url: where receivers fetch the Ed25519 public keys of a
        subscription (shown in the signature section)
    """
    info = doc.get("info", {})
    server = (doc.get("servers") or [{"url": ""}])[0]["url"].rstrip("/")
    groups = _operations_by_tag(doc)
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{escape(info.get('title', 'API'))}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(info.get('title', 'API'))} <small>{escape(str(info.get('version', '')))}</small></h1>",
        render_markdown(info.get("description", "")),
        "<p>Machine-readable document: <a href='/api/v1/openapi.json'>openapi.json</a> "
        "(OpenAPI 3.1).</p>",
        _toc(groups, doc),
        "<h2 id='authentication'>Authentication</h2><p>Send the key issued in Odoo as "
        "<code>X-Api-Key: odk_…</code> or <code>Authorization: Bearer odk_…</code>. "
        "Each route needs a scope.</p>",
        "<pre>curl -H 'X-Api-Key: odk_xxxxxxxx_…' "
        + escape(server)
        + "/api/v1/ping</pre>",
        "<h2 id='operations'>Operations</h2>",
    ]
    for name, tag, operations in groups:
        out.append(f"<section id='tag-{_anchor(name)}'><h2>{escape(name)}</h2>")
        out.append(render_markdown(tag.get("description", "")))
        out.extend(
            _operation_html(doc, path, method, op) for path, method, op in operations
        )
        out.append("</section>")
    problems = doc.get("x-problem-types", {})
    if problems:
        out.append(
            "<h2 id='errors'>Errors</h2><p>Every error is "
            "<code>application/problem+json</code> (RFC 9457, schema "
            f"{_schema_link('Problem')}); validation errors list JSON pointers in "
            "<code>errors</code>.</p>"
            "<table><tr><th>type</th><th>status</th><th>meaning</th></tr>"
        )
        out.extend(
            f"<tr id='problem-{_anchor(slug)}'><td><code>{escape(slug)}</code></td>"
            f"<td>{escape(str(problem['status']))}</td>"
            f"<td>{render_markdown(problem['description'])}</td></tr>"
            for slug, problem in problems.items()
        )
        out.append("</table>")
    out.append(_SIGNATURE_SECTION.format(keys_url=escape(keys_url)))
    webhooks = doc.get("webhooks", {})
    if webhooks:
        out.append(
            "<h2 id='events'>Events (webhooks and <code>GET /api/v1/events</code>)</h2>"
            "<p>Each event is a CloudEvents 1.0 envelope (schema "
            f"{_schema_link('CloudEvent')}) whose <code>data</code> is described "
            "below.</p>"
        )
        for name, item in webhooks.items():
            post = item["post"]
            envelope = post["requestBody"]["content"]["application/cloudevents+json"][
                "schema"
            ]
            data_schema = envelope["allOf"][1]["properties"]["data"]
            out.append(
                f"<div class='op' id='event-{_anchor(name)}'><h3><code>{escape(name)}</code></h3>"
                f"<p><strong>{escape(post.get('summary', ''))}</strong></p>"
                f"{render_markdown(post.get('description', ''))}"
                f"{_body_html(doc, data_schema, 'Data')}</div>"
            )
    schemas = doc.get("components", {}).get("schemas", {})
    if schemas:
        out.append("<h2 id='schemas'>Schemas</h2>")
        out.extend(
            f"<details id='schema-{_anchor(name)}'><summary><code>{escape(name)}</code>"
            f"{' ' + escape(schema['description']) if isinstance(schema, dict) and isinstance(schema.get('description'), str) else ''}"
            f"</summary>{_pre(schema)}</details>"
            for name, schema in schemas.items()
        )
    out.append("</body></html>")
    return "".join(out)
