// A lumped pro-inflammatory cytokine concentration C(x, y, t) on a regular grid over the
// sheet, on the slow clock: diffusion in explicit sub-steps within the stability bound,
// then decay and sources integrated exactly. The grid can be cut into vertical strips
// (tiles) with one-column halos; stepping tiles with halos exchanged every sub-step gives
// the same field bit for bit as stepping the whole grid.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What happens at the sheet's edges.
public enum CytokineBoundary: String, Sendable, Equatable, Codable {
    /// No flux through the edges (a ghost cell equal to the edge cell).
    case closed
    /// The sheet wraps around in x and in y.
    case periodic
}

/// A regular grid of square cells over a sheet `width` × `height` µm.
///
/// Cell (column i, row j) covers [i·h, (i+1)·h) × [j·h, (j+1)·h); values are stored row by
/// row, index j·columns + i. The number of columns is ⌈width/h⌉ (the last column may stick
/// out of the sheet by less than a cell; positions are still limited to the sheet).
public struct CytokineGrid: Sendable, Equatable, Codable {
    public var width: Double      // [µm]
    public var height: Double     // [µm]
    public var cellSize: Double   // [µm] h
    public var boundary: CytokineBoundary
    public let columns: Int
    public let rows: Int

    /// Builds the grid; `problems` lists what is wrong (empty when valid). Invalid sizes give
    /// a 1 × 1 grid so that the value can still be inspected.
    public init(width: Double, height: Double, cellSize: Double, boundary: CytokineBoundary = .closed) {
        self.width = width; self.height = height; self.cellSize = cellSize; self.boundary = boundary
        // A grid finer than 10⁷ cells a side is invalid (`problems`), and its counts would overflow.
        let ok = width > 0 && height > 0 && cellSize > 0 && width.isFinite && height.isFinite
            && width / cellSize <= 1e7 && height / cellSize <= 1e7
        columns = ok ? max(1, Int((width / cellSize - 1e-9).rounded(.up))) : 1
        rows = ok ? max(1, Int((height / cellSize - 1e-9).rounded(.up))) : 1
    }

    public var cellCount: Int { columns * rows }
    /// Cell area h² [µm²].
    public var cellArea: Double { cellSize * cellSize }

    /// What is wrong with the grid, one message per fault (empty when valid).
    public var problems: [String] {
        var out: [String] = []
        if !(width > 0) || !width.isFinite { out.append("sheet width must be positive, got \(width) µm") }
        if !(height > 0) || !height.isFinite { out.append("sheet height must be positive, got \(height) µm") }
        if !(cellSize > 0) || !cellSize.isFinite { out.append("cytokine grid cell size must be positive, got \(cellSize) µm") }
        else if cellSize > max(width, height) {
            out.append("cytokine grid cell size \(cellSize) µm is larger than the sheet (\(width) × \(height) µm)")
        }
        if !(width / cellSize <= 1e7 && height / cellSize <= 1e7) || columns * rows > 4_000_000 {
            out.append("cytokine grid of \(columns) × \(rows) cells is too fine; use a cell size of at least \(Int((sqrt(width * height / 4e6)).rounded(.up))) µm")
        }
        return out
    }

    @inlinable public func index(column i: Int, row j: Int) -> Int { j * columns + i }

    /// Whether a position lies on the sheet.
    public func contains(x: Double, y: Double) -> Bool { x >= 0 && x <= width && y >= 0 && y <= height }

    /// Column of an x position (clamped to the grid).
    /// The column holding x, clamped to the grid (a non-finite x, which no model state should
    /// reach, gives column 0 rather than a trap).
    public func column(of x: Double) -> Int { x.isFinite ? min(columns - 1, max(0, Int((min(x, width) / cellSize).rounded(.down)))) : 0 }
    /// Row of a y position (clamped to the grid).
    public func row(of y: Double) -> Int { y.isFinite ? min(rows - 1, max(0, Int((min(y, height) / cellSize).rounded(.down)))) : 0 }
    /// Cell index of a position (clamped to the grid).
    public func cell(x: Double, y: Double) -> Int { index(column: column(of: x), row: row(of: y)) }

