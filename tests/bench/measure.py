#!/usr/bin/python3
"""measure.py -- time priori over the benchmark set (`make bench`).

    /usr/bin/python3 tests/bench/measure.py [--priori build/priori] [--dir build/bench] [--runs 7]

For every model, in the same run (page cache warm: each file is read once
first, and priori runs once, before anything is timed):

  priori   wall time of `priori analyze MODEL` (the full report: every layer,
           totals, breakdowns; written to /dev/null), median of --runs runs;
  cat      wall time of `cat MODEL [EXTERNAL DATA] > /dev/null`, the cost of
           reading the model's bytes once, median of --runs runs;
  RSS      priori's peak resident set (ru_maxrss, the largest of 3 runs under
           /usr/bin/time -f %M: a child spawned straight from Python would
           report Python's own RSS, which it inherits until exec);
  read     `rchar` of /proc/PID/io: every byte priori got from read(2) or
           pread(2) -- its own model reads plus the dynamic loader's few KB.
           This is the right counter here because priori reads the model with
           pread (it does not mmap it): every model byte it sees is counted.
           `read_bytes` (bytes fetched from the disk) is 0 on a warm cache;
           mmap'd pages would not show in either, so the major page faults
           are listed too (0: no file page came in through a mapping);
  cold     evidence independent of the counters above: the model's pages
           are dropped from the page cache (posix_fadvise DONTNEED), priori
           runs once, and mincore(2) counts the model's pages now resident:
           what priori (plus the kernel's read-ahead) read from the disk.

External data (transformer_2g): `strace -f -e trace=%file` lists every
system call naming a file; the .data file must appear only in stat-like
calls (realpath, stat), never in open/openat, and none of its pages may be
resident after the cold run.

Each process is started with posix_spawn and waited for with
waitid(WNOWAIT), so its /proc/PID/io can be read after it exits and before
it is reaped (wait4 then gives its rusage). The timing is wall clock from
spawn to exit, the same for priori and for cat.
"""
import argparse
import ctypes
import os
import platform
import re
import statistics
import subprocess
import sys
import time

MODELS = [
    # name, model file, external data files
    ("resnet50", "resnet50.onnx", []),
    ("vgg16", "vgg16.onnx", []),
    ("vit_b_16", "vit_b_16.onnx", []),
    ("transformer_2g", "transformer_2g.onnx", ["transformer_2g.data"]),
    ("synthetic_100k", "synthetic_100k.onnx", []),
]
RSS_LIMIT_MB = 64
NODES_100K_LIMIT_S = 1.0


