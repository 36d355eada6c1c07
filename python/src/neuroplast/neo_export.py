"""Spikes of a run as Neo objects, for Elephant and the rest of the Neo ecosystem.

Needs the ``neo`` extra (``pip install "neuroplast[neo]"``: neo and quantities).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Sequence

import numpy as np

from .run import Run

if TYPE_CHECKING:  # pragma: no cover
    import neo

__all__ = ["to_neo", "to_neo_segment"]


def _require():
    try:
        import neo
        import quantities as pq
    except ImportError as e:
        raise ImportError(f"to_neo needs neo and quantities: pip install 'neuroplast[neo]' ({e})") from None
    return neo, pq


def to_neo(run: Run, populations: Optional[Sequence[str]] = None, source: Optional[str] = None) -> List["neo.SpikeTrain"]:
    """One ``neo.SpikeTrain`` per neuron, in node-id order (silent neurons give empty trains).

    Times are in ms of network time; ``t_start`` = 0 ms and ``t_stop`` = the run's network
    time (manifest ``clock.duration_ms``; on the slow clock windows × window). Each train
    is annotated with ``node_id``, ``population``, ``x_um`` and ``y_um`` (µm) and named
    ``"<population>:<node_id>"``; ``populations`` keeps only those populations; ``source``
    (``"h5"`` or ``"bin"``) picks the spike file (default: spikes.h5 when present).
    """
    neo, pq = _require()
    run._single()
    spikes = run.spikes if source is None else run.read_spikes(source)
    neurons = run.neurons
    t_stop = run.duration_ms
    if len(spikes) and spikes["time_ms"].iloc[-1] > t_stop:
        from .errors import NeuroplastFormatError

        raise NeuroplastFormatError(run.path, f"has a spike at {spikes['time_ms'].iloc[-1]} ms, after the run's end at {t_stop} ms")
    keep = None if populations is None else set(populations)
    if keep is not None:
        unknown = keep - set(run.populations)
        if unknown:
            raise ValueError(f"no population(s) {sorted(unknown)} in the run; populations: {run.populations}")
    ids = spikes["node_id"].to_numpy()
    times = spikes["time_ms"].to_numpy()
    order = np.argsort(ids, kind="stable")  # stable: each neuron's times stay ascending
    bounds = np.searchsorted(ids[order], np.arange(len(neurons) + 1))
    sorted_times = times[order]
    trains = []
    pops = neurons["population"].astype(object).to_numpy()
    xs, ys = neurons["x_um"].to_numpy(), neurons["y_um"].to_numpy()
    for node in range(len(neurons)):
        pop = pops[node]
        if keep is not None and pop not in keep:
            continue
        t = sorted_times[bounds[node]:bounds[node + 1]]
        trains.append(neo.SpikeTrain(
            t, units=pq.ms, t_start=0.0 * pq.ms, t_stop=t_stop * pq.ms, name=f"{pop}:{node}",
            node_id=int(node), population=str(pop), x_um=float(xs[node]), y_um=float(ys[node]),
        ))
    return trains


def to_neo_segment(run: Run, populations: Optional[Sequence[str]] = None) -> "neo.Segment":
    """A ``neo.Segment`` holding :func:`to_neo`'s spike trains, annotated with the run's id and scenario."""
    neo, _ = _require()
    seg = neo.Segment(name=f"{run.scenario_name}/{run.run_id}" + (f"/{run.arm}" if run.arm else ""),
                      description=run.description or None, scenario=run.scenario_name, run_id=run.run_id,
                      neuroplast_version=run.version)
    for st in to_neo(run, populations):
        seg.spiketrains.append(st)
        st.segment = seg
    return seg
