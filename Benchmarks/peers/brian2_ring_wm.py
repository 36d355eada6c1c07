#!/usr/bin/env python3
"""Ring-attractor working memory (Compte et al. 2000, Cereb Cortex 10:910) in Brian2.

A peer of Neuroplast's ring working-memory network, built with the simulator's own
equations so that the two can be compared trial by trial in their statistics (not spike
by spike: the random streams differ). Run in Brian2's C++ standalone mode (one thread).

Network (defaults; every value is a flag, see --help):
  E: NE = 2048 conductance LIF, C 500 pF, gL 25 nS, EL -70, Vth -50, Vreset -60 mV,
     2 ms refractory (V clamped at Vreset); neuron k prefers theta_k = 360 k / NE deg.
  I: NI = 512, C 200 pF, gL 20 nS, EL -70, Vth -50, Vreset -60 mV, 1 ms refractory.
  C dV/dt = gL(EL - V) + gA(EA - V) + B(V) sN (EN - V) + gG(EG - V) + I_stim,
     EA = EN = 0 mV, EG = -70 mV, B(V) = 1 / (1 + [Mg]/3.57 exp(-0.062 V/mV)), [Mg] 1 mM.
  AMPA  dgA/dt = -gA / 2 ms,  GABA_A  dgG/dt = -gG / 10 ms, a spike adds its weight.
  NMDA, summed per postsynaptic neuron:
     dx/dt = -x / tau_r,   ds/dt = -s / tau_d + kappa x,   a spike adds w f to x,
     kappa = (1/tau_r - 1/tau_d) / p,  p = max_t (exp(-t/tau_d) - exp(-t/tau_r)),
     tau_r 2 ms, tau_d 100 ms, so one spike gives s(t) = (w/p)(e^{-t/tau_d} - e^{-t/tau_r}),
     of peak exactly w; sN = s. Advanced with Brian2's 'exact' method, whose one-step map
     is the simulator's propagator s' = s e_d + x c, x' = x e_r, c = (e_d - e_r)/p.
  NMDA saturation (Sources/Kernel/NMDASaturation.swift; Brunel & Wang 2001, Compte 2000),
     presynaptic, in event form: each E neuron j keeps a gating trace s_j that decays with
     tau_d; at a spike of j, s_j^- is the decayed trace (0 before the first spike), the
     spike's factor is f = a (1 - s_j^-), a = 1 - exp(-alpha tau_r) (alpha 0.5 /ms,
     a = 0.632), and s_j^+ = s_j^- + f. Every NMDA synapse of j (E->E and E->I) adds w f
     (in place of w) to x, so one spike of a resting synapse peaks at a w and the weights
     are the maximal conductances gbar of the papers. --nmda-saturation-alpha 0: f = 1,
     the linear model. In Brian2: variables s_sat (ds_sat/dt = -s_sat/tau_d) and f_sat
     of E, set at the spike (f_sat = a (1 - s_sat); s_sat += f_sat) in a reset that runs
     right after the threshold; on_pre reads f_sat_pre at arrival, which is still that
     spike's factor because the 2 ms refractory period outlasts the delay.
  Connectivity all to all, no autapses (E->E, I->I), synaptic delay 0.5 ms:
     E->E NMDA g_EE W(d), W(d) = Jm + (Jp - Jm) exp(-d^2 / (2 sigma^2)), d the circular
     distance of the preferred angles [deg], Jp 1.62, sigma 18 deg,
     Jm = (1 - Jp gbar)/(1 - gbar), gbar = (1/NE) sum_k exp(-d_k^2/(2 sigma^2)) over
     d_k = circular distance of 360 k/NE from 0 (so the mean of W over the ring is 1);
     g_EE 0.381 nS; E->I NMDA 0.292 nS (Compte's gbar; Scenarios/working-memory-ring.yaml);
     I->E GABA 1.336 nS; I->I GABA 1.024 nS;
     optional E->E AMPA (g_EE_ampa W(d)) and E->I AMPA (flat), 0 by default.
  Background: independent Poisson AMPA input per neuron, 1.8 kHz, 3.1 nS onto E and
     2.38 nS onto I (PoissonInput, Binomial(1000, rate dt / 1000) events per step).
  Initial V uniform in [Vreset, Vth) (seeded), all conductances 0.

Numerics, chosen to match the simulator's step (Sources/Kernel/NeuronUpdate.swift):
  dt 0.1 ms; V by exponential Euler with all conductances and B(V) frozen at their
  start-of-step values (B is computed before the state update, so the V equation is
  linear in V, as Brian2's 'exponential_euler' requires); AMPA/GABA decay is exact; NMDA
  is advanced after V, so V sees the start-of-step s. A spike at step n with delay d
  steps acts on V at step n + d in the simulator; Brian2 applies on_pre effects after the
  state update, so the Brian2 delay is set to (d - 1) dt to give the same latency.

Protocol (ms): settle, then `trials` trials of length `period`; trial k starts at
  t_k = settle + k period; cue: +cue_current pA into E neurons with circular
  |theta - cue_k| <= cue_width for [t_k, t_k + cue_duration), cue_k = (k cue_rotate) mod
  360; erase: erase_current pA into every E neuron for
  [t_k + cue_duration + delay, + erase_duration). Duration settle + trials period.

Readouts per trial (CSV --out, one row per trial): t_off = cue end,
  W1 = [t_off, t_off + window), W2 = [t_off + delay - window, t_off + delay).
  decoded_start/end_deg: arg of sum_i n_i exp(i theta_i) over E spike counts n_i in W1/W2,
     in [0, 360) (empty if no spike or if the profile is flat, |sum| < 1e-6 sum_i n_i);
     with decoded_end empty, the other readouts but rate_i_hz are empty and held = 0;
  drift_from_cue_deg = decoded_end - cue, drift_over_delay_deg = decoded_end -
     decoded_start, signed circular differences in (-180, 180];
  width_deg: E rates in W2 in 64 bins of preferred angle; (number of bins with rate >=
     min + (max - min)/2) * 360/64;
  rate_in_hz: mean rate in W2 of E neurons within cue_width of decoded_end;
  rate_out_hz: of E neurons farther than 90 deg from decoded_end; rate_i_hz: of I in W2;
  held = 1 if |drift_from_cue| <= 20 and rate_in >= 2 rate_out + 5, else 0.
One line `STATS {json}` on stdout: fraction held, fraction of trials whose W1 decode lies
  within 20 deg of the cue (frac_start_at_cue; low when erasing fails and an old bump
  survives the next cue), means and medians of the readouts,
  the spontaneous E/I rates in the last 250 ms of the settle period, and wall-clock
  times: wall_build_s (code generation and compilation), wall_run_s (the compiled
  binary: synapse creation and simulation), wall_sim_s (the simulation loop alone, as
  timed inside the binary). Also written to --json PATH if given.

Parameters: every flag may also be given in a JSON file (--params FILE, keys as the flag
  names with '_' or '-'); explicit flags override the file, the file the defaults.

Behaviour (Brian2 2.9.0, full size, the scenario's values = the defaults):
  with NMDA saturation (alpha 0.5 /ms) the cue is held: seeds 2000, 2 and 3 hold 20/20
  trials each, every trial starting at its cue (the erase works), bump ~41.5 Hz within
  18 deg of the decoded angle (trials 39.7-43.6 Hz), surround (> 90 deg) ~1.0 Hz, I
  ~16.9 Hz, width at half maximum ~125 deg, mean |drift from cue| 4.6-7.1 deg (max 17.8),
  mean |drift over the delay| 4.0-5.6 deg; spontaneous E 1.6-2.1 Hz, I 6.2-6.7 Hz before
  the first cue. The compiled run takes ~60 s (one thread). The linear model
  (--nmda-saturation-alpha 0) runs away before the first cue: E at the 500 Hz refractory
  limit, I at 1000 Hz, nothing held (seeds 1 and 2000). An earlier survey of the linear
  model (seed 1): over g_EE 0.15-0.38 nS x Jp 1.4-3.0 a cue leaves nothing or a bump of
  >= ~100 Hz; --g-EE 0.35 --g-EI-ampa 0.35 held 20/20 (bump ~37 Hz), with g_EI_ampa 0.30
  or g_EE 0.381 the bump outlived the erase and captured the next cues.

Usage:
  brian2_ring_wm.py [--trials 20] [--seed 1] [--out trials.csv] [--json stats.json]
                    [--params tuned.json] [--g-EE 0.381] [--Jp 1.62] [...]
  brian2_ring_wm.py --selftest     # NMDA kernel and saturation factors, ring, readouts
Run single-threaded, e.g. `nice -n 10 python3 brian2_ring_wm.py ...`; the standalone
project is built in a temporary directory (--build-dir to keep it), and falls back to
Brian2's runtime (cython) mode if the C++ build fails (--runtime to force it).
"""
import argparse
import json
import math
import os
import sys
import tempfile
import time

