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

/// A scalar field on a regular grid over the sheet (e.g. a cytokine concentration), drawn
/// as a translucent layer under the neurons. Cell (column i, row j) covers
/// [i·h, (i+1)·h) × [j·h, (j+1)·h) µm from the sheet's origin; values are stored row by
/// row, index j·columns + i (the layout of `CytokineGrid`).
public struct FieldOverlay: Sendable, Equatable {
    /// Human label for the overlay's colour bar, e.g. "cytokine".
    public var label: String
    /// Unit shown on the colour bar, e.g. "nM"; empty = none.
    public var unit: String
    public var columns: Int
    public var rows: Int
    /// Edge of a square cell [µm] h.
    public var cellSize: Double
    /// columns × rows values, row by row; non-finite values are drawn transparent.
    public var values: [Float]
    /// Colour-scale range; `nil` = from the data. The low end is drawn fully transparent.
    public var range: ClosedRange<Float>?

    public init(label: String, unit: String, columns: Int, rows: Int, cellSize: Double, values: [Float],
                range: ClosedRange<Float>? = nil) {
        self.label = label; self.unit = unit; self.columns = columns; self.rows = rows
        self.cellSize = cellSize; self.values = values; self.range = range
    }
}

/// A small agent drawn as a glyph over the sheet (a microglion).
public struct Sprite: Sendable, Equatable {
    /// 0: surveilling (ramified) — the raw value of `MicrogliaState.surveilling`.
    public static let surveilling: UInt8 = 0
    /// 1: activated (amoeboid) — the raw value of `MicrogliaState.activated`.
    public static let activated: UInt8 = 1
    /// Position [µm].
    public var x: Float
    public var y: Float
    /// State index: `Sprite.surveilling` or `Sprite.activated` (other values are drawn as activated).
    public var state: UInt8

    public init(x: Float, y: Float, state: UInt8) {
        self.x = x; self.y = y; self.state = state
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
    /// A scalar field drawn under the neurons, with its own colour bar; `nil` = none.
    public var overlay: FieldOverlay?
    /// Agents drawn over the neurons (microglia), with a legend and counts; empty = none.
    public var sprites: [Sprite]
    /// Per neuron, global id order: whether it has died (drawn as a grey cross, its
    /// synapses not drawn). Empty = none dead; a shorter array leaves the rest alive.
    public var dead: [Bool]

    public init(scenarioName: String, time: Double, phase: String,
                sheetWidth: Double, sheetHeight: Double, populations: [PopulationInfo],
                x: [Float], y: [Float], population: [UInt16], quantities: [PerNeuronQuantity],
                synapsePre: [Int32], synapsePost: [Int32], raster: RasterSample, series: [MetricSeries],
                overlay: FieldOverlay? = nil, sprites: [Sprite] = [], dead: [Bool] = []) {
        self.scenarioName = scenarioName; self.time = time; self.phase = phase
        self.sheetWidth = sheetWidth; self.sheetHeight = sheetHeight; self.populations = populations
        self.x = x; self.y = y; self.population = population; self.quantities = quantities
        self.synapsePre = synapsePre; self.synapsePost = synapsePost
        self.raster = raster; self.series = series
        self.overlay = overlay; self.sprites = sprites; self.dead = dead
    }
}
