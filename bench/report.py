"""Derived figures (ratios, growth, goals) and the Markdown tables of bench/README.md.

The README's text outside the markers is written by hand; the part between them is replaced
by every `make bench` run from results.json, so the tables are never typed.
"""

from __future__ import annotations

from pathlib import Path

START = "<!-- bench:results:start (written by bench/run.py; do not edit by hand) -->"
END = "<!-- bench:results:end -->"
PIPELINE_CASES = {
    "demo": "Demo generation",
    "ingest": "Ingest (read, privacy, validate, load)",
    "ingest_full": "`terugkeer ingest` into a new store (ingest, build, publication)",
    "ingest_floor": "Floor: DuckDB read_csv/read_parquet, no checks",
    "ingest_pandas": "Alternative: pandas + Pandera (pandas)",
    "build": "Build (SQL models + statistical models)",
    "figures_national": "`terugkeer figures --json` (national)",
    "figures_gemeente": "`terugkeer figures --json --gemeente GM0363`",
    "stats_casemix": "Case-mix model fit (2 windows)",
    "stats_km": "Kaplan-Meier, national cohort (query + estimate)",
    "effect": "Effectmeting: supervision after release (read + match + results)",
}
INGEST_GOAL_FLOOR = 3.0
INGEST_GOAL_PANDAS = 5.0
PAGE_GOAL_MS = {"1": 300.0, "10": 1000.0}
MEMORY_GOAL_MB = 1024.0
# The deliveries of issue 33, by kind: at rest (cases.py) and under a browser's load
# (dashboard_load.py), side by side.
DELIVERY_KINDS = {
    "pi": "A PI's next month",
    "recidive": "The justice records' next quarter",
    "reclassering": "A probation organisation's next export",
    "nazorg": "A municipality's next nazorg export",
}
# The same deliveries while readers ask for pages through Streamlit's protocol, their
# browsers on their own machines (bench/run.py READERS). The goals read the readers back to
# back: the browser's load (page after page) without the browser's drawing on the server.
READERS_CASES = {
    "dashboard_readers_": "4 readers, a page 2 s after the last",
    "dashboard_readers_busy_": "2 readers, back to back",
}
DELIVERY_REST_GOAL = {"1": 5.0}
DELIVERY_VISIBLE_GOAL = {"1": 10.0, "10": 30.0}
EFFECT_GOAL = {"1": 3.0, "10": 10.0}  # issue 35: one evaluation on the server
LINEAR_TOLERANCE = 1.1  # growth within 10% of the data's growth counts as linear


def _s(seconds: float) -> str:
    """Seconds to two decimals, or three below one second (a server's page load)."""
    return f"{seconds:.2f}" if seconds >= 1 else f"{seconds:.3f}"


def _median(case: dict) -> float | None:
    if not isinstance(case, dict) or "seconds" not in case:
        return None
    return case["seconds"]["median"]


def derive(results: dict) -> None:
    """Add the ratios, the growth between the smallest and largest scale, and the goals."""
    scales = results["scales"]
    for out in scales.values():
        ours, floor, pandas = (
            _median(out.get(c)) for c in ("ingest", "ingest_floor", "ingest_pandas")
        )
        full = _median(out.get("ingest_full"))
        out["ratios"] = {
            "full_vs_floor": round(full / floor, 2) if full and floor else None,
            "ingest_vs_floor": round(ours / floor, 2) if ours and floor else None,
            "pandas_vs_ingest": round(pandas / ours, 2) if ours and pandas else None,
        }
    keys = sorted(scales, key=float)
    results["growth"] = {}
    if len(keys) >= 2:
        small, large = keys[0], keys[-1]
        data_growth = float(large) / float(small)
        results["growth"]["data"] = data_growth
        for case in PIPELINE_CASES:
            a, b = _median(scales[small].get(case)), _median(scales[large].get(case))
            if a and b:
                results["growth"][case] = round(b / a, 2)
    results["goals"] = _goals(results)


