// The inflammation models against their stated equations: the cytokine field (the 2-D
// Green's function of diffusion with decay, mass conservation, exact decay, tiles with halos
// bit for bit), the LPS challenge's kinetics (brief §5 target 8), microglia (complement
// switch, activity-dependent engulfment, activation, tiles with migration bit for bit),
// excitotoxic damage (accumulation, repair, irreversible death, NMDA block) and the located
// messages of bad input.

import XCTest
import NeuroplastCore
@testable import Physiology

final class InflammationTests: XCTestCase {

    // MARK: - Cytokine field

    func field(columns: Int, rows: Int, h: Double, boundary: CytokineBoundary,
               diffusion: Double, tau: Double, clearance: Double = 1) throws -> CytokineField {
        let g = CytokineGrid(width: Double(columns) * h, height: Double(rows) * h, cellSize: h, boundary: boundary)
        XCTAssertEqual(g.columns, columns); XCTAssertEqual(g.rows, rows)
        return try CytokineField(grid: g, parameters: CytokineParameters(diffusion: diffusion, tau: tau, clearance: clearance))
    }

    /// Deterministic pseudo-random positive values.
    func noise(_ n: Int, seed: UInt64) -> [Double] {
        let rng = CounterRNG(seed: seed)
        return (0..<n).map { 0.1 + rng.uniform(.sample, entity: UInt64($0), counter: 0) }
    }

    /// (a) A point mass M spreads as C(r, t) = M/(4πDt)·exp(−r²/(4Dt))·exp(−t/τ).
    func testPointSourceMatchesGreensFunction() throws {
        let n = 201, h = 10.0, D = 1000.0, tau = 5.0, M = 1e6
        var f = try field(columns: n, rows: n, h: h, boundary: .closed, diffusion: D, tau: tau)
        let centre = f.grid.centre(column: n / 2, row: n / 2)
        f.inject(amount: M, x: centre.x, y: centre.y)
        let dt = 0.5, steps = 20
        for _ in 0..<steps { f.step(dt: dt) }
        let t = dt * Double(steps)
        var worst = 0.0
        for k in [0, 5, 10, 20, 30] {
            let r = Double(k) * h
            let exact = M / (4 * Double.pi * D * t) * exp(-r * r / (4 * D * t)) * exp(-t / tau)
            for (i, j) in [(n / 2 + k, n / 2), (n / 2, n / 2 - k)] {
                let rel = abs(f[column: i, row: j] - exact) / exact
                worst = max(worst, rel)
                XCTAssertLessThan(rel, 0.02, "r = \(r) µm")
            }
            print("Green's function: r = \(r) µm, t = \(t) h: numeric \(f[column: n / 2 + k, row: n / 2]), exact \(exact), rel. error \(abs(f[column: n / 2 + k, row: n / 2] - exact) / exact)")
        }
        print("Green's function: worst relative error \(worst)")
    }

    /// (b) Diffusion alone conserves Σ C·h² to 1e-12 relative.
    func testDiffusionConservesMass() throws {
        for boundary in [CytokineBoundary.closed, .periodic] {
            var f = try field(columns: 37, rows: 29, h: 20, boundary: boundary, diffusion: 5e4, tau: 1, clearance: 0)
            f.values = noise(f.values.count, seed: 7)
            f.values[0] = 50; f.values[f.values.count - 1] = 80   // steep edges
            let m0 = f.total
            let sub = DiffusionSubsteps(dt: 1, diffusion: 5e4, cellSize: 20)
            XCTAssertLessThanOrEqual(sub.ratio, 0.25)
            XCTAssertGreaterThan(sub.count, 1)
            for _ in 0..<10 { f.step(dt: 1) }
            let rel = abs(f.total - m0) / m0
            print("mass conservation (\(boundary)): \(10 * sub.count) sub-steps, relative change \(rel)")
            XCTAssertLessThan(rel, 1e-12)
            // Diffusion did act: the spike at cell 0 spread out.
            XCTAssertLessThan(f.values[0], 10)
        }
    }

