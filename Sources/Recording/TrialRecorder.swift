// bump.csv and overlap.csv: trial readouts computed from spikes as the run goes.
//
// bump.csv — one row per presentation of the cue (`record.bump`; definitions in
// `BumpReadout`): with t_off the cue's offset, spike counts of the ring population in
// W1 = [t_off, t_off + window) and W2 = [t_off + delay − window, t_off + delay) give
//
//   decoded angle  θ̂ = arg Σᵢ nᵢ·e^{iθᵢ}   (population vector; Georgopoulos et al. 1986)
//   drift          θ̂(W2) − cue and θ̂(W2) − θ̂(W1), signed circular differences in (−180°, 180°]
//   width          bins of the W2 rate profile (`bins` bins of preferred angle, centred on
//                  θ̂) at or above half its maximum above its minimum, times the bin width
//   rate_in/out    mean rate in W2 of neurons within `in_radius` of θ̂ / beyond `out_radius`
//   held           |drift from cue| ≤ tolerance and rate_in ≥ 2·rate_out + 5 Hz
//
// overlap.csv — per `record.overlap` entry the cosine of the population's rate vectors in
// the two stretches a and b, Σ rᵢ(a)·rᵢ(b) / (‖r(a)‖·‖r(b)‖) (1 = same neurons in the same
// proportions; empty when a stretch has no spikes).
//
// Rows are written when the last window of a trial has been observed; open trials' counts
// go into checkpoints (`TrialRecorderState`), so a resumed run writes the same bytes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Network

/// One trial of the bump readout: the cue presentation and its two windows in steps.
public struct BumpTrial: Sendable, Equatable, Codable {
    public var index: Int
    public var cueStep: Int
    public var cueAngle: Double
    public var w1: Range<Int>
    public var w2: Range<Int>
    public var hours: Double?
    public init(index: Int, cueStep: Int, cueAngle: Double, w1: Range<Int>, w2: Range<Int>, hours: Double?) {
        self.index = index; self.cueStep = cueStep; self.cueAngle = cueAngle; self.w1 = w1; self.w2 = w2; self.hours = hours
    }
}

/// What a checkpoint keeps of a `TrialRecorder`.
package struct TrialRecorderState: Codable, Sendable {
    var next: Int
    var counts1: [Int32], counts2: [Int32], inhibitory: Int
    var overlapCounts: [[Int32]]
    var overlapsDone: Bool
    var bumpBytes: Int?, overlapBytes: Int?
    var summary: BumpSummary
}

/// Means over the trials written so far (for the manifest and sweeps).
public struct BumpSummary: Sendable, Equatable, Codable {
    public var trials = 0
    public var held = 0
    public var sumAbsDrift = 0.0
    public var sumWidth = 0.0
    public var sumRateIn = 0.0
    public var sumRateOut = 0.0
    public var json: [String: Any] {
        guard trials > 0 else { return ["trials": 0] }
        let n = Double(trials)
        return ["trials": trials, "held_fraction": Double(held) / n, "mean_abs_drift_deg": sumAbsDrift / n,
                "mean_width_deg": sumWidth / n, "mean_rate_in_hz": sumRateIn / n, "mean_rate_out_hz": sumRateOut / n]
    }
}

