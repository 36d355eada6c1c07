// `neuroplast run FILE`: run a scenario and write its run folder.

import ArgumentParser
import Engine
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a scenario file.")

    @Argument(help: "Scenario file (YAML).") var file: String
    @OptionGroup var scenario: ScenarioOverrides
    @Option(help: "Root folder for run output (default: the scenario's output.directory).") var out: String?
    @Option(help: "Worker threads for the kernel.") var threads: Int = 1
    @Option(help: "Shard actors (vertical strips of the sheet).") var shards: Int = 1
    @Option(help: "Name of the run folder (default: time stamp and seed).") var runId: String?
    @Flag(help: "Skip frames even if the scenario asks for them.") var noFrames = false
    @Flag(help: "Assemble frames into an MP4 with ffmpeg.") var video = false
    @Flag(help: "No progress line.") var quiet = false

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256; got \(threads)") }
        guard (1...64).contains(shards) else { throw ValidationError("--shards must be between 1 and 64; got \(shards)") }
        if let r = runId, r.isEmpty || r.contains("/") { throw ValidationError("--run-id must be a folder name without '/'") }
    }

    func run() async throws {
        let sc = try loadScenario(file, scenario)
        let opts = RunOptions(threads: threads, shards: shards, outputRoot: out, runID: runId, progress: !quiet,
                              frames: !noFrames, video: video, scenarioPath: file)
        do {
            let r = try await Runner.run(sc, options: opts)
            print("wrote \(r.directory)\(r.frames > 0 ? " (\(r.frames) frames)" : "")")
            if let note = r.note { print(note) }
            print(String(format: "%d neurons, %d synapses, %d spikes; build %.2f s, run %.2f s", r.neurons, r.synapses, r.spikes, r.buildSeconds, r.runSeconds))
            for name in sc.populations.map(\.name) {
                if let s = r.summary[name] {
                    print(String(format: "  %-10@ rate %7.2f Hz  CV %@  synchrony %@", name as NSString, s.rate,
                                 s.cv.map { String(format: "%.2f", $0) } ?? "–", s.synchrony.map { String(format: "%.3f", $0) } ?? "–"))
                }
            }
        } catch {
            throw Report.exitCode(for: error)
        }
    }
}
