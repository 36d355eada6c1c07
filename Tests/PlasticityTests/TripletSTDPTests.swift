// Pair and triplet STDP through the trace code (`STDPTraces.replay`, Double weights) against
// sums written out from the rules' definitions — every trace a sum of exponentials over all
// earlier spikes — and the frequency dependence of the pairing protocol that the triplet rule
// was made for (Sjöström et al. 2001; Pfister & Gerstner 2006, Fig. 5).

import Foundation
import Testing
import Plasticity

@Suite struct TripletSTDPTests {
    let dt = 0.1

    /// The minimal all-to-all visual-cortex set (defaults) and the full one (Table 4: τ_y
    /// 125 ms, A₂₊ 5·10⁻¹⁰, A₃₊ 6.2·10⁻³, A₂₋ 7·10⁻³, A₃₋ 2.3·10⁻⁴), with room not to clip.
    static let rules = [TripletSTDP(wMax: 1000),
                        TripletSTDP(tauY: 125, a2Plus: 5e-10, a3Plus: 6.2e-3, a2Minus: 7e-3, a3Minus: 2.3e-4, wMax: 1000)]

    /// Δw written out from the rule: at each post spike q, r₁(q)·(A₂₊ + A₃₊·o₂(q − ε)); at each
    /// pre spike p, −o₁(p)·(A₂₋ + A₃₋·r₂(p − ε)). r₁ counts pre spikes at q (Brian2's on_pre
    /// runs first), o₁ does not count post spikes at p. Times [ms].
    func closedForm(_ r: TripletSTDP, pre: [Double], post: [Double]) -> Double {
        func trace(_ times: [Double], at t: Double, tau: Double, countingT: Bool) -> Double {
            times.filter { countingT ? $0 <= t : $0 < t }.reduce(0) { $0 + exp(-(t - $1) / tau) }
        }
        var dw = 0.0
        for q in post {
            dw += trace(pre, at: q, tau: r.tauPlus, countingT: true) * (r.a2Plus + r.a3Plus * trace(post, at: q, tau: r.tauY, countingT: false))
        }
        for p in pre {
            dw -= trace(post, at: p, tau: r.tauMinus, countingT: false) * (r.a2Minus + r.a3Minus * trace(pre, at: p, tau: r.tauX, countingT: false))
        }
        return dw
    }

    /// 60 pairs, pre at 100 ms (+10 when post leads) + k/f, post Δt later.
    func pairingTimes(deltaT: Double, frequency: Double) -> (pre: [Double], post: [Double]) {
        let start = 100 + max(0, -deltaT)
        let pre = (0..<60).map { start + Double($0) * 1000 / frequency }
        return (pre, pre.map { $0 + deltaT })
    }

    @Test(arguments: [1.0, 10, 20, 40, 50], [10.0, -10.0])
    func pairingEqualsTheTraceSum(frequency: Double, deltaT: Double) {
        for r in Self.rules {
            let (pre, post) = pairingTimes(deltaT: deltaT, frequency: frequency)
            let expected = closedForm(r, pre: pre, post: post)
            let got = r.pairing(deltaT: deltaT, pairs: 60, frequency: frequency, w0: 1) - 1
            #expect(abs(got - expected) <= 1e-9 * abs(expected), "\(frequency) Hz, Δt \(deltaT) ms: Δw \(got), sum \(expected)")
        }
    }

    /// Low frequency: pre→post (+10 ms) gives next to nothing (the triplet term needs a
    /// recent post spike, o₂ ~ e^(−1000/114)), post→pre (−10 ms) gives LTD. At 40 and 50 Hz
    /// both orders potentiate.
    @Test func frequencyDependenceOfPairing() {
        let r = TripletSTDP(wMax: 1000)
        func dw(_ deltaT: Double, _ f: Double) -> Double { r.pairing(deltaT: deltaT, pairs: 60, frequency: f, w0: 1) - 1 }
        let ltd = dw(-10, 1)
        #expect(ltd < -0.1, "post→pre at 1 Hz: \(ltd)")
        let low = dw(10, 1)
        #expect(low >= 0 && low < 0.01 * abs(ltd), "pre→post at 1 Hz: \(low) (LTD \(ltd))")
        for f in [40.0, 50] {
            #expect(dw(10, f) > 0.1, "pre→post at \(f) Hz: \(dw(10, f))")
            #expect(dw(-10, f) > 0.1, "post→pre at \(f) Hz: \(dw(-10, f))")
        }
    }

    /// Pair STDP on random trains with pre silences of 15 τ and a burst of 100 post spikes
    /// between two pre spikes equals the all-to-all sum over every (pre, post) pair — no
    /// truncation (the old histories dropped pre spikes older than 10 τ, e^(−10) ≈ 4.5·10⁻⁵
    /// of A₊ each, and post spikes beyond the last 64).
    @Test(arguments: [1 as UInt64, 2, 3])
    func pairTracesEqualTheAllToAllSum(seed: UInt64) {
        let r = PairSTDP(tauPlus: 20, tauMinus: 17, aPlus: 0.01, aMinus: -0.0105, wMax: 1e6)
        var x = seed
        func uniform() -> Double {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(x >> 11) / Double(1 << 53)
        }
        func train(rate: Double, _ range: Range<Double>) -> Set<Int> {
            Set((0..<Int((range.upperBound - range.lowerBound) / dt)).filter { _ in uniform() < rate * dt / 1000 }
                .map { Int((range.lowerBound / dt).rounded()) + $0 })
        }
        let pre = (train(rate: 20, 0..<1000).union(train(rate: 30, 1700..<2500))).sorted()          // silent 1000–1700 ms
        let post = (train(rate: 25, 0..<1500).union((0..<100).map { 11_000 + 30 * $0 })).sorted()    // burst 1100–1400 ms
        let w0 = 100.0
        let got = STDPTraces.replay(.stdp(r), pre: pre, post: post, w0: w0, dt: dt) - w0
        var expected = 0.0
        for p in pre { for q in post { expected += r.pairChange(deltaT: Double(q - p) * dt) } }
        #expect(abs(got - expected) <= 1e-9 * abs(expected), "Δw \(got), all-to-all sum \(expected)")
    }
}
