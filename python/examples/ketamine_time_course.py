#!/usr/bin/env python3
"""The ketamine time course of a slow-clock run, as one figure.

    python examples/ketamine_time_course.py Output/ketamine-rodent/<run-id> --output ketamine.png

Panels against slow-clock time [h]: free brain concentration of each drug and metabolite
[µM]; NMDA block per population; BDNF, mTORC1, synaptic proteins and the structural
drive (relative); spines per neuron (network and pool model) with formation and
elimination [%/day]; the firing rate of each population in each fast window [Hz].
Needs matplotlib (drawn with the Agg backend, no display).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import neuroplast  # noqa: E402


def draw(run: neuroplast.Run, output: Path) -> Path:
    slow = run.slow
    t = slow["time_h"]
    pops = run.populations
    fig, axes = plt.subplots(5, 1, figsize=(9, 13), sharex=True, constrained_layout=True)
    title = f"{run.scenario_name} — {run.run_id}" + (f" / {run.arm}" if run.arm else "")
    fig.suptitle(title + (f"\n{run.description}" if run.description else ""), fontsize=10)

    ax = axes[0]
    drugs = [c[: -len("_brain_free_um")] for c in slow.columns if c.endswith("_brain_free_um")]
    for d in drugs:
        ax.plot(t, slow[f"{d}_brain_free_um"], label=d)
    ax.set_ylabel("free brain\nconcentration [µM]")
    if drugs:
        ax.legend(fontsize=8, loc="upper right")
    else:
        ax.text(0.5, 0.5, "no drug in this run", transform=ax.transAxes, ha="center")

    ax = axes[1]
    for p in pops:
        ax.plot(t, slow[f"block_{p}"], label=p)
    ax.set_ylabel("NMDA block\n(fraction)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8, loc="upper right")

    ax = axes[2]
    for col, label in (("bdnf", "BDNF"), ("mtor", "mTORC1"), ("proteins", "synaptic proteins"), ("structural_drive", "structural drive")):
        ax.plot(t, slow[col], label=label)
    ax.set_ylabel("signalling\n(relative)")
    ax.legend(fontsize=8, loc="upper right")

    ax = axes[3]
    ax.plot(t, slow["spines_model"], label="spines per neuron (pool model)")
    if slow["spines_per_neuron"].notna().any():
        ax.plot(t, slow["spines_per_neuron"], "o-", ms=3, label="spines per neuron (network)")
    ax.set_ylabel("spines per neuron")
    twin = ax.twinx()
    for col, style, label in (("formation_pct_per_day", "g--", "formation"), ("elimination_pct_per_day", "r--", "elimination")):
        if slow[col].notna().any():
            twin.plot(t, slow[col], style, label=f"{label} [%/day]")
    twin.set_ylabel("turnover [%/day]")
    lines = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize=8, loc="upper right")

    ax = axes[4]
    w = run.windows
    win = slow[slow["window"]]
    for p in pops:
        ax.plot(w["slow_time_h"], win[f"rate_{p}_hz"], "o-", ms=3, label=p)
    ax.set_ylabel("window rate [Hz]")
    ax.set_xlabel("slow-clock time [h]")
    ax.legend(fontsize=8, loc="upper right")
    for a in axes:
        a.grid(alpha=0.3)
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, dpi=120)
    plt.close(fig)
    return output


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run_dir", help="a slow-clock run folder (for a run with arms, one arm's folder)")
    p.add_argument("--output", "-o", type=Path, default=None, help="figure file (default: <run>/ketamine_time_course.png)")
    args = p.parse_args(argv)
    try:
        run = neuroplast.open_run(args.run_dir)
        if run.is_arms:
            raise neuroplast.NeuroplastFormatError(run.path, f"is a run with arms; draw one arm: {', '.join(str(a.path) for a in run.arms.values())}")
        if not run.is_slow_clock:
            raise neuroplast.NeuroplastFormatError(run.path, "is not a slow-clock run (no slow.csv): nothing to draw")
        out = draw(run, args.output or run.path / "ketamine_time_course.png")
    except neuroplast.NeuroplastFormatError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
