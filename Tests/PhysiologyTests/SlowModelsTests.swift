// The slow-clock models against their stated equations: the signalling cascade (baseline,
// steady state, step-size independence, mTOR inhibition, stress, the structural lag), the
// spine pools (rest, bookkeeping, 21 days of stress, drive, activity homeostasis) and the
// glucocorticoid level of chronic stress (exact relaxation, preconditioning start).

import XCTest
@testable import Physiology

private let tenMinutes = 1.0 / 6   // [h]

// MARK: - Signalling

final class SignallingModelTests: XCTestCase {
    let p = SignallingParameters()

    /// Population rate during a block: the burst of disinhibition, large enough to open
    /// BDNF release fully (ρ = 1).
    let burst = 1.5

    func input(block: Double = 0, activity: Double = 1, _ edit: (inout SignallingInput) -> Void = { _ in }) -> SignallingInput {
        var u = SignallingInput()
        u.restBlock = block
        u.activity = activity
        edit(&u)
        return u
    }

    /// Steady synaptic proteins under constant mTOR activity M: k_P·H/(k_P·H + 1/τ_P), H = Mⁿ/(Mⁿ + K_Mⁿ).
    func steadyProteins(mtor m: Double) -> Double {
        let h = pow(m, p.translationHill) / (pow(m, p.translationHill) + pow(p.translationK, p.translationHill))
        return p.productionP * h / (p.productionP * h + 1 / p.tauP)
    }

    /// Integrates one neuron for `hours` with steps of `dt`, the input a function of the
    /// step's start time; `each` sees the state after every step and the time reached.
    func integrate(_ s: inout SignallingState, hours: Double, dt: Double, from t0: Double = 0,
                   input: (Double) -> SignallingInput, each: (SignallingState, Double) -> Void = { _, _ in }) {
        let n = Int((hours / dt).rounded())
        for k in 0..<n {
            s.step(0, dt: dt, input: input(t0 + Double(k) * dt), parameters: p)
            each(s, t0 + Double(k + 1) * dt)
        }
    }

    func testZeroInputStaysAtBaseline() {
        var s = SignallingState(neurons: 3)
        for _ in 0..<100 {
            for i in 0..<3 { s.step(i, dt: tenMinutes, input: SignallingInput(), parameters: p) }
        }
        for i in 0..<3 {
            XCTAssertEqual(s.bdnf[i], 1, accuracy: 1e-15)
            for (name, x) in [("eEF2", s.eEF2[i]), ("mtor", s.mtor[i]), ("proteins", s.proteins[i]),
                              ("lag", s.lag[i]), ("drive", s.drive[i])] {
                XCTAssertEqual(x, 0, accuracy: 1e-15, "\(name) of neuron \(i)")
            }
        }
    }

    func testConstantBlockReachesItsSteadyState() {
        let b = 0.4
        var s = SignallingState(neurons: 1)
        // 3000 h ≫ every time constant (the slowest, τ_P = 48 h, leaves e^−62).
        integrate(&s, hours: 3000, dt: tenMinutes, input: { _ in self.input(block: b, activity: self.burst) })
        let bdnf = 1 + p.gainE * b + p.gainActivity * (burst - 1)
        let mtor = p.gainM * (bdnf - 1 - p.thresholdB)
        // dP/dt = k_P·H(M)·(1 − P) − P/τ_P = 0 (saturating translation).
        let proteins = steadyProteins(mtor: mtor)
        XCTAssertEqual(s.eEF2[0], b, accuracy: 1e-9)
        XCTAssertEqual(s.bdnf[0], bdnf, accuracy: 1e-9)
        XCTAssertEqual(s.mtor[0], mtor, accuracy: 1e-9)
        XCTAssertEqual(s.proteins[0], proteins, accuracy: 1e-9)
        XCTAssertEqual(s.lag[0], proteins, accuracy: 1e-9)
        XCTAssertEqual(s.drive[0], proteins, accuracy: 1e-9)
        XCTAssertLessThan(s.proteins[0], 1, "P is a fraction of the protein capacity")
    }

