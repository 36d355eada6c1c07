// SweepManifest: sweep.json, the plan of a sweep folder — its points (id, overrides, axis
// values, run folder, estimate), its columns and populations, and the hash of base.yaml,
// the copy of the base scenario every point runs (later edits of the original base file
// do not change a planned sweep). Written once by `sweep plan`; read by every other command.

import Foundation

public struct SweepManifest: Sendable, Codable {
    public var format = "neuroplast-sweep"
    public var version = 1
    public var name: String
    public var description: String
    /// The sweep and base files as given when planning (for the record).
    public var sweepFile: String
    public var baseFile: String
    /// SHA-256 of base.yaml.
    public var baseSha256: String
    public var scenarioName: String
    public var populations: [String]
    public var columns: [ColumnInfo]
    public var points: [SweepPoint]
    public var plannedAt: String
    public var program: String

    enum CodingKeys: String, CodingKey {
        case format, version, name, description, sweepFile = "sweep_file", baseFile = "base_file",
             baseSha256 = "base_sha256", scenarioName = "scenario_name", populations, columns, points,
             plannedAt = "planned_at", program
    }

    public init(plan: SweepPlan) {
        name = plan.spec.name; description = plan.spec.description
        sweepFile = plan.spec.file; baseFile = plan.spec.basePath
        baseSha256 = SHA256.hex(plan.baseText); scenarioName = plan.scenarioName
        populations = plan.populations; columns = plan.columns; points = plan.points
        plannedAt = ISO8601DateFormatter().string(from: Date())
        program = "neuroplast \(NeuroplastVersion.string)"
    }

    public static func read(_ layout: SweepLayout) throws -> SweepManifest {
        guard let data = FileManager.default.contents(atPath: layout.manifest) else {
            throw SweepError.usage("\(layout.root) is not a planned sweep folder: \(layout.manifest) is missing; run `neuroplast sweep plan SWEEP.yaml` first")
        }
        do { return try JSONDecoder().decode(SweepManifest.self, from: data) } catch {
            throw SweepError.io("\(layout.manifest) is not a valid sweep manifest: \(error)")
        }
    }

    public func write(_ layout: SweepLayout) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try writeAtomically(try enc.encode(self), to: layout.manifest)
    }

    public var totalCoreSeconds: Double { points.reduce(0) { $0 + $1.estimate.coreSeconds } }
    public var totalDiskBytes: Double { points.reduce(0) { $0 + $1.estimate.diskBytes } }
}
