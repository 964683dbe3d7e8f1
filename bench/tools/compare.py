"""Prints two JSON result lines (ours, then the peer's) side by side with ratios."""
import json
import sys


def main():
    ours, peer = (json.loads(line) for line in sys.argv[1:3])
    print(f"data {ours['data']}, metric {ours['metric']}, k {ours['k']}, batch {ours['batch']}, "
          f"threads {ours['threads']}")
    print(f"{'':14}{'vectaraft':>14}{peer['engine']:>14}{'ratio':>9}")
    for key, better in (("qps", "higher"), ("p50_ms", "lower"), ("p99_ms", "lower"),
                        ("recall_at_k", "higher")):
        a, b = ours[key], peer[key]
        ratio = (a / b if better == "higher" else b / a) if a and b else float("nan")
        print(f"{key:14}{a:>14.3f}{b:>14.3f}{ratio:>8.2f}x")
    print("(ratio > 1: vectaraft better)")


main()
