#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one VM run from its two serial logs.

The results channel (see scripts/guest/lib.sh) carries step results and the
KTAP/TAP of the KUnit suites and kselftests; the console carries the kernel
log, which is searched for splats.  Prints one line per test, then
"NAME: N passed, N failed[, N skipped]"; writes "passed failed skipped" to
--counts; exits 1 if anything failed or is missing.
"""

import argparse
import re
import sys

# Kernel splats, matched as phrases the kernel prints when something went
# wrong, never as bare words: boot banners name KASAN, lockdep and RCU.
SPLATS = [
    r"\bBUG: ",                         # includes "BUG: KASAN: ..." and
                                        # "BUG: Invalid wait context"
    r"\bWARNING: ",                     # WARN_ON() and lockdep reports
    r"\bOops\b",
    r"general protection fault",
    r"kernel BUG at ",
    r"Kernel panic",
    r"suspicious RCU usage",
    r"possible circular locking",
    r"possible recursive locking",
    r"inconsistent lock state",
    r"INFO: rcu_.* stall",
    r"INFO: task .* blocked for more than",
    r"sleeping function called from invalid context",
    r"scheduling while atomic",
    r"kmemleak: .* new suspected",
    r"unreferenced object 0x",
    r"Call Trace:",
    r"UBSAN: ",
    r"refcount_t: ",
    r"list_(add|del) corruption",
    r"DEBUG_LOCKS_WARN_ON",
    r"ODEBUG: ",
]
SPLAT_RE = re.compile("|".join(f"(?:{p})" for p in SPLATS))

# A stack trace that belongs to one of these reports is the kernel doing its
# job, as a test asked it to: a memory cgroup's OOM kill, a fault injected
# with verbose=1.  Its "Call Trace:" follows the header within a few lines.
EXPECTED_TRACE_RE = re.compile(r"invoked oom-killer: |FAULT_INJECTION: forcing a failure")
CALL_TRACE_RE = re.compile(r"Call Trace:")

# KCSAN (the race-detector kernel) reports races anywhere in the kernel.
# A report runs from its "BUG: KCSAN:" line to the "=====" rule that closes
# it; only one whose title or stack frames name a function of syncmap's
# modules ("map_swap+0x1c/0x2a0 [syncmap]", "[syncmap_kunit]"...) is
# syncmap's.  The "Workqueue: syncmap ... [syncmap]" line of a report only
# says what the worker was running, not where the race is.  The others are
# listed, not failed.
KCSAN_RE = re.compile(r"BUG: KCSAN: (.*)")
KCSAN_END_RE = re.compile(r"^(?:\[\s*[0-9.]+\]\s*)?={20,}\s*$")
OURS_TITLE_RE = re.compile(r"\[syncmap\w*\]")
OURS_FRAME_RE = re.compile(r"\+0x[0-9a-f]+/0x[0-9a-f]+ \[syncmap\w*\]")

RESULT_RE = re.compile(r"^(not ok|ok)\s+(\d+)\b\s*(?:-\s*)?(.*?)\s*(?:#\s*(.*))?$")
PLAN_RE = re.compile(r"^(\d+)\.\.(\d+)")


class Run:
    def __init__(self, name):
        self.name = name
        self.items = []         # (status, name, detail)

    def add(self, status, name, detail=""):
        self.items.append((status, name, detail))

    def count(self, status):
        return sum(1 for s, _, _ in self.items if s == status)


def read_lines(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    return data.decode("utf-8", "replace").replace("\r", "").split("\n")


def parse_tap(run, kind, name, lines, rc):
    """Count a TAP/KTAP block's results at the level of individual tests.

    KUnit's debugfs KTAP nests the suite (level 0), its cases (level 1) and
    parameters (level 2); cases are counted.  A kselftest's TAP is flat.
    Every plan at every level must be met.
    """
    count_depth = 1 if kind == "kunit" else 0
    plans = {}          # depth -> [planned, seen]
    failed_before = run.count("fail")
    counted = 0
    empty_plan = False
    problems = []

    def close_deeper(depth):
        for d in sorted([d for d in plans if d > depth]):
            planned, seen = plans.pop(d)
            if planned != seen:
                problems.append(f"level {d}: planned {planned} results, got {seen}")

    for raw in lines:
        stripped = raw.lstrip(" ")
        depth = (len(raw) - len(stripped)) // 4 if kind == "kunit" else 0
        if stripped.startswith("Bail out!"):
            problems.append(stripped)
            continue
        m = PLAN_RE.match(stripped)
        if m:
            close_deeper(depth - 1)
            if depth == count_depth and m.group(1) == "1" and m.group(2) == "0":
                empty_plan = True
            plans[depth] = [int(m.group(2)) - int(m.group(1)) + 1, 0]
            continue
        m = RESULT_RE.match(stripped)
        if not m:
            continue
        close_deeper(depth)
        if depth in plans:
            plans[depth][1] += 1
        ok, _, desc, directive = m.groups()
        directive = (directive or "").strip()
        word = directive.split(" ", 1)[0].upper()
        if depth == count_depth:
            counted += 1
            test = f"{kind}:{name}.{desc}" if desc else f"{kind}:{name}.{m.group(2)}"
            if word == "SKIP":
                run.add("skip", test, directive)
            elif ok == "ok" or word in ("TODO", "XFAIL"):
                run.add("ok", test)
            else:
                run.add("fail", test, directive)
        elif ok == "not ok" and word not in ("SKIP", "TODO", "XFAIL") \
                and depth < count_depth:
            # A suite that failed although none of its cases did (its init
            # failed, say) still fails; counted below if nothing else did.
            problems.append(f"{desc or 'suite'}: not ok")
    close_deeper(-1)

    if counted == 0:
        if kind == "kselftest" and (rc == 4 or empty_plan):
            run.add("skip", f"{kind}:{name}", "skipped as a whole")
        else:
            problems.append("no test results")
    if rc not in (0, 4) or (kind == "kunit" and rc != 0):
        problems.append(f"exited with rc={rc}")
    if problems and run.count("fail") == failed_before:
        run.add("fail", f"{kind}:{name}", "; ".join(problems))
    elif problems:
        for p in problems:
            print(f"  note  {kind}:{name}: {p}")
    return run.count("fail") > failed_before


def parse_results(run, lines, show_text):
    blocks = {}         # (kind, name) -> rc, None while open
    done = False
    cur = None
    body = []
    for line in lines:
        if line.startswith("@@syncmap "):
            words = line.split()
            rec = words[1] if len(words) > 1 else ""
            if rec == "result" and len(words) >= 4:
                status = "ok" if words[2] == "ok" else "fail"
                run.add(status, words[3], " ".join(words[4:]))
            elif rec == "begin" and len(words) >= 4:
                cur = (words[2], words[3])
                body = []
                blocks[cur] = None
            elif rec == "end" and cur is not None:
                m = re.search(r"rc=(\d+)", line)
                rc = int(m.group(1)) if m else -1
                blocks[cur] = rc
                kind, name = cur
                if kind in ("kunit", "kselftest"):
                    if parse_tap(run, kind, name, body, rc):
                        print(f"  ---- output of {kind} {name} ----")
                        for b in body[-40:]:
                            print(f"  | {b}")
                elif rc == 0:
                    run.add("ok", f"{kind}:{name}")
                else:
                    run.add("fail", f"{kind}:{name}", f"exited with rc={rc}")
                cur = None
            elif rec == "done":
                done = True
            continue
        if cur is not None:
            body.append(line)
            if show_text and cur[0] == "text":
                print(line)
    if cur is not None:
        run.add("fail", f"{cur[0]}:{cur[1]}", "output cut off: the guest died while it ran")
    return blocks, done


def foreign_kcsan_reports(console):
    """The line numbers (0-based) of KCSAN reports not in syncmap's code,
    and the reports' titles."""
    skip, titles = set(), []
    i = 0
    while i < len(console):
        m = KCSAN_RE.search(console[i])
        if not m:
            i += 1
            continue
        end = i + 1
        while end < len(console) and not KCSAN_END_RE.match(console[end]):
            end += 1
        if not OURS_TITLE_RE.search(m.group(1)) and \
                not any(OURS_FRAME_RE.search(line) for line in console[i:end]):
            skip.update(range(i, end))
            titles.append(m.group(1).strip())
        i = end
    return skip, titles


