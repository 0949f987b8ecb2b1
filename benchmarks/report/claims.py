"""What the benchmark report claims, and against what.

Every row pairs one of our measurements with its reference measured in the
same report run. A claim has a target and comes out met or missed; a detail
row has none and is reported for reading the claims. Targets are the ones the
benchmark programs state in their headers.

kinds:
  time        ratio = ours / reference (times), the target bounds the ratio
  throughput  ratio = ours / reference (rates), the target bounds the ratio
  absolute    ratio = ours / reference (times), the target bounds ours itself
"""

import operator

OPS = {"<": operator.lt, "<=": operator.le, ">=": operator.ge, ">": operator.gt}
SHOWN_OP = {"<": "<", "<=": "≤", ">=": "≥", ">": ">"}


class Row:
    def __init__(self, key, label, command, kind, ours, ref, ref_label, target=None, target_label=None):
        self.key = key  # a stable name (the report's tests look rows up by it)
        self.label = label
        self.command = command
        self.kind = kind
        self.ours = ours  # results -> ns (time, absolute) or bytes/s (throughput)
        self.ref = ref
        self.ref_label = ref_label
        self.target = target  # (op, value) or None
        self.target_label = target_label


def hit(size, side):
    return lambda r: r.bench("run", f"hit_latency_vs_raw_get/{size}").counter(side)


def paired(stem, name, side):
    return lambda r: r.bench(stem, name).counter(side)


def cpu(stem, name):
    return lambda r: r.bench(stem, name).cpu_ns()


def real(stem, name):
    return lambda r: r.bench(stem, name).real_ns()


def rate(stem, name):
    return lambda r: r.bench(stem, name).bytes_per_second()


def paired_rate(stem, name, side, nbytes):
    """bytes/s from a paired benchmark's per-op time counter."""
    return lambda r: nbytes * 1e9 / r.bench(stem, name).counter(side)


def compile_median(compiler, unit):
    index = {"with_consist": 0, "json_only": 1, "encode_only": 2, "with_consist_separate": 5,
             "with_consist_separate_pch": 6, "pch_build": 7}[unit]
    return lambda r: r.compile_time(compiler)[index] * 1e9


def compile_rows(key, label, unit):
    """One detail row per compiler: `unit` of compile_time.sh beside <boost/json.hpp> alone."""
    return [Row(f"{key}_{compiler}", f"{label} ({cxx})", command, "time", compile_median(compiler, unit),
                compile_median(compiler, "json_only"), "`<boost/json.hpp>` alone")
            for compiler, cxx, command in (("gcc", "g++", "`benchmarks/compile_time.sh`"),
                                           ("clang", "clang++", "`CXX=clang++ benchmarks/compile_time.sh`"))]


RUN = "`run_bench`"
SPANS = "`spans_bench`"
SIP = "`siphash_bench`"

