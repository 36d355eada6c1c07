"""Spikes: spikes.h5 and spikes.bin agree with each other, with the manifest and with libsonata."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import neuroplast
from _checks import assert_documented


def test_h5_bin_and_manifest_agree(single_runs):
    for name, folder in single_runs.items():
        run = neuroplast.open_run(folder)
        h5 = run.read_spikes("h5")
        bn = run.read_spikes("bin")
        assert len(h5) == len(bn) == run.manifest["spikes"], name
        pd.testing.assert_frame_equal(h5, bn, check_exact=True)
        assert run.spike_source == "h5"
        pd.testing.assert_frame_equal(run.spikes, h5)
        assert_documented(run.spikes, "spikes")


def test_spike_times_are_steps_of_dt(baseline):
    run = neuroplast.open_run(baseline)
    s = run.spikes
    steps = s["time_ms"].to_numpy() / run.dt_ms
    assert np.allclose(steps, np.round(steps), atol=1e-6)
    assert s["time_ms"].min() >= 0 and s["time_ms"].max() <= run.duration_ms
    assert s["time_ms"].is_monotonic_increasing
    assert list(s["population"].cat.categories) == ["pyr", "pv", "sst"]
    # population of each spike is the neuron's
    pops = run.neurons.set_index("node_id")["population"]
    assert (pops.loc[s["node_id"]].to_numpy() == s["population"].to_numpy()).all()


@pytest.mark.parametrize("source", ["h5", "bin"])
def test_iter_spikes_chunks_rebuild_the_whole(ketamine, source):
    run = neuroplast.open_run(ketamine)
    chunks = list(run.iter_spikes(chunk=1000, source=source))
    assert all(len(c) <= 1000 for c in chunks)
    assert len(chunks) == -(-run.manifest["spikes"] // 1000)
    for c in chunks:
        assert_documented(c, "spikes")
    whole = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(whole, run.spikes)


def test_spike_counts(baseline):
    run = neuroplast.open_run(baseline)
    c = run.spike_counts()
    assert_documented(c, "spike_counts")
    assert len(c) == run.manifest["network"]["neurons"]
    assert c["count"].sum() == run.manifest["spikes"]
    expected = run.spikes.groupby("node_id").size().reindex(range(len(c)), fill_value=0).to_numpy()
    assert (c["count"].to_numpy() == expected).all()
    pd.testing.assert_frame_equal(run.spike_counts("bin"), c)
    # rates from the counts agree with metrics.csv over the whole run
    per_pop = c.groupby("population", observed=True)["count"].sum()
    sizes = run.neurons.groupby("population", observed=True).size()
    rates = per_pop / sizes / (run.duration_ms / 1000)
    m = run.metrics.groupby("population", observed=True)["rate_hz"].mean()
    assert np.allclose(rates.loc[m.index], m, atol=1e-3)


def test_libsonata_reads_the_same_spikes(single_runs):
    import libsonata

    for name, folder in single_runs.items():
        run = neuroplast.open_run(folder)
        reader = libsonata.SpikeReader(str(folder / "spikes.h5"))
        assert reader.get_population_names() == ["network"], name
        pop = reader["network"]
        assert pop.sorting == "by_time"
        got = pop.get()
        assert len(got) == run.manifest["spikes"], name
        ids = np.array([g[0] for g in got], dtype=np.int64)
        times = np.array([g[1] for g in got])
        s = run.spikes
        assert (ids == s["node_id"].to_numpy()).all(), name
        assert np.array_equal(times, s["time_ms"].to_numpy()), name
        if len(s):
            t0, t1 = pop.times
            assert t0 <= s["time_ms"].iloc[0] and t1 >= s["time_ms"].iloc[-1]


def test_spikes_h5_metadata(baseline):
    import h5py

    with h5py.File(baseline / "spikes.h5", "r") as f:
        assert f.attrs["dt_ms"] == 0.1
        version = f.attrs["neuroplast_version"]
        version = version.decode() if isinstance(version, bytes) else version
        assert version == neuroplast.open_run(baseline).version
        assert f["spikes/network/timestamps"].attrs["units"] in ("ms", b"ms")
        assert f["spikes/network/timestamps"].dtype == np.float64
        assert f["spikes/network/node_ids"].dtype == np.uint64
