// Experiments: sweep files, the local runner, Slurm job arrays, status and collection.
@_exported import Scenario
