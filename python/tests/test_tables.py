"""Every DataFrame has exactly its documented columns, and the README documents the same lists."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

import neuroplast
from neuroplast.columns import TABLES, markdown_table
from _checks import assert_documented

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_documents_every_table_as_the_code_does():
    text = README.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^#### `(\w+)`[^\n]*\n(?:[^\n|][^\n]*\n|\n)*?(\|[^\n]*\n(?:\|[^\n]*\n)+)", text, flags=re.M))
    assert set(sections) == set(TABLES), f"README column tables: {sorted(sections)}; code: {sorted(TABLES)}"
    for name, table in sections.items():
        assert table.strip() == markdown_table(name), f"README table of {name} differs from neuroplast.columns"


def test_fast_run_tables(baseline, opto, wm, structural):
    run = neuroplast.open_run(baseline)
    for t in ("neurons", "metrics", "summary"):
        assert_documented(getattr(run, t), t)
    assert len(run.metrics) == 6 * 3
    assert run.summary["population"].tolist() == ["pyr", "pv", "sst"]
    s = run.summary.set_index("population")
    for pop, v in run.manifest["summary_after_transient"].items():
        assert np.isclose(s.loc[pop, "rate_hz"], v["rate_hz"])
    for t in ("slow", "lfp", "bands", "bump", "structure", "interventions"):
        assert not run.has(t)

    o = neuroplast.open_run(opto)
    for t in ("lfp", "lfp_electrodes", "bands", "spectrum", "overlap"):
        assert_documented(getattr(o, t), t)
    assert "hours" not in o.lfp.columns
    assert len(o.lfp) == 300 and [c for c in o.lfp.columns if c != "time_ms"] == [f"e{k}" for k in range(9)]
    assert o.lfp_electrodes["electrode"].tolist() == [f"e{k}" for k in range(9)]
    assert len(o.bands) == 3
    assert o.overlap["name"].tolist() == ["before-vs-light"]

    w = neuroplast.open_run(wm)
    assert_documented(w.bump, "bump")
    assert len(w.bump) == 1 and w.manifest["bump"]["trials"] == 1
    assert w.bump["held"].dtype == bool

    st = neuroplast.open_run(structural)
    assert_documented(st.structure, "structure")
    assert_documented(st.interventions, "interventions")
    assert set(st.structure["scope"].astype(str)) <= {"projection", "population", "network"}
    kinds = st.interventions["kind"].astype(str).tolist()
    assert kinds == ["block_formation", "lesion", "block_formation_end"]
    assert st.interventions["prevented_formations"].iloc[-1] >= 0


def test_slow_clock_tables(ketamine):
    run = neuroplast.open_run(ketamine)
    assert run.is_slow_clock
    for t in ("slow", "windows", "lfp", "bands", "spectrum"):
        assert_documented(getattr(run, t), t)
    slow = run.slow
    assert len(slow) == 24  # 2 h in steps of 5 min
    assert slow["window"].sum() == 2
    assert {"ketamine_brain_free_um", "norketamine_plasma_ng_ml"} <= set(slow.columns)
    assert [c for c in slow.columns if c.startswith("block_")] == ["block_pyr", "block_pv", "block_sst"]
    w = run.windows
    assert w["slow_time_h"].tolist() == [0.0, 1.0]
    assert w["start_ms"].tolist() == [0.0, 200.0] and w["stop_ms"].tolist() == [200.0, 400.0]
    # the LFP's `hours` column names the same windows
    lfp = run.lfp
    assert "hours" in lfp.columns
    for k, row in w.iterrows():
        inside = lfp[(lfp["time_ms"] > row["start_ms"]) & (lfp["time_ms"] <= row["stop_ms"])]
        assert set(inside["hours"]) == {row["slow_time_h"]}
    assert run.bands["hours"].tolist() == [0.0, 1.0]


def test_connectome_tables(baseline, ketamine):
    run = neuroplast.open_run(baseline)
    assert run.connectome_times == [100.0, 300.0]
    c = run.connectome()
    assert_documented(c, "connectome")
    assert len(c) == run.manifest["network"]["synapses"]
    pd.testing.assert_frame_equal(run.connectome(300), c)
    assert len(run.connectome(100.0)) == len(c)
    k = neuroplast.open_run(ketamine)
    assert k.connectome_times == [400.0]  # `end` = windows × window


def test_arms(arms_run):
    run = neuroplast.open_run(arms_run)
    assert run.is_arms and list(run.arms) == ["control", "low-drive"]
    for name, arm in run.arms.items():
        assert arm.arm == name and arm.run_id == "arms"
        assert_documented(arm.metrics, "metrics")
        assert len(arm.spikes) == arm.manifest["spikes"]
    low = run.arms["low-drive"].summary.set_index("population")
    ctl = run.arms["control"].summary.set_index("population")
    assert low.loc["pyr", "rate_hz"] < ctl.loc["pyr", "rate_hz"]
    alone = neuroplast.open_run(arms_run / "control")  # an arm's folder opened on its own knows it is one
    assert alone.arm == "control" and alone.run_id == "arms"
    assert "arm control" in run.describe() or "control" in run.describe()


def test_columns_doc_frame():
    doc = neuroplast.columns("metrics")
    assert doc["column"].tolist() == TABLES["metrics"].names
    assert set(doc.columns) == {"column", "dtype", "unit", "description", "optional"}
