#!/usr/bin/env python3
"""A structured, black-box fuzzer for the `neuroplast` executable.

Mutates the shipped scenario and sweep files the way a user's typos and a hostile file
would (numbers pushed to extremes, units garbled, keys deleted, renamed, retyped or
repeated, truncation, byte flips, invalid UTF-8, deep nesting, alias bombs, long strings),
throws odd command-line flags at it, and crafts checkpoints whose checksum is recomputed
after an edit of the payload, so that only the restore's own checks stand between the file
and the run. Each case runs the real executable with a time limit and is classified:

  refused   exit 64/65 (or 1 for a refused checkpoint) with a message
  accepted  exit 0
  crash     killed by a signal, a Swift runtime trap ("Fatal error"), or any other exit
  hang      still running at the time limit
  unlocated a scenario or sweep refusal whose message names no file:line:column
  nonfinite a run that exited 0 with nan or inf in its metrics (runs of accepted mutants)
  leftover  a failed run that left .partial files, or its folder without a checkpoint

Every crash and hang is written to OUT/<kind>-<n>.<ext> with its command line, so it can
become a regression case (fuzz/corpus/). Standard library only; deterministic for a seed.

  python3 fuzz/structured.py --bin .build/debug/neuroplast --mode scenario --cases 2000
  python3 fuzz/structured.py --bin ... --mode all --cases 10000 --out /tmp/fuzz
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "Scenarios").glob("*.yaml"))
SWEEPS = sorted((ROOT / "Scenarios" / "sweeps").glob("*.yaml"))

EXTREMES = ["0", "-0", "1e308", "-1e308", "1e-320", "9e18", "9223372036854775807", "-9223372036854775808",
            "4294967297", "1e20", "1e-9", "nan", ".inf", "-.inf", "1e15", "-1", "0.0000001", "65536",
            "2147483648", "1e300", "18446744073709551616"]
UNITS = ["ms", "s", "min", "h", "d", "us", "mV", "V", "nS", "mS", "pF", "pA", "nA", "um", "mm", "m", "Hz",
         "kHz", "mM", "uM", "m/s", "/mm2", "/um2", "deg", "rad", "mg/kg", "mg", "g", "kg", "ng/mL", "um2/h",
         "", "furlongs", "ms ms", "%", "µs"]
KEYWORDS = ["schema", "name", "seed", "time", "dt", "duration", "sheet", "populations", "projections", "drive",
            "record", "frames", "plasticity", "slow_clock", "pharmacology", "inflammation", "arms", "stimuli",
            "interventions", "checkpoint", "count", "density", "connectivity", "rule", "p", "k", "ampa", "nmda",
            "gaba_a", "delay", "weight", "rate", "window", "step", "every", "times", "at", "dose", "until"]
NUMBER = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(\s*)([A-Za-zµ/°%][A-Za-z0-9µ/^°]*)?")
LOCATED = re.compile(r":\d+:\d+: ")


def mutate_text(rng: random.Random, text: str) -> bytes:
    """One to three mutations of a YAML text."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(16)
        i = rng.randrange(len(lines)) if lines else 0
        line = lines[i] if lines else ""
        if op <= 4:  # a number pushed to an extreme, unit kept or changed
            ms = list(NUMBER.finditer(line))
            if ms:
                m = rng.choice(ms)
                unit = m.group(3) or ""
                if rng.random() < 0.3:
                    unit = rng.choice(UNITS)
                lines[i] = line[:m.start()] + rng.choice(EXTREMES) + (" " + unit if unit else "") + line[m.end():]
        elif op == 5:  # a garbled unit
            ms = [m for m in NUMBER.finditer(line) if m.group(3)]
            if ms:
                m = rng.choice(ms)
                lines[i] = line[:m.start(3)] + rng.choice(UNITS) + line[m.end(3):]
        elif op == 6 and lines:  # a line deleted
            del lines[i]
        elif op == 7 and lines:  # a line repeated (duplicate key)
            lines.insert(i, line)
        elif op == 8:  # a key renamed
            lines[i] = re.sub(r"\b([a-z_]+):", lambda m: rng.choice(KEYWORDS) + ":", line, count=1)
        elif op == 9:  # a value retyped
            lines[i] = re.sub(r":\s*[^{\[]\S*", ": " + rng.choice(["[]", "{}", "[1, 2]", "{a: 1}", "null", "~",
                                                                     "true", "\"\"", "'x'"]), line, count=1)
        elif op == 10:  # truncation
            cut = rng.randrange(max(1, len(text)))
            return text[:cut].encode()
        elif op == 11:  # byte flips
            b = bytearray("\n".join(lines).encode())
            for _ in range(rng.randint(1, 8)):
                if b:
                    b[rng.randrange(len(b))] = rng.randrange(256)
            return bytes(b)
        elif op == 12:  # an alias bomb in a random place
            bomb = ['x0: &x0 "lol"'] + [f"x{k}: &x{k} [" + ",".join([f"*x{k-1}"] * 9) + "]" for k in range(1, 10)]
            lines = bomb + lines
            if rng.random() < 0.5:
                lines = [re.sub(r"^description:.*", "description: *x9", l) for l in lines]
            else:
                lines.append("populations: *x9")
        elif op == 13:  # deep nesting
            depth = rng.choice([100, 999, 1001, 5000])
            lines.append("description: " + "[" * depth + "]" * depth)
        elif op == 14:  # a long string or a NUL in a name
            lines = [re.sub(r"^name:.*", "name: " + rng.choice(["a" * 300, "a\\0b", "../../x", "", "/", ".."]), l)
                     for l in lines]
        else:  # invalid UTF-8
            return "\n".join(lines).encode() + b"\n# \xff\xfe\xc3\x28\n"
    return "\n".join(lines).encode()


