#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the results of `make bench` into docs/bench.md and gnuplot plots.

Usage: report.py --kernel NAME --out docs/bench.md --plots DIR RESULTS...

RESULTS are the results channel of bench/guest.sh: "@@bench" records framing
the lines of bench/syncmap_bench.ko ("result", "mem", "timing") and of
bench/syncmap_ubench ("ubench").  Every pass of every file is one sample;
tables give the median and, where there are several samples, the range.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict

IMPLS = ["syncmap", "rhashtable", "rwlock", "bucketlock", "xarray"]
PEERS = IMPLS[1:]
READ_WL = ["LoadMostlyHits", "LoadMostlyMisses"]
GO_WL = ["LoadMostlyHits", "LoadMostlyMisses", "LoadOrStoreBalanced",
         "LoadOrStoreUnique", "LoadOrStoreCollision", "LoadAndDeleteBalanced",
         "Range", "AdversarialAlloc", "AdversarialDelete", "SwapMostlyHits",
         "CompareAndSwapMostlyHits", "Clear"]
WRITE_WL = ["LoadOrStoreUnique", "AdversarialAlloc", "AdversarialDelete"]


def kv(line):
    return dict(re.findall(r"(\w+)=(\S+)", line))


def num(s):
    try:
        return int(s)
    except ValueError:
        return float(s)


class Data:
    def __init__(self):
        self.meta = {}
        # (tag, wl, size, reuse, impl, threads) -> [rate]
        self.rates = defaultdict(list)
        self.stats = defaultdict(list)      # same key -> [dict]
        self.mem = defaultdict(list)        # (impl, entries) -> [dict]
        self.timing = defaultdict(list)     # size -> [dict]
        self.ubench = defaultdict(list)     # (test, impl, threads) -> [rate]
        self.umem = defaultdict(list)       # impl -> [dict]
        self.hash = []                      # [dict]
        self.loads = []                     # host load averages
        self.passes = 0
        self.errors = []

    def load(self, path):
        tag = None
        with open(path, errors="replace") as f:
            for line in f:
                line = line.strip()
                if line.startswith("@@bench start"):
                    self.meta.update(kv(line))
                elif line.startswith("@@bench host"):
                    self.loads.append(line.split("loadavg=", 1)[-1])
                elif line.startswith("@@bench begin"):
                    tag = line.split()[2]
                    if tag.startswith("pass="):
                        self.passes += 1
                        tag = "pass"
                elif line.startswith("@@bench error"):
                    self.errors.append(line)
                elif line.startswith("result "):
                    d = kv(line)
                    key = (tag, d["wl"], int(d["size"]), int(d["reuse"]),
                           d["impl"], int(d["threads"]))
                    if int(d["ops"]) > 0:
                        self.rates[key].append(int(d["rate"]))
                    self.stats[key].append({k: num(v) for k, v in d.items()
                                            if re.match(r"^[\d.]+$", v)})
                elif line.startswith("mem ") and tag == "pass":
                    d = kv(line)
                    self.mem[(d["impl"], int(d["entries"]))].append(d)
                elif line.startswith("timing ") and tag == "pass":
                    d = kv(line)
                    self.timing[int(d["size"])].append(d)
                elif line.startswith("hash ") and tag == "pass":
                    self.hash.append(kv(line))
                elif line.startswith("ubench test="):
                    d = kv(line)
                    self.ubench[(d["test"], d["impl"], int(d["threads"]))] \
                        .append(float(d["keys_per_s"]))
                elif line.startswith("ubench mem"):
                    d = kv(line)
                    self.umem[d["impl"]].append(d)

    def rate(self, *key):
        r = self.rates.get(key)
        return statistics.median(r) if r else None

    def ratios(self, tag, wl, size, reuse, impl, threads):
        """syncmap / impl, one per pass (same run, same pass)."""
        a = self.rates.get((tag, wl, size, reuse, "syncmap", threads), [])
        b = self.rates.get((tag, wl, size, reuse, impl, threads), [])
        return [x / y for x, y in zip(a, b) if y]


