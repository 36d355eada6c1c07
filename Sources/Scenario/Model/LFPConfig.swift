// The field-potential readouts a scenario asks for (`record.lfp`, `record.bands`): where
// the electrodes sit, which cells they hear and how often they are sampled, and how band
// powers are estimated from the samples. Values only; the proxy itself is
// `Network/LFPProxy.swift`, the estimator `Recording/Welch.swift`.

/// `record.lfp`: an LFP proxy (Mazzoni et al. 2015) at electrode positions on the sheet.
public struct LFPConfig: Sendable, Equatable {
    /// Electrode positions [µm] on the sheet, in output column order (e0, e1, …).
    public var electrodes: [(x: Double, y: Double)]
    /// Cells within this distance of an electrode contribute to it [µm].
    public var radius: Double
    /// Sampling rate [Hz]: ≥ 1000 and 1/(rate·dt) a whole number of steps.
    public var rate: Double
    /// Populations whose cells contribute (default: every excitatory population).
    public var populations: [Int]

    public init(electrodes: [(x: Double, y: Double)], radius: Double, rate: Double, populations: [Int]) {
        self.electrodes = electrodes; self.radius = radius; self.rate = rate; self.populations = populations
    }

    /// Kernel steps per sample: 1/(rate·dt) with dt in ms, rate in Hz.
    public func stepsPerSample(dt: Double) -> Int { max(1, Int(saturating: (1000 / (rate * dt)).rounded())) }

    /// The grid's evenly spaced centres: nx × ny cells over a `width` × `height` sheet,
    /// electrode j·nx + i at ((i + ½)·width/nx, (j + ½)·height/ny).
    public static func grid(nx: Int, ny: Int, width: Double, height: Double) -> [(x: Double, y: Double)] {
        var out: [(x: Double, y: Double)] = []
        let sx = width / Double(nx), sy = height / Double(ny)
        for j in 0..<ny {
            for i in 0..<nx { out.append(((Double(i) + 0.5) * sx, (Double(j) + 0.5) * sy)) }
        }
        return out
    }

    public static func == (a: LFPConfig, b: LFPConfig) -> Bool {
        a.radius == b.radius && a.rate == b.rate && a.populations == b.populations
            && a.electrodes.count == b.electrodes.count
            && zip(a.electrodes, b.electrodes).allSatisfy { $0.x == $1.x && $0.y == $1.y }
    }
}

/// `record.bands`: band powers of the LFP by Welch's method.
public struct BandsConfig: Sendable, Equatable {
    /// Length of one Welch segment [ms] (Hann window, 50 % overlap).
    public var window: Double
    public init(window: Double) { self.window = window }

    /// Samples per segment at `rate` [Hz].
    public func segmentSamples(rate: Double) -> Int { Int(saturating: (window * rate / 1000).rounded()) }
}
