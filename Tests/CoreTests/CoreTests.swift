// SHA-256 against the FIPS 180-4 example vectors, and the counter RNG's determinism and
// uniformity.

import Foundation
import Testing
import NeuroplastCore

@Suite struct SHA256Tests {
    @Test func fipsVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Longer than one block, not a multiple of 64 bytes.
        #expect(SHA256.hex(String(repeating: "a", count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// The block-wise path for contiguous bytes agrees with the byte-wise one, whatever the split.
    @Test func contiguousBytesMatchSequence() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA256.hex(data)
        for split in [0, 1, 63, 64, 65, 500, 1000] {
            var h = SHA256()
            h.update(data[..<split])
            data[split...].withUnsafeBytes { h.update(bytes: $0) }
            #expect(h.finalize().map { String(format: "%02x", $0) }.joined() == expected, "split \(split)")
        }
    }
}

@Suite struct CounterRNGTests {
    @Test func deterministicAndKeyed() {
        let r = CounterRNG(seed: 42)
        #expect(r.bits(.drive, entity: 3, counter: 9) == CounterRNG(seed: 42).bits(.drive, entity: 3, counter: 9))
        #expect(r.bits(.drive, entity: 3, counter: 9) != r.bits(.drive, entity: 4, counter: 9))
        #expect(r.bits(.drive, entity: 3, counter: 9) != r.bits(.connectivity, entity: 3, counter: 9))
        #expect(r.bits(.drive, entity: 3, counter: 9) != CounterRNG(seed: 43).bits(.drive, entity: 3, counter: 9))
    }

    @Test func uniformMoments() {
        let r = CounterRNG(seed: 1)
        let n = 100_000
        var s = 0.0, s2 = 0.0
        var bins = [Int](repeating: 0, count: 10)
        for i in 0..<n {
            let u = r.uniform(.sample, entity: 0, counter: UInt64(i))
            #expect(u >= 0 && u < 1)
            s += u; s2 += u * u; bins[Int(u * 10)] += 1
        }
        #expect(abs(s / Double(n) - 0.5) < 0.005)
        #expect(abs(s2 / Double(n) - 1.0 / 3) < 0.005)
        // χ² with 9 degrees of freedom; 27.9 is the 0.1% critical value.
        let chi2 = bins.reduce(0.0) { $0 + pow2(Double($1) - Double(n) / 10) / (Double(n) / 10) }
        #expect(chi2 < 27.9)
    }

    func pow2(_ x: Double) -> Double { x * x }
}

@Suite struct KeyedSequenceTests {
    /// `below(n)` covers 0..<n uniformly (a precedence slip once made it always 0).
    @Test func belowIsUniform() {
        var s = KeyedSequence(key: 17)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[s.below(7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 }, "\(counts)")
    }
}
