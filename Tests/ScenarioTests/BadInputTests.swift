// Bad scenario input: each fault gets a message naming file:line:column and what was
// expected. The faults are written into a known-good scenario one at a time.

import InputReading
import Testing
import Scenario

/// A valid scenario; faults replace one line (or add text).
let goodScenario = """
schema: 1
name: tiny
seed: 3
time:
  dt: 0.1 ms
  duration: 100 ms
  record_interval: 50 ms
sheet:
  width: 500 um
  height: 500 um
populations:
  - name: pyr
    class: pyramidal
    count: 80
  - name: pv
    class: pv
    count: 20
projections:
  - from: pyr
    to: pv
    ampa: 0.5 nS
    connectivity: {rule: random, p: 0.1}
    delay: {synaptic: 0.5 ms}
  - from: pv
    to: pyr
    gaba_a: 1 nS
    connectivity: {rule: gaussian, p_max: 0.3, sigma: 100 um}
drive:
  - population: pyr
    poisson: {rate: 1 kHz, weight: 1 nS}
"""

/// `goodScenario` with line `line` (1-based) replaced.
func replacing(line: Int, with text: String) -> String {
    var lines = goodScenario.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[line - 1] = text
    return lines.joined(separator: "\n")
}

struct Fault: Sendable, CustomStringConvertible {
    let name: String
    let text: String
    let line: Int
    let column: Int
    let says: String
    var description: String { name }
}

let faults: [Fault] = [
    Fault(name: "YAML syntax error", text: replacing(line: 5, with: "  dt: [0.1 ms"), line: 6, column: 11, says: "YAML syntax error"),
    Fault(name: "unknown key", text: replacing(line: 3, with: "sed: 3"), line: 3, column: 1, says: "did you mean `seed`"),
    Fault(name: "wrong unit dimension", text: replacing(line: 5, with: "  dt: 0.1 mV"), line: 5, column: 7, says: "must be a time"),
    Fault(name: "missing unit", text: replacing(line: 6, with: "  duration: 100"), line: 6, column: 13, says: "needs a unit"),
    Fault(name: "unknown unit", text: replacing(line: 9, with: "  width: 500 umm"), line: 9, column: 10, says: "unknown unit `umm`"),
    Fault(name: "negative count", text: replacing(line: 14, with: "    count: -80"), line: 14, column: 12, says: "at least 1"),
    Fault(name: "missing required field", text: replacing(line: 2, with: "# no name"), line: 1, column: 1, says: "missing the required key `name`"),
    Fault(name: "wrong type", text: replacing(line: 14, with: "    count: many"), line: 14, column: 12, says: "whole number"),
    Fault(name: "probability above 1", text: replacing(line: 22, with: "    connectivity: {rule: random, p: 1.5}"), line: 22, column: 37, says: "at most 1"),
    Fault(name: "dt larger than the minimum delay", text: replacing(line: 23, with: "    delay: {synaptic: 0.05 ms}"), line: 23, column: 23, says: "shorter than the time step"),
    Fault(name: "unknown population", text: replacing(line: 20, with: "    to: pvv"), line: 20, column: 9, says: "did you mean `pv`"),
    Fault(name: "unknown cell class", text: replacing(line: 13, with: "    class: pyramid"), line: 13, column: 12, says: "did you mean `pyramidal`"),
    Fault(name: "inhibitory source with AMPA", text: replacing(line: 26, with: "    ampa: 1 nS"), line: 26, column: 11, says: "is inhibitory"),
    Fault(name: "duplicate population name", text: replacing(line: 15, with: "  - name: pyr"), line: 15, column: 11, says: "used twice"),
    Fault(name: "unsupported schema", text: replacing(line: 1, with: "schema: 2"), line: 1, column: 9, says: "not supported"),
    Fault(name: "negative sheet size", text: replacing(line: 10, with: "  height: -500 um"), line: 10, column: 11, says: "greater than 0"),
    Fault(name: "unknown connectivity rule", text: replacing(line: 22, with: "    connectivity: {rule: randum, p: 0.1}"), line: 22, column: 26, says: "did you mean `random`"),
    Fault(name: "more steps than fit in 32 bits", text: replacing(line: 6, with: "  duration: 100 h"), line: 6, column: 13, says: "steps fit"),
    Fault(name: "Vreset above threshold", text: replacing(line: 14, with: "    count: 80\n    params: {Vreset: -40 mV, Vth: -50 mV}"), line: 15, column: 22, says: "must be below `Vth`"),
    Fault(name: "unit of another dimension", text: replacing(line: 10, with: "  height: 500 uM"), line: 10, column: 11, says: "which is a concentration"),
    Fault(name: "empty file", text: "", line: 1, column: 1, says: "empty"),
    Fault(name: "connectome after the run ends",
          text: goodScenario + "\nrecord: {connectome: [50 ms, 150 ms]}", line: 31, column: 30, says: "lies after the run's end at 100.0 ms"),
    Fault(name: "triplet STDP with a negative time constant",
          text: replacing(line: 23, with: "    delay: {synaptic: 0.5 ms}\n    plasticity: {rule: triplet, tau_y: -5 ms}"),
          line: 24, column: 40, says: "must be greater than 0 ms"),
    Fault(name: "triplet STDP time constant in volts",
          text: replacing(line: 23, with: "    delay: {synaptic: 0.5 ms}\n    plasticity: {rule: triplet, tau_x: 100 mV}"),
          line: 24, column: 40, says: "must be a time"),
    Fault(name: "pair-STDP key in a triplet rule",
          text: replacing(line: 23, with: "    delay: {synaptic: 0.5 ms}\n    plasticity: {rule: triplet, a_plus: 0.01}"),
          line: 24, column: 41, says: "`a_plus` belongs to `rule: stdp`, not `rule: triplet`"),
    Fault(name: "triplet key in a pair-STDP rule",
          text: replacing(line: 23, with: "    delay: {synaptic: 0.5 ms}\n    plasticity: {rule: stdp, a3_plus: 0.01}"),
          line: 24, column: 39, says: "`a3_plus` belongs to `rule: triplet`, not `rule: stdp`"),
    Fault(name: "negative triplet amplitude",
          text: replacing(line: 23, with: "    delay: {synaptic: 0.5 ms}\n    plasticity: {rule: triplet, a2_minus: -0.007}"),
          line: 24, column: 43, says: "must be at least 0"),
    Fault(name: "network too large for memory", text: replacing(line: 14, with: "    count: 40000000").replacingOccurrences("p: 0.1}", "p: 0.9}"),
          line: 12, column: 3, says: "too large for this machine"),
]