def fmt_ratio(rs):
    if not rs:
        return "–"
    m = statistics.median(rs)
    if len(rs) == 1:
        return f"{m:.2f}x"
    return f"{m:.2f}x ({min(rs):.2f}–{max(rs):.2f})"


def fmt_rate(r):
    if r is None:
        return "–"
    if r >= 1e6:
        return f"{r / 1e6:.2f} M"
    if r >= 1e3:
        return f"{r / 1e3:.1f} k"
    return f"{r:.0f}"


def median_stat(d, key, field):
    v = [s[field] for s in d.stats.get(key, []) if field in s]
    return statistics.median(v) if v else None


def sizes_of(d, wl):
    return sorted({k[2] for k in d.rates if k[0] == "pass" and k[1] == wl})


def threads_of(d):
    return sorted({k[5] for k in d.rates if k[0] == "pass"})


def workload_table(d, out, wls, threads):
    out.append("| workload | keys | syncmap ops/s | vs rhashtable | vs rwlock "
               "| vs bucketlock | vs xarray | promotions | rebuilds "
               "| max lock hold |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
               "| ---: |")
    for wl in wls:
        for size in sizes_of(d, wl):
            key = ("pass", wl, size, 0, "syncmap", threads)
            if key not in d.stats:
                continue
            cells = [fmt_ratio(d.ratios("pass", wl, size, 0, p, threads))
                     for p in PEERS]
            hold = median_stat(d, key, "lock_hold_max_ns")
            out.append(f"| {wl} | {size:,} | {fmt_rate(d.rate(*key))} | "
                       + " | ".join(cells)
                       + f" | {median_stat(d, key, 'promotions') or 0:.0f}"
                       f" | {median_stat(d, key, 'rebuilds') or 0:.0f}"
                       f" | {(hold or 0) / 1000:.0f} µs |")


def gnuplot(script, png):
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"report.py: gnuplot for {png} failed: {e}", file=sys.stderr)
        return False


def plot_workloads(d, plots, threads):
    dat = os.path.join(plots, ".bench-workloads.dat")
    png = os.path.join(plots, "bench-workloads.png")
    rows = []
    for wl in GO_WL:
        sizes = sizes_of(d, wl)
        if not sizes:
            continue
        size = sizes[0]
        vals = [d.rate("pass", wl, size, 0, i, threads) or 1 for i in IMPLS]
        rows.append(wl + " " + " ".join(f"{v:.0f}" for v in vals))
    with open(dat, "w") as f:
        f.write("\n".join(rows) + "\n")
    cols = ", ".join(
        f"'{dat if i == 0 else ''}' using {i + 2}"
        f"{':xtic(1)' if i == 0 else ''} title '{n}'"
        for i, n in enumerate(IMPLS))
    ok = gnuplot(f"""
set terminal pngcairo size 1400,650 font ',10'
set output '{png}'
set title "Go's sync.Map workloads, {threads} threads, smallest size (ops/s, log scale; {d.meta.get('kernel', '')}, QEMU TCG)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set ylabel 'ops/s'
set xtics rotate by -30 left
set key top right
set grid ytics
plot {cols}
""", png)
    os.unlink(dat)
    return ok