    /// Centre of a cell [µm].
    public func centre(column i: Int, row j: Int) -> (x: Double, y: Double) {
        ((Double(i) + 0.5) * cellSize, (Double(j) + 0.5) * cellSize)
    }

    /// The neighbour column of `i` one step to the left (−1) or right (+1): wrapped when
    /// periodic, the column itself at a closed edge (the ghost cell equals the edge cell).
    @inlinable public func neighbourColumn(_ i: Int, _ d: Int) -> Int {
        let k = i + d
        if k >= 0 && k < columns { return k }
        return boundary == .periodic ? (k + columns) % columns : i
    }

    /// The neighbour row of `j` (see `neighbourColumn`).
    @inlinable public func neighbourRow(_ j: Int, _ d: Int) -> Int {
        let k = j + d
        if k >= 0 && k < rows { return k }
        return boundary == .periodic ? (k + rows) % rows : j
    }

    /// Cuts the columns into `count` vertical strips of near-equal width (the first
    /// `columns mod count` strips one column wider), in order from x = 0.
    public func strips(_ count: Int) -> [Range<Int>] {
        let n = max(1, min(count, columns))
        let base = columns / n, extra = columns % n
        var out: [Range<Int>] = []
        var start = 0
        for k in 0..<n {
            let w = base + (k < extra ? 1 : 0)
            out.append(start..<(start + w)); start += w
        }
        return out
    }
}

/// Diffusion, decay and clearance of the lumped cytokine.
///
///     ∂C/∂t = D·∇²C − κ·C/τ + S(x, y, t)
///
/// C is an amount per µm² of sheet (lumped IL-1β/TNF-α/IL-6; its unit is arbitrary, the
/// models downstream read it relative to their thresholds), so the total amount is Σ C·h².
/// κ ≥ 0 is a multiplicative clearance factor (1 = none; an anti-inflammatory drug raises
/// it, e.g. ketamine lowering LPS-raised IL-1β/IL-6, Yang 2013 [V], by an amount that is
/// [I]).
///
/// | symbol | default | source |
/// |---|---|---|
/// | D | 3.6·10⁴ µm²/h (10 µm²/s) | a ~17–25 kDa protein diffuses at ~10² µm²/s in water [R]; brain tortuosity λ ≈ 1.6 divides it by λ² ≈ 2.6 (Nicholson & Syková 1998 [R]); binding to matrix and receptors lowers it further [I] |
/// | τ | 2 h | cytokine clearance: LPS-raised serum cytokines peak within 6 h and are back by 24 h (§3.2 [V]); the lumped lifetime is [I] |
/// | κ | 1 | no drug |
public struct CytokineParameters: Sendable, Equatable, Codable {
    public var diffusion = 3.6e4   // [µm²/h] D
    public var tau = 2.0           // [h] τ
    public var clearance = 1.0     // κ, multiplies 1/τ
    public init() {}
    public init(diffusion: Double, tau: Double, clearance: Double = 1) {
        self.diffusion = diffusion; self.tau = tau; self.clearance = clearance
    }

    /// What is wrong, one message per fault (empty when valid).
    public var problems: [String] {
        var out: [String] = []
        if !(diffusion >= 0) || !diffusion.isFinite { out.append("cytokine diffusion must be zero or positive, got \(diffusion) µm²/h") }
        if !(tau > 0) { out.append("cytokine lifetime τ must be positive, got \(tau) h") }
        if !(clearance >= 0) || !clearance.isFinite { out.append("cytokine clearance factor must be zero or positive, got \(clearance)") }
        return out
    }

    /// Decay rate κ/τ [1/h].
    public var decayRate: Double { clearance / tau }
}

/// A source at a position: `rate` amount per hour from `start` to `stop` [h], spread evenly
/// over the cells whose centres lie within `radius` µm (the containing cell when none does).
public struct CytokineSource: Sendable, Equatable, Codable {
    public var x: Double          // [µm]
    public var y: Double          // [µm]
    public var radius: Double     // [µm]; 0 = a point
    public var rate: Double       // [amount/h]
    public var start: Double      // [h]
    public var stop: Double       // [h]
    public init(x: Double, y: Double, radius: Double = 0, rate: Double, start: Double = 0, stop: Double = .infinity) {
        self.x = x; self.y = y; self.radius = radius; self.rate = rate; self.start = start; self.stop = stop
    }