import numpy as np

# name, default, help. Units: ms, mV, nS, pF, pA, Hz, deg as stated.
PARAMS = [
    ("NE", 2048, "number of E neurons"),
    ("NI", 512, "number of I neurons"),
    ("C_E", 500.0, "E capacitance [pF]"),
    ("gL_E", 25.0, "E leak conductance [nS]"),
    ("tref_E", 2.0, "E refractory period [ms]"),
    ("C_I", 200.0, "I capacitance [pF]"),
    ("gL_I", 20.0, "I leak conductance [nS]"),
    ("tref_I", 1.0, "I refractory period [ms]"),
    ("EL", -70.0, "leak reversal [mV]"),
    ("Vth", -50.0, "threshold [mV]"),
    ("Vreset", -60.0, "reset [mV]"),
    ("EA", 0.0, "AMPA reversal [mV]"),
    ("EN", 0.0, "NMDA reversal [mV]"),
    ("EG", -70.0, "GABA_A reversal [mV]"),
    ("Mg", 1.0, "[Mg2+] [mM]"),
    ("tau_A", 2.0, "AMPA decay [ms]"),
    ("tau_G", 10.0, "GABA_A decay [ms]"),
    ("tau_r", 2.0, "NMDA rise [ms]"),
    ("tau_d", 100.0, "NMDA decay [ms]"),
    ("nmda_saturation_alpha", 0.5, "NMDA saturation binding rate alpha [1/ms]; 0 = linear NMDA"),
    ("g_EE", 0.381, "E->E NMDA weight scale [nS]"),
    ("g_EE_ampa", 0.0, "E->E AMPA weight scale [nS] (same ring profile)"),
    ("g_EI", 0.292, "E->I NMDA weight [nS]"),
    ("g_EI_ampa", 0.0, "E->I AMPA weight [nS]"),
    ("g_IE", 1.336, "I->E GABA_A weight [nS]"),
    ("g_II", 1.024, "I->I GABA_A weight [nS]"),
    ("Jp", 1.62, "peak of the E->E ring profile"),
    ("sigma", 18.0, "width of the E->E ring profile [deg]"),
    ("syn_delay", 0.5, "synaptic delay [ms] (simulator convention)"),
    ("bg_rate", 1800.0, "background Poisson rate per neuron [Hz]"),
    ("bg_w_E", 3.1, "background AMPA weight onto E [nS]"),
    ("bg_w_I", 2.38, "background AMPA weight onto I [nS]"),
    ("dt", 0.1, "time step [ms]"),
    ("trials", 20, "number of trials"),
    ("settle", 500.0, "initial period without stimulus [ms]"),
    ("period", 4000.0, "trial length [ms]"),
    ("cue_duration", 250.0, "cue length [ms]"),
    ("cue_current", 200.0, "cue current [pA]"),
    ("cue_width", 18.0, "cue half-width and 'in' radius [deg]"),
    ("cue_rotate", 72.0, "cue angle step per trial [deg]"),
    ("delay", 3000.0, "delay from cue end to erase [ms]"),
    ("erase_current", -400.0, "erase current into all E [pA]"),
    ("erase_duration", 300.0, "erase length [ms]"),
    ("window", 250.0, "readout window length [ms]"),
    ("seed", 1, "random seed"),
]
CSV_COLUMNS = ["trial", "cue_start_ms", "cue_deg", "decoded_start_deg", "decoded_end_deg",
               "drift_from_cue_deg", "drift_over_delay_deg", "width_deg", "rate_in_hz",
               "rate_out_hz", "rate_i_hz", "held"]
