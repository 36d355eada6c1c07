// Structural plasticity as the engine runs it: per-neuron calcium from the spike stream,
// element growth by growth curves, and a rewiring plan every `interval`, decided centrally
// from the gathered structural synapses so that the result is the same for any number of
// shards. The shards then apply the plan (see `Shard.apply`).

import Foundation
import Kernel
import Plasticity

package struct StructuralDriver {
    let config: StructuralConfig
    let blueprint: Blueprint
    let calciumTrace: CalciumTrace
    let curves: [ElementCurves]
    /// (pre population, post population) pairs whose synapses are structural.
    package let pairs: Set<[Int]>
    package var elements: SynapticElements
    var calcium: [Double]
    var calciumTime: [Double]   // [ms] time each neuron's calcium was last brought up to date
    var rewiring: Rewiring
    /// Per-neuron multipliers of element growth and retraction (1 = unmodulated): the hook
    /// through which BDNF/mTOR drive, stress and inflammation act on structure.
    var formationScale: [Double]?
    var retractionScale: [Double]?
    // Counts since the last record.
    package var formed: [Int]       // per projection index
    package var eliminated: [Int]
    package var prunedWeak = 0

    package init(config: StructuralConfig, blueprint bp: Blueprint) {
        self.config = config
        blueprint = bp
        let sc = bp.scenario
        calciumTrace = CalciumTrace(tau: config.calciumTau, beta: config.calciumBeta)
        func curve(_ s: GrowthCurveSpec?) -> GrowthCurve? {
            guard let s else { return nil }
            switch s.kind {
            case "linear": return .linear(nu: s.nu, epsilon: s.epsilon)
            case "sigmoid": return .sigmoid(nu: s.nu, epsilon: s.epsilon, psi: s.psi)
            default: return .gaussian(nu: s.nu, eta: s.eta, epsilon: s.epsilon)
            }
        }
        var c = [ElementCurves](repeating: ElementCurves(axonal: nil, dendriticExc: nil, dendriticInh: nil), count: sc.populations.count)
        for e in config.elements {
            c[e.population] = ElementCurves(axonal: curve(e.axonal), dendriticExc: curve(e.dendriticExc), dendriticInh: curve(e.dendriticInh))
        }
        curves = c
        pairs = Set(sc.projections.filter(\.structural).map { [$0.source, $0.target] })
        let n = bp.neuronCount
        elements = SynapticElements(neurons: n)
        for e in config.elements {
            for g in bp.range(of: e.population) {
                elements.axonal[g] = e.axonal?.initial ?? 0
                elements.dendriticExc[g] = e.dendriticExc?.initial ?? 0
                elements.dendriticInh[g] = e.dendriticInh?.initial ?? 0
            }
        }
        calcium = [Double](repeating: 0, count: n)
        calciumTime = [Double](repeating: 0, count: n)
        let sign = bp.populationOf.map { sc.populations[Int($0)].excitatory ? SynapseSign.excitatory : .inhibitory }
        rewiring = Rewiring(rules: RewiringRules(sigma: config.sigma, siteMemory: config.siteMemory, siteBias: config.siteBias,
                                                 siteTau: config.siteTau, pruneBelow: config.pruneBelow, pruneAfter: config.pruneAfter),
                            seed: sc.seed, sign: sign, population: bp.populationOf, x: bp.x, y: bp.y,
                            width: sc.sheet.width, height: sc.sheet.height, periodic: sc.sheet.periodic,
                            allowedPairs: pairs.map { ($0[0], $0[1]) })
        formed = [Int](repeating: 0, count: sc.projections.count)
        eliminated = formed
    }

    /// Adds spikes (sorted) to the calcium traces.
    package mutating func observe(_ spikes: [Spike], dt: Double) {
        for s in spikes {
            let i = Int(s.source), t = Double(s.step) * dt
            calcium[i] = calciumTrace.decay(calcium[i], from: calciumTime[i], to: t) + calciumTrace.beta
            calciumTime[i] = t
        }
    }

    /// Calcium of every neuron at `now` [ms].
    package func calcium(at now: Double) -> [Double] {
        calcium.indices.map { calciumTrace.decay(calcium[$0], from: calciumTime[$0], to: now) }
    }

    /// Connected elements start equal to the synapses that exist at the start, so a network
    /// built with connectivity begins in balance with its elements.
    package mutating func seedElements(with synapses: [(key: SynapseKey, weight: Float)]) {
        for s in synapses {
            elements.axonal[Int(s.key.pre)] += 1
            if blueprint.scenario.populations[Int(blueprint.populationOf[Int(s.key.pre)])].excitatory {
                elements.dendriticExc[Int(s.key.post)] += 1
            } else {
                elements.dendriticInh[Int(s.key.post)] += 1
            }
        }
    }

    /// One structural update at `now` [ms]: grow elements over the interval, then plan
    /// (formation's distance factors on `threads` threads; the plan is the same for any count).
    package mutating func update(now: Double, synapses: [(key: SynapseKey, weight: Float)], threads: Int = 1) -> RewiringPlan {
        let ca = calcium(at: now)
        elements.grow(dt: config.interval, calcium: ca, curves: curves, population: blueprint.populationOf,
                      formation: formationScale, retraction: retractionScale)
        let plan = rewiring.update(now: now, synapses: synapses, elements: elements, threads: threads)
        for k in plan.created {
            if let p = projectionIndex(k) { formed[p] += 1 }
        }
        for k in plan.deleted {
            if let p = projectionIndex(k) { eliminated[p] += 1 }
        }
        prunedWeak += plan.prunedWeak
        return plan
    }

    /// Synapses of the last plan that were not made after all (a formation block): no
    /// longer counted as formed.
    package mutating func discardCreated(_ keys: [SynapseKey]) {
        for k in keys { if let p = projectionIndex(k) { formed[p] -= 1 } }
    }

    package func projectionIndex(_ k: SynapseKey) -> Int? {
        blueprint.projectionIndex(pre: Int(k.pre), post: Int(k.post))
    }

    /// The synapse a plan creates: delay from the projection's synaptic delay and distance.
    package func spec(for k: SynapseKey) -> (projection: Int, delay: UInt16)? {
        guard let p = projectionIndex(k) else { return nil }
        return (p, blueprint.delaySteps(blueprint.scenario.projections[p], pre: Int(k.pre), post: Int(k.post)))
    }
}

