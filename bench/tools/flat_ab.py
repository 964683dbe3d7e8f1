"""Summarises bench/flat-ab.sh's JSON lines: per row, the median QPS of side A, side B and FAISS,
B/A, and each side against FAISS."""
import json
import statistics
import sys


def main():
    rows = {}
    for line in open(sys.argv[1]):
        r = json.loads(line)
        key = (r["data"], r["threads"], r["batch"])
        rows.setdefault(key, {}).setdefault(r["side"], []).append(r)
    print(f"{'data':20}{'thr':>4}{'batch':>6}{'A qps':>10}{'B qps':>10}{'FAISS':>10}"
          f"{'B/A':>7}{'A/F':>7}{'B/F':>7}  runs (load)")
    for (data, threads, batch), sides in rows.items():
        med = {s: statistics.median(r["qps"] for r in rs) for s, rs in sides.items()}
        a, b, f = med.get("A"), med.get("B"), med.get("faiss")
        runs = " ".join(f"{s}:{r['qps']:.0f}({r['load']:.1f})" for s, rs in sides.items() for r in rs)
        print(f"{data:20}{threads:>4}{batch:>6}{fmt(a, 10, 1)}{fmt(b, 10, 1)}{fmt(f, 10, 1)}"
              f"{ratio(b, a)}{ratio(a, f)}{ratio(b, f)}  {runs}")


def fmt(value, width, digits):
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def ratio(x, y):
    return fmt(x / y if x is not None and y else None, 7, 2)


main()