N_BINS = 64


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default, text in PARAMS:
        p.add_argument("--" + name.replace("_", "-"), dest=name, type=type(default),
                       default=default, help=f"{text} (default {default})")
    p.add_argument("--params", help="JSON file overriding the defaults")
    p.add_argument("--out", help="per-trial CSV")
    p.add_argument("--json", help="write the STATS json here")
    p.add_argument("--build-dir", help="standalone project directory (default: temporary)")
    p.add_argument("--runtime", action="store_true", help="Brian2 runtime (cython) mode")
    p.add_argument("--selftest", action="store_true", help="run the checks and exit")
    a = p.parse_args(argv)
    if a.params:
        with open(a.params) as f:
            given = json.load(f)
        names = {n: type(d) for n, d, _ in PARAMS}
        over = {}
        for k, v in given.items():
            k = k.replace("-", "_")
            if k not in names:
                p.error(f"--params: unknown parameter {k!r}")
            over[k] = names[k](v)
        p.set_defaults(**over)        # explicit flags still win
        a = p.parse_args(argv)
    return a


# ---------------------------------------------------------------------------------------
# Pure helpers (numpy), shared by the network construction, the readouts and the selftest.

def nmda_peak(tau_r, tau_d):
    """Peak of exp(-t/tau_d) - exp(-t/tau_r), at t* = tau_d tau_r/(tau_d - tau_r) ln(tau_d/tau_r)."""
    t_peak = tau_d * tau_r / (tau_d - tau_r) * math.log(tau_d / tau_r)
    return math.exp(-t_peak / tau_d) - math.exp(-t_peak / tau_r)


def nmda_kappa(tau_r, tau_d):
    """Coefficient of x in ds/dt = -s/tau_d + kappa x giving s(t) = (w/p)(e^-t/tau_d - e^-t/tau_r).

    With x(0) = w, s(0) = 0: s(t) = kappa w (e^{-t/tau_d} - e^{-t/tau_r}) / (1/tau_r - 1/tau_d),
    so kappa = (1/tau_r - 1/tau_d) / p. Units 1/[tau]."""
    return (1.0 / tau_r - 1.0 / tau_d) / nmda_peak(tau_r, tau_d)


def saturation_bound(alpha, tau_r):
    """a = 1 - exp(-alpha tau_r), the fraction bound by one spike of a free synapse (0: off)."""
    return 1.0 - math.exp(-alpha * tau_r) if alpha > 0 else 0.0


def saturation_factors(steps, a, decay_per_step):
    """NMDA factors a (1 - s^-) of one neuron's spikes at the given steps (ascending), as
    Sources/Kernel/NMDASaturation.swift computes them: s^- = s^+(last) exp(-(n - last)
    decay_per_step) (0 before the first spike), s^+ = s^- + a (1 - s^-). Returns (factors, s^+)."""
    out, s_plus, last = [], 0.0, None
    for n in steps:
        before = 0.0 if last is None else s_plus * math.exp(-(n - last) * decay_per_step)
        out.append(a * (1.0 - before))
        s_plus, last = before + a * (1.0 - before), n
    return np.array(out), s_plus


def saturation_fixed_point(a, period, tau_d):
    """s^- and the factor a (1 - s^-) of a regular train of period T (same units as tau_d):
    s^-* = a e / (1 - (1 - a) e), e = exp(-T/tau_d)."""
    e = math.exp(-period / tau_d)
    s_minus = a * e / (1.0 - (1.0 - a) * e)
    return s_minus, a * (1.0 - s_minus)


def circ_dist(a, b):
    """Unsigned circular distance [deg] in [0, 180]."""
    d = np.abs(np.mod(np.asarray(a, float) - b, 360.0))
    return np.minimum(d, 360.0 - d)


def circ_diff(a, b):
    """Signed circular difference a - b [deg] in (-180, 180]."""
    d = np.mod(np.asarray(a, float) - b, 360.0)      # [0, 360)
    return np.where(d > 180.0, d - 360.0, d)


def ring_profile(NE, Jp, sigma):
    """(Jm, gbar) of W(d) = Jm + (Jp - Jm) exp(-d^2/(2 sigma^2)), normalised to mean 1."""
    d = circ_dist(360.0 * np.arange(NE) / NE, 0.0)
    gbar = float(np.mean(np.exp(-d ** 2 / (2 * sigma ** 2))))
    return (1.0 - Jp * gbar) / (1.0 - gbar), gbar