    /// Fraction of [t, t + dt] during which the source is on.
    public func onFraction(from t: Double, dt: Double) -> Double {
        guard dt > 0 else { return t >= start && t < stop ? 1 : 0 }
        return max(0, min(t + dt, stop) - max(t, start)) / dt
    }

    /// The cells the source feeds.
    public func cells(on grid: CytokineGrid) -> [Int] {
        var out: [Int] = []
        if radius > 0 {
            let r2 = radius * radius
            let i0 = grid.column(of: x - radius), i1 = grid.column(of: x + radius)
            let j0 = grid.row(of: y - radius), j1 = grid.row(of: y + radius)
            for j in j0...j1 {
                for i in i0...i1 {
                    let c = grid.centre(column: i, row: j)
                    let dx = c.x - x, dy = c.y - y
                    if dx * dx + dy * dy <= r2 { out.append(grid.index(column: i, row: j)) }
                }
            }
        }
        if out.isEmpty { out.append(grid.cell(x: x, y: y)) }
        return out
    }

    /// What is wrong with this source on `grid`, one message per fault.
    public func problems(on grid: CytokineGrid) -> [String] {
        var out: [String] = []
        if !grid.contains(x: x, y: y) {
            out.append("cytokine source at (\(x), \(y)) µm lies outside the sheet (0…\(grid.width) × 0…\(grid.height) µm)")
        }
        if !(radius >= 0) { out.append("cytokine source radius must be zero or positive, got \(radius) µm") }
        if !(rate >= 0) || !rate.isFinite { out.append("cytokine source rate must be zero or positive, got \(rate) per h") }
        if !(stop >= start) { out.append("cytokine source stops (\(stop) h) before it starts (\(start) h)") }
        return out
    }
}

/// A uniform input over the whole sheet given as samples (times [h], values [amount/µm²/h]),
/// linear between samples and held at the end values outside them.
public struct SystemicInput: Sendable, Equatable, Codable {
    public var times: [Double]
    public var values: [Double]
    public init(times: [Double], values: [Double]) { self.times = times; self.values = values }
    public static let none = SystemicInput(times: [], values: [])

    public var problems: [String] {
        var out: [String] = []
        if times.count != values.count { out.append("systemic cytokine input has \(times.count) times but \(values.count) values") }
        if zip(times, times.dropFirst()).contains(where: { !($0 < $1) }) { out.append("systemic cytokine input times must increase") }
        if values.contains(where: { !($0 >= 0) }) { out.append("systemic cytokine input values must be zero or positive") }
        return out
    }

    /// The input at time t.
    public func value(at t: Double) -> Double {
        guard let first = times.first, let last = times.last else { return 0 }
        if t <= first { return values[0] }
        if t >= last { return values[values.count - 1] }
        var lo = 0, hi = times.count - 1
        while hi - lo > 1 { let m = (lo + hi) / 2; if times[m] <= t { lo = m } else { hi = m } }
        let f = (t - times[lo]) / (times[hi] - times[lo])
        return values[lo] + f * (values[hi] - values[lo])
    }

    /// The mean of the input over [a, b] (exact for the piecewise-linear function).
    public func average(from a: Double, to b: Double) -> Double {
        guard b > a else { return value(at: a) }
        guard !times.isEmpty else { return 0 }
        // Integrate piecewise: knots inside (a, b) split the interval into linear pieces.
        var knots = [a]
        for t in times where t > a && t < b { knots.append(t) }
        knots.append(b)
        var total = 0.0
        for k in 0..<(knots.count - 1) {
            total += 0.5 * (value(at: knots[k]) + value(at: knots[k + 1])) * (knots[k + 1] - knots[k])
        }
        return total / (b - a)
    }
}

/// Everything that feeds the field.
public struct CytokineSources: Sendable, Equatable, Codable {
    public var points: [CytokineSource]
    public var systemic: SystemicInput
    public init(points: [CytokineSource] = [], systemic: SystemicInput = .none) {
        self.points = points; self.systemic = systemic
    }

    public func problems(on grid: CytokineGrid) -> [String] {
        points.flatMap { $0.problems(on: grid) } + systemic.problems
    }

