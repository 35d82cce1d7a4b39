#!/usr/bin/env python3
"""Turns bench/run.sh's results.jsonl into table.md (the figures, ratios and
goals) and sweep.dat (the latency-vs-load data for bench/latency.gp).

usage: report.py RESULTS.jsonl OUTDIR

When a label was run twice (the second time with two bench processes because
the first saturated a core), the run with more ops/s is used."""
import json
import sys
from pathlib import Path


def load(path):
    best, meta = {}, {}
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            continue
        j = json.loads(line)
        if j.get("meta"):
            meta.update(j)
            continue
        label = j["label"]
        if j.get("failed"):
            best.setdefault(label, None)
            continue
        if best.get(label) is None or j["ops_per_s"] > best[label]["ops_per_s"]:
            best[label] = j
    return best, meta


def rate(v):
    if v is None:
        return "—"
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    if v >= 1e3:
        return f"{v / 1e3:.0f} k"
    return f"{v:.0f}"


def ops(r):
    return r["ops_per_s"] if r else None


def p99(r):
    return f"{r['latency_ms']['p99']:.2f}" if r else "—"


def cpu(r):
    if not r:
        return "—"
    return (f"{r['bench_cpu_pct']:.0f}% x{r['bench_procs']} / {r.get('server_cpu_pct', 0):.0f}% / "
            f"{r.get('other_cpu_pct', 0):.0f}%")


def ratio(a, b):
    return a / b if a and b else None


def fmt_ratio(x):
    return f"{x:.2f}x" if x is not None else "—"


def verdict(ok):
    if ok is None:
        return "not measured"
    return "met" if ok else "**not met**"


