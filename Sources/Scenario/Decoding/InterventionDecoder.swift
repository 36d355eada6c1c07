// Decoding of `interventions:` with every fault located: a deletion window in the future,
// a block that ends before it starts, a lesion of a projection that does not exist, an
// intervention after the run's end, or one that nothing in the scenario could act on.

import InputReading

extension ScenarioDecoder {
    static let interventionKeys = ["name", "at", "population", "region", "remove_spines", "block_formation", "lesion", "kill"]
    static let interventionActions = ["remove_spines", "block_formation", "lesion", "kill"]

    /// `formsSynapses`: whether anything creates synapses during the run (fast-clock
    /// structural plasticity, or the slow clock's spine turnover on structural projections);
    /// `fastStructural`: fast-clock structural plasticity.
    func decodeInterventions(_ r: NodeReader, pops: [Population], projections: [Projection], sheet: Sheet?,
                             time: TimeConfig?, slow: SlowClockConfig?, doses: [DoseEvent],
                             formsSynapses: Bool, fastStructural: Bool) -> [Intervention] {
        guard let items = r.sequence() else { return [] }
        var out: [Intervention] = []
        let unit = slow == nil ? "ms" : "h"
        func when(_ n: NodeReader) -> Double? {
            if let c = slow { return slowTime(n, doses: doses, clock: c) }
            return n.quantity(.time, min: 0, max: 1e12)
        }
        let end = slow.map(\.duration) ?? time?.duration
        for (i, item) in items.enumerated() {
            guard let m = item.mapping(allowed: Self.interventionKeys) else { continue }
            let name = m["name"]?.string() ?? "intervention \(i + 1)"
            let at = m.required("at", in: item).flatMap(when)
            if let at, let end, at > end + 1e-9 || at < 0 {
                m["at"]?.error("`at` (\(at) \(unit)) lies outside the run (0 to \(end) \(unit))")
            }
            let pop = m["population"].flatMap { populationIndex($0, pops, what: "population") }
            let region = m["region"].flatMap { decodeShape($0, sheet: sheet) }
            let given = Self.interventionActions.filter { m[$0] != nil }
            if given.count != 1 {
                item.error(given.isEmpty ? "an intervention needs one of `remove_spines`, `block_formation`, `lesion`, `kill`"
                                         : "an intervention does one thing; this one gives \(given.map { "`\($0)`" }.joined(separator: " and "))")
            }
            var action: Intervention.Action?
            switch given.first {
            case "remove_spines":
                let n = m["remove_spines"]!
                if let rm = n.mapping(allowed: ["formed_from", "formed_to"]) {
                    let from = rm.required("formed_from", in: n).flatMap(when)
                    let to = rm.required("formed_to", in: n).flatMap(when)
                    if let from, let to, to <= from { rm["formed_to"]?.error("`formed_to` must come after `formed_from`") }
                    if let to, let at, to > at + 1e-9 {
                        rm["formed_to"]?.error("the deletion window ends at \(to) \(unit), after the intervention at \(at) \(unit): spines that have not formed yet cannot be removed")
                    }
                    if !formsSynapses {
                        n.error("no synapses form during this run (no structural plasticity, no structural projection on the slow clock), so none formed in the window")
                    }
                    if let from, let to { action = .removeSpines(formedFrom: from, formedTo: to) }
                }
            case "block_formation":
                let n = m["block_formation"]!
                if let bm = n.mapping(allowed: ["until"]), let until = bm.required("until", in: n).flatMap(when) {
                    if let at, until <= at { bm["until"]?.error("`until` (\(until) \(unit)) must come after `at` (\(at) \(unit))") }
                    if !formsSynapses { n.error("no synapses form during this run, so there is nothing to block") }
                    action = .blockFormation(until: until)
                }
            case "lesion":
                let n = m["lesion"]!
                if let lm = n.mapping(allowed: ["from", "to", "fraction"]) {
                    let s = populationIndex(lm.required("from", in: n), pops, what: "source")
                    let t = populationIndex(lm.required("to", in: n), pops, what: "target")
                    let f = lm.required("fraction", in: n)?.number(min: 0, max: 1)
                    if let f, f == 0 { lm["fraction"]?.error("`fraction` must be above 0") }
                    var proj: Int?
                    if let s, let t {
                        proj = projections.firstIndex { $0.source == s && $0.target == t }
                        if proj == nil { n.error("there is no projection \(pops[s].name)→\(pops[t].name) to lesion") }
                    }
                    if let proj, let f { action = .lesion(projection: proj, fraction: f) }
                }
            case "kill":
                let n = m["kill"]!
                if n.bool() != true { n.error("`kill: true` kills the targets; remove the key otherwise") }
                if fastStructural {
                    n.error("`kill` cannot be combined with fast-clock structural plasticity yet: rewiring would give the dead neurons new synapses")
                }
                if pop == nil, region == nil { item.error("`kill` needs `population` and/or `region` (it would kill every neuron)") }
                action = .kill
            default: break
            }
            guard let at, let action else { continue }
            out.append(Intervention(name: name, action: action, at: at, population: pop, region: region))
        }
        return out
    }
}
