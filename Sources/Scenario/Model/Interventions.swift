// Structural interventions (`interventions:`): what an experimenter does to the circuit's
// wiring at a time — erase the spines that formed in a window (the photoactivatable probe
// of Hayashi-Takagi et al. 2015 Nature 525:333, used after ketamine by Moda-Sava et al. 2019
// Science 364:eaat8078), block the formation of new ones for a while, cut a fraction of one
// projection's synapses (a lesion), or kill the neurons of a region. Each is restricted to
// the neurons of a population and/or a region of the sheet (the targets: synapses onto
// them, or the neurons themselves). Times are in ms of network time on the fast clock and
// in slow-clock hours with a slow clock. Decoded by `InterventionDecoder`.

/// One structural intervention.
public struct Intervention: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Remove the excitatory synapses onto the targets that formed in [from, to) (and
        /// are still there): synapses present from the start never match.
        case removeSpines(formedFrom: Double, formedTo: Double)
        /// No synapse onto the targets forms from `at` until `until`.
        case blockFormation(until: Double)
        /// Remove each synapse of the projection onto the targets with probability `fraction`.
        case lesion(projection: Int, fraction: Double)
        /// The targets die: silenced for good, every synapse from or onto them removed.
        case kill
    }

    public var name: String
    public var action: Action
    /// When it happens: ms (fast clock) or h (slow clock).
    public var at: Double
    public var population: Int?
    public var region: SheetShape?

    public init(name: String, action: Action, at: Double, population: Int?, region: SheetShape?) {
        self.name = name; self.action = action; self.at = at; self.population = population; self.region = region
    }

    /// The key it was written as, for outputs.
    public var kind: String {
        switch action {
        case .removeSpines: "remove_spines"
        case .blockFormation: "block_formation"
        case .lesion: "lesion"
        case .kill: "kill"
        }
    }
}
