// PNGCodec: files decode with an independent decoder (pngcheck), metadata is written,
// failures throw clear errors and leave no partial files, and Cairo's premultiplied
// pixels convert to straight alpha.

import Foundation
import NeuroplastCore
@testable import PNGCodec
import Rendering
import Testing

@Suite struct PNGCodecTests {
    @Test func pngcheckAcceptsFrameAndSeesMetadata() throws {
        guard let pngcheck = Fixture.which("pngcheck") else {
            print("skipping: pngcheck not installed (apt-get install pngcheck)")
            return
        }
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("frame_000001.png").path
        try FrameRenderer(options: FrameOptions(width: 480, height: 270)).writePNG(Fixture.snapshot, to: path, seed: 1234)
        let (status, output) = try Fixture.run(pngcheck, ["-v", path])
        #expect(status == 0, "pngcheck failed:\n\(output)")
        #expect(output.contains("480 x 270 image"))
        #expect(output.contains("24-bit RGB"))
        for key in ["Title", "Simulated time", "Phase", "Seed", "Software"] {
            #expect(output.contains("keyword: \(key)"), "missing tEXt \(key) in:\n\(output)")
        }
        let (_, text) = try Fixture.run(pngcheck, ["-t", path])
        #expect(text.contains("1234"))
        #expect(text.contains("Neuroplast \(NeuroplastVersion.string)"))
        #expect(text.contains("2 h 15 min"))
        // No temporary file is left next to the frame.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["frame_000001.png"])
    }

    @Test func roundTripRGBAndRGBA() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for channels in [3, 4] {
            let w = 7, h = 5
            let pixels = (0..<(w * h * channels)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let path = dir.appendingPathComponent("rt\(channels).png").path
            try PNGWriter.write(pixels: pixels, width: w, height: h, channels: channels, to: path,
                                text: [("Title", "µ-test ✓")], level: 9, filter: .adaptive)
            let image = try PNGReader.read(path: path)
            #expect(image.width == w && image.height == h && image.channels == 4)
            for i in 0..<(w * h) {
                for c in 0..<channels { #expect(image.pixels[i * 4 + c] == pixels[i * channels + c]) }
                if channels == 3 { #expect(image.pixels[i * 4 + 3] == 255) }
            }
        }
    }

    @Test func nonexistentDirectoryThrowsAndLeavesNothing() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("no/such/dir/frame.png").path
        do {
            try PNGWriter.write(pixels: [0, 0, 0], width: 1, height: 1, channels: 3, to: missing)
            Issue.record("write into a missing directory did not throw")
        } catch {
            #expect(error.kind == .open)
            #expect(error.path == missing)
            #expect(error.description.contains(missing))
            #expect(error.description.contains("No such file or directory"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func pathUnderANonDirectoryThrows() throws {
        // Works even as root, for whom chmod does not block writes.
        do {
            try PNGWriter.write(pixels: [1, 2, 3], width: 1, height: 1, channels: 3, to: "/dev/null/x.png")
            Issue.record("write under /dev/null did not throw")
        } catch {
            #expect(error.kind == .open)
            #expect(error.description.contains("/dev/null/x.png"))
            #expect(error.description.contains("Not a directory"))
        }
    }

    @Test func fullDiskIsAnIOErrorWithErrnoText() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else {
            print("skipping: /dev/full not available")
            return
        }
        // A frame big enough that libpng's writes hit the device, not just stdio's buffer.
        let w = 256, h = 256
        let pixels = (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
        do {
            try PNGWriter.encodeFile(pixels: pixels, width: w, height: h, channels: 3, at: "/dev/full",
                                     reportingAs: "/out/frame.png", text: [], level: 0, filter: .none)
            Issue.record("writing to /dev/full did not throw")
        } catch {
            #expect(error.kind == .io)
            #expect(error.errno == ENOSPC)
            #expect(error.description.contains("/out/frame.png"))
            #expect(error.description.contains("No space left on device"))
        }
    }

    @Test func invalidArgumentsThrowWithoutCreatingFiles() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.png").path
        #expect(throws: PNGError.self) {
            try PNGWriter.write(pixels: [0, 0], width: 1, height: 1, channels: 3, to: path)
        }
        #expect(throws: PNGError.self) {
            try PNGWriter.write(pixels: [0, 0, 0], width: 1, height: 1, channels: 3, to: path,
                                text: [(String(repeating: "k", count: 80), "too long a key")])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func temporaryNameIsHiddenSiblingWithPid() {
        let t = PNGWriter.temporaryPath(for: "/a/b/frame.png")
        #expect(t == "/a/b/.frame.png.tmp-\(getpid())")
        #expect(PNGWriter.temporaryPath(for: "x.png") == ".x.png.tmp-\(getpid())")
    }

    @Test func premultipliedARGBConvertsToStraight() {
        // Native-endian words: opaque orange, half-transparent red (premultiplied), clear.
        let words: [UInt32] = [0xFF_FF_80_00, 0x80_80_00_00, 0x00_00_00_00, 0x40_20_10_08]
        let rgba = words.withUnsafeBytes {
            PremultipliedARGB.toStraight(data: $0.baseAddress!, width: 2, height: 2, stride: 8, channels: 4)
        }
        #expect(rgba == [255, 128, 0, 255, 255, 0, 0, 128, 0, 0, 0, 0, 128, 64, 32, 64])
        let rgb = words.withUnsafeBytes {
            PremultipliedARGB.toStraight(data: $0.baseAddress!, width: 2, height: 2, stride: 8, channels: 3)
        }
        #expect(rgb == [255, 128, 0, 128, 0, 0, 0, 0, 0, 32, 16, 8])
    }
}
