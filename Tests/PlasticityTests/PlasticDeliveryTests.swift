// Weight plasticity as the kernel applies it at spike delivery, against independent
// references: the pair-STDP sum for a pre/post spike train (every spike counted), the Double
// replay of the trace code for pair and triplet STDP, and the fine-step calcium-rule protocol
// (CalciumRule.pairing) — including half the NMDA conductance; and the same weights whatever
// the batching, and after a checkpoint round trip.

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
        return ShardKernel(layout: layout, synapses: try! SynapseTable(globalNeurons: 2, synapses: [SynapseSpec(source: 0, target: 1, weight: 1, delay: 1)]),
                           receptors: ReceptorKinetics(ampaTau: 2, ampaE: 0, nmdaTauRise: 2, nmdaTauDecay: 100, nmdaE: 0,
                                                       mg: 1, mgHalf: 3.57, mgSlope: 0.062, gabaTau: 10, gabaE: -70),
                           dt: dt, chunkSize: 64, seed: 1)
    }

    /// Feeds pre (neuron 0) and post (neuron 1) spike times [ms] through delivery in time
    /// order, one batch per step, and returns the final weight.
    func run(_ rule: KernelWeightRule, pre: [Double], post: [Double], gNMDA: Float = 0.15, unblocked: Double = 1) -> Double {
        let (k, _) = feed(rule, pre: pre.map { Int(($0 / dt).rounded()) }, post: post.map { Int(($0 / dt).rounded()) },
                          gNMDA: gNMDA, unblocked: unblocked)
        return Double(k.synapses.weight[0])
    }

    /// Feeds pre and post spike steps through delivery in batches of `batchSteps` steps (as
    /// epochs of that many steps would); returns the kernel and the plasticity.
    func feed(_ rule: KernelWeightRule, pre: [Int], post: [Int], batchSteps: Int = 1, gNMDA: Float = 0.15,
              unblocked: Double = 1) -> (ShardKernel, PlasticDelivery) {
        let k = kernel(gNMDA: gNMDA)
        k.setNMDAUnblocked(target: 1, unblocked)
        let p = PlasticDelivery(neurons: 2, populations: 2, rules: [nil, rule, nil, nil], dt: dt)
        let spikes = (pre.map { Spike(step: $0, source: 0) } + post.map { Spike(step: $0, source: 1) }).sorted()
        var batch: [Spike] = []
        for s in spikes {
            if let b = batch.first, s.step / batchSteps != b.step / batchSteps { p.deliver(batch, kernel: k); batch = [] }
            batch.append(s)
        }
        p.deliver(batch, kernel: k)
        return (k, p)
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

    /// Every spike counts: a burst of 100 post spikes between two pre spikes (the histories
    /// used to keep 64 and dropped the earliest, which facilitate most) and pre silences of
    /// 15 τ. All pairs, including those of the last pre spike, are in the expected sum, so
    /// nothing is argued away; the tolerance is the Float weight's.
    @Test func pairSTDPKeepsEverySpike() {
        let r = PairSTDP(tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: -0.0105, wMax: 100)
        let pre = [10.0, 400, 700, 1000]
        let post = (0..<100).map { 12 + 3 * Double($0) } + [650, 995]
        var expected = 1.0
        for tp in pre { for tq in post { expected += r.pairChange(deltaT: tq - tp) } }
        let got = run(.stdp(r), pre: pre, post: post)
        #expect(abs(got - expected) < 1e-5, "got \(got), expected \(expected)")
    }

    /// Random pre and post trains (rates ~10–60 Hz, one post burst): the kernel's Float
    /// weight, with the facilitation still pending (`currentWeight`), equals the Double
    /// replay through the same trace code.
    @Test(arguments: [false, true])
    func kernelMatchesTheReplay(triplet: Bool) {
        let rule: KernelWeightRule = triplet ? .triplet(TripletSTDP(wMax: 5)) : .stdp(PairSTDP(tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: -0.0105, wMax: 5))
        let (pre, post) = randomTrains(seed: 3)
        let (k, p) = feed(rule, pre: pre, post: post)
        let reference = STDPTraces.replay(rule, pre: pre, post: post, w0: 1, dt: dt)
        let now = Double(p.currentWeight(source: 0, synapse: 0, kernel: k))
        #expect(abs(now - reference) < 1e-5, "kernel \(now), replay \(reference)")
        #expect(abs(reference - 1) > 0.01, "the weight should have moved: \(reference)")
    }

    /// Batches of several steps (epochs longer than a step), with the pre neuron firing twice
    /// in one batch, give the same weights bit for bit as one step per batch.
    @Test(arguments: [false, true])
    func batchingChangesNothing(triplet: Bool) {
        let rule: KernelWeightRule = triplet ? .triplet(TripletSTDP(wMax: 5)) : .stdp(PairSTDP(tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: -0.0105, wMax: 5))
        let (pre, post) = randomTrains(seed: 5)
        let w = [1, 5, 40].map { b in feed(rule, pre: pre, post: post, batchSteps: b).0.synapses.weight[0] }
        #expect(w[0] == w[1] && w[0] == w[2], "weights \(w)")
    }

    /// Capture after part of the spikes, restore into a new `PlasticDelivery` (through JSON,
    /// as a checkpoint does) and continue: the same weight bit for bit.
    @Test func checkpointResumesBitForBit() throws {
        let rule = KernelWeightRule.triplet(TripletSTDP(a2Plus: 5e-3, a3Minus: 2.3e-4, wMax: 5))
        let (pre, post) = randomTrains(seed: 9)
        let straight = feed(rule, pre: pre, post: post, batchSteps: 3).0.synapses.weight[0]
        let k = kernel()
        let spikes = (pre.map { Spike(step: $0, source: 0) } + post.map { Spike(step: $0, source: 1) }).sorted()
        let cut = 12_000   // step 12 000 = 1.2 s: inside open facilitation windows
        func deliver(_ p: PlasticDelivery, _ part: [Spike]) {
            var batch: [Spike] = []
            for s in part {
                if let b = batch.first, s.step / 3 != b.step / 3 { p.deliver(batch, kernel: k); batch = [] }
                batch.append(s)
            }
            p.deliver(batch, kernel: k)
        }
        let first = PlasticDelivery(neurons: 2, populations: 2, rules: [nil, rule, nil, nil], dt: dt)
        deliver(first, spikes.filter { $0.step < cut })
        let saved = try JSONDecoder().decode(PlasticState.self, from: try JSONEncoder().encode(first.captureState()))
        let second = PlasticDelivery(neurons: 2, populations: 2, rules: [nil, rule, nil, nil], dt: dt)
        #expect(second.restore(saved, step: cut) == nil)
        deliver(second, spikes.filter { $0.step >= cut })
        #expect(k.synapses.weight[0] == straight, "resumed \(k.synapses.weight[0]), straight \(straight)")
        // A state made for other rules is refused with a reason.
        let pair = PlasticDelivery(neurons: 2, populations: 2, rules: [nil, .stdp(PairSTDP(tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: -0.01, wMax: 2)), nil, nil], dt: dt)
        #expect(pair.restore(saved, step: cut) != nil)
    }

    /// Pre and post steps over 3 s: Poisson-like trains with pre silences and a post burst
    /// of 100 spikes.
    func randomTrains(seed: UInt64) -> (pre: [Int], post: [Int]) {
        var x = seed &* 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        func poisson(rate: Double, from: Double, to: Double) -> [Int] {   // [Hz], [ms]
            var t = from, out: [Int] = []
            while true {
                t += max(0.2, -log(1 - uniform()) * 1000 / rate)
                if t >= to { return out }
                out.append(Int((t / dt).rounded()))
            }
        }
        let pre = poisson(rate: 25, from: 0, to: 1000) + poisson(rate: 60, from: 1400, to: 1600) + poisson(rate: 10, from: 1600, to: 3000)
        let post = poisson(rate: 30, from: 0, to: 1000) + (0..<100).map { 10_020 + 20 * $0 } + poisson(rate: 40, from: 1300, to: 3000)
        return (Array(Set(pre)).sorted(), Array(Set(post)).sorted())
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

    /// The calcium rule reads spikes from a history of the last 64 per neuron. When a post
    /// neuron fires more often than that between two spikes of its presynaptic partner, the
    /// update cannot see them all: it is counted (and the engine reports it as a warning);
    /// with fewer spikes nothing is counted.
    @Test func calciumUpdatesMissingSpikesAreCounted() {
        let kr = KernelWeightRule.calcium(.dp, wMin: 0, wMax: 2, gRef: 0.15, vRef: -55)
        let burst = { (count: Int) in (0..<count).map { 200 + 5 * Double($0) } }   // 200 Hz
        let (_, few) = feed(kr, pre: [100, 1_500].map { Int(($0 / dt).rounded()) },
                            post: burst(60).map { Int(($0 / dt).rounded()) })
        #expect(few.calciumUpdatesMissingSpikes == 0)
        let (_, many) = feed(kr, pre: [100, 1_500].map { Int(($0 / dt).rounded()) },
                             post: burst(100).map { Int(($0 / dt).rounded()) })
        #expect(many.calciumUpdatesMissingSpikes == 1)
    }
}
