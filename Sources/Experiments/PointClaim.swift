// PointClaim: at most one process runs a point. A claim is the file <id>/claim.lock created
// with open(O_CREAT|O_EXCL) — atomic on local file systems and NFSv3+ — holding
// `pid host start-ticks time [child]`. A claim is stale when its process (and child) is gone
// on this host, or when its file has not been touched for `staleAfter` seconds (holders
// touch it every `heartbeat` s, so claims of dead hosts expire). Reclaiming a stale claim
// is itself serialised by a second O_EXCL file, so two reclaimers cannot both win.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a claim file says about its holder.
public struct ClaimInfo: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    public var host: String
    /// Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22),
    /// so a recycled pid is not mistaken for the holder.
    public var startTicks: UInt64
    public var time: String
    public var child: Int32?
    public var childStartTicks: UInt64?

    public var description: String { "pid \(pid) on \(host) since \(time)" }

    var line: String {
        "pid=\(pid) host=\(host) start=\(startTicks) time=\(time)" + (child.map { " child=\($0) child_start=\(childStartTicks ?? 0)" } ?? "") + "\n"
    }

    static func parse(_ text: String) -> ClaimInfo? {
        var f: [String: String] = [:]
        for part in text.split(whereSeparator: \.isWhitespace) {
            guard let eq = part.firstIndex(of: "=") else { continue }
            f[String(part[..<eq])] = String(part[part.index(after: eq)...])
        }
        guard let pid = f["pid"].flatMap({ Int32($0) }), let host = f["host"], let start = f["start"].flatMap({ UInt64($0) }) else { return nil }
        return ClaimInfo(pid: pid, host: host, startTicks: start, time: f["time"] ?? "?",
                         child: f["child"].flatMap { Int32($0) }, childStartTicks: f["child_start"].flatMap { UInt64($0) })
    }
}

public enum ClaimState: Sendable, Equatable {
    /// No claim file.
    case free
    /// Held by a live process (or one on another host whose claim is fresh).
    case held(ClaimInfo)
    /// Left by a process that is gone, or not touched for too long.
    case stale(ClaimInfo?)
}

public enum PointClaim {
    /// Holders touch their claim this often [s].
    public static let heartbeat: TimeInterval = 30
    /// A claim not touched for this long is stale even if its host cannot be checked [s].
    /// (NEUROPLAST_CLAIM_STALE_AFTER overrides it, e.g. for tests.)
    public static let staleAfter: TimeInterval = {
        ProcessInfo.processInfo.environment["NEUROPLAST_CLAIM_STALE_AFTER"].flatMap(Double.init) ?? 600
    }()

    public static let hostName: String = {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        let s = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return s.isEmpty ? "localhost" : s
    }()

    /// Tries to claim the point whose lock file is `path`. Returns true if this process now
    /// holds it. A stale claim is reclaimed.
    public static func acquire(_ path: String) -> Bool {
        if create(path, info: ClaimInfo(pid: getpid(), host: hostName, startTicks: processStart(getpid()) ?? 0, time: now())) { return true }
        guard case .stale = state(path) else { return false }
        // Serialise reclaiming: only the holder of `<lock>.reclaim` may remove the stale claim.
        let guardPath = path + ".reclaim"
        if !create(guardPath, info: ClaimInfo(pid: getpid(), host: hostName, startTicks: processStart(getpid()) ?? 0, time: now())) {
            if case .stale = state(guardPath) { unlink(guardPath) }  // a reclaimer died; the next attempt retries
            return false
        }
        defer { unlink(guardPath) }
        guard case .stale = state(path) else { return false }  // re-check under the guard
        unlink(path)
        return create(path, info: ClaimInfo(pid: getpid(), host: hostName, startTicks: processStart(getpid()) ?? 0, time: now()))
    }

    /// Records the child process that runs the point (rewrites the claim atomically).
    public static func recordChild(_ path: String, child: Int32) {
        let info = ClaimInfo(pid: getpid(), host: hostName, startTicks: processStart(getpid()) ?? 0, time: now(),
                             child: child, childStartTicks: processStart(child))
        let tmp = path + ".tmp-\(getpid())"
        if (try? Data(info.line.utf8).write(to: URL(fileURLWithPath: tmp))) != nil { rename(tmp, path) }
    }

    /// Marks the claim as alive (heartbeat).
    public static func touch(_ path: String) { utimes(path, nil) }

    public static func release(_ path: String) { unlink(path) }

    /// The state of a claim file.
    public static func state(_ path: String) -> ClaimState {
        var st = stat()
        guard stat(path, &st) == 0 else { return .free }
        let age = Date().timeIntervalSince1970 - Double(st.st_mtim.tv_sec)
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard let info = ClaimInfo.parse(text) else {
            // Created but not yet written (or written by a process that died at once).
            return age > 60 ? .stale(nil) : .held(ClaimInfo(pid: 0, host: "?", startTicks: 0, time: "just now"))
        }
        if age > staleAfter { return .stale(info) }
        guard info.host == hostName else { return .held(info) }
        let holderAlive = alive(info.pid, start: info.startTicks)
        let childAlive = info.child.map { alive($0, start: info.childStartTicks ?? 0) } ?? false
        return holderAlive || childAlive ? .held(info) : .stale(info)
    }

    // MARK: primitives

    /// open(O_CREAT|O_EXCL) and write the holder line; false if the file exists.
    static func create(_ path: String, info: ClaimInfo) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { return false }
        let bytes = Array(info.line.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        return true
    }

    /// Whether `pid` is a live process started at `start` ticks (0: do not compare).
    static func alive(_ pid: Int32, start: UInt64) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno != EPERM { return false }
        if isZombie(pid) { return false }
        if start != 0, let s = processStart(pid), s != start { return false }
        return true
    }

    /// Whether /proc says `pid` is a zombie (exited, not yet reaped): gone for our purposes.
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        return rest.first == "Z" || rest.first == "X"
    }

    /// Field 22 of /proc/<pid>/stat (start time in clock ticks), nil off Linux or if gone.
    static func processStart(_ pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        // rest[0] is field 3 (state); field 22 is rest[19].
        return rest.count > 19 ? UInt64(rest[19]) : nil
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}
