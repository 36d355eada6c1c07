"""Command line: ``python -m neuroplast {info,export-nwb,columns} …``.

Exit codes: 0 success, 1 a run folder or file that cannot be read (the message names the
file and what is wrong), 2 usage errors (argparse), 3 a missing optional dependency.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from . import __version__
from .columns import TABLES, columns
from .errors import NeuroplastFormatError
from .run import open_run


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m neuroplast", description="Read Neuroplast run folders; export them to NWB.")
    p.add_argument("--version", action="version", version=f"neuroplast (Python) {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    info = sub.add_parser("info", help="describe a run folder")
    info.add_argument("run_dir", metavar="RUN_DIR")

    nwb = sub.add_parser("export-nwb", help="write a run as an NWB 2.x file (needs neuroplast[nwb])")
    nwb.add_argument("run_dir", metavar="RUN_DIR", help="the run folder (for a run with arms, one arm's folder)")
    nwb.add_argument("output", metavar="OUT.nwb")
    nwb.add_argument("--overwrite", action="store_true", help="replace OUT.nwb if it exists")
    nwb.add_argument("--inspect", action="store_true", help="run nwbinspector on the result and print its messages")

    cols = sub.add_parser("columns", help="print the documented columns of a table")
    cols.add_argument("table", choices=list(TABLES))
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "info":
            print(open_run(args.run_dir).describe())
        elif args.command == "columns":
            import pandas as pd

            with pd.option_context("display.max_colwidth", 120, "display.width", 200):
                print(columns(args.table).to_string(index=False))
        elif args.command == "export-nwb":
            from .nwb_export import to_nwb

            run = open_run(args.run_dir)
            out = to_nwb(run, args.output, overwrite=args.overwrite)
            print(f"wrote {out}")
            if args.inspect:
                from nwbinspector import inspect_nwbfile

                for m in inspect_nwbfile(nwbfile_path=str(out)):
                    print(f"{m.importance.name}: {m.check_function_name} {m.object_type} {m.object_name}: {m.message}")
        return 0
    except NeuroplastFormatError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except FileExistsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except ImportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
