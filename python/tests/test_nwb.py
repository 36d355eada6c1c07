"""NWB export: nwbinspector finds nothing critical and no best-practice violation; pynwb reads it back."""

from __future__ import annotations

import numpy as np
import pytest

import neuroplast

BAD = ("CRITICAL", "BEST_PRACTICE_VIOLATION", "PYNWB_VALIDATION_ERROR", "ERROR")


def _export_and_check(folder, tmp_path):
    from nwbinspector import inspect_nwbfile
    from pynwb import NWBHDF5IO

    run = neuroplast.open_run(folder)
    out = neuroplast.to_nwb(run, tmp_path / f"{folder.name}.nwb")
    messages = list(inspect_nwbfile(nwbfile_path=str(out)))
    bad = [f"{m.importance.name} {m.check_function_name} {m.object_type} {m.object_name}: {m.message}"
           for m in messages if m.importance.name in BAD]
    assert not bad, "\n".join(bad)
    with NWBHDF5IO(str(out), "r") as io:
        f = io.read()
        units = f.units.to_dataframe()
        got = {p: int(sum(len(t) for t in units.loc[units["population"] == p, "spike_times"])) for p in run.populations}
        expected = run.spikes.groupby("population", observed=False).size().to_dict()
        assert got == {p: int(expected[p]) for p in run.populations}
        assert sum(got.values()) == run.manifest["spikes"]
        assert units.index.tolist() == list(range(run.manifest["network"]["neurons"]))
        # spike times of one busy neuron, in seconds
        busiest = int(run.spike_counts()["count"].idxmax())
        mine = run.spikes.loc[run.spikes["node_id"] == busiest, "time_ms"].to_numpy() / 1000
        assert np.allclose(units.loc[busiest, "spike_times"], mine, rtol=0, atol=1e-12)
        assert np.isclose(f.units.resolution, run.dt_ms / 1000)
        assert np.allclose(units["x_um"], run.neurons["x_um"])
        session = run.run_id + (f"-{run.arm}" if run.arm else "")
        assert f.identifier == f"{session}-{run.manifest['scenario']['sha256']}" and f.session_id == session
        assert f.session_description == (run.description or f.session_description)
        assert f.subject.species.endswith("NCBITaxon_32630")
        assert abs((f.session_start_time - run.started_at).total_seconds()) < 1e-3
        assert f.experimenter is None and f.lab is None and f.institution is None
        metrics = f.processing["population_metrics"]
        for pop in run.populations:
            ts = metrics[f"{pop}_rate_hz"]
            rows = run.metrics[run.metrics["population"] == pop]
            assert np.allclose(ts.data[:], rows["rate_hz"], equal_nan=True)
            assert ts.unit == "Hz"
            times = rows["time_ms"].to_numpy() / 1000
            if ts.rate is not None:  # whole record intervals: a rate; a shorter last one: timestamps
                assert np.isclose(ts.rate, 1000 / run.manifest["clock"]["record_interval_ms"])
                assert np.allclose(ts.starting_time + np.arange(len(rows)) / ts.rate, times)
            else:
                assert np.allclose(ts.timestamps[:], times)
        return run, f, out, messages


def test_nwb_fast_run(baseline, tmp_path):
    _export_and_check(baseline, tmp_path)


def test_nwb_lfp_and_bands(opto, tmp_path):
    from pynwb import NWBHDF5IO

    run, _, out, _ = _export_and_check(opto, tmp_path)
    with NWBHDF5IO(str(out), "r") as io:
        f = io.read()
        ecephys = f.processing["ecephys"]
        lfp = ecephys["lfp_proxy"]
        assert lfp.unit == "pA" and "NOT a voltage" in lfp.description
        assert lfp.data.shape == (300, 9)
        assert np.allclose(lfp.data[:], run.lfp[[f"e{k}" for k in range(9)]].to_numpy())
        assert np.isclose(lfp.rate, 1000.0) and np.isclose(lfp.starting_time, 0.001)
        gamma = ecephys["band_power_gamma"]
        assert gamma.unit == "pA^2" and np.allclose(gamma.data[:], run.bands["gamma"], equal_nan=True)
        assert len(ecephys["lfp_proxy_spectrum"]) == len(run.spectrum)
        assert ecephys["lfp_proxy_electrodes"].to_dataframe()["x_um"].tolist() == run.lfp_electrodes["x_um"].tolist()
        assert "overlap" in f.processing["readouts"].data_interfaces


def test_nwb_slow_clock(ketamine, tmp_path):
    from pynwb import NWBHDF5IO

    run, _, out, _ = _export_and_check(ketamine, tmp_path)
    with NWBHDF5IO(str(out), "r") as io:
        f = io.read()
        slow = f.processing["slow_clock"]
        steps = slow["slow_steps"].to_dataframe()
        assert len(steps) == len(run.slow)
        assert np.allclose(steps["stop_time"], run.slow["time_h"] * 3600, atol=0.5)  # file prints h to 4 decimals
        assert np.allclose(steps["stop_time"] - steps["start_time"], 300.0)
        assert np.allclose(steps["ketamine_brain_free_um"], run.slow["ketamine_brain_free_um"])
        assert steps["window"].tolist() == run.slow["window"].tolist()
        win = slow["windows"].to_dataframe()
        assert win["slow_time_s"].tolist() == [0.0, 3600.0]
        assert win["start_time"].tolist() == [0.0, 0.2]
        assert "lfp_proxy" in f.processing["ecephys"].data_interfaces


def test_nwb_readouts(wm, structural, tmp_path):
    from pynwb import NWBHDF5IO

    _export_and_check(wm, tmp_path)
    run, _, out, _ = _export_and_check(structural, tmp_path)
    with NWBHDF5IO(str(out), "r") as io:
        f = io.read()
        r = f.processing["readouts"]
        assert r["interventions"].to_dataframe()["kind"].tolist() == run.interventions["kind"].astype(str).tolist()
        assert len(r["structure"]) == len(run.structure)


def test_nwb_arm_and_refusals(arms_run, baseline, tmp_path):
    run = neuroplast.open_run(arms_run)
    with pytest.raises(neuroplast.NeuroplastFormatError, match="arms"):
        neuroplast.to_nwb(run, tmp_path / "x.nwb")
    _, f, _, _ = _export_and_check(arms_run / "low-drive", tmp_path)
    assert f.session_id == "arms-low-drive" and "(arm 'low-drive')" in f.experiment_description
    out = tmp_path / "twice.nwb"
    neuroplast.to_nwb(baseline, out)
    with pytest.raises(FileExistsError):
        neuroplast.to_nwb(baseline, out)
    neuroplast.to_nwb(baseline, out, overwrite=True)
    assert not list(tmp_path.glob("*.partial*"))
