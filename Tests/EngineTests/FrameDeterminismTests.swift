// Frames are identical for the same scenario and seed whatever the thread and shard count,
// and every run writes summary.png.

import Foundation
import Testing
import Network
import Run

@Suite struct FrameDeterminismTests {
    @Test func framesIndependentOfThreadsAndShards() async throws {
        let text = EngineFixtures.smallSheet + "\nframes: {every: 100 ms, width: 480, height: 270, theme: light, colour: rate, synapses: 200}\n"
        let sc = try ScenarioLoader.load(text: text, file: "frames.yaml")
        let root = EngineFixtures.temporaryDirectory("frames")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = try await RunSession.run(sc, options: RunOptions(threads: 1, shards: 1, outputRoot: root, runID: "a", progress: false))
        let b = try await RunSession.run(sc, options: RunOptions(threads: 2, shards: 3, outputRoot: root, runID: "b", progress: false))
        #expect(a.frames == 3 && b.frames == 3)
        for k in 1...3 {
            let name = String(format: "/frames/frame_%06d.png", k)
            let da = FileManager.default.contents(atPath: a.directory + name)
            #expect(da != nil && da == FileManager.default.contents(atPath: b.directory + name), "\(name) differs")
        }
        #expect(FileManager.default.fileExists(atPath: a.directory + "/summary.png"))
        let left = try FileManager.default.contentsOfDirectory(atPath: a.directory + "/frames").filter { !$0.hasPrefix("frame_") }
        #expect(left.isEmpty, "temporary files left: \(left)")
    }
}
