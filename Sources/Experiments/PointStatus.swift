// PointStatus: where each point of a sweep stands — done (its run folder is complete),
// running (claimed by a live process), failed (failure.json and not done) or pending —
// read from the sweep folder alone, so any process on any node sees the same answer.

import Foundation

/// Why a point's last run failed: failure.json in the point folder.
public struct PointFailure: Sendable, Codable, Equatable {
    /// The child's exit code, or nil if it was killed by a signal.
    public var exitCode: Int32?
    public var signal: Int32?
    public var host: String
    public var time: String
    /// The last lines of the child's stderr.
    public var stderrTail: [String]
    enum CodingKeys: String, CodingKey { case exitCode = "exit_code", signal, host, time, stderrTail = "stderr_tail" }

    public var reason: String {
        let how = exitCode.map { "exit code \($0)" } ?? signal.map { "killed by signal \($0)" } ?? "unknown"
        // The first located error says most; else the last line the run printed.
        let line = stderrTail.first(where: { $0.hasPrefix("error:") })
            ?? stderrTail.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        return how + (line.map { ": \($0)" } ?? "")
    }

    public static func read(_ path: String) -> PointFailure? {
        FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(PointFailure.self, from: $0) }
    }

    public func write(_ path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try enc.encode(self), to: path)
    }
}

public enum PointState: Sendable, Equatable {
    case done
    case running(ClaimInfo)
    case failed(PointFailure)
    case pending

    public var label: String {
        switch self {
        case .done: return "done"
        case .running: return "running"
        case .failed: return "failed"
        case .pending: return "pending"
        }
    }
}

public enum SweepStatus {
    public static func state(of p: SweepPoint, in layout: SweepLayout) -> PointState {
        if layout.isComplete(p) { return .done }
        if case let .held(info) = PointClaim.state(layout.lock(p.id)) { return .running(info) }
        if let f = PointFailure.read(layout.failure(p.id)) { return .failed(f) }
        return .pending
    }

    /// A printable report: counts, then one line per point that is not done.
    public static func report(_ m: SweepManifest, _ layout: SweepLayout, all: Bool = false) -> (text: String, counts: [String: Int]) {
        var counts = ["done": 0, "running": 0, "failed": 0, "pending": 0]
        var lines: [String] = []
        for p in m.points {
            let s = state(of: p, in: layout)
            counts[s.label, default: 0] += 1
            let what = "\(p.id)  #\(p.index)  " + (p.name.map { "\($0)  " } ?? "") + p.axes.map { "\($0.column)=\($0.value)" }.joined(separator: ", ")
            switch s {
            case .done: if all { lines.append("done     \(what)") }
            case let .running(info): lines.append("running  \(what)  (\(info))")
            case let .failed(f): lines.append("failed   \(what)\n         \(f.reason)")
            case .pending: if all || m.points.count <= 50 { lines.append("pending  \(what)") }
            }
        }
        let head = "sweep \(m.name): \(m.points.count) points — \(counts["done"]!) done, \(counts["running"]!) running, \(counts["failed"]!) failed, \(counts["pending"]!) pending"
        return (([head] + lines).joined(separator: "\n") + "\n", counts)
    }
}