    /// (c) Decay alone is exp(−t/τ); clearance multiplies the rate.
    func testDecayAloneIsExponential() throws {
        var f = try field(columns: 5, rows: 4, h: 10, boundary: .closed, diffusion: 0, tau: 3)
        f.values = noise(20, seed: 3)
        let v0 = f.values
        f.step(dt: 0.7)
        for c in 0..<20 { XCTAssertEqual(f.values[c], v0[c] * exp(-0.7 / 3)) }
        for _ in 0..<99 { f.step(dt: 0.7) }
        for c in 0..<20 { XCTAssertEqual(f.values[c], v0[c] * exp(-70 / 3.0), accuracy: 1e-13 * v0[c]) }
        var g = try field(columns: 5, rows: 4, h: 10, boundary: .closed, diffusion: 0, tau: 3, clearance: 2.5)
        g.values = v0
        g.step(dt: 1.2)
        for c in 0..<20 { XCTAssertEqual(g.values[c], v0[c] * exp(-1.2 * 2.5 / 3), accuracy: 1e-15) }
        // A constant source with decay relaxes to s·τ.
        var s = try field(columns: 3, rows: 3, h: 10, boundary: .periodic, diffusion: 100, tau: 2)
        let rates = [Double](repeating: 0.4, count: 9)
        for _ in 0..<200 { s.step(dt: 0.5, rates: rates) }
        for v in s.values { XCTAssertEqual(v, 0.8, accuracy: 1e-12) }
    }

    /// (d) Tiles with halos exchanged every sub-step = the whole grid, bit for bit.
    func testTilesMatchWholeGridBitForBit() throws {
        for boundary in [CytokineBoundary.closed, .periodic] {
            var whole = try field(columns: 23, rows: 17, h: 10, boundary: boundary, diffusion: 500, tau: 3)
            whole.values = noise(whole.values.count, seed: 11)
            let sources = CytokineSources(points: [CytokineSource(x: 5, y: 80, radius: 25, rate: 300, start: 0.5, stop: 2),
                                                   CytokineSource(x: 229, y: 3, rate: 100)],
                                          systemic: LPSChallenge(time: 0.2).samples(duration: 5))
            for tiles in [1, 2, 3, 5] {
                var reference = whole
                var parts = whole.grid.strips(tiles).map { whole.tile(columns: $0) }
                XCTAssertEqual(parts.count, tiles)
                var t = 0.0
                for _ in 0..<10 {
                    let rates = sources.rates(on: whole.grid, from: t, dt: 0.3)
                    reference.step(dt: 0.3, rates: rates)
                    CytokineTile.step(&parts, dt: 0.3, rates: rates)
                    t += 0.3
                }
                var joined = whole
                joined.values = [Double](repeating: .nan, count: joined.values.count)
                for p in parts { joined.insert(p) }
                XCTAssertEqual(joined.values.map(\.bitPattern), reference.values.map(\.bitPattern), "\(boundary), \(tiles) tiles")
                XCTAssertNotEqual(reference.values, whole.values)
            }
        }
    }

    /// (e) Brief §5 target 8: after LPS, cytokines peak within 6 h and are near baseline by 24 h.
    func testLPSChallengeKinetics() throws {
        var f = try field(columns: 6, rows: 6, h: 50, boundary: .periodic, diffusion: 3.6e4, tau: CytokineParameters().tau)
        let lps = LPSChallenge(time: 0, dose: 0.83)
        XCTAssertTrue(lps.problems.isEmpty)
        let sources = CytokineSources(systemic: lps.samples(duration: 48))
        let dt = 0.05
        var t = 0.0, peak = 0.0, peakTime = 0.0, at24 = -1.0
        while t < 48 - 1e-9 {
            f.step(dt: dt, at: t, sources: sources)
            t += dt
            let mean = f.values.reduce(0, +) / Double(f.values.count)
            if mean > peak { peak = mean; peakTime = t }
            if abs(t - 24) < dt / 2 { at24 = mean }
        }
        print("LPS challenge: peak \(peak) at \(peakTime) h; at 24 h \(at24) (\(100 * at24 / peak) % of peak)")
        XCTAssertGreaterThan(peak, 0)
        XCTAssertGreaterThan(peakTime, 1)
        XCTAssertLessThanOrEqual(peakTime, 6)
        XCTAssertLessThan(at24, 0.1 * peak)
        // Dose scales the input.
        XCTAssertEqual(LPSChallenge(time: 0, dose: 1.66).input(at: 3), 2 * lps.input(at: 3), accuracy: 1e-12)
        XCTAssertEqual(lps.input(at: -1), 0)
    }

    // MARK: - Microglia

    func microgliaGrid(boundary: CytokineBoundary = .periodic) -> CytokineGrid {
        CytokineGrid(width: 500, height: 500, cellSize: 10, boundary: boundary)
    }

    func synapses(_ n: Int, grid: CytokineGrid, seed: UInt64, make: (Int) -> (weight: Double, activity: Double), tagging: ComplementTagging, complement: Double) -> [SynapseCandidate] {
        let rng = CounterRNG(seed: seed)
        return (0..<n).map { k in
            let (w, a) = make(k)
            return SynapseCandidate(id: UInt64(k) * 3 + 1,
                                    x: rng.uniform(.sample, entity: UInt64(k), counter: 0) * grid.width,
                                    y: rng.uniform(.sample, entity: UInt64(k), counter: 1) * grid.height,
                                    weight: w, activity: a,
                                    tag: tagging.probability(complement: complement, activity: a, weight: w))
        }
    }

