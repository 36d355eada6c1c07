// Weight plasticity applied where spikes are delivered: after a batch of presynaptic spikes
// has been delivered into a shard's delay rings, each plastic synapse of each spiking
// source is updated — pair or triplet STDP from per-neuron traces (Song, Miller & Abbott
// 2000 as in Brian2; Pfister & Gerstner 2006), or the calcium rule (Graupner & Brunel 2012)
// with NMDA-borne presynaptic calcium from the spike histories. Event-driven: a synapse is
// touched only when its presynaptic neuron fires, as in NEST.
//
// Order, spike by spike in (step, source) order — Brian2's: first what happened up to the
// spike (STDP facilitation by the post spikes since the previous pre spike, replayed in
// time order, each clipped; the calcium rule integrated to t), then delivery with that
// weight (Brian2's on_pre `g += w`), then STDP depression by the post trace at t. Post spikes
// at the same step as a pre spike count as after it (Brian2 runs on_pre before on_post).
// Traces are read step by step before the step's spikes are recorded, so a batch of several
// steps gives what one step at a time would; a plastic neuron firing twice in one batch
// splits it, so each spike is delivered with its own weight. Results depend only on the
// spike sequence: not on batching, shard or thread count.
//
// A pre neuron's facilitation window closes `horizon` (40 τ₊) after its spike: if it has not
// fired by then, the window is applied at once ("flushed"), and the log of post spikes is
// pruned to the oldest open window. A flush performs the same operations the next pre spike
// would have, so it changes no result.

import Kernel
#if canImport(Glibc)
import Glibc
#endif

/// A weight rule as the kernel applies it, with weights as factors on the projection's
/// conductances.
public enum KernelWeightRule: Sendable {
    case stdp(PairSTDP)
    case triplet(TripletSTDP)
    /// The calcium rule, with w = wMin + ρ(wMax − wMin), κ = (g_NMDA·(1 − block)/g_ref)·B(V_post)/B(V_ref).
    case calcium(CalciumRule, wMin: Double, wMax: Double, gRef: Double, vRef: Double)
}

public final class PlasticDelivery {
    let dt: Double
    let populations: Int
    /// Rule per (source population, target population), index s·P + t.
    let rules: [KernelWeightRule?]
    /// The STDP rules among them in trace terms (same index).
    let traceRules: [TraceRule?]
    let plasticSource: [Bool]
    /// What `rules` holds per (source, target population), for the per-synapse dispatch.
    let ruleKind: [RuleKind]
    enum RuleKind { case none, trace, calcium }
    let stdpSource: [Bool]
    let stdpTarget: [Bool]
    let hasCalcium: Bool
    /// Spike histories for the calcium rule.
    var history: SpikeHistory
    /// Traces of every neuron, the log of post spikes, and every neuron's last spike step.
    var traces: STDPTraces
    /// STDP pre spikes whose facilitation window may still be open, oldest first (FIFO from
    /// `openHead`): step and neuron.
    var openStep: [Int32] = [], openNeuron: [Int32] = []
    var openHead = 0
    /// Per neuron: its window since the last spike has been applied already.
    var flushed: [Bool]
    /// Per neuron: its spikes are logged (a local postsynaptic neuron of an STDP rule); from
    /// the first kernel seen.
    var logged: [Bool] = []
    /// Depression terms of the current sub-batch, in synapse visiting order: `depCount` of
    /// them at `depTerms`, room for `depCapacity` (grown by `reserveTerms`).
    var depTerms = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    var depCount = 0, depCapacity = 1
    /// Calcium-rule updates that could not see every spike they needed: the pre or post
    /// neuron fired more than the history's depth (64) times since the synapse's previous
    /// presynaptic spike (minus the calcium window), and the oldest of those spikes were
    /// overwritten. The engine reports a non-zero count as a warning; counted since the
    /// process started (not kept in checkpoints).
    public private(set) var calciumUpdatesMissingSpikes = 0