def _worst_page(dashboard: dict, measure: str) -> tuple[str, float] | None:
    pages = dashboard.get("pages") if isinstance(dashboard, dict) else None
    if not pages:
        return None
    if measure == "first":
        values = {p: v["first_render_ms"]["median"] for p, v in pages.items()}
    else:
        values = {p: v["filter_change_ms"]["p95"] for p, v in pages.items()}
    page = max(values, key=values.get)
    return page, values[page]


def _goals(results: dict) -> list[dict]:
    scales = results["scales"]
    goals = []

    def add(goal: str, scale: str, measured: str, met: bool) -> None:
        goals.append({"goal": goal, "scale": scale, "measured": measured, "met": met})

    if "10" in scales:
        ratios = scales["10"]["ratios"]
        if ratios["ingest_vs_floor"] is not None:
            value = ratios["ingest_vs_floor"]
            add("Ingest within 3x the DuckDB floor", "10", f"{value:.1f}x", value <= 3.0)
        if ratios["pandas_vs_ingest"] is not None:
            value = ratios["pandas_vs_ingest"]
            add("Ingest 5x faster than pandas + Pandera", "10", f"{value:.1f}x", value >= 5)
    for scale, limit in PAGE_GOAL_MS.items():
        dashboard = scales.get(scale, {}).get("dashboard")
        for measure, label in (("change", "filter change p95"), ("first", "first render median")):
            worst = _worst_page(dashboard, measure)
            if worst:
                add(
                    f"Every page's {label} under {limit:,.0f} ms",
                    scale,
                    f"worst {worst[1]:,.0f} ms ({worst[0]})",
                    worst[1] < limit,
                )
    visible_goal = DELIVERY_VISIBLE_GOAL
    for scale, out in scales.items():
        # The first full load against the floor is measured (the ingest table), no longer a
        # goal: it happens once per store (issue 33).
        build_case = out.get("build", {})
        if isinstance(build_case, dict) and "peak_rss_mb" in build_case:
            peak = build_case["peak_rss_mb"]["max"]
            limit = 1024 if scale == "1" else 3072
            add(f"Build peak memory under {limit:,} MB", scale, f"{peak:,.0f} MB", peak <= limit)
        for kind, label in DELIVERY_KINDS.items():
            rest = out.get(f"delivery_{kind}", {})
            if "seconds" in rest and scale in DELIVERY_REST_GOAL:
                seconds, limit = rest["seconds"]["median"], DELIVERY_REST_GOAL[scale]
                add(f"{label}: ingest + build + publication at rest within {limit:g} s", scale,
                    f"{seconds:.1f} s", seconds <= limit)  # fmt: skip
                peak = rest["peak_rss_mb"]["max"]
                add(f"{label}: peak memory under 1,024 MB", scale, f"{peak:,.0f} MB",
                    peak <= MEMORY_GOAL_MB)  # fmt: skip
            loads = {
                "the browser's load on the same cores": f"dashboard_load_{kind}",
                "2 protocol readers back to back": f"dashboard_readers_busy_{kind}",
            }
            for under, case in loads.items():
                load = out.get(case, {})
                if "seconds" in load and scale in visible_goal:
                    seconds = load["seconds"]
                    add(f"{label}: visible in a running dashboard under {under} within "
                        f"{visible_goal[scale]:g} s", scale, f"{seconds:.1f} s",
                        seconds <= visible_goal[scale])  # fmt: skip
                if load.get("p95_ratio") is not None:
                    ratio = load["p95_ratio"]
                    add(f"{label}: page loads during it ({under}), p95 within 20% of at rest",
                        scale,
                        f"{_s(load['during_p95'])} s vs {_s(load['rest_p95'])} s ({ratio:.2f}x)",
                        ratio <= 1.2)  # fmt: skip
        evaluation = _median(out.get("effect", {}))
        if evaluation is not None and scale in EFFECT_GOAL:
            add(f"An effect evaluation within {EFFECT_GOAL[scale]:g} s", scale,
                f"{evaluation:.1f} s", evaluation <= EFFECT_GOAL[scale])  # fmt: skip
        protocol = out.get("dashboard_protocol", {})
        if protocol.get("two_vs_one") is not None:
            ratio = protocol["two_vs_one"]
            add("Two processes behind the proxy sustain close to twice one (>= 1.7x)", scale,
                f"{ratio:.2f}x", ratio >= 1.7)  # fmt: skip
    memory = scales.get("10", {}).get("dashboard_memory", {})
    if "peak_rss_mb" in memory:
        peak = memory["peak_rss_mb"]
        add("Dashboard server peak memory under 1 GB", "10", f"{peak:,.0f} MB", peak < 1024)
    growth = results.get("growth", {})
    if "data" in growth:
        data = growth["data"]
        worst = max(
            ((c, g) for c, g in growth.items() if c != "data" and not c.startswith("figures")),
            key=lambda item: item[1],
            default=None,
        )
        if worst:
            add(
                f"Costs grow no worse than linearly ({data:g}x the data)",
                "1 → 10",
                f"worst {worst[1]:.1f}x ({worst[0]})",
                worst[1] <= data * LINEAR_TOLERANCE,
            )
    return goals