    /// The source density averaged over [t, t + dt] for every cell of `grid`
    /// [amount/µm²/h], plus `cells` (per-cell source densities, e.g. from microglia or dead
    /// neurons, already in amount/µm²/h; empty = none).
    public func rates(on grid: CytokineGrid, from t: Double, dt: Double, adding cells: [Double] = []) -> [Double] {
        let s = systemic.average(from: t, to: t + dt)
        var out = [Double](repeating: s, count: grid.cellCount)
        for p in points {
            let f = p.onFraction(from: t, dt: dt)
            guard f > 0 else { continue }
            let cs = p.cells(on: grid)
            let density = p.rate * f / (Double(cs.count) * grid.cellArea)
            for c in cs { out[c] += density }
        }
        if !cells.isEmpty {
            precondition(cells.count == grid.cellCount, "per-cell cytokine sources must have one value per grid cell")
            for c in 0..<out.count { out[c] += cells[c] }
        }
        return out
    }
}

/// The explicit diffusion sub-steps of one slow step: `count` sub-steps of ratio
/// r = D·(dt/count)/h² ≤ 1/6.
///
/// The 5-point scheme is stable and positive for r ≤ 1/4 (its amplification factor
/// 1 − 4r·(sin²(k_x·h/2) + sin²(k_y·h/2)) stays within [−1, 1]), but at r = 1/4 a cell's own
/// weight vanishes and the chequerboard mode is amplified by exactly −1: a point source then
/// lives on alternate cells only. r ≤ 1/6 keeps the own weight ≥ 1/3 and damps that mode
/// (factor ≥ −1/3), at 1.5× the sub-steps.
public struct DiffusionSubsteps: Sendable, Equatable {
    public static let maxRatio = 1.0 / 6
    public let count: Int
    public let ratio: Double
    public init(dt: Double, diffusion: Double, cellSize: Double) {
        let total = diffusion * dt / (cellSize * cellSize)
        count = total > 0 ? max(1, Int((total / Self.maxRatio - 1e-12).rounded(.up))) : 0
        ratio = count > 0 ? total / Double(count) : 0
    }
}

/// One cell's explicit diffusion update from its four neighbours. Every path (whole grid
/// or tile) calls this with the operands in the same order, so results agree bit for bit.
/// Each flux r·(C_n − C) appears with the opposite sign in the neighbour, so the scheme
/// conserves Σ C up to rounding.
@inlinable @inline(__always)
func diffused(_ c: Double, left: Double, right: Double, down: Double, up: Double, ratio r: Double) -> Double {
    c + r * (((left - c) + (right - c)) + ((down - c) + (up - c)))
}

/// Decay and sources for one cell over dt, exact for a constant source density s:
/// C ← C·e^{−k·dt} + s·(1 − e^{−k·dt})/k (s·dt when k = 0).
@inlinable @inline(__always)
func reacted(_ c: Double, source s: Double, decay e: Double, gain g: Double) -> Double {
    c * e + s * g
}

/// Decay factor and source gain of one step: e = e^{−k·dt}, g = (1 − e)/k (dt when k = 0).
func reactionFactors(rate k: Double, dt: Double) -> (decay: Double, gain: Double) {
    if k > 0 { return (exp(-k * dt), -expm1(-k * dt) / k) }
    return (1, dt)
}

/// The cytokine concentration on a grid.
///
/// A step of dt hours is split (Lie splitting): first diffusion, in `DiffusionSubsteps`
/// explicit sub-steps with r = D·dt_sub/h² ≤ 1/6 (inside the stability bound 1/4) —
/// stable and positivity-preserving for any dt (the sub-step count grows with dt instead)
/// and conservative, so diffusion alone keeps Σ C·h² to rounding with closed or periodic
/// edges; then decay and sources, integrated exactly for the step (decay factor e^{−κ·dt/τ}). The decay commutes with diffusion (it is
/// uniform), so splitting error comes only from sources that vary in space; an explicit
/// scheme rather than an implicit one because it needs no linear solve and its halo
/// exchange is one column per sub-step, which is what tiles on separate shards can do.
public struct CytokineField: Sendable, Equatable, Codable {
    public let grid: CytokineGrid
    public var parameters: CytokineParameters
    /// C per cell [amount/µm²], row by row.
    public var values: [Double]