    /// A 2 h block pulse (b = 0.5) followed hour by hour to 4 h, with 10-min and 1-s steps.
    /// Each stage is relaxed exactly for its step, so the coarse clock should stay close.
    func testTenMinuteStepsAgreeWithOneSecondSteps() {
        let pulse: (Double) -> SignallingInput = { t in t < 2 - 1e-9 ? self.input(block: 0.5, activity: self.burst) : self.input() }
        func sample(dt: Double) -> [Double: (bdnf: Double, mtor: Double, proteins: Double)] {
            var s = SignallingState(neurons: 1)
            var out: [Double: (bdnf: Double, mtor: Double, proteins: Double)] = [:]
            integrate(&s, hours: 4, dt: dt, input: pulse) { st, t in
                let h = t.rounded()
                if abs(t - h) < 1e-9 { out[h] = (st.bdnf[0], st.mtor[0], st.proteins[0]) }
            }
            return out
        }
        let coarse = sample(dt: tenMinutes), fine = sample(dt: 1.0 / 3600)
        var worstB = 0.0, worstM = 0.0
        for h in [1.0, 2, 3, 4] {
            guard let c = coarse[h], let f = fine[h] else { return XCTFail("no sample at \(h) h") }
            let rb = abs(c.bdnf - f.bdnf) / abs(f.bdnf), rm = abs(c.mtor - f.mtor) / abs(f.mtor)
            print("signalling dt 10 min vs 1 s at \(Int(h)) h: bdnf \(c.bdnf) vs \(f.bdnf) (rel \(rb)); mtor \(c.mtor) vs \(f.mtor) (rel \(rm)); proteins (not asserted) \(c.proteins) vs \(f.proteins)")
            worstB = max(worstB, rb); worstM = max(worstM, rm)
        }
        print("signalling dt 10 min vs 1 s: worst relative difference bdnf \(worstB), mtor \(worstM)")
        XCTAssertLessThan(worstB, 0.05, "BDNF depends on the slow step")
        XCTAssertLessThan(worstM, 0.05, "mTOR depends on the slow step")
    }

    func testFullMTORInhibitionSilencesMTORAndProteins() {
        var s = SignallingState(neurons: 1)
        integrate(&s, hours: 48, dt: tenMinutes, input: { _ in
            self.input(block: 0.8) { $0.ssri = 1; $0.ampa = 1; $0.activity = 1.5; $0.mtorInhibition = 1 }
        }) { st, t in
            XCTAssertEqual(st.mtor[0], 0, "mtor at \(t) h")
            XCTAssertEqual(st.proteins[0], 0, "proteins at \(t) h")
            XCTAssertEqual(st.drive[0], 0, "drive at \(t) h")
        }
        XCTAssertGreaterThan(s.bdnf[0], 3, "BDNF itself is not inhibited")
        // Half inhibition halves the mTOR steady state.
        var h = SignallingState(neurons: 1)
        integrate(&h, hours: 48, dt: tenMinutes, input: { _ in self.input(block: 0.5, activity: self.burst) { $0.mtorInhibition = 0.5 } })
        XCTAssertEqual(h.mtor[0], 0.5 * p.gainM * (h.bdnf[0] - 1 - p.thresholdB), accuracy: 1e-9)
    }

    /// BDNF made after a block at rest acts only when a burst releases it: without a rise in
    /// rate the block leaves BDNF at baseline; halfway up the release ramp half of it acts.
    func testBlockWithoutABurstReleasesNoBDNF() {
        var quiet = SignallingState(neurons: 1)
        integrate(&quiet, hours: 48, dt: tenMinutes, input: { _ in self.input(block: 0.5) })
        XCTAssertEqual(quiet.bdnf[0], 1, accuracy: 1e-12)
        XCTAssertEqual(quiet.mtor[0], 0)
        XCTAssertEqual(quiet.proteins[0], 0)
        // Below the release threshold (fluctuations of the rate) still nothing from the block.
        var small = SignallingState(neurons: 1)
        let a = 1 + p.releaseThreshold
        integrate(&small, hours: 48, dt: tenMinutes, input: { _ in self.input(block: 0.5, activity: a) })
        XCTAssertEqual(small.bdnf[0], 1 + p.gainActivity * (a - 1), accuracy: 1e-9)
        var half = SignallingState(neurons: 1)
        let mid = 1 + p.releaseThreshold + p.releaseWidth / 2
        integrate(&half, hours: 48, dt: tenMinutes, input: { _ in self.input(block: 0.5, activity: mid) })
        XCTAssertEqual(half.bdnf[0], 1 + p.gainE * 0.5 * 0.5 + p.gainActivity * (mid - 1), accuracy: 1e-9)
    }

