// A vectorised exponential for the neuron update: e^x on four lanes at once, identical bit
// for bit on every lane and for every lane count, so a neuron's arithmetic never depends on
// where it lands in a chunk. Table-driven (2^(j/64), j = 0…63) with a degree-5 polynomial,
// after the scheme of ARM's optimized-routines `exp` (also glibc's since 2.28), without FMA.

/// e^x for each lane of `x`, to within about one ulp.
///
///     x = (64·k + j)·ln2/64 + r,  |r| ≤ ln2/128
///     e^x = 2^k · 2^(j/64) · e^r,   e^r − 1 ≈ r + r²/2 + r³/6 + r⁴/24 + r⁵/120
///
/// 2^(j/64) is stored as the double nearest to it (`scale`, its exponent bits pre-shifted so
/// that adding k·2⁵² yields 2^k·scale) and the relative rounding error (`tail`), so
/// e^x = scale + scale·(tail + e^r − 1). Truncating the series at r⁵ costs < 4·10⁻¹⁷
/// relative; the table and the Cody–Waite split of ln2/64 (k·hi exact for |k| < 2²⁰) are
/// exact to double precision. Measured against glibc: ≤ 1 ulp over [−708, 709].
///
/// Domain: x is clamped to [−708, 709] (e^−708 ≈ 3·10⁻³⁰⁸, the smallest normal range), so
/// very negative arguments give ≈ 3·10⁻³⁰⁸ instead of a subnormal or 0 — immaterial for
/// the propagators here (it multiplies a bounded difference of potentials). NaN stays NaN.
///
/// Only IEEE add, multiply and bit operations, no fused multiply-add, so every lane (and the
/// scalar `fastExp`) computes exactly the same thing on any x86-64 or arm64 machine.
@inline(__always)
func exp4(_ x0: SIMD4<Double>, table: UnsafePointer<UInt64>) -> SIMD4<Double> {
    let invLn2N = 0x1.71547652b82fep+6         // 64/ln2
    let ln2HiN = 0x1.62e42fef00000p-7          // ln2/64, 20 low bits zero
    let ln2LoN = 0x1.473de6af278edp-40         // ln2/64 − ln2HiN
    let shift = 0x1.8p52                       // rounds to an integer, k in the low bits
    var x = x0.replacing(with: -708, where: x0 .< -708)
    x.replace(with: 709, where: x .> 709)
    let z = x * invLn2N + shift
    let ki = unsafeBitCast(z, to: SIMD4<UInt64>.self)
    let kd = z - shift
    let r = (x - kd * ln2HiN) - kd * ln2LoN
    // SAFETY: each index is masked to 0…63 and `table` holds 2·64 entries (`expTableBits`).
    let j = (ki & 63) &<< 1
    let tail = SIMD4<UInt64>(table[Int(truncatingIfNeeded: j[0])], table[Int(truncatingIfNeeded: j[1])],
                             table[Int(truncatingIfNeeded: j[2])], table[Int(truncatingIfNeeded: j[3])])
    let sbits = SIMD4<UInt64>(table[Int(truncatingIfNeeded: j[0]) + 1], table[Int(truncatingIfNeeded: j[1]) + 1],
                              table[Int(truncatingIfNeeded: j[2]) + 1], table[Int(truncatingIfNeeded: j[3]) + 1])
    let scale = unsafeBitCast(sbits &+ (ki &<< 46), to: SIMD4<Double>.self)
    let r2 = r * r
    let p = unsafeBitCast(tail, to: SIMD4<Double>.self) + r
        + r2 * (0x1.0000000000000p-1 + r * 0x1.5555555555555p-3)
        + (r2 * r2) * (0x1.5555555555555p-5 + r * 0x1.1111111111111p-7)
    return scale + scale * p
}

/// e^x by the same arithmetic as one lane of `exp4` (for tests and scalar callers).
func fastExp(_ x: Double) -> Double {
    expTableBits.withUnsafeBufferPointer { t in
        // SAFETY: the buffer holds the 128 entries `exp4` indexes (checked by its count).
        exp4(SIMD4(repeating: x), table: t.baseAddress!)[0]
    }
}

