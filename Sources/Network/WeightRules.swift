// Lowers the scenario's per-projection weight rules to the kernel's per-(source, target)
// population table.

import Plasticity

enum WeightRules {
    /// nil when no projection is plastic.
    static func kernelRules(_ sc: Scenario) -> [KernelWeightRule?]? {
        let P = sc.populations.count
        var out = [KernelWeightRule?](repeating: nil, count: P * P)
        var any = false
        for (k, pr) in sc.projections.enumerated() {
            guard k < sc.plasticity.rules.count, let rule = sc.plasticity.rules[k] else { continue }
            any = true
            switch rule {
            case let .stdp(tp, tm, ap, am, wmax):
                out[pr.source * P + pr.target] = .stdp(PairSTDP(tauPlus: tp, tauMinus: tm, aPlus: ap, aMinus: am, wMax: wmax))
            case let .triplet(tp, tm, tx, ty, a2p, a3p, a2m, a3m, wmax):
                out[pr.source * P + pr.target] = .triplet(TripletSTDP(tauPlus: tp, tauMinus: tm, tauX: tx, tauY: ty, a2Plus: a2p, a3Plus: a3p,
                                                                      a2Minus: a2m, a3Minus: a3m, wMax: wmax))
            case let .calcium(preset, lo, hi, gRef, vRef):
                out[pr.source * P + pr.target] = .calcium(preset == "cortical" ? .cortical : .dp, wMin: lo, wMax: hi, gRef: gRef, vRef: vRef)
            }
        }
        return any ? out : nil
    }
}