    public init(neurons: Int, populations: Int, rules: [KernelWeightRule?], dt: Double) {
        self.dt = dt; self.populations = populations; self.rules = rules
        let P = populations
        plasticSource = (0..<P).map { s in (0..<P).contains { rules[s * P + $0] != nil } }
        let plan = STDPTraces.plan(rules, dt: dt)
        traceRules = plan.rules
        ruleKind = zip(rules, plan.rules).map { rule, trace in
            if trace != nil { return .trace }
            if case .calcium? = rule { return .calcium }
            return .none
        }
        stdpSource = (0..<P).map { s in (0..<P).contains { plan.rules[s * P + $0] != nil } }
        stdpTarget = (0..<P).map { t in (0..<P).contains { plan.rules[$0 * P + t] != nil } }
        hasCalcium = rules.contains { if case .calcium? = $0 { return true } else { return false } }
        history = SpikeHistory(neurons: hasCalcium ? neurons : 0, depth: 64)
        traces = STDPTraces(neurons: neurons, taus: plan.taus, kept: plan.kept, horizon: plan.horizon, dt: dt)
        flushed = [Bool](repeating: false, count: neurons)
    }

    deinit { depTerms.deallocate() }

    /// Room for `extra` more depression terms.
    @inline(__always)
    func reserveTerms(_ extra: Int) {
        guard depCount + extra > depCapacity else { return }
        let cap = max(depCount + extra, 2 * depCapacity)
        // SAFETY: the first `depCount` terms move to a buffer of `cap`; the old one is freed.
        let grown = UnsafeMutablePointer<Double>.allocate(capacity: cap)
        grown.moveInitialize(from: depTerms, count: depCount)
        depTerms.deallocate()
        depTerms = grown; depCapacity = cap
    }

    /// Delivers `spikes` (sorted) into the kernel's rings, with plastic weights updated around
    /// each spike's delivery.
    public func deliver(_ spikes: [Spike], kernel k: ShardKernel, threads: Int = 1) {
        if hasCalcium { history.add(spikes) }
        if logged.isEmpty { logged = loggedNeurons(k) }
        var start = 0
        while start < spikes.count {
            let end = beforeDelivery(spikes, from: start, kernel: k)
            if start == 0 && end == spikes.count { k.deliver(spikes, threads: threads) } else { k.deliver(Array(spikes[start..<end]), threads: threads) }
            afterDelivery(spikes, start..<end, kernel: k)
            start = end
        }
    }

    /// Local neurons that are targets of an STDP rule, by global id.
    func loggedNeurons(_ k: ShardKernel) -> [Bool] {
        var out = [Bool](repeating: false, count: traces.lastSpike.count)
        for (local, g) in k.layout.globalIds.enumerated() where stdpTarget[Int(k.layout.population[local])] { out[Int(g)] = true }
        return out
    }

