// The typed scenario: what a scenario file says, in kernel units (ms, mV, nS, pF, pA, µm,
// 1/ms, mM). Cell and receptor parameter types live in NeuroplastCore (the kernel reads
// them too). Produced by `ScenarioLoader`; consumed by the engine's blueprint builder.

@_exported import NeuroplastCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
// The file format itself (keys, units, defaults) is documented in README.md § Scenario files.

/// A complete, validated scenario.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    public var seed: UInt64
    public var time: TimeConfig
    public var sheet: Sheet
    public var populations: [Population]
    public var receptors: ReceptorKinetics
    public var projections: [Projection]
    public var drives: [Drive]
    public var record: RecordConfig
    public var frames: FramesConfig?
    public var output: OutputConfig
    /// Weight rules, homeostasis and structural plasticity.
    public var plasticity: PlasticityConfig = .none
    /// NMDA-receptor block set directly, per target population and time window.
    public var nmdaBlock: [NMDABlock] = []
    /// The slow clock with its drugs and stress; nil = a purely fast scenario.
    public var slow: SlowBiology?
    /// Variants run side by side (`arms:`), each a complete scenario; empty = one run.
    public var arms: [ScenarioArm] = []
    /// Stimulus protocols, silencing and activation (`stimuli:`).
    public var stimuli: [Stimulus] = []
    /// Structural interventions (`interventions:`).
    public var interventions: [Intervention] = []
    /// Periodic checkpoints (`checkpoint: {every: "10 s"}`); nil = only on SIGTERM/SIGUSR1.
    public var checkpoint: CheckpointConfig?
    /// The resolved scenario as YAML (after `--set`), for `scenario.resolved.yaml` and hashing.
    public var resolvedYAML: String

    public init(name: String, description: String, seed: UInt64, time: TimeConfig, sheet: Sheet,
                populations: [Population], receptors: ReceptorKinetics, projections: [Projection],
                drives: [Drive], record: RecordConfig, frames: FramesConfig?, output: OutputConfig,
                resolvedYAML: String) {
        self.name = name; self.description = description; self.seed = seed; self.time = time
        self.sheet = sheet; self.populations = populations; self.receptors = receptors
        self.projections = projections; self.drives = drives; self.record = record
        self.frames = frames; self.output = output; self.resolvedYAML = resolvedYAML
    }

    /// Total neuron count.
    public var neuronCount: Int { populations.reduce(0) { $0 + $1.count } }

    /// Whether the run may write synapse weights or form synapses: plasticity, the slow
    /// clock's spine turnover, interventions (each arm is its own scenario).
    public var changesSynapses: Bool { !plasticity.isEmpty || slow != nil || !interventions.isEmpty }

    /// Times [ms of network time] at which some drive or directly set NMDA block switches
    /// on or off, ascending (a start at 0 is no switch).
    public var switchTimes: [Double] {
        let d = drives.flatMap { d in [d.start > 0 ? d.start : nil, d.stop].compactMap { $0 } }
        let b = nmdaBlock.flatMap { b in [b.start > 0 ? b.start : nil, b.stop].compactMap { $0 } }
        return Array(Set(d + b)).sorted()
    }
}

public struct TimeConfig: Sendable, Equatable {
    public var dt: Double              // [ms]
    public var duration: Double        // [ms]
    public var recordInterval: Double  // [ms]
    /// Leading part of the run excluded from the run summary's statistics [ms].
    public var transient: Double       // [ms]
    public init(dt: Double, duration: Double, recordInterval: Double, transient: Double) {
        self.dt = dt; self.duration = duration; self.recordInterval = recordInterval; self.transient = transient
    }
    public var steps: Int { Int(saturating: (duration / dt).rounded()) }
}

public struct Sheet: Sendable, Equatable {
    public var width: Double   // [µm]
    public var height: Double  // [µm]
    /// Periodic (toroidal) distances avoid edge effects; open uses plain Euclidean distance.
    public var periodic: Bool
    public init(width: Double, height: Double, periodic: Bool) { self.width = width; self.height = height; self.periodic = periodic }
}

public struct Population: Sendable, Equatable {
    public var name: String
    /// "pyramidal", "pv", "sst" or "other".
    public var cellClass: String
    public var excitatory: Bool
    public var count: Int
    public var model: NeuronModel
    /// Initial membrane potential drawn uniformly from this range [mV].
    public var initialV: ClosedRange<Double>
    /// Where on the sheet the population lives; nil = anywhere.
    public var region: Region? = nil
    /// Ring layout (`layout: ring`): neuron k of N has preferred angle θ_k = 360°·k/N and
    /// sits on a circle centred on the sheet; nil = scattered on the sheet.
    public var ring: Bool = false
    public init(name: String, cellClass: String, excitatory: Bool, count: Int, model: NeuronModel, initialV: ClosedRange<Double>) {
        self.name = name; self.cellClass = cellClass; self.excitatory = excitatory; self.count = count
        self.model = model; self.initialV = initialV
    }
}

