// Physical quantities as written in scenario files ("20 ms", "0.5 nS", "1 mM", "200 um").
// Each value is checked for its dimension at load and converted once to the kernel's
// units; inside the program numbers are plain Doubles with the unit in a comment.
//
// Kernel units: time ms, voltage mV, conductance nS, capacitance pF, current pA,
// length µm, rate 1/ms (kHz), concentration mM, velocity µm/ms, area density 1/µm²,
// dose mg/kg, mass kg, volume L. These are mutually consistent: nS·mV = pA, pF·mV/ms = pA.

/// A physical dimension a scenario value may have.
public enum Dimension: String, Sendable, CaseIterable {
    case time, voltage, conductance, capacitance, current, length, rate, concentration
    case velocity, areaDensity, angle, dimensionless

    /// The kernel unit's symbol, for messages.
    public var kernelUnit: String {
        switch self {
        case .time: "ms"
        case .voltage: "mV"
        case .conductance: "nS"
        case .capacitance: "pF"
        case .current: "pA"
        case .length: "um"
        case .rate: "Hz"
        case .concentration: "mM"
        case .velocity: "m/s"
        case .areaDensity: "/mm2"
        case .angle: "deg"
        case .dimensionless: ""
        }
    }

    /// An example a user could write, for messages.
    public var example: String {
        switch self {
        case .time: "\"20 ms\""
        case .voltage: "\"-65 mV\""
        case .conductance: "\"0.5 nS\""
        case .capacitance: "\"200 pF\""
        case .current: "\"100 pA\""
        case .length: "\"200 um\""
        case .rate: "\"5 Hz\""
        case .concentration: "\"1 mM\""
        case .velocity: "\"0.3 m/s\""
        case .areaDensity: "\"5000 /mm2\""
        case .angle: "\"90 deg\""
        case .dimensionless: "0.5"
        }
    }

    /// The practical range of a value of this dimension, ± this many kernel units. Beyond it
    /// no scenario describes anything physical, and sizes derived from it (steps, counts,
    /// bytes) could overflow; `NodeReader` refuses it where the value is read, so every
    /// number the decoder returns is finite and inside it. A decoder's own bounds narrow it.
    public var practicalLimit: Double {
        switch self {
        case .time: 10 * 365 * 86_400_000  // 10 years [ms]
        case .voltage: 1000  // 1 V [mV]
        case .conductance: 1e6  // 1 mS [nS]
        case .capacitance: 1e6  // 1 µF [pF]
        case .current: 1e6  // 1 µA [pA]
        case .length: 1e6  // 1 m [µm]
        case .rate: 1000  // 1 MHz [1/ms]
        case .concentration: 1e4  // 10 M [mM]
        case .velocity: 1e6  // 1000 m/s [µm/ms]
        case .areaDensity: 1  // 10⁶ /mm² [1/µm²]
        case .angle: 1e4  // [deg]
        case .dimensionless: 1e9
        }
    }

    /// `practicalLimit` as a user would write it, for messages.
    public var practicalLimitText: String {
        switch self {
        case .time: "10 years"
        case .voltage: "1000 mV"
        case .conductance: "1 mS"
        case .capacitance: "1 µF"
        case .current: "1 µA"
        case .length: "1 m"
        case .rate: "1 MHz"
        case .concentration: "10 M"
        case .velocity: "1000 m/s"
        case .areaDensity: "10⁶ /mm2"
        case .angle: "10⁴ deg"
        case .dimensionless: "10⁹"
        }
    }

    /// A human name, for messages.
    public var noun: String {
        switch self {
        case .time: "a time"
        case .voltage: "a voltage"
        case .conductance: "a conductance"
        case .capacitance: "a capacitance"
        case .current: "a current"
        case .length: "a length"
        case .rate: "a rate"
        case .concentration: "a concentration"
        case .velocity: "a velocity"
        case .areaDensity: "a density per area"
        case .angle: "an angle"
        case .dimensionless: "a plain number"
        }
    }
}

