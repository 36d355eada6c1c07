// A run's schedule: one ordered list of boundary events, produced by `RunPlanner` and
// executed by `RunSession`. Between two events at different network steps the network
// advances; events at the same step run in list order. The same list is what `describe`
// prints and, counted as it is executed, what the manifest records.

/// One boundary event of a run.
public struct RunEvent: Sendable, Equatable {
    /// What happens at the boundary. The raw values are the names `describe` and
    /// `manifest.json` use.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// Slow clock: the spine pools' formation and elimination realised as synapses.
        case realiseSpines = "realise_spines"
        /// A window of network time begins: cells set with the slow state's receptor block
        /// and inflammation's E/I shift (a fast run is one window).
        case windowStart = "window_start"
        /// The whole connectome written as an edge list.
        case connectome
        /// A drive or a directly set NMDA block switches on or off.
        case driveChange = "drive_change"
        /// A stimulus presentation begins or ends (`stimuli:`).
        case stimulus
        /// A structural intervention (`interventions:`): spines removed, formation blocked or
        /// unblocked, a lesion, neurons killed; a row of interventions.csv.
        case intervention
        /// Structural plasticity (growth curves, rewiring), fast clock.
        case structural
        /// Synaptic scaling from the record interval's rates.
        case homeostasis
        /// End of a record interval: metrics.csv row, spikes to spikes.bin.
        case record
        /// A frame rendered.
        case frame
        /// The whole connectome as the run leaves it (`record.connectome: [end]`): after
        /// every other update of the last step, where `connectome` at that time comes before.
        case connectomeEnd = "connectome_end"
        /// A window ends: its rates go to the slow biology.
        case windowEnd = "window_end"
        /// Slow clock: PK, block, stress, cascade, pools, inflammation advanced one slow step;
        /// slow.csv row; neurons that died are silenced and lose their synapses.
        case slowStep = "slow_step"
        /// A checkpoint written.
        case checkpoint

        /// Order among events of one window at the same step: the order of the cases above.
        var rank: Int { Kind.allCases.firstIndex(of: self) ?? 0 }
    }

    public var kind: Kind
    /// Network step at which the event happens (before it, the network has run `step` steps).
    public var step: Int
    /// Slow-clock time [h] of the slow step the event belongs to; nil on a fast run.
    public var hours: Double?
    /// After this event the run may stop on request (SIGTERM/SIGUSR1), writing a checkpoint:
    /// the last event of a boundary on the fast clock, the end of a slow step on the slow one.
    public var mayStop: Bool

    public init(_ kind: Kind, step: Int, hours: Double? = nil, mayStop: Bool = false) {
        self.kind = kind; self.step = step; self.hours = hours; self.mayStop = mayStop
    }
}

/// Events counted by kind, with the first few times of each: what `describe` prints as the
/// plan and `manifest.json` records as executed, in the same form so the two can be compared.
public struct ScheduleTally: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var count = 0
        /// Network time [ms] of the first few events.
        public var firstMs: [Double] = []
        /// Slow-clock time [h] of the first few events (slow-clock runs).
        public var firstHours: [Double] = []
    }
    /// How many times of each kind are kept.
    public static let firstFew = 5
    public private(set) var entries: [RunEvent.Kind: Entry] = [:]

    public init() {}
    public init(_ events: [RunEvent], dt: Double) {
        for e in events { add(e, dt: dt) }
    }

    public mutating func add(_ e: RunEvent, dt: Double) {
        var x = entries[e.kind] ?? Entry()
        x.count += 1
        if x.firstMs.count < Self.firstFew { x.firstMs.append(Double(e.step) * dt) }
        if let h = e.hours, x.firstHours.count < Self.firstFew { x.firstHours.append(h) }
        entries[e.kind] = x
    }

    /// As JSON-ready dictionaries, keyed by the kinds' names.
    public var json: [String: Any] {
        var out: [String: Any] = [:]
        for (k, e) in entries {
            var d: [String: Any] = ["count": e.count, "first_ms": e.firstMs]
            if !e.firstHours.isEmpty { d["first_h"] = e.firstHours }
            out[k.rawValue] = d
        }
        return out
    }
}
