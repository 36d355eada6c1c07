// SweepPoint: one resolved point of a sweep — its overrides (what `neuroplast run --set`
// receives), its axis values (table columns) and its stable id: the first 12 hex digits
// of the SHA-256 of its overrides sorted by key, one `key=value` line each. The same
// overrides always give the same id, so re-planning a sweep maps to the same folders.

/// One `key=value` override of a point, in the order it is applied.
public struct PointOverride: Sendable, Codable, Equatable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
    /// The `--set` argument.
    public var argument: String { "\(key)=\(value)" }
}

/// One axis column's value at a point.
public struct AxisEntry: Sendable, Codable, Equatable {
    public var column: String
    public var value: String
}

/// Cost estimate of one point (see `CostModel`).
public struct PointEstimate: Sendable, Codable, Equatable {
    public var neurons: Int
    public var steps: Int
    public var coreSeconds: Double
    public var diskBytes: Double
    enum CodingKeys: String, CodingKey {
        case neurons, steps, coreSeconds = "core_seconds", diskBytes = "disk_bytes"
    }
}

/// A planned point.
public struct SweepPoint: Sendable, Codable, Equatable {
    /// Position in the sweep (array tasks take consecutive indices).
    public var index: Int
    public var id: String
    /// The name of a named point; nil for grid points.
    public var name: String?
    public var overrides: [PointOverride]
    public var axes: [AxisEntry]
    /// The point's run folder relative to the sweep folder: `<id>/<scenario name>/run`.
    public var runDir: String
    /// Leading time excluded from metric means [ms] (the scenario's `time.transient`).
    public var transientMs: Double
    public var estimate: PointEstimate

    enum CodingKeys: String, CodingKey {
        case index, id, name, overrides, axes, runDir = "run_dir", transientMs = "transient_ms", estimate
    }

    public func value(of column: String) -> String? { axes.first { $0.column == column }?.value }

    /// The stable id of a set of overrides.
    public static func id(for overrides: [PointOverride]) -> String {
        let lines = overrides.sorted { ($0.key, $0.value) < ($1.key, $1.value) }.map { $0.argument + "\n" }.joined()
        return String(SHA256.hex(lines).prefix(12))
    }
}
