"""A sweep folder (``neuroplast sweep plan/run/collect``) as one tidy table.

The folder holds ``sweep.json`` (format ``neuroplast-sweep`` v1: columns = the axes,
points with their id, name, overrides, axis values and run folder) and, after
``neuroplast sweep collect``, ``collect/results.csv``: one row per point × population ×
metric with the axis values as columns. :func:`open_sweep` joins the two; when the
collection is missing it computes the same table from the finished points' run folders
(as ``sweep collect`` does: summary.json, means of metrics.csv after the transient, the
bump's means, mean band powers, overlaps).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import numpy as np
import pandas as pd

from .columns import TABLES, match_header
from .errors import MissingFileError, NeuroplastFormatError
from .run import Run, open_run
from .tables import read_header

__all__ = ["Sweep", "open_sweep"]

SWEEP_FORMAT = "neuroplast-sweep"
SWEEP_VERSIONS = (1,)
SUMMARY_METRICS = ("rate_hz", "cv_isi", "synchrony")
MEAN_METRICS = ("v_mean_mv", "g_ampa_ns", "g_nmda_ns", "g_gaba_ns")
BUMP_KEYS = ("held_fraction", "mean_abs_drift_deg", "mean_width_deg", "mean_rate_in_hz", "mean_rate_out_hz", "trials")
BANDS = ("delta", "theta", "alpha", "beta", "gamma", "high_gamma", "peak_hz")

PathLike = Union[str, Path]


def open_sweep(path: PathLike, *, collect_if_missing: bool = True) -> pd.DataFrame:
    """The tidy table of a sweep: one row per point × population × metric.

    Columns: point_id, point_name, point_index, one column per axis (as in results.csv:
    numeric axes carry their unit in the name, e.g. ``drive_kHz``), population, metric,
    value, run_dir (see ``columns("sweep")``). ``collect_if_missing=False`` raises a
    MissingFileError asking for ``neuroplast sweep collect`` instead of computing it.
    """
    return Sweep(path).results(collect_if_missing=collect_if_missing)


class Sweep:
    """A planned sweep folder.

    Attributes:
        path: the sweep folder.
        manifest: sweep.json as a dict.
    """

    def __init__(self, path: PathLike):
        p = Path(path).expanduser()
        if p.name == "sweep.json" and p.is_file():
            p = p.parent
        if not p.is_dir():
            raise MissingFileError(p, "no such sweep folder")
        self.path = p.resolve()
        mpath = self.path / "sweep.json"
        if not mpath.exists():
            raise MissingFileError(mpath, "not a planned sweep folder: sweep.json is missing (run `neuroplast sweep plan SWEEP.yaml` first)")
        try:
            m = json.loads(mpath.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise NeuroplastFormatError(mpath, f"is not valid JSON: {e}") from e
        if not isinstance(m, dict) or m.get("format") != SWEEP_FORMAT:
            raise NeuroplastFormatError(mpath, f"has format {m.get('format') if isinstance(m, dict) else None!r}, not {SWEEP_FORMAT!r}")
        if m.get("version") not in SWEEP_VERSIONS:
            raise NeuroplastFormatError(mpath, f"is {SWEEP_FORMAT} version {m.get('version')!r}; this package reads {SWEEP_VERSIONS}")
        for key in ("columns", "points", "populations"):
            if not isinstance(m.get(key), list):
                raise NeuroplastFormatError(mpath, f"has no list {key!r}")
        for pt in m["points"]:
            if not all(k in pt for k in ("id", "index", "axes", "run_dir")):
                raise NeuroplastFormatError(mpath, f"point {pt.get('id', '?')} lacks id/index/axes/run_dir")
        self.manifest: Dict[str, Any] = m

    def __repr__(self) -> str:
        return f"<neuroplast.Sweep {self.path} points={len(self.manifest['points'])}>"

    # ------------------------------------------------------------------ axes and points

    @staticmethod
    def header(column: Dict[str, Any]) -> str:
        """Column name of an axis in results.csv: numeric axes carry their unit (``rate_kHz``)."""
        unit = column.get("unit")
        if not unit:
            return column["name"]
        clean = "".join(ch if ch.isalnum() else ("per" if ch == "/" else "") for ch in unit)
        return f"{column['name']}_{clean}"

    def _axis_value(self, column: Dict[str, Any], text: Optional[str]):
        if text is None:
            return np.nan if column.get("unit") is not None else ""
        if column.get("unit") is not None:
            m = re.match(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)", text)
            if m:
                return float(m.group(1))
        return text

    @property
    def points(self) -> pd.DataFrame:
        """One row per point: point_id, point_name, point_index, <axis columns>, run_dir, done."""
        rows = []
        cols = self.manifest["columns"]
        for pt in self.manifest["points"]:
            values = {a["column"]: a["value"] for a in pt["axes"]}
            row = {"point_id": pt["id"], "point_name": pt.get("name") or "", "point_index": int(pt["index"])}
            for c in cols:
                row[self.header(c)] = self._axis_value(c, values.get(c["name"]))
            run_dir = self.path / pt["run_dir"]
            row["run_dir"] = str(run_dir)
            row["done"] = (run_dir / "manifest.json").exists()
            rows.append(row)
        return pd.DataFrame(rows)

    def run(self, point: Union[str, int]) -> Run:
        """The Run of a point, by id, name or index."""
        for pt in self.manifest["points"]:
            if point in (pt["id"], pt.get("name"), pt["index"]):
                return open_run(self.path / pt["run_dir"])
        raise KeyError(f"no point {point!r} in {self.path / 'sweep.json'}")

    # ------------------------------------------------------------------ the tidy table

    def results(self, collect_if_missing: bool = True) -> pd.DataFrame:
        """The tidy table (see :func:`open_sweep`)."""
        path = self.path / "collect" / "results.csv"
        points = self.points
        if path.exists():
            table = self._read_results(path)
        elif collect_if_missing:
            table = self._collect(points)
        else:
            raise MissingFileError(path, f"the sweep is not collected: run `neuroplast sweep collect {self.path}`")
        known = set(table["point_id"])
        late = points[points["done"] & ~points["point_id"].isin(known)]
        if len(late) and path.exists():
            warnings.warn(
                f"{path} lacks finished points {', '.join(late['point_id'])}: run `neuroplast sweep collect {self.path}` again",
                stacklevel=3,
            )
        info = points.set_index("point_id")
        table.insert(2, "point_index", info.loc[table["point_id"], "point_index"].to_numpy().astype(np.int64))
        table["run_dir"] = info.loc[table["point_id"], "run_dir"].to_numpy()
        axes = {self.header(c): c for c in self.manifest["columns"]}
        for col in table.columns:  # text columns as Python str objects, whatever pandas inferred
            if col in ("point_id", "point_name", "population", "metric", "run_dir") or (col in axes and axes[col].get("unit") is None):
                table[col] = table[col].astype(object)
        return table.reset_index(drop=True)

    def _read_results(self, path: Path) -> pd.DataFrame:
        header = read_header(path)
        axes = [self.header(c) for c in self.manifest["columns"]]
        expected = ["point_id", "point_name"] + axes + ["population", "metric", "value"]
        if header != expected:
            raise NeuroplastFormatError(path, f"header {header} is not {expected} (collected from another plan of the sweep?)")
        spec = TABLES["sweep"]
        match_header(spec, header[:2] + ["point_index"] + header[2:] + ["run_dir"], path)
        dtypes = {h: "str" for h in header}
        dtypes["value"] = "float64"
        for c in self.manifest["columns"]:
            if c.get("unit") is not None:
                dtypes[self.header(c)] = "float64"
        try:
            df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
        except (ValueError, pd.errors.ParserError) as e:
            raise NeuroplastFormatError(path, f"cannot be read as sweep results: {e}") from e
        for h in header:
            if dtypes[h] == "str":
                df[h] = df[h].fillna("").astype(object)
        unknown = set(df["point_id"]) - set(p["id"] for p in self.manifest["points"])
        if unknown:
            raise NeuroplastFormatError(path, f"has points {sorted(unknown)} that sweep.json does not plan")
        return df

    def _collect(self, points: pd.DataFrame) -> pd.DataFrame:
        """results.csv computed from the finished points' run folders (as `neuroplast sweep collect`)."""
        done = points[points["done"]]
        if done.empty:
            raise MissingFileError(
                self.path / "collect" / "results.csv",
                f"no collected results and no finished point: run `neuroplast sweep run {self.path}` and `neuroplast sweep collect {self.path}`",
            )
        missing = points[~points["done"]]
        if len(missing):
            warnings.warn(f"{len(missing)} of {len(points)} points of {self.path} are not finished and are left out: "
                          f"{', '.join(missing['point_id'])}", stacklevel=4)
        axes = [self.header(c) for c in self.manifest["columns"]]
        transient = {p["id"]: float(p.get("transient_ms", 0.0)) for p in self.manifest["points"]}
        rows: List[Dict[str, Any]] = []
        for pt in done.to_dict("records"):
            base = {"point_id": pt["point_id"], "point_name": pt["point_name"]}
            base.update({a: pt[a] for a in axes})
            run = open_run(pt["run_dir"])
            summary = run.summary_dict
            metrics = run.metrics
            after = metrics[metrics["time_ms"] > transient[pt["point_id"]] + 1e-9]
            for pop in self.manifest["populations"]:
                for k in SUMMARY_METRICS:
                    v = (summary.get(pop) or {}).get(k)
                    rows.append({**base, "population": pop, "metric": k, "value": np.nan if v is None else float(v)})
                sel = after[after["population"] == pop]
                for k in MEAN_METRICS:
                    vals = sel[k].dropna()
                    rows.append({**base, "population": pop, "metric": k, "value": float(vals.mean()) if len(vals) else np.nan})
            bump = run.manifest.get("bump")
            if isinstance(bump, dict):
                for k in BUMP_KEYS:
                    v = bump.get(k)
                    rows.append({**base, "population": "bump", "metric": "bump_" + k, "value": np.nan if v is None else float(v)})
            if run.has("bands"):
                b = run.bands
                for k in BANDS:
                    vals = b[k].dropna()
                    rows.append({**base, "population": "lfp", "metric": "band_" + k, "value": float(vals.mean()) if len(vals) else np.nan})
            if run.has("overlap"):
                for r in run.overlap.itertuples(index=False):
                    rows.append({**base, "population": str(r.population), "metric": "overlap:" + r.name, "value": float(r.overlap)})
        return pd.DataFrame(rows, columns=["point_id", "point_name", *axes, "population", "metric", "value"])
