// Weight plasticity as the kernel applies it at spike delivery, against independent
// references: the pair-STDP sum for a pre/post spike train, and the fine-step calcium-rule
// protocol (CalciumRule.pairing) — including half the NMDA conductance.

import Foundation
import Testing
@testable import Kernel
import Plasticity

@Suite struct PlasticDeliveryTests {
    let dt = 0.1

    /// Two neurons, 0 → 1 with one synapse of weight 1 and NMDA conductance `gNMDA`.
    func kernel(gNMDA: Float = 0.15) -> ShardKernel {
        let cell = CellModel(model: .lif(LIFParameters(C: 200, gL: 10, EL: -55, Vth: 1000, Vreset: -60, tRef: 2, Iext: 0)),
                             dt: dt, current: 0, drive: .none)
        let layout = ShardLayout(globalIds: [0, 1], population: [0, 1], cells: [cell, cell], sourcePopulation: [0, 1],
                                 mixAMPA: [0, 1, 0, 0], mixNMDA: [0, gNMDA, 0, 0], mixGABA: [0, 0, 0, 0], initialV: [-55, -55])
        return ShardKernel(layout: layout, synapses: SynapseTable(globalNeurons: 2, synapses: [SynapseSpec(source: 0, target: 1, weight: 1, delay: 1)]),
                           receptors: ReceptorKinetics(ampaTau: 2, ampaE: 0, nmdaTauRise: 2, nmdaTauDecay: 100, nmdaE: 0,
                                                       mg: 1, mgHalf: 3.57, mgSlope: 0.062, gabaTau: 10, gabaE: -70),
                           dt: dt, chunkSize: 64, seed: 1)
    }

    /// Feeds pre (neuron 0) and post (neuron 1) spike times [ms] through delivery in time
    /// order, one batch per step, and returns the final weight.
    func run(_ rule: KernelWeightRule, pre: [Double], post: [Double], gNMDA: Float = 0.15, unblocked: Double = 1) -> Double {
        let k = kernel(gNMDA: gNMDA)
        k.setNMDAUnblocked(target: 1, unblocked)
        let p = PlasticDelivery(neurons: 2, populations: 2, rules: [nil, rule, nil, nil], dt: dt)
        var spikes = pre.map { Spike(step: Int(($0 / dt).rounded()), source: 0) } + post.map { Spike(step: Int(($0 / dt).rounded()), source: 1) }
        spikes.sort()
        var batch: [Spike] = []
        for s in spikes {
            if let b = batch.first, b.step != s.step { p.deliver(batch, kernel: k); batch = [] }
            batch.append(s)
        }
        p.deliver(batch, kernel: k)
        return Double(k.synapses.weight[0])
    }

    @Test func pairSTDPMatchesPairSum() {
        let r = PairSTDP(tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: -0.0105, wMax: 2)
        // pre at 10, 60, 110 ms; post at 15 (pre→post +5) and 100 (post→pre −10 before 110).
        let pre = [10.0, 60, 110], post = [15.0, 100]
        var expected = 1.0
        // All-to-all: every (pre, post) pair within the traces contributes once.
        for tp in pre { for tq in post { expected += r.pairChange(deltaT: tq - tp) } }
        let got = run(.stdp(r), pre: pre + [400], post: post)   // a last pre spike collects pending facilitation
        // The flush spike at 400 ms pairs with post spikes 285+ ms earlier: e^(−14) — negligible.
        #expect(abs(got - expected) < 1e-6, "got \(got), expected \(expected)")
    }

    /// The event-driven calcium rule equals the fine-step protocol (60 pairs at 1 Hz, ρ from 0.5).
    @Test(arguments: [10.0, -20.0, 40.0])
    func calciumRuleMatchesProtocol(deltaT: Double) {
        let rule = CalciumRule.dp
        let pairs = 60, period = 1000.0
        let start = 100.0 + max(0, -deltaT)
        let pre = (0..<pairs).map { start + Double($0) * period }
        let post = pre.map { $0 + deltaT }
        let end = start + Double(pairs) * period
        // w = ρ with wMin 0, wMax 1; κ = 1 (g = g_ref, V = V_ref).
        let kr = KernelWeightRule.calcium(rule, wMin: 0, wMax: 1, gRef: 0.15, vRef: -55)
        // The synapse starts at ρ = 1 (weight 1): compare against the protocol from ρ = 1.
        let got = run(kr, pre: pre + [end], post: post)
        let reference = rule.pairing(deltaT: deltaT, pairs: pairs, rho0: 1, dt: 0.01)
        #expect(abs(got - reference) < 0.01, "Δt \(deltaT): event-driven \(got), fine-step \(reference)")
    }

    /// Half the NMDA conductance: less presynaptic calcium, less potentiation.
    @Test func halfNMDAConductanceReducesLTPInTheKernel() {
        let kr = KernelWeightRule.calcium(.dp, wMin: 0, wMax: 2, gRef: 0.15, vRef: -55)
        let pre = (0..<60).map { 100 + Double($0) * 1000 }, post = pre.map { $0 + 10 }
        let control = run(kr, pre: pre + [61_000], post: post, gNMDA: 0.15) - 1   // weight starts at 1 = ρ 0.5
        let half = run(kr, pre: pre + [61_000], post: post, gNMDA: 0.075) - 1
        #expect(control > 0 && half < 0.8 * control, "control Δw \(control), half NMDA Δw \(half)")
        // A 50% receptor block acts through the same calcium: the same reduction.
        let blocked = run(kr, pre: pre + [61_000], post: post, unblocked: 0.5) - 1
        #expect(abs(blocked - half) < 1e-9, "50% block Δw \(blocked) vs half conductance \(half)")
    }
}
