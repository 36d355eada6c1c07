#!/usr/bin/env python3
"""Reference spike statistics for the COBA benchmark network, from Brian2.

Builds exactly the `--case coba` network of /work/shared/peers/brian2_bench.py
(Vogels-Abbott / Brette et al. 2007 benchmark 1) in Brian2 runtime mode, runs it
for T seconds with all spikes recorded, and prints one line

    STATS {json}

Network: N conductance LIF neurons (80 % E, 20 % I), Bernoulli connectivity p = 0.02
(E->all and I->all, autapses allowed as in brian2_bench.py), we = 6 nS, wi = 67 nS,
tau_e 5 ms, tau_i 10 ms, El -60, Vt -50, Vr -60 mV, Ee 0, Ei -80 mV, C 200 pF,
gl 10 nS, 5 ms refractory (v clamped), constant drive gl*20 mV, initial v uniform
in [Vr, Vt), ge = gi = 0, exponential Euler, dt 0.1 ms, no synaptic delay.
Construction order and seeding are the same as brian2_bench.py, so with the same
--seed and target the same network instance and initial state are produced.

Statistics (both over the whole run [0, T) and over [transient, T)):
  rate_*_Hz : spikes / (neurons * window length), for all / E / I neurons
  cv_*      : mean over neurons with >= 3 spikes in the window of
              std(ISI) / mean(ISI)  (population std, ddof = 0), ISIs taken
              between consecutive spikes inside the window
  cv_n_*    : number of neurons that entered the CV mean
Usage:
  brian2_coba_stats.py [--seed 1] [--T 2] [--N 4000] [--transient 0.2] [--target cython]
"""
import argparse
import json
import os
import tempfile
import time

p = argparse.ArgumentParser()
p.add_argument("--seed", type=int, default=1)
p.add_argument("--T", type=float, default=2.0, help="biological time in s")
p.add_argument("--N", type=int, default=4000)
p.add_argument("--transient", type=float, default=0.2,
               help="initial window (s) excluded for the *_post statistics")
p.add_argument("--target", default="cython", choices=["cython", "numpy"],
               help="Brian2 runtime code-generation target")
p.add_argument("--p", type=float, default=0.02)
p.add_argument("--out", default=None, help="append the JSON line to this file")
a = p.parse_args()

import numpy as np
import brian2
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, prefs, defaultclock,
                    seed, ms, mV, nS, pF, second)

prefs.codegen.target = a.target
if a.target == "cython":
    prefs.codegen.runtime.cython.cache_dir = os.path.join(
        tempfile.gettempdir(), "peers", "cython_cache")

defaultclock.dt = 0.1 * ms
seed(a.seed)

N = a.N
NE = int(round(0.8 * N))
NI = N - NE
C = 200 * pF
gl = 10 * nS
El = -60 * mV
Vt = -50 * mV
Vr = -60 * mV
Ee = 0 * mV
Ei = -80 * mV
taue = 5 * ms
taui = 10 * ms
we = 6.0 * nS
wi = 67.0 * nS
Idrive = gl * 20.0 * mV

eqs = """
dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v) + Idrive)/C : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
"""
P = NeuronGroup(N, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                method="exponential_euler", name="P")
P.v = "Vr + rand()*(Vt - Vr)"
P.ge = 0 * nS
P.gi = 0 * nS
PE = P[:NE]
PI = P[NE:]
Ce = Synapses(PE, P, on_pre="ge_post += we", name="Ce")
Ce.connect(p=a.p)
Ci = Synapses(PI, P, on_pre="gi_post += wi", name="Ci")
Ci.connect(p=a.p)

mon = SpikeMonitor(P, name="mon")  # records all spikes (i, t)
net = Network(P, mon, Ce, Ci)

t0 = time.perf_counter()
net.run(a.T * second)
wall = time.perf_counter() - t0

idx = np.asarray(mon.i[:], dtype=np.int64)
tt = np.asarray(mon.t[:] / second, dtype=np.float64)


def window_stats(t_start, t_stop):
    sel = (tt >= t_start - 1e-12) & (tt < t_stop + 1e-12)
    i_w, t_w = idx[sel], tt[sel]
    L = t_stop - t_start
    counts = np.bincount(i_w, minlength=N)
    order = np.lexsort((t_w, i_w))  # by neuron, then time
    i_s, t_s = i_w[order], t_w[order]
    cvs = np.full(N, np.nan)
    bounds = np.concatenate(([0], np.cumsum(counts)))
    for n in np.nonzero(counts >= 3)[0]:
        isi = np.diff(t_s[bounds[n]:bounds[n + 1]])
        m = isi.mean()
        cvs[n] = isi.std() / m if m > 0 else np.nan

    def cvmean(sl):
        v = cvs[sl]
        v = v[~np.isnan(v)]
        return (float(v.mean()) if v.size else None), int(v.size)

    cv_all, n_all = cvmean(slice(0, N))
    cv_e, n_e = cvmean(slice(0, NE))
    cv_i, n_i = cvmean(slice(NE, N))
    r = lambda c, n: float(c.sum()) / n / L
    return dict(t_start=t_start, t_stop=t_stop, spikes=int(counts.sum()),
                rate_Hz=r(counts, N), rate_E_Hz=r(counts[:NE], NE),
                rate_I_Hz=r(counts[NE:], NI),
                cv=cv_all, cv_E=cv_e, cv_I=cv_i,
                cv_n=n_all, cv_n_E=n_e, cv_n_I=n_i,
                silent_frac=float(np.mean(counts == 0)))


full = window_stats(0.0, a.T)
post = window_stats(a.transient, a.T)
rnd = lambda x: None if x is None else (round(x, 6) if isinstance(x, float) else x)
res = dict(sim="brian2", brian2_version=brian2.__version__, numpy_version=np.__version__,
           target=a.target, case="coba", seed=a.seed, N=N, NE=NE, NI=NI, T=a.T,
           transient=a.transient, p=a.p, synapses=int(len(Ce) + len(Ci)),
           total_spikes=full["spikes"], wall_run_s=round(wall, 3))
for k, v in full.items():
    if k not in ("t_start", "t_stop", "spikes"):
        res[k] = rnd(v)
for k, v in post.items():
    if k not in ("t_start", "t_stop"):
        res[k + "_post"] = rnd(v)
line = json.dumps(res)
print("STATS " + line, flush=True)
if a.out:
    with open(a.out, "a") as f:
        f.write(line + "\n")
