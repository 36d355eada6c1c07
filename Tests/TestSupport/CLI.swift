// Test support shared by the test targets that run the built `neuroplast` executable as a
// user would: where it is (next to the test bundle, or NEUROPLAST_BIN), how to run it with
// its output captured through files, the package root, and temporary folders.

import Foundation

public enum CLI {
    public static let executable: String = {
        if let p = ProcessInfo.processInfo.environment["NEUROPLAST_BIN"] { return p }
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("neuroplast").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return dir.appendingPathComponent("neuroplast").path
    }()

    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public struct Result: Sendable {
        public var status: Int32; public var out: String; public var err: String
        public init(status: Int32, out: String, err: String) { self.status = status; self.out = out; self.err = err }
    }

    /// `neuroplast ARGS`, or with `launcher` (e.g. `["/usr/bin/mpiexec", "-n", "2"]`)
    /// `LAUNCHER… neuroplast ARGS`; output captured.
    public static func run(_ args: [String], cwd: String? = nil, env: [String: String] = [:], launcher: [String] = []) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: launcher.first ?? executable)
        p.arguments = launcher.isEmpty ? args : Array(launcher.dropFirst()) + [executable] + args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        if !env.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 } }
        let scratch = tempDir()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outFile = scratch + "/out", errFile = outFile + ".err"
        FileManager.default.createFile(atPath: outFile, contents: nil)
        FileManager.default.createFile(atPath: errFile, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: outFile)
        p.standardError = FileHandle(forWritingAtPath: errFile)
        try p.run()
        p.waitUntilExit()
        return Result(status: p.terminationStatus,
                      out: (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? "",
                      err: (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? "")
    }

    public static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "neuroplast-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}