    /// Runs `steps` hourly steps on a uniform cytokine field, removing engulfed synapses;
    /// returns the engulfed ids.
    func runEngulfment(tagging: ComplementTagging, candidates: [SynapseCandidate], cytokine: Double, steps: Int) throws -> Set<UInt64> {
        let g = microgliaGrid()
        var p = MicrogliaParameters(); p.tagging = tagging
        var pop = try MicrogliaPopulation(count: 100, grid: g, parameters: p, seed: 5)
        for k in pop.agents.indices { pop.agents[k].state = .activated; pop.agents[k].activation = 1 }
        var f = try CytokineField(grid: g)
        f.values = [Double](repeating: cytokine, count: g.cellCount)
        var remaining = candidates
        var gone = Set<UInt64>()
        for k in 0..<steps {
            let r = pop.step(index: UInt64(k), dt: 1, cytokine: f, damage: GridArray(grid: g, values: []), candidates: remaining)
            for e in r.engulfed { gone.insert(e.synapse) }
            remaining.removeAll { gone.contains($0.id) }
        }
        return gone
    }

    /// Offering only the synapses within reach of microglia that can engulf in the step
    /// (activated or primed; what the engine does, for speed) gives the same engulfments and
    /// agents as offering all of them, on a patchy field where some microglia activate during
    /// the step and some stay quiet.
    func testReachFilterChangesNothingButTheCost() throws {
        for boundary in [CytokineBoundary.periodic, .closed] {
            let g = microgliaGrid(boundary: boundary)
            let p = MicrogliaParameters()
            var pop = try MicrogliaPopulation(count: 30, grid: g, parameters: p, seed: 9)
            for k in pop.agents.indices where k % 3 == 0 { pop.agents[k].state = .activated; pop.agents[k].activation = 0.9 }
            var f = try CytokineField(grid: g)
            // Hot in the left third (microglia there activate within the step), cool elsewhere.
            f.values = (0..<g.cellCount).map { c in c % g.columns < g.columns / 3 ? 20 : 0.3 }
            let all = synapses(3000, grid: g, seed: 4, make: { $0 % 2 == 0 ? (0.2, 0.1) : (1, 1) }, tagging: ComplementTagging(), complement: 3)
            var whole = pop, filtered = pop
            let empty = GridArray(grid: g, values: [])
            for k in 0..<3 {
                let reachable = MicrogliaPopulation.inReach([filtered], dt: 2, cytokine: f, points: all.map { ($0.x, $0.y) }).map(\.engulfing)
                let offered = zip(all, reachable).filter(\.1).map(\.0)
                print("\(boundary), step \(k): \(offered.count) of \(all.count) synapses within reach of activated microglia")
                XCTAssertGreaterThan(offered.count, 100)
                XCTAssertLessThan(offered.count, all.count * 3 / 4)
                let a = whole.step(index: UInt64(k), dt: 2, cytokine: f, damage: empty, candidates: all)
                let b = filtered.step(index: UInt64(k), dt: 2, cytokine: f, damage: empty, candidates: offered)
                XCTAssertFalse(a.engulfed.isEmpty)
                XCTAssertEqual(a, b)
                XCTAssertEqual(whole, filtered)
            }
        }
    }

    /// (f) Complement off: nothing is engulfed, even with every synapse tagged.
    func testNoComplementNoEngulfment() throws {
        let g = microgliaGrid()
        var off = ComplementTagging(); off.enabled = false
        XCTAssertEqual(off.probability(complement: 10, activity: 0, weight: 0), 0)
        var all = synapses(2000, grid: g, seed: 1, make: { _ in (0.1, 0) }, tagging: ComplementTagging(), complement: 5)
        for k in all.indices { all[k].tag = 1 }
        let none = try runEngulfment(tagging: off, candidates: all, cytokine: 5, steps: 10)
        let some = try runEngulfment(tagging: ComplementTagging(), candidates: all, cytokine: 5, steps: 10)
        print("complement off: \(none.count) of 2000 engulfed; on (all tagged): \(some.count)")
        XCTAssertEqual(none.count, 0)
        XCTAssertGreaterThan(some.count, 200)
    }

