// Flags shared by commands that load a scenario, and the mapping of load errors to
// messages on stderr and exit codes (65 invalid scenario, 64 usage).

import ArgumentParser
import Foundation
import InputReading
import Scenario

struct ScenarioOverrides: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scenario value, e.g. --set populations.pyr.count=2000 (repeatable).", valueName: "key.path=value"))
    var sets: [String] = []

    @Option(help: "Override the scenario's seed.")
    var seed: UInt64?

    /// Parsed overrides, the seed last.
    func overrides() throws -> [Override] {
        var out = try sets.enumerated().map { try Override.parse($0.element, index: $0.offset) }
        if let s = seed {
            out.append(Override(path: ["seed"], value: String(s), origin: SourceLocation(file: "--seed", line: 1, column: 1)))
        }
        return out
    }
}

enum Report {
    /// Prints located diagnostics and returns the exit code for them.
    static func exitCode(for error: Error) -> ExitCode {
        if let e = error as? ScenarioErrors {
            for d in e.diagnostics { stderr("error: \(d)") }
            stderr("\(e.diagnostics.count) error\(e.diagnostics.count == 1 ? "" : "s"); nothing was run.")
            return ExitCode(e.isUsage ? 64 : 65)
        }
        stderr("error: \(error)")
        return ExitCode(1)
    }

    static func stderr(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}

/// Loads a scenario or exits with the right code.
func loadScenario(_ path: String, _ o: ScenarioOverrides) throws -> Scenario {
    do {
        return try ScenarioLoader.load(path: path, overrides: try o.overrides())
    } catch {
        throw Report.exitCode(for: error)
    }
}
