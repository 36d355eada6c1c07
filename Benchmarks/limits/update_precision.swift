// What a Float32 state would give the neuron update — an estimate, not the kernel. The LIF
// loop of `KernelView.integrate` (no NMDA, no AdEx, no stimulus: the COBA benchmark's) is
// written twice, with Double state and φ of degree 9 (as the kernel) and with Float state
// and φ of degree 5 (enough for Float's 24 bits on [0, 1/2]; Taylor's coefficients here —
// a real mode would fit its own; only the operation count matters for the timing). Both run
// N neurons for 10 000 steps with ~2 % of them receiving an AMPA and a GABA input per step
// (as in COBA, so no state decays into the subnormal range), 3 rounds, and print ns per
// neuron and step.
// Build: swiftc -Ounchecked -wmo <the release tier's -target-cpu flags> update_precision.swift
// Usage: update_precision [N]

#if canImport(Glibc)
import Glibc
#endif

/// A state type of the update, with its φ(x) = (1 − e^−x)/x polynomial.
protocol UpdateReal: BinaryFloatingPoint {
    static func phi(_ x: Self) -> Self
}

extension Double: UpdateReal {
    /// A copy of the kernel's `relaxationPhi` (degree 9, Estrin's scheme), so that the probe
    /// builds on its own, without the package.
    @inline(__always) static func phi(_ x: Double) -> Double {
        let c0 = 0x1.0000000000000p+0, c1 = -0x1.ffffffffffeefp-2
        let c2 = 0x1.555555554c832p-3, c3 = -0x1.55555551cc379p-5
        let c4 = 0x1.111110589fe36p-7, c5 = -0x1.6c16962d6271ap-10
        let c6 = 0x1.a013d18d84387p-13, c7 = -0x1.9f8d22848c183p-16
        let c8 = 0x1.6a3c1963299dcp-19, c9 = -0x1.d823af61bbfc6p-23
        let x2 = x * x, x4 = x2 * x2, x8 = x4 * x4
        let p01 = c0.addingProduct(c1, x), p23 = c2.addingProduct(c3, x), p45 = c4.addingProduct(c5, x)
        let p67 = c6.addingProduct(c7, x), p89 = c8.addingProduct(c9, x)
        let q0 = p01.addingProduct(p23, x2), q1 = p45.addingProduct(p67, x2)
        return q0.addingProduct(q1, x4).addingProduct(p89, x8)
    }
}

extension Float: UpdateReal {
    /// Degree 5, Estrin's scheme.
    @inline(__always) static func phi(_ x: Float) -> Float {
        let c0: Float = 1, c1: Float = -1.0 / 2, c2: Float = 1.0 / 6, c3: Float = -1.0 / 24, c4: Float = 1.0 / 120, c5: Float = -1.0 / 720
        let x2 = x * x, x4 = x2 * x2
        let p01 = c0.addingProduct(c1, x), p23 = c2.addingProduct(c3, x), p45 = c4.addingProduct(c5, x)
        return p01.addingProduct(p23, x2).addingProduct(p45, x4)
    }
}

/// One step of n COBA neurons (C 200 pF, g_L 10 nS, E_L −60 mV, E_A 0, E_G −80 mV, V_th
/// −50 mV, 5 ms refractory, dt 0.1 ms), the kernel's arithmetic and selects in `Real`.
@inline(never)
func step<Real: UpdateReal>(_ n: Int, _ v: UnsafeMutablePointer<Real>, _ ref: UnsafeMutablePointer<Float>,
                                     _ gA: UnsafeMutablePointer<Real>, _ gG: UnsafeMutablePointer<Real>,
                                     _ ringA: UnsafeMutablePointer<Float>, _ ringG: UnsafeMutablePointer<Float>,
                                     _ flag: UnsafeMutablePointer<UInt8>) {
    let dtC: Real = 0.1 / 200, uA: Real = 1, xL: Real = 10 * dtC, j0: Real = 10 * -60 * dtC, eA: Real = 0, eG: Real = -80 * dtC
    let pA: Real = 0.9802, pG: Real = 0.99, vr: Real = -60, vth: Real = -50, refSteps: Float = 50, maxX: Real = 0.5
    // SAFETY: every buffer holds n elements (`buffer(_:_:)`), and i < n.
    for i in 0..<n {
        let ga = gA[i] + Real(ringA[i]), gaEff = ga * uA, gg = gG[i] + Real(ringG[i])
        let v0 = v[i], r0 = ref[i]
        let jd = j0.addingProduct(gaEff, eA).addingProduct(gg, eG)
        let x = xL.addingProduct(gaEff + gg, dtC)
        let vNew = v0.addingProduct(Real.phi(x), jd.addingProduct(-x, v0))
        let refractory = r0 > 0
        let vOut = refractory ? vr : vNew
        let fired = vOut > vth, wide = x > maxX
        let nv = fired ? vr : vOut, nr: Float = fired ? refSteps : refractory ? r0 - 1 : 0
        v[i] = wide ? v0 : nv; ref[i] = wide ? r0 : nr
        gA[i] = wide ? gA[i] : ga * pA; gG[i] = wide ? gG[i] : gg * pG
        ringA[i] = wide ? ringA[i] : 0; ringG[i] = wide ? ringG[i] : 0
        flag[i] = wide ? 2 : fired ? 1 : 0
    }
}

func now() -> Double { var t = timespec(); clock_gettime(CLOCK_MONOTONIC, &t); return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9 }

/// n initialised elements, never freed (the probe exits after its rounds).
func buffer<T>(_ n: Int, _ x: T) -> UnsafeMutablePointer<T> {
    // SAFETY: allocated and initialised together; every index used is below n.
    let p = UnsafeMutablePointer<T>.allocate(capacity: n); p.initialize(repeating: x, count: n); return p
}

/// ns per neuron-step of `steps` steps of n neurons in `Real`.
func time<Real: UpdateReal>(_: Real.Type, n: Int, steps: Int) -> Double {
    let v = buffer(n, Real(-55)), gA = buffer(n, Real(5)), gG = buffer(n, Real(20))
    let ref = buffer(n, Float(0)), ringA = buffer(n, Float(0)), ringG = buffer(n, Float(0)), flag = buffer(n, UInt8(0))
    var h: UInt64 = 0x9E3779B97F4A7C15
    let t0 = now()
    for _ in 0..<steps {
        for _ in 0..<max(1, n / 50) {
            h = h &* 6364136223846793005 &+ 1442695040888963407
            // SAFETY: indices reduced modulo n.
            ringA[Int(h >> 33) % n] += 6; ringG[Int(h >> 13) % n] += 20
        }
        step(n, v, ref, gA, gG, ringA, ringG, flag)
    }
    return (now() - t0) * 1e9 / Double(n * steps)
}

let n = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 4000 : 4000
for _ in 0..<3 {
    let d = time(Double.self, n: n, steps: 10_000), f = time(Float.self, n: n, steps: 10_000)
    print("N \(n): Double \(Double(Int(d * 1000)) / 1000) ns, Float \(Double(Int(f * 1000)) / 1000) ns per neuron-step: \(Double(Int(d / f * 100)) / 100)×")
}