/// Unit symbols and their factor to the kernel unit of their dimension.
public enum UnitTable {
    public static let units: [String: (Dimension, Double)] = {
        var u: [String: (Dimension, Double)] = [:]
        for (s, f) in [("s", 1000.0), ("ms", 1), ("us", 1e-3), ("µs", 1e-3), ("min", 60_000),
                       ("h", 3_600_000), ("d", 86_400_000), ("day", 86_400_000), ("days", 86_400_000)] { u[s] = (.time, f) }
        for (s, f) in [("V", 1000.0), ("mV", 1), ("uV", 1e-3), ("µV", 1e-3)] { u[s] = (.voltage, f) }
        for (s, f) in [("S", 1e9), ("mS", 1e6), ("uS", 1e3), ("µS", 1e3), ("nS", 1), ("pS", 1e-3)] { u[s] = (.conductance, f) }
        for (s, f) in [("F", 1e12), ("uF", 1e6), ("µF", 1e6), ("nF", 1e3), ("pF", 1), ("fF", 1e-3)] { u[s] = (.capacitance, f) }
        for (s, f) in [("A", 1e12), ("mA", 1e9), ("uA", 1e6), ("µA", 1e6), ("nA", 1e3), ("pA", 1)] { u[s] = (.current, f) }
        for (s, f) in [("m", 1e6), ("mm", 1e3), ("um", 1), ("µm", 1), ("nm", 1e-3)] { u[s] = (.length, f) }
        for (s, f) in [("Hz", 1e-3), ("kHz", 1), ("/s", 1e-3), ("/ms", 1), ("1/s", 1e-3), ("1/ms", 1)] { u[s] = (.rate, f) }
        for (s, f) in [("M", 1e3), ("mM", 1), ("uM", 1e-3), ("µM", 1e-3), ("nM", 1e-6)] { u[s] = (.concentration, f) }
        for (s, f) in [("m/s", 1e3), ("mm/ms", 1e3), ("um/ms", 1), ("µm/ms", 1), ("mm/s", 1)] { u[s] = (.velocity, f) }
        for (s, f) in [("/mm2", 1e-6), ("/mm^2", 1e-6), ("/um2", 1), ("/um^2", 1), ("/µm2", 1)] { u[s] = (.areaDensity, f) }
        for (s, f) in [("deg", 1.0), ("°", 1), ("rad", 180 / Double.pi)] { u[s] = (.angle, f) }
        return u
    }()

    /// Symbols of one dimension, for "did you mean".
    public static func symbols(of d: Dimension) -> [String] { units.filter { $0.value.0 == d }.map(\.key).sorted() }
}

/// A parsed quantity: a number and a unit symbol.
public struct Quantity: Sendable, Equatable {
    public var value: Double
    public var unit: String
    public init(value: Double, unit: String) { self.value = value; self.unit = unit }

    /// Parses "20 ms", "-65mV", "0.5 nS", "1e3 Hz". A bare number has unit "".
    public static func parse(_ text: String) -> Quantity? {
        let t = text.trimmingCharacters(in: .whitespaces)
        var idx = t.startIndex
        let allowed = Set("+-0123456789.eE")
        while idx < t.endIndex, allowed.contains(t[idx]) {
            // stop at an 'e' that begins a unit rather than an exponent
            if t[idx] == "e" || t[idx] == "E" {
                let next = t.index(after: idx)
                if next >= t.endIndex || !"+-0123456789".contains(t[next]) { break }
            }
            idx = t.index(after: idx)
        }
        guard let v = Double(String(t[t.startIndex..<idx])), v.isFinite else { return nil }
        let unit = String(t[idx...]).trimmingCharacters(in: .whitespaces)
        return Quantity(value: v, unit: unit)
    }
}

extension String {
    func trimmingCharacters(in set: CharacterSetLite) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// A tiny character set so this module does not need Foundation for trimming.
public struct CharacterSetLite: Sendable {
    let chars: Set<Character>
    func contains(_ c: Character) -> Bool { chars.contains(c) }
    public static let whitespaces = CharacterSetLite(chars: [" ", "\t", "\n", "\r"])
}
