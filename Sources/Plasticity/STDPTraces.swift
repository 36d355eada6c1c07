// The state behind trace-based STDP: every neuron's exponential spike traces, exact over all
// its spikes, and a log of recent postsynaptic spikes that a presynaptic neuron replays at its
// next spike. The rule arithmetic of pair and triplet STDP is here too, so that the kernel
// (`PlasticDelivery`, Float weights) and the two-neuron protocols (Double) share it.

#if canImport(Glibc)
import Glibc
#endif

/// One logged spike: its step and neuron, and the distances in sequence to the same neuron's
/// previous and next entries (0 = none).
struct LogEntry: Sendable {
    var step: Int32
    var neuron: Int32
    var back: UInt32
    var forward: UInt32
}

/// A pair or triplet STDP rule in trace terms (pair STDP is the triplet rule without its
/// triplet terms):
///
///     facilitation at each post spike p:  w ← clip(w + r₁(p)·(a2p + a3p·o₂(p − ε)))
///     depression at a pre spike t:        w ← clip(w − o₁(t)·(a2m + a3m·r₂(t − ε)))
///
/// `r1`, `r2`, `o1`, `o2` index trace kinds of `STDPTraces` (−1 when the term is unused).
public struct TraceRule: Sendable, Equatable {
    public var r1: Int, r2: Int, o1: Int, o2: Int
    /// Index of o₂ among the kinds kept in the log (−1 when unused).
    public var o2Kept: Int
    public var a2p: Double, a3p: Double, a2m: Double, a3m: Double
    public var wMax: Double
}

/// Per-neuron traces x_k(t) = Σ_{spikes s < t} exp(−(t − s)/τ_k), one per time constant in use,
/// stored as the value just after the neuron's last spike (a jump of 1 per spike) and that
/// spike's step; x_k(t) = x_k⁺·exp(−(t − t_last)/τ_k). No spike is ever dropped.
///
/// The log holds, in time order, the spikes of the neurons marked as logged (postsynaptic
/// neurons of STDP synapses) since the last `prune(before:)`, each with the kept traces'
/// values just before it (o₂(p − ε) of the triplet rule); a neuron's entries are linked both
/// ways. Facilitation replays the post spikes in [t_last pre, min(t, t_last pre + horizon)):
/// beyond `horizon` (40 τ₊) the presynaptic trace is below e⁻⁴⁰ ≈ 4·10⁻¹⁸ of its value, and
/// stopping there is what lets `PlasticDelivery` keep the log bounded.
public struct STDPTraces: Sendable {
    public let dt: Double                       // [ms]
    public let taus: [Double]                   // [ms], one per trace kind
    /// Kinds whose value just before each logged spike is stored.
    public let kept: [Int]
    /// Steps after a presynaptic spike during which post spikes facilitate.
    public let horizon: Int
    /// exp(−k·dt/τ) for k < tableLength[kind] at tableStart[kind] (beyond: computed the same way).
    let table: [Double]
    let tableStart: [Int], tableLength: [Int]
    public internal(set) var lastSpike: [Int]   // step, −1 = none
    public internal(set) var after: [Double]    // neuron-major, taus.count per neuron
    // The log: a ring indexed by sequence number & mask, entries tail ..< head.
    var log: [LogEntry]
    var logKept: [Double]                       // kept.count per entry
    var mask: Int
    public internal(set) var head = 0, tail = 0
    var latest: [Int]                           // per neuron: sequence of its newest entry (−1)
    var latestStep: [Int32]                     // per neuron: step of its newest entry (−1): no log access when older than the pre spike

    public init(neurons: Int, taus: [Double], kept: [Int], horizon: Int, dt: Double) {
        self.dt = dt; self.taus = taus; self.kept = kept; self.horizon = horizon
        var table: [Double] = [], starts: [Int] = [], lengths: [Int] = []
        for tau in taus {
            let n = min(1 << 16, Int((40 * tau / dt).rounded(.up)) + 2)
            starts.append(table.count); lengths.append(n)
            table += (0..<n).map { exp(-Double($0) * dt / tau) }
        }
        self.table = table; tableStart = starts; tableLength = lengths
        lastSpike = [Int](repeating: -1, count: neurons)
        after = [Double](repeating: 0, count: neurons * taus.count)
        let cap = 1024
        log = [LogEntry](repeating: LogEntry(step: 0, neuron: 0, back: 0, forward: 0), count: cap)
        logKept = [Double](repeating: 0, count: cap * kept.count)
        mask = cap - 1
        latest = [Int](repeating: -1, count: neurons)
        latestStep = [Int32](repeating: -1, count: neurons)
    }