    /// (f) Weak, inactive synapses are engulfed more than strong, active ones (Schafer 2012).
    func testWeakInactiveSynapsesAreEngulfedMore() throws {
        let g = microgliaGrid()
        let tagging = ComplementTagging()
        let n = 4000
        let cands = synapses(n, grid: g, seed: 2, make: { $0 % 2 == 0 ? (0.2, 0.1) : (2, 3) }, tagging: tagging, complement: 2)
        let gone = try runEngulfment(tagging: tagging, candidates: cands, cytokine: 2, steps: 12)
        let weak = cands.filter { $0.weight < 1 }, strong = cands.filter { $0.weight > 1 }
        let fw = Double(weak.filter { gone.contains($0.id) }.count) / Double(weak.count)
        let fs = Double(strong.filter { gone.contains($0.id) }.count) / Double(strong.count)
        print("engulfed over 12 h: weak/inactive \(fw), strong/active \(fs)")
        // Binomial standard error with n = 2000 is ≤ 0.011; demand a gap of many of them.
        XCTAssertGreaterThan(fw, 0.1)
        XCTAssertGreaterThan(fw, 3 * fs)
        XCTAssertGreaterThan(fw - fs, 0.1)
    }

    /// (f) Engulfment does not depend on the order of the candidate list.
    func testEngulfmentIndependentOfCandidateOrder() throws {
        let g = microgliaGrid()
        let cands = synapses(1500, grid: g, seed: 4, make: { _ in (0.3, 0.2) }, tagging: ComplementTagging(), complement: 3)
        let a = try runEngulfment(tagging: ComplementTagging(), candidates: cands, cytokine: 3, steps: 4)
        let b = try runEngulfment(tagging: ComplementTagging(), candidates: cands.reversed(), cytokine: 3, steps: 4)
        XCTAssertFalse(a.isEmpty)
        XCTAssertEqual(a, b)
    }

    /// (f) The activated fraction rises when cytokine is high, stays zero when it is low, and
    /// activated microglia release cytokine.
    func testActivationFollowsCytokine() throws {
        let g = microgliaGrid()
        var fractions: [Double] = []
        var released: [Double] = []
        for c in [0.0, 0.3, 3.0] {
            var pop = try MicrogliaPopulation(count: 200, grid: g, seed: 9)
            var f = try CytokineField(grid: g)
            f.values = [Double](repeating: c, count: g.cellCount)
            var total = 0.0
            for k in 0..<24 {
                let r = pop.step(index: UInt64(k), dt: 1, cytokine: f, damage: GridArray(grid: g, values: []), candidates: [])
                total = r.release.reduce(0, +)
            }
            fractions.append(pop.activatedFraction); released.append(total)
        }
        print("activated fraction after 24 h at cytokine 0, 0.3, 3: \(fractions); release \(released)")
        XCTAssertEqual(fractions[0], 0)
        XCTAssertEqual(released[0], 0)
        XCTAssertLessThan(fractions[1], 0.05)
        XCTAssertGreaterThan(fractions[2], 0.9)
        XCTAssertGreaterThan(released[2], 0)
    }

    // MARK: - Priming (the persistent state after LPS)

