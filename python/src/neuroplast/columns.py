"""The documented columns of every table this package returns, with their units.

This list is the one source of truth: the readers check each file's header against it
(a column that is missing, out of order or unknown is a :class:`NeuroplastFormatError`,
never silently wrong data), the DataFrames carry exactly these columns, and
``python/README.md`` documents the same lists (a test keeps the two equal).

``columns("metrics")`` returns the documentation of one table as a DataFrame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .errors import NeuroplastFormatError

__all__ = ["Column", "Table", "TABLES", "columns", "match_header", "markdown_table"]


@dataclass(frozen=True)
class Column:
    """One documented column.

    Attributes:
        name: the column name, or for repeated columns a template such as
            ``block_<pop>`` (then ``pattern`` is the regular expression of its names).
        dtype: pandas dtype of the column: ``float64``, ``int64``, ``Int64`` (integers
            that may be missing), ``bool``, ``category`` or ``str``.
        unit: physical unit (``ms``, ``Hz``, ``mV``, ``nS``, ``pA``, ``µm`` …); ``1`` for
            a dimensionless number, ``""`` for text and identifiers.
        description: what the values are.
        optional: present in some runs only (e.g. ``hours`` on the slow clock).
        pattern: regular expression matching the names of a repeated column.
    """

    name: str
    dtype: str
    unit: str
    description: str
    optional: bool = False
    pattern: Optional[str] = None

    def matches(self, header_name: str) -> bool:
        if self.pattern is not None:
            return re.fullmatch(self.pattern, header_name) is not None
        return header_name == self.name


@dataclass(frozen=True)
class Table:
    """A table of a run: the file it comes from and its columns, in order."""

    name: str
    file: str
    description: str
    columns: Tuple[Column, ...]

    @property
    def names(self) -> List[str]:
        return [c.name for c in self.columns]


def _c(name, dtype, unit, description, optional=False, pattern=None) -> Column:
    return Column(name, dtype, unit, description, optional, pattern)


_HOURS_SLOW = _c("hours", "float64", "h", "slow-clock time of the window the row belongs to (slow-clock runs only)", optional=True)

_TABLE_LIST: List[Table] = [
    Table("spikes", "spikes.h5 or spikes.bin", "One row per spike, sorted by time, then node id.", (
        _c("time_ms", "float64", "ms", "spike time in network time (step × dt); on the slow clock the windows follow each other on one network clock"),
        _c("node_id", "int64", "", "global neuron id: `node_id` of neurons.csv, SONATA node_id"),
        _c("population", "category", "", "population of the neuron (scenario order)"),
    )),
    Table("spike_counts", "spikes.h5 or spikes.bin", "One row per neuron (every neuron, silent ones with 0).", (
        _c("node_id", "int64", "", "global neuron id"),
        _c("population", "category", "", "population of the neuron"),
        _c("count", "int64", "1", "spikes of the neuron over the whole run"),
    )),
    Table("neurons", "neurons.csv", "One row per neuron.", (
        _c("node_id", "int64", "", "global neuron id (the file's `id` column)"),
        _c("population", "category", "", "population name"),
        _c("x_um", "float64", "µm", "position on the sheet (x)"),
        _c("y_um", "float64", "µm", "position on the sheet (y)"),
    )),
    Table("metrics", "metrics.csv", "One row per recording interval and population.", (
        _c("time_ms", "float64", "ms", "end of the recording interval (network time)"),
        _c("population", "category", "", "population name"),
        _c("rate_hz", "float64", "Hz", "mean firing rate of the population in the interval"),
        _c("v_mean_mv", "float64", "mV", "mean over neurons of each neuron's mean membrane potential (sampled every 1 ms)"),
        _c("g_ampa_ns", "float64", "nS", "mean AMPA conductance"),
        _c("g_nmda_ns", "float64", "nS", "mean NMDA conductance after the Mg²⁺ block"),
        _c("g_gaba_ns", "float64", "nS", "mean GABA_A conductance"),
        _c("cv_isi", "float64", "1", "mean over neurons with ≥ 2 ISIs in the trailing 1 s (or the interval, if longer) of std/mean ISI; NaN if none"),
        _c("synchrony", "float64", "1", "Golomb's χ on 1 ms spike-count bins"),
    )),
    Table("summary", "summary.json", "One row per population: the run summary after `time.transient`.", (
        _c("population", "str", "", "population name"),
        _c("rate_hz", "float64", "Hz", "mean firing rate after the transient"),
        _c("cv_isi", "float64", "1", "CV of the inter-spike intervals; NaN if no neuron had enough spikes"),
        _c("synchrony", "float64", "1", "Golomb's χ; NaN if undefined"),
    )),
    Table("connectome", "connectome_<t>ms.csv", "One row per synapse at a `record.connectome` time.", (
        _c("pre", "int64", "", "presynaptic node id"),
        _c("post", "int64", "", "postsynaptic node id"),
        _c("weight", "float64", "1", "weight factor on the projection's conductances (1 = the scenario's values)"),
    )),
    Table("edges", "network/edges_<t>ms.h5", "One row per synapse (SONATA edge file), in (post, pre) order.", (
        _c("pre", "int64", "", "source node id"),
        _c("post", "int64", "", "target node id"),
        _c("edge_type_id", "int64", "", "projection index in the scenario (edge_types.csv)"),
        _c("weight", "float64", "1", "weight factor on the projection's conductances (`syn_weight`)"),
        _c("delay_ms", "float64", "ms", "transmission delay"),
        _c("formation_time_ms", "float64", "ms", "network time the synapse formed; NaN if present from the start (fast-clock runs)", optional=True),
        _c("formation_time_h", "float64", "h", "slow-clock time the synapse formed; NaN if present from the start (slow-clock runs)", optional=True),
    )),
    Table("structure", "structure.csv", "Structural plasticity, per update: one row per structural projection (scope `projection`), per population (scope `population`) and, when weak synapses were pruned, one row with scope `network`.", (
        _c("time_ms", "float64", "ms", "time of the structural update (network time)"),
        _c("scope", "category", "", "`projection`, `population` or `network`"),
        _c("name", "str", "", "projection (`pre->post`), population, or `all`"),
        _c("synapses", "Int64", "1", "synapses of the projection after the update"),
        _c("formed", "Int64", "1", "synapses formed in the update"),
        _c("eliminated", "Int64", "1", "synapses deleted in the update"),
        _c("pruned_weak", "Int64", "1", "weak synapses pruned (scope `network`)"),
        _c("mean_weight", "float64", "1", "mean weight factor of the projection"),
        _c("calcium_mean", "float64", "1", "mean calcium trace of the population (growth-rule units)"),
        _c("axonal_elements", "float64", "1", "mean axonal elements per neuron"),
        _c("dendritic_elements", "float64", "1", "mean dendritic elements per neuron"),
        _c("spines_per_neuron", "float64", "1", "excitatory synapses onto a neuron, mean"),
        _c("spine_density_per_mm2", "float64", "1/mm²", "spines per mm² of sheet"),
    )),
    Table("slow", "slow.csv", "Slow-clock runs: one row per slow step (the state at the step's end).", (
        _c("time_h", "float64", "h", "slow-clock (biological) time at the end of the step"),
        _c("window", "bool", "", "True if a fast window of spiking ran in this step"),
        _c("<drug>_plasma_ng_ml", "float64", "ng/mL", "plasma concentration of each drug and metabolite", pattern=r".+_plasma_ng_ml"),
        _c("<drug>_brain_free_um", "float64", "µM", "free brain concentration of each drug and metabolite", pattern=r".+_brain_free_um"),
        _c("block_<pop>", "float64", "1", "fraction of NMDA receptors blocked, per population", pattern=r"block_.+"),
        _c("glucocorticoid", "float64", "1", "glucocorticoid level (chronic stress)"),
        _c("bdnf", "float64", "1", "BDNF, relative to baseline (mean over spiny neurons)"),
        _c("mtor", "float64", "1", "mTORC1 activation (mean over spiny neurons)"),
        _c("proteins", "float64", "1", "synaptic-protein level (mean over spiny neurons)"),
        _c("structural_drive", "float64", "1", "lagged structural drive (mean over spiny neurons)"),
        _c("spines_per_neuron", "float64", "1", "excitatory synapses per spiny neuron in the network; NaN before the first realisation"),
        _c("spines_model", "float64", "1", "spines per neuron in the pool model"),
        _c("formation_pct_per_day", "float64", "%/day", "spine formation over the last structural update; NaN before one"),
        _c("elimination_pct_per_day", "float64", "%/day", "spine elimination over the last structural update; NaN before one"),
        _c("rate_<pop>_hz", "float64", "Hz", "firing rate of the population in the last fast window", pattern=r"rate_.+_hz"),
        _c("pv_output_<pop>", "float64", "1", "GABA output of a PV population, 0…1 (its phenotype; with `pharmacology`)", pattern=r"pv_output_.+"),
        _c("oxidative_load_<pop>", "float64", "1", "NOX2 superoxide load of a PV population (with `pharmacology`)", pattern=r"oxidative_load_.+"),
        _c("cytokine_mean", "float64", "1", "mean cytokine over the sheet (reference units; with `inflammation`)", optional=True),
        _c("cytokine_max", "float64", "1", "largest cytokine value on the grid (with `inflammation`)", optional=True),
        _c("microglia", "Int64", "1", "microglia (with `inflammation`)", optional=True),
        _c("microglia_activated", "Int64", "1", "activated microglia (with `inflammation`)", optional=True),
        _c("microglia_primed", "float64", "1", "mean microglial priming P, 0…1 (with `inflammation`)", optional=True),
        _c("microglia_complement", "float64", "1", "mean microglial complement output Q, 0…1 (with `inflammation`)", optional=True),
        _c("engulfed", "Int64", "1", "synapses engulfed during the step (with `inflammation`)", optional=True),
        _c("damage_mean", "float64", "1", "mean excitotoxic damage (with `inflammation`)", optional=True),
        _c("dead", "Int64", "1", "dead neurons (with `inflammation`)", optional=True),
    )),
    Table("windows", "slow.csv, manifest.json", "Slow-clock runs: one row per fast window of spiking (derived: how network time maps to slow-clock time).", (
        _c("window", "int64", "", "window index k, from 0"),
        _c("start_ms", "float64", "ms", "network time the window starts (k·W)"),
        _c("stop_ms", "float64", "ms", "network time the window ends ((k + 1)·W)"),
        _c("slow_time_h", "float64", "h", "slow-clock time at which the window ran (start of its slow step)"),
    )),
    Table("lfp", "lfp.csv", "With `record.lfp`: one row per LFP sample.", (
        _c("time_ms", "float64", "ms", "end of the sample's span (network time)"),
        _HOURS_SLOW,
        _c("e<k>", "float64", "pA", "LFP proxy at electrode k (Mazzoni et al. 2015 current-based proxy; see lfp_electrodes)", pattern=r"e\d+"),
    )),
    Table("lfp_electrodes", "lfp_electrodes.csv", "With `record.lfp`: one row per electrode, in `lfp`'s column order.", (
        _c("electrode", "str", "", "electrode name (`e0`, `e1`, …)"),
        _c("x_um", "float64", "µm", "position on the sheet (x)"),
        _c("y_um", "float64", "µm", "position on the sheet (y)"),
    )),
    Table("bands", "bands.csv", "With `record.bands`: one row per record interval (fast clock) or per window (slow clock).", (
        _c("time_ms", "float64", "ms", "end of the interval or window (network time)"),
        _HOURS_SLOW,
        _c("delta", "float64", "pA²", "band power 1–4 Hz of the mean Welch PSD over electrodes; NaN if the span holds no whole segment"),
        _c("theta", "float64", "pA²", "band power 4–8 Hz"),
        _c("alpha", "float64", "pA²", "band power 8–13 Hz"),
        _c("beta", "float64", "pA²", "band power 13–30 Hz"),
        _c("gamma", "float64", "pA²", "band power 30–80 Hz"),
        _c("high_gamma", "float64", "pA²", "band power 80–150 Hz"),
        _c("peak_hz", "float64", "Hz", "frequency bin of the largest PSD in 1–150 Hz"),
    )),
    Table("spectrum", "spectrum.csv", "With `record.bands`: the run's mean Welch PSD, one row per frequency bin.", (
        _c("freq_hz", "float64", "Hz", "bin frequency"),
        _c("power", "float64", "pA²/Hz", "power spectral density of the LFP proxy"),
    )),
    Table("bump", "bump.csv", "With `record.bump`: one row per cue presentation.", (
        _HOURS_SLOW,
        _c("trial", "int64", "", "cue presentation index, from 0"),
        _c("cue_start_ms", "float64", "ms", "cue onset (network time)"),
        _c("cue_deg", "float64", "deg", "cue angle"),
        _c("decoded_start_deg", "float64", "deg", "angle decoded (population vector) after the cue"),
        _c("decoded_end_deg", "float64", "deg", "angle decoded at the end of the delay"),
        _c("drift_from_cue_deg", "float64", "deg", "decoded end angle minus cue angle"),
        _c("drift_over_delay_deg", "float64", "deg", "decoded end angle minus decoded start angle"),
        _c("width_deg", "float64", "deg", "bump width at half maximum"),
        _c("rate_in_hz", "float64", "Hz", "rate of the cells inside the bump"),
        _c("rate_out_hz", "float64", "Hz", "rate of the cells outside the bump"),
        _c("rate_i_hz", "float64", "Hz", "rate of the inhibitory population"),
        _c("held", "bool", "", "drift within tolerance and rate_in ≥ 2·rate_out + 5 Hz"),
    )),
    Table("overlap", "overlap.csv", "With `record.overlap`: one row per overlap entry.", (
        _c("name", "str", "", "entry name"),
        _c("population", "category", "", "population whose rate vectors are compared"),
        _c("a_from_ms", "float64", "ms", "start of stretch a (network time)"),
        _c("a_to_ms", "float64", "ms", "end of stretch a"),
        _c("b_from_ms", "float64", "ms", "start of stretch b"),
        _c("b_to_ms", "float64", "ms", "end of stretch b"),
        _c("rate_a_hz", "float64", "Hz", "mean rate in stretch a"),
        _c("rate_b_hz", "float64", "Hz", "mean rate in stretch b"),
        _c("overlap", "float64", "1", "cosine of the two rate vectors; NaN if one is all zero"),
    )),
    Table("interventions", "interventions.csv", "With `interventions`: one row per applied intervention (a formation block adds a `block_formation_end` row).", (
        _c("time_ms", "float64", "ms", "network time applied (fast-clock runs)", optional=True),
        _c("hours", "float64", "h", "slow-clock time applied (slow-clock runs)", optional=True),
        _c("name", "str", "", "intervention name"),
        _c("kind", "category", "", "`remove_spines`, `block_formation`, `block_formation_end`, `lesion` or `kill`"),
        _c("targets", "Int64", "1", "neurons targeted"),
        _c("removed_synapses", "Int64", "1", "synapses removed"),
        _c("killed_neurons", "Int64", "1", "neurons killed"),
        _c("prevented_formations", "Int64", "1", "synapse formations prevented (on `block_formation_end`)"),
    )),
    Table("sweep", "sweep.json + collect/results.csv", "One row per point × population × metric (tidy).", (
        _c("point_id", "str", "", "the point's id (12 hex digits)"),
        _c("point_name", "str", "", "the point's name (named points), else empty"),
        _c("point_index", "int64", "", "the point's index in sweep.json"),
        _c("<axis>", "float64 or str", "in the header", "one column per sweep axis: numeric axes as numbers in the unit of their header suffix (`drive_kHz`), others as text", pattern=r"(?!point_|population$|metric$|value$|run_dir$).+"),
        _c("population", "str", "", "population, or `bump` / `lfp` for readouts"),
        _c("metric", "str", "", "rate_hz, cv_isi, synchrony (summary.json), v_mean_mv, g_ampa_ns, g_nmda_ns, g_gaba_ns (means after the transient), bump_*, band_*, overlap:<name>"),
        _c("value", "float64", "metric's", "the value; NaN where the run has none"),
        _c("run_dir", "str", "", "absolute path of the point's run folder"),
    )),
]

TABLES: Dict[str, Table] = {t.name: t for t in _TABLE_LIST}


def columns(table: str):
    """The documentation of one table as a DataFrame (column, dtype, unit, description).

    ``table`` is one of the names in ``TABLES`` (``"spikes"``, ``"metrics"``, ``"slow"`` …).
    """
    import pandas as pd

    try:
        t = TABLES[table]
    except KeyError:
        raise KeyError(f"no table {table!r}; tables: {', '.join(TABLES)}") from None
    return pd.DataFrame(
        [(c.name, c.dtype, c.unit, c.description, c.optional) for c in t.columns],
        columns=["column", "dtype", "unit", "description", "optional"],
    )


def match_header(table: Table, header: Sequence[str], path) -> List[Column]:
    """The documented column of each name in ``header``, or a NeuroplastFormatError.

    The header must list the table's columns in order; optional columns may be absent and
    repeated (pattern) columns may occur any number of times, consecutive patterns
    interleaved (``<drug>_plasma_ng_ml``, ``<drug>_brain_free_um``, …).
    """
    specs = list(table.columns)
    out: List[Column] = []
    i = 0  # position in header
    k = 0  # position in specs
    while k < len(specs):
        spec = specs[k]
        if spec.pattern is not None:
            group = [spec]
            while k + len(group) < len(specs) and specs[k + len(group)].pattern is not None:
                group.append(specs[k + len(group)])
            while i < len(header):
                hit = next((g for g in group if g.matches(header[i])), None)
                # a fixed column later in the table ends the repetition
                if hit is None or any(s.pattern is None and s.name == header[i] for s in specs[k + len(group):]):
                    break
                out.append(hit)
                i += 1
            k += len(group)
            continue
        if i < len(header) and header[i] == spec.name:
            out.append(spec)
            i += 1
        elif not spec.optional:
            found = header[i] if i < len(header) else "the end of the header"
            raise NeuroplastFormatError(
                path,
                f"expected column {spec.name!r} at position {i + 1}, found {found!r}; header {list(header)} "
                f"is not the {table.name} format this package reads ({', '.join(table.names)})",
            )
        k += 1
    if i < len(header):
        raise NeuroplastFormatError(
            path,
            f"unexpected column {header[i]!r} at position {i + 1}; the {table.name} format has {', '.join(table.names)} "
            "(written by another neuroplast version?)",
        )
    return out


def markdown_table(table: str) -> str:
    """The documentation of one table as a Markdown table (as in python/README.md)."""
    t = TABLES[table]
    lines = ["| column | dtype | unit | description |", "|---|---|---|---|"]
    for c in t.columns:
        note = " (optional)" if c.optional else ""
        lines.append(f"| `{c.name}` | {c.dtype} | {c.unit or '—'} | {c.description}{note} |")
    return "\n".join(lines)