    /// Translation is steep in mTOR activity. Held at a constant M from P = 0, the proteins
    /// follow P(t) = P∞·(1 − e^(−r·t)), r = k_P·H(M) + 1/τ_P, P∞ = k_P·H/r. Over a 3 h pulse,
    /// 80 % mTOR inhibition (rapamycin in Li et al. 2010) leaves under 10 % of the proteins an
    /// antidepressant level of mTOR activity (0.9) makes; linear translation left 65 %.
    func testPartialMTORInhibitionRemovesMostTranslation() {
        func pulse(_ inhibition: Double) -> Double {
            // BDNF, eEF2 and mTOR at the steady state of the input, proteins at 0.
            let b = (0.9 + p.thresholdB - p.gainActivity * (burst - 1)) / p.gainE
            let u = input(block: b, activity: burst) { $0.mtorInhibition = inhibition }
            let m = 0.9 * (1 - inhibition)
            var s = SignallingState(neurons: 1)
            s.setState(of: 0, SIMD8(b, 1.9 + p.thresholdB, m, 0, 0, 0, 0, 0))
            integrate(&s, hours: 3, dt: tenMinutes, input: { _ in u })
            XCTAssertEqual(s.mtor[0], m, accuracy: 1e-9, "M stays at its steady value")
            let h = pow(m, p.translationHill) / (pow(m, p.translationHill) + pow(p.translationK, p.translationHill))
            let r = p.productionP * h + 1 / p.tauP
            XCTAssertEqual(s.proteins[0], p.productionP * h / r * (1 - exp(-r * 3)), accuracy: 1e-9)
            return s.proteins[0]
        }
        let free = pulse(0), inhibited = pulse(0.8)
        XCTAssertLessThan(inhibited / free, 0.1, "\(inhibited) vs \(free)")
    }

    /// A BDNF knockout: BDNF decays to 0 and nothing downstream moves, whatever the block.
    func testBDNFKnockoutStopsTheCascade() {
        var s = SignallingState(neurons: 1)
        integrate(&s, hours: 48, dt: tenMinutes, input: { _ in self.input(block: 0.8, activity: self.burst) { $0.bdnf = 0 } })
        XCTAssertEqual(s.bdnf[0], 0, accuracy: 1e-12)
        XCTAssertEqual(s.mtor[0], 0)
        XCTAssertEqual(s.proteins[0], 0)
        XCTAssertEqual(s.drive[0], 0)
    }

    func testGlucocorticoidLowersBDNF() {
        var s = SignallingState(neurons: 1)
        integrate(&s, hours: 48, dt: tenMinutes, input: { _ in self.input { $0.glucocorticoid = 1 } })
        XCTAssertLessThan(s.bdnf[0], 1)
        XCTAssertEqual(s.bdnf[0], 1 - p.stressBDNF, accuracy: 1e-9)
        XCTAssertEqual(s.mtor[0], 0, "BDNF below baseline gives no TrkB → mTOR signal")
        // Stress also blunts a block's BDNF rise.
        var a = SignallingState(neurons: 1), b = SignallingState(neurons: 1)
        integrate(&a, hours: 24, dt: tenMinutes, input: { _ in self.input(block: 0.5, activity: self.burst) })
        integrate(&b, hours: 24, dt: tenMinutes, input: { _ in self.input(block: 0.5, activity: self.burst) { $0.glucocorticoid = 1 } })
        XCTAssertLessThan(b.bdnf[0], a.bdnf[0])
    }

