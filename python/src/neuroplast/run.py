"""A run folder of the Neuroplast simulator as Python objects: :func:`open_run` → :class:`Run`.

A run folder is ``<out>/<scenario name>/<run id>/`` as ``neuroplast run`` writes it:
``manifest.json`` (written last), ``scenario.resolved.yaml``, ``metrics.csv``,
``summary.json``, ``neurons.csv``, ``spikes.bin`` and ``spikes.h5`` and, depending on the
scenario, ``slow.csv``, ``structure.csv``, ``connectome_<t>ms.csv`` and ``network/``,
``lfp.csv``, ``lfp_electrodes.csv``, ``bands.csv``, ``spectrum.csv``, ``bump.csv``,
``overlap.csv``, ``interventions.csv``. A run with ``arms`` has ``arms.json`` and one run
folder per arm instead of a manifest.

Every table is a pandas DataFrame read on first use and kept; the columns, dtypes and
units of each are listed in :mod:`neuroplast.columns` and python/README.md. Times are in
ms of network time unless the column name says otherwise (``time_h``, ``hours``: hours of
slow-clock, i.e. biological, time).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Union

import numpy as np
import pandas as pd

from . import scenario as _scenario
from .columns import TABLES
from .errors import MissingFileError, NeuroplastFormatError, RunNotFinishedError
from .manifest import read_manifest
from .network import edge_files, read_edges
from .spikes import BinSpikes, H5Spikes
from .tables import read_table

__all__ = ["Run", "open_run"]

PathLike = Union[str, Path]

_CONNECTOME = re.compile(r"^connectome_(\d+)ms\.csv$")

# What a missing optional file means, for the error message.
_WHY_MISSING = {
    "slow.csv": "the run has no slow clock (no `slow_clock` in the scenario)",
    "structure.csv": "the scenario has no structural plasticity",
    "lfp.csv": "the scenario records no LFP (`record.lfp`)",
    "lfp_electrodes.csv": "the scenario records no LFP (`record.lfp`)",
    "bands.csv": "the scenario records no band powers (`record.bands`)",
    "spectrum.csv": "the scenario records no band powers (`record.bands`)",
    "bump.csv": "the scenario records no bump (`record.bump`)",
    "overlap.csv": "the scenario records no overlaps (`record.overlap`)",
    "interventions.csv": "the scenario has no `interventions`",
    "spikes": "the run recorded no spikes (`record.spikes: false`)",
}


def open_run(path: PathLike) -> "Run":
    """Opens a finished run folder (or its manifest.json) and checks that it is whole.

    Raises:
        MissingFileError: no such folder, or a file the manifest lists is gone.
        RunNotFinishedError: ``.partial`` files, or run files without a manifest.
        NeuroplastFormatError: a folder of another format or simulator version.
    """
    return Run(path)


def _partials(folder: Path) -> List[str]:
    found = []
    for sub in (folder, folder / "network", folder / "checkpoints"):
        if sub.is_dir():
            found += [str(p.relative_to(folder)) for p in sorted(sub.glob("*.partial"))]
    return found


def _arm_name(folder: Path) -> Optional[str]:
    """The arm's name if ``folder`` is listed in its parent's arms.json, else None."""
    listing = folder.parent / "arms.json"
    if not listing.is_file():
        return None
    try:
        for a in json.loads(listing.read_text(encoding="utf-8")).get("arms", []):
            if a.get("folder") == folder.name:
                return str(a.get("name"))
    except (ValueError, AttributeError, TypeError):
        return None
    return None


class Run:
    """A finished Neuroplast run. Create with :func:`open_run`.

    Attributes:
        path: the run folder.
        run_id: the run's ``--run-id`` (the folder's name; for an arm, its parent's).
        arm: the arm's name for one arm of a run with arms (also when its folder is
            opened directly), else None.
        parent: the Run of the arms' folder when opened through ``run.arms``, else None.
    """

    def __init__(self, path: PathLike, *, arm: Optional[str] = None, parent: Optional["Run"] = None):
        p = Path(path).expanduser()
        if p.name == "manifest.json" and p.is_file():
            p = p.parent
        if not p.exists():
            raise MissingFileError(p, "no such run folder")
        if not p.is_dir():
            raise NeuroplastFormatError(p, "is not a folder (open_run takes a run folder or its manifest.json)")
        self.path = p.resolve()
        if arm is None and parent is None:
            arm = _arm_name(self.path)  # an arm's folder opened on its own
        self.arm = arm
        self.parent = parent
        self.run_id = parent.run_id if parent is not None else (self.path.parent.name if arm else self.path.name)
        partial = _partials(self.path)
        if partial:
            raise RunNotFinishedError(
                self.path,
                f"the run is not finished: {', '.join(partial)} present (the run is still going, or was stopped; "
                "resume it with `neuroplast run SCENARIO --run-id ID --resume`, then open it again)",
            )
        manifest = self.path / "manifest.json"
        arms = self.path / "arms.json"
        self._arms_info: Optional[Dict[str, Any]] = None
        self._manifest: Optional[Dict[str, Any]] = None
        if manifest.exists():
            self._manifest = read_manifest(manifest)
            missing = [f for f in self._manifest["files"] if not (self.path / f).exists()]
            if missing:
                raise MissingFileError(
                    self.path / missing[0],
                    f"manifest.json lists {', '.join(missing)} but the run folder lacks {'it' if len(missing) == 1 else 'them'} "
                    "(deleted or moved after the run?)",
                )
        elif arms.exists():
            try:
                info = json.loads(arms.read_text(encoding="utf-8"))
                entries = info["arms"]
                if not (isinstance(entries, list) and entries
                        and all(isinstance(a, dict) and "folder" in a and "name" in a for a in entries)):
                    raise ValueError(f"'arms' is {entries!r}")
            except Exception as e:  # noqa: BLE001 - any defect of arms.json is a format error
                raise NeuroplastFormatError(arms, f"is not an arms listing ({{\"arms\": [{{\"name\", \"folder\"}}]}}): {e}") from None
            self._arms_info = info
        else:
            looks_like_run = any((self.path / f).exists() for f in ("scenario.resolved.yaml", "neurons.csv", "metrics.csv"))
            if looks_like_run:
                raise RunNotFinishedError(
                    self.path,
                    "has run files but no manifest.json (written last) or arms.json: the run did not finish "
                    "(still going, stopped or failed)",
                )
            found = sorted({str(m.parent.relative_to(self.path)) for pattern in ("*/manifest.json", "*/*/manifest.json")
                            for m in self.path.glob(pattern)})
            hint = f"; run folders below it: {', '.join(found[:5])}{' …' if len(found) > 5 else ''}" if found else ""
            raise NeuroplastFormatError(
                self.path, f"is not a run folder: it has no manifest.json (open <out>/<scenario>/<run id>/){hint}"
            )

    # ---------------------------------------------------------------- identity, metadata

    def __repr__(self) -> str:
        if self.is_arms:
            return f"<neuroplast.Run {self.path} arms={list(self.arms)}>"
        m = self.manifest
        return (f"<neuroplast.Run {self.path} scenario={m['scenario']['name']!r} neurons={m['network']['neurons']} "
                f"spikes={m['spikes']}>")

    @property
    def is_arms(self) -> bool:
        """True for the folder of a run with arms (open an arm with ``run.arms[name]``)."""
        return self._arms_info is not None

    def _single(self) -> None:
        if self.is_arms:
            raise NeuroplastFormatError(
                self.path,
                f"is the folder of a run with arms ({', '.join(self.arms)}); its data are per arm: "
                f"use run.arms[{next(iter(self.arms))!r}]",
            )

    @property
    def manifest(self) -> Dict[str, Any]:
        """manifest.json as a dict (program version, clock, network size, spike count, files …)."""
        self._single()
        assert self._manifest is not None
        return self._manifest

    @property
    def arms_info(self) -> Optional[Dict[str, Any]]:
        """arms.json as a dict for a run with arms, else None."""
        return self._arms_info

    @cached_property
    def arms(self) -> Dict[str, "Run"]:
        """The arms of a run with arms, name → Run, in the scenario's order; {} otherwise."""
        if self._arms_info is None:
            return {}
        out = {}
        for a in self._arms_info["arms"]:
            folder = self.path / a["folder"]
            out[a["name"]] = Run(folder, arm=a["name"], parent=self)
        return out

    @cached_property
    def scenario(self) -> str:
        """The resolved scenario (scenario.resolved.yaml) as text."""
        path = self.path / "scenario.resolved.yaml"
        if not path.exists():
            raise MissingFileError(path, "scenario.resolved.yaml is missing")
        return path.read_text(encoding="utf-8")

    def scenario_dict(self) -> Dict[str, Any]:
        """The resolved scenario parsed (needs PyYAML; values keep their unit text)."""
        return _scenario.parse(self.scenario, str(self.path / "scenario.resolved.yaml"))

    @property
    def scenario_name(self) -> str:
        if self.is_arms:
            return str(self._arms_info.get("scenario", ""))  # type: ignore[union-attr]
        return self.manifest["scenario"]["name"]

    @cached_property
    def description(self) -> str:
        """The scenario's ``description`` (empty if it has none)."""
        try:
            return _scenario.top_level_scalar(self.scenario, "description") or ""
        except ValueError as e:
            raise NeuroplastFormatError(self.path / "scenario.resolved.yaml", f"cannot read `description`: {e}") from e

    @property
    def version(self) -> str:
        """Version of the simulator that wrote the run."""
        return self.manifest["version"]

    @property
    def dt_ms(self) -> float:
        """Integration step [ms]."""
        return float(self.manifest["clock"]["dt_ms"])

    @property
    def duration_ms(self) -> float:
        """Network time simulated [ms] (on the slow clock: windows × window)."""
        return float(self.manifest["clock"]["duration_ms"])

    @property
    def slow_clock(self) -> Optional[Dict[str, Any]]:
        """The manifest's slow-clock record (step_h, window_ms, windows, cadence …) or None."""
        return self.manifest["clock"].get("slow_clock")

    @property
    def is_slow_clock(self) -> bool:
        return self.slow_clock is not None

    @property
    def finished_at(self) -> datetime:
        """When the run finished (UTC)."""
        text = self.manifest["finished_at"]
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
        except ValueError:
            raise NeuroplastFormatError(self.path / "manifest.json", f"finished_at {text!r} is not an ISO 8601 time") from None

    @property
    def started_at(self) -> datetime:
        """When the run started (UTC): finished_at minus the total wall time."""
        total = float((self.manifest.get("wall_seconds") or {}).get("total") or 0.0)
        return self.finished_at - timedelta(seconds=total)

    @property
    def files(self) -> List[str]:
        """Files of the run folder as the manifest lists them."""
        return list(self.manifest["files"])

    def has(self, table: str) -> bool:
        """Whether the run has the data of ``table`` (``"lfp"``, ``"slow"``, ``"spikes"``, ``"connectome"`` …)."""
        if self.is_arms:
            return False
        if table in ("spikes", "spike_counts"):
            return (self.path / "spikes.h5").exists() or (self.path / "spikes.bin").exists()
        if table == "connectome":
            return bool(self.connectome_times)
        if table == "edges":
            return bool(self.network_times)
        if table == "windows":
            return self.is_slow_clock
        t = TABLES.get(table)
        return t is not None and (self.path / t.file).exists()

    def _path(self, name: str) -> Path:
        self._single()
        p = self.path / name
        if not p.exists():
            why = _WHY_MISSING.get(name)
            raise MissingFileError(p, f"the run has no {name}" + (f": {why}" if why else ""))
        return p

    # ---------------------------------------------------------------- populations, neurons

    @cached_property
    def neurons(self) -> pd.DataFrame:
        """neurons.csv: node_id, population, x_um [µm], y_um [µm] — one row per neuron."""
        df = read_table("neurons", self._path("neurons.csv"), rename={"id": "node_id"})
        path = self.path / "neurons.csv"
        n = self.manifest["network"]["neurons"]
        if len(df) != n:
            raise NeuroplastFormatError(path, f"lists {len(df)} neurons, manifest.json {n}")
        if not np.array_equal(df["node_id"].to_numpy(), np.arange(n)):
            raise NeuroplastFormatError(path, "ids are not 0, 1, …, N−1 in order")
        return df

    @property
    def populations(self) -> List[str]:
        """Population names in the scenario's order."""
        return list(self.neurons["population"].cat.categories)

    @cached_property
    def _population_codes(self) -> np.ndarray:
        return self.neurons["population"].cat.codes.to_numpy()

    def _categorical(self, codes: np.ndarray) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, categories=self.populations)

    def _population_column(self, df: pd.DataFrame, column: str, path: Path) -> pd.DataFrame:
        values = df[column].astype(object)
        unknown = sorted(set(values) - set(self.populations))
        if unknown:
            raise NeuroplastFormatError(path, f"names populations {unknown} that neurons.csv does not have")
        df[column] = pd.Categorical(values, categories=self.populations)
        return df

    # ---------------------------------------------------------------- spikes

    @property
    def spike_source(self) -> str:
        """``"h5"`` when spikes.h5 exists (read first), else ``"bin"``."""
        self._single()
        if (self.path / "spikes.h5").exists():
            return "h5"
        if (self.path / "spikes.bin").exists():
            return "bin"
        raise MissingFileError(self.path / "spikes.bin", f"the run has no spikes.h5 or spikes.bin: {_WHY_MISSING['spikes']}")

    def spike_file(self, source: Optional[str] = None) -> Union[H5Spikes, BinSpikes]:
        """The checked reader of spikes.h5 (``source="h5"``) or spikes.bin (``"bin"``)."""
        source = source or self.spike_source
        m = self.manifest
        expected = dict(expected_count=m["spikes"], expected_neurons=m["network"]["neurons"], expected_dt=self.dt_ms,
                        expected_end_ms=self.duration_ms)
        if source == "h5":
            return H5Spikes(self._path("spikes.h5"), expected_version=m["version"], **expected)
        if source == "bin":
            return BinSpikes(self._path("spikes.bin"), **expected)
        raise ValueError(f"source must be 'h5' or 'bin', not {source!r}")

    def iter_spikes(self, chunk: int = 1_000_000, source: Optional[str] = None) -> Iterator[pd.DataFrame]:
        """Yields the spikes as DataFrames of at most ``chunk`` rows, in time order.

        Columns as :attr:`spikes` (time_ms [ms], node_id, population). Reads one slice of the
        file at a time, so memory stays bounded by ``chunk``.
        """
        reader = self.spike_file(source)
        codes = self._population_codes
        for t, ids in reader.chunks(chunk):
            yield pd.DataFrame({"time_ms": t, "node_id": ids, "population": self._categorical(codes[ids])})

    def read_spikes(self, source: Optional[str] = None) -> pd.DataFrame:
        """All spikes from spikes.h5 (``source="h5"``) or spikes.bin (``"bin"``); default: h5 if present."""
        reader = self.spike_file(source)
        times, ids = [], []
        for t, n in reader.chunks(4_000_000):
            times.append(t)
            ids.append(n)
        t = np.concatenate(times) if times else np.empty(0, np.float64)
        n = np.concatenate(ids) if ids else np.empty(0, np.int64)
        return pd.DataFrame({"time_ms": t, "node_id": n, "population": self._categorical(self._population_codes[n])})

    @cached_property
    def spikes(self) -> pd.DataFrame:
        """Every spike: time_ms [ms, network time] float64, node_id int64, population (category).

        Sorted by time, then node id; from spikes.h5 when present, else spikes.bin.
        """
        return self.read_spikes()

    def spike_counts(self, source: Optional[str] = None) -> pd.DataFrame:
        """Spikes per neuron over the run: node_id, population, count — every neuron, in id order.

        Streams the spike file (bounded memory).
        """
        n = self.manifest["network"]["neurons"]
        counts = np.zeros(n, dtype=np.int64)
        for _, ids in self.spike_file(source).chunks(1_000_000):
            counts += np.bincount(ids, minlength=n)
        return pd.DataFrame({"node_id": np.arange(n, dtype=np.int64), "population": self._categorical(self._population_codes),
                             "count": counts})

    # ---------------------------------------------------------------- tables

    def _read(self, table: str, population_columns=("population",)) -> pd.DataFrame:
        t = TABLES[table]
        path = self._path(t.file)
        df = read_table(table, path)
        for c in population_columns:
            if c in df.columns:
                self._population_column(df, c, path)
        return df

    @cached_property
    def metrics(self) -> pd.DataFrame:
        """metrics.csv: time_ms [ms], population, rate_hz [Hz], v_mean_mv [mV], g_ampa_ns, g_nmda_ns
        (after Mg²⁺ block), g_gaba_ns [nS], cv_isi, synchrony — one row per recording interval and population."""
        return self._read("metrics")

    @cached_property
    def summary_dict(self) -> Dict[str, Dict[str, Optional[float]]]:
        """summary.json as a dict: population → {rate_hz, cv_isi, synchrony} (None where undefined)."""
        path = self._path("summary.json")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise NeuroplastFormatError(path, f"is not valid JSON: {e}") from e
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise NeuroplastFormatError(path, "is not {population: {rate_hz, cv_isi, synchrony}}")
        return data

    @cached_property
    def summary(self) -> pd.DataFrame:
        """summary.json: population, rate_hz [Hz], cv_isi, synchrony — after `time.transient`, NaN where undefined."""
        data = self.summary_dict
        path = self.path / "summary.json"
        rows = []
        order = [p for p in self.populations if p in data] + sorted(set(data) - set(self.populations))
        for pop in order:
            v = data[pop]
            missing = {"rate_hz", "cv_isi", "synchrony"} - set(v)
            if missing:
                raise NeuroplastFormatError(path, f"population {pop!r} lacks {sorted(missing)}")
            rows.append((pop, *(np.nan if v[k] is None else float(v[k]) for k in ("rate_hz", "cv_isi", "synchrony"))))
        df = pd.DataFrame(rows, columns=["population", "rate_hz", "cv_isi", "synchrony"])
        df["population"] = df["population"].astype(object)
        return df

    @cached_property
    def slow(self) -> pd.DataFrame:
        """slow.csv (slow-clock runs): time_h [h], window, <drug>_plasma_ng_ml [ng/mL], <drug>_brain_free_um [µM],
        block_<pop>, glucocorticoid, bdnf, mtor, proteins, structural_drive, spines_per_neuron, spines_model,
        formation_pct_per_day, elimination_pct_per_day [%/day], rate_<pop>_hz [Hz] (+ inflammation columns)."""
        df = self._read("slow")
        path = self.path / "slow.csv"
        for prefix, suffix in (("block_", ""), ("rate_", "_hz")):
            pops = [c[len(prefix):len(c) - len(suffix)] for c in df.columns if c.startswith(prefix) and c.endswith(suffix)]
            if pops != self.populations:
                raise NeuroplastFormatError(path, f"has {prefix}<pop>{suffix} columns for {pops}, the run's populations are {self.populations}")
        return df

    @cached_property
    def windows(self) -> pd.DataFrame:
        """Slow-clock runs: window, start_ms, stop_ms [ms of network time], slow_time_h [h] — one row per fast window.

        Window k covers network time k·W to (k + 1)·W (W = ``slow_clock.window_ms``) and ran at the
        start of the slow step whose slow.csv row has ``window`` = True (slow_time_h = that row's
        time_h − step_h). Checked against the window start times the manifest lists.
        """
        self._single()
        sc = self.slow_clock
        if sc is None:
            raise MissingFileError(self.path / "slow.csv", "the run has no slow clock, so no windows")
        slow = self.slow
        step_h = float(sc["step_h"])
        w = float(sc["window_ms"])
        rows = slow.loc[slow["window"], "time_h"].to_numpy() - step_h
        rows = np.round(rows, 4) + 0.0
        n = int(sc["windows"])
        path = self.path / "slow.csv"
        if len(rows) != n:
            raise NeuroplastFormatError(path, f"flags {len(rows)} steps with a window, manifest.json counts {n} windows")
        listed = ((self.manifest.get("schedule_executed") or {}).get("window_start") or {}).get("first_h")
        if listed:
            k = min(len(listed), n)
            if not np.allclose(rows[:k], np.asarray(listed[:k], dtype=float), atol=1e-3):
                raise NeuroplastFormatError(path, f"window steps at {rows[:k].tolist()} h do not match the manifest's window starts {listed[:k]} h")
        k = np.arange(n)
        return pd.DataFrame({"window": k.astype(np.int64), "start_ms": k * w, "stop_ms": (k + 1) * w, "slow_time_h": rows})

    @cached_property
    def structure(self) -> pd.DataFrame:
        """structure.csv (structural plasticity): time_ms [ms], scope, name, synapses, formed, eliminated,
        pruned_weak, mean_weight, calcium_mean, axonal_elements, dendritic_elements, spines_per_neuron,
        spine_density_per_mm2 [1/mm²]."""
        return self._read("structure", population_columns=())

    @cached_property
    def lfp(self) -> pd.DataFrame:
        """lfp.csv (``record.lfp``): time_ms [ms, end of each sample], hours [h] on the slow clock, e0, e1, … [pA]."""
        df = self._read("lfp")
        electrodes = [c for c in df.columns if re.fullmatch(r"e\d+", c)]
        if electrodes != [f"e{k}" for k in range(len(electrodes))]:
            raise NeuroplastFormatError(self.path / "lfp.csv", f"electrode columns {electrodes} are not e0, e1, … in order")
        return df

    @cached_property
    def lfp_electrodes(self) -> pd.DataFrame:
        """lfp_electrodes.csv: electrode, x_um [µm], y_um [µm] — in lfp's column order."""
        return self._read("lfp_electrodes")

    @cached_property
    def bands(self) -> pd.DataFrame:
        """bands.csv (``record.bands``): time_ms [ms], hours [h] (slow clock), delta, theta, alpha, beta, gamma,
        high_gamma [pA²], peak_hz [Hz]."""
        return self._read("bands")

    @cached_property
    def spectrum(self) -> pd.DataFrame:
        """spectrum.csv (``record.bands``): freq_hz [Hz], power [pA²/Hz]."""
        return self._read("spectrum")

    @cached_property
    def bump(self) -> pd.DataFrame:
        """bump.csv (``record.bump``): hours (slow clock), trial, cue_start_ms [ms], cue_deg, decoded_start_deg,
        decoded_end_deg, drift_from_cue_deg, drift_over_delay_deg, width_deg [deg], rate_in_hz, rate_out_hz,
        rate_i_hz [Hz], held (bool)."""
        return self._read("bump")

    @cached_property
    def overlap(self) -> pd.DataFrame:
        """overlap.csv (``record.overlap``): name, population, a_from_ms, a_to_ms, b_from_ms, b_to_ms [ms],
        rate_a_hz, rate_b_hz [Hz], overlap (cosine)."""
        return self._read("overlap")

    @cached_property
    def interventions(self) -> pd.DataFrame:
        """interventions.csv: time_ms [ms] (or hours [h] on the slow clock), name, kind, targets,
        removed_synapses, killed_neurons, prevented_formations."""
        df = self._read("interventions", population_columns=())
        has = [c for c in ("time_ms", "hours") if c in df.columns]
        if len(has) != 1:
            raise NeuroplastFormatError(self.path / "interventions.csv", "must have exactly one of the columns time_ms, hours")
        return df

    # ---------------------------------------------------------------- connectome, SONATA network

    @property
    def connectome_times(self) -> List[float]:
        """Times [ms] of the connectome_<t>ms.csv files, ascending."""
        self._single()
        times = []
        for p in self.path.iterdir():
            m = _CONNECTOME.match(p.name)
            if m:
                times.append(float(m.group(1)))
        return sorted(times)

    def _pick_time(self, time: Optional[float], times: List[float], what: str, pattern: str) -> float:
        if not times:
            raise MissingFileError(self.path / pattern.format("<t>"), f"the run has no {what}: `record.connectome` is empty")
        if time is None:
            return times[-1]
        for t in times:
            if abs(t - float(time)) < 0.5:
                return t
        raise MissingFileError(
            self.path / pattern.format(int(round(float(time)))), f"no {what} at {time} ms; available times: {times} ms"
        )

    def connectome(self, time: Optional[float] = None) -> pd.DataFrame:
        """Synapses at a ``record.connectome`` time: pre, post (node ids), weight (factor on the projection's
        conductances). ``time`` in ms, as in :attr:`connectome_times`; default the last one."""
        t = self._pick_time(time, self.connectome_times, "connectome", "connectome_{}ms.csv")
        path = self.path / f"connectome_{int(t)}ms.csv"
        df = read_table("connectome", path)
        n = self.manifest["network"]["neurons"]
        if len(df) and (df["pre"].min() < 0 or df["post"].min() < 0 or df["pre"].max() >= n or df["post"].max() >= n):
            raise NeuroplastFormatError(path, f"names node ids outside the run's {n} neurons")
        return df

    @property
    def network_times(self) -> List[float]:
        """Times [ms] of the SONATA edge files network/edges_<t>ms.h5, ascending."""
        self._single()
        return list(edge_files(self.path))

    def edges(self, time: Optional[float] = None) -> pd.DataFrame:
        """Synapses from the SONATA edge file at ``time`` [ms] (default the last): pre, post, edge_type_id,
        weight, delay_ms [ms], formation_time_ms [ms] or formation_time_h [h] (NaN: present from the start)."""
        files = edge_files(self.path)
        t = self._pick_time(time, list(files), "SONATA edge file", "network/edges_{}ms.h5")
        return read_edges(files[t])

    # ---------------------------------------------------------------- text summary

    def describe(self) -> str:
        """A few lines on the run (used by ``python -m neuroplast info``)."""
        if self.is_arms:
            lines = [f"run with arms: {self.path}", f"scenario: {self.scenario_name}"]
            for name, arm in self.arms.items():
                lines.append(f"  arm {name}: {arm.manifest['network']['neurons']} neurons, {arm.manifest['spikes']} spikes")
            return "\n".join(lines)
        m = self.manifest
        lines = [
            f"run: {self.path}",
            f"scenario: {m['scenario']['name']}" + (f" (arm {self.arm})" if self.arm else "") + (f" — {self.description}" if self.description else ""),
            f"written by neuroplast {m['version']}, finished {m['finished_at']}, seed {m['seed']}",
            f"network: {m['network']['neurons']} neurons, {m['network']['synapses']} synapses at build; {m['spikes']} spikes",
            f"clock: dt {self.dt_ms} ms, {self.duration_ms} ms of network time"
            + (f"; slow clock {self.slow_clock['duration_h']} h in steps of {self.slow_clock['step_h'] * 60:g} min, "
               f"{self.slow_clock['windows']} windows of {self.slow_clock['window_ms']} ms" if self.is_slow_clock else ""),
        ]
        try:
            s = self.summary
            for r in s.itertuples():
                lines.append(f"  {r.population}: {r.rate_hz:.2f} Hz, CV {r.cv_isi:.2f}, χ {r.synchrony:.3f}")
        except NeuroplastFormatError:
            pass
        present = [t for t in ("slow", "structure", "lfp", "bands", "spectrum", "bump", "overlap", "interventions") if self.has(t)]
        if self.connectome_times:
            present.append(f"connectome at {self.connectome_times} ms")
        if self.network_times:
            present.append(f"SONATA network at {self.network_times} ms")
        if self.has("spikes"):
            present.insert(0, f"spikes ({self.spike_source})")
        lines.append("data: " + (", ".join(present) or "none besides metrics and summary"))
        return "\n".join(lines)
