// ColourMap: maps a scalar in a range to an sRGB colour through a 256-entry published
// table (viridis for sequential quantities, coolwarm for signed/diverging ones; magma for
// field overlays, so a field never looks like a neuron quantity). Lookup is nearest-entry,
// so the same value always gives the same colour.

/// Which colour map the sheet uses.
public enum ColourMapChoice: String, Sendable, Equatable, CaseIterable {
    /// viridis, or coolwarm when the quantity says it is diverging.
    case automatic
    case viridis
    case coolwarm
}

/// An sRGB colour with components in 0…1.
public struct Colour: Sendable, Equatable {
    public var r: Double, g: Double, b: Double
    public init(r: Double, g: Double, b: Double) { self.r = r; self.g = g; self.b = b }
    /// From a 0xRRGGBB literal.
    public init(hex: UInt32) {
        r = Double((hex >> 16) & 0xFF) / 255; g = Double((hex >> 8) & 0xFF) / 255; b = Double(hex & 0xFF) / 255
    }
}

/// A 256-entry colour table.
public struct ColourMap: Sendable {
    /// The published entries, index 0 = low end.
    public let entries: [Colour]
    public let name: String

    init(name: String, flatTable: [Float]) {
        precondition(flatTable.count == 768, "colour table must have 256 RGB entries")
        self.name = name
        var entries: [Colour] = []
        for i in 0..<256 {
            let r = Double(flatTable[3 * i]), g = Double(flatTable[3 * i + 1]), b = Double(flatTable[3 * i + 2])
            entries.append(Colour(r: r, g: g, b: b))
        }
        self.entries = entries
    }

    /// viridis (matplotlib `_viridis_data`).
    public static let viridis = ColourMap(name: "viridis", flatTable: viridisTable)
    /// coolwarm (Moreland 2009, as tabulated by matplotlib).
    public static let coolwarm = ColourMap(name: "coolwarm", flatTable: coolwarmTable)
    /// magma (matplotlib `_magma_data`); used for field overlays (see OverlayLayer.swift).
    public static let magma = ColourMap(name: "magma", flatTable: magmaTable)

    /// The map for a choice and a quantity.
    public static func resolve(_ choice: ColourMapChoice, diverging: Bool) -> ColourMap {
        switch choice {
        case .viridis: .viridis
        case .coolwarm: .coolwarm
        case .automatic: diverging ? .coolwarm : .viridis
        }
    }

    /// Table index 0…255 for `value` in `range` (clamped; NaN maps to 0).
    public func index(of value: Double, in range: ClosedRange<Double>) -> Int {
        let span = range.upperBound - range.lowerBound
        guard span > 0, value.isFinite else { return value.isFinite && value > range.upperBound ? 255 : 0 }
        let t = (value - range.lowerBound) / span
        return Int((min(max(t, 0), 1) * 255).rounded())
    }

    /// Colour for a position 0…1 along the map.
    public func colour(at t: Double) -> Colour {
        entries[Int((min(max(t.isFinite ? t : 0, 0), 1) * 255).rounded())]
    }
}