def main():
    results, meta = load(sys.argv[1])
    out = Path(sys.argv[2])
    g = results.get
    lines = []
    add = lines.append
    runs = sum(1 for _ in Path(sys.argv[1]).read_text().splitlines()) - 2
    add(f"Commit {meta.get('commit', '?')}, {runs} runs, comparisons repeated {meta.get('repeat', 1)} time(s) "
        "with each label's best run shown.")
    add(f"Run {meta.get('started', '?')} to {meta.get('finished', '?')}; {meta.get('cpus', '?')} x "
        f"{meta.get('cpu', '?')}, Linux {meta.get('kernel', '?')}, Redis {meta.get('redis', '?')}; "
        f"load average before {meta.get('loadavg_before', '?')}, after {meta.get('loadavg_after', '?')}.")
    add("")
    add("CPU columns: bench CPU (percent of one core, summed over its processes) x bench processes / "
        "server CPU / CPU of other processes on the machine, over the measurement window; 100% is "
        "one core, the machine has 200%.")
    add("")

    add("### Chat fan-out (closed loop), deliveries/s")
    add("")
    add("| load | parleyd | Redis | ratio | p99 ms parleyd | p99 ms Redis | CPU parleyd run | CPU Redis run | goal: >= 1.5x, p99 <= Redis |")
    add("|---|---|---|---|---|---|---|---|---|")
    for key, name in (("chat-1x1000", "1 room x 1,000, 32 in flight"),
                      ("chat-100x10", "100 rooms x 10, 10 senders, 1 in flight each"),
                      ("chat-100x10-p32", "100 rooms x 10, 10 senders, 32 in flight each")):
        p, r = g(f"{key}/parley"), g(f"{key}/redis")
        x = ratio(ops(p), ops(r))
        ok = None if x is None else (x >= 1.5 and p["latency_ms"]["p99"] <= r["latency_ms"]["p99"])
        add(f"| {name} | {rate(ops(p))} | {rate(ops(r))} | {fmt_ratio(x)} | {p99(p)} | {p99(r)} | {cpu(p)} | {cpu(r)} | {verdict(ok)} |")
    add("")

    add("### Echo, 50 connections, replies/s")
    add("")
    add("| pipeline | parleyd | Redis ECHO | C line echo | vs Redis | vs C | p99 ms parleyd / Redis / C | CPU parleyd run | goal: >= 1.0x Redis, >= 0.8x C |")
    add("|---|---|---|---|---|---|---|---|---|")
    for depth in (1, 16):
        p, r, c = g(f"echo-p{depth}/parley"), g(f"echo-p{depth}/redis"), g(f"echo-p{depth}/line")
        xr, xc = ratio(ops(p), ops(r)), ratio(ops(p), ops(c))
        ok = None if xr is None or xc is None else (xr >= 1.0 and xc >= 0.8)
        add(f"| {depth} | {rate(ops(p))} | {rate(ops(r))} | {rate(ops(c))} | {fmt_ratio(xr)} | {fmt_ratio(xc)} | "
            f"{p99(p)} / {p99(r)} / {p99(c)} | {cpu(p)} | {verdict(ok)} |")
    add("")

    add("### UDP echo, window 64, packets/s")
    add("")
    add("| datagram | parleyd | C recvmmsg/sendmmsg | ratio | p99 ms parleyd / C | CPU parleyd run | CPU C run | goal: >= 0.8x |")
    add("|---|---|---|---|---|---|---|---|")
    for size in (64, 1024):
        p, c = g(f"udp-{size}/parley"), g(f"udp-{size}/baseline")
        x = ratio(ops(p), ops(c))
        add(f"| {size} B | {rate(ops(p))} | {rate(ops(c))} | {fmt_ratio(x)} | {p99(p)} / {p99(c)} | {cpu(p)} | {cpu(c)} | "
            f"{verdict(None if x is None else x >= 0.8)} |")
    add("")

    add("### One big room, end-to-end latency")
    add("")
    add("| server | members | messages/s | deliveries/s | p50 ms | p99 ms | p99.9 ms | max ms | missing | goal: p99 < 20 ms |")
    add("|---|---|---|---|---|---|---|---|---|---|")
    for prefix, per_s in (("bigroom", 20), ("bigroom-1", 1)):
        for name, server in (("parleyd", "parley"), ("Redis", "redis")):
            r = g(f"{prefix}/{server}")
            if not r:
                add(f"| {name} | — | {per_s} | — | — | — | — | — | — | not measured |")
                continue
            l = r["latency_ms"]
            goal = verdict(l["p99"] < 20) if name == "parleyd" else "(reference)"
            add(f"| {name} | {r['config']['connections']:,} | {per_s} | {rate(ops(r))} | {l['p50']:.2f} | "
                f"{l['p99']:.2f} | {l['p999']:.2f} | {l['max']:.2f} | {r.get('deliveries_missing', 0)} | {goal} |")
    add("")

    add("### Idle connections (hello + join each), fresh server")
    add("")
    add("| server | held | connect rate | server RSS growth per connection | errors | goal: >= 19,000 held, <= 1 KiB each |")
    add("|---|---|---|---|---|---|")
    for key, name in (("connect/parley", "parleyd"), ("connect/redis", "Redis")):
        r = g(key)
        if not r:
            add(f"| {name} | — | — | — | — | not measured |")
            continue
        per = r.get("server_rss_per_conn_bytes")
        goal = "(reference)"
        if name == "parleyd":
            goal = verdict(r["connections_held"] >= 19000 and per is not None and per <= 1024)
        add(f"| {name} | {r['connections_held']:,} | {rate(ops(r))}/s | {per if per is not None else '—'} B | "
            f"{r['errors']} | {goal} |")
    add("")

    sweep = []
    for label, r in results.items():
        if label.startswith("sweep-") and r:
            sweep.append((int(label.split("-")[1].split("/")[0]), label.split("/")[1], r))
    rows = {}
    for offered, target, r in sweep:
        rows.setdefault(offered, {})[target] = r
    with open(out / "sweep.dat", "w") as f:
        f.write("# offered_msgs_per_s parley_deliveries_per_s parley_p50 parley_p99 redis_deliveries_per_s redis_p50 redis_p99\n")
        for offered in sorted(rows):
            cols = [str(offered)]
            for target in ("parley", "redis"):
                r = rows[offered].get(target)
                cols += [str(r["ops_per_s"]), str(r["latency_ms"]["p50"]), str(r["latency_ms"]["p99"])] if r else ["NaN"] * 3
            f.write(" ".join(cols) + "\n")

    add("### Latency against offered load (chat 100 rooms x 10, 10 senders, open loop)")
    add("")
    add("| offered msgs/s | parleyd deliveries/s | p50 / p99 ms | Redis deliveries/s | p50 / p99 ms |")
    add("|---|---|---|---|---|")
    for offered in sorted(rows):
        p, r = rows[offered].get("parley"), rows[offered].get("redis")
        def lat(x):
            return f"{x['latency_ms']['p50']:.2f} / {x['latency_ms']['p99']:.2f}" if x else "—"
        add(f"| {offered:,} | {rate(ops(p))} | {lat(p)} | {rate(ops(r))} | {lat(r)} |")
    add("")

    saturated = [label for label, r in results.items() if r and r.get("bench_saturated") and r["bench_procs"] == 1]
    if saturated:
        add("Runs where the (single) bench process used a whole core and no two-process rerun did better: "
            + ", ".join(sorted(saturated)) + ".")
        add("")
    (out / "table.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
