// Bad `record.lfp` and `record.bands` input: each refusal names file:line:column and what was
// expected — electrodes off the sheet, a sampling rate below 1 kHz or not a whole number of
// steps, bands without an LFP, a Welch window under 4 samples or longer than the record
// interval — and good input decodes to the documented defaults.

import Testing
import Scenario

/// `goodScenario` (30 lines, dt 0.1 ms, record interval 50 ms, a 500 µm sheet) with a
/// `record:` section: its lines start at line 32.
func withRecord(_ lines: String...) -> String { goodScenario + "\nrecord:\n" + lines.joined(separator: "\n") }

let lfp = "  lfp: {electrodes: {grid: [2, 2]}}"

let lfpFaults: [Fault] = [
    Fault(name: "electrode off the sheet", text: withRecord("  lfp: {electrodes: [[100, 100], [600, 50]]}"),
          line: 32, column: 34, says: "lies off the sheet"),
    Fault(name: "rate below 1 kHz", text: withRecord("  lfp: {electrodes: {grid: [2, 2]}, rate: 500 Hz}"),
          line: 32, column: 43, says: "at least 1000 Hz"),
    Fault(name: "rate not whole steps per sample", text: withRecord("  lfp: {electrodes: {grid: [2, 2]}, rate: 3 kHz}"),
          line: 32, column: 43, says: "not a whole number of steps"),
    Fault(name: "bands without lfp", text: withRecord("  bands: {window: 20 ms}"), line: 32, column: 10, says: "add `record.lfp`"),
    Fault(name: "window under 4 samples", text: withRecord(lfp, "  bands: {window: 3 ms}"), line: 33, column: 19, says: "at least 4"),
    Fault(name: "window longer than the record interval", text: withRecord(lfp, "  bands: {window: 80 ms}"),
          line: 33, column: 19, says: "longer than `time.record_interval`"),
    Fault(name: "unknown lfp population", text: withRecord("  lfp: {electrodes: {grid: [2, 2]}, population: pyrr}"),
          line: 32, column: 49, says: "did you mean `pyr`"),
    Fault(name: "grid of one number", text: withRecord("  lfp: {electrodes: {grid: [2]}}"), line: 32, column: 28, says: "[nx, ny]"),
    Fault(name: "unknown lfp key", text: withRecord("  lfp: {electrodes: {grid: [2, 2]}, radios: 100 um}"),
          line: 32, column: 37, says: "did you mean `radius`"),
]

@Suite struct LFPInputTests {
    @Test(arguments: lfpFaults)
    func faultIsLocated(_ f: Fault) { expectLocated(f) }

    @Test func defaultsAndGrid() throws {
        let sc = try ScenarioLoader.load(text: withRecord("  lfp: {electrodes: {grid: [2, 1]}}", "  bands: {window: 50 ms}"), file: "ok.yaml")
        let l = try #require(sc.record.lfp)
        #expect(l.radius == 250 && l.rate == 1000 && l.populations == [0] && l.stepsPerSample(dt: 0.1) == 10)
        #expect(l.electrodes.map(\.x) == [125, 375] && l.electrodes.map(\.y) == [250, 250])
        #expect(sc.record.bands == BandsConfig(window: 50))
        let listed = try ScenarioLoader.load(text: withRecord("  lfp: {electrodes: [[0, 0], [0.5 mm, 250 um]], rate: 2 kHz, radius: 100 um, population: [pv, pyr]}"),
                                             file: "ok.yaml")
        let m = try #require(listed.record.lfp)
        #expect(m.electrodes.map(\.x) == [0, 500] && m.electrodes.map(\.y) == [0, 250] && m.rate == 2000 && m.radius == 100)
        #expect(m.populations == [1, 0] && listed.record.bands == nil)
    }

    @Test func withoutReadoutsNothingIsRecorded() throws {
        let sc = try ScenarioLoader.load(text: goodScenario, file: "ok.yaml")
        #expect(sc.record.lfp == nil && sc.record.bands == nil)
    }
}