def decode(counts, theta_deg):
    """Population-vector angle [deg, in [0, 360)] of spike counts.

    nan without spikes, or when the profile is flat (resultant length below 1e-6 of the
    count, e.g. every neuron at its maximal rate), where the angle is rounding noise."""
    if counts.sum() == 0:
        return float("nan")
    z = np.sum(counts * np.exp(1j * np.deg2rad(theta_deg)))
    if abs(z) < 1e-6 * counts.sum():
        return float("nan")
    return float(np.mod(np.rad2deg(np.angle(z)), 360.0))


def bump_width(counts, theta_deg, window_s, n_bins=N_BINS):
    """Width [deg]: bins (by preferred angle) whose rate is >= min + (max - min)/2."""
    b = np.minimum((theta_deg / (360.0 / n_bins)).astype(int), n_bins - 1)
    per_bin = np.bincount(b, minlength=n_bins).astype(float)
    rate = np.bincount(b, weights=counts, minlength=n_bins) / np.maximum(per_bin, 1) / window_s
    lo, hi = rate.min(), rate.max()
    return float(np.sum(rate >= lo + (hi - lo) / 2) * 360.0 / n_bins)


def protocol(a):
    """Per trial: (start, cue angle, cue end, erase start, erase end) [ms, deg]."""
    rows = []
    for k in range(a.trials):
        t_k = a.settle + k * a.period
        t_off = t_k + a.cue_duration
        rows.append((t_k, (k * a.cue_rotate) % 360.0, t_off, t_off + a.delay,
                     t_off + a.delay + a.erase_duration))
    return rows


def stimulus_arrays(a, n_steps):
    """Per step n (acting from n dt to (n+1) dt): cue angle (-1e4 when off) and erase flag.

    Step n belongs to [t0, t1) iff round(t0/dt) <= n < round(t1/dt)."""
    step = lambda t: int(round(t / a.dt))
    cue = np.full(n_steps, -1e4)
    erase = np.zeros(n_steps)
    for t_k, ang, t_off, e0, e1 in protocol(a):
        cue[step(t_k):min(step(t_off), n_steps)] = ang
        erase[step(e0):min(step(e1), n_steps)] = 1.0
    return cue, erase


def trial_readouts(a, e_i, e_t, i_t):
    """Rows of CSV_COLUMNS from E spikes (indices e_i, times e_t [ms]) and I spike times."""
    theta = 360.0 * np.arange(a.NE) / a.NE
    win_s = a.window / 1000.0

    def counts(t0, t1):
        sel = (e_t >= t0) & (e_t < t1)
        return np.bincount(e_i[sel], minlength=a.NE).astype(float)

    rows = []
    for k, (t_k, cue, t_off, _, _) in enumerate(protocol(a)):
        n1 = counts(t_off, t_off + a.window)
        w2 = (t_off + a.delay - a.window, t_off + a.delay)
        n2 = counts(*w2)
        start, end = decode(n1, theta), decode(n2, theta)
        r_i = float(np.sum((i_t >= w2[0]) & (i_t < w2[1]))) / a.NI / win_s
        if math.isnan(end):
            drift_cue = drift_delay = width = r_in = r_out = float("nan")
            held = 0
        else:
            drift_cue = float(circ_diff(end, cue))
            drift_delay = float(circ_diff(end, start)) if not math.isnan(start) else float("nan")
            width = bump_width(n2, theta, win_s)
            dist = circ_dist(theta, end)
            r_in = float(n2[dist <= a.cue_width].mean() / win_s)
            r_out = float(n2[dist > 90.0].mean() / win_s)
            held = int(abs(drift_cue) <= 20.0 and r_in >= 2 * r_out + 5.0)
        rows.append(dict(trial=k, cue_start_ms=t_k, cue_deg=cue, decoded_start_deg=start,
                         decoded_end_deg=end, drift_from_cue_deg=drift_cue,
                         drift_over_delay_deg=drift_delay, width_deg=width, rate_in_hz=r_in,
                         rate_out_hz=r_out, rate_i_hz=r_i, held=held))
    return rows


def summarise(rows):
    def col(name, f=lambda x: x):
        v = np.array([f(r[name]) for r in rows], float)
        v = v[~np.isnan(v)]
        return (round(float(v.mean()), 4) if v.size else None,
                round(float(np.median(v)), 4) if v.size else None)
    n = len(rows)
    s = dict(n_trials=n, frac_held=round(sum(r["held"] for r in rows) / n, 4) if n else None)
    # Trials whose bump started at the cue (the previous one was erased and the cue caught).
    at_cue = [abs(float(circ_diff(r["decoded_start_deg"], r["cue_deg"]))) <= 20.0
              for r in rows if not math.isnan(r["decoded_start_deg"])]
    s["frac_start_at_cue"] = round(sum(at_cue) / n, 4) if n else None
    for key, name, f in [("abs_drift_from_cue_deg", "drift_from_cue_deg", abs),
                         ("drift_over_delay_deg", "drift_over_delay_deg", lambda x: x),
                         ("abs_drift_over_delay_deg", "drift_over_delay_deg", abs),
                         ("width_deg", "width_deg", lambda x: x),
                         ("rate_in_hz", "rate_in_hz", lambda x: x),
                         ("rate_out_hz", "rate_out_hz", lambda x: x),
                         ("rate_i_hz", "rate_i_hz", lambda x: x)]:
        s[key + "_mean"], s[key + "_median"] = col(name, f)
    return s


# ---------------------------------------------------------------------------------------
# Brian2 model.

def nmda_equations():
    return """
    dx/dt = -x / tau_r : siemens
    ds/dt = -s / tau_d + kappa * x : siemens
    """


