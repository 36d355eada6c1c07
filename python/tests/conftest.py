"""Session fixtures: real runs of the neuroplast binary on shortened shipped scenarios.

The binary is ``$NEUROPLAST_BIN`` or ``<repo>/.build/debug/neuroplast``; if it is missing
or does not run, every test that needs a run FAILS with the reason (nothing is skipped).
The runs go into one temporary folder, two at a time, each on one thread.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "Scenarios"
DEFAULT_BIN = REPO / ".build" / "debug" / "neuroplast"

FAST = ["--set", "time.duration=300 ms", "--set", "time.transient=100 ms"]
SLOW = ["--set", "slow_clock.duration=2 h", "--set", "slow_clock.windows=[{until: 2 h, every: 1 h}]",
        "--set", "slow_clock.window=200 ms", "--set", "slow_clock.settle=50 ms"]


def counts(*c: int) -> List[str]:
    out: List[str] = []
    for k, n in enumerate(c):
        out += ["--set", f"populations.{k}.count={n}"]
    return out


PFC = counts(400, 60, 40)

# name → (scenario file, extra arguments); run id = name
RUNS: Dict[str, tuple] = {
    "baseline": ("baseline-pfc.yaml", FAST + PFC + ["--set", "record.connectome=[100 ms, end]"]),
    "ketamine": ("ketamine-rodent.yaml", SLOW + PFC + [
        "--set", "record.lfp={electrodes: {grid: [2, 2]}}", "--set", "record.bands={window: 100 ms}",
        "--set", "record.connectome=[end]"]),
    "opto": ("optogenetics-pfc.yaml", FAST + PFC + [
        "--set", "time.record_interval=100 ms", "--set", "record.bands.window=100 ms",
        "--set", "stimuli.0.start=50 ms", "--set", "stimuli.0.stop=150 ms",
        "--set", "stimuli.1.start=150 ms", "--set", "stimuli.1.stop=250 ms",
        "--set", "record.overlap.0.a={from: 0 ms, to: 100 ms}", "--set", "record.overlap.0.b={from: 150 ms, to: 250 ms}"]),
    "wm": ("working-memory-ring.yaml", [
        "--set", "time.duration=800 ms", "--set", "time.transient=100 ms", "--set", "stimuli.0.start=100 ms",
        "--set", "stimuli.0.count=1", "--set", "stimuli.1.count=1", "--set", "stimuli.1.start=700 ms",
        "--set", "stimuli.1.duration=50 ms", "--set", "record.bump.delay=300 ms"] + counts(256, 64)),
    "structural": ("structural-homeostasis.yaml", [
        "--set", "time.duration=600 ms", "--set", "time.transient=100 ms", "--set", "drive.1.stop=300 ms",
        "--set", "record.spikes=true", "--set", "record.connectome=[end]",
        "--set", "interventions=[{name: cut, at: 400 ms, population: E, lesion: {from: E, to: E, fraction: 0.5}}, "
                 "{name: noform, at: 250 ms, population: E, block_formation: {until: 500 ms}}]"] + counts(140, 20, 40)),
    "arms": ("baseline-pfc.yaml", [
        "--set", "time.duration=200 ms", "--set", "time.transient=50 ms",
        "--set", "arms=[{name: control, set: {}}, {name: low-drive, set: {drive.0.poisson.rate: 300 Hz}}]"] + counts(200, 30, 20)),
}

SWEEP_YAML = """\
sweep: 1
name: two-point
description: Two drive rates of the tiny E/I network.
base: tiny-ei.yaml
set:
  time.duration: 200 ms
axes:
  - {key: drive.0.poisson.rate, name: drive, values: [1.5 kHz, 2.5 kHz]}