    /// A field at zero. Throws `PhysiologyError` listing every fault of grid and parameters.
    public init(grid: CytokineGrid, parameters: CytokineParameters = CytokineParameters()) throws {
        let problems = grid.problems + parameters.problems
        if !problems.isEmpty { throw PhysiologyError(problems) }
        self.grid = grid; self.parameters = parameters
        values = [Double](repeating: 0, count: grid.cellCount)
    }

    /// C at a cell.
    public subscript(column i: Int, row j: Int) -> Double {
        get { values[grid.index(column: i, row: j)] }
        set { values[grid.index(column: i, row: j)] = newValue }
    }

    /// C in the cell containing (x, y) [amount/µm²].
    public func value(x: Double, y: Double) -> Double { values[grid.cell(x: x, y: y)] }

    /// Total amount Σ C·h², summed with compensation (so the sum itself adds no drift).
    public var total: Double {
        var s = 0.0, comp = 0.0
        for v in values {
            let y = v * grid.cellArea - comp
            let t = s + y
            comp = (t - s) - y
            s = t
        }
        return s
    }

    /// Adds an amount at a position (into its cell).
    public mutating func inject(amount: Double, x: Double, y: Double) {
        values[grid.cell(x: x, y: y)] += amount / grid.cellArea
    }

    /// Advances by dt hours. `rates` is the source density averaged over the step per cell
    /// [amount/µm²/h] (from `CytokineSources.rates`; empty = no sources).
    public mutating func step(dt: Double, rates: [Double] = []) {
        let sub = DiffusionSubsteps(dt: dt, diffusion: parameters.diffusion, cellSize: grid.cellSize)
        for _ in 0..<sub.count { diffuse(ratio: sub.ratio) }
        react(dt: dt, rates: rates)
    }

    /// Advances from t to t + dt with the given sources plus per-cell source densities.
    public mutating func step(dt: Double, at t: Double, sources: CytokineSources, cells: [Double] = []) {
        step(dt: dt, rates: sources.rates(on: grid, from: t, dt: dt, adding: cells))
    }

    /// One explicit diffusion sub-step of the whole grid.
    public mutating func diffuse(ratio r: Double) {
        let nx = grid.columns, ny = grid.rows
        let old = values
        values.withUnsafeMutableBufferPointer { out in
            old.withUnsafeBufferPointer { c in
                for j in 0..<ny {
                    let jd = grid.neighbourRow(j, -1), ju = grid.neighbourRow(j, 1)
                    for i in 0..<nx {
                        let il = grid.neighbourColumn(i, -1), ir = grid.neighbourColumn(i, 1)
                        out[j * nx + i] = diffused(c[j * nx + i], left: c[j * nx + il], right: c[j * nx + ir],
                                                   down: c[jd * nx + i], up: c[ju * nx + i], ratio: r)
                    }
                }
            }
        }
    }

    /// Decay and sources over dt for every cell (exact for constant rates).
    public mutating func react(dt: Double, rates: [Double] = []) {
        let f = reactionFactors(rate: parameters.decayRate, dt: dt)
        if rates.isEmpty {
            for c in 0..<values.count { values[c] = reacted(values[c], source: 0, decay: f.decay, gain: f.gain) }
        } else {
            precondition(rates.count == values.count, "cytokine source rates must have one value per grid cell")
            for c in 0..<values.count { values[c] = reacted(values[c], source: rates[c], decay: f.decay, gain: f.gain) }
        }
    }

    // MARK: Tiles

    /// The strip `columns` with one halo column on each side, filled from this field.
    public func tile(columns: Range<Int>) -> CytokineTile {
        precondition(!columns.isEmpty && columns.lowerBound >= 0 && columns.upperBound <= grid.columns, "tile columns outside the grid")
        var t = CytokineTile(grid: grid, parameters: parameters, columns: columns)
        for j in 0..<grid.rows {
            for i in columns { t[column: i, row: j] = self[column: i, row: j] }
        }
        t.setHalo(left: column(grid.neighbourColumn(columns.lowerBound, -1)),
                  right: column(grid.neighbourColumn(columns.upperBound - 1, 1)))
        return t
    }

