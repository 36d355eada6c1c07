"""Sweeps: the tidy table from sweep.json + collect/results.csv, or computed when not collected."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import neuroplast
from _checks import assert_documented


def test_open_sweep(sweep_dir):
    df = neuroplast.open_sweep(sweep_dir)
    assert_documented(df, "sweep")
    assert df.columns.tolist() == ["point_id", "point_name", "point_index", "drive_kHz", "population", "metric", "value", "run_dir"]
    assert sorted(df["drive_kHz"].unique()) == [1.5, 2.5]
    assert set(df["population"]) == {"E", "I"}
    assert set(df["metric"]) == {"rate_hz", "cv_isi", "synchrony", "v_mean_mv", "g_ampa_ns", "g_nmda_ns", "g_gaba_ns"}
    assert len(df) == 2 * 2 * 7
    # values agree with the points' own run folders
    sweep = neuroplast.Sweep(sweep_dir)
    for pid, rows in df.groupby("point_id"):
        run = sweep.run(pid)
        assert str(run.path) == rows["run_dir"].iloc[0]
        got = rows[rows["metric"] == "rate_hz"].set_index("population")["value"]
        want = run.summary.set_index("population")["rate_hz"]
        assert np.allclose(got.loc[want.index], want)
    rates = df[(df["metric"] == "rate_hz") & (df["population"] == "E")].set_index("drive_kHz")["value"]
    assert rates.loc[2.5] > rates.loc[1.5]
    points = sweep.points
    assert points["done"].all() and points["drive_kHz"].tolist() == [1.5, 2.5]


def test_sweep_without_collect_is_computed_the_same(sweep_dir, tmp_path):
    copy = tmp_path / "sweep"
    shutil.copytree(sweep_dir, copy)
    shutil.rmtree(copy / "collect")
    with pytest.raises(neuroplast.MissingFileError, match="neuroplast sweep collect"):
        neuroplast.open_sweep(copy, collect_if_missing=False)
    computed = neuroplast.open_sweep(copy)
    collected = neuroplast.open_sweep(sweep_dir)
    pd.testing.assert_frame_equal(computed.drop(columns="run_dir"), collected.drop(columns="run_dir"),
                                  check_exact=False, rtol=1e-12)


def test_sweep_with_unfinished_point(sweep_dir, tmp_path):
    copy = tmp_path / "sweep"
    shutil.copytree(sweep_dir, copy)
    shutil.rmtree(copy / "collect")
    sweep = neuroplast.Sweep(copy)
    first = sweep.manifest["points"][0]
    (copy / first["run_dir"] / "manifest.json").unlink()
    with pytest.warns(UserWarning, match="not finished"):
        df = neuroplast.open_sweep(copy)
    assert set(df["point_id"]) == {sweep.manifest["points"][1]["id"]}
    for p in sweep.manifest["points"]:
        shutil.rmtree(copy / p["run_dir"])
    with pytest.raises(neuroplast.MissingFileError, match="no finished point"):
        neuroplast.open_sweep(copy)


def test_not_a_sweep(tmp_path, baseline):
    with pytest.raises(neuroplast.MissingFileError, match="sweep.json is missing"):
        neuroplast.open_sweep(baseline)
    (tmp_path / "sweep.json").write_text('{"format": "something-else", "version": 1}')
    with pytest.raises(neuroplast.NeuroplastFormatError, match="not 'neuroplast-sweep'"):
        neuroplast.open_sweep(tmp_path)
