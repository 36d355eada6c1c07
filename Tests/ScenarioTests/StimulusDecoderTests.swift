// The experiment keys — stimuli, ring layouts, weight profiles, NMDA saturation, bump and
// overlap readouts — decoded into their values, and every bad use refused with
// file:line:column and the reason, before any work.

import Testing
import Scenario

@Suite struct StimulusDecoderTests {
    /// `goodScenario` with `text` appended; the appended lines start at line `base + 1`.
    static func with(_ text: String) -> String { goodScenario + "\n" + text }
    static let base = goodScenario.split(separator: "\n", omittingEmptySubsequences: false).count

    static let ring = """
    populations:
      - {name: pyr, class: pyramidal, count: 80, layout: ring}
      - {name: pv, class: pv, count: 20}
    """

    @Test func stimuliDecodeWithUnitsAndPresets() throws {
        let sc = try ScenarioLoader.load(text: Self.with("""
        stimuli:
          - {name: gamma, population: pyr, sine: {amplitude: 50 pA, frequency: 40 Hz, phase: 90 deg}, start: 10 ms, stop: 60 ms}
          - {population: pv, optogenetic: {opsin: gtacr2}, region: {center: [250 um, 250 um], radius: 100 um}, start: 20 ms, duration: 30 ms}
          - {population: pyr, chemogenetic: {receptor: hm3dq, current: 20 pA}, region: {from: [0 um, 0 um], to: [100 um, 500 um]}}
          - {population: pyr, pulse: {amplitude: 1 nA, width: 2 ms}, start: 5 ms, every: 20 ms, count: 3}
          - {population: pv, poisson: {rate: 200 Hz, weight: 2 nS, receptor: nmda}, start: 0 ms}
        """), file: "s.yaml")
        #expect(sc.stimuli.count == 5)
        #expect(sc.stimuli[0].input == .sine(amplitude: 50, frequency: 0.04, phase: .pi / 2, offset: 0))
        #expect(sc.stimuli[0].timing.duration == 50)
        #expect(sc.stimuli[1].input == .conductance(g: 10, reversal: -70))
        #expect(sc.stimuli[1].target.region == .disc(x: 250, y: 250, radius: 100))
        #expect(sc.stimuli[1].name == "stimulus 2")
        #expect(sc.stimuli[2].input == .current(20) && sc.stimuli[2].timing.duration == nil)
        #expect(sc.stimuli[3].input == .current(1000) && sc.stimuli[3].timing.duration == 2)
        #expect(sc.stimuli[3].presentations(until: 100).map(\.on) == [5, 25, 45])
        #expect(sc.stimuli[4].input == .poisson(rate: 0.2, weight: 2, receptor: .nmda))
    }

    @Test func ringProfileAndSaturationDecode() throws {
        let text = goodScenario.replacingOccurrences("""
        populations:
          - name: pyr
            class: pyramidal
            count: 80
          - name: pv
            class: pv
            count: 20
        """, Self.ring) + """

        receptors: {nmda: {saturation: {alpha: 0.5 /ms}}}
        stimuli:
          - {name: cue, population: pyr, near: {angle: 90 deg, width: 36 deg}, current: 100 pA, start: 10 ms, duration: 20 ms}
        record:
          bump: {population: pyr, cue: cue, delay: 50 ms, window: 20 ms}
        """
        var t = text
        t = t.replacingOccurrences("    connectivity: {rule: random, p: 0.1}", "    connectivity: {rule: random, p: 0.1}")
        let sc = try ScenarioLoader.load(text: t, file: "r.yaml")
        #expect(sc.populations[0].ring)
        #expect(abs((sc.receptors.nmdaSaturation ?? 0) - (1 - 0.36787944117144233)) < 1e-12)
        #expect(sc.record.bump?.delay == 50 && sc.record.bump?.cue == 0)
        // J⁻ keeps the mean weight over the ring at 1, and W(0) = J⁺.
        let p = AngularProfile(jPlus: 1.62, sigma: 18)
        let jm = p.jMinus(sources: 2048)
        let mean = (0..<2048).reduce(0.0) { $0 + p.weight(angularDistance(0, 360 * Double($1) / 2048), jMinus: jm) } / 2048
        #expect(abs(mean - 1) < 1e-12 && abs(p.weight(0, jMinus: jm) - 1.62) < 1e-12)
    }

