"""A run as an NWB 2.x file, written with pynwb (the ``nwb`` extra).

Mapping (python/README.md has the full table):

* spikes.h5/.bin, neurons.csv → ``units``: one unit per model neuron (id = node id),
  ``spike_times`` [s], columns ``population``, ``x_um``, ``y_um``; ``resolution`` = dt.
* lfp.csv → ``processing/ecephys/lfp_proxy``, a TimeSeries [pA] (a current-based proxy,
  not a voltage, so not an ElectricalSeries), with ``lfp_proxy_electrodes`` (positions);
  bands.csv → ``band_power_<band>`` [pA²] and ``band_peak_frequency`` [Hz]; spectrum.csv →
  ``lfp_proxy_spectrum`` (a table).
* metrics.csv → ``processing/population_metrics/<pop>_<metric>`` TimeSeries; summary.json →
  ``population_metrics/summary`` (a table).
* slow.csv → ``processing/slow_clock/slow_steps`` (TimeIntervals: one row per slow step,
  start/stop in seconds of slow-clock time, every slow.csv column) and ``windows``
  (TimeIntervals: each fast window in network time with its slow-clock time). The slow
  series are tables, not TimeSeries: sampled every slow step (minutes), a TimeSeries
  would need a rate below 0.01 Hz or regular timestamps, both flagged by nwbinspector as
  best-practice violations.
* bump.csv, overlap.csv, interventions.csv, structure.csv → tables in
  ``processing/readouts``.
* manifest.json, scenario.resolved.yaml → session metadata: identifier = run id + the
  resolved scenario's SHA-256, session_start_time = the run's start (finished_at − wall
  time), session_description = the scenario's description, ``notes`` = the resolved
  scenario, ``data_collection`` = the manifest; a Subject that says what it is: a
  simulated network (species NCBITaxon_32630 "synthetic construct", sex "O", born — built
  — at the session start). No experimenter, lab or institution is invented.

Times: spikes, LFP, bands and metrics are in seconds of network time; the slow-clock
tables in seconds of slow-clock (biological) time; both start at 0 at the session start.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Dict, Union

import numpy as np
import pandas as pd

from .columns import TABLES
from .errors import NeuroplastFormatError
from .run import Run

__all__ = ["to_nwb", "SYNTHETIC_CONSTRUCT"]

#: NCBI Taxonomy term for "synthetic construct": the honest species of a model network.
SYNTHETIC_CONSTRUCT = "http://purl.obolibrary.org/obo/NCBITaxon_32630"

_METRIC_UNITS = {
    "rate_hz": "Hz", "v_mean_mv": "mV", "g_ampa_ns": "nS", "g_nmda_ns": "nS", "g_gaba_ns": "nS",
    "cv_isi": "dimensionless", "synchrony": "dimensionless",
}
_BANDS = ("delta", "theta", "alpha", "beta", "gamma", "high_gamma")


def _require():
    try:
        import pynwb  # noqa: F401  (presence check)
    except ImportError as e:
        raise ImportError(f"to_nwb needs pynwb: pip install 'neuroplast[nwb]' ({e})") from None


def _doc(table: str, column: str) -> str:
    for c in TABLES[table].columns:
        if c.matches(column):
            unit = f" [{c.unit}]" if c.unit not in ("", "1") else ""
            return f"{column}: {c.description}{unit}"
    return column


def _time_args(times_s: np.ndarray, step_s: float) -> Dict[str, object]:
    """starting_time + rate when the samples are ``step_s`` apart (and the rate ≥ 0.01 Hz), else timestamps.

    ``step_s`` is the nominal spacing (record interval, LFP period, window): a shorter last
    interval (a run that is not a whole number of intervals) gives timestamps, not a wrong rate.
    """
    t = np.asarray(times_s, dtype=np.float64)
    if t.size >= 2 and step_s > 0 and 1.0 / step_s >= 0.01 and np.allclose(np.diff(t), step_s, rtol=1e-9, atol=1e-9):
        return {"starting_time": float(t[0]), "rate": 1.0 / step_s}
    return {"timestamps": t}


def _median_step(times: np.ndarray) -> float:
    return float(np.median(np.diff(times))) if len(times) >= 2 else 0.0


def _table(cls, name: str, description: str, df: pd.DataFrame, docs: Dict[str, str]):
    """A DynamicTable (or TimeIntervals) with one VectorData per DataFrame column."""
    from hdmf.common import VectorData

    cols = []
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.CategoricalDtype) or s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            data = [str(v) for v in s.astype(object).fillna("")]
        elif pd.api.types.is_bool_dtype(s.dtype):
            data = s.to_numpy(dtype=bool)
        elif pd.api.types.is_extension_array_dtype(s.dtype):  # nullable integers: NaN where empty
            data = s.astype("float64").to_numpy()
        else:
            data = s.to_numpy()
        cols.append(VectorData(name=c, description=docs.get(c, c), data=data))
    with warnings.catch_warnings():
        # a column called `name` (overlap, interventions, structure) cannot also be an attribute; fine
        warnings.filterwarnings("ignore", message="An attribute 'name' already exists")
        return cls(name=name, description=description, columns=cols)


def _units(run: Run, nwbfile) -> Dict[str, int]:
    """The Units table: one unit per neuron, spike times in seconds. Returns spikes per population."""
    from hdmf.common import ElementIdentifiers, VectorData, VectorIndex
    from pynwb.misc import Units

    neurons = run.neurons
    n = len(neurons)
    counts = np.zeros(n, dtype=np.int64)
    chunks_t, chunks_n = [], []
    for t, ids in run.spike_file().chunks(4_000_000):
        chunks_t.append(t)
        chunks_n.append(ids)
        counts += np.bincount(ids, minlength=n)
    t = np.concatenate(chunks_t) if chunks_t else np.empty(0)
    ids = np.concatenate(chunks_n) if chunks_n else np.empty(0, dtype=np.int64)
    order = np.argsort(ids, kind="stable")  # by neuron, times ascending within each
    times_s = t[order] / 1000.0
    index = np.cumsum(counts)
    clock = "network time" + (" (the slow clock's fast windows back to back; see processing/slow_clock/windows)" if run.is_slow_clock else "")
    spike_times = VectorData(name="spike_times", description=f"spike times [s] of {clock}, step × dt", data=times_s)
    spike_index = VectorIndex(name="spike_times_index", data=index, target=spike_times)
    pops = [str(p) for p in neurons["population"].astype(object)]
    columns = [
        spike_times, spike_index,
        VectorData(name="population", description="population of the model neuron (scenario order)", data=pops),
        VectorData(name="x_um", description="position of the neuron on the sheet, x [µm]", data=neurons["x_um"].to_numpy()),
        VectorData(name="y_um", description="position of the neuron on the sheet, y [µm]", data=neurons["y_um"].to_numpy()),
    ]
    units = Units(
        name="units",
        id=ElementIdentifiers(name="id", data=neurons["node_id"].to_numpy()),
        columns=columns,
        description=("Model neurons of the simulated network, one unit per neuron (id = node_id of neurons.csv and of the "
                     f"SONATA files); spike times in seconds of {clock}. Simulated, not sorted: every spike is exact to one step."),
        resolution=run.dt_ms / 1000.0,
    )
    nwbfile.units = units
    by_pop = pd.Series(counts).groupby(np.asarray(pops)).sum()
    return {str(k): int(v) for k, v in by_pop.items()}


def _metrics(run: Run, nwbfile) -> None:
    from pynwb import TimeSeries

    mod = nwbfile.create_processing_module(
        "population_metrics",
        "Per-population means over each recording interval (metrics.csv) and the run summary (summary.json); "
        "times are interval ends in seconds of network time.",
    )
    m = run.metrics
    for pop in run.populations:
        rows = m[m["population"] == pop]
        if rows.empty:
            continue
        targs = _time_args(rows["time_ms"].to_numpy() / 1000.0, run.manifest["clock"]["record_interval_ms"] / 1000.0)
        for col, unit in _METRIC_UNITS.items():
            mod.add(TimeSeries(name=f"{pop}_{col}", data=rows[col].to_numpy(dtype=np.float64), unit=unit,
                               description=f"population {pop}, {_doc('metrics', col)}; at the end of each recording interval",
                               comments="NaN where the run had no value (e.g. no neuron with two ISIs)", **targs))
    s = run.summary
    mod.add(_table(_dt("DynamicTable"), "summary", "Run summary after time.transient, per population (summary.json)", s,
                   {c: _doc("summary", c) for c in s.columns}))


def _dt(name: str):
    from hdmf.common import DynamicTable
    from pynwb.epoch import TimeIntervals

    return {"DynamicTable": DynamicTable, "TimeIntervals": TimeIntervals}[name]


def _lfp(run: Run, nwbfile) -> None:
    from pynwb import TimeSeries

    mod = nwbfile.create_processing_module(
        "ecephys", "Extracellular-field proxy of the model network (record.lfp, record.bands), not a recorded voltage.")
    if run.has("lfp"):
        lfp = run.lfp
        electrodes = [c for c in lfp.columns if c.startswith("e") and c[1:].isdigit()]
        pos = run.lfp_electrodes
        if list(pos["electrode"]) != electrodes:
            raise NeuroplastFormatError(run.path / "lfp_electrodes.csv", f"lists {list(pos['electrode'])}, lfp.csv has {electrodes}")
        mod.add(TimeSeries(
            name="lfp_proxy",
            data=lfp[electrodes].to_numpy(dtype=np.float64),
            unit="pA",
            description=(
                "LFP proxy of Mazzoni et al. 2015 (PLoS Comput Biol 11:e1004584): per electrode the weighted mean over "
                "contributing cells of |I_AMPA(t − 6 ms)| − 1.65·|I_GABA(t)|, I = g·(V − E), Gaussian weights of σ = radius/3 "
                "within the radius, normalised to sum 1. A current-based proxy in pA, NOT a voltage: stored as a plain "
                "TimeSeries, not an ElectricalSeries. Columns = electrodes in the order of lfp_proxy_electrodes; "
                "time = end of each sample's span, seconds of network time."),
            comments="From lfp.csv of a Neuroplast run.",
            **_time_args(lfp["time_ms"].to_numpy() / 1000.0, _median_step(lfp["time_ms"].to_numpy()) / 1000.0),
        ))
        mod.add(_table(_dt("DynamicTable"), "lfp_proxy_electrodes", "Virtual electrodes of the LFP proxy (lfp_electrodes.csv), "
                       "in lfp_proxy's column order", pos, {c: _doc("lfp_electrodes", c) for c in pos.columns}))
    if run.has("bands"):
        b = run.bands
        nominal = run.slow_clock["window_ms"] if run.is_slow_clock else run.manifest["clock"]["record_interval_ms"]
        targs = _time_args(b["time_ms"].to_numpy() / 1000.0, nominal / 1000.0)
        span = "per window (after its settle)" if run.is_slow_clock else "per record interval"
        for band in _BANDS:
            mod.add(TimeSeries(name=f"band_power_{band}", data=b[band].to_numpy(dtype=np.float64), unit="pA^2",
                               description=f"LFP-proxy {_doc('bands', band)}; {span}, at its end (network time); "
                                           "NaN where the span holds no whole Welch segment", **targs))
        mod.add(TimeSeries(name="band_peak_frequency", data=b["peak_hz"].to_numpy(dtype=np.float64), unit="Hz",
                           description=f"{_doc('bands', 'peak_hz')}; {span}", **targs))
    if run.has("spectrum"):
        sp = run.spectrum
        mod.add(_table(_dt("DynamicTable"), "lfp_proxy_spectrum", "Mean Welch PSD of the LFP proxy over the run (spectrum.csv)",
                       sp, {c: _doc("spectrum", c) for c in sp.columns}))


def _slow(run: Run, nwbfile) -> None:
    sc = run.slow_clock
    slow = run.slow.copy()
    step_h = float(sc["step_h"])
    k = np.round(slow["time_h"].to_numpy() / step_h)
    exact = k * step_h
    # slow.csv prints hours with 4 decimals; restore the exact step ends when they are whole steps
    end_h = exact if np.allclose(exact, slow["time_h"].to_numpy(), atol=1e-4) else slow["time_h"].to_numpy()
    mod = nwbfile.create_processing_module(
        "slow_clock",
        "The slow clock (biological time, hours to weeks): the state after each slow step (slow.csv) and when the fast "
        "windows of spiking ran. Quasi-steady-state approximation: slow processes see the last window's activity.")
    table = pd.DataFrame({"start_time": (end_h - step_h) * 3600.0, "stop_time": end_h * 3600.0})
    for c in slow.columns:
        table[c] = slow[c]
    docs = {c: _doc("slow", c) for c in slow.columns}
    docs["start_time"] = "start of the slow step [s of slow-clock time]"
    docs["stop_time"] = "end of the slow step [s of slow-clock time]; the row's values are the state at this time"
    mod.add(_table(_dt("TimeIntervals"), "slow_steps",
                   f"One row per slow step of {step_h * 60:g} min (slow.csv); start/stop in seconds of slow-clock time "
                   "(t = 0: the slow clock's zero, e.g. the first dose's reference); columns as in slow.csv "
                   "(time_h = stop_time in hours, as printed in the file).", table, docs))
    w = run.windows
    wt = pd.DataFrame({"start_time": w["start_ms"] / 1000.0, "stop_time": w["stop_ms"] / 1000.0,
                       "window": w["window"], "slow_time_s": w["slow_time_h"] * 3600.0})
    mod.add(_table(_dt("TimeIntervals"), "windows",
                   "The fast windows of spiking: start/stop in seconds of NETWORK time (the clock of units, lfp_proxy and "
                   "population_metrics), slow_time_s the slow-clock time [s] at which the window ran", wt,
                   {"start_time": "window start [s of network time]", "stop_time": "window end [s of network time]",
                    "window": "window index k (network time k·W to (k + 1)·W)",
                    "slow_time_s": "slow-clock time at which the window ran [s]"}))


def _readouts(run: Run, nwbfile) -> None:
    present = [t for t in ("bump", "overlap", "interventions", "structure") if run.has(t)]
    if not present:
        return
    mod = nwbfile.create_processing_module("readouts", "Trial and structural readouts of the run (bump.csv, overlap.csv, "
                                                       "interventions.csv, structure.csv); integer columns with empty cells hold NaN.")
    what = {
        "bump": "Working-memory bump per cue presentation (bump.csv)",
        "overlap": "Cosine overlaps of population rate vectors (overlap.csv)",
        "interventions": "Structural interventions applied (interventions.csv)",
        "structure": "Structural plasticity per update (structure.csv)",
    }
    for t in present:
        df = getattr(run, t)
        mod.add(_table(_dt("DynamicTable"), t, what[t], df, {c: _doc(t, c) for c in df.columns}))


def to_nwb(run: Union[Run, str, Path], path: Union[str, Path], *, overwrite: bool = False) -> Path:
    """Writes ``run`` (a Run or a run folder) to the NWB file ``path`` and returns its path.

    Raises FileExistsError if ``path`` exists (unless ``overwrite``), NeuroplastFormatError
    for a run it cannot read (including the folder of a run with arms: export one arm).
    """
    _require()
    from pynwb import NWBHDF5IO, NWBFile
    from pynwb.file import Subject

    from . import __version__

    if not isinstance(run, Run):
        run = Run(run)
    run._single()
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True (or --overwrite) to replace it")
    m = run.manifest
    name = m["scenario"]["name"]
    session = run.run_id + (f"-{run.arm}" if run.arm else "")
    start = run.started_at
    slow = run.slow_clock
    clock = f"dt {run.dt_ms} ms, {run.duration_ms / 1000:g} s of network time"
    if slow:
        clock += (f"; slow clock of {slow['duration_h']:g} h in steps of {slow['step_h'] * 60:g} min with {slow['windows']} "
                  f"fast windows of {slow['window_ms']:g} ms (quasi-steady-state approximation)")
    experiment = (f"Simulation with Neuroplast {m['version']} of scenario '{name}'"
                  + (f" (arm '{run.arm}')" if run.arm else "") + (f": {run.description}" if run.description else "")
                  + f". Seed {m['seed']}; {m['network']['neurons']} model neurons ({', '.join(run.populations)}), "
                  f"{m['network']['synapses']} synapses at build; {clock}.")
    subject = Subject(
        subject_id=f"simulated-{name}",
        description=(
            "No animal: a simulated spiking network (point neurons on a 2-D sheet) computed by the Neuroplast simulator. "
            "species = NCBITaxon_32630 'synthetic construct'; sex 'O' (other): not applicable to a model; date_of_birth = "
            "the session start, when the network was built. Any species named in the scenario (e.g. pharmacology.species) "
            "only parameterises its drug kinetics."),
        species=SYNTHETIC_CONSTRUCT,
        sex="O",
        date_of_birth=start,
    )
    nwbfile = NWBFile(
        session_description=run.description or f"Neuroplast simulation of scenario {name}",
        identifier=f"{session}-{m['scenario']['sha256']}",
        session_start_time=start,
        session_id=session,
        experiment_description=experiment,
        keywords=["simulation", "spiking network model", "Neuroplast", name],
        notes="Resolved scenario (scenario.resolved.yaml) of this run:\n" + run.scenario,
        data_collection="Neuroplast run manifest (manifest.json):\n" + json.dumps(m, indent=1, sort_keys=True),
        source_script=f"neuroplast Python package {__version__}: neuroplast.to_nwb (python/src/neuroplast/nwb_export.py)",
        source_script_file_name="nwb_export.py",
        was_generated_by=[["neuroplast", str(m["version"])], ["neuroplast-python", __version__]],
        subject=subject,
    )
    if run.has("spikes"):
        _units(run, nwbfile)
    _metrics(run, nwbfile)
    if run.has("lfp") or run.has("bands"):
        _lfp(run, nwbfile)
    if run.is_slow_clock:
        _slow(run, nwbfile)
    _readouts(run, nwbfile)
    tmp = path.with_name(path.stem + ".partial" + (path.suffix or ".nwb"))
    try:
        with NWBHDF5IO(str(tmp), "w") as io:
            io.write(nwbfile)
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
