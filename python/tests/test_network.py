"""The SONATA network files: libsonata opens them with the right sizes; they agree with the CSV connectome."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

import neuroplast
from _checks import assert_documented


def _check_network(folder, time_ms):
    import libsonata

    run = neuroplast.open_run(folder)
    net = folder / "network"
    assert (net / "nodes.h5").exists(), f"{net}/nodes.h5 missing: the binary wrote no SONATA network files"
    nodes = libsonata.NodeStorage(str(net / "nodes.h5"))
    assert nodes.population_names == {"network"}
    npop = nodes.open_population("network")
    assert npop.size == run.manifest["network"]["neurons"]
    assert {"x", "y"} <= set(npop.attribute_names)
    sel = libsonata.Selection([[0, npop.size]])
    assert np.allclose(npop.get_attribute("x", sel), run.neurons["x_um"], atol=0.006)  # neurons.csv: 2 decimals
    assert np.allclose(npop.get_attribute("y", sel), run.neurons["y_um"], atol=0.006)
    types = pd.read_csv(net / "node_types.csv", sep=" ")
    assert types["pop_name"].tolist() == run.populations

    stamp = f"{int(time_ms)}ms"
    edges = libsonata.EdgeStorage(str(net / f"edges_{stamp}.h5"))
    assert edges.population_names == {"network_to_network"}
    epop = edges.open_population("network_to_network")
    csv = run.connectome(time_ms)
    assert epop.size == len(csv)
    assert epop.source == "network" and epop.target == "network"
    assert {"syn_weight", "delay", "formation_time"} <= set(epop.attribute_names)
    # libsonata's indices: the afferent edges of a node are the CSV rows with that post
    post = int(csv["post"].iloc[len(csv) // 2])
    aff = epop.afferent_edges([post])
    assert aff.flat_size == int((csv["post"] == post).sum())
    pre = int(csv["pre"].iloc[0])
    eff = epop.efferent_edges([pre])
    assert eff.flat_size == int((csv["pre"] == pre).sum())

    e = run.edges(time_ms)
    assert_documented(e, "edges")
    assert len(e) == len(csv)
    a = e[["pre", "post", "weight"]].sort_values(["post", "pre"]).reset_index(drop=True)
    b = csv.sort_values(["post", "pre"]).reset_index(drop=True)
    assert (a[["pre", "post"]].to_numpy() == b[["pre", "post"]].to_numpy()).all()
    assert np.allclose(a["weight"], b["weight"], rtol=1e-6)
    assert (e["delay_ms"] >= run.dt_ms - 1e-12).all()

    circuit = json.loads((net / f"circuit_{stamp}.json").read_text())
    assert circuit["networks"]["edges"][0]["edges_file"].endswith(f"edges_{stamp}.h5")
    return run, e


def test_sonata_network_fast_clock(baseline):
    run, e = _check_network(baseline, 300)
    assert "formation_time_ms" in e.columns and e["formation_time_ms"].isna().all()  # no plasticity: all initial
    assert run.network_times == [100.0, 300.0]
    libsonata_circuit(baseline / "network" / "circuit_300ms.json", run)


def libsonata_circuit(path, run):
    import libsonata

    cfg = libsonata.CircuitConfig.from_file(str(path))
    assert "network" in cfg.node_populations
    assert "network_to_network" in cfg.edge_populations
    assert cfg.node_population("network").size == run.manifest["network"]["neurons"]


def test_sonata_network_slow_clock(ketamine):
    run, e = _check_network(ketamine, 400)
    assert "formation_time_h" in e.columns
    formed = e["formation_time_h"].dropna()
    # spines realised at the second window (1 h) carry their formation time in hours
    assert len(formed) > 0 and set(formed.round(4)) <= {1.0}


def test_sonata_network_with_structural_plasticity(structural):
    run, e = _check_network(structural, 600)
    assert e["formation_time_ms"].notna().all()  # the network starts without synapses
    assert e["formation_time_ms"].between(0, 600).all()
