"""Read the run and sweep folders of the Neuroplast simulator into pandas, Neo and NWB.

>>> import neuroplast
>>> run = neuroplast.open_run("Output/baseline-pfc/20260101T000000Z-s42")
>>> run.spikes.head()          # time_ms [ms], node_id, population
>>> run.metrics                # one row per recording interval and population
>>> neuroplast.to_nwb(run, "baseline.nwb")

Every table's columns and units: ``neuroplast.columns("metrics")`` and python/README.md.
"""

from .columns import TABLES, columns
from .errors import MissingFileError, NeuroplastFormatError, RunNotFinishedError
from .run import Run, open_run
from .sweep import Sweep, open_sweep

__version__ = "0.1.0"

__all__ = [
    "open_run", "Run", "open_sweep", "Sweep", "to_neo", "to_neo_segment", "to_nwb",
    "columns", "TABLES", "NeuroplastFormatError", "MissingFileError", "RunNotFinishedError", "__version__",
]


def to_neo(run, populations=None, source=None):
    """One neo.SpikeTrain per neuron (ms; annotations node_id, population, x_um, y_um). Needs neuroplast[neo]."""
    from .neo_export import to_neo as _to_neo

    return _to_neo(run, populations=populations, source=source)


def to_neo_segment(run, populations=None):
    """A neo.Segment with :func:`to_neo`'s spike trains. Needs neuroplast[neo]."""
    from .neo_export import to_neo_segment as _seg

    return _seg(run, populations=populations)


def to_nwb(run, path, *, overwrite=False):
    """Writes the run as an NWB 2.x file (see python/README.md for the mapping). Needs neuroplast[nwb]."""
    from .nwb_export import to_nwb as _to_nwb

    return _to_nwb(run, path, overwrite=overwrite)