    func testStructuralDrivePeaksAfterProteins() {
        var s = SignallingState(neurons: 1)
        var peakP = (t: 0.0, x: -1.0), peakD = (t: 0.0, x: -1.0)
        integrate(&s, hours: 400, dt: tenMinutes, input: { t in t < 2 - 1e-9 ? self.input(block: 0.5, activity: self.burst) : self.input() }) { st, t in
            if st.proteins[0] > peakP.x { peakP = (t, st.proteins[0]) }
            if st.drive[0] > peakD.x { peakD = (t, st.drive[0]) }
        }
        print("signalling after a 2 h block of 0.5: proteins peak \(peakP.x) at \(peakP.t) h, drive peak \(peakD.x) at \(peakD.t) h")
        XCTAssertGreaterThan(peakP.x, 0)
        XCTAssertGreaterThan(peakD.x, 0)
        XCTAssertGreaterThan(peakD.t, peakP.t + 1, "the structural drive should lag the proteins")
        XCTAssertLessThan(peakD.t, 399, "the drive should have peaked within the run")
    }
}

// MARK: - PV phenotype

final class PVPhenotypeTests: XCTestCase {
    let q = PVPhenotypeParameters()

    /// Without NOX2 activation nothing moves, whatever the time; activation outside 0…1 is
    /// clamped.
    func testNoActivationLeavesThePhenotype() {
        var s = PVPhenotypeState(populations: 2)
        for _ in 0..<1000 { s.step(1, dt: 0.5, activation: 0, inhibition: 0, parameters: q) }
        XCTAssertEqual(s.load, [0, 0])
        XCTAssertEqual(s.phenotype, [1, 1])
        for _ in 0..<10 { s.step(0, dt: 0.5, activation: .nan, inhibition: 0, parameters: q); s.step(0, dt: 0.5, activation: -3, inhibition: 0, parameters: q) }
        XCTAssertEqual(s.load, [0, 0])
    }

    /// A constant activation u: the load relaxes to k_X·u·τ_X·(1 − ν) exactly, and the
    /// phenotype (driven by the load of each step's start) to (1/τ_R)/(k_Φ·X + 1/τ_R).
    func testConstantActivationReachesTheClosedForms() {
        let u = 0.4
        for nu in [0.0, 0.6] {
            var s = PVPhenotypeState(populations: 1)
            var t = 0.0
            while t < 2000 {
                s.step(0, dt: 0.5, activation: u, inhibition: nu, parameters: q)
                t += 0.5
                if abs(t - 10) < 1e-9 {
                    XCTAssertEqual(s.load[0], q.loadGain * u * (1 - nu) * q.loadTau * (1 - exp(-10 / q.loadTau)), accuracy: 1e-9)
                }
            }
            let x = q.loadGain * u * (1 - nu) * q.loadTau
            XCTAssertEqual(s.load[0], x, accuracy: 1e-9)
            XCTAssertEqual(s.phenotype[0], (1 / q.recoveryTau) / (q.lossRate * x + 1 / q.recoveryTau), accuracy: 1e-6)
        }
    }

    /// With the load gone the phenotype returns as 1 − (1 − Φ₀)·e^(−t/τ_R).
    func testRecoveryIsExponential() {
        var s = PVPhenotypeState(populations: 1)
        s.phenotype[0] = 0.4
        for _ in 0..<100 { s.step(0, dt: 1, activation: 0, inhibition: 0, parameters: q) }
        XCTAssertEqual(s.phenotype[0], 1 - 0.6 * exp(-100 / q.recoveryTau), accuracy: 1e-12)
    }

    /// NOX2 inhibition lowers the load in proportion; full inhibition prevents any loss.
    func testFullNOX2InhibitionPreventsTheLoss() {
        var s = PVPhenotypeState(populations: 1)
        for _ in 0..<200 { s.step(0, dt: 0.5, activation: 1, inhibition: 1, parameters: q) }
        XCTAssertEqual(s.load[0], 0)
        XCTAssertEqual(s.phenotype[0], 1)
    }