def _cell(case: dict | None) -> tuple[str, str, str]:
    if not isinstance(case, dict):
        return "", "", ""
    if "error" in case:
        return "failed", "", ""
    s = case["seconds"]
    time_text = f"{s['median']:.2f} ({s['min']:.2f}–{s['max']:.2f})"
    memory = f"{case['peak_rss_mb']['max']:,.0f}"
    rate = f"{case['rows_per_second']:,}" if "rows_per_second" in case else ""
    return time_text, memory, rate


def _measured(out: dict) -> list[str]:
    """'5 recorded runs after 1 warm-up at commit abc (date): case, case' per distinct run."""
    groups: dict[tuple, list[str]] = {}
    for case, m in out.get("measured", {}).items():
        key = (m["runs"], m["warmup"], m["commit"], m["at"][:10])
        groups.setdefault(key, []).append(case)
    return [
        f"{runs} recorded run{'s' if runs != 1 else ''} after {warmup} warm-up, commit "
        f"`{commit}`, {day}: {', '.join(names)}"
        for (runs, warmup, commit, day), names in groups.items()
    ]


def tables(results: dict) -> str:
    scales = sorted(results["scales"], key=float)
    settings = results["settings"]
    env = results["environment"]
    lines = [
        f"On {env['cores']} cores ({env['cpu']}), {env['memory_gib']} GiB, Python "
        f"{env['python']}; each run in a fresh process; seed {settings['seed']}, release years "
        f"{settings['years']}. Times in seconds: median (min–max) of the recorded runs; memory "
        "is the highest peak resident set of the recorded runs.",
        "",
    ]
    for scale in scales:
        for when in _measured(results["scales"][scale]):
            lines.append(f"- scale {scale}: {when}")
    lines += ["", "### Pipeline", ""]
    header = ["Case"]
    for scale in scales:
        header += [f"scale {scale}: s", "peak MB", "rows/s"]
    if results["growth"]:
        header.append(f"growth ({results['growth']['data']:g}x data)")
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for case, label in PIPELINE_CASES.items():
        if all(case not in results["scales"][s] for s in scales):
            continue
        row = [label]
        for scale in scales:
            row += list(_cell(results["scales"][scale].get(case)))
        if results["growth"]:
            growth = results["growth"].get(case)
            row.append(f"{growth:.1f}x" if growth else "")
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "### Ingest against the floor and the alternative", ""]
    lines += [
        "| Scale | rows | ingest s | floor s | pandas s | ingest / floor | pandas / ingest | "
        "first full load / floor |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for scale in scales:
        out = results["scales"][scale]
        ratios = out.get("ratios", {})

        def median(case: str, out: dict = out) -> str:
            value = _median(out.get(case))
            return f"{value:.2f}" if value else ""

        def ratio(key: str, ratios: dict = ratios) -> str:
            value = ratios.get(key)
            return f"{value:.1f}x" if value else ""

        rows = out.get("ingest", {}).get("rows")
        lines.append(
            f"| {scale} | {rows:,} | {median('ingest')} | {median('ingest_floor')} | "
            f"{median('ingest_pandas')} | {ratio('ingest_vs_floor')} | "
            f"{ratio('pandas_vs_ingest')} | {ratio('full_vs_floor')} |"
            if rows
            else f"| {scale} | | | | | | | |"
        )
    lines += _dashboard_lines(results, scales)
    lines += _load_lines(results, scales)
    lines += _writer_lines(results, scales)
    lines += _readers_lines(results, scales)
    lines += _cpu_lines(results, scales)
    lines += _protocol_lines(results, scales)
    lines += _api_lines(results, scales)
    lines += ["", "### Goals", "", "| Goal | Scale | Measured | Met |", "|---|---|---|---|"]
    for goal in results["goals"]:
        met = "yes" if goal["met"] else "**no**"
        lines.append(f"| {goal['goal']} | {goal['scale']} | {goal['measured']} | {met} |")
    return "\n".join(lines) + "\n"


def _protocol_lines(results: dict, scales: list[str]) -> list[str]:
    measured = [
        s for s in scales if "one_process" in results["scales"][s].get("dashboard_protocol", {})
    ]
    if not measured:
        return []
    lines = [
        "",
        "### Many sessions at once (Streamlit's websocket protocol, no browser)",
        "",
        "Page views per second sustained with p95 under 2 s, the server CPU seconds per page "
        "view there, and p50 / p95 at each number of concurrent sessions.",
        "",
        "| Scale | set-up | views/s (p95 < 2 s) | CPU s / view | 1 | 2 | 4 | 8 "
        "| 4 sessions, default views |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scale in measured:
        p = results["scales"][scale]["dashboard_protocol"]
        pairs = (("one_process", "1 process"), ("two_processes_nginx", "2 behind the proxy"))
        for key, label in pairs:
            d = p[key]
            runs = [f"{r['p50']:.2f} / {r['p95']:.2f}" for r in d["runs"]]
            shared = d["shared_views_4_sessions"]
            lines.append(
                f"| {scale} | {label} | {d['sustained_views_per_second']:.1f} | "
                f"{d['cpu_seconds_per_view'] or 0:.2f} | "
                + " | ".join(runs)
                + f" | {shared['views_per_second']:.1f}/s, p95 {shared['p95']:.2f} |"
            )
    return lines


def _api_lines(results: dict, scales: list[str]) -> list[str]:
    measured = [s for s in scales if "requests" in results["scales"][s].get("api_load", {})]
    if not measured:
        return []
    lines = [
        "",
        "### The OData API (terugkeer api) under 20 concurrent clients",
        "",
        "Each client with its own token, asking filtered observations of five datasets in turn "
        "(bench/api_load.py).",
        "",
        "| Scale | requests/s | observations/s | p50 s | p95 s | errors | first request s |",
        "|---|---|---|---|---|---|---|",
    ]
    for scale in measured:
        a = results["scales"][scale]["api_load"]
        lines.append(
            f"| {scale} | {a['requests_per_second']:.1f} | {a['observations_per_second']:,.0f} | "
            f"{a['p50_seconds']:.3f} | {a['p95_seconds']:.3f} | {a['errors']} | "
            f"{a['first_request_seconds']:.2f} |"
        )
    return lines


def _load_lines(results: dict, scales: list[str]) -> list[str]:
    """Each delivery kind side by side: at rest, and while a browser loads pages."""
    rows = []
    for kind, label in DELIVERY_KINDS.items():
        for scale in scales:
            out = results["scales"][scale]
            rest, load = out.get(f"delivery_{kind}", {}), out.get(f"dashboard_load_{kind}", {})
            if "seconds" not in rest and "seconds" not in load:
                continue
            cells = [label, scale]
            if "seconds" in rest:
                published = rest.get("published_seconds", {}).get("median")
                cells += [
                    f"{rest['seconds']['median']:.1f}",
                    "" if published is None else f"{published:.1f}",
                    f"{rest['peak_rss_mb']['max']:,.0f}",
                    f"{rest.get('rebuilt', '')}",
                ]
            else:
                cells += ["", "", "", ""]
            if "seconds" in load:
                during = load.get("during_p95")
                during = "" if during is None else f"{during:.2f}"
                published = load.get("published_seconds")
                published = "" if published is None else f"{published:.1f}"
                cells += [
                    f"{load['ingest_seconds']:.1f}", published, f"{load['seconds']:.1f}",
                    f"{load['rest_p95']:.2f}", during,
                ]  # fmt: skip
            else:
                cells += [""] * 5
            rows.append("| " + " | ".join(cells) + " |")
    if not rows:
        return []
    return [
        "",
        "### Every delivery kind: at rest, and while the dashboard serves",
        "",
        "At rest (`delivery_*`): `ingest_paths` + `terugkeer build` + publication on a copy of the"
        " store, in one process (peak: that process; published: before the store's closing"
        " checkpoint, when readers can see it). While serving (`dashboard_load_*`: the real"
        " server, headless Chromium loading pages): `terugkeer ingest` as a command; published:"
        " when it announced the new publication; shown: when the first page load showed it."
        " Seconds are the median of the runs; the page p95s are over every run's page loads"
        " together (a run has about ten loads during the delivery: its own p95 is its slowest).",
        "",
        "| Delivery | scale | at rest s | published at rest s | peak MB | steps rebuilt | "
        "`terugkeer ingest` s under load | published s | shown s | page p95 at rest s | "
        "p95 during s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]


def _writer_lines(results: dict, scales: list[str]) -> list[str]:
    """The same delivery under load with the command giving way to the readers (as it runs)
    and at normal priority with every core: how soon it shows, and the readers' p95."""
    rows = []
    for kind, label in DELIVERY_KINDS.items():
        for scale in scales:
            out = results["scales"][scale]
            pair = [
                (writer, out.get(case, {}))
                for writer, case in (
                    ("gives way (nice 10, one thread)", f"dashboard_load_{kind}"),
                    ("normal priority, every core", f"dashboard_load_normal_{kind}"),
                )
            ]
            if not all("seconds" in load for _, load in pair):
                continue
            for writer, load in pair:
                ratio = load.get("p95_ratio")
                rows.append(
                    f"| {label} | {scale} | {writer} | {load['seconds']:.1f} | "
                    f"{load['rest_p95']:.2f} | "
                    + ("" if ratio is None else f"{load['during_p95']:.2f} ({ratio:.2f}x)")
                    + " |"
                )
    if not rows:
        return []
    return [
        "",
        "### Giving way to the readers, or not",
        "",
        "The same loads while the browser loads pages, once as `terugkeer ingest` runs (it gives"
        " way to the readers: store/priority.py) and once at the bench's own priority with"
        " every core (`dashboard_load.py --writer normal`).",
        "",
        "| Delivery | scale | the load | shown s | page p95 at rest s | p95 during s |",
        "|---|---|---|---|---|---|",
        *rows,
    ]


def _readers_lines(results: dict, scales: list[str]) -> list[str]:
    """The deliveries while protocol readers ask for pages (their browsers elsewhere)."""
    rows = []
    for kind, label in DELIVERY_KINDS.items():
        for scale in scales:
            for prefix, readers in READERS_CASES.items():
                load = results["scales"][scale].get(f"{prefix}{kind}", {})
                if "seconds" not in load:
                    continue
                ratio = load.get("p95_ratio")
                rows.append(
                    f"| {label} | {scale} | {readers} | {load['ingest_seconds']:.1f} | "
                    f"{load['published_seconds']:.1f} | {load['seconds']:.1f} | "
                    f"{load['rest_loads']} | {load['during_loads']} | {_s(load['rest_p95'])} | "
                    + ("" if ratio is None else f"{_s(load['during_p95'])} ({ratio:.2f}x)")
                    + " |"
                )
    if not rows:
        return []
    return [
        "",
        "### The readers' browsers on their own machines",
        "",
        "The same deliveries (`terugkeer ingest` giving way, as it runs) while readers ask for"
        " the same four pages through Streamlit's own protocol (`dashboard_load.py --readers"
        " protocol`, bench/load.py): the server does all it does for a browser, the drawing is"
        " left to the readers' machines. A page load here is the server's script run, from the"
        " request until its last message. Seconds are the median of the runs; the p95s are over"
        " every run's page loads together.",
        "",
        "| Delivery | scale | readers | `terugkeer ingest` s | published s | shown s | "
        "loads at rest | loads during | page p95 at rest s | p95 during s |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]


def _cpu_lines(results: dict, scales: list[str]) -> list[str]:
    """Who used the machine's CPU while the load ran, under each kind of reader load."""
    cases = {"dashboard_load_": "a browser, back to back", **READERS_CASES}
    rows = []
    for kind, label in DELIVERY_KINDS.items():
        for scale in scales:
            for prefix, readers in cases.items():
                load = results["scales"][scale].get(f"{prefix}{kind}", {})
                cpu = load.get("cpu_seconds") or {}
                if cpu.get("machine") is None:
                    continue
                share = cpu["readers"] / cpu["machine"] if cpu["machine"] else 0.0
                rows.append(
                    f"| {label} | {scale} | {readers} | {load['ingest_seconds']:.1f} | "
                    f"{cpu['load']:.1f} | {cpu['server']:.1f} | {cpu['readers']:.1f} "
                    f"({share:.0%}) | {cpu['machine']:.1f} |"
                )
    if not rows:
        return []
    return [
        "",
        "### Who used the CPU while the delivery loaded",
        "",
        "CPU seconds from the start of `terugkeer ingest` until it ended (the median of the"
        " runs), read from /proc: the load (the command), the dashboard server, and the rest of"
        " the machine: the readers' side (headless Chromium and its driver, or the protocol"
        " readers) with the bench itself.",
        "",
        "| Delivery | scale | readers | the load ran s | the load CPU s | server CPU s | "
        "readers' side CPU s (share) | machine CPU s |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
    ]


def _dashboard_lines(results: dict, scales: list[str]) -> list[str]:
    with_pages = [s for s in scales if "pages" in results["scales"][s].get("dashboard", {})]
    if not with_pages:
        return []
    lines = [
        "",
        "### Dashboard (server side, AppTest; ms)",
        "",
        "First render with empty caches: median (min–max) of the rounds; filter change: p50 / "
        "p95 of ten different filter selections per round, all rounds together.",
        "",
    ]
    header = ["Page"]
    for scale in with_pages:
        header += [f"scale {scale}: first render", "change p50 / p95"]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    pages = results["scales"][with_pages[0]]["dashboard"]["pages"]
    for page in pages:
        row = [page]
        for scale in with_pages:
            p = results["scales"][scale]["dashboard"]["pages"][page]
            f, c = p["first_render_ms"], p["filter_change_ms"]
            row += [
                f"{f['median']:,.0f} ({f['min']:,.0f}–{f['max']:,.0f})",
                f"{c['p50']:,.0f} / {c['p95']:,.0f}",
            ]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "| Memory (MB) | " + " | ".join(f"scale {s}" for s in with_pages) + " |"]
    lines.append("|---|" + "---|" * len(with_pages))
    memory_rows = {
        "Server idle after start": ("dashboard_memory", "idle_rss_mb"),
        "Server peak after every page x 5 selections": ("dashboard_memory", "peak_rss_mb"),
        "AppTest process peak (all rounds)": ("dashboard", "peak_rss_mb"),
    }
    for label, (case, key) in memory_rows.items():
        values = []
        for scale in with_pages:
            value = results["scales"][scale].get(case, {}).get(key)
            values.append(f"{value:,.0f}" if value is not None else "")
        lines.append(f"| {label} | " + " | ".join(values) + " |")
    return lines


TEMPLATE = f"""# Benchmarks

Written by `make bench`; see the top of `bench/run.py` for how.

{START}
{END}
"""


def write_readme(results: dict, readme: Path) -> None:
    """Replace the generated part of the README (between the markers) with new tables."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else TEMPLATE
    if START not in text or END not in text:
        text = text.rstrip("\n") + "\n\n" + START + "\n" + END + "\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(head + START + "\n" + tables(results) + END + tail, encoding="utf-8")
