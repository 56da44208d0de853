#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the results of `make bench` into docs/bench.md and gnuplot plots.

Usage: report.py --out docs/bench.md --plots DIR RESULTS...

RESULTS are the results channels of bench/guest.sh, one file per platform
(scripts/bench.sh: build/bench/<date>/<platform>/results.txt): "@@bench"
records framing the lines of bench/syncmap_bench.ko ("result", "mem",
"timing", "hash") and of bench/syncmap_ubench ("ubench").  A file's platform
is the one its "@@bench start" or "@@bench host" record names (uml, tcg);
a file without one, from a run by hand on a real machine, is "machine".
Several files of one platform are pooled.  Every pass is one sample;
tables give the median and, where there are several samples, the range.
Ratios are always syncmap over a peer of the same pass of the same platform.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict

IMPLS = ["syncmap", "syncmap-merge", "rhashtable", "rwlock", "bucketlock",
         "xarray"]
# The peers of the ratio tables: syncmap's second engine has its own section.
PEERS = IMPLS[2:]
MERGE = "syncmap-merge"
READ_WL = ["LoadMostlyHits", "LoadMostlyMisses"]
GO_WL = ["LoadMostlyHits", "LoadMostlyMisses", "LoadOrStoreBalanced",
         "LoadOrStoreUnique", "LoadOrStoreCollision", "LoadAndDeleteBalanced",
         "Range", "AdversarialAlloc", "AdversarialDelete", "SwapMostlyHits",
         "SwapMostlyMisses", "CompareAndSwapMostlyHits", "Clear"]
# Issue 15's targets of the merge engine against the rwlock table.
MERGE_WRITE_WL = ["AdversarialAlloc", "AdversarialDelete", "LoadOrStoreUnique",
                  "SwapMostlyMisses"]
WRITE_WL = ["LoadOrStoreUnique", "AdversarialAlloc", "AdversarialDelete"]
# LoadMostlyHits/Misses at wider keys (syncmap, rhashtable, rwlock).
WIDE_LENS = [16, 64]
MIXED_WL = "LoadMostlyHitsWhileStoring"
MIXED_PEERS = ["rhashtable", "rwlock"]
# The hashes of the module's "hash" lines, and what they are.
HASHES = [
    ("map_jhash", "syncmap: jhash(), seeded"),
    ("map_hsiphash", "syncmap after a flood: hsiphash()"),
    ("rhashtable_jhash2", "rhashtable: jhash2()"),
    ("hash_64", "rwlock, bucketlock: hash_64()"),
    ("siphash", "siphash() (syncmap's until 3b326ff)"),
]

# scripts/bench.sh's defaults, to say when a run used fewer.
DEFAULTS = {"duration_ms": "300", "sizes": "1024,100000,1000000",
            "passes": 2}

# The plots' names: PREFIX-workloads.png, PREFIX-reuse.png (--plot-prefix).
PLOT_PREFIX = "bench"

PLATFORM_ORDER = ["uml", "tcg", "machine"]
PLATFORM_NAME = {"uml": "UML", "tcg": "TCG", "machine": "machine"}
PLATFORM_LONG = {
    "uml": "User-Mode Linux, native code, 1 CPU",
    "tcg": "QEMU TCG, emulated, 2 vCPUs",
    "machine": "a real machine",
}


def kv(line):
    return dict(re.findall(r"(\w+)=(\S+)", line))


def num(s):
    try:
        return int(s)
    except ValueError:
        return float(s)


class Data:
    """The results of one platform."""

    def __init__(self, platform):
        self.platform = platform
        self.meta = {}
        self.hosts = []                     # "@@bench host" records
        self.params = []                    # module parameters of the passes
        self.policy_params = ""
        self.ubench_args = ""
        # (tag, wl, size, reuse, impl, threads) -> [rate]
        self.rates = defaultdict(list)
        self.stats = defaultdict(list)      # same key -> [dict]
        self.mem = defaultdict(list)        # (impl, entries) -> [dict]
        self.timing = defaultdict(list)     # size -> [dict]
        self.ubench = defaultdict(list)     # (test, impl, threads) -> [rate]
        self.umem = defaultdict(list)       # impl -> [dict]
        self.hash = []                      # [dict]
        self.passes = 0
        self.errors = []

    def load(self, lines):
        tag = None
        for line in lines:
            line = line.strip()
            if line.startswith("@@bench start"):
                self.meta.update(kv(line))
            elif line.startswith("@@bench host"):
                self.hosts.append(kv(line))
            elif line.startswith("@@bench begin"):
                words = line.split()
                tag = words[2]
                if tag.startswith("pass="):
                    self.passes += 1
                    tag = "pass"
                    self.params.append(" ".join(words[3:]))
                elif tag == "policy=default":
                    self.policy_params = " ".join(words[3:])
                elif tag == "ubench":
                    self.ubench_args = " ".join(words[3:])
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
                d = kv(line)
                d.setdefault("key_len", "8")
                self.hash.append(d)
            elif line.startswith("ubench test="):
                d = kv(line)
                self.ubench[(d["test"], d["impl"], int(d["threads"]))] \
                    .append(float(d["keys_per_s"]))
            elif line.startswith("ubench mem"):
                d = kv(line)
                # A peer that could not be filled (BPF_F_NO_PREALLOC on
                # UML: "unavailable=ENOMEM") has no figure to show.
                if "unavailable" not in d:
                    self.umem[d["impl"]].append(d)

    def rate(self, *key):
        r = self.rates.get(key)
        return statistics.median(r) if r else None

    def ratios(self, tag, wl, size, reuse, impl, threads, of="syncmap"):
        """@of / impl, one per pass (same run, same pass)."""
        a = self.rates.get((tag, wl, size, reuse, of, threads), [])
        b = self.rates.get((tag, wl, size, reuse, impl, threads), [])
        return [x / y for x, y in zip(a, b) if y]

    def sizes_of(self, wl):
        return sorted({k[2] for k in self.rates
                       if k[0] == "pass" and k[1] == wl})

    def threads(self):
        return sorted({k[5] for k in self.rates if k[0] == "pass"})

    def par(self):
        th = self.threads()
        return max(th) if th else 1

    def name(self):
        return PLATFORM_NAME.get(self.platform, self.platform)


def platform_of(lines):
    for line in lines:
        if line.startswith("@@bench start") or line.startswith("@@bench host"):
            p = kv(line).get("platform")
            if p and p != "unknown":
                return p
    return "machine"


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


