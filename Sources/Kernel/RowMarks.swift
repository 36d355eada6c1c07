// Where each row of a synapse table crosses a few fixed target values — the first local
// neuron of each population and the bounds between the delivery workers' target ranges — so
// that delivery finds the part of a row a worker owns, and its runs of one target
// population, by reading a few indices instead of counting the row's targets.
//
// Before these marks, each delivery worker counted (16 lanes at a time) the targets of every
// arriving row below its bounds and below each population border: each of two workers read
// every row whole to find its half — 12 % of brunel-ai's run at 4·10⁵ neurons on 2 threads.
// The marks are computed once from the table (the counts move from every spike to once per
// row) and kept true by the table as it changes: an insert or a removal redoes its row,
// compaction and restore redo every row.

/// Per source row, `stride` = cuts + 2 storage indices: the row's start, for each cut c (in
/// ascending order) the first synapse whose target is ≥ c, and the row's end. A row's marks
/// are `stride` adjacent UInt32 — one cache line unless the group straddles two — where the
/// row's start and end are in two arrays (two lines).
///
/// Delivery then takes, for targets in cut-aligned ranges, the part of a row between two
/// marks: synapses are sorted by target, so mark i ≤ mark i+1 and the part is exactly the
/// synapses whose targets lie between the two cut values.
public final class RowMarks {
    /// The cut target values, ascending, each in 1 ..< local neurons.
    public let cuts: [UInt32]
    /// Marks per row: cuts.count + 2.
    public let stride: Int
    /// Row r's marks at `marks[r·stride ..< (r+1)·stride]`.
    public let marks: KernelBuffer<UInt32>

    /// The marks of every row of `table` for `cuts` (ascending, distinct), rows in blocks on
    /// up to `threads` threads (each row's marks are written by one block only).
    convenience init(_ table: SynapseTable, cuts: [UInt32], threads: Int) {
        self.init(rows: table.globalNeurons, start: table.rowStart, end: table.rowEnd, target: table.target,
                  cuts: cuts, threads: threads)
    }

    /// The marks of rows `start[r] ..< end[r]` of `target` (while a table is being built).
    init(rows: Int, start rowStart: KernelBuffer<UInt32>, end rowEnd: KernelBuffer<UInt32>, target: KernelBuffer<UInt32>,
         cuts: [UInt32], threads: Int) {
        precondition(zip(cuts, cuts.dropFirst()).allSatisfy { $0 < $1 }, "cuts must be ascending and distinct")
        self.cuts = cuts
        stride = cuts.count + 2
        marks = KernelBuffer(count: rows * stride, initial: 0)
        let blocks = threads <= 1 ? 1 : min(rows, 64 * threads)
        let (out, tgt, start, end) = (marks.shared, target.shared, rowStart.shared, rowEnd.shared)
        let (cutList, width) = (cuts, stride)
        // SAFETY: block b writes only the marks of rows b·rows/blocks ..< (b+1)·rows/blocks
        // (disjoint groups of `width` entries); the table's buffers are only read, and the
        // caller keeps them alive until the loop returns.
        ChunkedLoop.run(chunks: blocks, threads: threads) { b in
            for r in (b * rows / blocks)..<((b + 1) * rows / blocks) {
                Self.mark(row: r, into: SharedPointer(out.base + r * width), cuts: cutList, target: tgt,
                          start: Int(start[r]), end: Int(end[r]))
            }
        }
    }

    /// Redoes row r's marks after the row changed (an insert, a removal, a move).
    func update(row r: Int, of table: SynapseTable) {
        Self.mark(row: r, into: SharedPointer(marks.pointer + r * stride), cuts: cuts, target: table.target.shared,
                  start: Int(table.rowStart[r]), end: Int(table.rowEnd[r]))
    }

    /// Writes start, one index per cut, end. A binary search per cut: the marks are computed
    /// once per row, and a search touches ~log₂(row) lines of a row where a count reads all.
    private static func mark(row r: Int, into out: SharedPointer<UInt32>, cuts: [UInt32], target: SharedPointer<UInt32>,
                             start: Int, end: Int) {
        out[0] = UInt32(start)
        var lo = start
        for (i, c) in cuts.enumerated() {
            // First j in lo..<end with target[j] ≥ c (targets ascend; earlier cuts are smaller).
            var a = lo, b = end
            while a < b {
                let mid = (a + b) / 2
                if target[mid] < c { a = mid + 1 } else { b = mid }
            }
            out[i + 1] = UInt32(a)
            lo = a
        }
        out[cuts.count + 1] = UInt32(end)
    }

    /// The bytes the marks take.
    public var bytes: Int { marks.count * MemoryLayout<UInt32>.size }
}
