#!/usr/bin/env python3
"""The benchmark report generator (standard library only).

  generate.py machine OUT.json
      describes this machine (CPU, cores, memory, kernel, compilers, date).
  generate.py render --results DIR [--template T] [--out-readme P]
                     [--top-readme P] [--plot-png P] [--no-plot]
      writes benchmarks/README.md from the measurements in DIR (every number
      in it comes from DIR), the hit-latency plot (gnuplot) and the table
      between the bench markers of the top-level README.

render exits 3 when a row could not be computed (its measurement is missing
from DIR): everything else is still written, the row says "not measured".
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ beside the sources

import claims  # noqa: E402
from results import Missing, Results  # noqa: E402

BEGIN_MARK = "<!-- bench:begin -->"
END_MARK = "<!-- bench:end -->"


# ---- the machine -------------------------------------------------------------

def _first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0].strip() if out.returncode == 0 and lines else None


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def collect_machine(root):
    cpuinfo = _read("/proc/cpuinfo")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    physical = {(p, c) for p, c in re.findall(r"^physical id\s*:\s*(\d+)$.*?^core id\s*:\s*(\d+)$",
                                                 cpuinfo, re.M | re.S)}
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    os_name = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', _read("/etc/os-release"), re.M)
    commit = _first_line(["git", "-C", root, "rev-parse", "--short=12", "HEAD"])
    dirty = subprocess.run(["git", "-C", root, "diff", "--quiet", "HEAD", "--", "include", "benchmarks", "tools"],
                           capture_output=True).returncode != 0 if commit else False
    return {
        "cpu_model": models[0].strip() if models else platform.processor() or "unknown",
        "logical_cpus": os.cpu_count(),
        "physical_cores": len(physical) or None,
        "memory_gib": round(int(mem.group(1)) / 2**20, 1) if mem else None,
        "kernel": platform.release(),
        "os": os_name.group(1) if os_name else platform.system(),
        "gxx": _first_line(["g++", "--version"]),
        "clangxx": _first_line(["clang++", "--version"]),
        "cmake": _first_line(["cmake", "--version"]),
        "python": _first_line(["/usr/bin/python3", "--version"]),
        "libraries": {name: _first_line(["dpkg-query", "-W", "-f=${Version}", package])
                      for name, package in (("LMDB", "liblmdb-dev"), ("Boost", "libboost1.81-dev"),
                                            ("Google Benchmark", "libbenchmark-dev"))},
        "load_average": _read("/proc/loadavg").split()[:3],
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": (commit + ("+uncommitted changes" if dirty else "")) if commit else None,
    }


# ---- formatting --------------------------------------------------------------

def sig3(x):
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{sig3(ns / scale)} {unit}"
    return f"{sig3(ns)} ns"


def fmt_rate(bytes_per_second):
    return f"{sig3(bytes_per_second / 2**20)} MiB/s"


def fmt_value(kind, v):
    return fmt_rate(v) if kind == "throughput" else fmt_time(v)


def fmt_ratio(r):
    return f"{r:.2f}x" if r >= 0.1 else f"{r:.2g}x"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


# ---- sections ----------------------------------------------------------------

def machine_section(m):
    cores = f"{m['logical_cpus']} logical CPUs"
    if m.get("physical_cores"):
        cores += f" ({m['physical_cores']} physical cores)"
    rows = [
        ("CPU", m["cpu_model"]),
        ("cores", cores),
        ("memory", f"{m['memory_gib']} GiB" if m.get("memory_gib") else "unknown"),
        ("system", f"{m['os']}, kernel {m['kernel']}"),
        ("compilers", "; ".join(c for c in (m.get("gxx"), m.get("clangxx")) if c) or "unknown"),
        ("build", "CMake Release (-O3 for the benchmarks)" + (f", {m['cmake']}" if m.get("cmake") else "")),
        ("libraries", ", ".join(f"{k} {v}" for k, v in (m.get("libraries") or {}).items() if v) or "unknown"),
        ("Python (peer)", m.get("python") or "unknown"),
        ("load average at start", " ".join(m.get("load_average") or []) or "unknown"),
        ("date", m["date_utc"]),
    ]
    if m.get("commit"):
        rows.append(("commit measured", f"`{m['commit']}`"))
    return table(["", ""], rows)


def claim_rows(outcomes, with_command=True):
    rows = []
    for o in outcomes:
        r = o.row
        if o.measured:
            ours, ref, ratio = fmt_value(r.kind, o.ours), fmt_value(r.kind, o.ref), fmt_ratio(o.ratio)
        else:
            ours = ref = ratio = "—"
        row = [r.label] + ([r.command] if with_command else []) + [ours, f"{r.ref_label}: {ref}", ratio]
        if r.target:
            row += [o.target_text(), o.result_text()]
        elif not o.measured:
            row += [o.result_text()]
        rows.append(row)
    return rows


def hit_points(res):
    """(size, ours median, ours min, ours max, raw median, raw min, raw max, fill s) per measured store size."""
    points = []
    for size in claims.HIT_SIZES:
        try:
            b = res.bench("run", f"hit_latency_vs_raw_get/{size}")
            ours_reps, raw_reps = b.repetition_values("ours_ns"), b.repetition_values("raw_ns")
            ours, raw = b.counter("ours_ns"), b.counter("raw_ns")
            fill = b.counter("fill_s")
        except Missing:
            continue
        points.append((size, ours, min(ours_reps or [ours]), max(ours_reps or [ours]),
                       raw, min(raw_reps or [raw]), max(raw_reps or [raw]), fill))
    return points


def hit_allocations(res):
    """size -> "N (B bytes)": a hit's heap allocations on the caller's thread, where measured."""
    out = {}
    for size in claims.HIT_SIZES:
        try:
            b = res.bench("run", f"hit_latency_vs_raw_get/{size}")
            out[size] = f"{b.counter('allocs_per_hit'):.4g} ({b.counter('alloc_bytes_per_hit'):.0f} B)"
        except Missing:
            pass
    return out


def hit_scaling_section(points, allocations):
    rows = [(f"{size:.0e}".replace("e+0", "e"), fmt_time(o), fmt_time(r), fmt_ratio(o / r),
             allocations.get(size, "—"), fmt_time(fill * 1e9)) for size, o, _, _, r, _, _, fill in points]
    return table(["runs in the store", "`tracker.run` hit", "raw LMDB read txn + get", "ratio",
                  "heap allocations per hit", "bulk fill + warm-up"], rows)


def peer_section(res):
    try:
        peer = res.raw("joblib")
        ours = res.bench("run", "hit_latency_vs_raw_get/1000")
        consist_ns, raw_ns = ours.counter("ours_ns"), ours.counter("raw_ns")
    except Missing as e:
        return f"**not measured** ({e})", False
    n = f"{peer['entries']:.0e}".replace("e+0", "e") if str(peer["entries"]).rstrip("0") == "1" else peer["entries"]
    rows = [
        (f"consist `tracker.run` hit, store of {n} runs", "C++", fmt_time(consist_ns), fmt_ratio(1.0)),
        (f"raw LMDB read txn + get, {n} keys", "C", fmt_time(raw_ns), fmt_ratio(raw_ns / consist_ns)),
    ]
    found = peer["results"]
    labels = [
        ("joblib_memory_hit", f"`joblib.Memory` cached call, hit, {n} entries (joblib {peer['joblib']})", "Python"),
        ("python_lmdb_get", f"Python `lmdb` read txn + get, {n} keys (lmdb {peer.get('lmdb')})", "Python"),
        ("plain_python_call", "a plain call of the same Python function", "Python"),
    ]
    for key, label, lang in labels:
        if key in found:
            v = found[key]["median_ns"]
            rows.append((label, lang, fmt_time(v), fmt_ratio(v / consist_ns)))
    text = table(["call", "language", "median per call", "÷ consist hit"], rows)
    text += (f"\n\nPython {peer['python']} (`{peer['executable']}`); medians over {found['joblib_memory_hit']['chunks']} "
             f"chunks of calls ({found['joblib_memory_hit']['calls']} joblib calls in all).")
    return text, True


def timing_section(res):
    try:
        t = res.raw("timing")
    except Missing:
        return "not recorded"
    parts = [f"build {t['build_s'] / 60:.1f} min"]
    parts += [f"{name} {s:.0f} s" for name, s in t.get("steps", {}).items()]
    return f"{t['measure_s'] / 60 + t['build_s'] / 60:.1f} min in all up to this page ({', '.join(parts)})"


def repetitions_section(res):
    counts = []
    for stem in ("siphash", "encode", "fingerprint", "spans", "run", "store", "lineage", "cli"):
        try:
            counts.append(f"{stem}_bench {res.repetitions(stem)}")
        except Missing:
            counts.append(f"{stem}_bench not run")
    for compiler in ("gcc", "clang"):
        try:
            counts.append(f"compile_time.sh ({compiler}) {res.compile_time(compiler)[3]}")
        except Missing:
            pass
    return ", ".join(counts)


# ---- the plot ----------------------------------------------------------------

GNUPLOT = """set terminal pngcairo size 900,560 font "DejaVu Sans,11"
set output '{png}'
set title "Cache hit as the caller sees it, beside a raw LMDB get of the same key\\n(medians; bars: min to max over the repetitions)"
set logscale x 10
set xrange [500:2000000]
set xtics ("1e3" 1000, "1e4" 10000, "1e5" 100000, "1e6" 1000000)
set xlabel "completed runs in the store"
set ylabel "latency per call (microseconds)"
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set key top left
set grid
plot '{dat}' using 1:($2/1000):($3/1000):($4/1000) with yerrorlines lw 2 pt 7 lc rgb "#1f77b4" title 'tracker.run hit', \\
     '{dat}' using 1:($5/1000):($6/1000):($7/1000) with yerrorlines lw 2 pt 5 lc rgb "#d62728" title 'raw LMDB read txn + get', \\
     '{dat}' using 1:($2/1000):(sprintf("%.1fx", $2/$5)) with labels left offset 1,0.8 notitle
