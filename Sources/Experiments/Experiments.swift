// Experiments: sweep files (`SweepSpec`, `SweepDecoder`), planning and validation of every
// point (`SweepPlanner`), the sweep folder (`SweepLayout`, `SweepManifest`), point claims
// (`PointClaim`), the local runner, Slurm job arrays, status and collection (CSV, figures).
// File formats are documented in README.md § Sweeps.
@_exported import Scenario
