"""Neo export: one SpikeTrain per neuron, in ms, with the neuron's annotations."""

from __future__ import annotations

import numpy as np
import pytest
import quantities as pq

import neuroplast


def test_to_neo(baseline):
    run = neuroplast.open_run(baseline)
    trains = neuroplast.to_neo(run)
    assert len(trains) == run.manifest["network"]["neurons"]
    counts = run.spike_counts()
    assert [len(t) for t in trains] == counts["count"].tolist()
    assert sum(len(t) for t in trains) == run.manifest["spikes"]
    t = trains[int(counts["count"].idxmax())]
    assert t.units == pq.ms
    assert t.t_start == 0 * pq.ms and t.t_stop == run.duration_ms * pq.ms
    node = t.annotations["node_id"]
    assert t.annotations["population"] == run.neurons.loc[node, "population"]
    assert t.annotations["x_um"] == run.neurons.loc[node, "x_um"]
    expected = run.spikes.loc[run.spikes["node_id"] == node, "time_ms"].to_numpy()
    assert np.array_equal(t.magnitude, expected)
    per_pop = {}
    for tr in trains:
        per_pop[tr.annotations["population"]] = per_pop.get(tr.annotations["population"], 0) + len(tr)
    assert per_pop == run.spikes.groupby("population", observed=False).size().to_dict()
    # Elephant-style use: a mean firing rate from the train itself
    rate = (len(t) / (t.t_stop - t.t_start)).rescale(pq.Hz)
    assert rate.magnitude > 0


def test_to_neo_filter_and_segment(ketamine):
    run = neuroplast.open_run(ketamine)
    pv = neuroplast.to_neo(run, populations=["pv"])
    assert len(pv) == (run.neurons["population"] == "pv").sum()
    assert all(t.annotations["population"] == "pv" for t in pv)
    assert all(t.t_stop == run.duration_ms * pq.ms for t in pv)  # slow clock: windows × window of network time
    seg = neuroplast.to_neo_segment(run)
    assert len(seg.spiketrains) == run.manifest["network"]["neurons"]
    with pytest.raises(ValueError, match="no population"):
        neuroplast.to_neo(run, populations=["nope"])