/// (tail, scale bits − j·2⁴⁶) for j = 0…63, interleaved; tail = (2^(j/64) − scale)/scale.
/// Generated with mpmath at 200 bits; literal so every machine uses the same bits.
let expTableBits: [UInt64] = [
        0x0000000000000000, 0x3FF0000000000000, // j = 0
        0xBC7160139CD8DC5D, 0x3FEFEC9A3E778061, // j = 1
        0x3C8CD2523567F613, 0x3FEFD9B0D3158574, // j = 2
        0x3C60F74E61E6C861, 0x3FEFC74518759BC8, // j = 3
        0x3C979AA65D837B6D, 0x3FEFB5586CF9890F, // j = 4
        0x3C3EBE3D702F9CD1, 0x3FEFA3EC32D3D1A2, // j = 5
        0xBC9556522A2FBD0E, 0x3FEF9301D0125B51, // j = 6
        0xBC91C923B9D5F416, 0x3FEF829AAEA92DE0, // j = 7
        0xBC801B15EAA59348, 0x3FEF72B83C7D517B, // j = 8
        0x3C8B898C3F1353BF, 0x3FEF635BEB6FCB75, // j = 9
        0x3C9AECF73E3A2F60, 0x3FEF54873168B9AA, // j = 10
        0x3C8A6F4144A6C38D, 0x3FEF463B88628CD6, // j = 11
        0x3C968EFDE3A8A894, 0x3FEF387A6E756238, // j = 12
        0x3C80472B981FE7F2, 0x3FEF2B4565E27CDD, // j = 13
        0x3C82F7E16D09AB31, 0x3FEF1E9DF51FDEE1, // j = 14
        0x3C8B3782720C0AB4, 0x3FEF1285A6E4030B, // j = 15
        0x3C834D754DB0ABB6, 0x3FEF06FE0A31B715, // j = 16
        0x3C8FDD395DD3F84A, 0x3FEEFC08B26416FF, // j = 17
        0xBC924AEDCC4B5068, 0x3FEEF1A7373AA9CB, // j = 18
        0xBC71D1E83E9436D2, 0x3FEEE7DB34E59FF7, // j = 19
        0x3C859F48A72A4C6D, 0x3FEEDEA64C123422, // j = 20
        0xBC58A78F4817895B, 0x3FEED60A21F72E2A, // j = 21
        0x3C4363ED60C2AC11, 0x3FEECE086061892D, // j = 22
        0x3C6ECCE1DAA10379, 0x3FEEC6A2B5C13CD0, // j = 23
        0x3C7690CEBB7AAFB0, 0x3FEEBFDAD5362A27, // j = 24
        0xBC8F94340071A38E, 0x3FEEB9B2769D2CA7, // j = 25
        0xBC78DEC6BD0F385F, 0x3FEEB42B569D4F82, // j = 26
        0x3C93350518FDD78E, 0x3FEEAF4736B527DA, // j = 27
        0x3C9063E1E21C5409, 0x3FEEAB07DD485429, // j = 28
        0x3C9432E62B64C035, 0x3FEEA76F15AD2148, // j = 29
        0xBC8C33C53BEF4DA8, 0x3FEEA47EB03A5585, // j = 30
        0xBC93CEDD78565858, 0x3FEEA23882552225, // j = 31
        0xBC93B3EFBF5E2228, 0x3FEEA09E667F3BCD, // j = 32
        0xBC6367EFB86DA9EE, 0x3FEE9FB23C651A2F, // j = 33
        0xBC781F647E5A3ECF, 0x3FEE9F75E8EC5F74, // j = 34
        0xBC8619321E55E68A, 0x3FEE9FEB564267C9, // j = 35
        0xBC7B32DCB94DA51D, 0x3FEEA11473EB0187, // j = 36
        0x3C65EBE1ABD66C55, 0x3FEEA2F336CF4E62, // j = 37
        0xBC9369B6F13B3734, 0x3FEEA589994CCE13, // j = 38
        0xBC94D450D872576E, 0x3FEEA8D99B4492ED, // j = 39
        0x3C8DB72FC1F0EAB4, 0x3FEEACE5422AA0DB, // j = 40
        0x3C7BF68359F35F44, 0x3FEEB1AE99157736, // j = 41
        0xBC5DA9B88B6C1E29, 0x3FEEB737B0CDC5E5, // j = 42
        0xBC92434322F4F9AA, 0x3FEEBD829FDE4E50, // j = 43
        0x3C71AFFC2B91CE27, 0x3FEEC49182A3F090, // j = 44
        0xBC87C50422622263, 0x3FEECC667B5DE565, // j = 45
        0xBC91BBD1D3BCBB15, 0x3FEED503B23E255D, // j = 46
        0x3C8469846E735AB3, 0x3FEEDE6B5579FDBF, // j = 47
        0x3C8C1A7792CB3387, 0x3FEEE89F995AD3AD, // j = 48
        0xBC55C3D956DCAEBA, 0x3FEEF3A2B84F15FB, // j = 49
        0xBC68D6F438AD9334, 0x3FEEFF76F2FB5E47, // j = 50
        0x3C74FFD70A5FDDCD, 0x3FEF0C1E904BC1D2, // j = 51
        0x3C736EAE30AF0CB3, 0x3FEF199BDD85529C, // j = 52
        0x3C84E08FD10959AC, 0x3FEF27F12E57D14B, // j = 53
        0x3C676B2C6C921968, 0x3FEF3720DCEF9069, // j = 54
        0xBC8FAD5D3FFFFA6F, 0x3FEF472D4A07897C, // j = 55
        0x3C74A385A63D07A7, 0x3FEF5818DCFBA487, // j = 56
        0x3C8E5A50D5C192AC, 0x3FEF69E603DB3285, // j = 57
        0xBC82D52107B43E1F, 0x3FEF7C97337B9B5F, // j = 58
        0x3C74B604603A88D3, 0x3FEF902EE78B3FF6, // j = 59
        0xBC8FF7128FD391F0, 0x3FEFA4AFA2A490DA, // j = 60
        0x3C8EC3BC41AA2008, 0x3FEFBA1BEE615A27, // j = 61
        0x3C8A64A931D185EE, 0x3FEFD0765B6E4540, // j = 62
        0x3C77893B4D91CD9D, 0x3FEFE7C1819E90D8, // j = 63
]
