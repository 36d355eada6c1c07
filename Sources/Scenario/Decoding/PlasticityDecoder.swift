// Decoding of the plasticity sections: a projection's `plasticity:` weight rule and the
// top-level `plasticity:` (homeostasis, structural), with located errors.

import InputReading
import NeuroplastCore

extension ScenarioDecoder {
    /// The keys of each weight rule (`rule` aside).
    static let weightRuleKeys: [(rule: String, keys: [String])] = [
        ("calcium", ["preset", "w_min", "w_max", "nmda_reference", "v_reference"]),
        ("stdp", ["tau_plus", "tau_minus", "a_plus", "a_minus", "w_max"]),
        ("triplet", ["tau_plus", "tau_minus", "tau_x", "tau_y", "a2_plus", "a3_plus", "a2_minus", "a3_minus", "w_max"]),
    ]

    func decodeWeightRule(_ r: NodeReader) -> WeightRule? {
        let all = Self.weightRuleKeys.flatMap(\.keys).reduce(into: ["rule"]) { if !$0.contains($1) { $0.append($1) } }
        guard let m = r.mapping(allowed: all) else { return nil }
        guard let rule = m.required("rule", in: r)?.choice(Self.weightRuleKeys.map(\.rule)) else { return nil }
        // Keys of another rule are errors where they stand.
        let own = Self.weightRuleKeys.first { $0.rule == rule }!.keys
        for k in all where k != "rule" && !own.contains(k) {
            guard let node = m[k] else { continue }
            let owners = Self.weightRuleKeys.filter { $0.keys.contains(k) }.map { "`rule: \($0.rule)`" }
            node.error("`\(k)` belongs to \(owners.joined(separator: " or ")), not `rule: \(rule)`")
        }
        switch rule {
        case "calcium":
            let preset = m["preset"]?.choice(["dp", "cortical"]) ?? "dp"
            let lo = m["w_min"]?.number(min: 0) ?? 0
            let hi = m["w_max"]?.number(min: 0) ?? 2
            if hi <= lo { (m["w_max"] ?? r).error("`w_max` must be greater than `w_min`") }
            let gRef = m["nmda_reference"]?.quantity(.conductance, min: 0, exclusiveMin: true) ?? 0.15
            let vRef = m["v_reference"]?.quantity(.voltage) ?? -55
            return .calcium(preset: preset, wMin: lo, wMax: hi, gRef: gRef, vRef: vRef)
        case "stdp":
            let tp = m["tau_plus"]?.quantity(.time, min: 0, exclusiveMin: true) ?? 20
            let tm = m["tau_minus"]?.quantity(.time, min: 0, exclusiveMin: true) ?? 20
            let wmax = m["w_max"]?.number(min: 0) ?? 2
            let ap = m["a_plus"]?.number(min: 0) ?? 0.01 * wmax
            let am = m["a_minus"]?.number(max: 0) ?? -0.0105 * wmax
            return .stdp(tauPlus: tp, tauMinus: tm, aPlus: ap, aMinus: am, wMax: wmax)
        case "triplet":
            // Defaults: Pfister & Gerstner 2006, minimal all-to-all model for visual cortex.
            let d = TripletDefaults.self
            func time(_ k: String, _ v: Double) -> Double { m[k]?.quantity(.time, min: 0, exclusiveMin: true) ?? v }
            func amplitude(_ k: String, _ v: Double) -> Double { m[k]?.number(min: 0) ?? v }
            return .triplet(tauPlus: time("tau_plus", d.tauPlus), tauMinus: time("tau_minus", d.tauMinus),
                            tauX: time("tau_x", d.tauX), tauY: time("tau_y", d.tauY),
                            a2Plus: amplitude("a2_plus", d.a2Plus), a3Plus: amplitude("a3_plus", d.a3Plus),
                            a2Minus: amplitude("a2_minus", d.a2Minus), a3Minus: amplitude("a3_minus", d.a3Minus),
                            wMax: m["w_max"]?.number(min: 0) ?? d.wMax)
        default:
            return nil
        }
    }