def fmt_us(ns):
    if ns is None:
        return "–"
    return f"{ns / 1000:.0f} µs"


def median_stat(d, key, field):
    v = [s[field] for s in d.stats.get(key, []) if field in s]
    return statistics.median(v) if v else None


def met(rs, goal):
    if not rs:
        return "–"
    return f"{fmt_ratio(rs)}: {'yes' if statistics.median(rs) >= goal else 'no'}"


def columns_of(plats):
    """(Data, threads) of every platform's thread counts, in page order."""
    return [(d, t) for d in plats for t in d.threads()]


def col_name(d, t):
    return f"{d.name()} {t} thr"


def workload_rows(plats):
    """(wl, size) of the Go workloads any platform ran, in page order."""
    rows = []
    for wl in GO_WL:
        for size in sorted({s for d in plats for s in d.sizes_of(wl)}):
            rows.append((wl, size))
    return rows


def gnuplot(script, png):
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"report.py: gnuplot for {png} failed: {e}", file=sys.stderr)
        if os.path.exists(png):
            os.unlink(png)
        return False


def plot_workloads(plats, plots):
    """syncmap ÷ each peer per workload, one panel per platform and thread
    count, smallest size."""
    cols = columns_of(plats)
    png = os.path.join(plots, f"{PLOT_PREFIX}-workloads.png")
    dats = []
    panels = []
    for n, (d, t) in enumerate(cols):
        dat = os.path.join(plots, f".bench-workloads-{n}.dat")
        rows = []
        for wl in GO_WL:
            sizes = d.sizes_of(wl)
            if not sizes:
                continue
            vals = []
            for p in PEERS:
                rs = d.ratios("pass", wl, sizes[0], 0, p, t)
                vals.append(f"{statistics.median(rs):.4f}" if rs else "NaN")
            rows.append(wl + " " + " ".join(vals))
        with open(dat, "w") as f:
            f.write("\n".join(rows) + "\n")
        dats.append(dat)
        series = ", ".join(
            f"'{dat if i == 0 else ''}' using {i + 2}"
            f"{':xtic(1)' if i == 0 else ''} title 'vs {p}'"
            for i, p in enumerate(PEERS))
        panels.append(f"""
set title "{PLATFORM_LONG.get(d.platform, d.platform)}: {t} thread{'s' if t > 1 else ''}"
plot {series}, 1 with lines dt 2 lc 'black' notitle
""")
    if not panels:
        return False
    ok = gnuplot(f"""
set terminal pngcairo size 1400,{420 * len(panels)} font ',10'
set output '{png}'
set multiplot layout {len(panels)},1 title "syncmap ÷ peer on Go's sync.Map workloads, smallest size (log scale; above 1: syncmap faster)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set ylabel 'syncmap ÷ peer'
set xtics rotate by -30 left
set key outside right top
set grid ytics
{''.join(panels)}
unset multiplot
""", png)
    for dat in dats:
        os.unlink(dat)
    return ok


def plot_reuse(plats, plots):
    png = os.path.join(plots, f"{PLOT_PREFIX}-reuse.png")
    dats = []
    panels = []
    for n, d in enumerate(plats):
        sizes = d.sizes_of("LoadOrStoreReuse")
        if not sizes:
            continue
        t = d.par()
        rows = []
        for r in range(11):
            vals = [d.rate("pass", "LoadOrStoreReuse", sizes[0], r, i, t)
                    for i in IMPLS]
            if all(v is None for v in vals):
                continue
            rows.append(f"{r / 10:.1f} " + " ".join(
                f"{v:.0f}" if v else "NaN" for v in vals))
        dat = os.path.join(plots, f".bench-reuse-{n}.dat")
        with open(dat, "w") as f:
            f.write("\n".join(rows) + "\n")
        dats.append(dat)
        series = ", ".join(f"'{dat}' using 1:{i + 2} with linespoints lw 2 "
                           f"title '{name}'" for i, name in enumerate(IMPLS))
        panels.append(f"""
set title "{PLATFORM_LONG.get(d.platform, d.platform)}: {t} thread{'s' if t > 1 else ''}"
plot {series}
""")
    if not panels:
        return False
    ok = gnuplot(f"""
set terminal pngcairo size {700 * len(panels)},600 font ',10'
set output '{png}'
set multiplot layout 1,{len(panels)} title "LoadOrStore key reuse: share r of calls on an existing key (ops/s, log scale)"
set xlabel 'r (share of calls that hit an existing key)'
set ylabel 'ops/s'
set logscale y
set grid
set key bottom right
{''.join(panels)}
unset multiplot
""", png)
    for dat in dats:
        os.unlink(dat)
    return ok


def runs_section(plats, w):
    for d in plats:
        h = d.hosts[-1] if d.hosts else {}
        params = d.params[0] if d.params else ""
        p = kv(params)
        reduced = []
        if p.get("duration_ms", DEFAULTS["duration_ms"]) != DEFAULTS["duration_ms"]:
            reduced.append(f"{p['duration_ms']} ms per timed run "
                           f"(default {DEFAULTS['duration_ms']})")
        if p.get("sizes", DEFAULTS["sizes"]) != DEFAULTS["sizes"]:
            reduced.append(f"sizes {p['sizes']} (default {DEFAULTS['sizes']})")
        if d.passes < DEFAULTS["passes"]:
            reduced.append(f"{d.passes} pass (default {DEFAULTS['passes']})")
        kernel = d.meta.get("kernel", "?")
        kname = h.get("kernel_name", "")
        w(f"- **{d.name()}** ({PLATFORM_LONG.get(d.platform, d.platform)}): "
          f"kernel {kernel}{f' ({kname})' if kname else ''}, "
          f"{d.meta.get('cpus', '?')} CPU{'s' if d.meta.get('cpus') != '1' else ''}; "
          f"source {h.get('source', '?')}"
          + (f" with uncommitted {h['dirty']}"
             if h.get("dirty", "none") != "none" else "")
          + f"; date {d.meta.get('date', '?')}; {d.passes} "
          f"pass{'es' if d.passes != 1 else ''} of `{params}`"
          + (f", policies at `{re.sub(r' ?workloads=[^ ]*', '', d.policy_params)}`"
             " on Go's workloads" if d.policy_params else "")
          + (f", `syncmap_ubench {d.ubench_args}`" if d.ubench_args else "")
          + (f"; the guest ran {int(h['wall_s']) // 60} min "
             f"{int(h['wall_s']) % 60} s" if "wall_s" in h else "")
          + (f"; host load average (1/5/15 min) "
             f"{h['loadavg_start'].replace('/', ' ')} at the start, "
             f"{h['loadavg_end'].replace('/', ' ')} at the end"
             if "loadavg_start" in h else "")
          + (f". **Reduced settings**, to spare the shared host: "
             f"{'; '.join(reduced)}" if reduced else "")
          + ".")
        if d.errors:
            w(f"  Errors: {'; '.join(d.errors)}")


