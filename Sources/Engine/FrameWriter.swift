// FrameWriter: renders and encodes frames concurrently with the simulation.
import Foundation
import Kernel

actor FrameWriter {
    let dir: String
    init(dir: String, config: FramesConfig, scenarioName: String, seed: UInt64, blueprint: Blueprint) throws {
        self.dir = dir
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    func submit(_ s: FrameSnapshot) async throws {}
    func finish() async throws {}
    func assembleVideo() async {}
}

enum SummaryFigure {
    static func write(dir: String, scenario: Scenario, series: [MetricSeries], populations: [PopulationInfo]) throws {}
}