    func testValidityOfARestoredState() {
        XCTAssertTrue(PVPhenotypeState(populations: 3).isValid(populations: 3))
        XCTAssertFalse(PVPhenotypeState(populations: 3).isValid(populations: 2))
        for (load, pheno) in [(-1.0, 1.0), (.nan, 1.0), (1.0, 1.5), (1.0, .nan), (.infinity, 0.5)] {
            var s = PVPhenotypeState(populations: 1)
            s.load[0] = load; s.phenotype[0] = pheno
            XCTAssertFalse(s.isValid(populations: 1), "\(load), \(pheno)")
        }
    }

    /// HCN block: pyramidal cells lose their resting I_h in proportion; other classes nothing.
    func testHCNBlockShiftsPyramidalCurrentOnly() {
        XCTAssertEqual(HCNBlock.currentShift(cellClass: "pyramidal", block: 0.5), -0.5 * HCNBlock.restingCurrent(cellClass: "pyramidal"))
        XCTAssertEqual(HCNBlock.currentShift(cellClass: "pv", block: 0.9), 0)
        XCTAssertEqual(HCNBlock.currentShift(cellClass: "pyramidal", block: .nan), 0)
        XCTAssertEqual(HCNBlock.currentShift(cellClass: "pyramidal", block: 3), -HCNBlock.restingCurrent(cellClass: "pyramidal"))
    }
}

// MARK: - Spine pools

final class SpinePoolTests: XCTestCase {
    let p = SpineParameters()
    let counts = [1.0, 120, 400]

    func testRestIsASteadyState() {
        var pools = SpinePools(spines: counts, parameters: p)
        var worstFlux = 0.0
        for _ in 0..<6000 {          // 1000 h of 10-min steps
            for i in counts.indices {
                let f = pools.step(i, dt: tenMinutes, input: SpineInput(), parameters: p)
                XCTAssertGreaterThan(f.formed, 0)
                worstFlux = max(worstFlux, abs(f.formed - f.eliminated))
            }
        }
        var worstTotal = 0.0
        for i in counts.indices { worstTotal = max(worstTotal, abs(pools.total(i) - counts[i])) }
        print("spine pools at rest over 1000 h: worst |total − initial| \(worstTotal), worst |formed − eliminated| per step \(worstFlux)")
        for i in counts.indices {
            XCTAssertEqual(pools.total(i), counts[i], accuracy: 1e-9, "neuron \(i): total drifts at rest")
        }
        XCTAssertLessThan(worstFlux, 1e-9, "formation and elimination differ at rest")
    }

    func testFormedMinusEliminatedIsTheChangeOfTotal() {
        var pools = SpinePools(spines: counts, parameters: p)
        var u = SpineInput()
        for k in 0..<3000 {
            let t = Double(k) * tenMinutes
            u.drive = t > 24 && t < 72 ? 0.8 : 0
            u.proteins = t > 12 && t < 200 ? 0.6 : 0
            u.glucocorticoid = t > 250 && t < 400 ? 1 : 0
            u.inflammation = t > 300 && t < 350 ? 0.5 : 0
            u.activity = t > 100 && t < 150 ? 1.3 : 1
            for i in counts.indices {
                let before = pools.total(i)
                let f = pools.step(i, dt: tenMinutes, input: u, parameters: p)
                XCTAssertEqual(f.formed - f.eliminated, pools.total(i) - before, accuracy: 1e-9, "neuron \(i) at \(t) h")
                XCTAssertGreaterThanOrEqual(f.formed, 0)
                XCTAssertGreaterThanOrEqual(f.eliminated, 0)
            }
        }
    }

    /// Brief §5 target 7, first half: 21 days of stress remove 15–20 % of spines.
    func testTwentyOneDaysOfStressRemoveFifteenToTwentyPercent() {
        var pools = SpinePools(spines: [100], parameters: p)
        var u = SpineInput()
        u.glucocorticoid = 1
        for _ in 0..<(21 * 24 * 6) { _ = pools.step(0, dt: tenMinutes, input: u, parameters: p) }
        let loss = 1 - pools.total(0) / 100
        print("spine pools: 21 d of glucocorticoid 1 remove \(loss * 100) % of spines (stable \(pools.stable[0]), new \(pools.new[0]))")
        XCTAssertGreaterThanOrEqual(loss, 0.15)
        XCTAssertLessThanOrEqual(loss, 0.20)
    }