    /// The trace kinds and the lowered rules for `rules` (nil entries and calcium rules give
    /// nil), and the facilitation horizon: 40 of the longest τ₊.
    public static func plan(_ rules: [KernelWeightRule?], dt: Double) -> (taus: [Double], kept: [Int], rules: [TraceRule?], horizon: Int) {
        var taus: [Double] = [], kept: [Int] = []
        func kind(_ tau: Double) -> Int {
            if let k = taus.firstIndex(of: tau) { return k }
            taus.append(tau); return taus.count - 1
        }
        func keep(_ k: Int) -> Int {
            if let q = kept.firstIndex(of: k) { return q }
            kept.append(k); return kept.count - 1
        }
        var longest = 0.0
        let lowered: [TraceRule?] = rules.map { rule in
            switch rule {
            case let .stdp(r)?:
                longest = max(longest, r.tauPlus)
                // a2m = −A₋: −o₁·(−A₋) = A₋·o₁ exactly, Brian2's `w + apost`.
                return TraceRule(r1: kind(r.tauPlus), r2: -1, o1: kind(r.tauMinus), o2: -1, o2Kept: -1,
                                 a2p: r.aPlus, a3p: 0, a2m: -r.aMinus, a3m: 0, wMax: r.wMax)
            case let .triplet(r)?:
                longest = max(longest, r.tauPlus)
                let o2 = r.a3Plus != 0 ? kind(r.tauY) : -1
                return TraceRule(r1: kind(r.tauPlus), r2: r.a3Minus != 0 ? kind(r.tauX) : -1, o1: kind(r.tauMinus),
                                 o2: o2, o2Kept: o2 >= 0 ? keep(o2) : -1,
                                 a2p: r.a2Plus, a3p: r.a3Plus, a2m: r.a2Minus, a3m: r.a3Minus, wMax: r.wMax)
            default:
                return nil
            }
        }
        return (taus, kept, lowered, max(1, Int((40 * longest / dt).rounded(.up))))
    }

    // MARK: traces

    /// exp(−steps·dt/τ_k).
    @inline(__always)
    func decay(_ k: Int, _ steps: Int) -> Double {
        steps < tableLength[k] ? table[tableStart[k] + steps] : exp(-Double(steps) * dt / taus[k])
    }

    /// Trace k of neuron n at step t from its spikes before t (its last spike must be before t).
    @inline(__always)
    public func value(_ n: Int, _ k: Int, at t: Int) -> Double {
        let last = lastSpike[n]
        return last < 0 ? 0 : after[n * taus.count + k] * decay(k, t - last)
    }

    /// Records neuron n's spike at step t (after every rule has used the traces at t), and logs
    /// it when `log`. Spikes must come in (step, neuron) order.
    public mutating func record(_ n: Int, step t: Int, log logged: Bool) {
        let K = taus.count, last = lastSpike[n]
        if logged {
            append(n, step: Int32(truncatingIfNeeded: t))
            let e = (head - 1) & mask
            for (q, k) in kept.enumerated() {
                logKept[e * kept.count + q] = last < 0 ? 0 : after[n * K + k] * decay(k, t - last)
            }
        }
        for k in 0..<K {
            after[n * K + k] = (last < 0 ? 0 : after[n * K + k] * decay(k, t - last)) + 1
        }
        lastSpike[n] = t
    }

    /// Appends neuron n's spike at `step` to the log, linked to its previous entry.
    mutating func append(_ n: Int, step: Int32) {
        if head - tail > mask { grow() }
        let s = head
        let prev = latest[n] >= tail ? latest[n] : -1
        log[s & mask] = LogEntry(step: step, neuron: Int32(n), back: prev >= 0 ? UInt32(s - prev) : 0, forward: 0)
        if prev >= 0 { log[prev & mask].forward = UInt32(s - prev) }
        latest[n] = s
        latestStep[n] = step
        head += 1
    }