    /// Priming and complement output against their closed forms: for a constant drive u,
    /// P(t) = P* + (P₀ − P*)·e^(−λt) with λ = u/τ_P↑ + 1/τ_P↓, P* = (u/τ_P↑)/λ, and
    /// Q(t) = P* + (Q₀ − P*)·e^(−μt) + (P₀ − P*)·μ·(e^(−λt) − e^(−μt))/(μ − λ), μ = 1/τ_Q,
    /// whatever the step (also at λ = μ, where the last term is (P₀ − P*)·μt·e^(−μt)); with no
    /// drive P decays as P₀·e^(−t/τ_P↓) — and so does a primed microglion in a field without
    /// cytokine (a = 0, surveilling: the persistence is the priming's, not the activation's).
    func testPrimingFollowsItsClosedForm() throws {
        var p = MicrogliaParameters()
        func closed(_ p: MicrogliaParameters, p0: Double, q0: Double, u: Double, t: Double) -> (Double, Double) {
            let lam = u / p.primingOn + 1 / p.primingOff, mu = 1 / p.complementLag, star = u / p.primingOn / lam
            let pt = star + (p0 - star) * exp(-lam * t)
            let cross = abs(lam - mu) < 1e-15 ? mu * t * exp(-mu * t) : mu * (exp(-lam * t) - exp(-mu * t)) / (mu - lam)
            return (pt, star + (q0 - star) * exp(-mu * t) + (p0 - star) * cross)
        }
        for u in [0.0, 0.3, 1.0] {
            for (p0, q0) in [(0.0, 0.0), (0.4, 0.1), (1.0, 0.7)] {
                var x = (priming: p0, complement: q0)
                for _ in 0..<240 { x = p.primed(priming: x.priming, complement: x.complement, drive: u, dt: 0.5) }
                let (pe, qe) = closed(p, p0: p0, q0: q0, u: u, t: 120)
                XCTAssertEqual(x.priming, pe, accuracy: 1e-13, "u = \(u), P₀ = \(p0)")
                XCTAssertEqual(x.complement, qe, accuracy: 1e-13, "u = \(u), Q₀ = \(q0)")
                let once = p.primed(priming: p0, complement: q0, drive: u, dt: 120)
                XCTAssertEqual(once.priming, pe, accuracy: 1e-15)
                XCTAssertEqual(once.complement, qe, accuracy: 1e-14)
            }
        }
        // λ = μ exactly (u chosen so), stepped and in one go.
        var q = MicrogliaParameters(); q.primingOn = 24; q.primingOff = 480; q.complementLag = 240
        let uEq = (1 / q.complementLag - 1 / q.primingOff) * q.primingOn
        var y = (priming: 0.2, complement: 0.05)
        for _ in 0..<100 { y = q.primed(priming: y.priming, complement: y.complement, drive: uEq, dt: 1) }
        let (pq, qq) = closed(q, p0: 0.2, q0: 0.05, u: uEq, t: 100)
        XCTAssertEqual(y.priming, pq, accuracy: 1e-13)
        XCTAssertEqual(y.complement, qq, accuracy: 1e-13)
        // Fully activated for two days primes to > 0.85; the output lags: below 0.15 by then.
        let twoDays = p.primed(priming: 0, complement: 0, drive: 1, dt: 48)
        XCTAssertGreaterThan(twoDays.priming, 0.85)
        XCTAssertLessThan(twoDays.complement, 0.15)
        // A primed, resting microglion in a field without cytokine: P₀·e^(−t/τ_P↓) over 8 weeks.
        p.complementLag = 10 * 24
        let g = microgliaGrid()
        let f = try CytokineField(grid: g)
        var m = Microglion(id: 1, x: 100, y: 100, priming: 0.9, complement: 0)
        for _ in 0..<(56 * 48) { m = p.activated(m, dt: 0.5, cytokine: f) }
        XCTAssertEqual(m.activation, 0)
        XCTAssertEqual(m.state, .surveilling)
        XCTAssertEqual(m.priming, 0.9 * exp(-56 * 24 / p.primingOff), accuracy: 1e-12)
        XCTAssertEqual(m.complement, closed(p, p0: 0.9, q0: 0, u: 0, t: 56 * 24).1, accuracy: 1e-12)
        XCTAssertEqual(p.phagocytic(m), m.complement)
        print("priming: 2 days fully activated → P \(twoDays.priming), Q \(twoDays.complement); P 0.9 after 8 weeks at rest → P \(m.priming), Q \(m.complement)")
    }

    /// A primed, resting microglion engulfs tagged synapses in reach at the steady rate
    /// k_e·Q·tag per hour: over T steps of dt the engulfed fraction is 1 − (1 − p_tag·p_e)^T with
    /// p_e = 1 − e^(−k_e·Q·dt) (with P = Q, Q changes by < 0.01 % in the 48 h). One without
    /// complement output engulfs none.
    func testPrimedMicroglionEngulfsAtTheSteadyRate() throws {
        let g = microgliaGrid()
        var p = MicrogliaParameters(); p.motility = 0
        let f = try CytokineField(grid: g)
        let n = 20_000, tag = 0.05, dt = 1.0, steps = 48, P = 0.8
        let rng = CounterRNG(seed: 3)
        let cands = (0..<n).map { k -> SynapseCandidate in
            let r = 40 * rng.uniform(.sample, entity: UInt64(k), counter: 0).squareRoot()
            let th = 2 * Double.pi * rng.uniform(.sample, entity: UInt64(k), counter: 1)
            return SynapseCandidate(id: UInt64(k), x: 250 + r * cos(th), y: 250 + r * sin(th), weight: 1, activity: 1, tag: tag)
        }
        func run(priming: Double) -> Int {
            var pop = MicrogliaPopulation(grid: g, parameters: p, agents: [Microglion(id: 0, x: 250, y: 250, priming: priming, complement: priming)], seed: 8)
            var remaining = cands, gone = 0
            for k in 0..<steps {
                let r = pop.step(index: UInt64(k), dt: dt, cytokine: f, damage: GridArray(grid: g, values: []), candidates: remaining)
                let ids = Set(r.engulfed.map(\.synapse))
                gone += ids.count
                remaining.removeAll { ids.contains($0.id) }
            }
            return gone
        }
        let pe = -expm1(-p.engulfment * P * dt)
        let expected = Double(n) * (1 - pow(1 - tag * pe, Double(steps)))
        let sd = (expected * (1 - expected / Double(n))).squareRoot()
        let got = Double(run(priming: P))
        print("primed engulfment over 48 h: \(got) engulfed, expected \(expected) ± \(sd)")
        XCTAssertLessThan(abs(got - expected), 5 * sd)
        XCTAssertEqual(run(priming: 0), 0)
    }

