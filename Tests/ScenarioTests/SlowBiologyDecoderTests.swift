// The slow-clock sections of a scenario — `slow_clock`, `pharmacology`, `stress`, `arms` —
// decoded from a small version of Scenarios/ketamine-infusion-human.yaml: the values a valid
// file gives, and located errors (message and line:column of the offending node) for bad
// doses, regimens and settings, all reported in one pass.

import Foundation
import InputReading
import XCTest
import NeuroplastCore
import Scenario

/// The human infusion protocol with 80/12/8 neurons. Faults replace a piece of this text.
private let slowScenario = """
schema: 1
name: ketamine-small
seed: 42
time: {dt: 0.1 ms, record_interval: 100 ms}
sheet: {width: 300 um, height: 300 um, boundary: periodic}
slow_clock:
  step: 10 min
  duration: 14 d
  window: 500 ms
  settle: 100 ms
  windows:
    - {until: 8 h, every: 10 min}
    - {until: 2 d, every: 1 h}
    - {until: 14 d, every: 6 h}
  structural_every: 1 h
pharmacology:
  species: human
  body_weight: 70 kg
  doses:
    - {drug: ketamine, route: iv_infusion, dose: 0.5 mg/kg, at: 0 h, duration: 40 min}
populations:
  - {name: pyr, class: pyramidal, count: 80}
  - {name: pv,  class: pv,  count: 12}
  - {name: sst, class: sst, count: 8, model: adex}
projections:
  - {from: pyr, to: pyr, ampa: 0.4 nS, nmda: 0.12 nS, structural: true, connectivity: {rule: gaussian, p_max: 0.2, sigma: 200 um}, delay: {synaptic: 0.5 ms}}
  - {from: pyr, to: pv,  ampa: 0.6 nS, connectivity: {rule: gaussian, p_max: 0.3, sigma: 200 um}, delay: {synaptic: 0.5 ms}}
  - {from: pv,  to: pyr, gaba_a: 3.0 nS, connectivity: {rule: gaussian, p_max: 0.4, sigma: 150 um}, delay: {synaptic: 0.5 ms}}
  - {from: sst, to: pyr, gaba_a: 1.5 nS, connectivity: {rule: gaussian, p_max: 0.3, sigma: 200 um}, delay: {synaptic: 0.5 ms}}
drive:
  - {population: pyr, poisson: {rate: 400 Hz, weight: 12 nS, receptor: ampa}}
  - {population: pv,  poisson: {rate: 600 Hz, weight: 6 nS, receptor: ampa}}
record: {spikes: true, raster_sample: 20}
"""

private let doseLine = "    - {drug: ketamine, route: iv_infusion, dose: 0.5 mg/kg, at: 0 h, duration: 40 min}"

final class SlowBiologyDecoderTests: XCTestCase {
    // MARK: helpers

    /// `slowScenario` with `old` (which must occur) replaced by `new`.
    func edited(_ old: String, _ new: String) -> String { edited(slowScenario, old, new) }

    /// `text` with `old` (which must occur) replaced by `new`.
    func edited(_ text: String, _ old: String, _ new: String) -> String {
        XCTAssertTrue(text.contains(old), "the base scenario no longer contains \(old)")
        return text.components(separatedBy: old).joined(separator: new)
    }

    /// 1-based line and column of the first occurrence of `needle` in `text`.
    func position(of needle: String, in text: String) -> (line: Int, column: Int)? {
        for (i, line) in text.components(separatedBy: "\n").enumerated() {
            if let r = line.range(of: needle) { return (i + 1, line.distance(from: line.startIndex, to: r.lowerBound) + 1) }
        }
        return nil
    }