    /// Forgets logged spikes before step `t`.
    public mutating func prune(before t: Int) {
        while tail < head, Int(log[tail & mask].step) < t {
            let n = Int(log[tail & mask].neuron)
            if latest[n] == tail { latest[n] = -1; latestStep[n] = -1 }
            tail += 1
        }
    }

    mutating func grow() {
        let cap = 2 * (mask + 1), m = cap - 1, kc = kept.count
        var lg = [LogEntry](repeating: LogEntry(step: 0, neuron: 0, back: 0, forward: 0), count: cap)
        var kv = [Double](repeating: 0, count: cap * kc)
        for s in tail..<head {
            let a = s & mask, b = s & m
            lg[b] = log[a]
            for q in 0..<kc { kv[b * kc + q] = logKept[a * kc + q] }
        }
        log = lg; logKept = kv; mask = m
    }

    /// Logged spikes in order: steps, neurons, kept values (for checkpoints).
    public var logEntries: (steps: [Int32], neurons: [Int32], kept: [Double]) {
        var st: [Int32] = [], ne: [Int32] = [], kv: [Double] = []
        for s in tail..<head {
            let e = s & mask
            st.append(log[e].step); ne.append(log[e].neuron)
            for q in 0..<kept.count { kv.append(logKept[e * kept.count + q]) }
        }
        return (st, ne, kv)
    }

    /// Restores traces and log as `captureState` saw them; false when the sizes do not fit.
    public mutating func restore(lastSpike ls: [Int], after a: [Double], steps: [Int32], neurons: [Int32], kept kv: [Double]) -> Bool {
        guard ls.count == lastSpike.count, a.count == after.count, neurons.count == steps.count,
              kv.count == steps.count * kept.count, neurons.allSatisfy({ $0 >= 0 && Int($0) < lastSpike.count }) else { return false }
        lastSpike = ls; after = a
        latest = [Int](repeating: -1, count: ls.count)
        latestStep = [Int32](repeating: -1, count: ls.count)
        head = 0; tail = 0
        for (q, n) in neurons.enumerated() {
            append(Int(n), step: steps[q])
            let e = (head - 1) & mask
            for c in 0..<kept.count { logKept[e * kept.count + c] = kv[q * kept.count + c] }
        }
        return true
    }

    // MARK: the rules

    /// Facilitation at a presynaptic spike at step t: the post spikes of `post` in
    /// [t_last, min(t, t_last + horizon)) in time order, each adding r₁ at that moment
    /// (analytic from the pre neuron's last spike: no pre spike in between) times
    /// (a2p + a3p·o₂ just before it), clipped each time. `until` may be `Int.max` (settle).
    @inline(__always)
    public func facilitate(_ r: TraceRule, w w0: Double, pre i: Int, post j: Int, until t: Int) -> Double {
        let last = lastSpike[i]
        guard last >= 0, Int(latestStep[j]) >= last else { return w0 }
        // Oldest entry of `post` at or after `last` (entries are linked newest → oldest).
        var s = latest[j], first = -1
        while s >= tail {
            let en = log[s & mask]
            if Int(en.step) < last { break }
            first = s
            if en.back == 0 { break }
            s -= Int(en.back)
        }
        guard first >= 0 else { return w0 }
        let end = min(t, last + horizon)
        let r1 = after[i * taus.count + r.r1]
        var w = w0, q = first
        while true {
            let e = q & mask, en = log[e], p = Int(en.step)
            if p >= end { break }
            let gain = r.o2Kept >= 0 ? r.a2p + r.a3p * logKept[e * kept.count + r.o2Kept] : r.a2p
            w = min(r.wMax, max(0, w + r1 * decay(r.r1, p - last) * gain))
            if en.forward == 0 { break }
            q += Int(en.forward)
        }
        return w
    }

    /// The depression term at a presynaptic spike at step t, to be added to w and clipped:
    /// −o₁(t)·(a2m + a3m·r₂(t − ε)), post spikes at t counting as after the pre spike.
    @inline(__always)
    public func depression(_ r: TraceRule, pre i: Int, post j: Int, at t: Int) -> Double {
        let o1 = value(j, r.o1, at: t)
        return r.r2 >= 0 ? -o1 * (r.a2m + r.a3m * value(i, r.r2, at: t)) : -o1 * r.a2m
    }
}
