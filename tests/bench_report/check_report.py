"""Checks the benchmark report generator over the committed sample of one run's
measurements (sample/), without running any benchmark:

- every claim of the report has its row, with its ratio and a computed met /
  missed; a few rows are recomputed here from the sample's JSON;
- the hit-latency table and plot data have every store size, and the table
  the sample's allocations per hit; the peer table has joblib; no placeholder
  is left;
- the top-level README keeps one pair of bench markers, and only the text
  between them changes;
- a second render gives the same files; a missing measurement makes the
  generator exit 3 and marks its rows "not measured".

  check_report.py --generator G --sample DIR --readme README.md --work DIR
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

# Claims the report must carry (a fragment of each row's label). Kept here, not
# read from the generator, so that a row the generator drops is caught.
CLAIMS = [
    "SipHash-2-4-64, 1 MiB",
    "schema hash and digest of a 20-field struct (g++)",
    "compile time: the same (clang++)",
    "separately compiled (`CONSIST_SEPARATE_COMPILATION`): the same unit (g++)",
    "separately compiled: the same unit (clang++)",
    "content fingerprint of a 1 GiB file",
    "an enabled `CONSIST_SPAN`",
    "cache hit as the caller sees it, store of 1e3 runs",
    "cache hit as the caller sees it, store of 1e5 runs",
    "`record_hits = full`",
    "`record_hits = count`",
    "a miss, default (sync) durability",
    "a miss, nosync durability",
    "`run_store::find_cached`, store of 1e3",
    "`run_store::find_cached`, store of 1e5",
    "`run_store::commit_run`, sync",
    "lineage of a 25-deep chain",
    "`consist runs` process",
]
HIT_SIZES = ["1e3", "1e4", "1e5", "1e6"]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def rows_of(markdown):
    """Table rows as lists of cells."""
    out = []
    for line in markdown.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            out.append([c.strip() for c in line.strip().strip("|").split(" | ")])
    return out


def section(markdown, heading):
    """The text from `heading` to the next heading of the same level."""
    start = markdown.index(heading + "\n")
    end = markdown.find("\n## ", start + len(heading))
    return markdown[start:end if end != -1 else len(markdown)]


def row_with(rows, fragment):
    found = [r for r in rows if fragment in r[0]]
    return found[0] if len(found) == 1 else None


def median_counter(sample, stem, run_name, counter):
    with open(os.path.join(sample, stem + ".json"), encoding="utf-8") as f:
        data = json.load(f)
    for b in data["benchmarks"]:
        if b.get("aggregate_name") == "median" and re.sub(r"/iterations:\d+|/real_time", "", b["run_name"]) == run_name:
            return float(b[counter])
    raise SystemExit(f"the sample lacks the median of {stem}:{run_name}")


def render(generator, results, work, readme, plot):
    cmd = [sys.executable, generator, "render", "--results", results,
           "--out-readme", os.path.join(work, "BENCH.md"), "--top-readme", readme,
           "--plot-png", os.path.join(work, "hit_latency.png")]
    if not plot:
        cmd.append("--no-plot")
    return subprocess.run(cmd, capture_output=True, text=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--generator", required=True)
    p.add_argument("--sample", required=True)
    p.add_argument("--readme", required=True, help="the project's README.md (only read)")
    p.add_argument("--work", required=True)
    a = p.parse_args()

    shutil.rmtree(a.work, ignore_errors=True)
    results = os.path.join(a.work, "results")
    shutil.copytree(a.sample, results)
    top = os.path.join(a.work, "README.md")
    original = read(a.readme)
    check(original.count(BEGIN) == 1 and original.count(END) == 1, "README.md must hold one pair of bench markers")
    shutil.copy(a.readme, top)
    plot = shutil.which("gnuplot") is not None

    run = render(a.generator, results, a.work, top, plot)
    check(run.returncode == 0, f"render exited {run.returncode}: {run.stderr.strip()}")
    page = read(os.path.join(a.work, "BENCH.md"))
    rows = rows_of(page)
    claim_rows = rows_of(section(page, "## Claims"))

    # Every claim, with a ratio and a computed result.
    for fragment in CLAIMS:
        row = row_with(claim_rows, fragment)
        if check(row is not None, f"no single claim row for '{fragment}'"):
            check(len(row) == 7, f"claim row '{fragment}' has {len(row)} cells, not 7")
            check(re.fullmatch(r"\d+\.\d+x", row[4]) is not None, f"claim '{fragment}' has no ratio: {row[4]}")
            check(row[6] in ("met", "**missed**"), f"claim '{fragment}' has no met/missed: {row[6]}")
    check(re.search(rf"\d+ of {len(CLAIMS)} targets met", page) is not None, "the summary of met targets is missing")

    # Recomputed here: a time ratio, a throughput ratio, an absolute target.
    ours = median_counter(a.sample, "run", "hit_latency_vs_raw_get/1000", "ours_ns")
    raw = median_counter(a.sample, "run", "hit_latency_vs_raw_get/1000", "raw_ns")
    row = row_with(claim_rows, "cache hit as the caller sees it, store of 1e3 runs")
    if row:
        check(row[4] == f"{ours / raw:.2f}x", f"hit 1e3 ratio {row[4]} != {ours / raw:.2f}x")
        check(row[6] == ("met" if ours / raw <= 2.0 else "**missed**"), f"hit 1e3 result {row[6]} is wrong")
    fp = median_counter(a.sample, "fingerprint", "consist_fingerprint_full", "bytes_per_second")
    sha = median_counter(a.sample, "fingerprint", "sha256sum_process", "bytes_per_second")
    row = row_with(claim_rows, "content fingerprint of a 1 GiB file")
    if row:
        check(row[4] == f"{fp / sha:.2f}x", f"fingerprint ratio {row[4]} != {fp / sha:.2f}x")
        check(row[6] == ("met" if fp / sha >= 1.5 else "**missed**"), "fingerprint result is wrong")
    lineage = median_counter(a.sample, "lineage", "lineage_25_deep_vs_raw_walk", "ours_ns")
    row = row_with(claim_rows, "lineage of a 25-deep chain")
    if row:
        check(row[6] == ("met" if lineage < 1e6 else "**missed**"), "lineage result is wrong")

    # A detail row: the precompiled-header unit beside <boost/json.hpp> alone (g++).
    with open(os.path.join(a.sample, "compile_gcc.json"), encoding="utf-8") as f:
        compiled = json.load(f)["median_s"]
    pch_ratio = compiled["with_consist_separate_pch"] / compiled["json_only"]
    row = row_with(rows, "`<consist.hpp>` precompiled: the same unit (g++)")
    if check(row is not None, "no single detail row for the precompiled-header unit (g++)"):
        check(row[4] == f"{pch_ratio:.2f}x", f"precompiled-header ratio {row[4]} != {pch_ratio:.2f}x")

    # Hit latency against store size, the peer, the machine, no leftovers.
    for size in HIT_SIZES:
        check(any(r[0] == size for r in rows), f"the hit-latency table lacks {size}")
    allocs = median_counter(a.sample, "run", "hit_latency_vs_raw_get/1000", "allocs_per_hit")
    row = next((r for r in rows if r[0] == "1e3" and len(r) == 6), None)
    if check(row is not None, "the hit-latency table has no allocations column"):
        check(row[4].startswith(f"{allocs:.4g} ("), f"allocations per hit {row[4]} != {allocs:.4g}")
    dat = [line for line in read(os.path.join(results, "hit_latency.dat")).splitlines() if not line.startswith("#")]
    check(len(dat) == len(HIT_SIZES), f"the plot data has {len(dat)} points, not {len(HIT_SIZES)}")
    check("hit_latency.png)" in page, "the page does not show the plot")
    if plot:
        with open(os.path.join(a.work, "hit_latency.png"), "rb") as f:
            check(f.read(8) == b"\x89PNG\r\n\x1a\n", "gnuplot wrote no PNG")
    check(row_with(rows, "`joblib.Memory` cached call") is not None, "the peer table lacks joblib")
    check("AMD" in page or "Intel" in page or "CPU" in page, "the machine section is missing")
    check("{{" not in page and "not measured" not in page, "a placeholder or an unmeasured row is left")

    # The top README: only the marked block changed, and it has the claims.
    new_top = read(top)
    head, tail = original.split(BEGIN)[0], original.split(END)[1]
    check(new_top.startswith(head + BEGIN) and new_top.endswith(END + tail), "README.md changed outside the markers")
    block = new_top.split(BEGIN)[1].split(END)[0]
    for fragment in CLAIMS:
        check(row_with(rows_of(block), fragment) is not None, f"the README table lacks '{fragment}'")

    # Idempotent.
    again = render(a.generator, results, a.work, top, False)
    check(again.returncode == 0 and read(os.path.join(a.work, "BENCH.md")) == page and read(top) == new_top,
          "a second render differs")

    # A missing program's rows are marked, and the exit status says so.
    os.remove(os.path.join(results, "run.json"))
    broken = render(a.generator, results, a.work, top, False)
    check(broken.returncode == 3, f"render with run.json missing exited {broken.returncode}, not 3")
    row = row_with(rows_of(section(read(os.path.join(a.work, "BENCH.md")), "## Claims")), "cache hit as the caller sees it, store of 1e3 runs")
    check(row is not None and row[6] == "**not measured**", "a missing measurement is not marked")

    for f in failures:
        print("FAIL:", f)
    print(f"bench report: {len(failures)} failed checks" if failures else "bench report: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