PLATFORMS_TEXT = """\
## Two platforms: what each distorts, which figure answers which question

The same module, built from the same source, runs on two platforms, and
every ratio on this page compares syncmap with a peer **in the same pass on
the same platform**; ratios are never taken across platforms.

**UML** (User-Mode Linux, `uml-bench-6.12`: `scripts/uml.config` with
`scripts/uml-bench.config`, no debug options, `PREEMPT_VOLUNTARY`) runs the
kernel as a host process: kernel code executes natively, so the hash, the
dependent loads, the branches and the caches cost what they cost on this
machine's CPU. What it distorts:

- **it is uniprocessor**: there is one CPU and no `CONFIG_SMP`, so a
  `spin_lock()`, a `read_lock()` on an `rwlock_t` and an atomic cost almost
  nothing (a lock compiles to a compiler barrier, an atomic loses its
  `lock` prefix, and there is no cache line to bounce). The locked peers (`rwlock`, `bucketlock`) are as cheap
  as they will ever be: UML's ratio against them is the floor of what an
  SMP machine shows, never a prediction of it;
- **RCU is Tiny RCU** (non-preemptible, one CPU): `rcu_read_lock()` is a
  compiler barrier, as on a non-preemptible SMP kernel; Debian's kernel
  (`PREEMPT_DYNAMIC`, so `PREEMPT_RCU`) increments a nesting counter
  instead. Grace periods end at the next context switch, so RCU-deferred
  frees (Swap, CAS, Clear) come back sooner than on SMP;
- **interrupt masking is a function call**: `local_irq_save()` and
  `local_irq_restore()` are calls into UML's signal emulation, and with
  them every `this_cpu_*()` operation (the generic version masks
  interrupts around a plain read-modify-write), where x86 uses one
  `%gs`-relative instruction. syncmap's per-CPU event counters (a
  `this_cpu_inc()` in every operation, loads included) therefore cost more
  on UML than on x86, and the peers have none: a read-path ratio on UML is
  somewhat pessimistic for syncmap;
- **user space runs under `ptrace`**: every system call of a guest program
  is several host context switches, so the userspace benchmark
  (`/dev/syncmap` against BPF) measures UML's system calls more than the
  maps (a single call takes about 100 µs there); its UML rows are there
  for completeness, not for conclusions;
- **its `local_clock()` ticks in jiffies** (10 ms at `HZ=100`: UML has no
  fast `sched_clock()`), so syncmap's longest spinlock hold reads 0 or a
  multiple of 10 ms there; the timed runs and the timing table use
  `ktime_get()`, which is fine-grained;
- it is one host process on a 2-core host shared with other jobs: a host
  preemption stops the kernel in the middle of a timed run, as it stops a
  TCG vCPU.

**TCG** (Debian's stock 6.12 in QEMU, 2 vCPUs, `PREEMPT_DYNAMIC`) is a real
SMP kernel: locks are atomics on shared cache lines, readers on two vCPUs
run truly in parallel (multi-threaded TCG), and `rwlock_t` readers bounce
the lock's cache line between them. What it distorts:

- **every guest instruction is emulated**: it is translated to several
  host instructions, and every guest memory access goes through QEMU's
  software TLB, so a dependent load costs like several instructions and
  arithmetic (the hash) is relatively cheaper than memory; absolute rates
  mean little ({slowdown});
- **the host**: the two vCPUs are two threads on the two host cores that
  other jobs (builds, test VMs) share; a vCPU descheduled while
  it holds a lock stalls the other, the same run repeated varies by 2–5x,
  and the longest lock holds recorded are host preemptions.

Which figure answers which question:

| question | figure |
| --- | --- |
| Is syncmap's code path cheaper or dearer per operation than a peer's (hash, dependent loads, allocations, copies)? | the **UML** column: native single-CPU ratios, against rhashtable and the XArray above all (RCU readers like syncmap's; the locked peers are flattered by UP) |
| Do syncmap's readers scale where a locked table's do not; what do contention and shared cache lines do? | the **TCG 2 thr** column and the scaling table (1 → 2 threads), read for direction, not for magnitude |
| Does a change make a path cheaper, independent of the host's load? | neither: the instruction budget of `tools/testing` (callgrind, exact counts) |
| How long does a promotion or a dirty rebuild of n entries take? | the **UML** rows of the timing table (native); TCG's are emulated and host-preempted |
| What does the hash cost? | the **UML** row of the hash table |
| Bytes per entry? | syncmap's `bytes` stat, the same on both; the MemFree drops are noisy on both |
| `/dev/syncmap` against a BPF map from user space? | the **TCG** rows (UML's system calls go through `ptrace`) |
| What does a promotion policy change? | the promotions and rebuilds per operation, on either platform; their ratios are noise on TCG |
"""


def slowdown(plats):
    """How much slower TCG runs syncmap than UML, one thread each."""
    d = {x.platform: x for x in plats}
    if "uml" not in d or "tcg" not in d:
        return "see syncmap's own rates below"
    q = []
    for wl in GO_WL:
        for size in d["tcg"].sizes_of(wl):
            u = d["uml"].rate("pass", wl, size, 0, "syncmap", 1)
            t = d["tcg"].rate("pass", wl, size, 0, "syncmap", 1)
            if u and t:
                q.append(u / t)
    if not q:
        return "see syncmap's own rates below"
    return (f"syncmap on one TCG vCPU runs Go's workloads "
            f"{min(q):.0f}–{max(q):.0f}x slower than on UML, "
            f"{statistics.median(q):.0f}x in the median")


def goal_str(g):
    return f"{g:.1f}x"


