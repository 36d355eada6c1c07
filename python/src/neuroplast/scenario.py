"""The resolved scenario of a run (``scenario.resolved.yaml``).

The text is always available. Parsing it whole needs PyYAML, which this package does not
depend on: :func:`parse` uses it when it is installed. :func:`top_level_scalar` is a tiny
reader for one top-level string (``name``, ``description``) in plain, single-quoted,
double-quoted (with YAML escapes and line folding) or block (``|``, ``>``) style — the
styles the simulator's YAML emitter writes — so that metadata never needs PyYAML.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

__all__ = ["parse", "top_level_scalar"]


def parse(text: str, source: str = "scenario.resolved.yaml") -> Dict[str, Any]:
    """The scenario as nested dicts and lists (values keep their unit text, e.g. "0.1 ms").

    Raises ImportError naming PyYAML when it is not installed.
    """
    try:
        import yaml
    except ImportError:
        raise ImportError(
            f"parsing {source} needs PyYAML (pip install pyyaml); the text is in Run.scenario, "
            "and Run.description / Run.scenario_name need no parser"
        ) from None
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"{source} is not a YAML mapping")
    return data


_DQ_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
    "_": "\xa0", "L": "\u2028", "P": "\u2029",
}


def _fold(lines: List[str]) -> str:
    """YAML line folding of flow scalars: one line break → space, n empty lines → n breaks."""
    out = ""
    pending_breaks = 0
    for k, line in enumerate(lines):
        if k == 0:
            out = line
            continue
        if line == "":
            pending_breaks += 1
            continue
        out += ("\n" * pending_breaks) if pending_breaks else " "
        pending_breaks = 0
        out += line
    return out + "\n" * pending_breaks


def _double_quoted(body: str) -> str:
    # body: everything after the opening quote, possibly over several lines, closing quote included
    out: List[str] = []
    i = 0
    line_parts: List[str] = []
    current = ""
    while i < len(body):
        ch = body[i]
        if ch == '"':
            line_parts.append(current)
            break
        if ch == "\\":
            nxt = body[i + 1] if i + 1 < len(body) else ""
            if nxt == "\n":  # escaped line break: join without a space, skip the next indentation
                i += 2
                while i < len(body) and body[i] in " \t":
                    i += 1
                continue
            if nxt in "xuU":
                n = {"x": 2, "u": 4, "U": 8}[nxt]
                current += chr(int(body[i + 2:i + 2 + n], 16))
                i += 2 + n
                continue
            if nxt in _DQ_ESCAPES:
                current += _DQ_ESCAPES[nxt]
                i += 2
                continue
            raise ValueError(f"unknown escape \\{nxt} in a double-quoted scalar")
        if ch == "\n":
            i = _line_break(body, i, current, line_parts)
            current = ""
            continue
        current += ch
        i += 1
    else:
        raise ValueError("unterminated double-quoted scalar")
    out.append(_fold(line_parts))
    return "".join(out)


def _line_break(body: str, i: int, current: str, parts: List[str]) -> int:
    """A line break inside a quoted scalar at ``body[i]``: ends the current line (trailing
    blanks dropped) and returns the index after the next line's leading blanks."""
    parts.append(current.rstrip(" \t"))
    i += 1
    while i < len(body) and body[i] in " \t":
        i += 1
    return i


def _single_quoted(body: str) -> str:
    parts: List[str] = []
    current = ""
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "'":
            if body[i + 1:i + 2] == "'":
                current += "'"
                i += 2
                continue
            parts.append(current)
            return _fold(parts)
        if ch == "\n":
            i = _line_break(body, i, current, parts)
            current = ""
            continue
        current += ch
        i += 1
    raise ValueError("unterminated single-quoted scalar")


def top_level_scalar(text: str, key: str) -> Optional[str]:
    """The string value of a top-level ``key:`` of a YAML document, or None if absent.

    Handles plain, quoted and block scalars (not anchors, tags or flow collections).
    """
    lines = text.splitlines()
    pattern = re.compile(rf"^{re.escape(key)}\s*:(?:\s+|$)(.*)$")
    for n, line in enumerate(lines):
        m = pattern.match(line)
        if not m:
            continue
        rest = m.group(1)
        following = lines[n + 1:]
        continuation: List[str] = []
        for f in following:
            if f.strip() == "" or f[:1] in (" ", "\t"):
                continuation.append(f)
            else:
                break
        if rest.startswith('"'):
            return _double_quoted("\n".join([rest[1:]] + continuation))
        if rest.startswith("'"):
            return _single_quoted("\n".join([rest[1:]] + continuation))
        if rest[:1] in ("|", ">"):
            block = [c for c in continuation]
            while block and block[-1].strip() == "":
                block.pop()
            indent = min((len(b) - len(b.lstrip(" ")) for b in block if b.strip()), default=0)
            body = [b[indent:] for b in block]
            chomp = "-" if "-" in rest[1:3] else ("+" if "+" in rest[1:3] else "")
            if rest[0] == "|":
                value = "\n".join(body)
            else:
                value = _fold([b for b in body])
            return value if chomp == "-" else value + "\n"
        if rest.strip() == "" and any(re.match(r"^\s+(-\s|[^\s:]+\s*:(\s|$))", c) for c in continuation):
            return None  # a mapping or a sequence, not a string
        # plain scalar: this line and indented continuation lines, folded; comments end it
        parts = [rest.split(" #", 1)[0].rstrip()]
        for c in continuation:
            if c.strip() == "":
                parts.append("")
            else:
                parts.append(c.strip().split(" #", 1)[0])
        while parts and parts[-1] == "":
            parts.pop()
        value = _fold(parts)
        if value in ("", "~", "null", "Null", "NULL"):
            return None if value != "" else ""
        return value
    return None