extension StructuralDriver {
    /// Invariants after an update: every structural synapse is unique, joins allowed
    /// populations, and uses elements that exist — a neuron's connected boutons and
    /// dendritic elements never exceed its element counts.
    package func checkInvariants(_ synapses: [(key: SynapseKey, weight: Float)]) -> [String] {
        var problems: [String] = []
        let n = blueprint.neuronCount
        var seen = Set<SynapseKey>()
        var out = [Int](repeating: 0, count: n), inE = out, inI = out
        for s in synapses {
            let i = Int(s.key.pre), j = Int(s.key.post)
            guard (0..<n).contains(i), (0..<n).contains(j) else { problems.append("synapse \(s.key) outside the network"); continue }
            if !seen.insert(s.key).inserted { problems.append("duplicate synapse \(i)→\(j)") }
            if !pairs.contains([Int(blueprint.populationOf[i]), Int(blueprint.populationOf[j])]) { problems.append("synapse \(i)→\(j) between non-structural populations") }
            out[i] += 1
            if blueprint.scenario.populations[Int(blueprint.populationOf[i])].excitatory { inE[j] += 1 } else { inI[j] += 1 }
        }
        for i in 0..<n {
            if out[i] > Int(elements.axonal[i].rounded(.down)) { problems.append("neuron \(i): \(out[i]) boutons connected, \(elements.axonal[i]) elements") }
            if inE[i] > Int(elements.dendriticExc[i].rounded(.down)) { problems.append("neuron \(i): \(inE[i]) excitatory inputs, \(elements.dendriticExc[i]) elements") }
            if inI[i] > Int(elements.dendriticInh[i].rounded(.down)) { problems.append("neuron \(i): \(inI[i]) inhibitory inputs, \(elements.dendriticInh[i]) elements") }
        }
        return problems
    }
}

