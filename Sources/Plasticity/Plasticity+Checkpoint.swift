// The state of plasticity that a checkpoint keeps: the spike histories (calcium rule), the
// traces, post-spike log and open facilitation windows (STDP) and last spikes of weight
// plasticity at delivery, and the bookkeeping of rewiring across structural updates (lost
// sites, how long synapses have been weak, the update counter that keys each update's
// random stream).

/// What `PlasticDelivery` remembers between deliveries.
public struct PlasticState: Codable, Sendable {
    public var depth: Int
    public var historySteps: PackedArray<Int32>
    public var historyHead: PackedArray<UInt8>
    /// Every neuron's last spike step (−1 none).
    public var lastPre: PackedArray<Int>
    /// STDP traces just after each neuron's last spike, neuron-major, one per time constant.
    public var traces: PackedArray<Double>
    /// Logged post spikes in time order, with the kept traces just before each.
    public var logSteps: PackedArray<Int32>
    public var logNeurons: PackedArray<Int32>
    public var logKept: PackedArray<Double>
    /// Pre spikes whose facilitation window may still be open, oldest first.
    public var openSteps: PackedArray<Int32>
    public var openNeurons: PackedArray<Int32>
    /// Per neuron: 1 when its window was applied already.
    public var flushed: PackedArray<UInt8>
}

extension PlasticDelivery {
    public func captureState() -> PlasticState {
        let log = traces.logEntries
        return PlasticState(depth: history.depth, historySteps: PackedArray(history.steps), historyHead: PackedArray(history.head),
                            lastPre: PackedArray(traces.lastSpike), traces: PackedArray(traces.after),
                            logSteps: PackedArray(log.steps), logNeurons: PackedArray(log.neurons), logKept: PackedArray(log.kept),
                            openSteps: PackedArray(Array(openStep[openHead...])), openNeurons: PackedArray(Array(openNeuron[openHead...])),
                            flushed: PackedArray(flushed.map { $0 ? 1 : 0 }))
    }

    /// Restores the histories and traces; returns a description of the mismatch instead when
    /// `s` was made for another network or rule set. `deliveredBefore` (≤ `step`): the last
    /// presynaptic spikes were delivered, so they precede every spike still pending.
    public func restore(_ s: PlasticState, step: Int, deliveredBefore: Int? = nil) -> String? {
        let n = traces.lastSpike.count
        // Spike times index decay tables and ring slots: each must lie before the resumed step
        // (a last pre spike after a pending one would decay its trace over negative steps).
        let before = { (t: Int) in t < step }
        let lastPreBound = min(step, deliveredBefore ?? step)
        guard s.lastPre.values.allSatisfy({ $0 < lastPreBound }), s.logSteps.values.allSatisfy({ $0 >= 0 && Int($0) < step }),
              s.openSteps.values.allSatisfy({ Int($0) < step }), s.historySteps.values.allSatisfy({ Int($0) < step }),
              s.historyHead.values.allSatisfy({ Int($0) < max(1, s.depth) }) else {
            return "plasticity state with spike times at or after the checkpoint's step \(step), or history positions beyond its depth"
        }
        guard s.depth == history.depth, s.historySteps.values.count == history.steps.count,
              s.historyHead.values.count == history.head.count, s.lastPre.values.count == n,
              s.flushed.values.count == n, s.openSteps.values.count == s.openNeurons.values.count,
              s.openNeurons.values.allSatisfy({ $0 >= 0 && Int($0) < n }) else {
            return "plasticity state for \(s.lastPre.values.count) neurons (history depth \(s.depth)); this network has \(n) (depth \(history.depth))"
        }
        var t = traces
        guard t.restore(lastSpike: s.lastPre.values, after: s.traces.values, steps: s.logSteps.values,
                        neurons: s.logNeurons.values, kept: s.logKept.values) else {
            return "plasticity state with \(s.traces.values.count / max(1, n)) STDP traces per neuron; this network's rules use \(traces.taus.count)"
        }
        traces = t
        history.steps = s.historySteps.values
        history.head = s.historyHead.values
        openStep = s.openSteps.values; openNeuron = s.openNeurons.values; openHead = 0
        flushed = s.flushed.values.map { $0 != 0 }
        return nil
    }
}

/// What `Rewiring` remembers between structural updates.
public struct RewiringState: Codable, Sendable {
    public var updates: UInt64
    /// Lost sites in order: pre, post, time [ms].
    public var lostPre: [Int32], lostPost: [Int32], lostTime: [Double]
    /// Weak synapses sorted by key: pre, post, weak since [ms].
    public var weakPre: [Int32], weakPost: [Int32], weakSince: [Double]
}

extension RewiringState {
    /// Highest update counter a checkpoint may hold: far beyond any run (one update a
    /// millisecond for 30 years), far below the counter's overflow at the next update.
    public static let maxUpdates: UInt64 = 1 << 40

    /// Whether every list is paired and every id names one of `n` neurons (a checkpoint's
    /// state may come from anywhere).
    public func fits(neurons n: Int) -> Bool { mismatch(neurons: n) == nil }

    /// What does not fit a network of `n` neurons, nil when everything does. A checkpoint's
    /// state may come from anywhere, so each field that restoring or the next update relies
    /// on is checked: paired lists, neuron ids, one entry per weak synapse (restoring keys a
    /// dictionary by it), finite times and an update counter that can still count up.
    public func mismatch(neurons n: Int) -> String? {
        guard lostPre.count == lostPost.count, lostTime.count == lostPre.count, weakPre.count == weakPost.count,
              weakSince.count == weakPre.count else {
            return "site memory with lists of unequal lengths"
        }
        guard (lostPre + lostPost + weakPre + weakPost).allSatisfy({ $0 >= 0 && Int($0) < n }) else {
            return "site memory naming neurons beyond the network's \(n)"
        }
        var seen = Set<SynapseKey>(minimumCapacity: weakPre.count)
        for (pre, post) in zip(weakPre, weakPost) where !seen.insert(SynapseKey(pre: pre, post: post)).inserted {
            return "weak synapse \(pre)→\(post) listed twice"
        }
        guard (lostTime + weakSince).allSatisfy({ $0.isFinite }) else { return "site memory with times that are not finite" }
        guard updates <= Self.maxUpdates else { return "rewiring update counter \(updates) beyond \(Self.maxUpdates)" }
        return nil
    }
}

extension Rewiring {
    public var state: RewiringState {
        let weak = weakSince.sorted { $0.key < $1.key }
        return RewiringState(updates: updates, lostPre: lost.map(\.key.pre), lostPost: lost.map(\.key.post),
                             lostTime: lost.map(\.time), weakPre: weak.map(\.key.pre), weakPost: weak.map(\.key.post),
                             weakSince: weak.map(\.value))
    }

    public mutating func restore(_ s: RewiringState) {
        updates = s.updates
        lost = zip(zip(s.lostPre, s.lostPost), s.lostTime).map { LostSite(key: SynapseKey(pre: $0.0.0, post: $0.0.1), time: $0.1) }
        weakSince = Dictionary(uniqueKeysWithValues: zip(zip(s.weakPre, s.weakPost), s.weakSince).map {
            (SynapseKey(pre: $0.0.0, post: $0.0.1), $0.1)
        })
    }
}