/// Loads `f.text` and expects a diagnostic at its line and column saying `f.says`, every
/// diagnostic naming the file (shared by the suites of located faults).
func expectLocated(_ f: Fault) {
    do {
        _ = try ScenarioLoader.load(text: f.text, file: "bad.yaml")
        Issue.record("\(f.name): loaded without error")
    } catch let e as ScenarioErrors {
        let match = e.diagnostics.first { $0.location.line == f.line && $0.location.column == f.column && $0.message.contains(f.says) }
        #expect(match != nil, "\(f.name): expected \(f.line):\(f.column) '\(f.says)', got \(e.description)")
        #expect(e.diagnostics.allSatisfy { $0.location.file == "bad.yaml" })
    } catch {
        Issue.record("\(f.name): unexpected error \(error)")
    }
}

@Suite struct BadInputTests {
    @Test(arguments: faults)
    func faultIsLocated(_ f: Fault) { expectLocated(f) }

    @Test func goodScenarioLoads() throws {
        let s = try ScenarioLoader.load(text: goodScenario, file: "good.yaml")
        #expect(s.neuronCount == 100)
        #expect(s.projections.count == 2)
        #expect(s.time.dt == 0.1 && s.time.duration == 100)
        #expect(s.sheet.width == 500)
        #expect(s.drives[0].poissonRate == 1)   // 1 kHz = 1 /ms
    }

    @Test func allErrorsOfAFileAtOnce() {
        let text = replacing(line: 5, with: "  dt: 0.1 mV").replacingOccurrences("count: 20", "count: 0")
        do {
            _ = try ScenarioLoader.load(text: text, file: "bad.yaml")
            Issue.record("loaded")
        } catch let e as ScenarioErrors {
            #expect(e.diagnostics.count >= 2, "\(e)")
        } catch { Issue.record("\(error)") }
    }

    @Test func badSetPathIsAUsageError() throws {
        let o = try Override.parse("populations.interneurons.count=5", index: 0)
        do {
            _ = try ScenarioLoader.load(text: goodScenario, file: "good.yaml", overrides: [o])
            Issue.record("loaded")
        } catch let e as ScenarioErrors {
            #expect(e.isUsage)
            #expect(e.description.contains("--set #1:1:1"))
            #expect(e.description.contains("no list item `interneurons`"))
        }
    }

    /// A bad value given with `--set` is reported where it was typed: the override's number
    /// and the column inside its value, not a line of the scenario file.
    @Test func badSetValueIsLocatedInTheOverride() throws {
        do {
            _ = try ScenarioLoader.load(text: goodScenario, file: "good.yaml",
                                        overrides: [try Override.parse("populations.pv.count=30", index: 0),
                                                    try Override.parse("time={dt: 0.1 ms, duration: forever}", index: 1)])
            Issue.record("loaded")
        } catch let e as ScenarioErrors {
            #expect(e.description.contains("--set #2:1:24"), "\(e)")
            #expect(e.description.contains("`time.duration`"), "\(e)")
            #expect(!e.description.contains("good.yaml:1:1"), "\(e)")
        }
        do {
            _ = try ScenarioLoader.load(text: goodScenario, file: "good.yaml", overrides: [try Override.parse("time.dt=fast", index: 0)])
            Issue.record("loaded")
        } catch let e as ScenarioErrors {
            #expect(e.description.contains("--set #1:1:1"), "\(e)")
        }
    }

    @Test func setOverridesAreCheckedLikeFileValues() throws {
        let ok = try ScenarioLoader.load(text: goodScenario, file: "good.yaml",
                                         overrides: [try Override.parse("populations.pv.count=30", index: 0),
                                                     try Override.parse("time.duration=1 s", index: 1)])
        #expect(ok.populations[1].count == 30)
        #expect(ok.time.duration == 1000)
        #expect(ok.resolvedYAML.contains("count: 30"))
        #expect(throws: ScenarioErrors.self) {
            try ScenarioLoader.load(text: goodScenario, file: "good.yaml", overrides: [try Override.parse("time.dt=fast", index: 0)])
        }
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