    func decodePlasticity(_ r: NodeReader, pops: [Population], time: TimeConfig?, into out: inout PlasticityConfig) {
        guard let m = r.mapping(allowed: ["homeostasis", "structural"]) else { return }
        if let h = m["homeostasis"], let hm = h.mapping(allowed: ["target_rate", "tau"]) {
            var targets = [Double](repeating: 0, count: pops.count)
            if let tr = hm.required("target_rate", in: h), let tm = tr.mapping(allowed: pops.map(\.name)) {
                for (name, v) in tm {
                    if let i = pops.firstIndex(where: { $0.name == name }), let hz = v.quantity(.rate, min: 0, exclusiveMin: true) {
                        targets[i] = hz * 1000
                    }
                }
            }
            let tau = hm["tau"]?.quantity(.time, min: 0, exclusiveMin: true) ?? 3_600_000
            out.homeostasis = Homeostasis(targetRate: targets, tau: tau)
        }
        if let s = m["structural"] { out.structural = decodeStructural(s, pops: pops, time: time) }
    }

    func decodeStructural(_ r: NodeReader, pops: [Population], time: TimeConfig?) -> StructuralConfig? {
        guard let m = r.mapping(allowed: ["interval", "calcium", "elements", "formation", "site_memory", "prune_weak"]) else { return nil }
        let interval = m["interval"]?.quantity(.time, min: 0, exclusiveMin: true) ?? 100
        if let t = time, interval < t.dt { m["interval"]?.error("`interval` must be at least one time step") }
        var tau = 10_000.0, beta = 0.001
        if let c = m["calcium"], let cm = c.mapping(allowed: ["tau", "beta"]) {
            tau = cm["tau"]?.quantity(.time, min: 0, exclusiveMin: true) ?? tau
            beta = cm["beta"]?.number(min: 0) ?? beta
        }
        var elements: [ElementSpec] = []
        if let e = m.required("elements", in: r), let items = e.sequence() {
            for item in items {
                guard let im = item.mapping(allowed: ["population", "axonal", "dendritic_exc", "dendritic_inh"]) else { continue }
                let pop = populationIndex(im.required("population", in: item), pops, what: "population")
                func curve(_ key: String) -> GrowthCurveSpec? {
                    guard let c = im[key], let cm = c.mapping(allowed: ["curve", "nu", "eta", "epsilon", "psi", "initial"]) else { return nil }
                    let kind = cm["curve"]?.choice(["linear", "gaussian", "sigmoid"]) ?? "gaussian"
                    let nu = cm.required("nu", in: c)?.quantity(.rate, min: 0) ?? 0
                    let eps = cm.required("epsilon", in: c)?.number(min: 0) ?? 0
                    let eta = cm["eta"]?.number() ?? 0  // may be negative: growth even in silence
                    if kind == "gaussian", eta >= eps { (cm["eta"] ?? c).error("`eta` must be below `epsilon` for a gaussian curve") }
                    let psi = cm["psi"]?.number(min: 0) ?? 0.1 * max(eps, 1e-9)
                    let initial = cm["initial"]?.number(min: 0) ?? 0
                    return GrowthCurveSpec(kind: kind, nu: nu, eta: eta, epsilon: eps, psi: psi, initial: initial)
                }
                if let p = pop {
                    elements.append(ElementSpec(population: p, axonal: curve("axonal"), dendriticExc: curve("dendritic_exc"),
                                                dendriticInh: curve("dendritic_inh")))
                }
            }
        }
        var sigma: Double?
        if let f = m["formation"], let fm = f.mapping(allowed: ["sigma"]) {
            sigma = fm["sigma"]?.quantity(.length, min: 0, exclusiveMin: true)
        }
        var siteMemory = false, siteBias = 4.0, siteTau = 7 * 86_400_000.0
        if let sm = m["site_memory"], let smm = sm.mapping(allowed: ["bias", "tau", "enabled"]) {
            siteMemory = smm["enabled"]?.bool() ?? true
            siteBias = smm["bias"]?.number(min: 0) ?? siteBias
            siteTau = smm["tau"]?.quantity(.time, min: 0, exclusiveMin: true) ?? siteTau
        }
        var pruneBelow: Double?, pruneAfter = 60_000.0
        if let pw = m["prune_weak"], let pm = pw.mapping(allowed: ["below", "after"]) {
            pruneBelow = pm.required("below", in: pw)?.number(min: 0)
            pruneAfter = pm["after"]?.quantity(.time, min: 0) ?? pruneAfter
        }
        return StructuralConfig(interval: interval, calciumTau: tau, calciumBeta: beta, elements: elements, sigma: sigma,
                                siteMemory: siteMemory, siteBias: siteBias, siteTau: siteTau,
                                pruneBelow: pruneBelow, pruneAfter: pruneAfter)
    }
}
