"""TeX equations as MathML, made at write time: browsers draw MathML with no script.

latex2mathml parses the TeX; its element tree is then written out here rather
than by latex2mathml's own serialiser, which unescapes the whole document (so
``\\text{<script>}`` would come out as a tag) and keeps ``\\href`` targets as
links. Only MathML elements and presentation attributes pass and text is escaped.
The TeX itself stays out of the page (the JSON and Markdown trees keep it), so no
``\\begin`` or ``$$`` appears anywhere in the HTML source. TeX that
does not parse, or that uses a command latex2mathml does not know (it would show
as ``\\foo``), gives None and the caller falls back to showing the TeX.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.html_inline import attr, tex_code, text

__all__ = ["equation_html", "mathml"]

_ELEMENTS = frozenset(
    {
        "maction",
        "math",
        "menclose",
        "merror",
        "mfenced",
        "mfrac",
        "mi",
        "mmultiscripts",
        "mn",
        "mo",
        "mover",
        "mpadded",
        "mphantom",
        "mprescripts",
        "mroot",
        "mrow",
        "ms",
        "mspace",
        "msqrt",
        "mstyle",
        "msub",
        "msubsup",
        "msup",
        "mtable",
        "mtd",
        "mtext",
        "mtr",
        "munder",
        "munderover",
        "none",
    }
)
_ATTRIBUTES = frozenset(
    {
        "accent",
        "accentunder",
        "align",
        "columnalign",
        "columnlines",
        "columnspacing",
        "columnspan",
        "depth",
        "displaystyle",
        "fence",
        "form",
        "frame",
        "framespacing",
        "height",
        "largeop",
        "linebreak",
        "linethickness",
        "lspace",
        "mathbackground",
        "mathcolor",
        "mathsize",
        "mathvariant",
        "maxsize",
        "minsize",
        "movablelimits",
        "notation",
        "rowalign",
        "rowlines",
        "rowspacing",
        "rowspan",
        "rspace",
        "scriptlevel",
        "separator",
        "stretchy",
        "symmetric",
        "voffset",
        "width",
    }
)
_CHAR_REF = re.compile(r"&#x([0-9a-fA-F]+);")
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
#: KaTeX environments (what Notion draws with) that latex2mathml knows by another name.
_ENVIRONMENTS = {
    "aligned": ("align*", ""),
    "gathered": ("array", "{c}"),
    "gather": ("array", "{c}"),
    "gather*": ("array", "{c}"),
}
_DELIMITED = re.compile(r"\s*(?:\$\$(.*)\$\$|\$(.*)\$|\\\[(.*)\\\]|\\\((.*)\\\))\s*", re.DOTALL)
_ENVIRONMENT = re.compile(r"\\(begin|end)\{(aligned|gathered|gather\*?)\}")


def _katex_names(tex: str) -> str:
    def rename(match: re.Match[str]) -> str:
        name, columns = _ENVIRONMENTS[match.group(2)]
        if match.group(1) == "begin":
            return f"\\begin{{{name}}}{columns}"
        return f"\\end{{{name}}}"

    return _ENVIRONMENT.sub(rename, tex)


def _text(raw: str | None) -> str:
    """latex2mathml writes symbols as ``&#x…;`` inside element text: decode, then escape."""
    if not raw:
        return ""
    return text(_CHAR_REF.sub(_character, raw))


def _character(ref: re.Match[str]) -> str:
    point = int(ref.group(1), 16)
    return chr(point) if point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else ref.group(0)


def _write(element: Element, out: list[str]) -> bool:
    """Append ``element`` as HTML to ``out``; False if it holds something we do not show."""
    tag = element.tag.rsplit("}", 1)[-1]
    if tag not in _ELEMENTS:
        return False
    if tag in ("mi", "mo") and (
        _UNKNOWN_COMMAND.fullmatch(element.text or "") or element.text == "&"
    ):
        return False  # a command it does not know, or the cells of an environment it does not
    attrs = "".join(
        f' {name}="{attr(value)}"'
        for name, value in sorted(element.attrib.items())
        if name in _ATTRIBUTES
    )
    out.append(f"<{tag}{attrs}>{_text(element.text)}")
    for child in element:
        if not _write(child, out):
            return False
        out.append(_text(child.tail))
    out.append(f"</{tag}>")
    return True


def _undelimited(tex: str) -> str:
    """The TeX inside ``$$…$$``, ``$…$``, ``\\[…\\]`` or ``\\(…\\)``, pasted in from elsewhere."""
    found = _DELIMITED.fullmatch(tex)
    return next(g for g in found.groups() if g is not None) if found else tex


def mathml(tex: str, *, display: bool) -> str | None:
    """``<math>`` for ``tex`` (``display="block"`` for equation blocks), or None."""
    if not tex.strip():
        return None
    source = _katex_names(_undelimited(tex))
    body: list[str] = []
    # Imported on the first equation: latex2mathml's tables cost a render child
    # about 12 MB, which an export with no equation (or no HTML) need not pay.
    from latex2mathml.converter import convert_to_element

    try:
        root = convert_to_element(source, display="block" if display else "inline")
        if not all(_write(child, body) for child in root):
            return None
    except Exception:  # latex2mathml's errors share no base class; deep nesting recurses
        return None
    presentation = "".join(body) if len(root) == 1 else "<mrow>" + "".join(body) + "</mrow>"
    kind = ' display="block"' if display else ""
    return f"<math{kind}>{presentation}</math>"


def equation_html(tex: str, ctx: RenderContext, *, display: bool = False) -> str:
    """MathML for ``tex``; TeX that does not convert is shown as code and counted."""
    drawn = mathml(tex, display=display)
    if drawn is not None:
        return drawn
    if tex.strip():
        ctx.note("equation:unconverted")
    return f"<code>{text(tex)}</code>" if display else tex_code(tex)
