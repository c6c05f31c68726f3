"""A small, safe Markdown renderer for the descriptions in the OpenAPI document.

Odoo 18 pins no Markdown library, and the descriptions are written by module
authors in a handful of constructs: paragraphs, ``-``/``*`` lists, fenced
code blocks, headings, inline code, bold, italics and links. Everything is
HTML-escaped first; links keep only ``http(s)``, ``mailto``, relative and
fragment targets, so a description can never inject markup or script.

>>> render_markdown("Use `X-Api-Key` and **never** <script>.")
'<p>Use <code>X-Api-Key</code> and <strong>never</strong> &lt;script&gt;.</p>'
>>> render_markdown("- one\\n- *two*")
'<ul><li>one</li><li><em>two</em></li></ul>'
>>> render_markdown("[docs](/api/v1/docs) [bad](javascript:void)")
'<p><a href="/api/v1/docs">docs</a> bad</p>'
>>> render_markdown("```\\na < b\\n```")
'<pre><code>a &lt; b</code></pre>'
"""

import re
from html import escape

__all__ = ["render_markdown"]

_FENCE = re.compile(r"^\s*```")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_EM = re.compile(
    r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"
)
_SAFE_URL = re.compile(
    r"^(?:https?://|mailto:|/|#|\./|\.\./)|^[A-Za-z0-9._-]+(?:[/#?]|$)"
)


def _safe_url(url):
    """The URL if its scheme is harmless, else ``None`` (checked before escaping)."""
    return url if _SAFE_URL.match(url) else None


def _inline(text):
    """Inline markup of an escaped line; code spans are left untouched."""
    pieces = []
    position = 0
    for match in _CODE.finditer(text):
        pieces.append(_inline_text(text[position : match.start()]))
        pieces.append(f"<code>{escape(match.group(1), quote=False)}</code>")
        position = match.end()
    pieces.append(_inline_text(text[position:]))
    return "".join(pieces)


def _inline_text(text):
    out = []
    position = 0
    for match in _LINK.finditer(text):
        out.append(_emphasis(escape(text[position : match.start()], quote=False)))
        label = _emphasis(escape(match.group(1), quote=False))
        url = _safe_url(match.group(2))
        out.append(f'<a href="{escape(url)}">{label}</a>' if url else label)
        position = match.end()
    out.append(_emphasis(escape(text[position:], quote=False)))
    return "".join(out)


def _emphasis(text):
    text = _STRONG.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", text)
    return _EM.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", text)


def render_markdown(text):
    """HTML (a ``str``) of a Markdown text; an empty text gives ``""``."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    out = []
    paragraph = []
    items = []
    list_tag = None
    index = 0

    def flush_paragraph():
        if paragraph:
            out.append(
                "<p>" + " ".join(_inline(line.strip()) for line in paragraph) + "</p>"
            )
            paragraph.clear()

    def flush_list():
        nonlocal list_tag
        if items:
            out.append(
                f"<{list_tag}>"
                + "".join(f"<li>{_inline(i)}</li>" for i in items)
                + f"</{list_tag}>"
            )
            items.clear()
        list_tag = None

    while index < len(lines):
        line = lines[index]
        if _FENCE.match(line):
            flush_paragraph()
            flush_list()
            code = []
            index += 1
            while index < len(lines) and not _FENCE.match(lines[index]):
                code.append(lines[index])
                index += 1
            out.append(
                "<pre><code>" + escape("\n".join(code), quote=False) + "</code></pre>"
            )
            index += 1
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        if not line.strip():
            flush_paragraph()
            flush_list()
        elif heading:
            flush_paragraph()
            flush_list()
            # Headings inside a description sit below the page's own h3/h4.
            level = min(len(heading.group(1)) + 3, 6)
            out.append(f"<h{level}>{_inline(heading.group(2).strip())}</h{level}>")
        elif bullet or numbered:
            flush_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag and list_tag != tag:
                flush_list()
            list_tag = tag
            items.append((bullet or numbered).group(1).strip())
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()
        else:
            flush_list()
            paragraph.append(line)
        index += 1
    flush_paragraph()
    flush_list()
    return "".join(out)
