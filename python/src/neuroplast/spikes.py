"""Reading a run's spikes: ``spikes.h5`` (SONATA spike report) or ``spikes.bin``.

Both files hold the same spikes, sorted by time, then node id:

* ``spikes.bin``: a 32-byte little-endian header — ``NPSPIKE1``, UInt32 version (1),
  UInt32 reserved, Float64 dt [ms], UInt64 neuron count — then one 8-byte record per
  spike: UInt32 step, UInt32 node id. Time [ms] = step × dt. Steps are stored modulo 2³²
  (at dt = 0.1 ms after 119 h of network time); being sorted, a step smaller than the one
  before it has wrapped, and the reader unwraps it.
* ``spikes.h5``: ``/spikes/network/timestamps`` (float64, attribute ``units`` = ``ms``)
  and ``/spikes/network/node_ids`` (uint64), attribute ``sorting`` = by_time; root
  attributes ``dt_ms`` and ``neuroplast_version``.

Readers check the layout, the length (a whole number of records, the manifest's spike
count) and the order as they go, and raise :class:`NeuroplastFormatError` rather than
return spikes they are not sure of. Iteration reads ``chunk`` spikes at a time (h5py
slices, ``numpy.memmap``), so a run far larger than memory can be counted or filtered.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Tuple

import numpy as np

from .errors import MissingFileError, NeuroplastFormatError

__all__ = ["SpikeBinHeader", "read_bin_header", "BinSpikes", "H5Spikes", "open_spike_file"]

MAGIC = b"NPSPIKE1"
HEADER_BYTES = 32
RECORD_BYTES = 8
SUPPORTED_BIN_VERSIONS = (1,)
RECORD_DTYPE = np.dtype([("step", "<u4"), ("node", "<u4")])
SONATA_POPULATION = "network"
WRAP_DROP = 2**31

Chunk = Tuple[np.ndarray, np.ndarray]  # (time_ms float64, node_id int64)


@dataclass(frozen=True)
class SpikeBinHeader:
    """The header of a spikes.bin file.

    Attributes:
        version: format version (1).
        dt_ms: integration step [ms]; a spike's time is step × dt_ms.
        neurons: number of neurons of the run (node ids are below it).
        records: number of spike records after the header.
    """

    version: int
    dt_ms: float
    neurons: int
    records: int


def read_bin_header(path: Path) -> SpikeBinHeader:
    """Reads and checks the header and length of a spikes.bin file."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            raw = f.read(HEADER_BYTES)
    except FileNotFoundError:
        raise MissingFileError(path, "spikes.bin is missing") from None
    except OSError as e:
        raise NeuroplastFormatError(path, f"cannot be read: {e.strerror or e}") from e
    if len(raw) < HEADER_BYTES:
        raise NeuroplastFormatError(path, f"is {size} bytes long, shorter than the {HEADER_BYTES}-byte spikes.bin header (truncated?)")
    magic, version, _reserved, dt, neurons = struct.unpack("<8sIIdQ", raw)
    if magic != MAGIC:
        raise NeuroplastFormatError(path, f"does not start with {MAGIC.decode()} (found {magic!r}): not a neuroplast spikes.bin file")
    if version not in SUPPORTED_BIN_VERSIONS:
        raise NeuroplastFormatError(
            path, f"is spikes.bin format version {version}; this package reads version(s) {SUPPORTED_BIN_VERSIONS} (upgrade the neuroplast Python package)"
        )
    if not (dt > 0 and np.isfinite(dt)):
        raise NeuroplastFormatError(path, f"has an invalid dt of {dt} ms in its header")
    body = size - HEADER_BYTES
    if body % RECORD_BYTES:
        raise NeuroplastFormatError(
            path,
            f"has {body} bytes after the header, not a whole number of {RECORD_BYTES}-byte spike records "
            f"({body // RECORD_BYTES} records and {body % RECORD_BYTES} stray bytes): the file is truncated or damaged",
        )
    return SpikeBinHeader(version=version, dt_ms=dt, neurons=neurons, records=body // RECORD_BYTES)


class _OrderCheck:
    """Checks that chunks come sorted by (time, node id) and that ids are in range."""

    def __init__(self, path: Path, neurons: int, end_ms: Optional[float] = None):
        self.path, self.neurons, self.end_ms = path, neurons, end_ms
        self.last_time = -np.inf
        self.last_node = -1
        self.seen = 0

    def __call__(self, t: np.ndarray, ids: np.ndarray) -> None:
        if t.size == 0:
            return
        if np.isnan(t).any():
            raise NeuroplastFormatError(self.path, f"holds NaN spike times (near spike {self.seen})")
        if ids.min() < 0 or ids.max() >= self.neurons:
            bad = int(ids[(ids < 0) | (ids >= self.neurons)][0])
            raise NeuroplastFormatError(self.path, f"holds node id {bad}, outside the run's {self.neurons} neurons")
        tt = np.concatenate(([self.last_time], t))
        nn = np.concatenate(([self.last_node], ids))
        dt = np.diff(tt)
        bad = (dt < 0) | ((dt == 0) & (np.diff(nn) <= 0))
        if bad.any():
            k = int(np.argmax(bad))
            raise NeuroplastFormatError(
                self.path, f"spikes are not sorted by time, then node id, at spike {self.seen + k} (damaged file?)"
            )
        if self.end_ms is not None and t[-1] > self.end_ms * (1 + 1e-12):
            raise NeuroplastFormatError(
                self.path, f"holds a spike at {t[-1]} ms, after the run's end at {self.end_ms} ms of network time (damaged or from another run?)"
            )
        self.last_time, self.last_node = float(t[-1]), int(ids[-1])
        self.seen += t.size


class BinSpikes:
    """Spikes of a spikes.bin file, read through ``numpy.memmap``."""

    kind = "bin"

    def __init__(self, path: Path, expected_count: Optional[int] = None, expected_neurons: Optional[int] = None,
                 expected_dt: Optional[float] = None, expected_end_ms: Optional[float] = None):
        self.path = Path(path)
        self.end_ms = expected_end_ms
        self.header = read_bin_header(self.path)
        h = self.header
        if expected_count is not None and h.records != expected_count:
            raise NeuroplastFormatError(
                self.path, f"holds {h.records} spike records but manifest.json counts {expected_count} spikes: truncated, damaged or from another run"
            )
        if expected_neurons is not None and h.neurons != expected_neurons:
            raise NeuroplastFormatError(
                self.path, f"header says {h.neurons} neurons but manifest.json says {expected_neurons}: the file belongs to another run"
            )
        if expected_dt is not None and not np.isclose(h.dt_ms, expected_dt, rtol=1e-12, atol=0):
            raise NeuroplastFormatError(self.path, f"header dt is {h.dt_ms} ms but manifest.json says {expected_dt} ms")

    @property
    def count(self) -> int:
        return self.header.records

    @property
    def dt_ms(self) -> float:
        return self.header.dt_ms

    @property
    def neurons(self) -> int:
        return self.header.neurons

    def chunks(self, chunk: int = 1_000_000) -> Iterator[Chunk]:
        """Yields (time_ms, node_id) arrays of at most ``chunk`` spikes each."""
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        n = self.header.records
        if n == 0:
            return
        records = np.memmap(self.path, dtype=RECORD_DTYPE, mode="r", offset=HEADER_BYTES, shape=(n,))
        check = _OrderCheck(self.path, self.neurons, self.end_ms)
        wraps = 0
        last_step = 0
        dt = self.dt_ms
        try:
            for start in range(0, n, chunk):
                block = np.array(records[start:start + chunk])  # copy out of the map
                steps = block["step"].astype(np.int64)
                prev = np.concatenate(([last_step], steps[:-1]))
                # sorted steps modulo 2**32: only a drop by more than half the range is a wrap;
                # a smaller drop is disorder, which the order check reports
                wrapped = np.cumsum(prev - steps > WRAP_DROP) + wraps
                last_step = int(steps[-1])
                wraps = int(wrapped[-1])
                full = (wrapped << 32) | steps
                t = full.astype(np.float64) * dt
                ids = block["node"].astype(np.int64)
                check(t, ids)
                yield t, ids
        finally:
            del records


class H5Spikes:
    """Spikes of a spikes.h5 SONATA spike report, read with h5py one slice at a time."""

    kind = "h5"

    def __init__(self, path: Path, expected_count: Optional[int] = None, expected_neurons: Optional[int] = None,
                 expected_dt: Optional[float] = None, expected_end_ms: Optional[float] = None,
                 expected_version: Optional[str] = None):
        self.path = Path(path)
        self.end_ms = expected_end_ms
        self.neurons = expected_neurons
        with self._open() as f:
            times, ids, population = self._datasets(f)
            self.population = population
            self.count = int(times.shape[0])
            self.dt_ms = float(f.attrs["dt_ms"]) if "dt_ms" in f.attrs else expected_dt
            self.version = _text(f.attrs.get("neuroplast_version"))
            self.scale = self._time_scale(times)
            self.sorting = self._sorting(f[f"spikes/{population}"])
        if expected_version is not None and self.version is not None and self.version != expected_version:
            raise NeuroplastFormatError(
                self.path, f"was written by neuroplast {self.version} but manifest.json by {expected_version}: the file belongs to another run"
            )
        if self.sorting not in (None, "by_time"):
            raise NeuroplastFormatError(self.path, f"spikes are sorted {self.sorting}; neuroplast writes by_time")
        if expected_count is not None and self.count != expected_count:
            raise NeuroplastFormatError(
                self.path, f"holds {self.count} spikes but manifest.json counts {expected_count}: truncated, damaged or from another run"
            )
        if expected_dt is not None and self.dt_ms is not None and not np.isclose(self.dt_ms, expected_dt, rtol=1e-12, atol=0):
            raise NeuroplastFormatError(self.path, f"root attribute dt_ms is {self.dt_ms} but manifest.json says {expected_dt} ms")

    def _open(self):
        import h5py

        if not self.path.exists():
            raise MissingFileError(self.path, "spikes.h5 is missing")
        try:
            return h5py.File(self.path, "r")
        except OSError as e:
            raise NeuroplastFormatError(self.path, f"cannot be opened as HDF5 (truncated or damaged?): {e}") from e

    def _datasets(self, f):
        import h5py

        top = f.get("spikes")
        if not isinstance(top, h5py.Group):
            raise NeuroplastFormatError(self.path, "has no /spikes group: not a SONATA spike report")
        names = list(top.keys())
        if SONATA_POPULATION in names:
            population = SONATA_POPULATION
        elif len(names) == 1:
            population = names[0]
        else:
            raise NeuroplastFormatError(self.path, f"has spike populations {names}; neuroplast writes one, {SONATA_POPULATION!r}")
        g = top[population]
        for name in ("timestamps", "node_ids"):
            if not isinstance(g.get(name), h5py.Dataset):
                raise NeuroplastFormatError(self.path, f"has no dataset /spikes/{population}/{name}")
        times, ids = g["timestamps"], g["node_ids"]
        if times.ndim != 1 or ids.ndim != 1 or times.shape != ids.shape:
            raise NeuroplastFormatError(
                self.path, f"/spikes/{population}/timestamps {times.shape} and node_ids {ids.shape} are not two 1-D datasets of one length"
            )
        if times.dtype.kind != "f" or ids.dtype.kind not in "iu":
            raise NeuroplastFormatError(self.path, f"timestamps are {times.dtype} and node_ids {ids.dtype}; expected float64 and uint64")
        return times, ids, population

    def _time_scale(self, times) -> float:
        unit = _text(times.attrs.get("units"))
        if unit in (None, "ms"):
            return 1.0
        if unit == "s":
            return 1000.0
        raise NeuroplastFormatError(self.path, f"timestamps have units {unit!r}; expected 'ms'")

    def _sorting(self, group) -> Optional[str]:
        import h5py

        if "sorting" not in group.attrs:
            return None
        value = group.attrs["sorting"]
        mapping = h5py.check_enum_dtype(group.attrs.get_id("sorting").dtype)
        if mapping:
            names = {v: k for k, v in mapping.items()}
            return names.get(int(value), str(value))
        return _text(value)

    def chunks(self, chunk: int = 1_000_000) -> Iterator[Chunk]:
        """Yields (time_ms, node_id) arrays of at most ``chunk`` spikes each."""
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        check = _OrderCheck(self.path, self.neurons if self.neurons is not None else np.iinfo(np.int64).max, self.end_ms)
        with self._open() as f:
            times, ids, _ = self._datasets(f)
            for start in range(0, self.count, chunk):
                stop = min(start + chunk, self.count)
                try:
                    t = np.asarray(times[start:stop], dtype=np.float64)
                    n = np.asarray(ids[start:stop])
                except OSError as e:
                    raise NeuroplastFormatError(self.path, f"cannot read spikes {start}–{stop} (damaged file?): {e}") from e
                if self.scale != 1.0:
                    t = t * self.scale
                if n.dtype.kind == "u" and n.size and n.max() > np.iinfo(np.int64).max:
                    raise NeuroplastFormatError(self.path, "holds node ids beyond the int64 range")
                n = n.astype(np.int64)
                check(t, n)
                yield t, n


def open_spike_file(path: Path, **expected):
    """BinSpikes or H5Spikes by the file's suffix; ``expected`` are checks from the manifest."""
    path = Path(path)
    if path.suffix == ".h5":
        return H5Spikes(path, **expected)
    return BinSpikes(path, **expected)


def _text(value) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)
