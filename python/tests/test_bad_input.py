"""Bad input gives a clear NeuroplastFormatError naming the file — never wrong data."""

from __future__ import annotations

import json
import os
import struct

import h5py
import numpy as np
import pytest

import neuroplast
from neuroplast import MissingFileError, NeuroplastFormatError, RunNotFinishedError


def _rewrite_manifest(folder, **changes):
    path = folder / "manifest.json"
    m = json.loads(path.read_text())
    for k, v in changes.items():
        if v is None:
            m.pop(k, None)
        else:
            m[k] = v
    path.write_text(json.dumps(m))


# ---------------------------------------------------------------- unfinished runs, wrong folders

def test_stopped_run_is_not_finished(stopped):
    assert list(stopped.glob("*.partial")), "the stopped run left no .partial file"
    with pytest.raises(RunNotFinishedError, match=r"not finished: .*\.partial.*--resume") as e:
        neuroplast.open_run(stopped)
    assert e.value.path == str(stopped)


def test_partial_file_in_a_finished_folder(baseline, copy_run):
    folder = copy_run(baseline)
    (folder / "network" / "edges_300ms.h5.partial").write_bytes(b"")
    with pytest.raises(RunNotFinishedError, match="network/edges_300ms.h5.partial"):
        neuroplast.open_run(folder)


def test_run_files_without_manifest(baseline, copy_run):
    folder = copy_run(baseline)
    (folder / "manifest.json").unlink()
    with pytest.raises(RunNotFinishedError, match="no manifest.json"):
        neuroplast.open_run(folder)


def test_not_a_run_folder(tmp_path, baseline):
    with pytest.raises(NeuroplastFormatError, match="not a run folder"):
        neuroplast.open_run(tmp_path)
    with pytest.raises(NeuroplastFormatError, match="run folders below it: baseline"):
        neuroplast.open_run(baseline.parent.parent)  # <out>: the scenario folders are below it
    with pytest.raises(NeuroplastFormatError, match=r"not a run folder.*below it: .*baseline") as e:
        neuroplast.open_run(baseline.parent)  # <out>/<scenario>: the runs are below it
    assert not isinstance(e.value, RunNotFinishedError)
    with pytest.raises(MissingFileError) as e:
        neuroplast.open_run(tmp_path / "nowhere")
    assert isinstance(e.value, FileNotFoundError) and isinstance(e.value, ValueError)


def test_open_by_manifest_path(baseline):
    assert neuroplast.open_run(baseline / "manifest.json").path == baseline.resolve()


# ---------------------------------------------------------------- manifest: other program, version, format

@pytest.mark.parametrize("changes, message", [
    ({"version": "1.0.0"}, r"neuroplast 1\.0\.0.*0\.x"),
    ({"program": "brian2"}, "program 'brian2', not neuroplast"),
    ({"format": "neuroplast-run-v9"}, "has format 'neuroplast-run-v9'"),
    ({"format_version": 2}, "format_version 2"),
    ({"version": "banana"}, "not of the form"),
    ({"spikes": None}, "has no 'spikes'"),
])
def test_manifest_of_another_format(baseline, copy_run, changes, message):
    folder = copy_run(baseline)
    _rewrite_manifest(folder, **changes)
    with pytest.raises(NeuroplastFormatError, match=message) as e:
        neuroplast.open_run(folder)
    assert e.value.path.endswith("manifest.json")


def test_truncated_manifest(baseline, copy_run):
    folder = copy_run(baseline)
    raw = (folder / "manifest.json").read_bytes()
    (folder / "manifest.json").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(NeuroplastFormatError, match="not valid JSON"):
        neuroplast.open_run(folder)


def test_file_listed_in_manifest_is_gone(baseline, copy_run):
    folder = copy_run(baseline)
    (folder / "spikes.h5").unlink()
    with pytest.raises(MissingFileError, match="manifest.json lists spikes.h5"):
        neuroplast.open_run(folder)


# ---------------------------------------------------------------- spikes.bin

def _bin_case(folder, mutate):
    path = folder / "spikes.bin"
    raw = bytearray(path.read_bytes())
    path.write_bytes(bytes(mutate(raw)))
    return neuroplast.open_run(folder)


@pytest.mark.parametrize("mutate, message", [
    (lambda b: b"NOTSPIKE" + b[8:], "does not start with NPSPIKE1"),
    (lambda b: b[:8] + struct.pack("<I", 2) + b[12:], "format version 2"),
    (lambda b: b[:-3], r"not a whole number of 8-byte spike records .* truncated"),
    (lambda b: b[:-8], r"holds \d+ spike records but manifest.json counts"),
    (lambda b: b[:20], "shorter than the 32-byte"),
    (lambda b: b[:24] + struct.pack("<Q", 7) + b[32:], "header says 7 neurons"),
    (lambda b: b[:16] + struct.pack("<d", 0.05) + b[24:], "header dt is 0.05"),
])
def test_damaged_spikes_bin(baseline, copy_run, mutate, message):
    run = _bin_case(copy_run(baseline), mutate)
    with pytest.raises(NeuroplastFormatError, match=message) as e:
        run.read_spikes("bin")
    assert e.value.path.endswith("spikes.bin")


