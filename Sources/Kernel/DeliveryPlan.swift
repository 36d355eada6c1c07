// How delivery cuts the rows of a shard's table: the local targets split into one contiguous
// range per worker (worker w owns bounds[w] ..< bounds[w+1] and is the only one to write their
// ring entries) and each range into runs of one target population. Both kinds of border are cuts
// at which the table marks every row (`RowMarks`), so a worker's runs of a row are read off
// the row's marks. Planned once per worker count, not per delivery.

/// A part of every row between two of its marks, whose targets all belong to `population`.
struct DeliverySegment: Sendable {
    /// Indices into a row's marks (0: the row's start; cuts.count + 1: its end).
    let from: Int, to: Int
    /// The local target population of the part.
    let population: Int
    /// Its local targets: lo ..< hi (the cuts at `from` and `to`).
    let lo: UInt32, hi: UInt32
}

/// The cuts, and the segments each worker (and a single serial pass) walks for every spike.
final class DeliveryPlan {
    /// Workers of a parallel delivery.
    let workers: Int
    /// Population starts and worker bounds strictly inside 0 ..< n, ascending, distinct.
    let cuts: [UInt32]
    /// Worker w's segments at `segments[first[w] ..< first[w + 1]]`; the serial pass (all
    /// targets, one worker) at `segments[first[workers] ..< first[workers + 1]]`.
    let segments: KernelBuffer<DeliverySegment>
    let first: [Int]

    /// `populationStart`: the first local index of each population, and n last (P + 1 values);
    /// `bounds`: 0, the workers' borders ascending, n (workers + 1 values).
    init(n: Int, populationStart: [UInt32], bounds: [UInt32]) {
        precondition(bounds.count >= 2 && bounds.first == 0 && bounds.last == UInt32(n) && zip(bounds, bounds.dropFirst()).allSatisfy { $0 <= $1 })
        workers = bounds.count - 1
        cuts = Array(Set(populationStart + bounds).filter { $0 > 0 && Int($0) < n }).sorted()
        let all = [0] + cuts + [UInt32(n)]
        // (With no local neurons the start and the end are both 0; either index reads an empty row.)
        let markIndex = Dictionary(all.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        // The population of targets from v on: the last population starting at or before v
        // (an empty population starts where the next does).
        let population = { (v: UInt32) in (0..<(populationStart.count - 1)).last { populationStart[$0] <= v } ?? 0 }
        var list: [DeliverySegment] = [], first: [Int] = []
        for (a, b) in zip(bounds, bounds.dropFirst()).map({ ($0, $1) }) + [(UInt32(0), UInt32(n))] {
            first.append(list.count)
            let points = all.filter { $0 >= a && $0 <= b }
            for (u, v) in zip(points, points.dropFirst()) where u < v {
                // Every point is one of `all`, so both lookups succeed.
                list.append(DeliverySegment(from: markIndex[u] ?? 0, to: markIndex[v] ?? 0, population: population(u), lo: u, hi: v))
            }
        }
        first.append(list.count)
        self.first = first
        segments = KernelBuffer(list, empty: DeliverySegment(from: 0, to: 0, population: 0, lo: 0, hi: 0))
    }


    /// The segment indices of worker w (w == workers: the serial pass).
    func range(of w: Int) -> Range<Int> { first[w]..<first[w + 1] }
}