# NMDA saturation: the presynaptic gating trace of each E neuron (decays with tau_d; a
# linear equation, integrated exactly by the group's exponential Euler), and the NMDA factor
# of its last spike. Updated right after the threshold, before the synapses slot, so that
# every delivery of that spike (after the delay, or in the same step if the delay is 0)
# reads its own factor; the 2 ms refractory period outlasts the delay, so no newer spike
# can overwrite f_sat before the last delivery.
SAT_EQUATIONS = """
    ds_sat/dt = -s_sat / tau_d : 1
    f_sat : 1
    """
SAT_ON_SPIKE = "f_sat = a_sat * (1 - s_sat)\ns_sat += f_sat"


def neuron_equations(stim, saturation=False):
    eqs = SAT_EQUATIONS if saturation else ""
    eqs += """
    dV/dt = (gL*(EL - V) + gA*(EA - V) + B*sN*(EN - V) + gG*(EG - V) + I_stim) / C : volt (unless refractory)
    dgA/dt = -gA / tau_A : siemens
    dgG/dt = -gG / tau_G : siemens
    B : 1
    sN : siemens (linked)
    I_stim : amp
    """
    if stim:
        # dcirc: theta - cue folded into (-180, 180] (for theta, cue in [0, 360));
        # cue_ang(t) is -1e4 outside the cue, which puts every neuron out of range.
        eqs += """
    theta : 1 (constant)
    dcue = abs(theta - cue_ang(t)) : 1
    dcirc = dcue - 360.0 * int(dcue > 180.0) : 1
    """
    return eqs


# Run before the state update of every step (t = start of the step): the Mg block from the
# start-of-step V, so that the membrane equation is linear in V, and the stimulus current.
MG_BLOCK = "B = 1 / (1 + Mg / 3.57 * exp(-0.062 * V / mV))"
STIMULUS = "I_stim = I_cue * int(abs(dcirc) <= cue_width) + I_erase * erase_on(t)"


def build_network(a, b2, spike_monitors=True):
    """Create all objects of the ring network; returns (objects, E monitor, I monitor, info)."""
    ms, mV, nS, pF, pA, Hz = b2.ms, b2.mV, b2.nS, b2.pF, b2.pA, b2.Hz
    T_ms = a.settle + a.trials * a.period
    n_steps = int(round(T_ms / a.dt))
    cue, erase = stimulus_arrays(a, n_steps + 1)
    cue_ang = b2.TimedArray(cue, dt=a.dt * ms, name="cue_ang")
    erase_on = b2.TimedArray(erase, dt=a.dt * ms, name="erase_on")
    Jm, gbar = ring_profile(a.NE, a.Jp, a.sigma)

    common = dict(EL=a.EL * mV, EA=a.EA * mV, EN=a.EN * mV, EG=a.EG * mV, Mg=a.Mg,
                  tau_A=a.tau_A * ms, tau_G=a.tau_G * ms, Vth=a.Vth * mV, Vreset=a.Vreset * mV)
    nsE = dict(common, C=a.C_E * pF, gL=a.gL_E * nS, I_cue=a.cue_current * pA,
               I_erase=a.erase_current * pA, cue_width=a.cue_width,
               cue_ang=cue_ang, erase_on=erase_on)
    nsI = dict(common, C=a.C_I * pF, gL=a.gL_I * nS)
    nsN = dict(tau_r=a.tau_r * ms, tau_d=a.tau_d * ms, kappa=nmda_kappa(a.tau_r, a.tau_d) / ms)

    a_sat = saturation_bound(a.nmda_saturation_alpha, a.tau_r)
    sat = a_sat > 0
    if sat:
        d_max = max(1, int(round(a.syn_delay / a.dt))) - 1
        if d_max * a.dt >= a.tref_E:
            raise ValueError("NMDA saturation needs the E refractory period to exceed the delay")
        nsE.update(a_sat=a_sat, tau_d=a.tau_d * ms)
    # With saturation the E reset (which only touches V, f_sat and s_sat, none of which the
    # synapses write) runs right after the threshold, so that a same-step delivery sees f_sat.
    E = b2.NeuronGroup(a.NE, neuron_equations(True, sat), threshold="V > Vth",
                       reset=None if sat else "V = Vreset",
                       refractory=a.tref_E * ms, method="exponential_euler", namespace=nsE,
                       name="E")
    if sat:
        E.run_on_event("spike", "V = Vreset\n" + SAT_ON_SPIKE, when="after_thresholds")
    I = b2.NeuronGroup(a.NI, neuron_equations(False), threshold="V > Vth", reset="V = Vreset",
                       refractory=a.tref_I * ms, method="exponential_euler", namespace=nsI,
                       name="I")
    # NMDA gating per postsynaptic neuron (exact for the linear model), advanced after
    # the membranes (order 1) so that V uses the start-of-step s.
    NmE = b2.NeuronGroup(a.NE, nmda_equations(), method="exact", namespace=nsN, order=1,
                         name="NmdaE")
    NmI = b2.NeuronGroup(a.NI, nmda_equations(), method="exact", namespace=nsN, order=1,
                         name="NmdaI")
    E.sN = b2.linked_var(NmE, "s")
    I.sN = b2.linked_var(NmI, "s")
    rE = E.run_regularly(MG_BLOCK + "\n" + STIMULUS, when="before_groups", name="E_block")
    rI = I.run_regularly(MG_BLOCK, when="before_groups", name="I_block")
    E.theta = 360.0 * np.arange(a.NE) / a.NE
    for G in (E, I):
        G.V = "Vreset + rand() * (Vth - Vreset)"
    # Same arrival step as the simulator (see the docstring): Brian2 delay = (d - 1) dt.
    d_steps = max(1, int(round(a.syn_delay / a.dt)))
    delay = (d_steps - 1) * a.dt * ms
    ring_w = ("(Jm + (Jp - Jm) * exp(-(abs(i - j) * dth - 360.0 * int(abs(i - j) * dth > 180.0))**2"
              " / (2 * sigma**2)))")
    nsS = dict(Jm=Jm, Jp=a.Jp, sigma=a.sigma, dth=360.0 / a.NE, g_EE=a.g_EE * nS,
               g_EE_ampa=a.g_EE_ampa * nS, g_EI=a.g_EI * nS, g_EI_ampa=a.g_EI_ampa * nS,
               g_IE=a.g_IE * nS, g_II=a.g_II * nS)
    syn = []
    f_pre = " * f_sat_pre" if sat else ""
    S = b2.Synapses(E, NmE, model="w : siemens (constant)", on_pre="x_post += w" + f_pre,
                    delay=delay, namespace=nsS, name="EE_nmda")
    S.connect(condition="i != j")
    S.w = "g_EE * " + ring_w
    syn.append(S)
    if a.g_EE_ampa > 0:
        S = b2.Synapses(E, E, model="w : siemens (constant)", on_pre="gA_post += w",
                        delay=delay, namespace=nsS, name="EE_ampa")
        S.connect(condition="i != j")
        S.w = "g_EE_ampa * " + ring_w
        syn.append(S)
    S = b2.Synapses(E, NmI, on_pre="x_post += g_EI" + f_pre, delay=delay, namespace=nsS,
                    name="EI_nmda")
    S.connect()
    syn.append(S)
    if a.g_EI_ampa > 0:
        S = b2.Synapses(E, I, on_pre="gA_post += g_EI_ampa", delay=delay, namespace=nsS,
                        name="EI_ampa")
        S.connect()
        syn.append(S)
    S = b2.Synapses(I, E, on_pre="gG_post += g_IE", delay=delay, namespace=nsS, name="IE")
    S.connect()
    syn.append(S)
    S = b2.Synapses(I, I, on_pre="gG_post += g_II", delay=delay, namespace=nsS, name="II")
    S.connect(condition="i != j")
    syn.append(S)
    # Poisson background: Binomial(1000, rate dt/1000) ~ Poisson(rate dt) events per step.
    n_src = 1000
    bgE = b2.PoissonInput(E, "gA", n_src, a.bg_rate / n_src * Hz, weight=a.bg_w_E * nS)
    bgI = b2.PoissonInput(I, "gA", n_src, a.bg_rate / n_src * Hz, weight=a.bg_w_I * nS)
    objs = [E, I, NmE, NmI, rE, rI, bgE, bgI] + syn
    mE = mI = None
    if spike_monitors:
        mE = b2.SpikeMonitor(E, name="monE")
        mI = b2.SpikeMonitor(I, name="monI")
        objs += [mE, mI]
    return objs, mE, mI, dict(Jm=Jm, gbar=gbar, T_ms=T_ms, brian_delay_ms=float(delay / ms),
                              nmda_saturation_bound=a_sat)


