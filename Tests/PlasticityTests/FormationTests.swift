// Formation's partner choice: the distance factors computed ahead in parallel
// (`DistanceFactors`) are the formula exp(−d²/2σ²) bit for bit (the kernel's exponential,
// within 1.1 ulp of the C library's), a plan does not depend on
// the thread count, and the partners' distances follow the analytic law of the kernel.

import Testing
@testable import Plasticity
import Kernel
import NeuroplastCore

#if canImport(Glibc)
import Glibc
#endif

@Suite struct FormationTests {
    /// Neurons uniform on a sheet, from the counter RNG.
    static func positions(_ n: Int, width: Double, height: Double, seed: UInt64) -> (x: [Double], y: [Double]) {
        var seq = KeyedSequence(key: CounterRNG(seed: seed).key(stream: .position, entity: 0))
        var x = [Double](), y = [Double]()
        for _ in 0..<n { x.append(seq.uniform() * width); y.append(seq.uniform() * height) }
        return (x, y)
    }

    @Test(arguments: [true, false])
    func factorsAreTheFormulaForAnyThreadCount(periodic: Bool) {
        let n = 700, width = 800.0, height = 500.0, sigma = 120.0
        let (x, y) = Self.positions(n, width: width, height: height, seed: 3)
        let population = (0..<n).map { UInt8($0 % 3) }
        let senders = Array(stride(from: 0, to: n, by: 2))          // 350 senders
        let open = senders.indices.map { $0 % 7 != 0 }               // some without vacant boutons
        let P = 3, allowed = (0..<P * P).map { $0 != 1 * P + 2 }      // population 1 may not reach 2
        let spines = [5, 2, 699, 2, 100, 401, 3, 0]                  // repeats, and senders themselves
        var reference = [Double]()
        for j in spines {
            for (b, i) in senders.enumerated() {
                guard open[b], i != j, allowed[Int(population[i]) * P + Int(population[j])] else { reference.append(0); continue }
                var dx = abs(x[i] - x[j]), dy = abs(y[i] - y[j])
                if periodic { dx = min(dx, width - dx); dy = min(dy, height - dy) }
                let a = -(dx * dx + dy * dy) / (2 * sigma * sigma)
                reference.append(a < -708 ? 0 : kernelExp(a))
                // The kernel's exponential against the C library's: within 1.1 ulp.
                let libm = exp(a), ulp = libm.ulp
                #expect(abs(reference.last! - libm) <= 1.1 * ulp, "exp(\(a))")
            }
        }
        #expect(reference.contains(0) && reference.contains { $0 > 0.5 })
        for threads in [1, 2, 3] {
            let f = DistanceFactors(sigma: sigma, width: width, height: height, periodic: periodic,
                                    senders: senders, x: x, y: y, population: population, allowed: allowed, populations: P)
            #expect(f.spinesPerBlock >= spines.count)
            // Slot 0 filled at once; slot 1 started ahead on the gang's followers while the
            // leader does something else, then finished, as formation's pipeline does.
            let got: [[UInt64]] = WorkerGang.run(threads: threads) { gang in
                f.fill(slot: 0, spines: spines[...], open: open, gang: gang)
                if let gang {
                    let phase = f.start(slot: 1, spines: spines[...], open: open, gang: gang)
                    gang.finish(phase)
                } else {
                    f.fill(slot: 1, spines: spines[...], open: open, gang: nil)
                }
                return [0, 1].map { Array(f.values(slot: $0).prefix(reference.count)).map(\.bitPattern) }
            }
            #expect(got == [reference.map(\.bitPattern), reference.map(\.bitPattern)], "threads \(threads)")
        }
    }

    /// Beyond d = √1416·σ ≈ 37.6 σ the factor is 0 (where the C library's exp underflows
    /// towards 0), and just inside it is the smallest normal double's order.
    @Test func factorIsZeroBeyondUnderflow() {
        let g = DistanceFactors.Geometry(sigma: 1, width: 100, height: 100, periodic: false,
                                         senderX: [], senderY: [], senderPopulation: [])
        #expect(g.factor(0, 0, 37.7, 0) == 0)
        #expect(g.factor(0, 0, 37.6, 0) > 0 && g.factor(0, 0, 37.6, 0) < 1e-300)
        #expect(g.factor(5, 5, 5, 5) == 1)
    }

