"""manifest.json: reading it and checking that this package knows its format.

A run's manifest names the program (``"program": "neuroplast"``), its version and the run
folder's layout (``"format": "neuroplast-run"``, ``"format_version": 1``; folders of
earlier simulators have no format keys, and their program version stands for it). This
package reads runs of neuroplast 0.x in format 1; a manifest of another program, another
major version or format, or without the keys the readers rely on is a
:class:`NeuroplastFormatError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Tuple

from .errors import MissingFileError, NeuroplastFormatError

__all__ = ["read_manifest", "SUPPORTED_MAJOR_VERSIONS", "parse_version"]

#: Major versions of the simulator whose run folders this package reads.
SUPPORTED_MAJOR_VERSIONS = (0,)
#: ``format`` values accepted if a manifest carries one.
KNOWN_FORMATS = ("neuroplast-run",)
KNOWN_FORMAT_VERSIONS = (1,)

# key path → expected Python type(s)
_REQUIRED: Tuple[Tuple[Tuple[str, ...], tuple], ...] = (
    (("program",), (str,)),
    (("version",), (str,)),
    (("scenario", "name"), (str,)),
    (("scenario", "sha256"), (str,)),
    (("seed",), (int,)),
    (("clock", "dt_ms"), (int, float)),
    (("clock", "duration_ms"), (int, float)),
    (("clock", "record_interval_ms"), (int, float)),
    (("network", "neurons"), (int,)),
    (("network", "synapses"), (int,)),
    (("spikes",), (int,)),
    (("files",), (list,)),
    (("finished_at",), (str,)),
)


def parse_version(text: str) -> Tuple[int, ...]:
    """``"0.1.0"`` → ``(0, 1, 0)``; a NeuroplastFormatError-worthy ValueError otherwise."""
    core = text.split("-", 1)[0].split("+", 1)[0]
    parts = core.split(".")
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError(f"version {text!r} is not of the form MAJOR.MINOR.PATCH")
    return tuple(int(p) for p in parts)


def read_manifest(path: Path) -> Dict[str, Any]:
    """Reads and checks a run's manifest.json."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MissingFileError(path, "manifest.json is missing") from None
    except OSError as e:
        raise NeuroplastFormatError(path, f"cannot be read: {e}") from e
    try:
        m = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise NeuroplastFormatError(path, f"is not valid JSON (truncated or damaged?): {e}") from e
    if not isinstance(m, dict):
        raise NeuroplastFormatError(path, "is not a JSON object")
    if m.get("program") != "neuroplast":
        raise NeuroplastFormatError(path, f"was written by program {m.get('program')!r}, not neuroplast")
    if "format" in m and m["format"] not in KNOWN_FORMATS:
        raise NeuroplastFormatError(path, f"has format {m['format']!r}; this package reads {KNOWN_FORMATS}")
    if "format_version" in m and m["format_version"] not in KNOWN_FORMAT_VERSIONS:
        raise NeuroplastFormatError(
            path, f"has format_version {m['format_version']!r}; this package reads {KNOWN_FORMAT_VERSIONS} (upgrade the Python package)"
        )
    version = m.get("version")
    if not isinstance(version, str):
        raise NeuroplastFormatError(path, "has no program version ('version')")
    try:
        parsed = parse_version(version)
    except ValueError as e:
        raise NeuroplastFormatError(path, str(e)) from None
    if parsed[0] not in SUPPORTED_MAJOR_VERSIONS:
        raise NeuroplastFormatError(
            path,
            f"was written by neuroplast {version}; this package reads run folders of neuroplast "
            f"{', '.join(f'{v}.x' for v in SUPPORTED_MAJOR_VERSIONS)} (use a matching neuroplast Python package)",
        )
    for keys, types in _REQUIRED:
        node: Any = m
        for k in keys:
            if not isinstance(node, dict) or k not in node:
                raise NeuroplastFormatError(path, f"has no {'.'.join(keys)!r}: not a complete run manifest of this format")
            node = node[k]
        if isinstance(node, bool) or not isinstance(node, types):
            raise NeuroplastFormatError(path, f"{'.'.join(keys)!r} is {node!r}, expected {'/'.join(t.__name__ for t in types)}")
    if m["clock"]["dt_ms"] <= 0:
        raise NeuroplastFormatError(path, f"clock.dt_ms is {m['clock']['dt_ms']}")
    return m
