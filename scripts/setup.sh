#!/usr/bin/env bash
# Installs the system libraries Neuroplast builds against (Debian/Ubuntu): libpng, libhdf5 and
# Cairo with their headers, the DejaVu fonts used in frames, pkg-config; pngcheck and
# ffmpeg (an independent PNG check in the tests, and --video); and Slurm with munge (the
# sweep tests start a real one-node cluster; `neuroplast sweep slurm` submits to one); MPICH
# (MPI ranks: one network over several processes, `mpiexec`, `srun --mpi=pmi2`); and
# python3 with venv for the Python package (python/, tested by scripts/python-tests.sh).
# Needs root or sudo when something is missing; does nothing when everything is present.
set -euo pipefail

packages=(libpng-dev libcairo2-dev libhdf5-dev fonts-dejavu-core pkg-config pngcheck ffmpeg slurmctld slurmd slurm-client munge libmpich-dev mpich python3 python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "setup: the Swift 6 toolchain is not on PATH; install it from swift.org (Swift 6.0 or newer) and re-run" >&2
  exit 1
fi
