#!/usr/bin/env python3
"""Side-by-side benchmark: neuroplast against Brian2 (or NEST) on the same network, the two
programs alternating A B A B … in one sitting, medians and the ratio reported.

This machine's speed drifts by up to 2x within an hour, so only ratios measured in the same
sitting mean anything (see ../shared/peers/README.md).

  python3 Benchmarks/compare.py --case coba --rounds 5
  python3 Benchmarks/compare.py --case fixed --N 64000 --threads 2 --rounds 3
  python3 Benchmarks/compare.py --case stdp --rounds 3
  python3 Benchmarks/compare.py --case structural --T 20 --rounds 2      # against NEST 3.10

Needs: a release build (.build/release/neuroplast) and a Python with brian2 for the peer
(--peer-python, default $PEERS_PYTHON or /work/peers-venv/bin/python); the peer scripts are
looked up in --peers (default ../shared/peers beside the project).
"""
import argparse, json, os, statistics, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
p = argparse.ArgumentParser()
p.add_argument("--case", choices=["coba", "fixed", "stdp", "structural"], default="coba")
p.add_argument("--N", type=int, default=None)
p.add_argument("--T", type=float, default=1.0)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--rounds", type=int, default=5)
p.add_argument("--peer", choices=["brian2-standalone", "brian2-runtime", "nest"], default=None,
               help="default: nest for structural, brian2-standalone otherwise")
p.add_argument("--peer-python", default=os.environ.get("PEERS_PYTHON", "/work/peers-venv/bin/python"))
p.add_argument("--peers", default=os.path.join(root, "..", "shared", "peers"))
p.add_argument("--binary", default=os.path.join(root, ".build", "release", "neuroplast"))
a = p.parse_args()
N = a.N or {"fixed": 64000, "structural": 1250}.get(a.case, 4000)
peer_name = a.peer or ("nest" if a.case == "structural" else "brian2-standalone")


def result(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = [l for l in out.splitlines() if l.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def ours():
    return result([a.binary, "bench", a.case, "--neurons", str(N), "--duration", str(a.T),
                   "--threads", str(a.threads), "--json"])


def peer():
    if peer_name == "nest":
        r = result([a.peer_python, os.path.join(a.peers, "nest_structural.py"), "--NE", str(N * 4 // 5),
                    "--NI", str(N - N * 4 // 5), "--T", str(a.T), "--threads", str(a.threads)])
        r.setdefault("rate_Hz", r.get("rate", r.get("mean_rate_Hz", float("nan"))))
        return r
    mode = "standalone" if peer_name == "brian2-standalone" else "runtime"
    return result([a.peer_python, os.path.join(a.peers, "brian2_bench.py"), "--case", a.case, "--N", str(N),
                   "--T", str(a.T), "--mode", mode, "--threads", str(a.threads)])


rows = []
for r in range(a.rounds):
    x, y = ours(), peer()
    rows.append((x["run_s"], y["run_s"]))
    print(f"round {r + 1}: neuroplast {x['run_s']:.4f} s ({x['rate_Hz']:.2f} Hz, {x.get('synapses')} synapses)  "
          f"{peer_name} {y['run_s']:.4f} s ({y.get('rate_Hz', float('nan')):.2f} Hz) {json.dumps(y)}", flush=True)
mo = statistics.median(r[0] for r in rows)
mp = statistics.median(r[1] for r in rows)
print(json.dumps({"case": a.case, "N": N, "T": a.T, "threads": a.threads, "rounds": a.rounds,
                  "neuroplast_median_s": mo, "peer": peer_name, "peer_median_s": mp,
                  "speedup": mp / mo}))