def run(a):
    import brian2 as b2
    standalone = not a.runtime
    build_dir = a.build_dir or tempfile.mkdtemp(prefix="brian2_ring_wm_")
    if standalone:
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j1"]
    else:
        b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = a.dt * b2.ms
    b2.seed(a.seed)
    t0 = time.perf_counter()
    objs, mE, mI, info = build_network(a, b2)
    net = b2.Network(objs)
    net.run(info["T_ms"] * b2.ms, namespace={})
    wall_sim = None
    if standalone:
        b2.device.build(directory=build_dir, compile=True, run=False, with_output=False)
        t1 = time.perf_counter()
        b2.device.run(directory=build_dir, with_output=False)
        t2 = time.perf_counter()
        wall_sim = getattr(b2.device, "_last_run_time", None)
    else:
        t1 = t2 = time.perf_counter()   # runtime mode: compilation is inside the run
    e_i = np.asarray(mE.i[:], dtype=np.int64)
    e_t = np.asarray(mE.t[:] / b2.ms, dtype=float)
    i_t = np.asarray(mI.t[:] / b2.ms, dtype=float)
    info.update(wall_build_s=round(t1 - t0, 3), wall_run_s=round(t2 - t1, 3),
                wall_sim_s=None if wall_sim is None else round(wall_sim, 3),
                mode="cpp_standalone" if standalone else "runtime_cython",
                brian2_version=b2.__version__, numpy_version=np.__version__,
                spikes_E=int(e_i.size), spikes_I=int(i_t.size))
    return e_i, e_t, i_t, info


def write_csv(path, rows):
    def fmt(v):
        if isinstance(v, float):
            return "" if math.isnan(v) else f"{v:.6g}"
        return str(v)
    with open(path, "w") as f:
        f.write(",".join(CSV_COLUMNS) + "\n")
        for r in rows:
            f.write(",".join(fmt(r[c]) for c in CSV_COLUMNS) + "\n")