def run(cmd: list[str], timeout: float, cwd: str | None = None) -> tuple[str, int | None, str]:
    """Runs a case: (class, exit status or None, stderr tail)."""
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang", None, ""
    err = p.stderr.decode(errors="replace")
    if p.returncode < 0 or "Fatal error" in err or p.returncode not in (0, 1, 3, 64, 65):
        return "crash", p.returncode, err[-2000:]
    return ("accepted" if p.returncode == 0 else "refused"), p.returncode, err[-2000:]


class Tally:
    def __init__(self, out: Path):
        self.out = out
        self.counts: dict[str, int] = {}
        self.start = time.time()

    def add(self, mode: str, cls: str, data: bytes | None, cmd: list[str], err: str, ext: str = "yaml") -> None:
        self.counts[f"{mode}:{cls}"] = self.counts.get(f"{mode}:{cls}", 0) + 1
        if cls in ("crash", "hang", "unlocated", "nonfinite", "leftover"):
            n = self.counts[f"{mode}:{cls}"]
            base = self.out / f"{mode}-{cls}-{n}"
            if data is not None:
                base.with_suffix("." + ext).write_bytes(data)
            base.with_suffix(".txt").write_text(" ".join(cmd) + "\n\n" + err)

    def report(self) -> str:
        total = sum(self.counts.values())
        rows = [f"{k}: {v}" for k, v in sorted(self.counts.items())]
        return f"{total} cases in {time.time() - self.start:.0f} s\n" + "\n".join(rows)


def fuzz_scenarios(binary: str, rng: random.Random, n: int, tally: Tally, tmp: Path, timeout: float,
                   sources: list[Path], mode: str = "scenario") -> None:
    for k in range(n):
        src = rng.choice(sources)
        data = mutate_text(rng, src.read_text())
        # sweep files name their base relative to themselves: keep them beside the originals
        folder = tmp if mode == "scenario" else tmp / "sweeps"
        folder.mkdir(exist_ok=True)
        if mode == "sweep":
            for f in src.parent.glob("*.yaml"):
                target = folder / f.name
                if not target.exists():
                    shutil.copy(f, target)
        path = folder / f"case-{k}.yaml"
        path.write_bytes(data)
        cmd = [binary, "validate", str(path)] if mode == "scenario" else \
              [binary, "sweep", "plan", str(path), "--out", str(tmp / "sweep-out")]
        cls, _, err = run(cmd, timeout)
        if cls == "refused" and not LOCATED.search(err):
            cls = "unlocated"
        tally.add(mode, cls, data, cmd, err)
        path.unlink()
        shutil.rmtree(tmp / "sweep-out", ignore_errors=True)