"""


@dataclass
class Result:
    name: str
    path: Optional[Path]
    error: Optional[str]

    def folder(self) -> Path:
        if self.error:
            pytest.fail(self.error, pytrace=False)
        assert self.path is not None
        return self.path


def _binary() -> Path:
    path = Path(os.environ.get("NEUROPLAST_BIN") or DEFAULT_BIN)
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"the neuroplast binary is missing: {path} is not an executable file. Build it (`swift build` in {REPO}) "
            "or point NEUROPLAST_BIN at one.", pytrace=False)
    try:
        r = subprocess.run([str(path), "--help"], capture_output=True, text=True, timeout=60)
    except OSError as e:
        pytest.fail(f"cannot run {path}: {e}", pytrace=False)
    if r.returncode != 0:
        pytest.fail(f"{path} --help exited with {r.returncode}: {r.stderr.strip()}", pytrace=False)
    return path


def _run(cmd: List[str], what: str, ok=(0,)) -> Optional[str]:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if r.returncode not in ok:
        return f"{what} failed with exit code {r.returncode}:\n$ {' '.join(cmd)}\n{r.stderr.strip()[-3000:]}"
    return None


@pytest.fixture(scope="session")
def neuroplast_bin() -> Path:
    return _binary()


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("runs")


def _one(binary: Path, out: Path, name: str) -> Result:
    scenario, extra = RUNS[name]
    cmd = [str(binary), "run", str(SCENARIOS / scenario), "--out", str(out), "--run-id", name, "--quiet", "--no-frames",
           "--threads", "1"] + extra
    err = _run(cmd, f"neuroplast run {scenario} ({name})")
    stem = scenario[: -len(".yaml")]
    return Result(name, None if err else out / stem / name, err)


def _sweep(binary: Path, out: Path) -> Result:
    folder = out / "sweep-src"
    folder.mkdir()
    shutil.copy(SCENARIOS / "sweeps" / "tiny-ei.yaml", folder / "tiny-ei.yaml")
    (folder / "two.yaml").write_text(SWEEP_YAML)
    dest = out / "sweep"
    for cmd, what in (([str(binary), "sweep", "plan", str(folder / "two.yaml"), "--out", str(dest)], "sweep plan"),
                      ([str(binary), "sweep", "run", str(dest), "--jobs", "1"], "sweep run"),
                      ([str(binary), "sweep", "collect", str(dest), "--no-figures"], "sweep collect")):
        err = _run(cmd, what)
        if err:
            return Result("sweep", None, err)
    return Result("sweep", dest, None)


def _stopped(binary: Path, out: Path) -> Result:
    """A run stopped by SIGTERM: a checkpoint and .partial files, no manifest (exit 3)."""
    cmd = [str(binary), "run", str(SCENARIOS / "baseline-pfc.yaml"), "--out", str(out), "--run-id", "stopped", "--quiet",
           "--no-frames", "--threads", "1", "--set", "time.duration=60 s"] + counts(200, 30, 20)
    folder = out / "baseline-pfc" / "stopped"
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None and not (folder / "metrics.csv.partial").exists():
        time.sleep(0.05)
    time.sleep(0.3)
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        p.kill()
        return Result("stopped", None, "the run stopped with SIGTERM did not exit")
    if p.returncode != 3:
        return Result("stopped", None, f"the run stopped with SIGTERM exited with {p.returncode}, expected 3:\n{err[-2000:]}")
    return Result("stopped", folder, None)


@pytest.fixture(scope="session")
def runs(neuroplast_bin, out_dir) -> Dict[str, Result]:
    """Every run of the suite, made once, two at a time."""
    jobs = {name: (lambda n=name: _one(neuroplast_bin, out_dir, n)) for name in RUNS}
    jobs["sweep"] = lambda: _sweep(neuroplast_bin, out_dir)
    jobs["stopped"] = lambda: _stopped(neuroplast_bin, out_dir)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: f.result() for name, f in futures.items()}


def _folder(runs, name):
    return runs[name].folder()


@pytest.fixture(scope="session")
def baseline(runs):
    return _folder(runs, "baseline")


@pytest.fixture(scope="session")
def ketamine(runs):
    return _folder(runs, "ketamine")


@pytest.fixture(scope="session")
def opto(runs):
    return _folder(runs, "opto")


@pytest.fixture(scope="session")
def wm(runs):
    return _folder(runs, "wm")


@pytest.fixture(scope="session")
def structural(runs):
    return _folder(runs, "structural")


@pytest.fixture(scope="session")
def arms_run(runs):
    return _folder(runs, "arms")


@pytest.fixture(scope="session")
def sweep_dir(runs):
    return _folder(runs, "sweep")


@pytest.fixture(scope="session")
def stopped(runs):
    return _folder(runs, "stopped")


@pytest.fixture(scope="session")
def single_runs(baseline, ketamine, opto, wm, structural, arms_run):
    """Every finished single run folder (arms expanded), by name."""
    out = {"baseline": baseline, "ketamine": ketamine, "opto": opto, "wm": wm, "structural": structural}
    for arm in ("control", "low-drive"):
        out[f"arms/{arm}"] = arms_run / arm
    return out


@pytest.fixture
def copy_run(tmp_path):
    """Copies a run folder into a fresh tmp folder (for tests that damage it)."""
    def copy(src: Path) -> Path:
        dest = tmp_path / src.name
        shutil.copytree(src, dest)
        return dest
    return copy