def main(a):
    try:
        e_i, e_t, i_t, info = run(a)
    except Exception as err:  # noqa: BLE001 - a failed C++ build falls back to runtime
        if a.runtime:
            raise
        print(f"cpp_standalone failed ({type(err).__name__}: {err}); using runtime mode",
              file=sys.stderr)
        import brian2 as b2
        b2.device.reinit()            # drop the failed standalone project
        b2.set_device("runtime")
        a.runtime = True
        e_i, e_t, i_t, info = run(a)
    rows = trial_readouts(a, e_i, e_t, i_t)
    if a.out:
        write_csv(a.out, rows)
    s0, s1 = a.settle - min(250.0, a.settle), a.settle
    spont = lambda t, n: float(np.sum((t >= s0) & (t < s1))) / n / ((s1 - s0) / 1000.0) \
        if s1 > s0 else None
    stats = dict(sim="brian2", case="ring_wm", **summarise(rows),
                 spont_rate_E_hz=spont(e_t, a.NE), spont_rate_I_hz=spont(i_t, a.NI),
                 **info, params={n: getattr(a, n) for n, _, _ in PARAMS})
    line = json.dumps(stats)
    print("STATS " + line, flush=True)
    if a.json:
        with open(a.json, "w") as f:
            f.write(line + "\n")


# ---------------------------------------------------------------------------------------

