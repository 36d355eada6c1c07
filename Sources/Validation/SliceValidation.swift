// Rows S1–S2 of VALIDATION.md: ketamine in the bath of a slice, 1 µM against 10 µM, read as
// the frequency of spontaneous excitatory and inhibitory events onto pyramidal cells
// (Gerhard et al. 2020; brief §1.3; issue #17 item 4). Events are the action-potential-driven
// ones: each source population's mean rate over the windows times its synapses onto the
// pyramidal cells, per pyramidal cell. The drive's Poisson inputs (spontaneous release and the
// cut afferents) do not depend on the drug and are left out.

import Foundation
import Network
import Recording
import Run

extension ScienceValidation {
    /// Events per pyramidal cell per second, excitatory and inhibitory, in one arm.
    struct SliceEvents {
        var excitatory: Double
        var inhibitory: Double
    }

    /// Synapses from each population onto population `target`, per neuron of `target`.
    static func inDegrees(_ sc: Scenario, target: Int) -> [Double] {
        let bp = Blueprint(scenario: sc)
        let net = Connectivity(blueprint: bp)
        var counts = [Double](repeating: 0, count: sc.populations.count)
        for t in bp.range(of: target) {
            net.forEachSynapse(onto: t, values: false) { s, _, _ in counts[Int(bp.populationOf[s])] += 1 }
        }
        let n = Double(max(1, bp.range(of: target).count))
        return counts.map { $0 / n }
    }

    static func sliceEvents(dir: String, scenario sc: Scenario, inDegree: [Double]) throws -> SliceEvents {
        let t = try SlowTable(path: dir + "/slow.csv")
        var e = 0.0, i = 0.0
        for (p, pop) in sc.populations.enumerated() {
            let rate = t.mean("rate_\(pop.name)_hz", from: 0, to: .infinity)
            if pop.excitatory { e += rate * inDegree[p] } else { i += rate * inDegree[p] }
        }
        return SliceEvents(excitatory: e, inhibitory: i)
    }

    static func slice(_ sc: Scenario, dir: String) throws -> [ScienceResult] {
        guard let pyr = sc.populations.firstIndex(where: { $0.cellClass == "pyramidal" }) else {
            throw RunError.invalid("ketamine-slice has no pyramidal population")
        }
        let k = inDegrees(sc, target: pyr)
        let control = try sliceEvents(dir: dir + "/control", scenario: sc, inDegree: k)
        let low = try sliceEvents(dir: dir + "/ketamine-1uM", scenario: sc, inDegree: k)
        let high = try sliceEvents(dir: dir + "/ketamine-10uM", scenario: sc, inDegree: k)
        func describe(_ a: SliceEvents) -> String {
            String(format: "sEPSC ×%.2f (%.0f → %.0f /s), sIPSC ×%.2f (%.0f → %.0f /s) onto a pyramidal cell",
                   a.excitatory / control.excitatory, control.excitatory, a.excitatory,
                   a.inhibitory / control.inhibitory, control.inhibitory, a.inhibitory)
        }
        let source = "Gerhard et al. 2020 J Clin Invest 130:1336 (L5 mPFC pyramidal cells, acute slices); brief §1.3"
        return [
            ScienceResult(number: "S1", target: "1 µM ketamine in the bath: sIPSC frequency falls (< 0.9×), sEPSC frequency rises (> 1.1×)",
                          source: source, scenario: "ketamine-slice.yaml (arms control, ketamine-1uM)", measured: describe(low),
                          pass: low.inhibitory / control.inhibitory < 0.9 && low.excitatory / control.excitatory > 1.1),
            ScienceResult(number: "S2", target: "10 µM ketamine in the bath: both fall (< 0.9×)",
                          source: source, scenario: "ketamine-slice.yaml (arms control, ketamine-10uM)", measured: describe(high),
                          pass: high.inhibitory / control.inhibitory < 0.9 && high.excitatory / control.excitatory < 0.9),
        ]
    }
}