/// What structural plasticity carries from one update to the next, for checkpoints.
package struct StructuralState: Codable {
    var axonal: PackedArray<Double>, dendriticExc: PackedArray<Double>, dendriticInh: PackedArray<Double>
    var calcium: PackedArray<Double>
    var calciumTime: PackedArray<Double>
    var rewiring: RewiringState
    var formationScale: PackedArray<Double>?
    var retractionScale: PackedArray<Double>?
    var formed: [Int], eliminated: [Int]
    var prunedWeak: Int
}

extension StructuralDriver {
    package var state: StructuralState {
        StructuralState(axonal: PackedArray(elements.axonal), dendriticExc: PackedArray(elements.dendriticExc),
                        dendriticInh: PackedArray(elements.dendriticInh), calcium: PackedArray(calcium),
                        calciumTime: PackedArray(calciumTime), rewiring: rewiring.state,
                        formationScale: formationScale.map { PackedArray($0) }, retractionScale: retractionScale.map { PackedArray($0) },
                        formed: formed, eliminated: eliminated, prunedWeak: prunedWeak)
    }

    /// Highest element count of a neuron a checkpoint may hold: the next update turns each
    /// into an integer and lists every vacant element, so a count must be finite and small.
    static let maxElements = 1e6

    /// Restores the state of a checkpoint taken at network time `now` [ms]. Every length and
    /// value is checked first (a checkpoint may come from anywhere).
    package mutating func restore(_ s: StructuralState, now: Double) throws {
        let n = blueprint.neuronCount
        guard [s.axonal, s.dendriticExc, s.dendriticInh, s.calcium, s.calciumTime].allSatisfy({ $0.values.count == n }),
              s.formed.count == formed.count, s.eliminated.count == eliminated.count,
              (s.formed + s.eliminated + [s.prunedWeak]).allSatisfy({ (0...(1 << 40)).contains($0) }),
              s.formationScale.map({ $0.values.count == n }) ?? true, s.retractionScale.map({ $0.values.count == n }) ?? true else {
            throw CheckpointError.corrupt("structural plasticity state does not fit this network")
        }
        if let problem = s.rewiring.mismatch(neurons: n) {
            throw CheckpointError.corrupt("structural plasticity state: \(problem)")
        }
        guard [s.axonal, s.dendriticExc, s.dendriticInh].allSatisfy({ $0.values.allSatisfy { (0...Self.maxElements).contains($0) } }) else {
            throw CheckpointError.corrupt("structural plasticity state with element counts outside 0…\(Self.maxElements)")
        }
        // Calcium decays from the time it was last updated, a spike before the checkpoint.
        guard s.calcium.values.allSatisfy({ $0.isFinite && $0 >= 0 }), s.calciumTime.values.allSatisfy({ $0.isFinite && $0 <= now }) else {
            throw CheckpointError.corrupt("structural plasticity state with calcium not finite and ≥ 0, or updated after the checkpoint's \(now) ms")
        }
        guard [s.formationScale, s.retractionScale].allSatisfy({ $0?.values.allSatisfy { $0.isFinite && $0 >= 0 } ?? true }) else {
            throw CheckpointError.corrupt("structural plasticity state with growth or retraction scales not finite and ≥ 0")
        }
        elements.axonal = s.axonal.values; elements.dendriticExc = s.dendriticExc.values; elements.dendriticInh = s.dendriticInh.values
        calcium = s.calcium.values; calciumTime = s.calciumTime.values
        rewiring.restore(s.rewiring)
        formationScale = s.formationScale?.values; retractionScale = s.retractionScale?.values
        formed = s.formed; eliminated = s.eliminated; prunedWeak = s.prunedWeak
    }
}
