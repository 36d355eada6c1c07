// Synaptic elements of structural plasticity: per neuron, the number of axonal boutons and
// of excitatory and inhibitory dendritic spines (real-valued, as NEST's "continuous"
// elements), which grow or retract by growth curves of the neuron's calcium.

/// Which element a synapse uses on each side: an excitatory synapse joins an excitatory
/// bouton to an excitatory dendritic element; an inhibitory one joins an inhibitory bouton
/// to an inhibitory dendritic element.
public enum SynapseSign: Int, Sendable, Hashable { case excitatory = 0, inhibitory = 1 }

/// Growth curves of one population's elements.
public struct ElementCurves: Sendable, Equatable {
    /// Axonal boutons (their sign is the population's).
    public var axonal: GrowthCurve?
    /// Dendritic elements receiving excitatory / inhibitory synapses.
    public var dendriticExc: GrowthCurve?
    public var dendriticInh: GrowthCurve?
    public init(axonal: GrowthCurve?, dendriticExc: GrowthCurve?, dendriticInh: GrowthCurve?) {
        self.axonal = axonal; self.dendriticExc = dendriticExc; self.dendriticInh = dendriticInh
    }
}

/// Element counts z of every neuron (global id order).
public struct SynapticElements: Sendable, Equatable {
    public var axonal: [Double]
    public var dendriticExc: [Double]
    public var dendriticInh: [Double]
    public init(neurons n: Int) {
        axonal = [Double](repeating: 0, count: n); dendriticExc = axonal; dendriticInh = axonal
    }

    /// Grows every element for `dt` ms at the neurons' calcium. `formation` and `retraction`
    /// scale growth (dz > 0) and retraction (dz < 0) per neuron — the hook through which
    /// BDNF/mTOR drive, stress or inflammation modulate structure. z never goes below 0.
    public mutating func grow(dt: Double, calcium: [Double], curves: [ElementCurves], population: [UInt8],
                              formation: [Double]?, retraction: [Double]?) {
        for i in calcium.indices {
            let c = curves[Int(population[i])]
            let f = formation?[i] ?? 1, r = retraction?[i] ?? 1
            func step(_ z: inout Double, _ g: GrowthCurve?) {
                guard let g else { return }
                let dz = g.rate(calcium: calcium[i]) * dt
                z = max(0, z + dz * (dz > 0 ? f : r))
            }
            step(&axonal[i], c.axonal)
            step(&dendriticExc[i], c.dendriticExc)
            step(&dendriticInh[i], c.dendriticInh)
        }
    }
}
