// Four-lane loads and stores on kernel buffers for the vectorised neuron update. A group
// shorter than four (the end of a range) is read lane by lane into zero-padded vectors and
// written back lane by lane, so no access leaves [i, i + m) — the chunk's own indices.

extension SharedPointer where T == Double {
    /// Elements i ..< i+m (m ≤ 4) as four lanes, missing lanes 0.
    @inline(__always)
    func load4(_ i: Int, _ m: Int) -> SIMD4<Double> {
        // SAFETY: reads only i ..< i+m, which the caller owns (inside its chunk's range).
        if m == 4 { return UnsafeRawPointer(base + i).loadUnaligned(as: SIMD4<Double>.self) }
        var x = SIMD4<Double>(repeating: 0)
        for l in 0..<m { x[l] = base[i + l] }
        return x
    }
    /// Writes the first m lanes of `x` to i ..< i+m.
    @inline(__always)
    func store4(_ x: SIMD4<Double>, _ i: Int, _ m: Int) {
        // SAFETY: writes only i ..< i+m, which the caller's chunk owns exclusively.
        if m == 4 { UnsafeMutableRawPointer(base + i).storeBytes(of: x, as: SIMD4<Double>.self); return }
        for l in 0..<m { base[i + l] = x[l] }
    }
}

extension SharedPointer where T == Float {
    /// Elements i ..< i+m (m ≤ 4) as four lanes, missing lanes 0.
    @inline(__always)
    func load4(_ i: Int, _ m: Int) -> SIMD4<Float> {
        // SAFETY: reads only i ..< i+m, which the caller owns (its chunk's ring column).
        if m == 4 { return UnsafeRawPointer(base + i).loadUnaligned(as: SIMD4<Float>.self) }
        var x = SIMD4<Float>(repeating: 0)
        for l in 0..<m { x[l] = base[i + l] }
        return x
    }
    /// Writes the first m lanes of `x` to i ..< i+m.
    @inline(__always)
    func store4(_ x: SIMD4<Float>, _ i: Int, _ m: Int) {
        // SAFETY: writes only i ..< i+m, which the caller's chunk owns exclusively.
        if m == 4 { UnsafeMutableRawPointer(base + i).storeBytes(of: x, as: SIMD4<Float>.self); return }
        for l in 0..<m { base[i + l] = x[l] }
    }
}
