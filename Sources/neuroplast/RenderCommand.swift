// `neuroplast render RUN_DIR`: re-draw a finished run's summary figure with other options.

import ArgumentParser
import Recording

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Re-draw summary.png of a finished run from its metrics.csv.",
        discussion: "Frames are drawn during the run from live network state, which is not stored; re-run the scenario (same seed) with other `frames:` options to get other frames.")

    @Argument(help: "A run folder (Output/<scenario>/<run-id>).") var runDirectory: String
    @Option(help: "Width in pixels.") var width: Int = 1920
    @Option(help: "Height in pixels.") var height: Int = 1080
    @Option(help: "light or dark.") var theme: String = "light"
    @Option(help: "Output file (default: RUN_DIR/summary.png).") var output: String?

    func validate() throws {
        guard (320...7680).contains(width), (180...4320).contains(height) else { throw ValidationError("--width must be 320–7680 and --height 180–4320") }
        guard ["light", "dark"].contains(theme) else { throw ValidationError("--theme must be light or dark; got \(theme)") }
    }

    func run() throws {
        do {
            print("wrote " + (try SummaryFigure.redraw(runDirectory: runDirectory, output: output, width: width, height: height, theme: theme)))
        } catch {
            throw Report.exitCode(for: error)
        }
    }
}