"""


def write_plot(points, work, png, run_gnuplot):
    """Writes the plot's data and gnuplot script into `work`, then draws png; false when it could not."""
    dat = os.path.join(work, "hit_latency.dat")
    with open(dat, "w", encoding="utf-8") as f:
        f.write("# runs ours_median_ns ours_min_ns ours_max_ns raw_median_ns raw_min_ns raw_max_ns fill_s\n")
        for p in points:
            f.write(" ".join(f"{v:.6g}" for v in p) + "\n")
    script = os.path.join(work, "hit_latency.gp")
    with open(script, "w", encoding="utf-8") as f:
        f.write(GNUPLOT.format(png=png, dat=dat))
    if not run_gnuplot:
        return True
    if not points:
        print("no hit-latency measurements: the plot is left as it was", file=sys.stderr)
        return False
    if not shutil.which("gnuplot"):
        print("gnuplot is not installed (scripts/setup.sh installs gnuplot-nox)", file=sys.stderr)
        return False
    return subprocess.run(["gnuplot", script]).returncode == 0


# ---- rendering ---------------------------------------------------------------

def fill_template(template, values):
    def sub(m):
        key = m.group(1)
        if key not in values:
            raise SystemExit(f"the template names an unknown placeholder {{{{{key}}}}}")
        return values[key]

    out = re.sub(r"\{\{(\w+)\}\}", sub, template)
    return out


