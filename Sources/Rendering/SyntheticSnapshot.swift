// SyntheticSnapshot: a deterministic, plausible-looking FrameSnapshot (four PFC
// populations on a 1 mm sheet, a bump of activity, local synapses, a raster and metric
// histories) built from an integer hash — no random generator — for benchmarks, tests
// and `neuroplast bench frames`.

import NeuroplastCore

/// Builds synthetic snapshots.
public enum SyntheticSnapshot {
    /// SplitMix64 finaliser: a well-mixed 64-bit hash of `x`.
    static func hash(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) from `hash(stream, index)`.
    static func unit(_ stream: UInt64, _ index: Int) -> Double {
        Double(hash(stream &* 0x1_0000_0001 ^ UInt64(truncatingIfNeeded: index)) >> 11) / Double(1 << 53)
    }

    /// A snapshot of `neurons` neurons and `synapses` sampled synapses at `time` [ms].
    /// Inflammation, all off by default: `overlayCells` > 0 adds a cytokine field on an
    /// overlayCells × overlayCells grid (a Gaussian blob, σ = 160 µm, at (350, 620) µm),
    /// `microglia` sprites (activated within 260 µm of the blob, surveilling elsewhere;
    /// every third one placed near the blob), and `deadNeurons` > 0 marks that many
    /// neurons near the blob dead (fewer if the blob holds fewer).
    public static func make(neurons: Int = 10_000, synapses: Int = 20_000, time: Double = 8_100_000,
                            rasterRows: Int = 200, name: String = "Working memory under ketamine",
                            phase: String = "ketamine infusion 0.5 mg/kg",
                            overlayCells: Int = 0, microglia: Int = 0, deadNeurons: Int = 0) -> FrameSnapshot {
        let populations = [
            PopulationInfo(name: "L2/3 Pyr", cellClass: "pyramidal", excitatory: true),
            PopulationInfo(name: "PV", cellClass: "pv", excitatory: false),
            PopulationInfo(name: "SST", cellClass: "sst", excitatory: false),
            PopulationInfo(name: "VIP", cellClass: "vip", excitatory: false),
        ]
        let share = [0.8, 0.1, 0.06, 0.04]
        let baseRate = [4.0, 18.0, 9.0, 6.0]  // [Hz]
        func pop(_ u: Double) -> Int { u < 0.8 ? 0 : u < 0.9 ? 1 : u < 0.96 ? 2 : 3 }
        let side = 1000.0  // [µm]
        let cols = max(1, Int((Double(neurons)).squareRoot().rounded(.up)))
        let cell = side / Double(cols)
        var x = [Float](), y = [Float](), population = [UInt16](), rate = [Float](), vm = [Float]()
        x.reserveCapacity(neurons); y.reserveCapacity(neurons)
        for i in 0..<neurons {
            let gx = Double(i % cols) + unit(1, i), gy = Double(i / cols) + unit(2, i)
            let px = gx * cell, py = min(gy * cell, side - 1e-3)
            let p = pop(unit(3, i))
            // A Gaussian bump of activity centred at (600, 400) µm.
            let d2 = ((px - 600) * (px - 600) + (py - 400) * (py - 400)) / (180 * 180)
            let bump = 1 + 5 * expApprox(-d2)
            x.append(Float(px)); y.append(Float(py)); population.append(UInt16(p))
            rate.append(Float(baseRate[p] * bump * (0.5 + unit(4, i))))
            vm.append(Float(-70 + 12 * (bump - 1) / 5 + 6 * (unit(5, i) - 0.5)))
        }
        var pre = [Int32](), post = [Int32]()
        pre.reserveCapacity(synapses); post.reserveCapacity(synapses)
        for k in 0..<synapses where neurons > 1 {
            let a = Int(hash(UInt64(k) &+ 11) % UInt64(neurons))
            let dx = Int(hash(UInt64(k) &+ 22) % 13) - 6, dy = Int(hash(UInt64(k) &+ 33) % 13) - 6
            let b = ((a + dx + dy * cols) % neurons + neurons) % neurons
            pre.append(Int32(a)); post.append(Int32(b))
        }
        // Raster: rows by population share, spikes at hashed times in the last second.
        var rowPopulation = [UInt16]()
        for p in 0..<populations.count {
            let count = p == populations.count - 1 ? rasterRows - rowPopulation.count
                                                   : Int((share[p] * Double(rasterRows)).rounded())
            rowPopulation += [UInt16](repeating: UInt16(p), count: max(0, count))
        }
        let windowMs = 1000.0
        var events: [(Float, Int32)] = []
        for (row, p) in rowPopulation.enumerated() {
            let spikes = Int(baseRate[Int(p)] * (0.4 + 1.2 * unit(6, row)) * windowMs / 1000)
            for k in 0..<spikes {
                let tt = time - windowMs + windowMs * unit(7, row * 1000 + k)
                events.append((Float(tt), Int32(row)))
            }
        }
        events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        let raster = RasterSample(rowPopulation: rowPopulation, spikeTimes: events.map(\.0),
                                  spikeRows: events.map(\.1),
                                  window: Float(time - windowMs)...Float(time))
        // Metric histories: 200 samples from 0 to `time`.
        let samples = 200
        let times = (0...samples).map { time * Double($0) / Double(samples) }
        var series: [MetricSeries] = []
        for p in 0..<populations.count {
            let values = times.enumerated().map { k, tt in
                baseRate[p] * (1 + 0.6 * sigmoid((tt - time * 0.55) / (time * 0.04))) + 0.8 * (unit(8, k * 8 + p) - 0.5)
            }
            series.append(MetricSeries(name: "Firing rate", unit: "Hz", population: p, times: times, values: values))
        }
        series.append(MetricSeries(name: "Synchrony", unit: "", population: nil, times: times,
                                   values: times.enumerated().map { k, tt in
                                       0.2 + 0.25 * sigmoid((tt - time * 0.55) / (time * 0.04)) + 0.05 * unit(9, k)
                                   }))
        for p in 0..<2 {
            series.append(MetricSeries(name: "Mean membrane potential", unit: "mV", population: p, times: times,
                                       values: times.enumerated().map { k, tt in
                                           -66 + 3 * Double(p) + 2.5 * sigmoid((tt - time * 0.55) / (time * 0.04)) + 0.6 * unit(10, k * 2 + p)
                                       }))
        }
        for p in 0..<populations.count {
            series.append(MetricSeries(name: "ISI CV", unit: "", population: p, times: times,
                                       values: times.enumerated().map { k, _ in 0.8 + 0.1 * Double(p) + 0.15 * unit(11, k * 4 + p) }))
        }
        // Inflammation around a blob away from the activity bump.
        let blobX = 350.0, blobY = 620.0, sigma = 160.0  // [µm]
        func blobDistance(_ px: Double, _ py: Double) -> Double {
            ((px - blobX) * (px - blobX) + (py - blobY) * (py - blobY)).squareRoot()
        }
        var overlay: FieldOverlay?
        if overlayCells > 0 {
            let h = side / Double(overlayCells)
            var values = [Float](repeating: 0, count: overlayCells * overlayCells)
            for j in 0..<overlayCells {
                for i in 0..<overlayCells {
                    let d = blobDistance((Double(i) + 0.5) * h, (Double(j) + 0.5) * h)
                    values[j * overlayCells + i] = Float(2.4 * expApprox(-d * d / (2 * sigma * sigma)))
                }
            }
            overlay = FieldOverlay(label: "cytokine", unit: "nM", columns: overlayCells, rows: overlayCells,
                                   cellSize: h, values: values)
        }
        var sprites: [Sprite] = []
        for k in 0..<microglia {
            var px = side * unit(12, k), py = side * unit(13, k)
            if k % 3 == 0 {
                let radius = 240 * unit(14, k).squareRoot(), angle = 2 * Double.pi * unit(15, k)
                let c = cosTaylor(angle), sn = cosTaylor(angle - Double.pi / 2)  // cos, sin
                px = min(max(blobX + radius * c, 0), side); py = min(max(blobY + radius * sn, 0), side)
            }
            let state = blobDistance(px, py) < 260 ? Sprite.activated : Sprite.surveilling
            sprites.append(Sprite(x: Float(px), y: Float(py), state: state))
        }
        var dead: [Bool] = []
        if deadNeurons > 0 {
            dead = [Bool](repeating: false, count: neurons)
            // Spread over the blob: each neuron within 200 µm dies with a probability that
            // gives about twice the number asked for, then the first `deadNeurons` are kept.
            let inBlob = Double(neurons) * Double.pi * 200 * 200 / (side * side)
            let p = min(1, 2 * Double(deadNeurons) / max(inBlob, 1))
            var marked = 0
            for i in 0..<neurons where marked < deadNeurons {
                if blobDistance(Double(x[i]), Double(y[i])) < 200, unit(16, i) < p { dead[i] = true; marked += 1 }
            }
        }
        return FrameSnapshot(scenarioName: name, time: time, phase: phase, sheetWidth: side, sheetHeight: side,
                             populations: populations, x: x, y: y, population: population,
                             quantities: [
                                 PerNeuronQuantity(key: "rate", label: "Firing rate", unit: "Hz", values: rate),
                                 PerNeuronQuantity(key: "v", label: "Membrane potential", unit: "mV", values: vm,
                                                   range: -80 ... -50),
                             ],
                             synapsePre: pre, synapsePost: post, raster: raster, series: series,
                             overlay: overlay, sprites: sprites, dead: dead)
    }

    /// cos(x) without Foundation (reduction to −π…π, Taylor series); synthetic data only.
    static func cosTaylor(_ x: Double) -> Double {
        var a = x.truncatingRemainder(dividingBy: 2 * Double.pi)
        if a > Double.pi { a -= 2 * Double.pi } else if a < -Double.pi { a += 2 * Double.pi }
        var term = 1.0, sum = 1.0
        for n in stride(from: 2, through: 30, by: 2) { term *= -a * a / Double((n - 1) * n); sum += term }
        return sum
    }

    static func sigmoid(_ z: Double) -> Double { 1 / (1 + expApprox(-z)) }

    /// exp(x) without Foundation: range reduction by 2^k and a short Taylor series. Used
    /// only for synthetic data, where bit-identical results across platforms matter more
    /// than the last ulp.
    static func expApprox(_ x: Double) -> Double {
        if x < -700 { return 0 }
        if x > 700 { return .infinity }
        let k = (x / 0.6931471805599453).rounded()
        let r = x - k * 0.6931471805599453
        var term = 1.0, sum = 1.0
        for n in 1...14 { term *= r / Double(n); sum += term }
        return sum * Double(sign: .plus, exponent: Int(k), significand: 1)
    }
}