    /// The complement a synapse sees is q_C·Σ Q over the microglia within reach (exactly the
    /// engulfment's distance test), summed in the same order however the agents are split in
    /// strips; the tag probability reads it.
    func testComplementFromPrimedMicrogliaInReach() throws {
        let g = CytokineGrid(width: 700, height: 400, cellSize: 10, boundary: .periodic)
        var p = MicrogliaParameters(); p.maxDensity = 5000
        var pop = try MicrogliaPopulation(count: 300, grid: g, parameters: p, seed: 31)
        let rng = CounterRNG(seed: 4)
        for k in pop.agents.indices {
            pop.agents[k].priming = rng.uniform(.sample, entity: UInt64(k), counter: 0)
            pop.agents[k].complement = rng.uniform(.sample, entity: UInt64(k), counter: 3)
        }
        let f = try CytokineField(grid: g)
        let points = (0..<500).map { k in (x: rng.uniform(.sample, entity: UInt64(k), counter: 1) * g.width,
                                           y: rng.uniform(.sample, entity: UInt64(k), counter: 2) * g.height) }
        let whole = MicrogliaPopulation.inReach([pop], dt: 0.5, cytokine: f, points: points)
        let tiled = MicrogliaPopulation.inReach(pop.split(g.strips(5)), dt: 0.5, cytokine: f, points: points)
        XCTAssertEqual(whole.map(\.complement.bitPattern), tiled.map(\.complement.bitPattern))
        let after = pop.agents.map { p.activated($0, dt: 0.5, cytokine: f) }
        var covered = 0
        for (q, r) in zip(points, whole) {
            var sum = 0.0
            for m in after {
                var dx = abs(m.x - q.x), dy = abs(m.y - q.y)
                dx = min(dx, g.width - dx); dy = min(dy, g.height - dy)
                if dx * dx + dy * dy <= p.reach * p.reach { sum += m.complement }
            }
            XCTAssertEqual(r.complement, sum, accuracy: 1e-12)
            XCTAssertEqual(r.engulfing, sum > 0)
            if sum > 0 { covered += 1 }
        }
        XCTAssertGreaterThan(covered, 400)
        let t = ComplementTagging()
        XCTAssertEqual(t.probability(microglia: 2, activity: 1, weight: 1),
                       t.maxProbability * (2 * t.microglialComplement) / (2 * t.microglialComplement + t.halfComplement) * 0.5 * 0.5, accuracy: 1e-15)
        XCTAssertEqual(t.probability(microglia: 0, activity: 1, weight: 1), 0)
    }

    /// Chemotaxis: microglia drift toward a damage spot.
    func testChemotaxisTowardDamage() throws {
        let g = microgliaGrid(boundary: .closed)
        var p = MicrogliaParameters(); p.motility = 0
        var pop = try MicrogliaPopulation(count: 100, grid: g, parameters: p, seed: 12)
        let f = try CytokineField(grid: g)
        // Damage rising linearly toward x = 500.
        var damage = [Double](repeating: 0, count: g.cellCount)
        for j in 0..<g.rows { for i in 0..<g.columns { damage[g.index(column: i, row: j)] = Double(i) } }
        let x0 = pop.agents.map(\.x).reduce(0, +) / 100
        for k in 0..<5 { _ = pop.step(index: UInt64(k), dt: 1, cytokine: f, damage: GridArray(grid: g, values: damage), candidates: []) }
        let x1 = pop.agents.map(\.x).reduce(0, +) / 100
        print("chemotaxis: mean x \(x0) → \(x1) µm over 5 h")
        XCTAssertGreaterThan(x1 - x0, 50)
    }

