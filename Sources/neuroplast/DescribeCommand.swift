// `neuroplast describe FILE`: the resolved parameters, counts, size estimates and the
// schedule — what will run, before running it (`ScenarioDescription`).

import ArgumentParser
import Foundation
import Run
import Scenario

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show a scenario's resolved parameters, size and schedule.")

    @Argument(help: "Scenario file.") var file: String
    @OptionGroup var scenario: ScenarioOverrides

    @Flag(help: "Plan as `run --no-frames` would.") var noFrames = false
    @Option(help: ArgumentHelp("Plan checkpoints as `run --checkpoint-every` would.", valueName: "time")) var checkpointEvery: String?
    @Flag(help: "Print only the planned schedule, as JSON keyed by run folder (the form of the manifest's `schedule_executed`).")
    var scheduleJson = false

    func validate() throws {
        if let c = checkpointEvery, RunCommand.milliseconds(c) == nil {
            throw ValidationError("--checkpoint-every needs a positive time with a unit, e.g. \"10 s\" or \"500 ms\"; got \"\(c)\"")
        }
    }

    func run() throws {
        let sc = try loadScenario(file, scenario)
        let every = checkpointEvery.flatMap(RunCommand.milliseconds)
        if scheduleJson {
            print(try ScenarioDescription.scheduleJSON(sc, frames: !noFrames, checkpointEvery: every))
        } else {
            print(ScenarioDescription.text(sc, frames: !noFrames, checkpointEvery: every))
        }
    }
}