def find_splats(console, skip=frozenset()):
    hits = []
    for i, line in enumerate(console):
        m = SPLAT_RE.search(line)
        if not m or i in skip:
            continue
        if CALL_TRACE_RE.fullmatch(m.group(0)) and \
                any(EXPECTED_TRACE_RE.search(p) for p in console[max(0, i - 8):i]):
            continue
        hits.append((i + 1, line.strip()))
    return hits


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--name", required=True)
    ap.add_argument("--console", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--counts")
    ap.add_argument("--module", action="append", default=[],
                    help="a module the guest must load and unload")
    ap.add_argument("--kselftest", action="append", default=[],
                    help="a kselftest the guest must run")
    ap.add_argument("--kunit", action="store_true",
                    help="KUnit modules were loaded: suites must report")
    ap.add_argument("--killed", default="",
                    help="why the host stopped the guest, if it did")
    ap.add_argument("--show-text", action="store_true",
                    help="print the output of 'text' blocks (make demo)")
    args = ap.parse_args()

    run = Run(args.name)
    console = read_lines(args.console)
    blocks, done = parse_results(run, read_lines(args.results), args.show_text)

    results = {n: s for s, n, _ in run.items}
    for ko in args.module:
        base = ko.rsplit("/", 1)[-1]
        mod = base[:-3] if base.endswith(".ko") else base
        if f"insmod:{base}" not in results:
            run.add("fail", f"insmod:{base}", "never attempted")
        elif results[f"insmod:{base}"] == "ok" and f"rmmod:{mod}" not in results:
            run.add("fail", f"rmmod:{mod}", "never attempted")
    for t in args.kselftest:
        if ("kselftest", t) not in blocks:
            run.add("fail", f"kselftest:{t}", "never ran")
    if args.kunit and not any(k == "kunit" for k, _ in blocks):
        run.add("fail", "kunit", "KUnit modules were loaded but no suite reported")
    if args.killed:
        run.add("fail", "vm:poweroff", args.killed)
    elif not done:
        run.add("fail", "vm:done", "the guest stopped before the end of its steps")
    foreign, titles = foreign_kcsan_reports(console)
    for title in sorted(set(titles)):
        n = titles.count(title)
        print(f"  note  KCSAN report outside syncmap ({n}x): {title}")
    splats = find_splats(console, foreign)
    for lineno, text in splats[:20]:
        run.add("fail", f"splat:console:{lineno}", text)
    if len(splats) > 20:
        run.add("fail", "splat:more", f"{len(splats) - 20} more splat lines")

    for status, name, detail in run.items:
        label = {"ok": "ok", "fail": "FAIL", "skip": "skip"}[status]
        print(f"  {label:<5} {name}{'  (' + detail + ')' if detail else ''}")
    p, f, s = run.count("ok"), run.count("fail"), run.count("skip")
    print(f"{args.name}: {p} passed, {f} failed" + (f", {s} skipped" if s else ""))
    if args.counts:
        with open(args.counts, "w") as out:
            out.write(f"{p} {f} {s}\n")
    return 1 if f else 0


if __name__ == "__main__":
    sys.exit(main())