def test_unsorted_spikes_bin(baseline, copy_run):
    def swap(b):
        rec = np.frombuffer(bytes(b[32:]), dtype="<u4").reshape(-1, 2).copy()
        rec[[0, -1]] = rec[[-1, 0]]
        return b[:32] + rec.tobytes()
    run = _bin_case(copy_run(baseline), swap)
    with pytest.raises(NeuroplastFormatError, match="not sorted"):
        run.read_spikes("bin")


def test_spike_after_the_end(baseline, copy_run):
    def late(b):
        rec = np.frombuffer(bytes(b[32:]), dtype="<u4").reshape(-1, 2).copy()
        rec[-1, 0] = 5000  # 500 ms of a 300 ms run
        return b[:32] + rec.tobytes()
    run = _bin_case(copy_run(baseline), late)
    with pytest.raises(NeuroplastFormatError, match="after the run's end at 300.0 ms"):
        run.read_spikes("bin")


def test_spikes_bin_node_out_of_range(baseline, copy_run):
    def bad_id(b):
        rec = np.frombuffer(bytes(b[32:]), dtype="<u4").reshape(-1, 2).copy()
        rec[5, 1] = 10_000
        return b[:32] + rec.tobytes()
    run = _bin_case(copy_run(baseline), bad_id)
    with pytest.raises(NeuroplastFormatError, match="node id 10000, outside the run's 500 neurons"):
        run.spike_counts("bin")


def test_wrapped_steps_are_unwrapped(baseline, copy_run):
    """Steps are stored modulo 2**32: a smaller step after a larger one has wrapped."""
    folder = copy_run(baseline)
    path = folder / "spikes.bin"
    raw = path.read_bytes()
    rec = np.frombuffer(raw[32:], dtype="<u4").reshape(-1, 2).copy()
    half = len(rec) // 2
    rec[:half, 0] += np.uint32(2**32 - 10_000)  # first half just before the wrap, second half after it
    path.write_bytes(raw[:32] + rec.tobytes())
    m = json.loads((folder / "manifest.json").read_text())
    m["clock"]["duration_ms"] = 1e9  # the unwrapped times lie beyond the real run's end
    (folder / "manifest.json").write_text(json.dumps(m))
    run = neuroplast.open_run(folder)
    t = run.read_spikes("bin")["time_ms"].to_numpy()
    assert np.all(np.diff(t) >= 0)
    chunked = np.concatenate([c["time_ms"].to_numpy() for c in run.iter_spikes(chunk=7, source="bin")])
    assert np.array_equal(chunked, t)
    assert np.isclose(t[half], (2**32 + int(rec[half, 0])) * run.dt_ms)


# ---------------------------------------------------------------- spikes.h5

def test_truncated_spikes_h5(baseline, copy_run):
    folder = copy_run(baseline)
    path = folder / "spikes.h5"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 3])
    run = neuroplast.open_run(folder)
    with pytest.raises(NeuroplastFormatError, match="cannot be opened as HDF5") as e:
        run.spikes
    assert e.value.path.endswith("spikes.h5")


def test_spikes_h5_that_is_not_hdf5(baseline, copy_run):
    folder = copy_run(baseline)
    (folder / "spikes.h5").write_bytes(b"not an hdf5 file at all" * 100)
    with pytest.raises(NeuroplastFormatError, match="cannot be opened as HDF5"):
        neuroplast.open_run(folder).read_spikes("h5")


def test_spikes_h5_with_wrong_layout(baseline, copy_run):
    folder = copy_run(baseline)
    with h5py.File(folder / "spikes.h5", "a") as f:
        del f["spikes/network/node_ids"]
    with pytest.raises(NeuroplastFormatError, match="no dataset /spikes/network/node_ids"):
        neuroplast.open_run(folder).read_spikes("h5")


def test_spikes_h5_shorter_than_manifest(baseline, copy_run):
    folder = copy_run(baseline)
    with h5py.File(folder / "spikes.h5", "a") as f:
        for name in ("timestamps", "node_ids"):
            d = f[f"spikes/network/{name}"]
            d.resize((d.shape[0] - 5,))
    with pytest.raises(NeuroplastFormatError, match=r"holds \d+ spikes but manifest.json counts"):
        neuroplast.open_run(folder).read_spikes("h5")


def test_spikes_h5_of_another_version(baseline, copy_run):
    folder = copy_run(baseline)
    with h5py.File(folder / "spikes.h5", "a") as f:
        f.attrs["neuroplast_version"] = "0.0.9"
    with pytest.raises(NeuroplastFormatError, match="written by neuroplast 0.0.9 but manifest.json by"):
        neuroplast.open_run(folder).spikes


def test_spikes_h5_unsorted(baseline, copy_run):
    folder = copy_run(baseline)
    with h5py.File(folder / "spikes.h5", "a") as f:
        t = f["spikes/network/timestamps"]
        first, last = t[0], t[-1]
        t[0], t[-1] = last, first
    with pytest.raises(NeuroplastFormatError, match="not sorted"):
        neuroplast.open_run(folder).spikes


