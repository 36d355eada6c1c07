"""Assertions shared by the tests."""

from __future__ import annotations

import pandas as pd

from neuroplast.columns import TABLES, match_header

_DTYPES = {
    "float64": lambda s: s.dtype == "float64",
    "int64": lambda s: s.dtype == "int64",
    "Int64": lambda s: str(s.dtype) == "Int64",
    "bool": lambda s: s.dtype == bool,
    "category": lambda s: isinstance(s.dtype, pd.CategoricalDtype),
    "str": lambda s: s.dtype == object and all(isinstance(v, str) for v in s),
    "float64 or str": lambda s: s.dtype == "float64" or s.dtype == object,
}


def assert_documented(df: pd.DataFrame, table: str) -> None:
    """The DataFrame has exactly the documented columns of ``table``, in order, with their dtypes."""
    specs = match_header(TABLES[table], list(df.columns), f"<{table} DataFrame>")
    for name, spec in zip(df.columns, specs):
        assert _DTYPES[spec.dtype](df[name]), f"{table}.{name}: dtype {df[name].dtype}, documented {spec.dtype}"
    fixed = [c.name for c in TABLES[table].columns if c.pattern is None and not c.optional]
    missing = [c for c in fixed if c not in df.columns]
    assert not missing, f"{table} lacks documented columns {missing}"
