// Snapshot: what the engine hands to the recorder and to Rendering at a frame time.
// Plain value types in global neuron order; Rendering never sees kernel internals.
// Units are fixed: positions in µm, times in ms, per-neuron values in the unit named
// by their `PerNeuronQuantity`.

/// One per-neuron quantity the sheet panel can colour by (rate, membrane potential, …).
public struct PerNeuronQuantity: Sendable, Equatable {
    /// Key used in scenario files (`frames.colour: rate`).
    public var key: String
    /// Human label for the colour bar, e.g. "firing rate".
    public var label: String
    /// Unit shown on the colour bar, e.g. "Hz".
    public var unit: String
    /// One value per neuron, global id order.
    public var values: [Float]
    /// Suggested colour-scale range; `nil` = from the data.
    public var range: ClosedRange<Float>?
    /// Whether a diverging colour map suits the quantity (signed around a centre).
    public var diverging: Bool

    public init(key: String, label: String, unit: String, values: [Float],
                range: ClosedRange<Float>? = nil, diverging: Bool = false) {
        self.key = key; self.label = label; self.unit = unit; self.values = values
        self.range = range; self.diverging = diverging
    }
}

/// A named population as Rendering sees it.
public struct PopulationInfo: Sendable, Equatable {
    public var name: String
    /// "pyramidal", "pv", "sst" or another cell class label.
    public var cellClass: String
    public var excitatory: Bool
    public init(name: String, cellClass: String, excitatory: Bool) {
        self.name = name; self.cellClass = cellClass; self.excitatory = excitatory
    }
}

/// Spikes of a sample of neurons for the raster panel.
public struct RasterSample: Sendable, Equatable {
    /// Row of each sampled neuron's population (index into populations); rows are
    /// drawn top to bottom in this order.
    public var rowPopulation: [UInt16]
    /// Spike times [ms] and the row they belong to, in time order.
    public var spikeTimes: [Float]
    public var spikeRows: [Int32]
    /// Time window shown [ms].
    public var window: ClosedRange<Float>
    public init(rowPopulation: [UInt16], spikeTimes: [Float], spikeRows: [Int32], window: ClosedRange<Float>) {
        self.rowPopulation = rowPopulation; self.spikeTimes = spikeTimes
        self.spikeRows = spikeRows; self.window = window
    }
}

/// A time series of one metric (e.g. the rate of one population) so far.
public struct MetricSeries: Sendable, Equatable, Codable {
    public var name: String
    /// Unit of `values`, e.g. "Hz".
    public var unit: String
    /// Index into populations for colour, or nil for a network-wide metric.
    public var population: Int?
    /// Sample times [ms].
    public var times: [Double]
    public var values: [Double]
    public init(name: String, unit: String, population: Int?, times: [Double], values: [Double]) {
        self.name = name; self.unit = unit; self.population = population
        self.times = times; self.values = values
    }
}

/// Everything a frame shows at one moment.
public struct FrameSnapshot: Sendable {
    /// Scenario name, for the title.
    public var scenarioName: String
    /// Simulated time [ms] at the snapshot.
    public var time: Double
    /// Phase label, e.g. "baseline" or "ketamine infusion 0.5 mg/kg".
    public var phase: String
    /// Sheet size [µm].
    public var sheetWidth: Double
    public var sheetHeight: Double
    public var populations: [PopulationInfo]
    /// Per neuron, global id order: position [µm] and population index.
    public var x: [Float]
    public var y: [Float]
    public var population: [UInt16]
    /// Quantities available for colouring; the frame uses the one named in its options.
    public var quantities: [PerNeuronQuantity]
    /// A sample of synapses as (pre, post) global ids.
    public var synapsePre: [Int32]
    public var synapsePost: [Int32]
    public var raster: RasterSample
    public var series: [MetricSeries]

    public init(scenarioName: String, time: Double, phase: String,
                sheetWidth: Double, sheetHeight: Double, populations: [PopulationInfo],
                x: [Float], y: [Float], population: [UInt16], quantities: [PerNeuronQuantity],
                synapsePre: [Int32], synapsePost: [Int32], raster: RasterSample, series: [MetricSeries]) {
        self.scenarioName = scenarioName; self.time = time; self.phase = phase
        self.sheetWidth = sheetWidth; self.sheetHeight = sheetHeight; self.populations = populations
        self.x = x; self.y = y; self.population = population; self.quantities = quantities
        self.synapsePre = synapsePre; self.synapsePost = synapsePost
        self.raster = raster; self.series = series
    }
}