    /// The diagnostics of a file that must not load.
    func errors(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [Diagnostic] {
        do {
            let s = try ScenarioLoader.load(text: text, file: "slow.yaml")
            XCTFail("loaded without error: \(s.name)", file: file, line: line)
        } catch let e as ScenarioErrors {
            XCTAssertFalse(e.isUsage, "a fault in the file is not a usage error", file: file, line: line)
            XCTAssertTrue(e.diagnostics.allSatisfy { $0.location.file == "slow.yaml" }, "\(e)", file: file, line: line)
            return e.diagnostics
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
        return []
    }

    /// Asserts one diagnostic says `says` at the position of `at` (the offending node's text)
    /// in `text`, optionally after skipping `after` (for repeated text).
    func assertLocated(_ text: String, says: String, at node: String, after: String? = nil,
                       file: StaticString = #filePath, line: UInt = #line) {
        let diagnostics = errors(text, file: file, line: line)
        var search = text
        var lineOffset = 0
        if let a = after, let p = position(of: a, in: text) {
            lineOffset = p.line - 1
            search = text.components(separatedBy: "\n").dropFirst(lineOffset).joined(separator: "\n")
        }
        guard let p = position(of: node, in: search) else { return XCTFail("`\(node)` is not in the text", file: file, line: line) }
        let want = (line: p.line + lineOffset, column: p.column)
        let hit = diagnostics.first { $0.location.line == want.line && $0.location.column == want.column && $0.message.contains(says) }
        XCTAssertNotNil(hit, "expected \"\(says)\" at \(want.line):\(want.column); got:\n\(diagnostics.map(\.description).joined(separator: "\n"))",
                        file: file, line: line)
    }

    // MARK: a valid file

    func testValidFileDecodes() throws {
        let s = try ScenarioLoader.load(text: slowScenario, file: "slow.yaml")
        XCTAssertEqual(s.neuronCount, 100)
        let slow = try XCTUnwrap(s.slow)
        let c = slow.clock
        XCTAssertEqual(c.step, 1.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(c.duration, 336, accuracy: 1e-9)
        XCTAssertEqual(c.window, 500)
        XCTAssertEqual(c.settle, 100)
        XCTAssertEqual(c.structuralEvery, 1, accuracy: 1e-12)
        XCTAssertEqual(c.cadence.count, 3)
        XCTAssertEqual(c.cadence.map(\.until), [8, 48, 336])
        XCTAssertEqual(c.cadence[0].every, 1.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(c.cadence[1].every, 1, accuracy: 1e-12)
        XCTAssertEqual(c.cadence[2].every, 6, accuracy: 1e-12)
        // Windows: every 10 min to 8 h (48), hourly to 2 d (40), every 6 h to 14 d (48).
        let windows = c.windowTimes()
        XCTAssertEqual(c.stepCount, 14 * 24 * 6)
        XCTAssertEqual(windows.count, 48 + 40 + 48)
        XCTAssertEqual(windows.first, 0)
        XCTAssertEqual(windows[47], 47.0 / 6, accuracy: 1e-9)
        XCTAssertEqual(windows[48], 8, accuracy: 1e-9)
        XCTAssertEqual(windows[88], 48, accuracy: 1e-9)
        XCTAssertEqual(windows.last ?? 0, 330, accuracy: 1e-9)
        XCTAssertEqual(s.time.duration, Double(windows.count) * 500)
        XCTAssertEqual(s.time.dt, 0.1)
        // Pharmacology: 0.5 mg/kg × 70 kg over 40 min from 0 h.
        let ph = try XCTUnwrap(slow.pharmacology)
        XCTAssertEqual(ph.species, "human")
        XCTAssertEqual(ph.bodyWeight, 70)
        XCTAssertEqual(ph.doses.count, 1)
        let d = ph.doses[0]
        XCTAssertEqual(d.drug, "ketamine")
        XCTAssertEqual(d.route, "iv_infusion")
        XCTAssertEqual(d.amount, 35, accuracy: 1e-12)
        XCTAssertEqual(d.start, 0)
        XCTAssertEqual(d.duration, 40.0 / 60, accuracy: 1e-12)
        // The drugs are the dosed one and its metabolites (ketamine → norketamine → HNK).
        XCTAssertEqual(ph.drugs.map(\.name), ["hnk_2r6r", "ketamine", "norketamine"])
        XCTAssertEqual(ph.block, .slice)
        XCTAssertTrue(slow.stress.isEmpty)
    }

    func testDoseUnitsAndBodyWeight() throws {
        let s = try ScenarioLoader.load(text: edited(edited("body_weight: 70 kg", "body_weight: 80000 g"), "dose: 0.5 mg/kg", "dose: 500 ug/kg"),
                                        file: "slow.yaml")
        XCTAssertEqual(try XCTUnwrap(s.slow?.pharmacology).bodyWeight, 80, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(s.slow?.pharmacology?.doses.first).amount, 40, accuracy: 1e-9)
        let abs = try ScenarioLoader.load(text: edited("dose: 0.5 mg/kg", "dose: 56 mg"), file: "slow.yaml")
        XCTAssertEqual(try XCTUnwrap(abs.slow?.pharmacology?.doses.first).amount, 56)
    }

    func testRepeatGivesOneDosePerTime() throws {
        let text = edited(doseLine, "    - {drug: ketamine, route: intramuscular, dose: 0.5 mg/kg, at: 1 h, repeat: {every: 2 d, times: 6}}")
        let s = try ScenarioLoader.load(text: text, file: "slow.yaml")
        let doses = try XCTUnwrap(s.slow?.pharmacology?.doses)
        XCTAssertEqual(doses.count, 6)
        XCTAssertEqual(doses.map(\.start), [1, 49, 97, 145, 193, 241])
        XCTAssertTrue(doses.allSatisfy { $0.route == "intramuscular" && abs($0.amount - 35) < 1e-12 && $0.duration == 0 })
    }

    func testStressEpisodesDecodeInHours() throws {
        let text = slowScenario + "\nstress:\n  - {start: -21 d, stop: 0 h, level: 1}\n  - {start: 2 d, stop: 3 d}\n"
        let s = try ScenarioLoader.load(text: text, file: "slow.yaml")
        XCTAssertEqual(s.slow?.stress, [StressSpec(start: -504, stop: 0, level: 1), StressSpec(start: 48, stop: 72, level: 1)])
    }

    // MARK: located errors

    func testNegativeDose() {
        let text = edited("dose: 0.5 mg/kg", "dose: -1 mg/kg")
        assertLocated(text, says: "must be a positive dose", at: "-1 mg/kg")
    }

    func testDoseWithoutUnit() {
        let text = edited("dose: 0.5 mg/kg", "dose: 0.5")
        assertLocated(text, says: "needs a dose unit", at: "0.5, at")
    }

    func testUnknownDrugSuggestsTheClosest() {
        let text = edited("drug: ketamine", "drug: ketamin")
        assertLocated(text, says: "unknown drug `ketamin` (did you mean `ketamine`?)", at: "ketamin,")
    }

    func testUnknownRoute() {
        let text = edited("route: iv_infusion", "route: iv_drip")
        assertLocated(text, says: "must be one of iv_bolus, iv_infusion", at: "iv_drip")
    }

    func testInfusionLongerThanTheRun() {
        let text = edited("duration: 40 min", "duration: 20 d")
        assertLocated(text, says: "after the run ends (slow_clock.duration = 14 d)", at: "20 d}")
    }

    func testBolusAfterTheRun() {
        let text = edited(doseLine, "    - {drug: ketamine, route: iv_bolus, dose: 0.5 mg/kg, at: 15 d}")
        assertLocated(text, says: "after the run ends", at: "15 d}")
    }

    func testOverlappingDosesOfOneDrug() {
        let second = "    - {drug: ketamine, route: iv_infusion, dose: 0.5 mg/kg, at: 20 min, duration: 40 min}"
        let text = edited(doseLine, doseLine + "\n" + second)
        assertLocated(text, says: "overlaps the one at 0 h", at: "{drug", after: "at: 20 min")
        // Allowed on request.
        let allowed = edited(text, "  body_weight: 70 kg", "  body_weight: 70 kg\n  allow_overlap: true")
        XCTAssertNoThrow(try {
            let s = try ScenarioLoader.load(text: allowed, file: "slow.yaml")
            XCTAssertEqual(s.slow?.pharmacology?.doses.count, 2)
        }())
        // Back-to-back infusions do not overlap.
        let after = edited(doseLine, doseLine + "\n" + second.replacingOccurrences(of: "20 min", with: "40 min"))
        XCTAssertNoThrow(try ScenarioLoader.load(text: after, file: "slow.yaml"))
    }

    func testPharmacologyNeedsASlowClock() {
        var text = slowScenario
        let start = text.range(of: "slow_clock:")!.lowerBound, end = text.range(of: "pharmacology:")!.lowerBound
        text.removeSubrange(start..<end)
        text = edited(text, "time: {dt: 0.1 ms,", "time: {dt: 0.1 ms, duration: 1 s,")
        assertLocated(text, says: "`pharmacology` acts on the slow clock; add a `slow_clock` section", at: "species: human")
        let stress = edited(text, "pharmacology:", "stress: [{start: 0 h, stop: 1 d}]\npharmacology:")
        assertLocated(stress, says: "`stress` acts on the slow clock", at: "[{start")
    }

    func testTimeDurationWithASlowClock() {
        let text = edited("time: {dt: 0.1 ms,", "time: {dt: 0.1 ms, duration: 2 s,")
        assertLocated(text, says: "`time.duration` is set by the slow clock", at: "2 s,")
    }

    func testSettleNotShorterThanTheWindow() {
        assertLocated(edited("settle: 100 ms", "settle: 500 ms"), says: "`settle` must be shorter than the window", at: "500 ms", after: "settle:")
        assertLocated(edited("settle: 100 ms", "settle: 1 s"), says: "`settle` must be shorter than the window", at: "1 s")
    }

    func testStructuralPlasticityWithASlowClock() {
        let text = slowScenario + """

        plasticity:
          structural:
            interval: 100 ms
            elements:
              - population: pyr
                axonal: {curve: gaussian, nu: 4 Hz, eta: 0, epsilon: 0.005}
                dendritic_exc: {curve: gaussian, nu: 4 Hz, eta: 0, epsilon: 0.005}
        """
        assertLocated(text, says: "with a `slow_clock`, structure follows the spine-turnover model", at: "structural:", after: "plasticity:")
    }

    func testRouteWithoutAbsorptionInTheLibrary() {
        // mk801 has rat i.p. and s.c. absorption, no oral.
        let text = edited(edited(edited("species: human", "species: rat"), "body_weight: 70 kg", "body_weight: 300 g"),
                          doseLine, "    - {drug: mk801, route: oral, dose: 0.1 mg/kg, at: 1 h}")
        assertLocated(text, says: "the library gives no oral absorption for mk801 in the rat; routes it has: iv_bolus, iv_infusion, intraperitoneal, subcutaneous",
                      at: "oral")
        // and no human pharmacokinetics at all.
        let human = edited(doseLine, "    - {drug: mk801, route: iv_bolus, dose: 0.1 mg/kg, at: 1 h}")
        assertLocated(human, says: "the library has no human pharmacokinetics for `mk801`", at: "mk801")
    }

    func testSubtypeFractionsMustSumToOne() {
        let block = "  block:\n    model: subtype\n    subtypes:\n      pyr: {GluN2A: 0.5, GluN2B: 0.4}\n      pv: {GluN2A: 0.2, GluN2B: 0.3, GluN2C: 0.5}\n"
        let text = edited("  doses:\n", block + "  doses:\n")
        assertLocated(text, says: "the subunit fractions of `pyr` must add up to 1; they add up to 0.9", at: "{GluN2A: 0.5")
        let diagnostics = errors(text)
        XCTAssertEqual(diagnostics.count, 1, "pv's fractions add up to 1: \(diagnostics)")
        // Corrected, the mix is decoded per population.
        let ok = try? ScenarioLoader.load(text: edited(text, "GluN2B: 0.4}", "GluN2B: 0.5}"), file: "slow.yaml")
        XCTAssertEqual(ok?.slow?.pharmacology?.block, .subtype(magnesium: 1))
        XCTAssertEqual(ok?.slow?.pharmacology?.subtypes[1], ["GluN2A": 0.2, "GluN2B": 0.3, "GluN2C": 0.5])
    }

    /// Knockdowns name a population and a subunit it has, with a fraction 0…1; the remaining
    /// receptors and their mix follow; `bdnf` is normal or knockout.
    func testKnockdownAndBDNFKnockout() throws {
        let block = "  block:\n    subtypes:\n      pv: {GluN2A: 0.2, GluN2B: 0.8}\n  knockdown:\n    pv: {GluN2B: 1}\n    pyr: {GluN2B: 0.5}\n  bdnf: knockout\n"
        let sc = try ScenarioLoader.load(text: edited("  doses:\n", block + "  doses:\n"), file: "slow.yaml")
        let ph = try XCTUnwrap(sc.slow?.pharmacology)
        XCTAssertTrue(ph.bdnfKnockout)
        XCTAssertEqual(ph.remainingNMDA(0), 0.75, accuracy: 1e-12, "pyr: half of its GluN2B (half of the default mix)")
        XCTAssertEqual(ph.remainingNMDA(1), 0.2, accuracy: 1e-12, "pv: all of its GluN2B (0.8)")
        XCTAssertEqual(ph.remainingNMDA(2), 1, "sst: untouched")
        XCTAssertEqual(ph.remainingSubtypes(1)["GluN2A"] ?? 0, 1, accuracy: 1e-12)
        XCTAssertEqual(ph.remainingSubtypes(1)["GluN2B"] ?? 1, 0, accuracy: 1e-12)
        XCTAssertEqual(ph.knockedDown("GluN2B", in: 0), 0.5)
        XCTAssertFalse(try XCTUnwrap(ScenarioLoader.load(text: slowScenario, file: "slow.yaml").slow?.pharmacology).bdnfKnockout)

        let absent = "  block:\n    subtypes:\n      pv: {GluN2A: 1}\n  knockdown:\n    pv: {GluN2B: 0.5}\n  doses:\n"
        assertLocated(edited("  doses:\n", absent), says: "`pv` has no GluN2B to knock down", at: "0.5}", after: "knockdown:")
        assertLocated(edited("  doses:\n", "  knockdown:\n    pyr: {GluN2B: 1.5}\n  doses:\n"), says: "must be at most 1", at: "1.5}", after: "knockdown:")
        assertLocated(edited("  doses:\n", "  knockdown:\n    chandelier: {GluN2B: 1}\n  doses:\n"), says: "chandelier", at: "chandelier")
        assertLocated(edited("  doses:\n", "  knockdown:\n    pyr: {GluN3A: 1}\n  doses:\n"), says: "GluN3A", at: "GluN3A")
        assertLocated(edited("  doses:\n", "  bdnf: absent\n  doses:\n"), says: "knockout", at: "absent")
    }

    /// A bath holds the free brain concentration: the plasma curve that yields it through
    /// the drug's brain:plasma ratio and unbound fraction, over the whole run.
    func testBathBecomesAConstantCurve() throws {
        let text = edited("  doses:\n    - {drug: ketamine, route: iv_infusion, dose: 0.5 mg/kg, at: 0 h, duration: 40 min}\n",
                          "  bath: [{drug: ketamine, concentration: 1 uM}]\n")
        let ph = try XCTUnwrap(ScenarioLoader.load(text: text, file: "slow.yaml").slow?.pharmacology)
        let k = try XCTUnwrap(ph.drugs.first { $0.name == "ketamine" })
        let curve = try XCTUnwrap(ph.curves.first)
        XCTAssertEqual(curve.plasma[0], curve.plasma[1])
        XCTAssertEqual(curve.plasma[0] / k.molarMass * k.brainPlasmaRatio * k.brainUnboundFraction, 1, accuracy: 1e-12)
        XCTAssertEqual(curve.times[0], 0)
        XCTAssertGreaterThan(curve.times[1], 14 * 24, "the curve covers the run")
        assertLocated(edited("  doses:\n", "  bath: [{drug: ketamine, concentration: 5 mM}]\n  doses:\n"), says: "at most", at: "5 mM")
        assertLocated(edited("  doses:\n", "  bath: [{drug: ketamine}]\n  doses:\n"), says: "concentration", at: "{drug: ketamine}")
        assertLocated(edited("  doses:\n", "  bath: [{drug: ketamine, concentration: 1 uM}]\n  doses:\n"), says: "also dosed", at: "ketamine, concentration")
    }

    func testStressEpisodeMustEndAfterItStarts() {
        let text = slowScenario + "\nstress:\n  - {start: 2 d, stop: 1 d, level: 1}\n"
        assertLocated(text, says: "`stop` must come after `start`", at: "1 d,", after: "stress:")
        let equal = slowScenario + "\nstress:\n  - {start: 2 d, stop: 48 h}\n"
        assertLocated(equal, says: "`stop` must come after `start`", at: "48 h}", after: "stress:")
    }

    func testArmWithAnInvalidOverrideIsNamed() {
        let text = slowScenario + """

        arms:
          - name: ketamine
            set: {pharmacology.doses.0.dose: 0.5 mg/kg}
          - name: overdose
            set: {pharmacology.doses.0.dose: -1 mg/kg}
        """
        let diagnostics = errors(text)
        let hit = diagnostics.first { $0.message.contains("arm `overdose`") && $0.message.contains("must be a positive dose") }
        XCTAssertNotNil(hit, "\(diagnostics)")
        XCTAssertFalse(diagnostics.contains { $0.message.contains("arm `ketamine`") }, "\(diagnostics)")
        // The valid arms alone decode into one scenario each.
        let good = edited(text, "-1 mg/kg}", "1 mg/kg}")
        let s = try? ScenarioLoader.load(text: good, file: "slow.yaml")
        XCTAssertEqual(s?.arms.map(\.name), ["ketamine", "overdose"])
        XCTAssertEqual(s?.arms.last?.scenario.slow?.pharmacology?.doses.first?.amount ?? 0, 70, accuracy: 1e-9)
        XCTAssertEqual(s?.arms.last?.scenario.name, "ketamine-small-overdose")
    }

    /// An arm's bad value is reported where the arm sets it (the value in its `set`), not at
    /// the value's position within its own one-line text (which would read as line 1:1).
    func testArmOverrideErrorIsLocatedAtTheArm() {
        let text = slowScenario + """

        arms:
          - name: overdose
            set: {pharmacology.doses.0.dose: -1 mg/kg}
        """
        assertLocated(text, says: "arm `overdose`: `pharmacology.doses[0].dose` must be a positive dose", at: "-1 mg/kg}")
    }

    func testAllFaultsOfAFileAtOnce() {
        var text = edited("dose: 0.5 mg/kg", "dose: -1 mg/kg")
        text = edited(text, "settle: 100 ms", "settle: 600 ms")
        text += "\nstress:\n  - {start: 2 d, stop: 1 d}\n"
        text = edited(text, "  - {name: pv,  class: pv,  count: 12}", "  - {name: pv,  class: pv,  count: 12}\n  - {name: vip, class: pyramid, count: 4}")
        let diagnostics = errors(text)
        for says in ["must be a positive dose", "`settle` must be shorter", "`stop` must come after `start`", "did you mean `pyramidal`"] {
            XCTAssertTrue(diagnostics.contains { $0.message.contains(says) }, "missing \"\(says)\" in:\n\(diagnostics.map(\.description).joined(separator: "\n"))")
        }
        XCTAssertEqual(diagnostics.map { [$0.location.line, $0.location.column] }, diagnostics.map { [$0.location.line, $0.location.column] }.sorted { $0.lexicographicallyPrecedes($1) },
                       "diagnostics come sorted by position")
    }
}