def issue14_rows(plats):
    """(label, [cell per platform]) of issue 14's targets."""
    rows = []
    threads = sorted({t for d in plats for t in d.threads()})
    par = max(threads) if threads else 2

    def add(label, fn):
        cells = [fn(d) or "–" for d in plats]
        if any(c != "–" for c in cells):
            rows.append((label, cells))

    def rhash(wl, size, t, goal):
        def cell(d):
            if t not in d.threads():
                return None
            rs = d.ratios("pass", wl, size, 0, "rhashtable", t)
            g = goal(d) if callable(goal) else goal
            if g is None:
                return fmt_ratio(rs) + " (no target)" if rs else None
            return met(rs, g)
        return cell

    def sizes(wl):
        return sorted({s for d in plats for s in d.sizes_of(wl)})

    for t in threads:
        for size in sizes("LoadMostlyHits"):
            g = 1.0 if size <= 1024 else 1.2
            add(f"Hits: LoadMostlyHits {size:,} keys, {t} thr: ≥ "
                f"{goal_str(g)} rhashtable",
                rhash("LoadMostlyHits", size, t, g))
    for t in threads:
        for size in sizes("LoadMostlyMisses"):
            small = size <= 1024
            add(f"Misses: LoadMostlyMisses {size:,} keys, {t} thr: ≥ 1.0x "
                "rhashtable" + (" (UML: ≥ 0.7x)" if small else ""),
                rhash("LoadMostlyMisses", size, t,
                      lambda d, small=small:
                      0.7 if small and d.platform == "uml" else 1.0))
    for klen in WIDE_LENS:
        for kind, goal in (("Hits", 1.0), ("Misses", None)):
            wl = f"LoadMostly{kind}{klen}B"
            for t in threads:
                for size in sizes(wl):
                    add(f"{klen}-byte keys: {wl} {size:,} keys, {t} thr: "
                        + (f"≥ {goal_str(goal)} rhashtable" if goal
                           else "vs rhashtable"),
                        rhash(wl, size, t, goal))

    def memory(d):
        if not d.mem:
            return None
        n = max(k[1] for k in d.mem)
        s, r = d.mem.get(("syncmap", n)), d.mem.get(("rhashtable", n))
        if not s:
            return None
        st = statistics.median(int(x["stat_overhead"]) for x in s)
        mf = statistics.median(int(x["overhead"]) for x in s)
        verdict = ("yes" if st <= 64 and mf <= 64 else
                   "`bytes` yes, MemFree no" if st <= 64 else "no")
        return (f"{st} B (`bytes` stat), {mf} B (MemFree drop) at {n:,} "
                f"entries" + (f"; rhashtable {statistics.median(int(x['overhead']) for x in r)} B"
                              if r else "") + f": {verdict}"
                + (" (aim 48: met)" if st <= 48 and mf <= 48 else ""))
    add("Memory: bytes per entry beyond key and value, 8-byte keys and "
        "values, at the largest size run (target: 1M entries): ≤ 64 "
        "(aim 48)", memory)

    uthreads = sorted({k[2] for d in plats for k in d.ubench})

    def ub_single(t):
        def cell(d):
            if d.platform == "uml" and any(k[2] == t for k in d.ubench):
                return "not judged (ptrace)"
            sl = d.ubench.get(("load", "syncmap", t))
            bl = d.ubench.get(("load", "bpf", t))
            return met([x / y for x, y in zip(sl, bl)], 1) if sl and bl \
                else None
        return cell

    def ub_batch(t):
        def cell(d):
            if d.platform == "uml" and any(k[2] == t for k in d.ubench):
                return "not judged (ptrace)"
            sl = d.ubench.get(("load", "syncmap", t))
            bb = d.ubench.get(("batch_load_1024", "syncmap", t))
            return met([x / y for x, y in zip(bb, sl)], 5) if sl and bb \
                else None
        return cell

    for t in uthreads:
        add(f"Userspace: single ioctl load, {t} thr: ≥ 1.0x "
            "BPF_MAP_LOOKUP_ELEM", ub_single(t))
    for t in uthreads[:1]:
        add(f"Userspace: 1024-key batch load, {t} thr: ≥ 5x single loads "
            "per key", ub_batch(t))

    def mixed(size, peer):
        def cell(d):
            if par < 2 or d.par() < 2:
                return "skipped (1 CPU)" if d.platform == "uml" else None
            rs = d.ratios("pass", MIXED_WL, size, 0, peer, d.par())
            return fmt_ratio(rs) + " (no target)" if rs else None
        return cell
    for size in sizes(MIXED_WL) or sizes("LoadMostlyHits16B"):
        for peer in MIXED_PEERS:
            add(f"Mixed: {MIXED_WL} {size:,} keys, 1 reader + 1 writer: "
                f"readers vs {peer}'s", mixed(size, peer))
    return rows


