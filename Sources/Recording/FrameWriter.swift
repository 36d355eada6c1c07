// FrameWriter: the actor that turns snapshots into numbered PNG frames while the
// simulation goes on. Rendering and encoding run as child tasks, several frames in flight;
// at most `maxInFlight` are pending, so a slow disk slows the simulation instead of filling
// memory. Frames go to `frames/frame_000001.png` in submission order.

import Foundation
import Kernel
import PNGCodec
import Rendering
import Network

package actor FrameWriter {
    let dir: String
    let renderer: FrameRenderer
    let seed: UInt64
    let maxInFlight: Int
    private var inFlight: [Task<Void, Error>] = []
    private(set) var written = 0

    package init(dir: String, config: FramesConfig, scenarioName: String, seed: UInt64, blueprint: Blueprint,
         maxInFlight: Int = 3) throws {
        self.dir = dir
        self.seed = seed
        self.maxInFlight = max(1, maxInFlight)
        renderer = FrameRenderer(options: FrameOptions(width: config.width, height: config.height,
                                                       theme: config.theme == "light" ? .light : .dark,
                                                       colourBy: config.colour, drawSynapses: config.synapses > 0,
                                                       seriesNames: ["Firing rate", "Synchrony χ"]))
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw RunError.io("cannot create the frames folder \(dir): \(error.localizedDescription)")
        }
    }

    /// Queues one frame; waits for the oldest frame first when the queue is full.
    package func submit(_ snapshot: FrameSnapshot) async throws {
        if inFlight.count >= maxInFlight {
            let oldest = inFlight.removeFirst()
            try await oldest.value
        }
        written += 1
        let path = dir + String(format: "/frame_%06d.png", written)
        let renderer = self.renderer, seed = self.seed
        inFlight.append(Task.detached(priority: .utility) {
            do {
                try renderer.writePNG(snapshot, to: path, seed: seed)
            } catch {
                throw RunError.io("frame \(path): \(error)")
            }
        })
    }

    /// Continues the numbering of a resumed run after `frames` frames.
    package func resume(after frames: Int) { written = frames }

    /// Waits for every queued frame.
    package func finish() async throws {
        let pending = inFlight
        inFlight = []
        for t in pending { try await t.value }
    }

    /// Assembles the frames into `frames.mp4` with ffmpeg if it is installed; says why not
    /// otherwise (never fails the run).
    package func assembleVideo(fps: Int = 10) async -> String {
        guard written > 0 else { return "no frames to assemble" }
        guard let ffmpeg = Self.which("ffmpeg") else {
            return "ffmpeg is not installed; frames are in \(dir) (install ffmpeg for --video)"
        }
        let out = (dir as NSString).deletingLastPathComponent + "/frames.mp4"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ffmpeg)
        p.arguments = ["-y", "-loglevel", "error", "-framerate", String(fps), "-i", dir + "/frame_%06d.png",
                       "-c:v", "libx264", "-pix_fmt", "yuv420p", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", out + ".partial.mp4"]
        do {
            try p.run(); p.waitUntilExit()
        } catch {
            return "ffmpeg could not be started: \(error.localizedDescription)"
        }
        guard p.terminationStatus == 0, rename(out + ".partial.mp4", out) == 0 else {
            unlink(out + ".partial.mp4")
            return "ffmpeg failed (exit \(p.terminationStatus)); frames are in \(dir)"
        }
        return "wrote \(out)"
    }

    static func which(_ tool: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for d in paths where FileManager.default.isExecutableFile(atPath: "\(d)/\(tool)") { return "\(d)/\(tool)" }
        return nil
    }
}
