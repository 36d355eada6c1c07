#!/usr/bin/env python3
"""Side-by-side statistics of the ring working-memory task: Neuroplast against Brian2.

Reads per-trial bump tables (the columns of Neuroplast's bump.csv, which
Benchmarks/peers/brian2_ring_wm.py writes too) and prints, per simulator, over all
trials of all seeds given: the fraction of trials held, mean and median |drift from the
cue| at the delay's end, mean |drift over the delay|, bump width, rates inside and
outside the bump and the interneuron rate (mean ± SD over trials), as a Markdown table.
With --json PATH the same figures are written as JSON.

Usage:
  python3 Benchmarks/wm_compare.py \
      --neuroplast Benchmarks/results/wm-neuroplast-seed*.csv \
      --brian2 Benchmarks/results/wm-brian2-seed*.csv [--json out.json]

Only the standard library is needed.
"""
import argparse
import csv
import json
import statistics as st


def load(paths):
    rows = []
    for p in paths:
        with open(p, newline="") as f:
            rows += list(csv.DictReader(f))
    return rows


def num(rows, key):
    out = []
    for r in rows:
        try:
            out.append(float(r[key]))
        except (KeyError, ValueError):
            pass
    return out


def summary(rows):
    held = [int(r["held"]) for r in rows]
    drift = [abs(x) for x in num(rows, "drift_from_cue_deg")]
    over = [abs(x) for x in num(rows, "drift_over_delay_deg")]
    out = {"trials": len(rows), "held_fraction": sum(held) / max(1, len(held)),
           "abs_drift_from_cue_mean_deg": st.mean(drift) if drift else None,
           "abs_drift_from_cue_median_deg": st.median(drift) if drift else None,
           "abs_drift_over_delay_mean_deg": st.mean(over) if over else None}
    for key in ["width_deg", "rate_in_hz", "rate_out_hz", "rate_i_hz"]:
        v = num(rows, key)
        out[key] = [st.mean(v), st.stdev(v) if len(v) > 1 else 0.0] if v else None
    return out


def fmt(x):
    if x is None:
        return "—"
    if isinstance(x, list):
        return f"{x[0]:.2f} ± {x[1]:.2f}"
    return f"{x:.3g}" if isinstance(x, float) else str(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--neuroplast", nargs="+", required=True)
    ap.add_argument("--brian2", nargs="+", required=True)
    ap.add_argument("--json")
    a = ap.parse_args()
    res = {"neuroplast": summary(load(a.neuroplast)), "brian2": summary(load(a.brian2))}
    labels = [("trials", "trials"), ("held_fraction", "held (drift ≤ 20°, in ≥ 2·out + 5 Hz)"),
              ("abs_drift_from_cue_mean_deg", "drift from cue (absolute), mean [°]"),
              ("abs_drift_from_cue_median_deg", "drift from cue (absolute), median [°]"),
              ("abs_drift_over_delay_mean_deg", "drift over the delay (absolute), mean [°]"),
              ("width_deg", "bump width at half maximum [°]"), ("rate_in_hz", "rate in the bump [Hz]"),
              ("rate_out_hz", "rate > 90° away [Hz]"), ("rate_i_hz", "interneuron rate [Hz]")]
    print("| quantity | Neuroplast | Brian2 |")
    print("|---|---|---|")
    for k, label in labels:
        print(f"| {label} | {fmt(res['neuroplast'][k])} | {fmt(res['brian2'][k])} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
