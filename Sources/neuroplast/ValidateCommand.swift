// `neuroplast validate FILE…`: check scenario files without running them.

import ArgumentParser
import Scenario

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check scenario files; report every problem with its location.")

    @Argument(help: "Scenario files.") var files: [String]
    @OptionGroup var scenario: ScenarioOverrides

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one scenario file") }
    }

    func run() throws {
        var worst: Int32 = 0
        for f in files {
            do {
                let s = try ScenarioLoader.load(path: f, overrides: try scenario.overrides())
                print("\(f): ok (\(s.name): \(s.neuronCount) neurons, \(s.projections.count) projections)")
            } catch {
                worst = max(worst, Report.exitCode(for: error).rawValue)
            }
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}