    /// (g) 7 tiles with migration = 1 population, bit for bit; the count is conserved.
    func testMicrogliaTilesMatchWholePopulation() throws {
        for boundary in [CytokineBoundary.periodic, .closed] {
            let g = CytokineGrid(width: 700, height: 400, cellSize: 10, boundary: boundary)
            var p = MicrogliaParameters(); p.motility = 2000; p.maxDensity = 5000
            let whole0 = try MicrogliaPopulation(count: 400, grid: g, parameters: p, seed: 21)
            var f = try CytokineField(grid: g, parameters: CytokineParameters(diffusion: 2e4, tau: 4))
            f.inject(amount: 3e6, x: 200, y: 200)
            f.step(dt: 1)
            var damage = [Double](repeating: 0, count: g.cellCount)
            for j in 0..<g.rows { for i in 0..<g.columns where abs(i - 50) < 5 { damage[g.index(column: i, row: j)] = 5 } }
            let dmg = GridArray(grid: g, values: damage)
            let cands = synapses(3000, grid: g, seed: 22, make: { k in (Double(k % 5) * 0.3, Double(k % 3)) }, tagging: p.tagging, complement: 2)
            var whole = whole0
            var tiles = whole0.split(g.strips(7))
            var shards = whole0.split(g.strips(7))   // each reads only its own cytokine tile
            XCTAssertEqual(tiles.count, 7)
            var crossings = 0, engulfed = 0
            for k in 0..<30 {
                let a = whole.step(index: UInt64(k), dt: 1, cytokine: f, damage: dmg, candidates: cands)
                XCTAssertTrue(a.emigrants.isEmpty)
                let b = MicrogliaPopulation.step(&tiles, index: UInt64(k), dt: 1, cytokine: f, damage: dmg, candidates: cands)
                crossings += b.emigrants.count
                // As shards would: each strip steps against its own cytokine tile with halos,
                // then the migration messages go to the owning strip in id order.
                var results: [MicrogliaStepResult] = []
                for s in shards.indices {
                    let local = f.tile(columns: shards[s].columns)
                    results.append(shards[s].step(index: UInt64(k), dt: 1, cytokine: local, damage: dmg, candidates: cands))
                }
                let messages = results.flatMap(\.emigrants)
                for s in shards.indices { shards[s].admit(messages.filter { shards[s].columns.contains(g.column(of: $0.x)) }) }
                XCTAssertEqual(MicrogliaPopulation.merge(results), b)
                engulfed += a.engulfed.count
                XCTAssertEqual(tiles.reduce(0) { $0 + $1.count }, 400, "count conserved at step \(k)")
                XCTAssertEqual(a.engulfed, b.engulfed)
                XCTAssertEqual(a.release.map(\.bitPattern), b.release.map(\.bitPattern))
                for t in tiles { for m in t.agents { XCTAssertTrue(t.columns.contains(g.column(of: m.x))) } }
                // Cytokine evolves with the release, the same for both.
                f.step(dt: 1, rates: a.release)
            }
            XCTAssertEqual(shards, tiles)
            let joined = MicrogliaPopulation.join(tiles)
            XCTAssertEqual(joined.agents.map(\.id), whole.agents.map(\.id))
            XCTAssertEqual(joined.agents.map(\.x.bitPattern), whole.agents.map(\.x.bitPattern))
            XCTAssertEqual(joined.agents.map(\.y.bitPattern), whole.agents.map(\.y.bitPattern))
            XCTAssertEqual(joined.agents.map(\.activation.bitPattern), whole.agents.map(\.activation.bitPattern))
            XCTAssertEqual(joined.agents.map(\.priming.bitPattern), whole.agents.map(\.priming.bitPattern))
            XCTAssertEqual(joined.agents.map(\.complement.bitPattern), whole.agents.map(\.complement.bitPattern))
            XCTAssertGreaterThan(whole.agents.map(\.complement).max() ?? 0, 0)
            XCTAssertEqual(joined.agents.map(\.state), whole.agents.map(\.state))
            print("microglia tiles (\(boundary)): 1 vs 7 tiles identical over 30 steps; \(crossings) border crossings, \(engulfed) engulfed, activated \(whole.activatedFraction)")
            XCTAssertGreaterThan(crossings, 100)
            XCTAssertGreaterThan(engulfed, 0)
        }
    }

    // MARK: - Excitotoxic damage

    func testDamageAccumulatesRepairsAndKills() throws {
        let p = DamageParameters()
        var d = try ExcitotoxicDamage(neurons: 3, parameters: p)
        // Accumulation above threshold: D = k·τ·(c − θ)·(1 − e^{−t/τ}).
        d.step(0, at: 0, dt: 2, drive: 3)
        let d2 = p.rate * p.tauRepair * 1 * (1 - exp(-2 / p.tauRepair))
        XCTAssertEqual(d.damage[0], d2, accuracy: 1e-12)
        XCTAssertFalse(d.isDead(0))
        // Below threshold: repair at 1/τ.
        for k in 0..<24 { d.step(0, at: 2 + Double(k), dt: 1, drive: 1) }
        XCTAssertEqual(d.damage[0], d2 * exp(-24 / p.tauRepair), accuracy: 1e-12)
        // Death past D_death, then irreversible.
        var t = 0.0
        while !d.isDead(1) && t < 20 { d.step(1, at: t, dt: 0.25, drive: 4); t += 0.25 }
        let crossing = -p.tauRepair * log(1 - p.death / (p.rate * p.tauRepair * 2))
        print("damage: death at \(d.deathTime[1] ?? -1) h (exact crossing \(crossing) h)")
        XCTAssertTrue(d.isDead(1))
        XCTAssertEqual(d.deathTime[1]!, crossing, accuracy: 0.25 + 1e-9)
        XCTAssertGreaterThanOrEqual(d.deathTime[1]!, crossing)
        let atDeath = d.damage[1]
        for k in 0..<100 { d.step(1, at: t + Double(k), dt: 1, drive: 0) }
        XCTAssertTrue(d.isDead(1))
        XCTAssertEqual(d.damage[1], atDeath)
        XCTAssertEqual(d.deadCount, 1)
    }

