// The state of plasticity that a checkpoint keeps: the spike histories and last presynaptic
// spikes of weight plasticity at delivery, and the bookkeeping of rewiring across
// structural updates (lost sites, how long synapses have been weak, the update counter
// that keys each update's random stream).

/// What `PlasticDelivery` remembers between deliveries.
public struct PlasticState: Codable, Sendable {
    public var depth: Int
    public var historySteps: PackedArray<Int32>
    public var historyHead: PackedArray<UInt8>
    public var lastPre: PackedArray<Int>
}

extension PlasticDelivery {
    public func captureState() -> PlasticState {
        PlasticState(depth: history.depth, historySteps: PackedArray(history.steps), historyHead: PackedArray(history.head),
                     lastPre: PackedArray(lastPre))
    }

    /// Restores the histories; returns a description of the mismatch instead when `s` was
    /// made for another network.
    public func restore(_ s: PlasticState) -> String? {
        guard s.depth == history.depth, s.historySteps.values.count == history.steps.count,
              s.historyHead.values.count == history.head.count, s.lastPre.values.count == lastPre.count else {
            return "plasticity state for \(s.lastPre.values.count) neurons (history depth \(s.depth)); this network has \(lastPre.count) (depth \(history.depth))"
        }
        history.steps = s.historySteps.values
        history.head = s.historyHead.values
        lastPre = s.lastPre.values
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
