// summary.png: every metric series of the run in one figure, written for every run
// whether or not frames were asked for.

import Foundation
import Kernel
import Rendering

enum SummaryFigure {
    static func write(dir: String, scenario: Scenario, series: [MetricSeries], populations: [PopulationInfo]) throws {
        let r = SummaryRenderer(width: 1920, height: 1080, theme: .light)
        do {
            try r.writePNG(to: dir + "/summary.png", scenarioName: scenario.name, duration: scenario.time.duration,
                           populations: populations, series: series, seed: scenario.seed)
        } catch {
            throw RunError.io("summary.png: \(error)")
        }
    }
}
