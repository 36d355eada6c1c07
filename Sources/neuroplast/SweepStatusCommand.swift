// `neuroplast sweep status SWEEP_DIR`: done / running / failed / pending per point, with
// counts and the failure reason of each failed point.

import ArgumentParser
import Experiments

struct SweepStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show which points of a sweep are done, running, failed or pending.")

    @Argument(help: "Sweep folder written by `sweep plan`.") var sweepDirectory: String
    @Flag(help: "List every point, also those done.") var all = false

    func run() throws {
        let (m, layout) = try SweepCLI.manifest(sweepDirectory)
        print(SweepStatus.report(m, layout, all: all).text, terminator: "")
    }
}
