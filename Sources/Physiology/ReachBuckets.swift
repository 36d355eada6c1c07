// Points on the sheet (tagged synapses, or microglia) sorted into square buckets at least
// one reach wide, so that everything within reach of a position lies in the 3 × 3 buckets
// around it. Stored flat (bucket offsets + items, as a compressed sparse row table), built
// once per slow step and read by every strip: a 10 000-neuron sheet offers over a million
// synapses, and a dictionary of arrays per bucket spent most of the step hashing.

/// Candidates bucketed by position for reach queries.
public struct ReachBuckets: Sendable {
    public let grid: CytokineGrid
    public let reach: Double
    let side: (x: Double, y: Double)
    let nx: Int, ny: Int
    /// Items of bucket b are items[start[b] ..< start[b + 1]], in input order.
    let start: [Int]
    let items: [SynapseCandidate]

    public init(_ points: [SynapseCandidate], grid g: CytokineGrid, reach: Double) {
        self.grid = g; self.reach = reach
        // At least the reach wide, and at most 512 buckets a side (a tiny reach must not make
        // the table grow with the sheet's area; correctness needs only side ≥ reach).
        let most = 512.0
        if g.boundary == .periodic {
            // A whole number of buckets per period, so wrapping a bucket index wraps space.
            let r = max(reach, 1)
            let kx = max(1, min(most, (g.width / r).rounded(.down))), ky = max(1, min(most, (g.height / r).rounded(.down)))
            side = (g.width / kx, g.height / ky)
            nx = Int(kx); ny = Int(ky)
        } else {
            let r = max(reach, 1, g.width / most, g.height / most)
            side = (r, r)
            nx = Int((g.width / r).rounded(.down)) + 1; ny = Int((g.height / r).rounded(.down)) + 1
        }
        var count = [Int](repeating: 0, count: nx * ny + 1)
        var bucketOf = [Int](repeating: 0, count: points.count)
        for (k, p) in points.enumerated() {
            let (bx, by) = Self.cell(p.x, p.y, side: side, nx: nx, ny: ny, periodic: g.boundary == .periodic)
            bucketOf[k] = by * nx + bx
            count[bucketOf[k] + 1] += 1
        }
        for b in 0..<nx * ny { count[b + 1] += count[b] }
        start = count
        var fill = count
        var out = points   // overwritten in bucket order
        for (k, p) in points.enumerated() {
            out[fill[bucketOf[k]]] = p
            fill[bucketOf[k]] += 1
        }
        items = out
    }

    public var count: Int { items.count }

    @inline(__always)
    static func cell(_ x: Double, _ y: Double, side: (x: Double, y: Double), nx: Int, ny: Int, periodic: Bool) -> (Int, Int) {
        let fx = (x / side.x).rounded(.down), fy = (y / side.y).rounded(.down)
        guard fx.isFinite, fy.isFinite else { return (0, 0) }
        var bx = Int(max(-1e9, min(1e9, fx))), by = Int(max(-1e9, min(1e9, fy)))
        if periodic {
            bx = (bx % nx + nx) % nx; by = (by % ny + ny) % ny
        } else {
            bx = min(max(bx, 0), nx - 1); by = min(max(by, 0), ny - 1)
        }
        return (bx, by)
    }

    /// Calls `body` for every item within reach of (x, y) (periodic distance on a periodic
    /// sheet), bucket by bucket; the order carries no meaning.
    @inline(__always)
    public func forEach(near x: Double, _ y: Double, _ body: (SynapseCandidate) -> Void) {
        let periodic = grid.boundary == .periodic
        let (bx, by) = Self.cell(x, y, side: side, nx: nx, ny: ny, periodic: periodic)
        let r2 = reach * reach
        let w = grid.width, h = grid.height
        // Up to 9 distinct buckets (fewer when a periodic sheet is under 3 buckets wide).
        var seen: [Int] = []
        seen.reserveCapacity(9)
        for dy in -1...1 {
            var cy = by + dy
            if periodic { cy = (cy % ny + ny) % ny } else if cy < 0 || cy >= ny { continue }
            for dx in -1...1 {
                var cx = bx + dx
                if periodic { cx = (cx % nx + nx) % nx } else if cx < 0 || cx >= nx { continue }
                let b = cy * nx + cx
                if seen.contains(b) { continue }
                seen.append(b)
                for k in start[b]..<start[b + 1] {
                    let s = items[k]
                    var ddx = abs(s.x - x), ddy = abs(s.y - y)
                    if periodic { ddx = min(ddx, w - ddx); ddy = min(ddy, h - ddy) }
                    if ddx * ddx + ddy * ddy <= r2 { body(s) }
                }
            }
        }
    }
}
