"""Export every page that search returns to Markdown with notion2md, as its README shows.

notion2md exports one page per call::

    from notion2md.exporter.block import MarkdownExporter
    MarkdownExporter(block_id="...", output_path="...", download=True).export()

It has no option for the API's base URL: its ``NotionClient`` singleton builds
``notion_client.Client(auth=token)``. This wrapper creates that singleton once and swaps its
client for ``notion_client.Client(auth=token, base_url=SANDBOX)`` (notion-client's own
``base_url`` option) before any export. Pages come from ``search`` (paginated), are exported
one after another with ``unzipped=True`` (one ``.md`` per page) and ``download=False``.
notion-client's own retries (429/5xx, Retry-After) are left at their defaults.

    python notion2md_export.py BASE_URL TOKEN OUT_DIR   -> prints a JSON summary on stdout
"""

import json
import sys

from notion2md.exporter.block import MarkdownExporter
from notion2md.notion_api import NotionClient
from notion_client import Client


def main() -> None:
    base_url, token, out_dir = sys.argv[1:4]
    client = Client(auth=token, base_url=base_url)
    NotionClient(token)._client = client  # the singleton every exporter uses
    ids, cursor = [], None
    while True:
        kwargs = {"page_size": 100}
        if cursor:
            kwargs["start_cursor"] = cursor
        resp = client.search(**kwargs)
        ids += [obj["id"] for obj in resp["results"] if obj["object"] == "page"]
        if not resp.get("has_more"):
            break
        cursor = resp["next_cursor"]
    exported, failures = 0, []
    for page_id in ids:
        try:
            MarkdownExporter(
                block_id=page_id, output_path=out_dir, unzipped=True, token=token
            ).export()
            exported += 1
        except Exception as exc:  # a peer's failure is a measurement, not a crash
            failures.append({"id": page_id, "error": f"{type(exc).__name__}: {exc}"[:200]})
    print(
        json.dumps(
            {
                "pages_found": len(ids),
                "pages_exported": exported,
                "failures": len(failures),
                "failure_samples": failures[:5],
            }
        )
    )


if __name__ == "__main__":
    main()