def insn_budget_text():
    """The callgrind figures of tools/testing/insn-budget.txt, if any."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "tools", "testing", "insn-budget.txt")
    try:
        with open(path) as f:
            figs = dict(re.findall(r"^(read-hit|read-miss)\s+\d+\s+#\s*"
                                   r"([\d.]+)", f.read(), re.M))
    except OSError:
        return None
    if not figs:
        return None
    return ("Instructions per operation are not measured by `make bench`: "
            "`make -C tools/testing insn-budget` counts them with callgrind. "
            "The figures recorded in `tools/testing/insn-budget.txt` when "
            "this page was generated: read hit "
            f"{figs.get('read-hit', '?')}, read miss "
            f"{figs.get('read-miss', '?')} (issue 14: at most half of the "
            "first budget's 320.7 and 302.8, that is 160 and 151).")


def issue14_table(plats):
    lines = ["| target | " + " | ".join(d.name() for d in plats) + " |",
             "| --- |" + " --- |" * len(plats)]
    for label, cells in issue14_rows(plats):
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def targets_section(plats, w):
    names = [d.name() for d in plats]
    w("## Targets of issue 14 (reads against rhashtable, memory, userspace)")
    w("")
    w("Each cell: syncmap's figure on that platform (median of the passes, "
      "range in brackets) and whether it meets the target. `–`: not "
      "measured there (UML has one CPU: no 2-thread rows). Ratios are "
      "syncmap ÷ rhashtable in the same pass.")
    w("")
    for line in issue14_table(plats):
        w(line)
    w("")
    t = insn_budget_text()
    if t:
        w(t)
        w("")
    w("## Other targets (earlier issues)")
    w("")
    w("| target | " + " | ".join(names) + " |")
    w("| --- |" + " --- |" * len(plats))
    threads = sorted({t for d in plats for t in d.threads()})
    par = max(threads) if threads else 2

    def row(label, fn):
        cells = [fn(d) or "–" for d in plats]
        if any(c != "–" for c in cells):
            w(f"| {label} | " + " | ".join(cells) + " |")

    for wl in READ_WL:
        sizes = sorted({s for d in plats for s in d.sizes_of(wl)})
        for size in sizes:
            row(f"{wl} {size:,} keys, {par} thr: syncmap ≥ 2x rwlock",
                lambda d: met(d.ratios("pass", wl, size, 0, "rwlock", par),
                              2.0))
    for wl in READ_WL:
        for size in sorted({s for d in plats for s in d.sizes_of(wl)}):
            def scaling(d):
                one = d.rates.get(("pass", wl, size, 0, "syncmap", 1), [])
                two = d.rates.get(("pass", wl, size, 0, "syncmap", par), [])
                if par == 1:
                    return None
                return met([y / x for x, y in zip(one, two) if x], 1.8)
            row(f"{wl} {size:,} keys: syncmap 1 → {par} threads ≥ 1.8x",
                scaling)
    for wl in WRITE_WL:
        for size in sorted({s for d in plats for s in d.sizes_of(wl)}):
            row(f"{wl}, {par} thr: syncmap ≥ 0.5x rwlock",
                lambda d: met(d.ratios("pass", wl, size, 0, "rwlock", par),
                              0.5))
    uthreads = sorted({k[2] for d in plats for k in d.ubench})
    for t in uthreads:
        def walk(d):
            if d.platform == "uml" and any(k[2] == t for k in d.ubench):
                return "not judged (ptrace)"
            sw = d.ubench.get(("walk", "syncmap", t))
            bw = d.ubench.get(("walk", "bpf_lookup_batch", t))
            return met([x / y for x, y in zip(sw, bw)], 1) if sw and bw \
                else None
        if t > 1:
            row(f"userspace 1024-key batch load, {t} thr: ≥ 5x single "
                "loads per key",
                lambda d: None if d.platform == "uml" else
                met([x / y for x, y in
                     zip(d.ubench.get(("batch_load_1024", "syncmap", t), []),
                         d.ubench.get(("load", "syncmap", t), []))], 5))
        row(f"userspace full walk, {t} thr: ≥ 1.0x BPF_MAP_LOOKUP_BATCH",
            walk)
    for name in ("bpf_prealloc", "bpf_no_prealloc"):
        def memory(d):
            sm, b = d.umem.get("syncmap"), d.umem.get(name)
            if not (sm and b):
                return None
            so = statistics.median(int(x["stat_overhead"]) for x in sm)
            bo = statistics.median(int(x["memlock_overhead"]) for x in b)
            return (f"syncmap {so} B (its `bytes` stat) vs {bo} B (memlock): "
                    f"{'yes' if so <= bo else 'no'}")
        row(f"memory: bytes/entry beyond key+value ≤ {name}", memory)

    def hold(d):
        if not d.timing:
            return None
        holds = {s: statistics.median(int(x["lock_hold_max_ns"])
                                      for x in d.timing[s]) for s in d.timing}
        return ", ".join(f"{s:,}: {fmt_us(h)}" for s, h in sorted(holds.items())) \
            + (" (10 ms ticks: not measurable on UML)" if d.platform == "uml"
               else " (see below)")
    row("spinlock hold flat from 1k to 1M", hold)
    w("")


def ratio_tables(plats, w):
    cols = columns_of(plats)
    rows = workload_rows(plats)
    w("## Go's workloads: syncmap ÷ each peer, per platform")
    w("")
    w("syncmap ÷ peer, the peer measured in the same pass on the same "
      "platform (median of the passes, range in brackets; above 1 syncmap "
      "is faster). Read the UML column for the cost of the code, the TCG "
      "columns for what two CPUs change (see above).")
    w("")
    for p in PEERS:
        w(f"### vs {p}")
        w("")
        w("| workload | keys | " + " | ".join(col_name(d, t) for d, t in cols)
          + " |")
        w("| --- | ---: |" + " ---: |" * len(cols))
        for wl, size in rows:
            cells = [fmt_ratio(d.ratios("pass", wl, size, 0, p, t))
                     for d, t in cols]
            w(f"| {wl} | {size:,} | " + " | ".join(cells) + " |")
        w("")
    w("### syncmap itself")
    w("")
    w("syncmap's operations per second (summed over the threads), its "
      "promotions / dirty rebuilds and its longest spinlock hold during the "
      "timed run. UML's rates are native single-CPU rates; TCG's are "
      "emulated.")
    w("")
    w("| workload | keys | "
      + " | ".join(f"ops/s {col_name(d, t)}" for d, t in cols) + " | "
      + " | ".join(f"prom./rebuilds {col_name(d, t)}" for d, t in cols)
      + " | " + " | ".join(f"max hold {col_name(d, t)}" for d, t in cols)
      + " |")
    w("| --- | ---: |" + " ---: |" * (3 * len(cols)))
    for wl, size in rows:
        rates, counts, holds = [], [], []
        for d, t in cols:
            key = ("pass", wl, size, 0, "syncmap", t)
            if key not in d.stats:
                rates.append("–")
                counts.append("–")
                holds.append("–")
                continue
            rates.append(fmt_rate(d.rate(*key)))
            counts.append(f"{median_stat(d, key, 'promotions') or 0:.0f}/"
                          f"{median_stat(d, key, 'rebuilds') or 0:.0f}")
            holds.append(fmt_us(median_stat(d, key, "lock_hold_max_ns")))
        w(f"| {wl} | {size:,} | " + " | ".join(rates + counts + holds) + " |")
    w("")
    for d in plats:
        th = d.threads()
        if len(th) < 2:
            continue
        par = d.par()
        w(f"## Scaling on {d.name()}, 1 → {par} threads")
        w("")
        w(f"Each implementation's rate with {par} threads over its rate with "
          "one, same pass.")
        w("")
        w("| workload | keys | " + " | ".join(IMPLS) + " |")
        w("| --- | ---: |" + " ---: |" * len(IMPLS))
        for wl in GO_WL:
            for size in d.sizes_of(wl):
                cells = []
                for i in IMPLS:
                    one = d.rates.get(("pass", wl, size, 0, i, 1), [])
                    two = d.rates.get(("pass", wl, size, 0, i, par), [])
                    cells.append(fmt_ratio([y / x for x, y in zip(one, two)
                                            if x]))
                w(f"| {wl} | {size:,} | " + " | ".join(cells) + " |")
        w("")
    w("![syncmap ÷ peer per workload, per platform]"
      f"({PLOT_PREFIX}-workloads.png)")
    w("")


def wide_section(plats, w):
    cols = columns_of(plats)
    rows = [(f"LoadMostly{kind}{klen}B", klen, size)
            for klen in WIDE_LENS for kind in ("Hits", "Misses")
            for size in sorted({s for d in plats
                                for s in d.sizes_of(f"LoadMostly{kind}{klen}B")})]
    if not rows:
        return
    w("## Other key sizes: 16 and 64 bytes")
    w("")
    w("LoadMostlyHits and LoadMostlyMisses with keys of 16 and 64 bytes "
      "(8-byte values), in the same passes as the 8-byte rows: syncmap, "
      "rhashtable with `key_len` set to match (so its default hash, "
      "`jhash2()` of the key's words) and the rwlock table (the same "
      "`jhash2()`, `memcmp()`). Key i is the words i, i ^ C, i ^ 2C, ... "
      "(C the 64-bit golden ratio), built in every operation by every "
      "implementation alike. syncmap ÷ peer, and syncmap's own rate.")
    w("")
    w("| workload | key bytes | keys | "
      + " | ".join(f"vs rhashtable {col_name(d, t)}" for d, t in cols)
      + " | " + " | ".join(f"vs rwlock {col_name(d, t)}" for d, t in cols)
      + " | " + " | ".join(f"syncmap ops/s {col_name(d, t)}"
                           for d, t in cols) + " |")
    w("| --- | ---: | ---: |" + " ---: |" * (3 * len(cols)))
    for wl, klen, size in rows:
        cells = [fmt_ratio(d.ratios("pass", wl, size, 0, p, t))
                 for p in MIXED_PEERS for d, t in cols]
        cells += [fmt_rate(d.rate("pass", wl, size, 0, "syncmap", t))
                  for d, t in cols]
        base = wl[:-(len(str(klen)) + 1)]
        w(f"| {base} | {klen} | {size:,} | " + " | ".join(cells) + " |")
    w("")
    w("The same workloads at 8-byte keys are in the tables above.")
    w("")


def engines_section(plats, w):
    """The merge engine against Go's and against the rwlock table."""
    cols = columns_of(plats)
    rows = [(wl, size) for wl, size in workload_rows(plats)
            if any(d.rates.get(("pass", wl, size, 0, MERGE, t))
                   for d, t in cols)]
    if not rows:
        return
    w("## The two engines: merge ÷ Go, merge ÷ rwlock")
    w("")
    w("`syncmap-merge` is the same API on a map created with "
      "`SYNCMAP_ENGINE_MERGE` (`docs/design.md`): new keys wait in a table "
      "of their own that loads read under RCU, merged into the read table "
      "by a worker, so no call copies the map. Its rate over Go's engine's "
      "(`syncmap`) and over the rwlock table's, same pass.")
    w("")
    w("| workload | keys | "
      + " | ".join(f"÷ Go {col_name(d, t)}" for d, t in cols) + " | "
      + " | ".join(f"÷ rwlock {col_name(d, t)}" for d, t in cols) + " |")
    w("| --- | ---: |" + " ---: |" * (2 * len(cols)))
    for wl, size in rows:
        go = [fmt_ratio(d.ratios("pass", wl, size, 0, "syncmap", t, MERGE))
              for d, t in cols]
        rw = [fmt_ratio(d.ratios("pass", wl, size, 0, "rwlock", t, MERGE))
              for d, t in cols]
        w(f"| {wl} | {size:,} | " + " | ".join(go + rw) + " |")
    w("")
    w("### Targets of issue 15, in-kernel")
    w("")
    w("| target | " + " | ".join(col_name(d, t) for d, t in cols) + " |")
    w("| --- |" + " --- |" * len(cols))

    def row(label, fn):
        cells = [fn(d, t) or "–" for d, t in cols]
        if any(c != "–" for c in cells):
            w(f"| {label} | " + " | ".join(cells) + " |")

    def sizes(wl):
        return sorted({s for d in plats for s in d.sizes_of(wl)})

    for wl in MERGE_WRITE_WL:
        for size in sizes(wl):
            row(f"merge: {wl} ≥ 1.0x rwlock",
                lambda d, t: met(d.ratios("pass", wl, size, 0, "rwlock", t,
                                          MERGE), 1.0))
    for size in sizes("LoadMostlyHits"):
        row(f"merge: LoadMostlyHits {size:,} keys ≥ 1.0x Go's engine",
            lambda d, t: met(d.ratios("pass", "LoadMostlyHits", size, 0,
                                      "syncmap", t, MERGE), 1.0))
    for wl in WRITE_WL:
        for size in sizes(wl):
            row(f"Go: {wl} ≥ 0.5x rwlock",
                lambda d, t: met(d.ratios("pass", wl, size, 0, "rwlock", t),
                                 0.5))
    for wl in ("SwapMostlyHits", "CompareAndSwapMostlyHits"):
        for size in sizes(wl):
            row(f"Go: {wl} within 1.5x of rwlock (≥ 0.67x)",
                lambda d, t: met(d.ratios("pass", wl, size, 0, "rwlock", t),
                                 1 / 1.5))
    for size in sizes("Clear"):
        row("Go: Clear within 2x of rwlock (≥ 0.5x)",
            lambda d, t: met(d.ratios("pass", "Clear", size, 0, "rwlock", t),
                             0.5))
    w("")
    w("The 2-thread columns are the issue's; 1-thread columns for reference. "
      "The native targets are in `docs/bench-native.md`.")
    w("")