def plot_reuse(d, plots, threads):
    dat = os.path.join(plots, ".bench-reuse.dat")
    png = os.path.join(plots, "bench-reuse.png")
    sizes = sizes_of(d, "LoadOrStoreReuse")
    if not sizes:
        return False
    rows = []
    for r in range(11):
        vals = [d.rate("pass", "LoadOrStoreReuse", sizes[0], r, i, threads)
                for i in IMPLS]
        if all(v is None for v in vals):
            continue
        rows.append(f"{r / 10:.1f} " + " ".join(
            f"{v:.0f}" if v else "NaN" for v in vals))
    with open(dat, "w") as f:
        f.write("\n".join(rows) + "\n")
    cols = ", ".join(f"'{dat}' using 1:{i + 2} with linespoints lw 2 "
                     f"title '{n}'" for i, n in enumerate(IMPLS))
    ok = gnuplot(f"""
set terminal pngcairo size 1000,600 font ',10'
set output '{png}'
set title "LoadOrStore key reuse: share r of calls on an existing key, {threads} threads (ops/s, log scale)"
set xlabel 'r (share of calls that hit an existing key)'
set ylabel 'ops/s'
set logscale y
set grid
set key top left
plot {cols}
""", png)
    os.unlink(dat)
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="")
    ap.add_argument("--out", required=True)
    ap.add_argument("--plots", required=True)
    ap.add_argument("results", nargs="+")
    a = ap.parse_args()

    d = Data()
    for p in a.results:
        d.load(p)
    th = threads_of(d)
    par = max(th) if th else 2
    cpus = d.meta.get("cpus", "?")
    out = []
    w = out.append
    w("# syncmap benchmarks: against its peers, on Go's workloads")
    w("")
    w("Generated by `make bench` (`scripts/bench.sh`, `bench/report.py`); "
      "do not edit by hand.")
    w("")
    w(f"- kernel: {d.meta.get('kernel', a.kernel)} (Debian's stock build, "
      f"no debug options), QEMU TCG, {cpus} vCPUs")
    w(f"- date: {d.meta.get('date', '?')}; passes: {d.passes} "
      "(each figure is the median of the passes, the range in brackets)")
    w("- ratios are **syncmap ÷ peer** in the same pass: above 1 syncmap "
      "is faster. Absolute rates under emulation mean little.")
    if d.loads:
        w(f"- host load average (1/5/15 min) at the end of each run: "
          f"{'; '.join(d.loads)} — on 2 host cores shared with other jobs, "
          "which is the main source of the spread")
    if d.errors:
        w(f"- errors: {'; '.join(d.errors)}")
    w("")
    w("Implementations: `syncmap`; `rhashtable`; `rwlock`, a hashtable under "
      "one `rwlock_t` (Go's RWMutexMap); `bucketlock`, a hashtable with a "
      "spinlock per bucket and RCU lookups; `xarray`, an XArray indexed by "
      "the key (values as `xa_mk_value()`). 8-byte keys and values. The two "
      "locked tables are sized once for the workload and never resize.")
    w("")

    # --- Targets -----------------------------------------------------------
    w("## Targets")
    w("")
    w("| target | measured | met? |")
    w("| --- | --- | --- |")
    for wl in READ_WL:
        for t in th:
            for size in sizes_of(d, wl):
                rs = d.ratios("pass", wl, size, 0, "rhashtable", t)
                if rs:
                    w(f"| {wl} {size:,} keys, {t} thr: syncmap ≥ 1.0x "
                      f"rhashtable | {fmt_ratio(rs)} | "
                      f"{'yes' if statistics.median(rs) >= 1.0 else 'no'} |")
        for size in sizes_of(d, wl):
            rs = d.ratios("pass", wl, size, 0, "rwlock", par)
            if rs:
                w(f"| {wl} {size:,} keys, {par} thr: syncmap ≥ 2x rwlock | "
                  f"{fmt_ratio(rs)} | "
                  f"{'yes' if statistics.median(rs) >= 2.0 else 'no'} |")
    if len(th) > 1:
        for wl in READ_WL:
            for size in sizes_of(d, wl):
                one = d.rates.get(("pass", wl, size, 0, "syncmap", 1), [])
                two = d.rates.get(("pass", wl, size, 0, "syncmap", par), [])
                sc = [y / x for x, y in zip(one, two) if x]
                if sc:
                    w(f"| {wl} {size:,} keys: syncmap 1 → {par} threads "
                      f"≥ 1.8x | {fmt_ratio(sc)} | "
                      f"{'yes' if statistics.median(sc) >= 1.8 else 'no'} |")
    for wl in WRITE_WL:
        for size in sizes_of(d, wl):
            rs = d.ratios("pass", wl, size, 0, "rwlock", par)
            if rs:
                w(f"| {wl}, {par} thr: syncmap ≥ 0.5x rwlock | "
                  f"{fmt_ratio(rs)} | "
                  f"{'yes' if statistics.median(rs) >= 0.5 else 'no'} |")
    for t in sorted({k[2] for k in d.ubench}):
        sl = d.ubench.get(("load", "syncmap", t))
        bl = d.ubench.get(("load", "bpf", t))
        if sl and bl:
            r = [x / y for x, y in zip(sl, bl)]
            w(f"| userspace single load, {t} thr: ≥ 1.0x BPF lookup | "
              f"{fmt_ratio(r)} | {'yes' if statistics.median(r) >= 1 else 'no'} |")
        bb = d.ubench.get(("batch_load_1024", "syncmap", t))
        if sl and bb:
            r = [x / y for x, y in zip(bb, sl)]
            w(f"| userspace 1024-key batch load, {t} thr: ≥ 5x single loads "
              f"per key | {fmt_ratio(r)} | "
              f"{'yes' if statistics.median(r) >= 5 else 'no'} |")
        sw = d.ubench.get(("walk", "syncmap", t))
        bw = d.ubench.get(("walk", "bpf_lookup_batch", t))
        if sw and bw:
            r = [x / y for x, y in zip(sw, bw)]
            w(f"| userspace full walk, {t} thr: ≥ 1.0x BPF_MAP_LOOKUP_BATCH | "
              f"{fmt_ratio(r)} | {'yes' if statistics.median(r) >= 1 else 'no'} |")
    sm = d.umem.get("syncmap")
    for name in ("bpf_prealloc", "bpf_no_prealloc"):
        b = d.umem.get(name)
        if sm and b:
            so = statistics.median(int(x["stat_overhead"]) for x in sm)
            bo = statistics.median(int(x["memlock_overhead"]) for x in b)
            w(f"| memory: bytes/entry beyond key+value ≤ {name} | syncmap "
              f"{so} B (its `bytes` stat) vs {bo} B (memlock) | "
              f"{'yes' if so <= bo else 'no'} |")
    if d.timing:
        holds = {s: statistics.median(int(x["lock_hold_max_ns"])
                                      for x in d.timing[s]) for s in d.timing}
        w("| spinlock hold flat from 1k to 1M | "
          + ", ".join(f"{s:,}: {h / 1000:.0f} µs" for s, h in sorted(holds.items()))
          + " | see below |")
    w("")

    # --- The analysis, written by hand beside this script ------------------
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "notes.md")
    if os.path.exists(notes):
        with open(notes) as f:
            out.append(f.read().rstrip("\n"))
        w("")

    # --- Workloads ---------------------------------------------------------
    for t in sorted(th, reverse=True):
        w(f"## Go's workloads, {t} thread{'s' if t > 1 else ''}")
        w("")
        w("syncmap ÷ peer (median of the passes, range in brackets); "
          "syncmap's promotions, dirty rebuilds and longest spinlock hold "
          "during the timed run.")
        w("")
        workload_table(d, out, GO_WL, t)
        w("")
    if len(th) > 1:
        w(f"## Scaling, 1 → {par} threads")
        w("")
        w("| workload | keys | " + " | ".join(IMPLS) + " |")
        w("| --- | ---: |" + " ---: |" * len(IMPLS))
        for wl in GO_WL:
            for size in sizes_of(d, wl):
                cells = []
                for i in IMPLS:
                    one = d.rate("pass", wl, size, 0, i, 1)
                    two = d.rate("pass", wl, size, 0, i, par)
                    cells.append(f"{two / one:.2f}x" if one and two else "–")
                w(f"| {wl} | {size:,} | " + " | ".join(cells) + " |")
        w("")
    w("![ops/s per workload](bench-workloads.png)")
    w("")

    # --- Sweep -------------------------------------------------------------
    sizes = sizes_of(d, "LoadOrStoreReuse")
    if sizes:
        w(f"## Key reuse sweep (LoadOrStore, {par} threads)")
        w("")
        w("A share r of the calls hits one of 1024 present keys, the rest "
          "store new keys. syncmap ÷ peer:")
        w("")
        w("| r | syncmap ops/s | vs rhashtable | vs rwlock | vs bucketlock "
          "| vs xarray | promotions | rebuilds |")
        w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in range(11):
            key = ("pass", "LoadOrStoreReuse", sizes[0], r, "syncmap", par)
            if key not in d.stats:
                continue
            cells = [fmt_ratio(d.ratios("pass", "LoadOrStoreReuse", sizes[0],
                                        r, p, par)) for p in PEERS]
            w(f"| {r / 10:.1f} | {fmt_rate(d.rate(*key))} | "
              + " | ".join(cells)
              + f" | {median_stat(d, key, 'promotions') or 0:.0f}"
              f" | {median_stat(d, key, 'rebuilds') or 0:.0f} |")
        w("")
        w("![key reuse sweep](bench-reuse.png)")
        w("")

    # --- Memory and timing ---------------------------------------------------
    if d.mem:
        w("## Memory: bytes per entry beyond the 16 of key and value")
        w("")
        w("Measured on LoadMostlyHits' map after its setup, from the drop of "
          "free memory (all implementations; noisy at small sizes) and, for "
          "syncmap, from its `bytes` stat.")
        w("")
        w("| entries | " + " | ".join(IMPLS) + " | syncmap `bytes` stat |")
        w("| ---: |" + " ---: |" * (len(IMPLS) + 1))
        for n in sorted({k[1] for k in d.mem}):
            cells = []
            for i in IMPLS:
                v = d.mem.get((i, n))
                cells.append(f"{statistics.median(int(x['overhead']) for x in v)}"
                             if v else "–")
            s = d.mem.get(("syncmap", n))
            st = statistics.median(int(x["stat_overhead"]) for x in s) if s else "–"
            w(f"| {n:,} | " + " | ".join(cells) + f" | {st} |")
        w("")
    if d.timing:
        w("## A promotion and a dirty rebuild, against the map's size")
        w("")
        w("| entries | promotion (the load that promotes) | dirty rebuild "
          "(the store that copies) | max spinlock hold |")
        w("| ---: | ---: | ---: | ---: |")
        for s in sorted(d.timing):
            v = d.timing[s]
            p = [int(x["promote_ns"]) / 1000 for x in v]
            r = [int(x["rebuild_ns"]) / 1e6 for x in v]
            h = [int(x["lock_hold_max_ns"]) / 1000 for x in v]
            w(f"| {s:,} | {statistics.median(p):.0f} µs "
              f"({min(p):.0f}–{max(p):.0f}) | {statistics.median(r):.2f} ms "
              f"({min(r):.2f}–{max(r):.2f}) | {statistics.median(h):.0f} µs "
              f"({min(h):.0f}–{max(h):.0f}) |")
        w("")

    if d.hash:
        w("## The hash each lookup pays (8-byte key, 1000 calls)")
        w("")
        w("| siphash (syncmap) | jhash2 (rhashtable) | hash_64 (rwlock, "
          "bucketlock) |")
        w("| ---: | ---: | ---: |")
        med = {h: statistics.median(int(x[h + "_ns"]) for x in d.hash)
               for h in ("siphash", "jhash2", "hash_64")}
        w(f"| {med['siphash'] / 1000:.1f} µs | {med['jhash2'] / 1000:.1f} µs "
          f"| {med['hash_64'] / 1000:.1f} µs |")
        w("")

    # --- Policies ------------------------------------------------------------
    tags = sorted({k[0] for k in d.rates if k[0].startswith("policy=")},
                  key=lambda t: (t != "policy=default", t))
    if tags:
        w(f"## Promotion policies on Go's workloads ({par} threads, 1024 keys)")
        w("")
        w("Each cell: syncmap ÷ rwlock in that run, then syncmap's "
          "promotions / rebuilds per 10,000 operations. One pass per "
          "policy: the ratios carry the noise described above, the counts "
          "per operation do not.")
        w("")
        w("| workload | " + " | ".join(t.split("=", 1)[1] for t in tags) + " |")
        w("| --- |" + " --- |" * len(tags))
        for wl in GO_WL:
            cells = []
            for tag in tags:
                size = 1024 if wl in READ_WL else None
                ks = [k for k in d.stats if k[0] == tag and k[1] == wl
                      and k[4] == "syncmap" and k[5] == par
                      and (size is None or k[2] == size)]
                if not ks:
                    cells.append("–")
                    continue
                k = ks[0]
                rs = d.ratios(tag, wl, k[2], 0, "rwlock", par)
                ops = median_stat(d, k, "ops") or 1
                cells.append(f"{fmt_ratio(rs)}, "
                             f"{(median_stat(d, k, 'promotions') or 0) * 1e4 / ops:.1f}/"
                             f"{(median_stat(d, k, 'rebuilds') or 0) * 1e4 / ops:.1f}")
            w(f"| {wl} | " + " | ".join(cells) + " |")
        w("")

    # --- Userspace -----------------------------------------------------------
    if d.ubench:
        w("## Userspace: /dev/syncmap against a BPF hash map")
        w("")
        w("Keys per second, summed over the threads (each thread its own "
          "file descriptor); syncmap ÷ BPF.")
        w("")
        w("| test | threads | syncmap | BPF single calls | syncmap ÷ BPF "
          "| BPF batch call | syncmap ÷ BPF batch |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        tests = []
        for k in d.ubench:
            if k[0] not in tests:
                tests.append(k[0])
        for t in sorted({k[2] for k in d.ubench}):
            for test in tests:
                s = d.ubench.get((test, "syncmap", t)) or \
                    d.ubench.get((test, "syncmapctl", t))
                if not s:
                    continue
                single = (d.ubench.get((test, "bpf", t))
                          or d.ubench.get((test, "bpf_loop", t)))
                batch = (d.ubench.get((test, "bpf_update_batch", t))
                         or d.ubench.get((test, "bpf_lookup_batch", t)))
                if test == "walk":
                    single, batch = None, d.ubench.get((test,
                                                        "bpf_lookup_batch", t))
                ms = statistics.median(s)
                row = f"| {test} | {t} | {fmt_rate(ms)} | "
                if single:
                    row += (f"{fmt_rate(statistics.median(single))} | "
                            f"{fmt_ratio([x / y for x, y in zip(s, single)])} | ")
                else:
                    row += "– | – | "
                if batch:
                    row += (f"{fmt_rate(statistics.median(batch))} | "
                            f"{fmt_ratio([x / y for x, y in zip(s, batch)])} |")
                else:
                    row += "– | – |"
                w(row)
        w("")
    if d.umem:
        w("### Userspace memory, bytes per entry beyond key and value")
        w("")
        w("| map | entries | MemFree drop | memlock (fdinfo) | `bytes` stat |")
        w("| --- | ---: | ---: | ---: | ---: |")
        for name, v in d.umem.items():
            x = v[-1]
            w(f"| {name} | {int(x['entries']):,} | {x['overhead']} | "
              f"{x.get('memlock_overhead', '–')} | "
              f"{x.get('stat_overhead', '–')} |")
        w("")

    w("## Running it")
    w("")
    w("In QEMU (what produced this page): `make bench`; knobs in the header of "
      "`scripts/bench.sh` (`BENCH_DURATION_MS`, `BENCH_SIZES`, "
      "`BENCH_PASSES`, `BENCH_POLICIES`). Raw results stay in "
      "`build/bench/<date>/results.txt`.")
    w("")
    w("On a real machine, as root, with the headers of the running kernel:")
    w("")
    w("```")
    w("make && make -C bench")
    w("sudo insmod kmod/syncmap.ko")
    w("sudo insmod bench/syncmap_bench.ko duration_ms=1000 single=1 "
      "sweep_step=1 sizes=1024,100000,1000000")
    w("sudo dmesg | sed -n 's/^.*syncmap_bench: //p' > results.txt")
    w("sudo rmmod syncmap_bench")
    w("sudo bench/syncmap_ubench -d 1000 | tee -a results.txt")
    w("(echo '@@bench begin pass=1'; cat results.txt) > r.txt")
    w("bench/report.py --out bench.md --plots . r.txt")
    w("```")
    w("")
    w("Module parameters: `duration_ms`, `threads` (0: one per online CPU), "
      "`single` (also a 1-thread run), `workloads` and `impls` (comma lists, "
      "or all), `sizes`, `sweep_step`, and syncmap's promotion policy "
      "`policy_multiplier`, `policy_floor`, `policy_ceiling`, "
      "`policy_adaptive`. Its defaults are the smoke run `make check` loads.")
    w("")

    plot_workloads(d, a.plots, par)
    plot_reuse(d, a.plots, par)
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