def fuzz_cli(binary: str, rng: random.Random, n: int, tally: Tally, tmp: Path, timeout: float) -> None:
    base = str(ROOT / "Scenarios" / "baseline-pfc.yaml")
    flags = {
        "run": ["--threads", "--shards", "--seed", "--out", "--run-id", "--checkpoint-every", "--set"],
        "validate": ["--set"], "describe": ["--set"],
        "bench": ["--neurons", "--duration", "--trials", "--threads", "--shards", "--repeats"],
        "sweep run": ["--jobs", "--index", "--points-per-task"],
        "sweep slurm": ["--partition", "--time", "--cpus", "--mem", "--max-parallel", "--points-per-task"],
    }
    values = EXTREMES + ["", "..", "/", "a\nb", "$(id)", "`id`", "x;rm -rf /", "'", "\"", "-1", "abc",
                         "time.duration=1e308 ms", "populations.0.count=-1", "=", "a.b.c=1", "1 s", "10 years"]
    sweep_dir = tmp / "cli-sweep"
    if not sweep_dir.exists():
        subprocess.run([binary, "sweep", "plan", str(ROOT / "Scenarios" / "sweeps" / "dose-demo.yaml"), "--out",
                        str(sweep_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    planned = next(sweep_dir.glob("*/sweep.json"), None)
    for k in range(n):
        sub = rng.choice(list(flags))
        args = sub.split()
        if sub in ("run", "validate", "describe"):
            args.append(base)
        elif sub.startswith("sweep"):
            args.append(str(planned.parent) if planned else str(sweep_dir))
        else:
            # benchmarks kept short (a legitimate benchmark of 64k neurons runs for minutes)
            args += [rng.choice(["coba", "fixed", "stdp", "wm", "nope"]), "--duration", "0.05", "--trials", "1"]
        for _ in range(rng.randint(1, 3)):
            flag = rng.choice(flags[sub])
            value = rng.choice(values)
            if sub == "bench" and flag in ("--neurons", "--duration", "--trials") and value not in EXTREMES[:3]:
                value = rng.choice(["0", "-1", "1e308", "nan", "abc", ""])  # invalid only: valid sizes are long runs
            args += [flag, value]
        if sub == "run":
            args += ["--out", str(tmp / "cli-out"), "--no-frames", "--quiet"]
            if "--set" not in args:  # keep accepted runs short
                args += ["--set", "time.duration=50 ms", "--set", "populations.0.count=200",
                         "--set", "populations.1.count=40", "--set", "populations.2.count=20"]
        cmd = [binary] + args
        cls, _, err = run(cmd, timeout)
        tally.add("cli", cls, None, cmd, err)
        shutil.rmtree(tmp / "cli-out", ignore_errors=True)


RUN_CASES = [
    # shipped scenarios shortened (the overrides of CLITests/RunHashTests): accepted mutants run
    ("baseline-pfc.yaml", ["--set", "time.duration=200 ms", "--set", "time.transient=50 ms", "--set", "populations.0.count=300",
                           "--set", "populations.1.count=50", "--set", "populations.2.count=30"]),
    ("structural-homeostasis.yaml", ["--set", "time.duration=400 ms", "--set", "time.transient=100 ms",
                                     "--set", "populations.0.count=140", "--set", "populations.1.count=20", "--set", "populations.2.count=40"]),
    ("ketamine-rodent.yaml", ["--set", "slow_clock.duration=2 h", "--set", "slow_clock.windows=[{until: 2 h, every: 1 h}]",
                              "--set", "slow_clock.window=200 ms", "--set", "slow_clock.settle=50 ms", "--set", "populations.0.count=200",
                              "--set", "populations.1.count=30", "--set", "populations.2.count=20"]),
    ("lps-inflammation.yaml", ["--set", "slow_clock.duration=2 h", "--set", "slow_clock.windows=[{until: 2 h, every: 1 h}]",
                               "--set", "slow_clock.window=200 ms", "--set", "slow_clock.settle=50 ms", "--set", "populations.0.count=200",
                               "--set", "populations.1.count=30", "--set", "populations.2.count=20"]),
]


def fuzz_runs(binary: str, rng: random.Random, n: int, tally: Tally, tmp: Path, timeout: float) -> None:
    """Mutated shipped scenarios, shortened, run for real (`run` validates first): a crash, a
    hang, a run that exits 0 with a non-finite number in its metrics, or a failed run that
    leaves a `.partial` file or its folder behind is a finding."""
    for k in range(n):
        name, extra = RUN_CASES[k % len(RUN_CASES)]
        data = mutate_text(rng, (ROOT / "Scenarios" / name).read_text())
        path = tmp / f"run-{k}.yaml"
        path.write_bytes(data)
        out = tmp / "run-out"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [binary, "run", str(path), "--out", str(out), "--run-id", "r", "--quiet", "--no-frames", "--threads", "1"] + extra
        cls, status, err = run(cmd, timeout)
        folders = list(out.glob("*/r"))
        if cls == "accepted":
            metrics = folders[0] / "metrics.csv" if folders else None
            if metrics and metrics.exists() and re.search(r"(^|,)(nan|-?inf)(,|$)", metrics.read_text(), re.M):
                cls = "nonfinite"
        elif cls == "refused" and status == 1 and folders and (any(folders[0].rglob("*.partial")) or not any(folders[0].glob("checkpoints/*"))):
            cls = "leftover"  # a failed run without a checkpoint must remove its folder
        tally.add("run", cls, data, cmd, err)
        path.unlink()
    shutil.rmtree(tmp / "run-out", ignore_errors=True)


HEADER = 96


CHECKPOINT_CASES = [
    # (scenario, overrides): each covers other parts of a checkpoint's payload
    (None, ["--set", "time.duration=400 ms"]),  # small_scenario(): kernel, STDP, recorder
    ("ketamine-rodent.yaml", ["--set", "slow_clock.duration=2 h", "--set", "slow_clock.windows=[{until: 2 h, every: 1 h}]",
                              "--set", "slow_clock.window=200 ms", "--set", "slow_clock.settle=50 ms",
                              "--set", "populations.0.count=200", "--set", "populations.1.count=30",
                              "--set", "populations.2.count=20"]),  # slow clock, drugs, spine realiser
    ("lps-inflammation.yaml", ["--set", "slow_clock.duration=2 h", "--set", "slow_clock.windows=[{until: 2 h, every: 1 h}]",
                               "--set", "slow_clock.window=200 ms", "--set", "slow_clock.settle=50 ms",
                               "--set", "populations.0.count=200", "--set", "populations.1.count=30",
                               "--set", "populations.2.count=20"]),  # cytokine field, microglia
    ("structural-homeostasis.yaml", ["--set", "time.duration=600 ms", "--set", "time.transient=100 ms",
                                     "--set", "populations.0.count=140", "--set", "populations.1.count=20",
                                     "--set", "populations.2.count=40"]),  # structural plasticity
    ("optogenetics-pfc.yaml", ["--set", "time.duration=400 ms", "--set", "time.transient=100 ms",
                               "--set", "time.record_interval=100 ms", "--set", "record.bands.window=100 ms",
                               "--set", "stimuli.0.start=50 ms", "--set", "stimuli.0.stop=150 ms",
                               "--set", "stimuli.1.start=150 ms", "--set", "stimuli.1.stop=250 ms",
                               "--set", "record.overlap.0.a={from: 0 ms, to: 100 ms}",
                               "--set", "record.overlap.0.b={from: 150 ms, to: 250 ms}",
                               "--set", "populations.0.count=200", "--set", "populations.1.count=30",
                               "--set", "populations.2.count=20"]),  # stimuli, LFP, bands, overlap
    ("working-memory-ring.yaml", ["--set", "time.duration=1200 ms", "--set", "stimuli.0.count=1",
                                  "--set", "stimuli.1.count=1", "--set", "stimuli.1.start=1000 ms",
                                  "--set", "record.bump.delay=300 ms", "--set", "record.bump.window=200 ms",
                                  "--set", "populations.0.count=256", "--set", "populations.1.count=64"]),  # ring, saturation, bump
]


def checkpointed_run(binary: str, tmp: Path, k: int, folder: str):
    """Runs CHECKPOINT_CASES[k] with a checkpoint every 100 ms into tmp/folder: (scenario
    file, the run's arguments, its run folder or None)."""
    name, extra = CHECKPOINT_CASES[k]
    scenario = tmp / f"ckpt-{k}.yaml"
    scenario.write_text(small_scenario() if name is None else (ROOT / "Scenarios" / name).read_text())
    out = tmp / folder
    shutil.rmtree(out, ignore_errors=True)
    args = ["--out", str(out), "--run-id", "r", "--quiet", "--no-frames", "--checkpoint-every", "100 ms"] + extra
    subprocess.run([binary, "run", str(scenario)] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return scenario, args, next(out.glob("*/r"), None)


def fuzz_checkpoints(binary: str, rng: random.Random, n: int, tally: Tally, tmp: Path, timeout: float) -> None:
    """Crafted checkpoints: a real one from a short run of each of CHECKPOINT_CASES, its JSON
    payload edited and its checksum recomputed, then `run --resume`."""
    prepared = []
    for k in range(len(CHECKPOINT_CASES)):
        scenario, args, run_dir = checkpointed_run(binary, tmp, k, f"ckpt-out-{k}")
        if run_dir is None or not (run_dir / "checkpoints" / "checkpoint.npck").exists():
            print(f"warning: {CHECKPOINT_CASES[k][0] or 'small scenario'} left no checkpoint; skipped", file=sys.stderr)
            continue
        # The checkpoint of a finished run stays in its folder; keep a pristine copy of the folder.
        pristine = tmp / f"ckpt-pristine-{k}"
        shutil.rmtree(pristine, ignore_errors=True)
        shutil.copytree(run_dir, pristine)
        raw = (pristine / "checkpoints" / "checkpoint.npck").read_bytes()
        payload = raw[HEADER:]
        prepared.append((scenario, args, run_dir, pristine, raw[:HEADER], payload, list(walk(json.loads(payload), ()))))
    for k in range(n):
        scenario, args, run_dir, pristine, head, payload, paths = prepared[k % len(prepared)]
        d = json.loads(payload)
        for _ in range(rng.randint(1, 3)):
            path, value = rng.choice(paths)
            try:
                set_path(d, path, mutate_value(rng, value))
            except (KeyError, IndexError, TypeError):
                pass  # an earlier edit removed this path
        body = json.dumps(d, separators=(",", ":")).encode()
        new_head = head[:24] + struct.pack("<Q", len(body)) + head[32:64] + hashlib.sha256(body).digest()
        shutil.rmtree(run_dir, ignore_errors=True)
        shutil.copytree(pristine, run_dir)
        (run_dir / "manifest.json").unlink(missing_ok=True)  # written last: without it the run is unfinished
        (run_dir / "checkpoints" / "checkpoint.npck").write_bytes(new_head + body)
        cmd = [binary, "run", str(scenario), "--resume"] + args
        cls, _, err = run(cmd, timeout)
        tally.add("checkpoint", cls, new_head + body, cmd, err, ext="npck")


def replay_checkpoints(binary: str, folder: Path, tmp: Path, timeout: float) -> None:
    """Runs each crafted checkpoint of a fuzz run's OUT folder again and prints how it ends
    (the Swift trap's message and the project's frames for a crash)."""
    for case in sorted(folder.glob("checkpoint-*.npck")):
        cmd = (case.with_suffix(".txt")).read_text().split("\n")[0].split(" ")
        k = int(re.search(r"ckpt-(\d+)\.yaml", " ".join(cmd)).group(1))
        scenario, args, run_dir = checkpointed_run(binary, tmp, k, f"replay-{k}")
        (run_dir / "manifest.json").unlink(missing_ok=True)
        shutil.copy(case, run_dir / "checkpoints" / "checkpoint.npck")
        try:
            p = subprocess.run([binary, "run", str(scenario), "--resume"] + args, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=timeout)
            err = p.stderr.decode(errors="replace").split("\n")
            lines = [l for l in err if "Fatal error" in l or ("in neuroplast at " + str(ROOT)) in l or l.startswith("error")]
            print(f"{case.name}: exit {p.returncode}\n  " + "\n  ".join(lines[:8]))
        except subprocess.TimeoutExpired:
            print(f"{case.name}: still running after {timeout} s")


def small_scenario() -> str:
    return (ROOT / "fuzz" / "small-stdp.yaml").read_text()


def walk(node, path):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node[:4]):
            yield from walk(v, path + (i,))


def set_path(doc, path, value):
    if not path:
        return
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


def mutate_value(rng: random.Random, v):
    import base64
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return rng.choice([0, -1, 1, v + 1, v - 1, 2 ** 31, 2 ** 63 - 1, -2 ** 63, v * 1000])
    if isinstance(v, float):
        return rng.choice([0.0, -1.0, 1e308, -1e308, v * 2])
    if isinstance(v, str):
        try:
            raw = base64.b64decode(v, validate=True)
        except Exception:
            return rng.choice(["", "x", v + v])
        cut = rng.choice([0, len(raw) // 2, max(0, len(raw) - 1), len(raw) + 8])
        data = (raw + bytes(8))[:cut] if cut > len(raw) else raw[:cut]
        if data and rng.random() < 0.5:
            b = bytearray(data)
            b[rng.randrange(len(b))] = 0xFF
            data = bytes(b)
        return base64.b64encode(data).decode()
    if isinstance(v, list):
        return rng.choice([[], v[:-1], v + v[-1:] if v else [0], v[::-1]])
    if isinstance(v, dict):
        d = dict(v)
        if d:
            del d[rng.choice(list(d))]
        return rng.choice([d, {}, None])
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / ".build" / "debug" / "neuroplast"))
    ap.add_argument("--mode", choices=["scenario", "sweep", "cli", "checkpoint", "run", "all"], default="all")
    ap.add_argument("--cases", type=int, default=200, help="cases per mode")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=15)
    ap.add_argument("--out", default=None, help="where crashes and hangs are written (default: a temp folder)")
    ap.add_argument("--replay", default=None, help="replay the crafted checkpoints of this OUT folder and stop")
    a = ap.parse_args()
    if not os.access(a.bin, os.X_OK):
        print(f"error: {a.bin} is not an executable; build with `swift build` or pass --bin", file=sys.stderr)
        return 64
    if a.replay:
        with tempfile.TemporaryDirectory(prefix="neuroplast-replay-") as t:
            replay_checkpoints(a.bin, Path(a.replay), Path(t), a.timeout)
        return 0
    out = Path(a.out or tempfile.mkdtemp(prefix="neuroplast-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(a.seed)
    tally = Tally(out)
    with tempfile.TemporaryDirectory(prefix="neuroplast-fuzz-work-") as t:
        tmp = Path(t)
        modes = ["scenario", "sweep", "cli", "checkpoint", "run"] if a.mode == "all" else [a.mode]
        for m in modes:
            if m == "scenario":
                fuzz_scenarios(a.bin, rng, a.cases, tally, tmp, a.timeout, SCENARIOS)
            elif m == "sweep":
                fuzz_scenarios(a.bin, rng, a.cases, tally, tmp, a.timeout, SWEEPS, mode="sweep")
            elif m == "cli":
                fuzz_cli(a.bin, rng, a.cases, tally, tmp, a.timeout)
            elif m == "run":
                fuzz_runs(a.bin, rng, max(1, a.cases // 10), tally, tmp, max(a.timeout, 60))
            else:
                fuzz_checkpoints(a.bin, rng, a.cases, tally, tmp, a.timeout)
    print(tally.report())
    print(f"crashes and hangs, if any: {out}")
    bad = sum(v for k, v in tally.counts.items() if k.endswith((":crash", ":hang", ":nonfinite", ":leftover")))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