public enum ConnectivityRule: Sendable, Equatable {
    /// Each pair connected independently with probability p (Erdős–Rényi).
    case random(p: Double)
    /// Pair probability pMax·exp(−d²/2σ²) with d the (periodic) distance [µm].
    case gaussian(pMax: Double, sigma: Double)
    /// Exactly k sources per target, drawn uniformly with replacement.
    case fixedInDegree(k: Int)
}

public struct Projection: Sendable, Equatable {
    public var source: Int   // population index
    public var target: Int   // population index
    public var ampa: Double  // [nS] peak conductance increment per spike
    public var nmda: Double  // [nS] peak NMDA conductance per spike (before Mg block)
    public var gabaA: Double // [nS]
    public var rule: ConnectivityRule
    public var autapses: Bool
    public var synapticDelay: Double  // [ms]
    /// Conduction velocity [µm/ms]; 0 = distance-independent delay.
    public var velocity: Double
    /// Whether structural plasticity may create and delete synapses of this projection.
    public var structural = false
    /// Angular weight profile between two ring populations (`weight_profile:`); nil = flat.
    public var profile: AngularProfile?

    /// The delay of a synapse of this projection between neurons `distance` µm apart [ms]:
    /// the synaptic delay plus conduction at `velocity` — the one definition, used for built
    /// synapses, synapses structural plasticity creates and the depth of the delay rings.
    public func delay(distance: Double) -> Double {
        synapticDelay + (velocity > 0 ? distance / velocity : 0)
    }

    /// `delay(distance:)` in whole steps of `dt` [ms]: rounded, at least 1, at most UInt16.max.
    public func delaySteps(distance: Double, dt: Double) -> UInt16 {
        UInt16(min(max(1, Int(saturating: (delay(distance: distance) / dt).rounded())), Int(UInt16.max)))
    }
    public init(source: Int, target: Int, ampa: Double, nmda: Double, gabaA: Double, rule: ConnectivityRule,
                autapses: Bool, synapticDelay: Double, velocity: Double) {
        self.source = source; self.target = target; self.ampa = ampa; self.nmda = nmda; self.gabaA = gabaA
        self.rule = rule; self.autapses = autapses; self.synapticDelay = synapticDelay; self.velocity = velocity
    }
}

public enum Receptor: String, Sendable, CaseIterable { case ampa, nmda, gabaA = "gaba_a" }

/// The weight factor of a synapse between ring neurons Δθ apart (Compte et al. 2000 Cereb
/// Cortex 10:910, eq. for W(θ_i − θ_j)):
///
///     W(Δθ) = J⁻ + (J⁺ − J⁻)·exp(−Δθ²/2σ²),   Δθ the circular distance [deg],
///
/// with J⁻ chosen so that W averages 1 over the source ring (the discrete mean over its N
/// angles 360°·k/N): J⁻ = (1 − J⁺·ḡ)/(1 − ḡ), ḡ = (1/N)·Σ_k exp(−Δθ_k²/2σ²). Total input is
/// then the same as a flat projection's; only its angular distribution changes. Multiplies
/// every receptor's conductance of the synapse.
public struct AngularProfile: Sendable, Equatable {
    public var jPlus: Double
    public var sigma: Double   // [deg]
    public init(jPlus: Double, sigma: Double) { self.jPlus = jPlus; self.sigma = sigma }

    /// ḡ over a ring of `n` evenly spaced angles.
    public func meanBump(sources n: Int) -> Double {
        guard n > 0 else { return 0 }
        var s = 0.0
        for k in 0..<n {
            let d = angularDistance(0, 360 * Double(k) / Double(n))
            s += exp(-d * d / (2 * sigma * sigma))
        }
        return s / Double(n)
    }

    /// J⁻ for a source ring of `n` neurons.
    public func jMinus(sources n: Int) -> Double {
        let g = meanBump(sources: n)
        return (1 - jPlus * g) / (1 - g)
    }

    /// W(Δθ) with J⁻ = `jMinus`.
    public func weight(_ dTheta: Double, jMinus: Double) -> Double {
        jMinus + (jPlus - jMinus) * exp(-dTheta * dTheta / (2 * sigma * sigma))
    }
}