    func testDrivePulseRaisesTotal() {
        var pools = SpinePools(spines: [100], parameters: p)
        var afterPulse = 0.0, peak = 0.0, low = Double.infinity
        for k in 0..<(14 * 24 * 6) {
            let t = Double(k) * tenMinutes
            var u = SpineInput()
            if t < 24 { u.drive = 0.5; u.proteins = 0.5 }
            _ = pools.step(0, dt: tenMinutes, input: u, parameters: p)
            if k == 24 * 6 - 1 { afterPulse = pools.total(0) }
            peak = max(peak, pools.total(0))
            if t >= 24 { low = min(low, pools.total(0)) }
        }
        print("spine pools: a 24 h drive of 0.5 (proteins 0.5) raises the total from 100 to \(afterPulse) at 24 h (peak \(peak)); lowest afterwards \(low), at 14 d \(pools.total(0))")
        XCTAssertGreaterThan(afterPulse, 105)
        XCTAssertGreaterThanOrEqual(peak, afterPulse)
        XCTAssertLessThan(pools.total(0), peak, "the gain should fade once the drive is gone")
    }

    func testActivityAboveTheSetPointLowersFormation() {
        var a = SpinePools(spines: [100], parameters: p), b = a
        var u = SpineInput()
        let rest = a.step(0, dt: tenMinutes, input: u, parameters: p)
        u.activity = 1.2
        let high = b.step(0, dt: tenMinutes, input: u, parameters: p)
        XCTAssertLessThan(high.formed, rest.formed)
        XCTAssertEqual(high.formed / rest.formed, 0.8, accuracy: 1e-12, "H = 1 − h_a·(a − 1)")
        XCTAssertGreaterThan(high.eliminated, rest.eliminated)
        XCTAssertLessThan(b.total(0), a.total(0))
    }
}

// MARK: - Chronic stress

final class ChronicStressTests: XCTestCase {
    func testLevelRelaxesWithTau() {
        var one = ChronicStress(episodes: [StressEpisode(start: 0, stop: 100, level: 1)], tau: 6)
        one.step(at: 0, dt: 6)
        XCTAssertEqual(one.level, 1 - exp(-1), accuracy: 1e-12)
        // The same in 60 steps: exact for a constant target.
        var many = ChronicStress(episodes: [StressEpisode(start: 0, stop: 100, level: 1)], tau: 6)
        for k in 0..<60 { many.step(at: Double(k) * 0.1, dt: 0.1) }
        XCTAssertEqual(many.level, 1 - exp(-1), accuracy: 1e-12)
        // After the episode the level falls back with the same τ.
        var off = ChronicStress(episodes: [StressEpisode(start: 0, stop: 6, level: 1)], tau: 6)
        for k in 0..<120 { off.step(at: Double(k) * 0.1, dt: 0.1) }
        XCTAssertEqual(off.level, (1 - exp(-1)) * exp(-1), accuracy: 1e-12)
    }

    func testTargetSumsOverlappingEpisodes() {
        let s = ChronicStress(episodes: [StressEpisode(start: 0, stop: 10, level: 0.5),
                                         StressEpisode(start: 5, stop: 20, level: 0.25)])
        XCTAssertEqual(s.target(at: -1), 0)
        XCTAssertEqual(s.target(at: 0), 0.5)
        XCTAssertEqual(s.target(at: 7), 0.75)
        XCTAssertEqual(s.target(at: 10), 0.25, "stop is exclusive")
        XCTAssertEqual(s.target(at: 20), 0)
    }

    func testPreconditioningStartIsTheEarliestNegativeStart() {
        let s = ChronicStress(episodes: [StressEpisode(start: 10, stop: 20, level: 1),
                                         StressEpisode(start: -504, stop: 0, level: 1),
                                         StressEpisode(start: -24, stop: 5, level: 1)])
        XCTAssertEqual(s.preconditioningStart, -504)
        XCTAssertNil(ChronicStress(episodes: [StressEpisode(start: 0, stop: 5, level: 1)]).preconditioningStart)
        XCTAssertNil(ChronicStress(episodes: []).preconditioningStart)
    }
}
