"""The SONATA network files of a run (``network/``), read with h5py.

Written at each ``record.connectome`` time: ``nodes.h5`` (``/nodes/network``),
``edges_<t>ms.h5`` (``/edges/network_to_network``: source and target node ids,
``edge_type_id`` = projection index, group ``0`` with ``syn_weight``, ``delay`` [ms] and
``formation_time`` [ms of network time, or h on the slow clock; NaN for synapses present
from the start]), ``node_types.csv``, ``edge_types.csv`` and ``circuit_<t>ms.json``.
libsonata and BMTK open the same files; this module needs only h5py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict

import numpy as np
import pandas as pd

from .errors import MissingFileError, NeuroplastFormatError

__all__ = ["edge_files", "read_edges", "EDGE_POPULATION"]

EDGE_POPULATION = "network_to_network"
_EDGE_FILE = re.compile(r"^edges_(\d+)ms\.h5$")


def edge_files(run_dir: Path) -> Dict[float, Path]:
    """Edge files of a run by time [ms], in time order."""
    folder = Path(run_dir) / "network"
    if not folder.is_dir():
        return {}
    out = {}
    for p in folder.iterdir():
        m = _EDGE_FILE.match(p.name)
        if m:
            out[float(m.group(1))] = p
    return dict(sorted(out.items()))


def read_edges(path: Path) -> pd.DataFrame:
    """One SONATA edge file as a DataFrame (columns: see ``columns("edges")``)."""
    import h5py

    path = Path(path)
    if not path.exists():
        raise MissingFileError(path, f"{path.name} is missing")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise NeuroplastFormatError(path, f"cannot be opened as HDF5 (truncated or damaged?): {e}") from e
    with f:
        g = f.get(f"edges/{EDGE_POPULATION}")
        if not isinstance(g, h5py.Group):
            raise NeuroplastFormatError(path, f"has no /edges/{EDGE_POPULATION} group: not a neuroplast SONATA edge file")
        try:
            src = np.asarray(g["source_node_id"][:], dtype=np.int64)
            tgt = np.asarray(g["target_node_id"][:], dtype=np.int64)
            etype = np.asarray(g["edge_type_id"][:], dtype=np.int64)
            g0 = g["0"]
            weight = np.asarray(g0["syn_weight"][:], dtype=np.float64)
            delay = np.asarray(g0["delay"][:], dtype=np.float64)
            formation = g0["formation_time"]
            unit = formation.attrs.get("units", b"ms")
            unit = unit.decode() if isinstance(unit, bytes) else str(unit)
            formed = np.asarray(formation[:], dtype=np.float64)
        except KeyError as e:
            raise NeuroplastFormatError(path, f"lacks a SONATA edge dataset: {e}") from e
        except OSError as e:
            raise NeuroplastFormatError(path, f"cannot be read (damaged file?): {e}") from e
    n = src.shape[0]
    if not all(a.shape == (n,) for a in (tgt, etype, weight, delay, formed)):
        raise NeuroplastFormatError(path, "its edge datasets differ in length")
    if unit not in ("ms", "h"):
        raise NeuroplastFormatError(path, f"formation_time has units {unit!r}; expected 'ms' or 'h'")
    return pd.DataFrame({
        "pre": src, "post": tgt, "edge_type_id": etype, "weight": weight, "delay_ms": delay,
        f"formation_time_{unit}": formed,
    })
