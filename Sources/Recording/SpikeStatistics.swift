// Firing statistics computed from the sorted spike stream: rates, the coefficient of
// variation of inter-spike intervals, and a synchrony measure. Integer counting only until
// the final division, so the results do not depend on how spikes were produced.

#if canImport(Glibc)
import Glibc
#endif

/// Golomb–Rinzel synchrony χ on binned spike counts (Golomb & Rinzel 1993; Golomb 2007,
/// Scholarpedia 2:1347), computed per population over one window:
///
///     χ² = Var_t(A(t)) / ( (1/N) Σ_i Var_t(n_i(t)) ),   A(t) = (1/N) Σ_i n_i(t)
///
/// n_i(t) is neuron i's spike count in bin t. χ ≈ 1/√N for independent neurons and → 1 for
/// full synchrony. Σ_t n_i(t)² is accumulated exactly from spikes in time order.
struct SynchronyWindow: Codable {
    let start: Int          // [steps]
    let binSteps: Int
    let bins: Int
    var popBins: [[Int32]]  // per population, per bin
    var count: [Int32]      // per neuron, spikes in the window
    var sumSq: [Int64]      // per neuron, Σ_t n_i(t)²
    var curBin: [Int32]
    var curCount: [Int32]

    init(start: Int, length: Int, binSteps: Int, neurons: Int, populations: Int) {
        self.start = start; self.binSteps = max(1, binSteps)
        bins = max(1, (length + self.binSteps - 1) / self.binSteps)
        popBins = [[Int32]](repeating: [Int32](repeating: 0, count: bins), count: populations)
        count = [Int32](repeating: 0, count: neurons)
        sumSq = [Int64](repeating: 0, count: neurons)
        curBin = [Int32](repeating: -1, count: neurons)
        curCount = [Int32](repeating: 0, count: neurons)
    }

    /// Whether `self` (from a checkpoint) has the shape of `fresh`, the window the recorder
    /// builds for the same run and start: every later index into it is then in bounds.
    func fits(_ fresh: SynchronyWindow) -> Bool {
        start == fresh.start && binSteps == fresh.binSteps && bins == fresh.bins
            && popBins.count == fresh.popBins.count && popBins.allSatisfy { $0.count == bins }
            && count.count == fresh.count.count && sumSq.count == count.count && curBin.count == count.count
            && curCount.count == count.count && curBin.allSatisfy { $0 >= -1 && $0 < bins }
            // counts far from overflowing as the run adds to them (a run has < 2³¹ steps)
            && popBins.allSatisfy { $0.allSatisfy { (0...(1 << 30)).contains($0) } }
            && count.allSatisfy { (0...(1 << 30)).contains($0) }
            && curCount.allSatisfy { $0 >= 0 && Int($0) <= binSteps }   // one spike per step at most
            && sumSq.allSatisfy { (0...(1 << 60)).contains($0) }
    }

    mutating func add(step: Int, neuron i: Int, population p: Int) {
        let k = (step - start) / binSteps
        guard k >= 0, k < bins else { return }
        popBins[p][k] += 1
        count[i] += 1
        if curBin[i] == Int32(k) {
            sumSq[i] += 2 * Int64(curCount[i]) + 1; curCount[i] += 1
        } else {
            curBin[i] = Int32(k); curCount[i] = 1; sumSq[i] += 1
        }
    }

    /// χ of population p whose neurons are `members`; nil when no neuron fired.
    func chi(population p: Int, members: Range<Int>) -> Double? {
        let N = Double(members.count), B = Double(bins)
        guard N > 0 else { return nil }
        var m1 = 0.0, m2 = 0.0
        for c in popBins[p] { let a = Double(c) / N; m1 += a; m2 += a * a }
        m1 /= B; m2 /= B
        let varA = max(0, m2 - m1 * m1)
        var meanVar = 0.0
        for i in members {
            let mu = Double(count[i]) / B
            meanVar += Double(sumSq[i]) / B - mu * mu
        }
        meanVar /= N
        guard meanVar > 0 else { return nil }
        return (varA / meanVar).squareRoot()
    }
}

/// Per-neuron inter-spike-interval moments over a window.
struct ISIWindow: Codable {
    var sum: [Double]
    var sumSq: [Double]
    var n: [Int32]
    init(neurons: Int) {
        sum = [Double](repeating: 0, count: neurons); sumSq = sum; n = [Int32](repeating: 0, count: neurons)
    }
    mutating func add(neuron i: Int, isi: Double) { sum[i] += isi; sumSq[i] += isi * isi; n[i] += 1 }

    /// Mean over neurons with at least `minIntervals` ISIs of std(ISI)/mean(ISI); nil if none.
    func meanCV(members: Range<Int>, minIntervals: Int32 = 2) -> Double? {
        var total = 0.0, k = 0
        for i in members where n[i] >= minIntervals {
            let m = sum[i] / Double(n[i])
            let v = max(0, sumSq[i] / Double(n[i]) - m * m)
            guard m > 0 else { continue }
            total += v.squareRoot() / m; k += 1
        }
        return k == 0 ? nil : total / Double(k)
    }
}

/// One population's firing statistics over a window.
public struct FiringStats: Sendable, Equatable, Codable {
    public var rate: Double        // [Hz]
    public var cv: Double?         // CV of ISI, mean over neurons with ≥ 2 ISIs
    public var synchrony: Double?  // Golomb χ, 1 ms bins
}
