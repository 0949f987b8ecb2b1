#!/usr/bin/python3
"""Cache-hit latency of a Python peer, for the benchmark report.

joblib.Memory (Debian's python3-joblib) caches the same trivial step that
run_bench measures (a small config in, zones + 1 out). Its store holds
`--entries` configs and the hits cycle through all of them, as run_bench's
hits do. Beside it, in the same process: Python's lmdb module doing one read
transaction + get of a value of `--value-bytes` under a 16-byte key, in an
environment of as many keys (the Python-side raw reference), and a plain call
of the function (the floor of any cached call).

Per measurement, calls are timed in chunks; the reported figure is the
median over chunks of the time per call. Prints JSON (also to --out).
Run it with /usr/bin/python3: Debian's modules load only there.
"""

import argparse
import dataclasses
import hashlib
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time

import joblib

try:
    import lmdb
except ImportError:  # the raw reference is optional; joblib is not
    lmdb = None


@dataclasses.dataclass(frozen=True)
class StepConfig:
    alpha: float
    zones: int
    scenario: str


executions = 0


def step(config):
    global executions
    executions += 1
    return config.zones + 1


def per_call_ns(chunks, chunk, body):
    """Median over `chunks` chunks of the time per call of body(i)."""
    per_call = []
    i = 0
    for _ in range(chunks):
        start = time.perf_counter_ns()
        for _ in range(chunk):
            body(i)
            i += 1
        per_call.append((time.perf_counter_ns() - start) / chunk)
    per_call.sort()
    return {
        "median_ns": statistics.median(per_call),
        "min_ns": per_call[0],
        "max_ns": per_call[-1],
        "calls": chunks * chunk,
        "chunks": chunks,
    }


def measure_joblib(work, entries, chunks, chunk):
    memory = joblib.Memory(location=f"{work}/joblib", verbose=0)
    cached = memory.cache(step)
    configs = [StepConfig(0.5, k, "base") for k in range(entries)]
    for c in configs:  # every config computed once: the store holds `entries` results
        cached(c)
    if executions != entries:
        raise SystemExit(f"joblib executed the step {executions} times for {entries} configs")

    def hit(i):
        k = i % entries
        if cached(configs[k]) != k + 1:
            raise SystemExit("joblib returned a wrong value")

    result = per_call_ns(chunks, chunk, hit)
    if executions != entries:
        raise SystemExit("a measured joblib call executed the step: it was no cache hit")
    return result


def measure_lmdb(work, entries, value_bytes, chunks, chunk):
    env = lmdb.open(f"{work}/lmdb", map_size=1 << 28)
    keys = [hashlib.blake2b(str(k).encode(), digest_size=16).digest() for k in range(entries)]
    value = b"v" * value_bytes
    with env.begin(write=True) as txn:
        for key in keys:
            txn.put(key, value)

    def get(i):
        with env.begin() as txn:
            if txn.get(keys[i % entries]) is None:
                raise SystemExit("the lmdb reference lost a key")

    for i in range(entries):  # warm, as run_bench warms its raw reference
        get(i)
    result = per_call_ns(chunks, chunk, get)
    env.close()
    return result


def measure_plain_call(entries, chunks, chunk):
    configs = [StepConfig(0.5, k, "base") for k in range(entries)]
    return per_call_ns(chunks, chunk, lambda i: step(configs[i % entries]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000, help="configs stored (run_bench's smallest store)")
    parser.add_argument("--value-bytes", type=int, default=64, help="size of the lmdb reference's values")
    parser.add_argument("--chunks", type=int, default=31, help="chunks per measurement (the median is over these)")
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="consist-joblib-peer-")
    try:
        results = {
            "joblib_memory_hit": measure_joblib(work, args.entries, args.chunks, 200),
            "plain_python_call": measure_plain_call(args.entries, args.chunks, 20000),
        }
        if lmdb is not None:
            results["python_lmdb_get"] = measure_lmdb(work, args.entries, args.value_bytes, args.chunks, 5000)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report = {
        "python": platform.python_version(),
        "executable": sys.executable,
        "joblib": joblib.__version__,
        "lmdb": getattr(lmdb, "__version__", None) if lmdb is not None else None,
        "entries": args.entries,
        "value_bytes": args.value_bytes,
        "results": results,
    }
    text = json.dumps(report, indent=2)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
