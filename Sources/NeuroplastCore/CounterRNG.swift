// Counter-based random numbers: a value is a pure function of (seed, stream, entity,
// counter), so any neuron on any shard or thread draws the same number at the same step.
// This is what makes construction and drive independent of thread and shard counts.

/// Counter-based generator built from the SplitMix64 finaliser (Steele, Lea & Flood 2014,
/// "Fast splittable pseudorandom number generators", OOPSLA), applied to a key that
/// combines seed, stream, entity and counter. Each combination step is a full 64-bit
/// avalanche, so nearby keys give unrelated outputs; the generator passes BigCrush when
/// used as a counter (as SplitMix64 does). There is no state to share between threads.
public struct CounterRNG: Sendable, Hashable {
    /// The scenario seed.
    public let seed: UInt64

    @inlinable public init(seed: UInt64) { self.seed = seed }

    /// SplitMix64's output function: a bijective 64-bit mixer.
    @inlinable @inline(__always)
    public static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0 &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `mix` on several lanes at once (the same bits per lane).
    @inlinable @inline(__always)
    public static func mix<V: SIMD>(_ z0: V) -> V where V.Scalar == UInt64 {
        var z = z0 &+ V(repeating: 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z &>> 30)) &* V(repeating: 0xBF58_476D_1CE4_E5B9)
        z = (z ^ (z &>> 27)) &* V(repeating: 0x94D0_49BB_1331_11EB)
        return z ^ (z &>> 31)
    }

    /// The key for one (stream, entity) pair; combine with a counter in `bits(key:counter:)`.
    @inlinable @inline(__always)
    public func key(stream: Stream, entity: UInt64) -> UInt64 {
        CounterRNG.mix(CounterRNG.mix(seed ^ stream.rawValue) ^ entity)
    }

    /// 64 random bits for (key, counter).
    @inlinable @inline(__always)
    public static func bits(key: UInt64, counter: UInt64) -> UInt64 {
        mix(key ^ mix(counter))
    }

    /// 64 random bits for (stream, entity, counter).
    @inlinable @inline(__always)
    public func bits(_ stream: Stream, entity: UInt64, counter: UInt64) -> UInt64 {
        CounterRNG.bits(key: key(stream: stream, entity: entity), counter: counter)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public static func unit(_ b: UInt64) -> Double {
        Double(b >> 11) * 0x1.0p-53
    }

    /// Uniform [0, 1) for (stream, entity, counter).
    @inlinable @inline(__always)
    public func uniform(_ stream: Stream, entity: UInt64, counter: UInt64) -> Double {
        CounterRNG.unit(bits(stream, entity: entity, counter: counter))
    }

    /// Named streams so that different uses never share numbers.
    public struct Stream: RawRepresentable, Sendable, Hashable {
        public let rawValue: UInt64
        @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
        public static let position = Stream(rawValue: 0x706F_7369)
        public static let initialState = Stream(rawValue: 0x696E_6974)
        public static let connectivity = Stream(rawValue: 0x636F_6E6E)
        public static let drive = Stream(rawValue: 0x6472_6976)
        public static let sample = Stream(rawValue: 0x7361_6D70)
        public static let plasticity = Stream(rawValue: 0x706C_6173)
        /// Poisson inputs of stimulus protocols (`sub(stimulus index)`).
        public static let stimulus = Stream(rawValue: 0x7374_696D)
        /// A stream derived from a base stream and an index (e.g. a projection number).
        @inlinable public func sub(_ index: Int) -> Stream {
            Stream(rawValue: CounterRNG.mix(rawValue &+ UInt64(truncatingIfNeeded: index) &* 0x1000_0000_01B3))
        }
    }
}

/// A sequential generator over a counter-based key, for loops that need many draws for one
/// entity (e.g. sampling the sources of one target). Deterministic given its key.
public struct KeyedSequence: Sendable {
    public let key: UInt64
    public var counter: UInt64
    @inlinable public init(key: UInt64, start: UInt64 = 0) { self.key = key; self.counter = start }
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        defer { counter &+= 1 }
        return CounterRNG.bits(key: key, counter: counter)
    }
    @inlinable @inline(__always)
    public mutating func uniform() -> Double { CounterRNG.unit(next()) }
    /// Uniform integer in 0..<n (Lemire's multiply-shift; bias below 2⁻³² for n < 2³²).
    @inlinable @inline(__always)
    public mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(n)) >> 32)
    }
}