    /// Copies a tile's interior cells back into the field.
    public mutating func insert(_ t: CytokineTile) {
        for j in 0..<grid.rows {
            for i in t.columns { self[column: i, row: j] = t[column: i, row: j] }
        }
    }

    /// Column i, bottom to top.
    public func column(_ i: Int) -> [Double] { (0..<grid.rows).map { self[column: i, row: $0] } }
}

/// A vertical strip of the cytokine field with one halo column on each side.
///
/// The halo holds the neighbouring strips' edge columns (wrapped when periodic) or, at a
/// closed edge, the strip's own edge column, so that the shared update `diffused` sees the
/// same operands as on the whole grid. Exchange halos before every diffusion sub-step
/// (`CytokineTile.exchangeHalos` for tiles held together, or `edge`/`setHalo` between shards).
public struct CytokineTile: Sendable, Equatable, Codable {
    public let grid: CytokineGrid
    public var parameters: CytokineParameters
    /// Interior global columns.
    public let columns: Range<Int>
    /// (width + 2) × rows values, row by row; local column 0 is the left halo.
    public var values: [Double]

    public init(grid: CytokineGrid, parameters: CytokineParameters, columns: Range<Int>) {
        self.grid = grid; self.parameters = parameters; self.columns = columns
        values = [Double](repeating: 0, count: (columns.count + 2) * grid.rows)
    }

    var stride: Int { columns.count + 2 }

    /// Value at a global column and row: an interior column, or the column a halo stands
    /// for (the grid's neighbour column of the strip's edge, so wrapped when periodic).
    public subscript(column i: Int, row j: Int) -> Double {
        get { values[j * stride + local(i)] }
        set { values[j * stride + local(i)] = newValue }
    }

    /// Local column of a global column (interior first; then the halos).
    func local(_ i: Int) -> Int {
        if columns.contains(i) { return i - columns.lowerBound + 1 }
        if i == grid.neighbourColumn(columns.lowerBound, -1) { return 0 }
        if i == grid.neighbourColumn(columns.upperBound - 1, 1) { return stride - 1 }
        preconditionFailure("column \(i) is neither inside strip \(columns) nor in its halo")
    }

    /// The interior edge column on one side (−1 left, +1 right), bottom to top.
    public func edge(_ side: Int) -> [Double] {
        let local = side < 0 ? 1 : columns.count
        return (0..<grid.rows).map { values[$0 * stride + local] }
    }

    /// Sets the halo columns.
    public mutating func setHalo(left: [Double], right: [Double]) {
        for j in 0..<grid.rows {
            values[j * stride] = left[j]
            values[j * stride + stride - 1] = right[j]
        }
    }

    /// Fills every tile's halos from its neighbours (tiles in strip order, covering the grid).
    public static func exchangeHalos(_ tiles: inout [CytokineTile]) {
        let n = tiles.count
        guard n > 0 else { return }
        let periodic = tiles[0].grid.boundary == .periodic
        let lefts = tiles.map { $0.edge(-1) }, rights = tiles.map { $0.edge(1) }
        for k in 0..<n {
            let left = k > 0 ? rights[k - 1] : (periodic ? rights[n - 1] : lefts[k])
            let right = k < n - 1 ? lefts[k + 1] : (periodic ? lefts[0] : rights[k])
            tiles[k].setHalo(left: left, right: right)
        }
    }

    /// One explicit diffusion sub-step of the interior (halos must be current).
    public mutating func diffuse(ratio r: Double) {
        let w = columns.count, ny = grid.rows, s = stride
        let old = values
        values.withUnsafeMutableBufferPointer { out in
            old.withUnsafeBufferPointer { c in
                for j in 0..<ny {
                    let jd = grid.neighbourRow(j, -1), ju = grid.neighbourRow(j, 1)
                    for l in 1...w {
                        out[j * s + l] = diffused(c[j * s + l], left: c[j * s + l - 1], right: c[j * s + l + 1],
                                                  down: c[jd * s + l], up: c[ju * s + l], ratio: r)
                    }
                }
            }
        }
    }