def splice_top_readme(path, block):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.count(BEGIN_MARK) != 1 or text.count(END_MARK) != 1 or text.index(BEGIN_MARK) > text.index(END_MARK):
        raise SystemExit(f"{path} must hold one {BEGIN_MARK} ... {END_MARK} pair")
    head, rest = text.split(BEGIN_MARK)
    _, tail = rest.split(END_MARK)
    new = head + BEGIN_MARK + "\n" + block.strip("\n") + "\n" + END_MARK + tail
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)


def render(args):
    res = Results(args.results)
    machine = res.raw("machine")
    claim_outcomes = [claims.evaluate(r, res, Missing) for r in claims.CLAIMS]
    detail_outcomes = [claims.evaluate(r, res, Missing) for r in claims.DETAILS]
    points = hit_points(res)
    peer, peer_ok = peer_section(res)

    page_dir = os.path.dirname(os.path.abspath(args.out_readme))
    png_rel = os.path.relpath(os.path.abspath(args.plot_png), page_dir)
    plotted = write_plot(points, args.results, os.path.abspath(args.plot_png), not args.no_plot)

    met = sum(1 for o in claim_outcomes if o.met)
    measured = sum(1 for o in claim_outcomes if o.measured)
    values = {
        "machine": machine_section(machine),
        "claims": table(["claim", "command", "ours", "reference (same run)", "ratio", "target", "result"],
                        claim_rows(claim_outcomes)),
        "claims_summary": f"{met} of {len(claim_outcomes)} targets met"
                          + ("" if measured == len(claim_outcomes) else f", {len(claim_outcomes) - measured} not measured"),
        "hit_plot": png_rel,
        "hit_scaling": hit_scaling_section(points, hit_allocations(res)) if points else "**not measured**",
        "peer": peer,
        "details": table(["what", "command", "ours", "reference (same run)", "ratio"],
                         [row[:5] for row in claim_rows(detail_outcomes)]),
        "repetitions": repetitions_section(res),
        "duration": timing_section(res),
        "date": machine["date_utc"],
    }
    with open(args.template, encoding="utf-8") as f:
        page = fill_template(f.read(), values)
    with open(args.out_readme, "w", encoding="utf-8") as f:
        f.write(page)

    if args.top_readme:
        readme_dir = os.path.dirname(os.path.abspath(args.top_readme))
        link = os.path.relpath(os.path.abspath(args.out_readme), readme_dir)
        block = (table(["claim", "ours", "reference (same run)", "ratio", "target", "result"],
                       claim_rows(claim_outcomes, with_command=False))
                 + f"\n\n{values['claims_summary']}; measured {machine['date_utc']} on {machine['cpu_model']}, "
                 + f"{machine['logical_cpus']} CPUs, by `bash benchmarks/report.sh`. "
                 + f"Every number, the machine and the other measurements: [{link}]({link}).")
        splice_top_readme(args.top_readme, block)

    unmeasured = [o for o in claim_outcomes + detail_outcomes if not o.measured]
    if not peer_ok or len(points) != len(claims.HIT_SIZES) or not plotted:
        unmeasured.append(None)
    for o in unmeasured:
        print(f"not measured: {o.row.key}: {o.error}" if o else "not measured or not drawn: hit scaling or peer",
              file=sys.stderr)
    print(f"wrote {os.path.normpath(args.out_readme)}: {values['claims_summary']}")
    return 3 if unmeasured else 0


def main():
    parser = argparse.ArgumentParser(description="the benchmark report generator")
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("machine", help="describe this machine as JSON")
    m.add_argument("out")
    r = sub.add_parser("render", help="write the report from a results folder")
    r.add_argument("--results", required=True)
    r.add_argument("--template", default=os.path.join(HERE, "README.template.md"))
    r.add_argument("--out-readme", default=os.path.join(HERE, "..", "README.md"))
    r.add_argument("--top-readme", help="a README with the bench markers whose table to regenerate")
    r.add_argument("--plot-png", default=os.path.join(HERE, "hit_latency.png"))
    r.add_argument("--no-plot", action="store_true", help="write the plot's data and script, do not run gnuplot")
    args = parser.parse_args()
    if args.command == "machine":
        import json
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(collect_machine(os.path.dirname(os.path.dirname(HERE))), f, indent=2)
        return 0
    return render(args)


if __name__ == "__main__":
    sys.exit(main())
