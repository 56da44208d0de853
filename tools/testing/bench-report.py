#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the results of bench-native.sh into docs/bench-native.md and a plot.

Usage: bench-report.py RESULTS-DIR OUT.md OUT.png

RESULTS-DIR holds machine.tsv, workloads.tsv (bench -l), c-N.tsv
(bench.c's RESULT/COUNTERS lines), go-N.txt (Go's benchmark output) and
callgrind.tsv, as bench-native.sh writes them.  Each figure is the median
of the rounds.
"""
import glob
import os
import re
import statistics
import subprocess
import sys
import tempfile

C_IMPLS = ["syncmap", "syncmap-merge", "cds_lfht", "rwlock"]
MERGE = "syncmap-merge"
# Issue 15's native targets.
MERGE_TARGETS = ["AdversarialAlloc", "AdversarialDelete", "LoadOrStoreUnique",
                 "SwapMostlyMisses"]
GO_VS_RWLOCK = [("SwapMostlyHits", 1.5), ("CompareAndSwapMostlyHits", 1.5),
                ("CompareAndDeleteMostlyHits", 1.5), ("Clear", 2.0)]
GO_IMPLS = {"*sync.Map": "Go sync.Map",
            "*sync_test.RWMutexMap": "Go RWMutexMap",
            "*sync_test.DeepCopyMap": "Go DeepCopyMap"}
GO_COLS = ["Go sync.Map", "Go RWMutexMap", "Go DeepCopyMap"]

GO_LINE = re.compile(r"^Benchmark(\w+)/(\S+?)(?:-(\d+))?\s+\d+\s+([\d.]+) ns/op")


def read_machine(d):
    m = {}
    for line in open(os.path.join(d, "machine.tsv")):
        k, _, v = line.rstrip("\n").partition("\t")
        m[k] = v
    return m


def read_workloads(d):
    """The workloads bench.c marks read-mostly."""
    rm = set()
    for line in open(os.path.join(d, "workloads.tsv")):
        name, _, read_mostly = line.split()
        if read_mostly == "1":
            rm.add(name)
    return rm


def read_results(d):
    """{(workload, impl, threads): [ns, ...]}, workload order, counters."""
    ns, order, counters, errors = {}, [], {}, {}
    for path in sorted(glob.glob(os.path.join(d, "c-*.tsv"))):
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if f[0] == "RESULT":
                w, impl, t = f[1], f[2], int(f[3])
                ns.setdefault((w, impl, t), []).append(float(f[5]))
                errors[(w, impl, t)] = errors.get((w, impl, t), 0) + int(f[6])
                if w not in order:
                    order.append(w)
            elif f[0] == "COUNTERS":
                counters[(f[1], int(f[2]))] = dict(
                    kv.split("=") for kv in f[3:])
    for path in sorted(glob.glob(os.path.join(d, "go-*.txt"))):
        for line in open(path):
            m = GO_LINE.match(line)
            if m and m.group(2) in GO_IMPLS:
                key = (m.group(1), GO_IMPLS[m.group(2)],
                       int(m.group(3) or 1))
                ns.setdefault(key, []).append(float(m.group(4)))
    return ns, order, counters, errors


def read_callgrind(d):
    ir = {}
    path = os.path.join(d, "callgrind.tsv")
    if os.path.exists(path):
        for line in open(path):
            w, impl, n, total = line.split()
            if int(total):
                ir[(w, impl)] = int(total) / int(n)
    return ir


def med(ns, key):
    v = ns.get(key)
    return statistics.median(v) if v else None


def fmt(x, digits=1):
    if x is None:
        return "—"
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "—"


def main():
    d, md_path, png_path = sys.argv[1:4]
    machine = read_machine(d)
    ns, order, counters, errors = read_results(d)
    ir = read_callgrind(d)
    go_workloads = {w for (w, impl, t) in ns if impl == "Go sync.Map"}
    read_mostly = read_workloads(d)
    threads = sorted({t for (_, _, t) in ns})
    parallel = float(machine.get("PARALLEL", "0") or 0)

    out = []
    w = out.append
    w("# syncmap's core, natively, beside Go's sync.Map")
    w("")
    w("Written by `make bench-native` (`tools/testing/bench-native.sh`, "
      "`bench.c`, `bench-report.py`); do not edit by hand. The kernel "
      "module's own figures, in a VM, are in `docs/bench.md`.")
    w("")
    w("## The run")
    w("")
    w("| | |")
    w("| --- | --- |")
    for k, label in [("date", "date"), ("cpu", "CPU"), ("cpus", "CPUs"),
                     ("kernel", "kernel"), ("gcc", "gcc"), ("go", "Go"),
                     ("liburcu", "liburcu"),
                     ("bench_time_ms", "time per measurement (ms)"),
                     ("count", "rounds (figures are medians)")]:
        w(f"| {label} | {machine.get(k, '?')} |")
    w(f"| 2 threads of pure arithmetic, over 1 | {parallel:.2f}x |")
    w("")
    if parallel and parallel < 1.5:
        w(f"**This machine cannot show scaling.** Two threads running an "
          f"arithmetic loop that shares nothing get {parallel:.2f}x the "
          f"throughput of one here, where two real cores give 2.0x: its two "
          f"vCPUs mostly do not run at the same time. Every 2-thread "
          f"figure below is bounded by that, for every map alike; compare "
          f"the maps with each other, not 2 threads with 1.")
        w("")
    w("## How")
    w("")
    w("- Workloads: Go's `map_bench_test.go`, one function each in "
      "`bench.c`, with 8-byte integer keys and values. Go 1.19 has the "
      "first twelve; Swap, CompareAndSwap, CompareAndDelete and Clear "
      "follow Go 1.20–1.23 and have no Go figure.")
    w("- Worker scheme: Go's `RunParallel`. One worker per thread; the "
      "workers share b.N iterations, taking grains of about 100 µs from "
      "an atomic counter; worker *id* starts at *id* × b.N; b.N grows as "
      "Go's `launch()` grows it, with a fresh map and setup per try, until "
      "a run lasts the time per measurement; ns/op is wall time over b.N.")
    w("- Go: Go 1.19's own benchmarks, run from `/usr/lib/go-1.19/src/sync` "
      "as shipped, with `-test.cpu 1,2`, interleaved with the C runs.")
    w("- The C maps: **syncmap**, the kernel core (`kmod/map.c`, "
      "`engine_go.c`, `table.c`, `entry.c` and the rest of variant.mk's "
      "`CORE`) built unchanged over the userspace shim "
      "(liburcu memb, gcc -O2 -flto, the shim's debug checks off); "
      "**syncmap-merge**, the same core and calls on a map of the merge "
      "engine (`SYNCMAP_ENGINE_MERGE`: new keys wait in a table of their "
      "own, merged into the read table by a worker, so no call copies the "
      "map); "
      "**cds_lfht**, liburcu's RCU lock-free hash table (memb flavour); "
      "**rwlock**, a chained hash table under one pthread rwlock (the C "
      "counterpart of Go's RWMutexMap). All three hash with the same "
      "SipHash-2-4 and random key, so the maps are compared, not hash "
      "functions. syncmap copies keys and values in and out, as its API "
      "does; the others store the integers in their nodes.")
    w("")

    for t in threads:
        w(f"## ns/op, {t} thread{'s' if t > 1 else ''}")
        w("")
        w("Lower is better; a ratio below 1 means syncmap is faster.")
        w("")
        w("| workload | syncmap | syncmap-merge | cds_lfht | rwlock "
          "| Go sync.Map | Go RWMutexMap | Go DeepCopyMap "
          "| syncmap / Go sync.Map | syncmap / cds_lfht "
          "| merge / rwlock |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
          "| ---: | ---: |")
        for wl in order:
            cells = [fmt(med(ns, (wl, i, t))) for i in C_IMPLS]
            cells += [fmt(med(ns, (wl, g, t))) for g in GO_COLS]
            s = med(ns, (wl, "syncmap", t))
            cells.append(ratio(s, med(ns, (wl, "Go sync.Map", t))))
            cells.append(ratio(s, med(ns, (wl, "cds_lfht", t))))
            cells.append(ratio(med(ns, (wl, MERGE, t)),
                               med(ns, (wl, "rwlock", t))))
            w(f"| {wl} | " + " | ".join(cells) + " |")
        w("")

    # The targets of the issue, as measured.
    w("## The targets, as measured")
    w("")
    for t in threads:
        worse = [wl for wl in order if wl in go_workloads
                 and med(ns, (wl, "syncmap", t)) is not None
                 and med(ns, (wl, "Go sync.Map", t)) is not None
                 and med(ns, (wl, "syncmap", t)) >
                 med(ns, (wl, "Go sync.Map", t))]
        n = len([wl for wl in order if wl in go_workloads])
        w(f"- syncmap at most Go's sync.Map, {t} thread(s): "
          f"{n - len(worse)} of {n} workloads"
          + (f"; not met: {', '.join(worse)}." if worse else "."))
    for t in threads:
        far = [f"{wl} ({ratio(med(ns, (wl, 'syncmap', t)), med(ns, (wl, 'cds_lfht', t)))}x)"
               for wl in order if wl in read_mostly
               and med(ns, (wl, "syncmap", t)) and med(ns, (wl, "cds_lfht", t))
               and med(ns, (wl, "syncmap", t)) >
               1.2 * med(ns, (wl, "cds_lfht", t))]
        n = len([wl for wl in order if wl in read_mostly])
        w(f"- Read-mostly workloads ({', '.join(sorted(read_mostly & set(order)))}) "
          f"within 1.2x of cds_lfht, {t} thread(s): {n - len(far)} of {n}"
          + (f"; not met: {', '.join(far)}." if far else "."))
    if 1 in threads and 2 in threads:
        sp = []
        for wl in order:
            if wl in read_mostly:
                a, b = med(ns, (wl, "syncmap", 1)), med(ns, (wl, "syncmap", 2))
                c, e = med(ns, (wl, "cds_lfht", 1)), med(ns, (wl, "cds_lfht", 2))
                if a and b:
                    sp.append(f"{wl} {a / b:.2f}x (cds_lfht "
                              f"{c / e:.2f}x)" if c and e else
                              f"{wl} {a / b:.2f}x")
        w(f"- Scaling of the read-mostly workloads, 2 threads over 1 "
          f"(target 1.8x; this machine's ceiling {parallel:.2f}x): "
          + "; ".join(sp) + ".")
    # Issue 15: ns/op ratios, so at most the factor is met.
    for t in threads:
        cells = []
        for wl, limit in GO_VS_RWLOCK:
            a, b = med(ns, (wl, "syncmap", t)), med(ns, (wl, "rwlock", t))
            if a and b:
                cells.append(f"{wl} {a / b:.2f}x "
                             f"({'met' if a <= limit * b else 'not met'}, "
                             f"at most {limit}x)")
        if cells:
            w(f"- Go's engine against the rwlock table, {t} thread(s), "
              "ns/op ÷ ns/op: " + "; ".join(cells) + ".")
    for t in threads:
        cells = []
        for wl in MERGE_TARGETS:
            a, b = med(ns, (wl, MERGE, t)), med(ns, (wl, "rwlock", t))
            if a and b:
                cells.append(f"{wl} {a / b:.2f}x "
                             f"({'met' if a <= b else 'not met'})")
        a, b = med(ns, ("LoadMostlyHits", MERGE, t)), \
            med(ns, ("LoadMostlyHits", "syncmap", t))
        if a and b:
            cells.append(f"LoadMostlyHits, merge ÷ Go's engine {a / b:.2f}x "
                         f"({'met' if a <= b else 'not met'}, at most 1x)")
        if cells:
            w(f"- The merge engine, {t} thread(s), ns/op ÷ the rwlock "
              "table's (target at most 1x): " + "; ".join(cells) + ".")
    bad = [f"{k[0]}/{k[1]}/{k[2]}: {v}" for k, v in errors.items() if v]
    w("- Results Go's benchmarks would `b.Fatal` on (a LoadOrStore that "
      "loaded when it should have stored, or the reverse): "
      + (", ".join(bad) if bad else "none") + ".")
    w("")

    if ir:
        w("## Instructions per operation (callgrind, one thread)")
        w("")
        w("`valgrind --tool=callgrind`, counting only the workload's loop "
          "and the deferred frees it leaves (not the setup): exact and "
          "repeatable where the times above are noisy. Go's binaries do "
          "not run under valgrind (it aborts on the Go runtime's stack "
          "switching), so Go has no column here.")
        w("")
        w("| workload | syncmap | syncmap-merge | cds_lfht | rwlock "
          "| syncmap / cds_lfht | syncmap / rwlock | merge / rwlock |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for wl in order:
            v = [ir.get((wl, i)) for i in C_IMPLS]
            w(f"| {wl} | " + " | ".join(fmt(x, 0) for x in v)
              + f" | {ratio(v[0], v[2])} | {ratio(v[0], v[3])} "
              f"| {ratio(v[1], v[3])} |")
        w("")

    if counters:
        w("## syncmap's own counters in the last round")
        w("")
        w("The longest spinlock hold is left out: in userspace the shim's "
          "spinlock is a mutex whose holder can be preempted, so it measures "
          "the scheduler. `docs/bench.md` has the kernel's figures.")
        w("")
        w("| workload | threads | promotions | dirty rebuilds | entries "
          "copied by rebuilds |")
        w("| --- | ---: | ---: | ---: | ---: |")
        for wl in order:
            for t in threads:
                c = counters.get((wl, t))
                if c:
                    w(f"| {wl} | {t} | {c['promotions']} | {c['rebuilds']} "
                      f"| {c['copied']} |")
        w("")

    w("## Plot")
    w("")
    w(f"![ns/op per workload, log scale]({os.path.basename(png_path)})")
    w("")
    open(md_path, "w").write("\n".join(out))

    # The plot: ns/op per workload, one panel per thread count.
    series = ["syncmap", "syncmap-merge", "cds_lfht", "rwlock", "Go sync.Map"]
    with tempfile.TemporaryDirectory() as tmp:
        for t in threads:
            with open(os.path.join(tmp, f"t{t}.dat"), "w") as f:
                for wl in order:
                    vals = [med(ns, (wl, s, t)) for s in series]
                    f.write(wl + " " + " ".join(
                        f"{v:.3f}" if v else "NaN" for v in vals) + "\n")
        plots = []
        for i, t in enumerate(threads):
            cols = ", ".join(
                f"'{tmp}/t{t}.dat' using {c + 2}:xtic(1) title '{s}'"
                for c, s in enumerate(series))
            plots.append(f"set title '{t} thread{'s' if t > 1 else ''}'\n"
                         f"plot {cols}\n")
        script = (
            f"set terminal pngcairo size 1400,{420 * len(threads) + 120} "
            f"font ',9'\n"
            f"set output '{png_path}'\n"
            "set termoption noenhanced\n"
            "set rmargin 12\nset bmargin 9\n"
            f"set multiplot layout {len(threads)},1 title "
            f"'Go sync.Map workloads: ns/op (log scale; lower is better)'\n"
            "set style data histogram\nset style histogram cluster gap 1\n"
            "set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
            "set logscale y\nset grid ytics\nset xtics rotate by -40 "
            "font ',8'\nset key top left\nset ylabel 'ns/op'\n"
            + "".join(plots) + "unset multiplot\n")
        subprocess.run(["gnuplot"], input=script, text=True, check=True)


if __name__ == "__main__":
    main()
