// The one conversion from a Double that a user's input produced to an integer: it saturates
// instead of trapping. `Int(x)` stops the process when x is NaN, infinite or beyond Int's
// range, and a scenario value multiplied out (a density times an area, a duration over a
// step) can be any of those; the loader bounds every value it reads and checks derived
// sizes, so this is the guarantee behind those checks, not a substitute for them.
// `Tests/ScenarioTests/ConversionLintTests.swift` keeps plain conversions of Double
// expressions out of the loader and the sweep modules.

extension FixedWidthInteger {
    /// `value` truncated toward zero and clamped to the type's range; 0 for NaN.
    @inlinable
    public init(saturating value: Double) {
        if value.isNaN { self = 0 }
        else if value >= Double(Self.max) { self = Self.max }
        else if value <= Double(Self.min) { self = Self.min }
        else { self.init(value) }
    }
}
