"""Refreshes the sample the bench_report test renders, from a real report run:

  python3 tests/bench_report/make_sample.py build-bench/report tests/bench_report/sample

Keeps what the generator reads and little else: of each Google Benchmark JSON
the median aggregates (and, for the hit-latency benchmark, the repetitions the
plot's bars come from); the machine, timing, compile-time and peer files whole.
"""

import json
import os
import shutil
import sys

PROGRAMS = ["siphash", "encode", "fingerprint", "spans", "run", "store", "lineage", "cli"]
WHOLE = ["machine", "timing", "compile_gcc", "compile_clang", "joblib"]


def main(source, dest):
    os.makedirs(dest, exist_ok=True)
    for stem in WHOLE:
        shutil.copy(os.path.join(source, stem + ".json"), os.path.join(dest, stem + ".json"))
    for stem in PROGRAMS:
        with open(os.path.join(source, stem + ".json"), encoding="utf-8") as f:
            data = json.load(f)
        kept = [b for b in data["benchmarks"]
                if b.get("aggregate_name") == "median"
                or (b.get("run_type") == "iteration" and b["run_name"].startswith("hit_latency_vs_raw_get/"))]
        context = {k: data["context"][k] for k in ("date", "library_build_type") if k in data["context"]}
        with open(os.path.join(dest, stem + ".json"), "w", encoding="utf-8") as f:
            json.dump({"context": context, "benchmarks": kept}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
