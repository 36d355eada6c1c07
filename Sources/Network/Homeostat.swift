// Synaptic scaling (Turrigiano et al. 1998, Nature 391:892): every recording interval each
// neuron of a population with a target rate multiplies the weights of its excitatory inputs
// by 1 + (r* − r)/r* · Δt/τ, where r is its rate over the interval — multiplicative, so
// relative weights (and what plasticity stored in them) are kept.

import Kernel

package enum Homeostat {
    /// The scaling factor of every neuron (1 for populations without a target).
    package static func factors(_ h: Homeostasis, spikes: [Spike], blueprint bp: Blueprint, interval: Double) -> [Double] {
        var counts = [Int](repeating: 0, count: bp.neuronCount)
        for s in spikes { counts[Int(s.source)] += 1 }
        return (0..<bp.neuronCount).map { i in
            let target = h.targetRate[Int(bp.populationOf[i])]
            guard target > 0 else { return 1 }
            let rate = Double(counts[i]) / (interval / 1000)
            return max(0, 1 + (target - rate) / target * interval / h.tau)
        }
    }
}