package final class TrialRecorder {
    let blueprint: Blueprint
    let bump: BumpReadout?
    let trials: [BumpTrial]
    let overlaps: [OverlapReadout]
    let overlapSpans: [(a: Range<Int>, b: Range<Int>)]
    let bumpFile: StreamFile?
    let overlapFile: StreamFile?
    let slow: Bool
    /// Index of the next trial to finish.
    var next = 0
    /// Spike counts of the ring population in the next trial's W1 and W2, and of the
    /// inhibitory population in its W2.
    var counts1: [Int32], counts2: [Int32]
    var inhibitory = 0
    /// Per overlap entry: counts in a then in b (population size each).
    var overlapCounts: [[Int32]]
    var overlapsDone = false
    package private(set) var summary = BumpSummary()

    package init(dir: String, blueprint bp: Blueprint, trials: [BumpTrial], resume: TrialRecorderState?) throws {
        blueprint = bp
        let sc = bp.scenario
        bump = sc.record.bump
        self.trials = trials
        overlaps = sc.record.overlap
        slow = sc.slow != nil
        let dt = sc.time.dt
        overlapSpans = overlaps.map { o in
            (Int((o.a.lowerBound / dt).rounded())..<Int((o.a.upperBound / dt).rounded()),
             Int((o.b.lowerBound / dt).rounded())..<Int((o.b.upperBound / dt).rounded()))
        }
        let ringSize = bump.map { sc.populations[$0.population].count } ?? 0
        counts1 = [Int32](repeating: 0, count: ringSize)
        counts2 = counts1
        overlapCounts = overlaps.map { [Int32](repeating: 0, count: 2 * sc.populations[$0.population].count) }
        let header = (slow ? "hours," : "") + "trial,cue_start_ms,cue_deg,decoded_start_deg,decoded_end_deg,drift_from_cue_deg,drift_over_delay_deg,width_deg,rate_in_hz,rate_out_hz,rate_i_hz,held\n"
        if let r = resume {
            bumpFile = try r.bumpBytes.map { try StreamFile(path: dir + "/bump.csv", resumeAt: $0) }
            overlapFile = try r.overlapBytes.map { try StreamFile(path: dir + "/overlap.csv", resumeAt: $0) }
            guard r.counts1.count == counts1.count, r.counts2.count == counts2.count, r.overlapCounts.count == overlapCounts.count,
                  zip(r.overlapCounts, overlapCounts).allSatisfy({ $0.count == $1.count }), r.next >= 0, r.next <= trials.count,
                  // counts far from overflowing as spikes are added to them
                  (r.counts1 + r.counts2 + r.overlapCounts.flatMap { $0 }).allSatisfy({ (0...(1 << 30)).contains($0) }),
                  (0...(1 << 50)).contains(r.inhibitory),
                  (0...(1 << 40)).contains(r.summary.trials), (0...r.summary.trials).contains(r.summary.held),
                  [r.summary.sumAbsDrift, r.summary.sumWidth, r.summary.sumRateIn, r.summary.sumRateOut].allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw RunError.invalid("the checkpoint's trial readouts do not match this scenario")
            }
            next = r.next; counts1 = r.counts1; counts2 = r.counts2; inhibitory = r.inhibitory
            overlapCounts = r.overlapCounts; summary = r.summary; overlapsDone = r.overlapsDone
            return
        }
        if bump != nil {
            bumpFile = try StreamFile(path: dir + "/bump.csv")
            try bumpFile?.write(header)
        } else {
            bumpFile = nil
        }
        if !overlaps.isEmpty {
            overlapFile = try StreamFile(path: dir + "/overlap.csv")
            try overlapFile?.write("name,population,a_from_ms,a_to_ms,b_from_ms,b_to_ms,rate_a_hz,rate_b_hz,overlap\n")
        } else {
            overlapFile = nil
        }
    }

    package var isActive: Bool { bump != nil || !overlaps.isEmpty }

    /// Counts the spikes of a segment that ended at step `now`, and writes the trials and
    /// overlaps complete by then.
    package func observe(_ spikes: [Spike], now: Int) throws {
        if let b = bump {
            let range = blueprint.range(of: b.population)
            let inh = b.inhibitory.map { blueprint.range(of: $0) }
            var k = 0
            while next < trials.count {
                let tr = trials[next]
                // Spikes are sorted by step: count those up to the trial's end.
                while k < spikes.count, spikes[k].step < tr.w2.upperBound {
                    let s = spikes[k], g = Int(s.source)
                    if range.contains(g) {
                        if tr.w1.contains(s.step) { counts1[g - range.lowerBound] += 1 }
                        if tr.w2.contains(s.step) { counts2[g - range.lowerBound] += 1 }
                    } else if let r = inh, r.contains(g), tr.w2.contains(s.step) {
                        inhibitory += 1
                    }
                    k += 1
                }
                guard now >= tr.w2.upperBound else { break }
                try write(tr, b)
                next += 1
                for i in counts1.indices { counts1[i] = 0; counts2[i] = 0 }
                inhibitory = 0
            }
        }
        for (j, o) in overlaps.enumerated() where !overlapsDone {
            let r = blueprint.range(of: o.population), n = r.count
            let spans = overlapSpans[j]
            for s in spikes where r.contains(Int(s.source)) {
                if spans.a.contains(s.step) { overlapCounts[j][Int(s.source) - r.lowerBound] += 1 }
                if spans.b.contains(s.step) { overlapCounts[j][n + Int(s.source) - r.lowerBound] += 1 }
            }
        }
        if !overlapsDone, !overlaps.isEmpty, overlapSpans.allSatisfy({ now >= max($0.a.upperBound, $0.b.upperBound) }) {
            try writeOverlaps()
            overlapsDone = true
        }
    }

    func write(_ tr: BumpTrial, _ b: BumpReadout) throws {
        let sc = blueprint.scenario, dt = sc.time.dt
        let n = counts1.count
        let angles = (0..<n).map { Blueprint.ringAngle($0, of: n) }
        let start = Self.decode(counts1, angles: angles)
        let end = Self.decode(counts2, angles: angles)
        let secs = Double(tr.w2.count) * dt / 1000
        var rateIn = 0.0, rateOut = 0.0, nIn = 0, nOut = 0
        if let e = end {
            for i in 0..<n {
                let d = angularDistance(angles[i], e)
                if d <= b.inRadius { rateIn += Double(counts2[i]); nIn += 1 }
                if d > b.outRadius { rateOut += Double(counts2[i]); nOut += 1 }
            }
        }
        rateIn = nIn > 0 ? rateIn / Double(nIn) / secs : 0
        rateOut = nOut > 0 ? rateOut / Double(nOut) / secs : 0
        let width = end.map { Self.width(counts2, angles: angles, centre: $0, bins: b.bins) }
        let rateI = b.inhibitory.map { Double(inhibitory) / Double(sc.populations[$0].count) / secs }
        let drift = end.map { Self.signed($0 - tr.cueAngle) }
        let over = end.flatMap { e in start.map { Self.signed(e - $0) } }
        let held = drift.map { abs($0) <= b.tolerance } == true && rateIn >= 2 * rateOut + 5
        func f(_ x: Double?, _ digits: Int = 2) -> String { x.map { fmt($0, digits) } ?? "" }
        var row = slow ? (tr.hours.map { fmt($0, 4) } ?? "") + "," : ""
        row += "\(tr.index),\(fmt(Double(tr.cueStep) * dt, 3)),\(f(tr.cueAngle)),\(f(start)),\(f(end)),\(f(drift)),\(f(over)),"
        row += "\(f(width)),\(f(rateIn, 3)),\(f(rateOut, 3)),\(f(rateI, 3)),\(held ? 1 : 0)\n"
        try bumpFile?.write(row)
        summary.trials += 1
        if held { summary.held += 1 }
        summary.sumAbsDrift += abs(drift ?? 180)
        summary.sumWidth += width ?? 360
        summary.sumRateIn += rateIn
        summary.sumRateOut += rateOut
    }

    func writeOverlaps() throws {
        let sc = blueprint.scenario, dt = sc.time.dt
        for (j, o) in overlaps.enumerated() {
            let n = sc.populations[o.population].count
            let a = overlapCounts[j][0..<n], b = overlapCounts[j][n...]
            var dot = 0.0, na = 0.0, nb = 0.0, sa = 0.0, sb = 0.0
            for (x, y) in zip(a, b) {
                let u = Double(x), v = Double(y)
                dot += u * v; na += u * u; nb += v * v; sa += u; sb += v
            }
            let cosine = na > 0 && nb > 0 ? fmt(dot / (na.squareRoot() * nb.squareRoot()), 4) : ""
            let spans = overlapSpans[j]
            let ra = sa / Double(n) / (Double(spans.a.count) * dt / 1000), rb = sb / Double(n) / (Double(spans.b.count) * dt / 1000)
            try overlapFile?.write("\(o.name),\(sc.populations[o.population].name),\(fmt(o.a.lowerBound, 3)),\(fmt(o.a.upperBound, 3)),\(fmt(o.b.lowerBound, 3)),\(fmt(o.b.upperBound, 3)),\(fmt(ra, 3)),\(fmt(rb, 3)),\(cosine)\n")
        }
    }

    /// The population-vector angle [0, 360) of spike counts at `angles`; nil without spikes.
    static func decode(_ counts: [Int32], angles: [Double]) -> Double? {
        var c = 0.0, s = 0.0, total = 0   // Int: a ring of Int32 counts can exceed Int32 in sum
        for (n, a) in zip(counts, angles) where n > 0 {
            c += Double(n) * cos(a * .pi / 180); s += Double(n) * sin(a * .pi / 180); total += Int(n)
        }
        guard total > 0 else { return nil }
        let a = atan2(s, c) * 180 / .pi
        return a < 0 ? a + 360 : a
    }

    /// Width at half maximum [deg] of the rate profile in `bins` bins centred on `centre`.
    static func width(_ counts: [Int32], angles: [Double], centre: Double, bins: Int) -> Double {
        var profile = [Double](repeating: 0, count: bins)
        var members = [Int](repeating: 0, count: bins)
        let size = 360 / Double(bins)
        for (n, a) in zip(counts, angles) {
            var d = signed(a - centre) + 180      // [0, 360)
            if d >= 360 { d -= 360 }
            let k = min(bins - 1, Int(d / size))
            profile[k] += Double(n); members[k] += 1
        }
        let rates = zip(profile, members).filter { $0.1 > 0 }.map { $0.0 / Double($0.1) }
        guard let hi = rates.max(), let lo = rates.min(), hi > lo else { return 0 }
        let half = lo + (hi - lo) / 2
        return Double(rates.filter { $0 >= half }.count) * size
    }

    /// The signed circular difference in (−180, 180].
    static func signed(_ d: Double) -> Double {
        var x = d.truncatingRemainder(dividingBy: 360)
        if x > 180 { x -= 360 }
        if x <= -180 { x += 360 }
        return x
    }

    package func captureState() throws -> TrialRecorderState {
        TrialRecorderState(next: next, counts1: counts1, counts2: counts2, inhibitory: inhibitory, overlapCounts: overlapCounts, overlapsDone: overlapsDone,
                           bumpBytes: try bumpFile?.sync(), overlapBytes: try overlapFile?.sync(), summary: summary)
    }

    package func commit() throws {
        try bumpFile?.commit()
        try overlapFile?.commit()
    }

    package func discard() {
        bumpFile?.discard()
        overlapFile?.discard()
    }
}