    /// Decay and sources over dt for the interior. `rates` covers the whole grid (as from
    /// `CytokineSources.rates`) or is empty.
    public mutating func react(dt: Double, rates: [Double] = []) {
        let f = reactionFactors(rate: parameters.decayRate, dt: dt)
        for j in 0..<grid.rows {
            for i in columns {
                let s = rates.isEmpty ? 0 : rates[grid.index(column: i, row: j)]
                self[column: i, row: j] = reacted(self[column: i, row: j], source: s, decay: f.decay, gain: f.gain)
            }
        }
    }

    /// Interior value in the cell containing (x, y), if that cell is in this strip.
    public func value(x: Double, y: Double) -> Double? {
        let i = grid.column(of: x)
        return columns.contains(i) ? self[column: i, row: grid.row(of: y)] : nil
    }

    /// Steps tiles that together cover the grid (in strip order) by dt, exchanging halos
    /// before every diffusion sub-step: the same field, bit for bit, as `CytokineField.step`.
    public static func step(_ tiles: inout [CytokineTile], dt: Double, rates: [Double] = []) {
        guard let first = tiles.first else { return }
        let sub = DiffusionSubsteps(dt: dt, diffusion: first.parameters.diffusion, cellSize: first.grid.cellSize)
        for _ in 0..<sub.count {
            exchangeHalos(&tiles)
            for k in tiles.indices { tiles[k].diffuse(ratio: sub.ratio) }
        }
        for k in tiles.indices { tiles[k].react(dt: dt, rates: rates) }
        exchangeHalos(&tiles)
    }
}

/// Systemic cytokine input after one LPS dose: a gamma-shaped pulse
///
///     I(t) = A·(s/t_p)^k·exp(k·(1 − s/t_p)),   s = t − t₀ ≥ 0 (0 before the dose)
///
/// which rises from zero, peaks (value A) t_p after the dose and falls faster than
/// exponentially; through the field's decay (τ) it gives a cytokine level that peaks a
/// little after t_p and is back near baseline within a day.
///
/// | symbol | default | source |
/// |---|---|---|
/// | t_p | 2 h | serum cytokines peak within 6 h of systemic LPS (rat, PMC4967699 [V]); TNF-α earliest, IL-6 later [R]; the lumped input peak is [I] |
/// | k | 2 | pulse shape [I]; with τ = 2 h the level peaks at ~3.6 h and is < 1 % of the peak by 24 h, as "baseline by 24 h" (§3.2 [V]) needs |
/// | A | 3 amount/µm²/h at the reference dose | scale [I], chosen so that the standard dose activates microglia (activation threshold 1): microglia change within 2 days of one LPS dose (Kondo 2011 [V]); scales linearly with dose/reference dose [I] |
/// | reference dose | 0.83 mg/kg i.p. | the standard mouse dose (§3.2 [V]) |
public struct LPSChallenge: Sendable, Equatable, Codable {
    public var time: Double           // [h] t₀, dose time
    public var dose: Double           // [mg/kg]
    public var referenceDose = 0.83   // [mg/kg]
    public var amplitude = 3.0        // [amount/µm²/h] A at the reference dose
    public var peakDelay = 2.0        // [h] t_p
    public var shape = 2.0            // k
    public init(time: Double = 0, dose: Double = 0.83) { self.time = time; self.dose = dose }

    public var problems: [String] {
        var out: [String] = []
        if !(dose >= 0) { out.append("LPS dose must be zero or positive, got \(dose) mg/kg") }
        if !(peakDelay > 0) { out.append("LPS input peak delay must be positive, got \(peakDelay) h") }
        if !(shape > 0) { out.append("LPS input shape must be positive, got \(shape)") }
        return out
    }

    /// Systemic input at time t [amount/µm²/h].
    public func input(at t: Double) -> Double {
        let s = t - time
        guard s > 0 else { return 0 }
        let u = s / peakDelay
        return amplitude * dose / referenceDose * pow(u, shape) * exp(shape * (1 - u))
    }

    /// The input sampled every `interval` hours from the dose to `duration` hours after it,
    /// for `CytokineSources.systemic`.
    public func samples(duration: Double = 48, interval: Double = 1.0 / 12) -> SystemicInput {
        let n = max(1, Int((duration / interval).rounded(.up)))
        let times = (0...n).map { time + Double($0) * interval }
        return SystemicInput(times: times, values: times.map(input(at:)))
    }
}