def spawn(argv):
    """Runs argv with stdout and stderr on /dev/null; returns its measures."""
    actions = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
               (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    wall = time.perf_counter() - t0
    io = {}
    with open(f"/proc/{pid}/io") as f:
        for line in f:
            k, v = line.split(":")
            io[k] = int(v)
    _, status, ru = os.wait4(pid, 0)
    return {"wall": wall, "rc": os.waitstatus_to_exitcode(status), "majflt": ru.ru_majflt,
            "rchar": io["rchar"], "read_bytes": io["read_bytes"]}


def peak_rss_kb(argv):
    """ru_maxrss of argv run under /usr/bin/time (a small parent)."""
    out = "/tmp/priori-bench-time.txt"
    spawn(["/usr/bin/time", "-f", "%M", "-o", out] + argv)
    with open(out) as f:
        kb = int(f.read().split()[-1])
    os.remove(out)
    return kb


# ---- page cache ----

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes(path):
    """Bytes of path in the page cache (mincore over a shared mapping)."""
    size = os.path.getsize(path)
    fd = os.open(path, os.O_RDONLY)
    try:
        addr = libc.mmap(None, size, 1, 1, fd, 0)   # PROT_READ, MAP_SHARED
        if addr in (None, ctypes.c_void_p(-1).value):
            return -1
        pages = (size + PAGE - 1) // PAGE
        vec = (ctypes.c_ubyte * pages)()
        rc = libc.mincore(addr, size, vec)
        libc.munmap(addr, size)
        if rc != 0:
            return -1
        return sum(1 for v in bytes(vec) if v & 1) * PAGE
    finally:
        os.close(fd)


def drop_cache(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


# ---- helpers ----

def mb(n):
    return n / 1e6


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        ram = int(f.readline().split()[1]) / 1024 / 1024
    return (f"{cpu}, {os.cpu_count()} cores, {ram:.0f} GiB RAM, Linux {platform.release()}, "
            f"{time.strftime('%Y-%m-%d')}")


def node_count(priori, path):
    out = subprocess.run([priori, "analyze", path, "--format", "csv"], capture_output=True, text=True)
    return max(0, out.stdout.count("\n") - 1) if out.returncode == 0 else -1


def strace_files(priori, path, data):
    """System calls that name the external data file while priori runs."""
    log = "/tmp/priori-bench-strace.log"
    rc = subprocess.run(["strace", "-f", "-qq", "-e", "trace=%file", "-o", log, priori, "analyze", path],
                        capture_output=True).returncode
    calls = []
    with open(log) as f:
        for line in f:
            if os.path.basename(data) in line:
                m = re.match(r"(?:\d+\s+)?(\w+)\(", line)
                calls.append(m.group(1) if m else line.strip())
    os.remove(log)
    return rc, calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--priori", default="build/priori")
    ap.add_argument("--dir", default="build/bench")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    priori = os.path.abspath(args.priori)
    cat = "/bin/cat"
    print(f"priori benchmark -- {machine()}")
    print(f"median of {args.runs} warm runs each; priori = `priori analyze MODEL > /dev/null` "
          f"(the default report, every layer)\n")
    floor = statistics.median(spawn([priori, "--version"])["wall"] for _ in range(args.runs))

    rows, fails = [], []
    for name, fname, extra in MODELS:
        path = os.path.join(args.dir, fname)
        files = [path] + [os.path.join(args.dir, e) for e in extra]
        if not all(os.path.exists(f) for f in files):
            print(f"{name}: missing (run tests/bench/make_models.py)")
            fails.append(f"{name} missing")
            continue
        size = sum(os.path.getsize(f) for f in files)
        # cold run: which of the model's pages does priori bring in?
        for f in files:
            drop_cache(f)
        before = sum(max(0, resident_bytes(f)) for f in files)
        cold = spawn([priori, "analyze", path])
        after = [max(0, resident_bytes(f)) for f in files]
        # warm everything, then measure
        spawn([cat] + files)
        spawn([priori, "analyze", path])
        runs = [spawn([priori, "analyze", path]) for _ in range(args.runs)]
        cats = [spawn([cat] + files) for _ in range(args.runs)]
        row = {
            "name": name, "size": size, "onnx": os.path.getsize(path), "ext": size - os.path.getsize(path),
            "nodes": node_count(priori, path),
            "t": statistics.median(r["wall"] for r in runs),
            "cat": statistics.median(r["wall"] for r in cats),
            "rss": max(peak_rss_kb([priori, "analyze", path]) for _ in range(3)) / 1024,
            "rchar": runs[0]["rchar"], "read_bytes": max(r["read_bytes"] for r in runs),
            "majflt": max(r["majflt"] for r in runs), "rc": max(abs(r["rc"]) for r in runs + [cold]),
            "cold_before": before, "cold_after": sum(after), "cold_ext_after": sum(after[1:]),
            "cold_t": cold["wall"],
        }
        if extra:
            row["strace_rc"], row["ext_calls"] = strace_files(priori, path, files[1])
        rows.append(row)

    hdr = (f"{'model':<16}{'file MB':>9}{'nodes':>8}{'priori ms':>11}{'cat ms':>9}{'priori/cat':>12}"
           f"{'RSS MB':>8}{'read KB':>9}{'majflt':>7}{'cold KB':>9}")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        fsz = f"{mb(r['size']):.0f}" if r["size"] >= 1e6 else f"{mb(r['size']):.1f}"
        print(f"{r['name']:<16}{fsz:>9}{r['nodes']:>8}{r['t'] * 1e3:>11.1f}{r['cat'] * 1e3:>9.1f}"
              f"{r['t'] / r['cat']:>12.4f}{r['rss']:>8.1f}{r['rchar'] / 1024:>9.0f}{r['majflt']:>7}"
              f"{r['cold_after'] / 1024:>9.0f}")
    print(f"\nprocess start floor (`priori --version`): {floor * 1e3:.1f} ms, "
          f"{peak_rss_kb([priori, '--version']) / 1024:.1f} MB RSS")
    print("file MB: the .onnx plus its external data; read KB: rchar (read/pread bytes, incl. the dynamic")
    print("loader's); cold KB: the model's bytes in the page cache after one priori run on a dropped cache")
    by = {r["name"]: r for r in rows}
    for r in rows:
        if r["rc"]:
            fails.append(f"{r['name']}: priori exited with status {r['rc']}")

    print("\ntargets")

    def verdict(ok, text):
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
        if not ok:
            fails.append(text)

    if "vgg16" in by:
        v = by["vgg16"]
        verdict(v["t"] <= v["cat"] / 20,
                f"vgg16: priori {v['t'] * 1e3:.1f} ms <= cat {v['cat'] * 1e3:.1f} ms / 20 "
                f"(priori/cat = 1/{v['cat'] / v['t']:.0f})")
        net = max(v["t"] - floor, 1e-6)   # what the analysis adds to the process start
        print(f"        (net of the process start floor: {net * 1e3:.1f} ms, 1/{v['cat'] / net:.0f} of cat; "
              f"the floor alone is 1/{v['cat'] / floor:.0f})")
        if "resnet50" in by:
            r = by["resnet50"]
            verdict(v["t"] <= 2 * r["t"], f"vgg16 within 2x of resnet50: priori(vgg16)/priori(resnet50) = "
                                          f"{v['t'] / r['t']:.2f}")
    for r in rows:
        if r["size"] <= 2.2e9:
            verdict(r["rss"] <= RSS_LIMIT_MB, f"{r['name']}: peak RSS {r['rss']:.1f} MB <= {RSS_LIMIT_MB} MB")
    for r in rows:
        if "ext_calls" in r:
            opened = [c for c in r["ext_calls"] if c.startswith("open")]
            verdict(not opened and r["cold_ext_after"] == 0 and r["strace_rc"] == 0,
                    f"{r['name']}: external data ({mb(r['ext']):.0f} MB) never opened, 0 bytes read: "
                    f"strace shows {len(r['ext_calls'])} calls naming it ({', '.join(sorted(set(r['ext_calls']))) or 'none'}), "
                    f"{len(opened)} opens; {r['cold_ext_after']} bytes of it resident after a cold run")
    if "synthetic_100k" in by:
        s = by["synthetic_100k"]
        verdict(s["t"] <= NODES_100K_LIMIT_S and s["nodes"] == 100000,
                f"synthetic_100k: {s['nodes']} nodes in {s['t']:.3f} s <= {NODES_100K_LIMIT_S} s")
    print(f"\n{len(fails)} target(s) failed" if fails else "\nevery target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