def test_no_spikes_recorded(baseline, copy_run):
    folder = copy_run(baseline)
    (folder / "spikes.h5").unlink()
    (folder / "spikes.bin").unlink()
    _rewrite_manifest(folder, files=[f for f in json.loads((baseline / "manifest.json").read_text())["files"]
                                     if not f.startswith("spikes.")])
    run = neuroplast.open_run(folder)
    assert not run.has("spikes")
    with pytest.raises(MissingFileError, match=r"record.spikes: false"):
        run.spikes


# ---------------------------------------------------------------- CSV tables

def test_truncated_csv(baseline, copy_run):
    folder = copy_run(baseline)
    path = folder / "metrics.csv"
    raw = path.read_bytes()
    path.write_bytes(raw[:-12])
    with pytest.raises(NeuroplastFormatError, match="truncated") as e:
        neuroplast.open_run(folder).metrics
    assert e.value.path.endswith("metrics.csv")


def test_csv_of_another_format(baseline, copy_run):
    folder = copy_run(baseline)
    path = folder / "metrics.csv"
    text = path.read_text().replace("g_gaba_ns,", "g_gaba_b_ns,", 1)
    path.write_text(text)
    with pytest.raises(NeuroplastFormatError, match="expected column 'g_gaba_ns' at position 7, found 'g_gaba_b_ns'"):
        neuroplast.open_run(folder).metrics
    path.write_text(text.replace("g_gaba_b_ns,", "g_gaba_ns,").replace("synchrony\n", "synchrony,extra\n", 1))
    with pytest.raises(NeuroplastFormatError, match="unexpected column 'extra'"):
        neuroplast.open_run(folder).metrics


def test_csv_value_that_does_not_parse(baseline, copy_run):
    folder = copy_run(baseline)
    path = folder / "neurons.csv"
    lines = path.read_text().splitlines(keepends=True)
    parts = lines[3].rstrip("\n").split(",")
    parts[2] = "left"  # x_um
    lines[3] = ",".join(parts) + "\n"
    path.write_text("".join(lines))
    with pytest.raises(NeuroplastFormatError, match="cannot be read as neurons"):
        neuroplast.open_run(folder).neurons


def test_population_not_in_neurons(baseline, copy_run):
    folder = copy_run(baseline)
    path = folder / "metrics.csv"
    path.write_text(path.read_text().replace(",sst,", ",vip,"))
    with pytest.raises(NeuroplastFormatError, match=r"names populations \['vip'\]"):
        neuroplast.open_run(folder).metrics


# ---------------------------------------------------------------- missing optional data, arms

def test_missing_optional_data_says_why(baseline, arms_run):
    run = neuroplast.open_run(baseline)
    with pytest.raises(MissingFileError, match=r"slow.csv: the run has no slow clock"):
        run.slow
    with pytest.raises(MissingFileError, match="records no LFP"):
        run.lfp
    with pytest.raises(MissingFileError, match="no slow clock, so no windows"):
        run.windows
    with pytest.raises(MissingFileError, match=r"no connectome at 150 ms; available times: \[100.0, 300.0\]"):
        run.connectome(150)
    parent = neuroplast.open_run(arms_run)
    with pytest.raises(NeuroplastFormatError, match=r"run with arms \(control, low-drive\).*run.arms\['control'\]"):
        parent.spikes
    with pytest.raises(NeuroplastFormatError, match="arms"):
        parent.manifest


def test_damaged_arms_listing(arms_run, copy_run):
    folder = copy_run(arms_run)
    (folder / "arms.json").write_text("{\"arms\": 3}")
    with pytest.raises(NeuroplastFormatError, match="not an arms listing"):
        neuroplast.open_run(folder)


def test_error_type_is_a_value_error():
    assert issubclass(NeuroplastFormatError, ValueError)
    assert issubclass(RunNotFinishedError, NeuroplastFormatError)
    e = NeuroplastFormatError(os.path.join("a", "b.csv"), "is wrong")
    assert str(e) == f"{os.path.join('a', 'b.csv')}: is wrong" and e.problem == "is wrong"


def test_non_finite_numbers_are_read_as_such(baseline, copy_run):
    """The simulator writes a non-finite number as nan/inf/-inf and "no value" as an empty cell."""
    folder = copy_run(baseline)
    path = folder / "metrics.csv"
    lines = path.read_text().splitlines(keepends=True)
    parts = lines[1].rstrip("\n").split(",")
    parts[3], parts[4], parts[5] = "nan", "inf", "-inf"  # v_mean_mv, g_ampa_ns, g_nmda_ns
    lines[1] = ",".join(parts) + "\n"
    path.write_text("".join(lines))
    m = neuroplast.open_run(folder).metrics
    assert np.isnan(m.loc[0, "v_mean_mv"]) and m.loc[0, "g_ampa_ns"] == np.inf and m.loc[0, "g_nmda_ns"] == -np.inf
    assert m["rate_hz"].dtype == np.float64