def selftest():
    """Checks of the NMDA kernel in Brian2 and of the pure helpers; exits non-zero on failure."""
    import brian2 as b2
    b2.prefs.codegen.target = "numpy"
    ms, nS = b2.ms, b2.nS
    failures, passed = [], []

    def check(name, ok, detail=""):
        print(("ok   " if ok else "FAIL ") + name + (f"  ({detail})" if detail else ""))
        (passed if ok else failures).append(name)

    dt, tr, td, w = 0.1, 2.0, 100.0, 0.7
    p = nmda_peak(tr, td)
    # 1. The Brian2 NMDA group ('exact' method) driven by one spike of weight w at 1 ms.
    b2.start_scope()
    b2.defaultclock.dt = dt * ms
    ns = dict(tau_r=tr * ms, tau_d=td * ms, kappa=nmda_kappa(tr, td) / ms)
    G = b2.NeuronGroup(1, nmda_equations(), method="exact", namespace=ns)
    src = b2.SpikeGeneratorGroup(1, [0], [1.0] * ms)
    S = b2.Synapses(src, G, on_pre="x_post += w_nmda", namespace=dict(w_nmda=w * nS))
    S.connect()
    M = b2.StateMonitor(G, ["s", "x"], record=0)
    b2.run(400 * ms)
    s = np.asarray(M.s[0] / nS)
    x = np.asarray(M.x[0] / nS)
    # The spike is added to x in the synapses slot of step 10; the monitor records at the
    # start of each step, so its sample n >= 11 holds the state after n - 11 updates.
    n = np.arange(s.size)
    t_since = (n - 11) * dt
    want = np.where(n >= 11, w / p * (np.exp(-t_since / td) - np.exp(-t_since / tr)), 0.0)
    err = float(np.max(np.abs(s - want)))
    check("NMDA single-spike response = (w/p)(e^-t/td - e^-t/tr)", err < 1e-9 * w, f"max err {err:.2e} nS")
    check("NMDA peak = w", abs(s.max() - w) < 1e-3 * w, f"peak {s.max():.6f} vs {w}")
    # 2. Its one-step map is the simulator's propagator.
    e_r, e_d = math.exp(-dt / tr), math.exp(-dt / td)
    c = (e_d - e_r) / p
    pred = s[11:-1] * e_d + x[11:-1] * c
    err2 = float(np.max(np.abs(s[12:] - pred)))
    check("s' = s e_d + x c, c = (e_d - e_r)/p", err2 < 1e-12, f"max err {err2:.2e}")
    err3 = float(np.max(np.abs(x[12:] - x[11:-1] * e_r)))
    check("x' = x e_r", err3 < 1e-12, f"max err {err3:.2e}")
    # 3. NMDA saturation: the reference factors of a regular train converge to the fixed
    # point; Brian2 (the network's own equations and spike code) delivers the same factors,
    # each at emission step + delay steps, for a regular and an irregular train.
    alpha = 0.5
    a_sat = saturation_bound(alpha, tr)
    check("saturation bound a = 1 - exp(-alpha tau_r)", abs(a_sat - 0.6321205588) < 1e-9,
          f"a = {a_sat:.10f}")
    for T_ms in (25.0, 50.0, 10.0):                 # 40, 20, 100 Hz
        P = int(round(T_ms / dt))
        f_ref, _ = saturation_factors(np.arange(200) * P, a_sat, dt / td)
        s_star, f_star = saturation_fixed_point(a_sat, T_ms, td)
        err = abs(f_ref[-1] - f_star)
        check(f"saturation fixed point, regular {1000 / T_ms:.0f} Hz train",
              err < 1e-12 and abs(f_ref[0] - a_sat) < 1e-15 and np.all(np.diff(f_ref) <= 1e-15),
              f"f* = {f_star:.6f} (s-* = {s_star:.6f}), after 200 spikes {f_ref[-1]:.6f}")
    for label, steps, d_steps in [
            ("regular 40 Hz", 50 + 250 * np.arange(40), 5),
            ("irregular", np.cumsum(np.random.default_rng(3).integers(21, 900, 60)), 5),
            ("irregular", np.cumsum(np.random.default_rng(4).integers(21, 900, 60)), 1)]:
        b2.start_scope()
        b2.defaultclock.dt = dt * ms
        nsG = dict(a_sat=a_sat, tau_d=td * ms, fire=b2.TimedArray(
            np.isin(np.arange(steps[-1] + 100), steps).astype(float), dt=dt * ms))
        G = b2.NeuronGroup(1, SAT_EQUATIONS, threshold="fire(t) > 0.5", reset=None,
                           method="exponential_euler", namespace=nsG)
        G.run_on_event("spike", SAT_ON_SPIKE, when="after_thresholds")
        H = b2.NeuronGroup(1, "acc : 1")
        S = b2.Synapses(G, H, on_pre="acc_post += f_sat_pre", delay=(d_steps - 1) * dt * ms)
        S.connect()
        M = b2.StateMonitor(H, "acc", record=0, when="end")
        b2.run((steps[-1] + 100) * dt * ms)
        inc = np.diff(np.concatenate([[0.0], np.asarray(M.acc[0])]))
        got_steps = np.nonzero(np.abs(inc) > 0)[0]
        f_ref, s_plus = saturation_factors(steps, a_sat, dt / td)
        ok_steps = got_steps.size == steps.size and np.all(got_steps == steps + d_steps - 1)
        err = float(np.max(np.abs(inc[steps + d_steps - 1] - f_ref)))
        check(f"Brian2 saturation factors = reference, {label} train "
              f"(arrival at emission + {d_steps - 1} steps)", ok_steps and err < 1e-12,
              f"{got_steps.size} arrivals, max err {err:.1e}, last f {f_ref[-1]:.6f}")
    # 4. Ring profile: mean 1 over the ring, W(0) = Jp.
    for NE, Jp in [(2048, 1.62), (512, 2.2)]:
        Jm, gbar = ring_profile(NE, Jp, 18.0)
        d = circ_dist(360.0 * np.arange(NE) / NE, 0.0)
        W = Jm + (Jp - Jm) * np.exp(-d ** 2 / (2 * 18.0 ** 2))
        check(f"ring profile mean 1 (NE={NE}, Jp={Jp})", abs(W.mean() - 1) < 1e-12,
              f"Jm={Jm:.6f}, gbar={gbar:.6f}")
    # 5. Circular helpers and readouts.
    check("circ_diff in (-180, 180]", np.allclose(circ_diff([10, 350, 190, 180, -180], [350, 10, 0, 0, 0]),
                                                  [20, -20, -170, 180, 180]))
    th = 360.0 * np.arange(2048) / 2048
    bump = np.where(circ_dist(th, 300.0) <= 18.0, 10.0, 0.0)
    check("decode of a bump at 300 deg", abs(circ_diff(decode(bump, th), 300.0)) < 0.1)
    check("decode of a flat profile is nan", math.isnan(decode(np.full(2048, 5.0), th)))
    wd = bump_width(bump, th, 1.0)
    check("width of a 36-deg bump", 30.0 <= wd <= 42.0, f"{wd}")
    # 6. Stimulus arrays of the protocol.
    a = parse_args(["--trials", "2", "--NE", "64", "--NI", "16"])
    cue, erase = stimulus_arrays(a, int(round((a.settle + 2 * a.period) / a.dt)))
    on = np.nonzero(cue > -1)[0]
    check("cue steps", on.size == 2 * 2500 and on[0] == 5000 and cue[45000] == 72.0,
          f"{on.size} steps from {on[0]}")
    check("erase steps", erase.sum() == 2 * 3000 and erase[5000 + 2500 + 30000] == 1
          and erase[5000 + 2500 + 29999] == 0)
    # 7. A small network runs end to end in runtime mode and yields one row per trial; its
    # E gating traces at the end agree with the reference over each neuron's spike train.
    a = parse_args(["--trials", "1", "--NE", "128", "--NI", "32", "--settle", "50",
                    "--period", "600", "--delay", "300", "--window", "100", "--runtime"])
    b2.start_scope()
    b2.defaultclock.dt = a.dt * ms
    b2.seed(1)
    objs, mE, mI, info = build_network(a, b2)
    b2.Network(objs).run(info["T_ms"] * ms, namespace={})
    S = next(o for o in objs if o.name == "EE_nmda")
    Jm, _ = ring_profile(a.NE, a.Jp, a.sigma)
    d = circ_dist(360.0 * np.asarray(S.i[:]) / a.NE, 360.0 * np.asarray(S.j[:]) / a.NE)
    want = a.g_EE * (Jm + (a.Jp - Jm) * np.exp(-d ** 2 / (2 * a.sigma ** 2)))
    errw = float(np.max(np.abs(np.asarray(S.w[:] / nS) - want)))
    check("E->E weights = g_EE W(d), no autapses", errw < 1e-12 and len(S) == a.NE * (a.NE - 1)
          and not np.any(np.asarray(S.i[:]) == np.asarray(S.j[:])), f"max err {errw:.1e} nS")
    E = next(o for o in objs if o.name == "E")
    ei, en = np.asarray(mE.i[:]), np.round(np.asarray(mE.t[:] / ms) / a.dt).astype(int)
    n_end = int(round(info["T_ms"] / a.dt))
    a_sat = saturation_bound(a.nmda_saturation_alpha, a.tau_r)
    want_s = np.zeros(a.NE)
    for k in range(a.NE):
        st = en[ei == k]
        if st.size:
            _, sp = saturation_factors(st, a_sat, a.dt / a.tau_d)
            want_s[k] = sp * math.exp(-(n_end - 1 - st[-1]) * a.dt / a.tau_d)
    errs = float(np.max(np.abs(np.asarray(E.s_sat[:]) - want_s)))
    check("small network: E gating traces = reference over the spike trains",
          errs < 1e-9 and want_s.max() > 0, f"max err {errs:.1e}, max s {want_s.max():.3f}")
    rows = trial_readouts(a, np.asarray(mE.i[:]), np.asarray(mE.t[:] / ms), np.asarray(mI.t[:] / ms))
    check("small network: one row per trial", len(rows) == 1 and mE.num_spikes > 0,
          f"E spikes {mE.num_spikes}, row {rows[0]}")
    print(f"{len(passed)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    args = parse_args()
    if args.selftest:
        sys.exit(selftest())
    main(args)