    static let bad: [Fault] = [
        Fault(name: "region off the sheet", text: with("stimuli:\n  - {population: pyr, current: 10 pA, region: {center: [900 um, 100 um], radius: 10 um}}"),
            line: base + 2, column: 56, says: "lies outside the sheet"),
        Fault(name: "stop before start", text: with("stimuli:\n  - {population: pyr, current: 10 pA, start: 50 ms, stop: 20 ms}"),
            line: base + 2, column: 59, says: "must come after `start`"),
        Fault(name: "start after the end", text: with("stimuli:\n  - {population: pyr, current: 10 pA, start: 200 ms}"),
            line: base + 2, column: 46, says: "after the run's end"),
        Fault(name: "near on a sheet population", text: with("stimuli:\n  - {population: pyr, current: 10 pA, near: {angle: 0 deg, width: 20 deg}}"),
            line: base + 2, column: 45, says: "has no angles"),
        Fault(name: "slow-clock key on a fast run", text: with("stimuli:\n  - {population: pyr, current: 10 pA, from: 1 h after dose 1}"),
            line: base + 2, column: 45, says: "picks windows of the slow clock"),
        Fault(name: "two inputs", text: with("stimuli:\n  - {population: pyr, current: 10 pA, sine: {amplitude: 1 pA, frequency: 5 Hz}}"),
            line: base + 2, column: 5, says: "this one gives `current` and `sine`"),
        Fault(name: "no input", text: with("stimuli:\n  - {population: pyr, start: 10 ms}"),
            line: base + 2, column: 5, says: "a stimulus needs one of"),
        Fault(name: "overlapping repetitions", text: with("stimuli:\n  - {population: pyr, current: 10 pA, duration: 20 ms, every: 10 ms}"),
            line: base + 2, column: 63, says: "presentations of one stimulus must not overlap"),
        Fault(name: "sine above Nyquist", text: with("stimuli:\n  - {population: pyr, sine: {amplitude: 1 pA, frequency: 6 kHz}}"),
            line: base + 2, column: 58, says: "above the Nyquist frequency"),
        Fault(name: "unknown opsin", text: with("stimuli:\n  - {population: pyr, optogenetic: {opsin: halo}}"),
            line: base + 2, column: 44, says: "must be one of archt, chr2, gtacr2"),
        Fault(name: "current on a conductance opsin", text: with("stimuli:\n  - {population: pyr, optogenetic: {opsin: chr2, current: 5 pA}}"),
            line: base + 2, column: 59, says: "acts through a conductance"),
        Fault(name: "pulse with a duration", text: with("stimuli:\n  - {population: pyr, pulse: {amplitude: 1 nA, width: 1 ms}, duration: 5 ms}"),
            line: base + 2, column: 72, says: "lasts its `width`"),
        Fault(name: "bump on a sheet population", text: with("stimuli:\n  - {name: cue, population: pyr, current: 10 pA, duration: 10 ms}\nrecord: {bump: {population: pyr, cue: cue, delay: 20 ms}}"),
            line: base + 3, column: 29, says: "has none (give it `layout: ring`)"),
        Fault(name: "bump cue not a stimulus", text: with("record: {bump: {population: pyr, cue: light, delay: 20 ms}}"),
            line: base + 1, column: 39, says: "`cue` must name a stimulus"),
        Fault(name: "weight profile on sheet populations",
            text: replacing(line: 23, with: "    delay: {synaptic: 0.5 ms}\n    weight_profile: {j_plus: 2, sigma: 20 deg}"),
            line: 24, column: 21, says: "has none (give it `layout: ring`)"),
        Fault(name: "ring with a region",
            text: replacing(line: 14, with: "    count: 80\n    layout: ring\n    region: {center: [100 um, 100 um], radius: 50 um}"),
            line: 15, column: 13, says: "a ring population sits on a circle"),
        Fault(name: "NMDA saturation with weight plasticity",
            text: replacing(line: 23, with: "    delay: {synaptic: 0.5 ms}\n    plasticity: {rule: stdp}") + "\nreceptors: {nmda: {saturation: {alpha: 0.5 /ms}}}",
            line: base + 2, column: 12, says: "cannot be combined yet"),
        Fault(name: "overlap span after the end", text: with("record: {overlap: [{population: pyr, a: {from: 0 ms, to: 50 ms}, b: {from: 50 ms, to: 150 ms}}]}"),
            line: base + 1, column: 87, says: "lies after the run's end"),
        Fault(name: "spines removed where none form", text: with("interventions:\n  - {at: 50 ms, remove_spines: {formed_from: 0 ms, formed_to: 40 ms}}"),
            line: base + 2, column: 32, says: "no synapses form during this run"),
        Fault(name: "deletion window in the future", text: with("interventions:\n  - {at: 50 ms, remove_spines: {formed_from: 0 ms, formed_to: 80 ms}}"),
            line: base + 2, column: 63, says: "spines that have not formed yet cannot be removed"),
        Fault(name: "lesion of a missing projection", text: with("interventions:\n  - {at: 50 ms, lesion: {from: pv, to: pv, fraction: 0.5}}"),
            line: base + 2, column: 25, says: "there is no projection pv→pv"),
        Fault(name: "kill everything", text: with("interventions:\n  - {at: 50 ms, kill: true}"),
            line: base + 2, column: 5, says: "needs `population` and/or `region`"),
        Fault(name: "intervention after the end", text: with("interventions:\n  - {at: 500 ms, population: pyr, kill: true}"),
            line: base + 2, column: 10, says: "lies outside the run"),
    ]

    @Test(arguments: bad)
    func badUseIsLocated(_ f: Fault) { expectLocated(f) }
}
