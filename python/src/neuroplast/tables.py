"""Reading the CSV files of a run into DataFrames with their documented columns.

Each file's header is checked against :mod:`neuroplast.columns`; every value is parsed
with its column's dtype (a value that does not parse is an error, not a NaN); an empty
cell is a missing value (NaN, or ``<NA>`` in nullable integer columns), and ``nan``,
``inf``, ``-inf`` (how the simulator writes a non-finite number) are NaN and ±inf. Neuroplast writes
every file through ``<name>.partial`` and a rename, so a whole file ends with a newline
and its last line has the header's number of fields; anything else is reported as
truncated.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import pandas as pd

from .columns import TABLES, Column, match_header
from .errors import MissingFileError, NeuroplastFormatError

__all__ = ["read_table", "read_header"]


def read_header(path: Path) -> List[str]:
    """The first line of a CSV file as a list of names."""
    try:
        with open(path, "r", encoding="utf-8", newline="") as f:
            line = f.readline()
    except FileNotFoundError:
        raise MissingFileError(path, f"{Path(path).name} is missing") from None
    except (OSError, UnicodeDecodeError) as e:
        raise NeuroplastFormatError(path, f"cannot be read as text: {e}") from e
    if not line:
        raise NeuroplastFormatError(path, "is empty (no header line)")
    if not line.endswith("\n"):
        raise NeuroplastFormatError(path, "has a header line without a line end (truncated?)")
    return next(csv.reader([line.rstrip("\r\n")]))


def _check_tail(path: Path, fields: int) -> None:
    """The file ends with a newline and its last line has ``fields`` fields."""
    with open(path, "rb") as f:
        f.seek(0, io.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 65536))
        tail = f.read()
    if not tail.endswith(b"\n"):
        raise NeuroplastFormatError(path, "does not end with a line end: the file is truncated")
    last = tail[:-1].rsplit(b"\n", 1)[-1].decode("utf-8", "replace")
    got = len(next(csv.reader([last]))) if last else 0
    if got != fields:
        raise NeuroplastFormatError(path, f"its last line has {got} fields, the header {fields}: the file is truncated or damaged")


def _pandas_dtype(spec: Column):
    return {
        "float64": "float64",
        "int64": "int64",
        "Int64": "Int64",
        "bool": "Int64",  # 0/1 in the files; converted below
        "category": "str",
        "str": "str",
    }.get(spec.dtype, "str")


def read_table(table: str, path: Path, rename: Optional[Dict[str, str]] = None) -> pd.DataFrame:
    """Reads ``path`` as the documented table ``table`` (a key of ``columns.TABLES``).

    ``rename`` maps file column names to DataFrame names before the header check
    (e.g. neurons.csv's ``id`` → ``node_id``).
    """
    path = Path(path)
    spec_table = TABLES[table]
    header = read_header(path)
    names = [(rename or {}).get(h, h) for h in header]
    specs = match_header(spec_table, names, path)
    _check_tail(path, len(header))
    dtypes = {h: _pandas_dtype(s) for h, s in zip(header, specs)}
    try:
        df = pd.read_csv(
            path,
            dtype=dtypes,
            keep_default_na=False,
            # empty cell: no value; nan/inf/-inf: a non-finite number (floats only)
            na_values={h: ["", "nan", "-nan"] if dtypes[h] == "float64" else [""] for h in header},
            engine="c",
        )
    except (ValueError, TypeError, pd.errors.ParserError) as e:
        raise NeuroplastFormatError(path, f"cannot be read as {spec_table.name} ({spec_table.file}): {e}") from e
    df.columns = names
    for name, s in zip(names, specs):
        col = df[name]
        if s.dtype == "bool":
            values = col.dropna().unique()
            if col.isna().any() or not set(int(v) for v in values) <= {0, 1}:
                raise NeuroplastFormatError(path, f"column {name!r} must hold 0 or 1 in every row")
            df[name] = col.astype(bool)
        elif s.dtype == "category":
            if col.isna().any():
                raise NeuroplastFormatError(path, f"column {name!r} has empty cells")
            df[name] = pd.Categorical(col, categories=list(dict.fromkeys(col)))
        elif s.dtype == "str":
            df[name] = col.fillna("").astype(object)
        elif s.dtype == "float64":
            df[name] = col.astype(np.float64)
    return df