/// Background drive of one population.
public struct Drive: Sendable, Equatable {
    public var population: Int
    /// Total rate of independent Poisson inputs per neuron [1/ms]; 0 = none.
    public var poissonRate: Double
    /// Conductance increment per input spike [nS].
    public var weight: Double
    public var receptor: Receptor
    /// Constant current added to each neuron [pA].
    public var current: Double
    /// The drive is on from `start` until `stop` [ms] (nil = to the end).
    public var start: Double = 0
    public var stop: Double? = nil
    /// Tonic conductances [nS] (ambient transmitter): AMPA, NMDA (Mg²⁺-blocked), GABA_A.
    public var tonicAMPA: Double
    public var tonicNMDA: Double
    public var tonicGABA: Double
    public init(population: Int, poissonRate: Double, weight: Double, receptor: Receptor, current: Double,
                tonicAMPA: Double = 0, tonicNMDA: Double = 0, tonicGABA: Double = 0) {
        self.population = population; self.poissonRate = poissonRate; self.weight = weight
        self.receptor = receptor; self.current = current
        self.tonicAMPA = tonicAMPA; self.tonicNMDA = tonicNMDA; self.tonicGABA = tonicGABA
    }
}

/// A fraction of a population's NMDA receptors blocked from `start` until `stop` [ms] — the
/// direct way to set a blockade (a drug model can set the same fraction from a dose).
/// Scales the NMDA conductance of every synapse onto the population, its tonic NMDA
/// conductance and, through them, NMDA-dependent plasticity.
public struct NMDABlock: Sendable, Equatable {
    public var population: Int
    public var fraction: Double
    public var start: Double       // [ms]
    public var stop: Double?       // [ms]
    public init(population: Int, fraction: Double, start: Double, stop: Double?) {
        self.population = population; self.fraction = fraction; self.start = start; self.stop = stop
    }
}

/// A disc on the sheet, or everything outside it.
public struct Region: Sendable, Equatable {
    public var centerX: Double  // [µm]
    public var centerY: Double  // [µm]
    public var radius: Double   // [µm]
    public var outside: Bool
    public init(centerX: Double, centerY: Double, radius: Double, outside: Bool) {
        self.centerX = centerX; self.centerY = centerY; self.radius = radius; self.outside = outside
    }
    /// Whether (x, y) lies in the region (plain Euclidean distance to the centre).
    public func contains(x: Double, y: Double) -> Bool {
        let d2 = (x - centerX) * (x - centerX) + (y - centerY) * (y - centerY)
        return (d2 <= radius * radius) != outside
    }
}

public struct RecordConfig: Sendable, Equatable {
    /// Times [ms] at which to write the whole connectome as an edge list.
    public var connectome: [Double] = []
    /// `end` in `record.connectome`: the connectome as the run leaves it, after every update
    /// scheduled at its last step (a dump at a time T shows the network before T's updates).
    public var connectomeAtEnd = false
    public var spikes: Bool
    /// Whether spikes.h5 (a SONATA spike report, beside spikes.bin) and the SONATA network
    /// files of connectome dumps are written.
    public var sonata: Bool = true
    /// The working-memory bump per cue presentation (`bump.csv`).
    public var bump: BumpReadout?
    /// Overlaps of population rate vectors (`overlap.csv`).
    public var overlap: [OverlapReadout] = []
    /// Neurons per population shown in rasters and kept for frames.
    public var rasterSample: Int
    /// The LFP proxy at electrodes (`record.lfp`); nil = none.
    public var lfp: LFPConfig? = nil
    /// Band powers of the LFP (`record.bands`); nil = none (needs `lfp`).
    public var bands: BandsConfig? = nil
    public init(spikes: Bool, rasterSample: Int) { self.spikes = spikes; self.rasterSample = rasterSample }
}

public struct FramesConfig: Sendable, Equatable {
    public var every: Double   // [ms] of network time
    public var width: Int
    public var height: Int
    public var theme: String   // "light" | "dark"
    public var colour: String  // quantity key, e.g. "rate"
    public var synapses: Int   // synapse lines drawn (0 = none)
    public var video: Bool
    public init(every: Double, width: Int, height: Int, theme: String, colour: String, synapses: Int, video: Bool) {
        self.every = every; self.width = width; self.height = height; self.theme = theme
        self.colour = colour; self.synapses = synapses; self.video = video
    }
}

/// How often a run writes a checkpoint to `<run dir>/checkpoints/`.
public struct CheckpointConfig: Sendable, Equatable {
    public var every: Double   // [ms] of network time
    public init(every: Double) { self.every = every }
}

public struct OutputConfig: Sendable, Equatable {
    public var directory: String
    public init(directory: String) { self.directory = directory }
}
