// Test support for sweeps: a tiny base scenario whose points run in a fraction of a
// second (the executable runner is in TestSupport).

import Foundation
import Testing
@_exported import TestSupport

/// A 100-neuron network, 150 ms: a point takes ~0.1 s in a debug build.
let tinyBase = """
schema: 1
name: sweep-tiny
time: {dt: 0.1 ms, duration: 150 ms, record_interval: 50 ms, transient: 50 ms}
sheet: {width: 200 um, height: 200 um}
populations:
  - {name: E, count: 80}
  - {name: I, class: pv, count: 20}
projections:
  - {from: E, to: I, ampa: 1.5 nS, connectivity: {rule: random, p: 0.2}}
  - {from: I, to: E, gaba_a: 4 nS, connectivity: {rule: random, p: 0.2}}
drive:
  - {population: E, poisson: {rate: 2 kHz, weight: 1 nS}}
  - {population: I, poisson: {rate: 2 kHz, weight: 1 nS}}

"""

/// A 2 × 2 × 2 sweep over `tinyBase`.
let tinySweep = """
sweep: 1
name: tiny
base: base.yaml
axes:
  - {key: drive.0.poisson.rate, name: drive, values: [1.5 kHz, 2.5 kHz]}
  - {key: projections.1.gaba_a, name: g_inh, values: [2 nS, 6 nS]}
  - {seeds: [1, 2]}

"""

/// Writes `tinyBase` and a sweep file into a new folder; returns the sweep file's path.
func writeSweep(_ sweep: String = tinySweep, base: String = tinyBase, in dir: String = CLI.tempDir()) throws -> String {
    try base.write(toFile: dir + "/base.yaml", atomically: true, encoding: .utf8)
    try sweep.write(toFile: dir + "/sweep.yaml", atomically: true, encoding: .utf8)
    return dir + "/sweep.yaml"
}
