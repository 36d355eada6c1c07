// Benchmark: timing of frame rendering and PNG encoding on one core for a synthetic
// snapshot, reported as medians, for `neuroplast bench frames`. Encoding writes real
// files (into $TMPDIR or /tmp) because disk writes are part of the cost.

import NeuroplastCore
import PNGCodec
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders and encodes `repeats` frames of a synthetic snapshot and returns the median
/// seconds per frame for rendering (Cairo drawing + pixel conversion) and for encoding
/// (PNG, level 2, SUB filter, RGB, written atomically to a temporary file).
public func benchmarkFrames(neurons: Int = 10_000, synapses: Int = 20_000, width: Int = 1920,
                            height: Int = 1080, repeats: Int = 5)
    -> (renderMedianSeconds: Double, encodeMedianSeconds: Double) {
    let snapshot = SyntheticSnapshot.make(neurons: neurons, synapses: synapses)
    let renderer = FrameRenderer(options: FrameOptions(width: width, height: height, seriesNames: ["Firing rate"]))
    let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    let path = "\(directory)/neuroplast-bench-\(getpid()).png"
    let clock = ContinuousClock()
    var render: [Double] = [], encode: [Double] = []
    for _ in 0..<max(1, repeats) {
        var image: PNGImage?
        let r = clock.measure { image = renderer.render(snapshot) }
        let e = clock.measure {
            try? image!.write(to: path, text: FrameRenderer.metadata(for: snapshot, seed: 1))
        }
        render.append(seconds(r)); encode.append(seconds(e))
    }
    unlink(path)
    return (median(render), median(encode))
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

private func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