    /// Everything before delivery for spikes[start...], step by step, up to the end of the
    /// batch or the first step at which a plastic neuron fires again; returns that end. Fills
    /// `depTerms`, records the spikes in the traces.
    func beforeDelivery(_ spikes: [Spike], from start: Int, kernel k: ShardKernel) -> Int {
        let table = k.synapses
        let P = populations
        let layout = k.layout   // one copy for the batch (a property read per synapse retains every array)
        // SAFETY: the pointers address the synapse table's buffers, which `table` (a local
        // reference) keeps alive; nothing inserts into or compacts the table during delivery,
        // so they stay valid until this method returns.
        let weight = table.weight.pointer, target = table.target.pointer   // no retain per synapse
        depCount = 0
        let firstStep = spikes[start].step
        var g = start
        while g < spikes.count {
            let t = spikes[g].step
            var e = g + 1
            while e < spikes.count, spikes[e].step == t { e += 1 }
            if g > start, spikes[g..<e].contains(where: { plasticSource[Int(layout.sourcePopulation[Int($0.source)])] && traces.lastSpike[Int($0.source)] >= firstStep }) {
                break
            }
            closeWindows(before: t, kernel: k)
            do {
                // A local copy for reading: calls on the stored property would copy the struct
                // (retaining every array) per synapse. Scoped, so it is released before
                // `record` mutates the traces (no copy-on-write of every trace array).
                let tr = traces
                for q in g..<e {
                    let i = Int(spikes[q].source)
                    let sp = Int(layout.sourcePopulation[i])
                    guard plasticSource[sp] else { continue }
                    let last = traces.lastSpike[i]
                    let open = !flushed[i]
                    let row = table.row(i)
                    reserveTerms(row.count)
                    let terms = depTerms
                    var d = depCount
                    let ruleBase = sp * P
                    layout.population.withUnsafeBufferPointer { population in
                        layout.globalIds.withUnsafeBufferPointer { globalIds in
                            for j in row {
                                let local = Int(target[j])
                                let tp = Int(population[local])
                                switch ruleKind[ruleBase + tp] {
                                case .trace:
                                    let r = traceRules[ruleBase + tp]!
                                    let post = Int(globalIds[local])
                                    if open { weight[j] = Float(tr.facilitate(r, w: Double(weight[j]), pre: i, post: post, until: t)) }
                                    // SAFETY: `reserveTerms` made room for the row's terms.
                                    terms[d] = tr.depression(r, pre: i, post: post, at: t)
                                    d += 1
                                case .calcium:
                                    guard case let .calcium(r, lo, hi, gRef, vRef)? = rules[ruleBase + tp] else { continue }
                                    let gN = Double(layout.mixNMDA[ruleBase + tp]) * layout.cells[tp].nmdaUnblocked
                                    let kappa = min(10, gN / gRef * mgBlock(v: k.v[local], mg: k.receptors.mg, half: k.receptors.mgHalf, slope: k.receptors.mgSlope)
                                                    / mgBlock(v: vRef, mg: k.receptors.mg, half: k.receptors.mgHalf, slope: k.receptors.mgSlope))
                                    weight[j] = Float(calcium(r, w: Double(weight[j]), lo: lo, hi: hi, kappa: kappa, pre: i, post: Int(globalIds[local]), t: t, last: last))
                                case .none:
                                    continue
                                }
                            }
                        }
                    }
                    depCount = d
                }
            }
            for q in g..<e {
                let i = Int(spikes[q].source)
                traces.record(i, step: t, log: logged[i])
                if stdpSource[Int(layout.sourcePopulation[i])] {
                    flushed[i] = false
                    openStep.append(Int32(truncatingIfNeeded: t)); openNeuron.append(Int32(i))
                }
            }
            g = e
        }
        // Post spikes older than every open window are not needed any more.
        traces.prune(before: openHead < openStep.count ? Int(openStep[openHead]) : spikes[g - 1].step + 1)
        return g
    }

    /// STDP depression for spikes[range], after their delivery: the terms `beforeDelivery`
    /// computed, in the same synapse order.
    func afterDelivery(_ spikes: [Spike], _ range: Range<Int>, kernel k: ShardKernel) {
        let table = k.synapses
        let P = populations
        let layout = k.layout
        // SAFETY: as in `beforeDelivery` — `table` keeps the buffers alive and unchanged; the
        // same synapses are visited in the same order, so `d` stays below `depCount`.
        let weight = table.weight.pointer, target = table.target.pointer
        var d = 0
        for q in range {
            let i = Int(spikes[q].source)
            let sp = Int(layout.sourcePopulation[i])
            guard stdpSource[sp] else { continue }
            for j in table.row(i) {
                guard let r = traceRules[sp * P + Int(layout.population[Int(target[j])])] else { continue }
                weight[j] = Float(min(r.wMax, max(0, Double(weight[j]) + depTerms[d])))
                d += 1
            }
        }
    }

    /// Applies the facilitation window of every pre neuron whose window ended before step t
    /// (spike + horizon ≤ t) and that has not fired since.
    func closeWindows(before t: Int, kernel k: ShardKernel) {
        let H = traces.horizon
        while openHead < openStep.count, Int(openStep[openHead]) + H <= t {
            let i = Int(openNeuron[openHead]), s = Int(openStep[openHead])
            openHead += 1
            guard traces.lastSpike[i] == s, !flushed[i] else { continue }
            flushed[i] = true
            let table = k.synapses, layout = k.layout, P = populations
            let sp = Int(layout.sourcePopulation[i])
            let tr = traces   // a local copy for reading (see beforeDelivery)
            for j in table.row(i) {
                let local = Int(table.target[j])
                guard let r = traceRules[sp * P + Int(layout.population[local])] else { continue }
                table.weight[j] = Float(tr.facilitate(r, w: Double(table.weight[j]), pre: i, post: Int(layout.globalIds[local]), until: s + H))
            }
        }
        if openHead > 4096, openHead * 2 > openStep.count {
            openStep.removeFirst(openHead); openNeuron.removeFirst(openHead); openHead = 0
        }
    }

