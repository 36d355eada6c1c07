"""Exceptions raised for run folders that cannot be read as they are.

Every reader in this package raises one of these instead of returning data it is not
sure of: a file of another format or version, a truncated or damaged file, a file the
run should have written but did not, or a run that has not finished.
"""

from __future__ import annotations

import os
from typing import Optional, Union

PathLike = Union[str, "os.PathLike[str]"]


class NeuroplastFormatError(ValueError):
    """A run or sweep folder, or one of its files, is not what this package reads.

    Attributes:
        path: the file or folder at fault (a string), or None.
        problem: what is wrong with it, in words.
    """

    def __init__(self, path: Optional[PathLike], problem: str):
        self.path = None if path is None else os.fspath(path)
        self.problem = problem
        message = problem if self.path is None else f"{self.path}: {problem}"
        super().__init__(message)

    def __reduce__(self):  # keep the two-argument constructor picklable
        return (type(self), (self.path, self.problem))


class MissingFileError(NeuroplastFormatError, FileNotFoundError):
    """A file the request needs is not in the run folder.

    Also a ``FileNotFoundError``, so ``except FileNotFoundError`` catches it.
    """

    def __init__(self, path: Optional[PathLike], problem: str):
        NeuroplastFormatError.__init__(self, path, problem)
        self.filename = self.path

    def __str__(self) -> str:  # OSError would print "[Errno None] ..." otherwise
        return self.args[0] if self.args else ""


class RunNotFinishedError(NeuroplastFormatError):
    """The run folder belongs to a run that is still going or was interrupted.

    Neuroplast writes every file as ``<name>.partial`` and renames it when complete, and
    writes ``manifest.json`` last; a ``.partial`` file, or a missing manifest beside run
    files, means the folder does not hold a whole run.
    """
