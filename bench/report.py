"""results.json → results.md and PNG plots.

python -m bench.report [bench/results/results.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.common import RESULTS


def _ok(measured: float | None, target: float, *, at_most: bool) -> str:
    if measured is None:
        return "not measured"
    met = measured <= target if at_most else measured >= target
    if met:
        return "met"
    if target == 0:
        return f"missed by {measured:g}"
    return f"missed by {abs(measured - target) / target * 100:.1f}%"


def _load_line(load: dict[str, Any]) -> str:
    return (
        f"load avg {load['loadavg_1m_start']}→{load['loadavg_1m_end']}, machine CPU "
        f"{load['machine_cpu_busy_pct']}% busy of {load['cores']} cores, "
        f"{load['other_processes_cpu_pct']}% by processes outside the benchmark"
    )


def _loads(res: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    if "ratelimit" in res:
        out.append(("rate-limit", res["ratelimit"]["run"]["load"]))
    for run in res.get("scale", {}).get("runs", []):
        out.append((f"scale {run['pages']:,}", run["run"]["load"]))
    for name, tool in res.get("peers", {}).get("tools", {}).items():
        out.append((f"peers/{name}", tool["load"]))
    return out


def conditions_note(res: dict[str, Any]) -> str:
    """What else ran on the machine while each figure was measured."""
    loads = _loads(res)
    if not loads:
        return ""
    parts = ", ".join(f"{name} {load['other_processes_cpu_pct']}%" for name, load in loads)
    worst = max(load["other_processes_cpu_pct"] for _, load in loads)
    verdict = (
        "the machine was shared: wall times and rates below are pessimistic, CPU-bound "
        "figures (scale) most of all"
        if worst >= 15
        else "the machine was otherwise mostly idle"
    )
    return (
        f"CPU used by processes outside the benchmark (share of all cores): {parts}; "
        f"{verdict}. Request counts, 429s and RSS do not depend on load."
    )


def not_done(res: dict[str, Any]) -> list[str]:
    left = []
    sizes = res.get("scale", {}).get("sizes", [])
    for n in (1000, 10000, 100000):
        if n not in sizes:
            left.append(
                f"scale and memory at {n:,} pages: not run in this suite run "
                f"(`python -m bench.scale --sizes {n}`)"
            )
    rp = res.get("replay")
    if rp and not rp.get("available"):
        left.append("replay: `notion-sync replay` is not available in this build")
    return left


def render_markdown(res: dict[str, Any]) -> str:
    lines = ["# notion-sync benchmark results", ""]
    m = res["machine"]
    lines += [
        f"Run {res['started_at']} → {res['finished_at']} "
        f"({res['mode']}), {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"Python {m['python']}, Node {m['node']}. Raw figures: `results.json`.",
        "",
    ]
    note = res.get("conditions_note") or conditions_note(res)
    if note:
        lines += [f"**Conditions.** {note}", ""]
    for extra in res.get("run_notes", []):
        lines += [f"- {extra}"]
    if res.get("run_notes"):
        lines.append("")
    rl = res.get("ratelimit")
    if rl:
        f, t, s = rl["figures"], rl["targets"], rl["sandbox"]
        lines += [
            "## Rate-limit utilisation",
            "",
            f"Sandbox: {s['pages']} pages (seed {s['seed']}), limit {s['rate']} req/s "
            f"(burst {s['burst']}), latency {s['latency_ms']} ± {s['latency_jitter_ms']} ms;"
            f" notion-sync configured with the same rate and burst. "
            f"{_load_line(rl['run']['load'])}.",
            "",
            "| figure | target | measured | verdict |",
            "| --- | --- | --- | --- |",
            f"| achieved req/s ÷ limit (from first request to exit) | ≥ "
            f"{t['utilisation_min']} | {f['utilisation']} "
            f"({f['achieved_rps_after_first_request']} req/s) | "
            f"{_ok(f['utilisation'], t['utilisation_min'], at_most=False)} |",
            f"| achieved req/s ÷ limit (whole run, start-up included) | — | "
            f"{f['utilisation_whole_run']} | — |",
            f"| median 1-s rate in steady state ÷ limit | — | "
            f"{f['utilisation_steady_median']} | — |",
            f"| 429s received in steady state (after the first 5 s of traffic) | "
            f"{t['rate_limited_max']} | {f.get('rate_limited_steady', '—')} | "
            f"{_ok(f.get('rate_limited_steady'), t['rate_limited_max'], at_most=True)} |",
            f"| 429s received, whole run | — | {f['rate_limited']} "
            f"({f.get('rate_limited_first_5s', '—')} in the first 5 s) | — |",
            f"| requests sent ÷ minimum | ≤ {t['requests_ratio_max']} | "
            f"{f['requests_ratio']} ({f['requests_sent']} / {f['minimum_requests']}) | "
            f"{_ok(f['requests_ratio'], t['requests_ratio_max'], at_most=True)} |",
            f"| wall ÷ (minimum ÷ limit), start-up included | ≤ {t['wall_ratio_max']} | "
            f"{f['wall_ratio']} ({rl['run']['wall_s']} s / {f['ideal_wall_s']} s) | "
            f"{_ok(f['wall_ratio'], t['wall_ratio_max'], at_most=True)} |",
            f"| start-up (run start → first Notion request) | — | {f['startup_s']} s | — |",
            f"| failures | 0 | {f['failures']} | {_ok(f['failures'], 0, at_most=True)} |",
            "",
        ]
        lines += _per_endpoint(rl["run"]["by_endpoint"], rl["minimum_requests"])
        fails = _failure_lines("rate-limit run", rl["run"])
        if fails:
            lines += [*fails, ""]
        if rl.get("analysis"):
            lines += [rl["analysis"], ""]
        lines += ["![requests per second](requests_per_second.png)", ""]
    sc = res.get("scale")
    if sc:
        t = sc["targets"]
        lines += [
            "## Scale and memory",
            "",
            "High limit (1000 req/s, burst 200), no latency, Markdown only. Peak RSS "
            "sampled every 0.25 s per process.",
            "",
            "| pages | wall s | start-up s | ms/page | ms/page after start-up | requests"
            " ÷ minimum | peak RSS run / worker / render / broker (MB) | RSS ≤ "
            f"{t['peak_rss_mb_max']:g} MB | failures | machine load | sandbox start-up s |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in sc["runs"]:
            f = r["figures"]
            rss = f["peak_rss_mb"]
            lines.append(
                f"| {r['pages']:,} | {f['wall_s']} | {f['startup_s']} | {f['ms_per_page']} | "
                f"{f['ms_per_page_after_startup']} | {f.get('requests_ratio', '—')} | "
                f"{rss.get('run')} / {rss.get('worker')} / {rss.get('render', '—')} / "
                f"{rss.get('broker')} | "
                f"{_ok(f['peak_rss_mb_max'], t['peak_rss_mb_max'], at_most=True)} | "
                f"{f['failures']} | {_load_line(r['run']['load'])} | "
                f"{r['sandbox'].get('startup_s', '—')} |"
            )
        lines.append("")
        s = sc["summary"]
        if "time_ratio_10k_1k" in s:
            lines += [
                f"Time 10k ÷ 1k: **{s['time_ratio_10k_1k']}** (target ≤ "
                f"{t['time_ratio_10k_1k_max']}: "
                f"{_ok(s['time_ratio_10k_1k'], t['time_ratio_10k_1k_max'], at_most=True)});"
                f" after start-up {s['time_ratio_10k_1k_after_startup']}.",
                "",
            ]
        extra = [f"- {note}" for note in sc.get("notes", [])]
        for r in sc["runs"]:
            extra += _failure_lines(f"{r['pages']:,} pages", r["run"])
        if extra:
            lines += [*extra, ""]
        lines += ["![time and memory vs size](scale.png)", ""]
    rp = res.get("replay")
    if rp:
        lines += ["## Replay", ""]
        if not rp.get("measured"):
            lines += [rp.get("note", "not measured"), ""]
        else:
            lines += [
                f"Re-render of the {rp['pages']:,}-page export ({rp['pages_exported']:,} "
                "pages exported) from the retained entities topic, embedded broker still "
                "up, by `notion-sync replay --latest`.",
                "",
                "| format | wall s (process) | replay's own time s | pages/s (process wall) "
                "| files written | Notion requests (target 0)"
                " | read from topic | peak RSS MB |",
                "| --- | --- | --- | --- | --- | --- | --- | --- |",
            ]
            for fmt, f in rp["formats"].items():
                lines.append(
                    f"| {fmt} | {f['wall_s']} | {f.get('render_s_reported')} | "
                    f"{f['pages_per_s']} | "
                    f"{f['files_written']} | {f['notion_requests']} | "
                    f"{'yes' if f['from_topic'] else 'no (disk store)'} | "
                    f"{f['peak_rss_mb']} |"
                )
            lines.append("")
    pe = res.get("peers")
    if pe:
        s = pe["sandbox"]
        lines += [
            "## Peers, side by side",
            "",
            f"One sandbox: {s['pages']} pages (seed {s['seed']}), limit {s['rate']} req/s "
            f"(burst {s['burst']}), latency {s['latency_ms']} ± {s['latency_jitter_ms']} ms,"
            f" stats reset between tools. Versions: "
            + ", ".join(f"{k} {v}" for k, v in pe["versions"].items())
            + ".",
            "",
            "| tool | wall s | requests | 429s | failures | pages exported | "
            "notion-sync wall ÷ tool | notion-sync requests ÷ tool | notion-sync s/page ÷ "
            "tool | whole workspace | databases | comments | pages not in search |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, tool in pe["tools"].items():
            ratio = tool.get("notion_sync_ratio", {})
            cap = tool["capabilities"]
            fails = tool["failures_http"] + (tool.get("failed_pages") or 0)
            lines.append(
                f"| {name} | {tool['wall_s']} | {tool['requests_sandbox']} | "
                f"{tool['rate_limited']} | {fails} | {tool['pages_exported']} | "
                f"{ratio.get('wall', '—')} | {ratio.get('requests', '—')} | "
                f"{ratio.get('wall_per_page', '—')} | {cap['whole_workspace']} | "
                f"{cap['databases']} | {cap['comments']} | {cap['pages_not_in_search']} |"
            )
        mins = pe["minimum_requests"]
        lines += [
            "",
            "Minimum requests on this workspace: "
            + "; ".join(f"{k}: {v['total']}" for k, v in mins.items())
            + ".",
            "",
        ]
        for note in pe.get("notes", []):
            lines.append(f"- {note}")
        lines.append("")
    left = res.get("not_done") or not_done(res)
    if left:
        lines += ["## Not measured in this run", ""] + [f"- {x}" for x in left] + [""]
    return "\n".join(lines)


def _failure_lines(label: str, run: dict[str, Any]) -> list[str]:
    """Non-2xx answers (other than 404 for unshared pages and 429) and failed documents."""
    odd = {
        f"{ep} → {st}": n
        for ep, sts in run["by_endpoint"].items()
        for st, n in sts.items()
        if not (st.startswith("2") or st in ("404", "429"))
    }
    lines = []
    if odd:
        lines.append(
            f"- {label}: unexpected answers "
            + ", ".join(f"`{k}` ×{n}" for k, n in sorted(odd.items()))
        )
    for doc in run.get("failed_samples", []):
        lines.append(
            f"- {label}: failed {doc.get('kind')} `{doc.get('id')}`: {str(doc.get('reason'))[:160]}"
        )
    return lines


def _per_endpoint(by_endpoint: dict[str, dict[str, int]], minimum: dict[str, int]) -> list[str]:
    rows = ["| endpoint | sent | minimum |", "| --- | --- | --- |"]
    keys = sorted(set(by_endpoint) | {k for k in minimum if k != "total"})
    for k in keys:
        sent = sum(by_endpoint.get(k, {}).values())
        rows.append(f"| `{k}` | {sent} | {minimum.get(k, 0)} |")
    return [*rows, ""]


def render_plots(res: dict[str, Any], out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    rl = res.get("ratelimit")
    if rl:
        fig, ax = plt.subplots(figsize=(9, 4.5))
        ser = rl["run"]["rps_series"]
        ax.plot(ser["t"], ser["rps"], label="notion-sync requests/s (1-s samples)", lw=1.2)
        limit = rl["sandbox"]["rate"]
        ax.axhline(limit, color="red", ls="--", label=f"limit {limit:g} req/s")
        r429 = [(t, n) for t, n in zip(ser["t"], ser["rate_limited"], strict=False) if n]
        if r429:
            ax.scatter(
                [t for t, _ in r429],
                [limit for _ in r429],
                marker="x",
                color="black",
                label="429 received",
                zorder=3,
            )
        pe = res.get("peers")
        if pe:
            for name in ("notion-to-md", "notion2md"):
                ps = pe["tools"][name]["rps_series"]
                ax.plot(
                    ps["t"],
                    ps["rps"],
                    lw=0.9,
                    alpha=0.7,
                    label=f"{name} req/s ({pe['sandbox']['pages']} pages)",
                )
        ax.set_xlabel("seconds since start")
        ax.set_ylabel("requests per second")
        ax.set_title(
            f"Requests/s vs limit ({rl['sandbox']['pages']} pages, "
            f"{rl['sandbox']['latency_ms']:g} ms latency)"
        )
        ax.set_ylim(bottom=0, top=limit * 1.4)
        ax.legend(loc="lower right", fontsize=8)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(out / "requests_per_second.png", dpi=110)
        plt.close(fig)
        written.append("requests_per_second.png")
    sc = res.get("scale")
    if sc and sc["runs"]:
        sizes = [r["pages"] for r in sc["runs"]]
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.5))
        a1.plot(sizes, [r["figures"]["wall_s"] for r in sc["runs"]], "o-", label="wall time")
        a1.set_xscale("log")
        a1.set_yscale("log")
        a1.set_xlabel("workspace pages")
        a1.set_ylabel("seconds")
        ax2 = a1.twinx()
        ax2.plot(
            sizes,
            [r["figures"]["ms_per_page"] for r in sc["runs"]],
            "s--",
            color="C1",
            label="ms per page",
        )
        ax2.set_ylabel("ms per page")
        ax2.set_ylim(bottom=0)
        from matplotlib.ticker import ScalarFormatter

        for axis in (a1.xaxis, a1.yaxis, a2.xaxis):
            axis.set_major_formatter(ScalarFormatter())
        a1.set_xticks(sizes)
        a2.set_xticks(sizes)
        a1.set_title("Time vs workspace size")
        a1.legend(loc="upper left", fontsize=8)
        ax2.legend(loc="lower right", fontsize=8)
        a1.grid(alpha=0.3)
        for role in ("run", "worker", "render", "broker"):
            a2.plot(
                sizes, [r["figures"]["peak_rss_mb"].get(role) for r in sc["runs"]], "o-", label=role
            )
        a2.axhline(sc["targets"]["peak_rss_mb_max"], color="red", ls="--", label="100 MB budget")
        a2.set_xscale("log")
        a2.set_xlabel("workspace pages")
        a2.set_ylabel("peak RSS (MB)")
        a2.set_ylim(bottom=0)
        a2.set_title("Peak RSS per notion-sync process")
        a2.legend(fontsize=8)
        a2.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(out / "scale.png", dpi=110)
        plt.close(fig)
        written.append("scale.png")
    return written


def write_report(res: dict[str, Any], out: Path = RESULTS) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    plots = render_plots(res, out)
    (out / "results.md").write_text(render_markdown(res), encoding="utf-8")
    return ["results.md", *plots]


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else RESULTS / "results.json"
    res = json.loads(path.read_text())
    print(write_report(res, path.parent))


if __name__ == "__main__":
    main()
