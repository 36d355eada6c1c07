// SweepSpec: what a sweep file says — a base scenario, overrides shared by every point,
// axes whose values combine into a grid (a zipped axis varies several keys together;
// a seeds axis replicates every point), and named points. Every value keeps its location
// in the sweep file so that an invalid point is reported where it was written.

/// One value of an axis column, as written in the sweep file.
import InputReading

public struct AxisValue: Sendable, Equatable {
    /// The YAML text handed to the scenario as an override ("2 kHz", "40", "{rule: random, p: 0.1}").
    public var text: String
    public var location: SourceLocation
    public init(text: String, location: SourceLocation) { self.text = text; self.location = location }
}

/// One scenario key varied by an axis.
public struct AxisColumn: Sendable, Equatable {
    /// Column name in tables and figures (default: the key).
    public var name: String
    /// The key path, split at dots, exactly as `--set` takes it.
    public var path: [String]
    public var values: [AxisValue]
    public var keyLocation: SourceLocation
    public var key: String { path.joined(separator: ".") }
}

/// A dimension of the grid: one column, or several zipped columns of equal length.
public struct SweepAxis: Sendable, Equatable {
    public var columns: [AxisColumn]
    /// True for the `seeds:` axis, which also replicates named points.
    public var isSeeds: Bool
    public var location: SourceLocation
    public var count: Int { columns.first?.values.count ?? 0 }
}

/// An explicitly listed point with its own overrides.
public struct NamedPoint: Sendable, Equatable {
    public var name: String
    public var overrides: [Override]
    public var location: SourceLocation
}

/// A decoded sweep file.
public struct SweepSpec: Sendable {
    public var name: String
    public var description: String
    /// The sweep file as given on the command line.
    public var file: String
    /// The base scenario's path (resolved against the sweep file's folder).
    public var basePath: String
    public var baseLocation: SourceLocation
    /// Overrides applied to every point (`set:`), before the axis values.
    public var fixed: [Override]
    public var axes: [SweepAxis]
    public var named: [NamedPoint]
    /// Where `axes:` starts, for messages about grid points.
    public var axesLocation: SourceLocation
}
