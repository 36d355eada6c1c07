"""The command line (python -m neuroplast) and the example script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _py(*args, cwd=None):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_info(baseline, ketamine, arms_run):
    r = _py("-m", "neuroplast", "info", str(baseline))
    assert r.returncode == 0, r.stderr
    assert "baseline-pfc" in r.stdout and "500 neurons" in r.stdout and "connectome at [100.0, 300.0] ms" in r.stdout
    r = _py("-m", "neuroplast", "info", str(ketamine))
    assert r.returncode == 0 and "slow clock 2 h in steps of 5 min, 2 windows of 200 ms" in r.stdout
    r = _py("-m", "neuroplast", "info", str(arms_run))
    assert r.returncode == 0 and "arm control" in r.stdout and "arm low-drive" in r.stdout


def test_export_nwb(baseline, stopped, tmp_path):
    out = tmp_path / "run.nwb"
    r = _py("-m", "neuroplast", "export-nwb", str(baseline), str(out))
    assert r.returncode == 0, r.stderr
    assert out.exists() and f"wrote {out}" in r.stdout
    r = _py("-m", "neuroplast", "export-nwb", str(baseline), str(out))
    assert r.returncode == 1 and "exists" in r.stderr and "--overwrite" in r.stderr
    r = _py("-m", "neuroplast", "export-nwb", str(baseline), str(out), "--overwrite", "--inspect")
    assert r.returncode == 0, r.stderr
    assert "CRITICAL" not in r.stdout and "BEST_PRACTICE_VIOLATION" not in r.stdout
    r = _py("-m", "neuroplast", "export-nwb", str(stopped), str(tmp_path / "x.nwb"))
    assert r.returncode == 1 and r.stderr.startswith("error: ") and "not finished" in r.stderr
    assert not (tmp_path / "x.nwb").exists()
    r = _py("-m", "neuroplast", "export-nwb", str(tmp_path / "missing"), str(tmp_path / "y.nwb"))
    assert r.returncode == 1 and "no such run folder" in r.stderr


def test_usage_errors():
    r = _py("-m", "neuroplast")
    assert r.returncode == 2 and "usage" in r.stderr
    r = _py("-m", "neuroplast", "export-nwb", "only-one-argument")
    assert r.returncode == 2
    r = _py("-m", "neuroplast", "columns", "metrics")
    assert r.returncode == 0 and "g_nmda_ns" in r.stdout


def test_ketamine_example_draws_a_png(ketamine, baseline, tmp_path):
    out = tmp_path / "fig" / "ketamine.png"
    r = _py(str(EXAMPLES / "ketamine_time_course.py"), str(ketamine), "--output", str(out))
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    r = _py(str(EXAMPLES / "ketamine_time_course.py"), str(baseline), "--output", str(tmp_path / "no.png"))
    assert r.returncode == 1 and "not a slow-clock run" in r.stderr