CLAIMS = [
    Row("siphash_1mib", "SipHash-2-4-64, 1 MiB message (the two taking turns)", SIP, "throughput",
        paired_rate("siphash", "siphash64_1mib_vs_highwayhash", "ours_ns", 1 << 20),
        paired_rate("siphash", "siphash64_1mib_vs_highwayhash", "raw_ns", 1 << 20),
        "HighwayHash `SipHash`, same message", (">=", 1.0)),
    Row("compile_gcc", "compile time: `<consist.hpp>` + schema hash and digest of a 20-field struct (g++)",
        "`benchmarks/compile_time.sh` (-O0 -c)", "time",
        compile_median("gcc", "with_consist"), compile_median("gcc", "json_only"),
        "`<boost/json.hpp>` alone", ("<", 2.0)),
    Row("compile_clang", "compile time: the same (clang++)", "`CXX=clang++ benchmarks/compile_time.sh`", "time",
        compile_median("clang", "with_consist"), compile_median("clang", "json_only"),
        "`<boost/json.hpp>` alone", ("<", 2.0)),
    Row("compile_separate_gcc",
        "compile time, separately compiled (`CONSIST_SEPARATE_COMPILATION`): the same unit (g++)",
        "`benchmarks/compile_time.sh` (-O0 -c)", "time",
        compile_median("gcc", "with_consist_separate"), compile_median("gcc", "json_only"),
        "`<boost/json.hpp>` alone", ("<", 2.0)),
    Row("compile_separate_clang", "compile time, separately compiled: the same unit (clang++)",
        "`CXX=clang++ benchmarks/compile_time.sh`", "time",
        compile_median("clang", "with_consist_separate"), compile_median("clang", "json_only"),
        "`<boost/json.hpp>` alone", ("<", 2.0)),
    Row("fingerprint", "content fingerprint of a 1 GiB file, page cache warm", "`fingerprint_bench` (real time)",
        "throughput", rate("fingerprint", "consist_fingerprint_full"), rate("fingerprint", "sha256sum_process"),
        "`sha256sum` process, same file", (">=", 1.5)),
    Row("span", "an enabled `CONSIST_SPAN` around an empty body", SPANS, "time",
        cpu("spans", "span_enabled"), cpu("spans", "two_rdtsc"), "two `__rdtsc()` reads", ("<=", 1.3)),
    Row("hit_1e3", "cache hit as the caller sees it, store of 1e3 runs", RUN, "time",
        hit(1000, "ours_ns"), hit(1000, "raw_ns"), "raw LMDB read txn + get, same key and value size",
        ("<=", 2.0)),
    Row("hit_1e5", "cache hit as the caller sees it, store of 1e5 runs", RUN, "time",
        hit(100000, "ours_ns"), hit(100000, "raw_ns"), "raw LMDB read txn + get, same key and value size",
        ("<=", 2.0)),
    Row("sustained_full", "sustained hits with records flushed, `record_hits = full`, per hit", RUN, "time",
        paired("run", "sustained_hits_full", "ours_ns"), paired("run", "sustained_hits_full", "raw_ns"),
        "raw durable transaction putting one record per hit", ("<=", 2.0)),
    Row("sustained_count", "sustained hits with counters flushed, `record_hits = count`, per hit", RUN, "time",
        paired("run", "sustained_hits_count", "ours_ns"), paired("run", "sustained_hits_count", "raw_ns"),
        "raw durable transaction putting one record per hit", ("<=", 2.0)),
    Row("miss_sync", "a miss, default (sync) durability", RUN, "time",
        paired("run", "miss_sync", "ours_ns"), paired("run", "miss_sync", "raw_ns"),
        "one raw durable commit of the record's bytes", ("<=", 1.5)),
    Row("miss_nosync", "a miss, nosync durability", RUN, "time",
        paired("run", "miss_nosync", "ours_ns"), paired("run", "miss_nosync", "raw_ns"),
        "one raw `MDB_NOSYNC` put + commit", ("<=", 10.0)),
    Row("find_cached_1e3", "`run_store::find_cached`, store of 1e3 runs", "`store_bench`", "time",
        paired("store", "find_cached_vs_raw_get/1000", "ours_ns"),
        paired("store", "find_cached_vs_raw_get/1000", "raw_ns"), "raw LMDB read txn + get", ("<=", 1.5)),
    Row("find_cached_1e5", "`run_store::find_cached`, store of 1e5 runs", "`store_bench`", "time",
        paired("store", "find_cached_vs_raw_get/100000", "ours_ns"),
        paired("store", "find_cached_vs_raw_get/100000", "raw_ns"), "raw LMDB read txn + get", ("<=", 1.5)),
    Row("commit_sync", "`run_store::commit_run`, sync", "`store_bench`", "time",
        paired("store", "commit_run_sync", "ours_ns"), paired("store", "commit_run_sync", "raw_ns"),
        "one durable `mdb_put` + commit of the record's bytes", ("<=", 1.3)),
    Row("lineage", "lineage of a 25-deep chain, store of 1e5 runs", "`lineage_bench`", "absolute",
        paired("lineage", "lineage_25_deep_vs_raw_walk", "ours_ns"),
        paired("lineage", "lineage_25_deep_vs_raw_walk", "raw_ns"),
        "hand-written raw LMDB + Boost.JSON walk", ("<", 1e6), "< 1 ms"),
    Row("cli_runs", "`consist runs` process (first page) over 1e5 runs", "`cli_bench` (real time)", "absolute",
        real("cli", "BM_cli_runs_first_page"), real("cli", "BM_mdb_stat_process"),
        "`mdb_stat` process on the same store", ("<", 1e8), "< 100 ms"),
]

