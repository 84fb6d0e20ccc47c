// Export every page that search returns to Markdown with notion-to-md, as its README shows:
//   const notion = new Client({ auth }); const n2m = new NotionToMarkdown({ notionClient: notion });
//   const mdblocks = await n2m.pageToMarkdown(id); const md = n2m.toMarkdownString(mdblocks);
// The official client is pointed at the sandbox with its `baseUrl` option. Pages are exported
// one after another (the README's usage); `parseChildPages: false` (a documented option) so a
// page listed by search is not fetched again as the child of its parent. The client's own
// retries (429/5xx, honouring Retry-After) are left at their defaults.
//
//   node notion-to-md-export.js BASE_URL TOKEN OUT_DIR   -> prints a JSON summary on stdout
"use strict";
const fs = require("fs");
const path = require("path");
const { Client } = require("@notionhq/client");
const { NotionToMarkdown } = require("notion-to-md");

async function main() {
  const [baseUrl, auth, outDir] = process.argv.slice(2);
  fs.mkdirSync(outDir, { recursive: true });
  const notion = new Client({ auth, baseUrl });
  const n2m = new NotionToMarkdown({ notionClient: notion, config: { parseChildPages: false } });
  const ids = [];
  let cursor;
  do {
    const resp = await notion.search({ start_cursor: cursor, page_size: 100 });
    for (const obj of resp.results) if (obj.object === "page") ids.push(obj.id);
    cursor = resp.has_more ? resp.next_cursor : undefined;
  } while (cursor);
  let exported = 0;
  const failures = [];
  for (const id of ids) {
    try {
      const mdblocks = await n2m.pageToMarkdown(id);
      const md = n2m.toMarkdownString(mdblocks);
      fs.writeFileSync(path.join(outDir, `${id}.md`), md.parent || "");
      exported += 1;
    } catch (err) {
      failures.push({ id, error: String(err && err.code ? err.code : err).slice(0, 200) });
    }
  }
  process.stdout.write(JSON.stringify({ pages_found: ids.length, pages_exported: exported,
    failures: failures.length, failure_samples: failures.slice(0, 5) }) + "\n");
}

main().catch((err) => { console.error(err); process.exit(1); });