    /// A sheet with vacant boutons (`boutons` axonal elements per neuron) and dendritic
    /// elements everywhere, some synapses already.
    static func network(_ n: Int, sigma: Double?, siteMemory: Bool, boutons: Double = 4.5) -> (Rewiring, [(key: SynapseKey, weight: Float)], SynapticElements) {
        let (x, y) = positions(n, width: 1000, height: 1000, seed: 11)
        let excitatory = (0..<n).map { $0 % 5 != 0 }
        let population = excitatory.map { UInt8($0 ? 0 : 1) }
        let rules = RewiringRules(sigma: sigma, siteMemory: siteMemory, siteBias: 4, siteTau: 3_600_000, pruneBelow: nil, pruneAfter: 0)
        var r = Rewiring(rules: rules, seed: 99, sign: excitatory.map { $0 ? .excitatory : .inhibitory }, population: population,
                         x: x, y: y, width: 1000, height: 1000, periodic: true, allowedPairs: [(0, 0), (0, 1), (1, 0)])
        var synapses: [(key: SynapseKey, weight: Float)] = []
        for j in 0..<n where j % 3 == 0 { synapses.append((SynapseKey(pre: Int32((j * 7 + 1) % n), post: Int32(j)), 1)) }
        r.noteLost([SynapseKey(pre: 1, post: 0), SynapseKey(pre: 8, post: 3)], now: 0)
        var e = SynapticElements(neurons: n)
        for i in 0..<n { e.axonal[i] = boutons; e.dendriticExc[i] = Double(i % 4) + 0.5; e.dendriticInh[i] = Double(i % 2) }
        for s in synapses { e.axonal[Int(s.key.pre)] += 1; e.dendriticExc[Int(s.key.post)] += 1 }
        return (r, synapses, e)
    }

    /// With 4.5 boutons per neuron every spine finds a partner; with 1.2 the boutons run out
    /// part-way through the spines, in the middle of a block whose successor's factors are
    /// already being computed.
    @Test(arguments: [Optional(150.0), nil], [4.5, 1.2])
    func planDoesNotDependOnThreads(sigma: Double?, boutons: Double) {
        var plans: [[RewiringPlan]] = []
        for threads in [1, 2, 4] {
            var (r, synapses, e) = Self.network(900, sigma: sigma, siteMemory: true, boutons: boutons)
            var out: [RewiringPlan] = []
            for u in 1...3 {
                out.append(r.update(now: Double(u) * 1000, synapses: synapses, elements: e, threads: threads))
                synapses += out.last!.created.map { (key: $0, weight: Float(1)) }
                for k in out.last!.created { e.axonal[Int(k.pre)] += 1; e.dendriticExc[Int(k.post)] += 1 }   // vacancies stay
            }
            plans.append(out)
        }
        #expect(plans[0].allSatisfy { $0.created.count > 500 }, "\(plans[0].map(\.created.count)) created")
        #expect(plans[1] == plans[0])
        #expect(plans[2] == plans[0])
    }

    /// With boutons dense and uniform on a large sheet, a partner drawn with weight
    /// exp(−d²/2σ²) lies at a distance that follows the Rayleigh law, mean σ·√(π/2).
    @Test func partnersFollowTheKernelsDistanceLaw() {
        let n = 4_000, side = 2_000.0, sigma = 60.0
        let (x, y) = Self.positions(n, width: side, height: side, seed: 5)
        var r = Rewiring(rules: RewiringRules(sigma: sigma, siteMemory: false, siteBias: 0, siteTau: 1, pruneBelow: nil, pruneAfter: 0),
                         seed: 7, sign: [SynapseSign](repeating: .excitatory, count: n), population: [UInt8](repeating: 0, count: n),
                         x: x, y: y, width: side, height: side, periodic: true, allowedPairs: [(0, 0)])
        var e = SynapticElements(neurons: n)
        for i in 0..<n { e.axonal[i] = 50; e.dendriticExc[i] = i % 4 == 0 ? 1 : 0 }
        let plan = r.update(now: 0, synapses: [], elements: e, threads: 2)
        #expect(plan.created.count == n / 4)
        let d = plan.created.map { k -> Double in
            var dx = abs(x[Int(k.pre)] - x[Int(k.post)]), dy = abs(y[Int(k.pre)] - y[Int(k.post)])
            dx = min(dx, side - dx); dy = min(dy, side - dy)
            return (dx * dx + dy * dy).squareRoot()
        }
        let mean = d.reduce(0, +) / Double(d.count)
        let expected = sigma * (Double.pi / 2).squareRoot()           // 75.2 µm
        // Standard error of the mean: σ·√(2 − π/2)/√N ≈ 1.6 µm for N = 1 000.
        #expect(abs(mean - expected) < 5, "mean partner distance \(mean) µm, Rayleigh mean \(expected) µm")
    }
}