DETAILS = [
    Row("siphash_32b", "SipHash-2-4-64, 32 B message", SIP, "throughput",
        rate("siphash", "consist_siphash64/32"), rate("siphash", "highwayhash_siphash64/32"), "HighwayHash `SipHash`"),
    Row("siphash128_1mib", "SipHash-2-4-128, 1 MiB (not a keyed 128-bit hash on the right)", SIP, "throughput",
        rate("siphash", "consist_siphash128/1048576"), rate("siphash", "std_hash_string_view/1048576"),
        "`std::hash<std::string_view>`"),
    Row("digest_config20", "digest of a 20-field config", "`encode_bench`", "time",
        cpu("encode", "bench::digest_config20"), cpu("encode", "bench::siphash128_same_bytes"),
        "SipHash-128 over as many bytes as its encoding"),
    Row("digest_config20_map", "digest of the config with a 4-entry map", "`encode_bench`", "time",
        cpu("encode", "bench::digest_config20_with_map"), cpu("encode", "bench::siphash128_same_bytes_with_map"),
        "SipHash-128 over as many bytes as its encoding"),
    Row("compile_encode_gcc", "compile time, encoding headers only (g++)", "`benchmarks/compile_time.sh`", "time",
        compile_median("gcc", "encode_only"), compile_median("gcc", "json_only"), "`<boost/json.hpp>` alone"),
    Row("compile_encode_clang", "compile time, encoding headers only (clang++)", "`benchmarks/compile_time.sh`",
        "time", compile_median("clang", "encode_only"), compile_median("clang", "json_only"),
        "`<boost/json.hpp>` alone"),
    *compile_rows("compile_pch", "compile time, separately compiled, `<consist.hpp>` precompiled: the same unit",
                  "with_consist_separate_pch"),
    *compile_rows("pch_build", "precompiling `<consist.hpp>` (separately compiled), once per build", "pch_build"),
    Row("fingerprint_floor", "content fingerprint, 1 GiB", "`fingerprint_bench` (real time)", "throughput",
        rate("fingerprint", "consist_fingerprint_full"), rate("fingerprint", "raw_read_floor"),
        "`read()` of the file alone (the I/O floor)"),
    Row("span_steady", "an enabled `CONSIST_SPAN`", SPANS, "time",
        cpu("spans", "span_enabled"), cpu("spans", "two_steady_clock_now"), "two `steady_clock::now()`"),
    Row("count", "an enabled `CONSIST_COUNT`", SPANS, "time",
        cpu("spans", "count_enabled"), cpu("spans", "empty_loop"), "the benchmark's empty loop"),
    Row("span_idle", "a span compiled in, no run collecting", SPANS, "time",
        cpu("spans", "span_no_collection"), cpu("spans", "empty_loop"), "the benchmark's empty loop"),
    Row("span_off", "a span with tracing switched off at run time", SPANS, "time",
        cpu("spans", "span_tracing_disabled"), cpu("spans", "empty_loop"), "the benchmark's empty loop"),
    Row("hit_1e4", "cache hit, store of 1e4 runs", RUN, "time",
        hit(10000, "ours_ns"), hit(10000, "raw_ns"), "raw LMDB read txn + get"),
    Row("hit_1e6", "cache hit, store of 1e6 runs", RUN, "time",
        hit(1000000, "ours_ns"), hit(1000000, "raw_ns"), "raw LMDB read txn + get"),
    Row("snapshot_spare", "a miss's JSON snapshot file alone (written into a file made ahead, renamed)", RUN, "time",
        paired("run", "snapshot_spare_vs_raw_nosync", "ours_ns"), paired("run", "snapshot_spare_vs_raw_nosync", "raw_ns"),
        "one raw `MDB_NOSYNC` put + commit"),
    Row("snapshot_floor", "the same snapshot in a new file (created, written, renamed on the caller's thread)", RUN,
        "time", paired("run", "snapshot_new_file_vs_raw_nosync", "ours_ns"),
        paired("run", "snapshot_new_file_vs_raw_nosync", "raw_ns"), "one raw `MDB_NOSYNC` put + commit"),
    Row("find_cached_reuse_1e5", "`find_cached` into a reused entry, 1e5 runs", "`store_bench`", "time",
        paired("store", "find_cached_reuse_vs_raw_get/100000", "ours_ns"),
        paired("store", "find_cached_reuse_vs_raw_get/100000", "raw_ns"), "raw LMDB read txn + get"),
    Row("start_commit_sync", "`start_run` + `commit_run`, sync", "`store_bench`", "time",
        paired("store", "start_and_commit_run_sync", "ours_ns"), paired("store", "start_and_commit_run_sync", "raw_ns"),
        "one durable put + commit"),
    Row("commit_nosync", "`commit_run`, nosync", "`store_bench`", "time",
        paired("store", "commit_run_nosync", "ours_ns"), paired("store", "commit_run_nosync", "raw_ns"),
        "one `MDB_NOSYNC` put + commit"),
    Row("group_commit", "`enqueue` + `flush` of hit records, per record", "`store_bench`", "time",
        paired("store", "enqueue_flush_vs_raw_batch", "ours_ns"), paired("store", "enqueue_flush_vs_raw_batch", "raw_ns"),
        "one durable transaction putting the same records"),
    Row("list_runs", "`list_runs` first page (50) over 1e5 runs", "`cli_bench`", "time",
        cpu("cli", "BM_list_runs_first_page"), cpu("cli", "BM_find_runs_first_page"),
        "`find_runs` with the same query (parses every record)"),
    Row("list_runs_model", "`list_runs` first page of one model over 1e5 runs", "`cli_bench`", "time",
        cpu("cli", "BM_list_runs_model_page"), cpu("cli", "BM_find_runs_model_page"), "`find_runs`, same query"),
]

HIT_SIZES = [1000, 10000, 100000, 1000000]


class Outcome:
    """A row evaluated over one run's results; `error` says what was missing."""

    def __init__(self, row, ours=None, ref=None, error=None):
        self.row = row
        self.ours = ours
        self.ref = ref
        self.error = error
        self.ratio = None if error or not ref else ours / ref
        self.met = None
        if row.target and not error:
            op, bound = row.target
            subject = ours if row.kind == "absolute" else self.ratio
            self.met = OPS[op](subject, bound)

    @property
    def measured(self):
        return self.error is None

    def target_text(self):
        if not self.row.target:
            return ""
        if self.row.target_label:
            return self.row.target_label
        op, bound = self.row.target
        what = "throughput" if self.row.kind == "throughput" else "time"
        return f"{SHOWN_OP[op]} {bound:.1f}x {what}"

    def result_text(self):
        if not self.measured:
            return "**not measured**"
        if self.met is None:
            return ""
        return "met" if self.met else "**missed**"


def evaluate(row, results, missing_type):
    try:
        ours, ref = row.ours(results), row.ref(results)
    except missing_type as e:
        return Outcome(row, error=str(e))
    return Outcome(row, ours, ref)
