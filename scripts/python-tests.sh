#!/usr/bin/env bash
# Tests of the Python package (python/): builds or reuses a virtual environment at
# <repo>/.venv-python with the exact versions of python/requirements-test.txt, installs
# the package from python/, and runs pytest on python/tests against real runs of the
# simulator. The binary is $NEUROPLAST_BIN, else <repo>/.build/debug/neuroplast (build it
# first with `swift build`); without it the tests fail, they are not skipped.
#
#   bash scripts/python-tests.sh [pytest arguments…]
#
# Needs python3 ≥ 3.10 with venv (Debian/Ubuntu: apt-get install python3-venv) and access
# to PyPI (or a mirror configured for pip) the first time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-python"
python="${PYTHON:-python3}"
export NEUROPLAST_BIN="${NEUROPLAST_BIN:-$root/.build/debug/neuroplast}"

if ! command -v "$python" >/dev/null 2>&1; then
    echo "error: $python not found; install Python 3 (Debian/Ubuntu: apt-get install python3 python3-venv)" >&2
    exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
    echo "creating $venv"
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        echo "error: '$python -m venv' failed; on Debian/Ubuntu install python3-venv (apt-get install python3-venv)" >&2
        exit 1
    fi
fi

# Install the pinned environment only when the pins changed since the last install.
stamp="$venv/.requirements-test.sha256"
want="$(sha256sum "$root/python/requirements-test.txt" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "installing python/requirements-test.txt into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/python/requirements-test.txt"
    echo "$want" > "$stamp"
fi
# The package itself: always reinstalled (quick, no dependencies fetched: they are pinned above),
# built from a copy so that setuptools leaves no build/ or *.egg-info in the checkout.
src="$(mktemp -d)"
trap 'rm -rf "$src"' EXIT
cp -r "$root/python/pyproject.toml" "$root/python/README.md" "$root/python/src" "$src/"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps --force-reinstall "$src"
"$venv/bin/python" -m pip check >/dev/null || { "$venv/bin/python" -m pip check >&2; exit 1; }

echo "neuroplast binary: $NEUROPLAST_BIN"
cd "$root"
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/python/tests" "$@"
