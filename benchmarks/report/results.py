"""Reading one report run's measurements: Google Benchmark JSON files, the
compile-time JSON of compile_time.sh, the joblib peer's JSON.

A benchmark is named by its program (the file stem: run.json holds run_bench)
and its run name without the run-count suffixes Google Benchmark appends
("/iterations:100", "/real_time", ...), so a change of iteration count does not
break the report. Every value is the median aggregate over the repetitions
(or the single run when there was only one), in nanoseconds for times.
"""

import json
import os
import re
import statistics

_SUFFIXES = re.compile(r"/(iterations:\d+|repeats:\d+|min_time:[0-9.]+s?|real_time|manual_time|threads:\d+)")
_UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


class Missing(Exception):
    """A measurement the report needs is not in the results."""


def normalize(run_name):
    return _SUFFIXES.sub("", run_name)


class Benchmark:
    """One benchmark's median aggregate and its repetitions."""

    def __init__(self, median, repetitions):
        self.median = median
        self.repetitions = repetitions

    def _scaled(self, entry, field):
        return float(entry[field]) * _UNIT_NS[entry.get("time_unit", "ns")]

    def real_ns(self):
        return self._scaled(self.median, "real_time")

    def cpu_ns(self):
        return self._scaled(self.median, "cpu_time")

    def counter(self, name):
        if name not in self.median:
            raise Missing(f"counter '{name}' of {self.median.get('run_name', '?')}")
        return float(self.median[name])

    def bytes_per_second(self):
        return self.counter("bytes_per_second")

    def repetition_values(self, name):
        """A counter (or real_ns / cpu_ns) over the repetitions."""
        out = []
        for r in self.repetitions:
            if name == "real_ns":
                out.append(self._scaled(r, "real_time"))
            elif name == "cpu_ns":
                out.append(self._scaled(r, "cpu_time"))
            elif name in r:
                out.append(float(r[name]))
        return out


class Results:
    """The measurements of one report run, from its results folder."""

    def __init__(self, folder):
        self.folder = folder
        self._programs = {}

    def _json(self, stem):
        path = os.path.join(self.folder, stem + ".json")
        if not os.path.exists(path):
            raise Missing(f"{stem}.json is not in {self.folder}")
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    def has(self, stem):
        return os.path.exists(os.path.join(self.folder, stem + ".json"))

    def raw(self, stem):
        """A JSON file of the results folder as it is (machine, timing, peer, compile times)."""
        return self._json(stem)

    def program(self, stem):
        if stem not in self._programs:
            data = self._json(stem)
            runs = {}
            for entry in data.get("benchmarks", []):
                if entry.get("error_occurred"):
                    continue
                name = normalize(entry.get("run_name", entry["name"]))
                slot = runs.setdefault(name, {"median": None, "single": None, "reps": []})
                if entry.get("run_type") == "aggregate":
                    if entry.get("aggregate_name") == "median":
                        slot["median"] = entry
                else:
                    slot["reps"].append(entry)
                    slot["single"] = entry
            self._programs[stem] = (data.get("context", {}), runs)
        return self._programs[stem]

    def context(self, stem):
        return self.program(stem)[0]

    def bench(self, stem, name):
        _, runs = self.program(stem)
        slot = runs.get(name)
        if slot is None or (slot["median"] is None and slot["single"] is None):
            raise Missing(f"benchmark '{name}' is not in {stem}.json")
        return Benchmark(slot["median"] or slot["single"], slot["reps"])

    def repetitions(self, stem):
        """The number of repetitions the program ran with (1 when not repeated)."""
        _, runs = self.program(stem)
        return max((len(s["reps"]) for s in runs.values()), default=0)

    def compile_time(self, compiler):
        """(median seconds of with_consist, of json_only, of encode_only, runs, compiler version, of
        with_consist_separate, of with_consist_separate_pch, seconds precompiling <consist.hpp>) for
        compile_<compiler>.json."""
        data = self._json("compile_" + compiler)
        m = data["median_s"]
        for unit, what in (("with_consist_separate", "separately compiled"),
                           ("with_consist_separate_pch", "precompiled-header")):
            if unit not in m:
                raise Missing(f"compile_{compiler}.json has no {what} measurement")
        if "pch_build_s" not in data:
            raise Missing(f"compile_{compiler}.json has no time of precompiling <consist.hpp>")
        return (m["with_consist"], m["json_only"], m["encode_only"], data["runs"], data["version"],
                m["with_consist_separate"], m["with_consist_separate_pch"], data["pch_build_s"])


def median(values):
    return statistics.median(values) if values else float("nan")
