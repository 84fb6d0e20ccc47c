"""Debian's headless Chromium for the HTML tests: serve a tree, screenshot a page, measure it.

Pages are served over HTTP (aiohttp) rather than opened as ``file:`` URLs, so the
log of requests shows every stylesheet or image that failed to load. Measuring uses
no DevTools protocol: a harness page served beside the tree loads the page in an
iframe of the width asked for, reports what it finds into its own DOM, and
``--dump-dom`` prints that DOM once Chromium's virtual time budget is spent.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from html import unescape
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

__all__ = ["chromium", "measure", "page_url", "screenshot", "serve"]

HARNESS = "/__measure.html"

# For each width: the document's width against the viewport's, every image's natural
# width (lazy images are switched to eager and awaited first), the elements that stick
# out of the viewport without a scrolling box to hold them, the height of a database's
# rows and whether its first column is sticky, and where each to-do's box and lines are.
_HARNESS_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body style="margin:0">
<pre id="result"></pre>
<script>
function clipped(el) {
  for (let p = el.parentElement; p; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== "visible") return true;
  }
  return false;
}
async function run() {
  const q = new URLSearchParams(location.search);
  const out = [];
  for (const width of q.get("widths").split(",").map(Number)) {
    const frame = document.createElement("iframe");
    frame.style.cssText = `width:${width}px;height:900px;border:0;display:block`;
    const loaded = new Promise((resolve) => frame.addEventListener("load", resolve, {once: true}));
    frame.src = q.get("page");
    document.body.appendChild(frame);
    await loaded;
    const doc = frame.contentDocument;
    const view = frame.contentWindow;
    const images = [...doc.images];
    for (const img of images) img.loading = "eager";
    await Promise.all(images.map((img) => img.decode().catch(() => null)));
    const root = doc.documentElement;
    const sticking = [...doc.body.querySelectorAll("*")]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5 && !clipped(el))
      .slice(0, 8)
      .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
    out.push({
      width,
      viewport: root.clientWidth,
      document: root.scrollWidth,
      images: images.map((img) => [img.getAttribute("src"), img.naturalWidth]),
      sticking,
      rows: [...doc.querySelectorAll("table.collection tbody tr")].map(
        (tr) => tr.getBoundingClientRect().height),
      todos: [...doc.querySelectorAll("ul.to-do-list > li")].map((li) => {
        const box = li.querySelector(":scope > input");
        const lines = [...li.querySelector(":scope > span").getClientRects()];
        return {
          checked: box.checked,
          box_right: box.getBoundingClientRect().right,
          lines_left: lines.map((r) => r.left),
          background: view.getComputedStyle(box).backgroundColor,
        };
      }),
      first_column_sticky: [...doc.querySelectorAll("table.collection tr > th:first-child")]
        .every((th) => view.getComputedStyle(th).position === "sticky"),
    });
    frame.remove();
  }
  return out;
}
run().then(
  (out) => { document.getElementById("result").textContent = JSON.stringify(out); },
  (err) => { document.getElementById("result").textContent = "error: " + err; });
</script>
</body></html>
"""

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "install Debian's chromium: apt-get install -y chromium"
    return found


async def serve(root: Path, log: list[tuple[str, int]]) -> tuple[web.AppRunner, str]:
    """Serve ``root`` (and the harness) on a free local port; every request goes to ``log``."""

    @web.middleware
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            log.append((request.path, exc.status))
            raise
        log.append((request.path, response.status))
        return response

    async def harness(_: web.Request) -> web.Response:
        return web.Response(text=_HARNESS_PAGE, content_type="text/html")

    app = web.Application(middlewares=[record])
    app.router.add_get(HARNESS, harness)
    app.router.add_static("/", root)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


def page_url(base: str, rel: PurePosixPath | Path) -> str:
    """The served URL of a file of the tree, each path segment percent-encoded."""
    return base + "/" + "/".join(quote(part) for part in PurePosixPath(rel).parts)


async def _run(*args: str) -> bytes:
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out


async def screenshot(
    browser: str, url: str, shot: Path, profile: Path, *, width: int = 1280, height: int = 4000
) -> None:
    """A PNG of ``url`` in a window ``width`` × ``height`` pixels."""
    await _run(
        browser,
        *_FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--virtual-time-budget=5000",
        f"--screenshot={shot}",
        url,
    )


async def measure(
    browser: str, base: str, page: str, widths: list[int], profile: Path
) -> list[dict[str, Any]]:
    """What the harness reports for ``page`` (a served URL) at each width."""
    query = urlencode({"page": page, "widths": ",".join(map(str, widths))})
    dom = await _run(
        browser,
        *_FLAGS,
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
        "--virtual-time-budget=10000",
        "--dump-dom",
        f"{base}{HARNESS}?{query}",
    )
    text = dom.decode()
    start = text.index('<pre id="result">') + len('<pre id="result">')
    found = text[start : text.index("</pre>", start)]
    assert found and not found.startswith("error"), f"the harness on {page}: {found or 'nothing'}"
    result: list[dict[str, Any]] = json.loads(unescape(found))
    return result