    func testNMDABlockAndInsult() throws {
        let p = DamageParameters()
        var d = try ExcitotoxicDamage(neurons: 3, parameters: p)
        let positions: [(x: Double, y: Double)] = [(100, 100), (130, 100), (400, 400)]
        let insult = Insult(x: 100, y: 100, radius: 50, start: 1, stop: 3, strength: 4)
        XCTAssertTrue(insult.problems(width: 500, height: 500).isEmpty)
        // Neuron 0 unblocked, neuron 1 half blocked (its calcium also halved), neuron 2 outside.
        for k in 0..<8 {
            d.step(at: Double(k) * 0.5, dt: 0.5, calcium: [1, 0.5, 1], positions: positions,
                   insults: [insult], unblocked: [1, 0.5, 1])
        }
        print("insult damage: unblocked \(d.damage[0]), half-blocked \(d.damage[1]), outside \(d.damage[2])")
        XCTAssertGreaterThan(d.damage[0], 1)
        XCTAssertGreaterThan(d.damage[1], 0)
        XCTAssertGreaterThan(d.damage[0], 3 * d.damage[1])
        XCTAssertEqual(d.damage[2], 0)
        // Dead neurons release cytokine: about q per hour just after death, in their cell.
        var e = try ExcitotoxicDamage(neurons: 1, parameters: p)
        e.deathTime[0] = 0
        let g = CytokineGrid(width: 500, height: 500, cellSize: 10)
        let r = e.cytokineRelease(on: g, positions: [(255, 255)], from: 0, dt: 0.1)
        let amountPerHour = r.reduce(0, +) * g.cellArea
        XCTAssertEqual(amountPerHour, p.release * p.tauDebris / 0.1 * (1 - exp(-0.1 / p.tauDebris)), accuracy: 1e-9)
        XCTAssertEqual(r[g.cell(x: 255, y: 255)] * g.cellArea, amountPerHour, accuracy: 1e-9)
        XCTAssertEqual(try ExcitotoxicDamage(neurons: 1, parameters: p).cytokineRelease(on: g, positions: [(1, 1)], from: 0, dt: 1).reduce(0, +), 0)
    }

    // MARK: - Bad input

    func testBadInputGivesClearMessages() throws {
        let g = CytokineGrid(width: 100, height: 100, cellSize: 10)
        XCTAssertThrowsError(try CytokineField(grid: g, parameters: CytokineParameters(diffusion: -1, tau: 0))) { e in
            let m = (e as? PhysiologyError)?.messages ?? []
            XCTAssertEqual(m.count, 2)
            XCTAssertTrue(m[0].contains("diffusion must be zero or positive, got -1.0"), m[0])
            XCTAssertTrue(m[1].contains("lifetime τ must be positive"), m[1])
        }
        let outside = CytokineSources(points: [CytokineSource(x: 150, y: 50, rate: 1)]).problems(on: g)
        XCTAssertEqual(outside.count, 1)
        XCTAssertTrue(outside[0].contains("outside the sheet"), outside[0])
        XCTAssertThrowsError(try MicrogliaPopulation(count: 101, grid: g, seed: 1)) { e in
            let m = (e as? PhysiologyError)?.messages ?? []
            XCTAssertTrue(m.contains { $0.contains("do not fit on a cytokine grid of 100 cells") }, "\(m)")
        }
        XCTAssertThrowsError(try MicrogliaPopulation(count: 20, grid: g, seed: 1)) { e in
            let m = (e as? PhysiologyError)?.messages ?? []
            XCTAssertTrue(m.contains { $0.contains("exceed the maximum density") }, "\(m)")
        }
        var bad = MicrogliaParameters(); bad.motility = -3
        XCTAssertTrue(MicrogliaPopulation.problems(count: 5, grid: g, parameters: bad).contains { $0.contains("motility") })
        XCTAssertNoThrow(try MicrogliaPopulation(count: 10, grid: g, seed: 1))
        XCTAssertFalse(CytokineGrid(width: -5, height: 100, cellSize: 10).problems.isEmpty)
        XCTAssertFalse(Insult(x: -1, y: 0, radius: 0, start: 2, stop: 1, strength: 1).problems(width: 10, height: 10).isEmpty)
    }
}