def mixed_section(plats, w):
    have = [d for d in plats if d.sizes_of(MIXED_WL)]
    w(f"## Readers while one thread stores ({MIXED_WL})")
    w("")
    w("LoadMostlyHits on all threads but one, while that one stores a new "
      "key in every call (keys beyond the read set, so every store is an "
      "insert): what a writer's lock and the cache lines it writes cost "
      "the readers. With 2 vCPUs, 1 reader and 1 writer. Readers' rates "
      "(keys per second) and syncmap's readers ÷ the peer's readers, "
      "then the writer's rate. The rwlock table is sized for the read set "
      "plus 65,536 keys and never resizes.")
    w("")
    if not have:
        w("Not run: it needs two CPUs. "
          + ("On UML (one CPU) the module skips it: a reader and a writer "
             "there take turns in scheduler time slices, so the writer's "
             "lock never meets a reader and no cache line moves; what it "
             "would measure is the time-sharing, not the contention."
             if any(d.platform == "uml" for d in plats) else ""))
        w("")
        return
    w("| platform | keys | syncmap readers | vs rhashtable | vs rwlock "
      "| writer: syncmap | writer: rhashtable | writer: rwlock "
      "| syncmap promotions / rebuilds |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for d in have:
        t = d.par()
        for size in d.sizes_of(MIXED_WL):
            key = ("pass", MIXED_WL, size, 0, "syncmap", t)
            wr = [median_stat(d, ("pass", MIXED_WL, size, 0, i, t),
                              "writer_rate") for i in
                  ("syncmap", "rhashtable", "rwlock")]
            w(f"| {d.name()} {t} thr | {size:,} | {fmt_rate(d.rate(*key))} | "
              + " | ".join(fmt_ratio(d.ratios("pass", MIXED_WL, size, 0, p,
                                               t)) for p in MIXED_PEERS)
              + " | " + " | ".join(fmt_rate(x) for x in wr)
              + f" | {median_stat(d, key, 'promotions') or 0:.0f} / "
              f"{median_stat(d, key, 'rebuilds') or 0:.0f} |")
    w("")
    if any(d.platform == "uml" for d in plats) and \
            not all(d.sizes_of(MIXED_WL) for d in plats):
        w("UML has one CPU: the module skips this workload there (a reader "
          "and a writer would take turns in scheduler time slices, so the "
          "writer's lock would never meet a reader).")
        w("")


def sweep_section(plats, w):
    shown = False
    for d in plats:
        sizes = d.sizes_of("LoadOrStoreReuse")
        if not sizes:
            continue
        par = d.par()
        shown = True
        w(f"## Key reuse sweep on {d.name()} (LoadOrStore, {par} "
          f"thread{'s' if par > 1 else ''})")
        w("")
        w(f"A share r of the calls hits one of {sizes[0]} present keys, the "
          "rest store new keys. Both engines' rates, merge ÷ Go, then "
          "syncmap (Go's engine) ÷ peer:")
        w("")
        w("| r | syncmap ops/s | syncmap-merge ops/s | merge ÷ Go "
          "| vs rhashtable | vs rwlock | vs bucketlock "
          "| vs xarray | promotions | rebuilds |")
        w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
          "| ---: |")
        for r in range(11):
            key = ("pass", "LoadOrStoreReuse", sizes[0], r, "syncmap", par)
            if key not in d.stats:
                continue
            cells = [fmt_ratio(d.ratios("pass", "LoadOrStoreReuse", sizes[0],
                                        r, p, par)) for p in PEERS]
            mkey = ("pass", "LoadOrStoreReuse", sizes[0], r, MERGE, par)
            mr = d.rate(*mkey)
            w(f"| {r / 10:.1f} | {fmt_rate(d.rate(*key))} | "
              f"{fmt_rate(mr) if mr else '–'} | "
              + fmt_ratio(d.ratios("pass", "LoadOrStoreReuse", sizes[0], r,
                                   "syncmap", par, MERGE)) + " | "
              + " | ".join(cells)
              + f" | {median_stat(d, key, 'promotions') or 0:.0f}"
              f" | {median_stat(d, key, 'rebuilds') or 0:.0f} |")
        w("")
    if shown:
        w(f"![key reuse sweep]({PLOT_PREFIX}-reuse.png)")
        w("")