    /// Synapse j's weight now (source i): the stored weight plus the STDP facilitation still
    /// pending for post spikes since i's last spike — what the next pre spike will apply first
    /// (Brian2 applies it at each post spike). For output; changes nothing. Spikes not yet
    /// delivered are not counted.
    public func currentWeight(source i: Int, synapse j: Int, kernel k: ShardKernel) -> Float {
        withCurrentWeights(kernel: k) { $0(i, j) }
    }

    /// Runs `body` with a reader of `currentWeight(source:synapse:)` that copies the traces
    /// and the layout once, not per synapse (a gather reads a million synapses).
    public func withCurrentWeights<R>(kernel k: ShardKernel, _ body: ((_ source: Int, _ synapse: Int) -> Float) -> R) -> R {
        let tr = traces, layout = k.layout, table = k.synapses, flushed = self.flushed
        let rules = traceRules, P = populations
        return body { i, j in
            let w = table.weight(at: j)
            guard tr.lastSpike[i] >= 0, !flushed[i] else { return w }
            let local = Int(table.target[j])
            guard let r = rules[Int(layout.sourcePopulation[i]) * P + Int(layout.population[local])] else { return w }
            return Float(tr.facilitate(r, w: Double(w), pre: i, post: Int(layout.globalIds[local]), until: Int.max))
        }
    }

    /// The calcium rule over [last, t): calcium from presynaptic spikes (onset D after each,
    /// scaled by κ) and postsynaptic spikes, exponential between events; ρ integrated exactly
    /// over the time spent above θ_p and θ_d in each piece.
    func calcium(_ r: CalciumRule, w: Double, lo: Double, hi: Double, kappa: Double, pre i: Int, post j: Int,
                 t: Int, last: Int) -> Double {
        var rho = min(1, max(0, (w - lo) / (hi - lo)))
        guard last >= 0 else { return w }
        let t0 = Double(last) * dt, t1 = Double(t) * dt
        let window = 6 * r.tauCa + r.delay
        // Calcium events (time, jump) that matter for [t0, t1).
        let from = Int((t0 - window) / dt)
        if !history.holdsAll(of: i, from: from) || !history.holdsAll(of: j, from: from) { calciumUpdatesMissingSpikes += 1 }
        var events: [(Double, Double)] = []
        for s in history.spikes(of: i, from: Int((t0 - window) / dt), to: t) {
            events.append((Double(s) * dt + r.delay, r.cPre * kappa))
        }
        for s in history.spikes(of: j, from: Int((t0 - window) / dt), to: t) {
            events.append((Double(s) * dt, r.cPost))
        }
        events.sort { $0.0 < $1.0 }
        // Calcium at t0 from earlier events, then piece by piece.
        var c = 0.0
        for e in events where e.0 <= t0 { c += e.1 * exp(-(t0 - e.0) / r.tauCa) }
        var now = t0
        for e in events where e.0 > t0 && e.0 < t1 {
            rho = r.integrate(rho: rho, calcium: c, over: e.0 - now)
            c = c * exp(-(e.0 - now) / r.tauCa) + e.1
            now = e.0
        }
        rho = r.integrate(rho: rho, calcium: c, over: t1 - now)
        return lo + rho * (hi - lo)
    }
}

extension CalciumRule {
    /// ρ after `span` ms during which calcium decays from `c` with τ_Ca: exact time above θ_p
    /// (both terms), then above θ_d only, then neither; the cubic term by one Euler step.
    public func integrate(rho r0: Double, calcium c: Double, over span: Double) -> Double {
        guard span > 0 else { return r0 }
        var r = r0
        let tp = c > thetaP ? min(span, tauCa * log(c / thetaP)) : 0
        let td = c > thetaD ? min(span, tauCa * log(c / thetaD)) : 0
        if tp > 0 {
            let g = gammaP + gammaD, eq = gammaP / g
            r = eq + (r - eq) * exp(-g * tp / tau)
        }
        if td > tp { r *= exp(-gammaD * (td - tp) / tau) }
        if bistable { r -= r * (1 - r) * (rhoStar - r) * span / tau }
        return min(1, max(0, r))
    }
}
