// The `neuroplast` command: one root command and a small struct per subcommand. Commands
// parse, build a value, call a library and print; the work lives in the library modules.

import ArgumentParser
import NeuroplastCore

@main
struct Neuroplast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neuroplast",
        abstract: "Simulate a prefrontal-cortex microcircuit whose synapses grow and are pruned.",
        discussion: "Exit codes: 0 success, 3 stopped after writing a checkpoint (resume with `run --resume`), 64 usage error, 65 invalid scenario or a checkpoint of another scenario, 1 runtime failure.",
        version: NeuroplastVersion.string,
        subcommands: [RunCommand.self, ValidateCommand.self, ValidateScienceCommand.self, DescribeCommand.self, RenderCommand.self, BenchCommand.self, SweepCommand.self]
    )
}