def memory_timing_sections(plats, w):
    if any(d.mem for d in plats):
        w("## Memory: bytes per entry beyond the 16 of key and value")
        w("")
        w("Measured on LoadMostlyHits' map after its setup, from the drop of "
          "free memory (all implementations; noisy at small sizes) and, for "
          "syncmap, from its `bytes` stat.")
        w("")
        w("| platform | entries | " + " | ".join(IMPLS)
          + " | syncmap `bytes` stat |")
        w("| --- | ---: |" + " ---: |" * (len(IMPLS) + 1))
        for d in plats:
            for n in sorted({k[1] for k in d.mem}):
                cells = []
                for i in IMPLS:
                    v = d.mem.get((i, n))
                    cells.append(
                        f"{statistics.median(int(x['overhead']) for x in v)}"
                        if v else "–")
                s = d.mem.get(("syncmap", n))
                st = statistics.median(int(x["stat_overhead"]) for x in s) \
                    if s else "–"
                w(f"| {d.name()} | {n:,} | " + " | ".join(cells)
                  + f" | {st} |")
        w("")
    if any(d.timing for d in plats):
        w("## A promotion and a dirty rebuild, against the map's size")
        w("")
        w("| platform | entries | promotion (the load that promotes) "
          "| dirty rebuild (the store that copies) | max spinlock hold |")
        w("| --- | ---: | ---: | ---: | ---: |")
        for d in plats:
            for s in sorted(d.timing):
                v = d.timing[s]
                p = [int(x["promote_ns"]) / 1000 for x in v]
                r = [int(x["rebuild_ns"]) / 1e6 for x in v]
                h = [int(x["lock_hold_max_ns"]) / 1000 for x in v]

                def rng(xs, f):
                    if len(xs) == 1:
                        return f.format(xs[0])
                    return (f.format(statistics.median(xs)) + " ("
                            + f.format(min(xs)) + "–" + f.format(max(xs))
                            + ")")
                w(f"| {d.name()} | {s:,} | {rng(p, '{:.1f}')} µs | "
                  f"{rng(r, '{:.2f}')} ms | {rng(h, '{:.0f}')} µs |")
        w("")
    if any(d.hash for d in plats):
        w("## The hashes, per key size (ns per call)")
        w("")
        w("What each implementation pays to hash one key: syncmap's "
          "seeded `jhash()` (fixed-length and inline for 8- and 16-byte "
          "keys, `jhash()` out of line for the others), and `hsiphash()`, "
          "to which a map switches once an insert probes too far (the "
          "functions of `kmod/core.h`'s `key_hash()`, copied in the module); "
          "rhashtable's `jhash2()` of the key's words; the locked tables' "
          "`hash_64()` (8-byte keys only: their wide-key tables use "
          "`jhash2()`); and `siphash()`, syncmap's hash until 3b326ff. Each "
          "figure is net of building the key (timed alone: the last "
          "column), distinct keys, throughput of independent calls.")
        w("")
        w("| platform | key bytes | " + " | ".join(n for _, n in HASHES)
          + " | building the key |")
        w("| --- | ---: |" + " ---: |" * (len(HASHES) + 1))
        for d in plats:
            if not d.hash:
                continue
            for klen in sorted({int(x["key_len"]) for x in d.hash}):
                xs = [x for x in d.hash if int(x["key_len"]) == klen]
                base = statistics.median(int(x.get("base_ns", 0)) for x in xs)
                cells = []
                for h, _ in HASHES:
                    v = [int(x[h + "_ns"]) for x in xs if h + "_ns" in x]
                    if not v or (h == "hash_64" and klen != 8):
                        cells.append("–")
                        continue
                    cells.append(f"{max(statistics.median(v) - base, 0) / 1000:.1f} ns")
                w(f"| {d.name()} | {klen} | " + " | ".join(cells)
                  + f" | {base / 1000:.1f} ns |")
        w("")


