// Fixtures: the fixed synthetic snapshot the golden-image and determinism tests draw,
// and helpers for temporary directories and external tools.

import Foundation
import NeuroplastCore
@testable import Rendering

enum Fixture {
    /// A small, fixed snapshot: 600 neurons, 800 synapses, 60 raster rows, t = 2 h 15 min.
    static let snapshot: FrameSnapshot = SyntheticSnapshot.make(neurons: 600, synapses: 800, time: 8_100_000,
                                                                rasterRows: 60)

    /// A fresh empty directory under the system temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("neuroplast-rendering-tests-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Full path of an executable on PATH, or nil.
    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `tool` with `arguments`; returns (exit status, stdout + stderr).
    static func run(_ tool: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
