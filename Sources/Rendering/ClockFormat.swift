// ClockFormat: simulated time as a human clock whose resolution follows its magnitude —
// "t = 1.250 s" below a minute, "t = 2 min 5 s" below an hour, "t = 2 h 15 min" below a
// day, "t = 3 d 4 h" beyond. Components are truncated (never "60 s"), computed on whole
// milliseconds so the text is exact and deterministic.

/// Formats simulated time for titles and PNG metadata.
public enum ClockFormat {
    /// The clock for `milliseconds` of simulated time, e.g. `t = 2 h 15 min`.
    public static func clock(milliseconds: Double) -> String {
        "t = " + duration(milliseconds: milliseconds)
    }

    /// The duration without the `t = ` prefix, e.g. `1.250 s`.
    public static func duration(milliseconds: Double) -> String {
        guard milliseconds.isFinite else { return "–" }
        let total = Int64(saturating: abs(milliseconds).rounded())
        let sign = milliseconds < 0 && total > 0 ? "\u{2212}" : ""
        let second: Int64 = 1000, minute = 60 * second, hour = 60 * minute, day = 24 * hour
        switch total {
        case ..<minute:
            let frac = String(total % second)
            return "\(sign)\(total / second).\(String(repeating: "0", count: 3 - frac.count))\(frac) s"
        case ..<hour:
            return "\(sign)\(total / minute) min \((total % minute) / second) s"
        case ..<day:
            return "\(sign)\(total / hour) h \((total % hour) / minute) min"
        default:
            return "\(sign)\(total / day) d \((total % day) / hour) h"
        }
    }
}