def policy_section(plats, w):
    for d in plats:
        tags = sorted({k[0] for k in d.rates if k[0].startswith("policy=")},
                      key=lambda t: (t != "policy=default", t))
        if not tags:
            continue
        par = max(k[5] for k in d.rates if k[0] in tags)
        w(f"## Promotion policies on {d.name()} ({par} "
          f"thread{'s' if par > 1 else ''}, 1024 keys)")
        w("")
        w("Each cell: syncmap ÷ rwlock in that run, then syncmap's "
          "promotions / rebuilds per 10,000 operations. One pass per "
          "policy: the ratios carry the platform's noise, the counts "
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
                cells.append(
                    f"{fmt_ratio(rs)}, "
                    f"{(median_stat(d, k, 'promotions') or 0) * 1e4 / ops:.1f}/"
                    f"{(median_stat(d, k, 'rebuilds') or 0) * 1e4 / ops:.1f}")
            w(f"| {wl} | " + " | ".join(cells) + " |")
        w("")


def userspace_section(plats, w):
    if not any(d.ubench for d in plats):
        return
    w("## Userspace: /dev/syncmap against a BPF hash map")
    w("")
    w("Keys per second, summed over the threads (each thread its own "
      "file descriptor); syncmap ÷ BPF. On UML every system call goes "
      "through `ptrace` (see above): its rows say little about the maps.")
    w("")
    w("| platform | test | threads | syncmap | BPF single calls "
      "| syncmap ÷ BPF | BPF batch call | syncmap ÷ BPF batch |")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for d in plats:
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
                    single = None
                    batch = d.ubench.get((test, "bpf_lookup_batch", t))
                row = (f"| {d.name()} | {test} | {t} | "
                       f"{fmt_rate(statistics.median(s))} | ")
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
    if any(d.umem for d in plats):
        w("### Userspace memory, bytes per entry beyond key and value")
        w("")
        w("| platform | map | entries | MemFree drop | memlock (fdinfo) "
          "| `bytes` stat |")
        w("| --- | --- | ---: | ---: | ---: | ---: |")
        for d in plats:
            for name, v in d.umem.items():
                x = v[-1]
                w(f"| {d.name()} | {name} | {int(x['entries']):,} | "
                  f"{x['overhead']} | {x.get('memlock_overhead', '–')} | "
                  f"{x.get('stat_overhead', '–')} |")
        w("")


def running_section(w):
    w("## Running it")
    w("")
    w("`make bench` runs both platforms, UML first, then writes this page "
      "from both. `BENCH_PLATFORMS=uml` (or `tcg`) runs one; every knob "
      "(`BENCH_DURATION_MS`, `BENCH_SIZES`, `BENCH_PASSES`, "
      "`BENCH_POLICIES`, ...) can be given per platform, "
      "`BENCH_TCG_PASSES=1`; `BENCH_SOURCE=<commit>` benchmarks a commit "
      "instead of the working tree: see the header of `scripts/bench.sh`. "
      "Raw results stay in `build/bench/<date>/<platform>/results.txt`; "
      "runs made separately (`BENCH_REPORT=none`) are put on one page with "
      "`bench/report.py --out docs/bench.md --plots docs "
      "build/bench/*/uml/results.txt build/bench/*/tcg/results.txt`.")
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--plots", required=True)
    ap.add_argument("--plot-prefix", default="bench",
                    help="the plots' file names start with this")
    ap.add_argument("--kernel", default="", help=argparse.SUPPRESS)
    ap.add_argument("--targets", metavar="FILE",
                    help="also write issue 14's targets table to FILE")
    ap.add_argument("results", nargs="+")
    a = ap.parse_args()
    global PLOT_PREFIX
    PLOT_PREFIX = a.plot_prefix

    by_platform = {}
    for path in a.results:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
        p = platform_of(lines)
        by_platform.setdefault(p, Data(p)).load(lines)
    plats = sorted(by_platform.values(),
                   key=lambda d: (PLATFORM_ORDER.index(d.platform)
                                  if d.platform in PLATFORM_ORDER else 99,
                                  d.platform))
    out = []
    w = out.append
    w("# syncmap benchmarks: against its peers, on Go's workloads")
    w("")
    w("Generated by `make bench` (`scripts/bench.sh`, `bench/report.py`); "
      "do not edit by hand.")
    w("")
    runs_section(plats, w)
    w("- ratios are **syncmap ÷ peer** in the same pass on the same "
      "platform: above 1 syncmap is faster. Each figure is the median of "
      "the passes, the range in brackets.")
    w("")
    w("Implementations: `syncmap` (Go's engine, the default); "
      "`syncmap-merge` (the engine that never copies, see below); "
      "`rhashtable`; `rwlock`, a hashtable under "
      "one `rwlock_t` (Go's RWMutexMap); `bucketlock`, a hashtable with a "
      "spinlock per bucket and RCU lookups; `xarray`, an XArray indexed by "
      "the key (values as `xa_mk_value()`). 8-byte keys and values. The two "
      "locked tables are sized once for the workload and never resize.")
    w("")
    if len(plats) > 1 or plats[0].platform in ("uml", "tcg"):
        w(PLATFORMS_TEXT.format(slowdown=slowdown(plats)))
    targets_section(plats, w)

    # --- The analysis, written by hand beside this script ------------------
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "notes.md")
    # The notes analyse the full run of docs/bench.md, not a partial one.
    if os.path.exists(notes) and PLOT_PREFIX == "bench":
        with open(notes) as f:
            out.append(f.read().rstrip("\n"))
        w("")

    ratio_tables(plats, w)
    engines_section(plats, w)
    wide_section(plats, w)
    mixed_section(plats, w)
    sweep_section(plats, w)
    memory_timing_sections(plats, w)
    policy_section(plats, w)
    userspace_section(plats, w)
    running_section(w)

    # A plot that could not be drawn (a run of a few workloads) is not shown.
    for ok, name in ((plot_workloads(plats, a.plots), "workloads"),
                     (plot_reuse(plats, a.plots), "reuse")):
        if not ok:
            out = [x for x in out if f"({PLOT_PREFIX}-{name}.png)" not in x]
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")
    if a.targets:
        with open(a.targets, "w") as f:
            f.write("\n".join(issue14_table(plats)) + "\n")


if __name__ == "__main__":
    main()
