// Decoding of the `inflammation` section with located errors: negative diffusion, a source
// or insult outside the sheet, more microglia than the sheet holds, an unknown key.

import InputReading

extension ScenarioDecoder {
    func decodeInflammation(_ r: NodeReader, sheet: Sheet?, clock: SlowClockConfig?) -> InflammationConfig? {
        guard let m = r.mapping(allowed: ["grid", "diffusion", "tau", "lps", "sources", "stress_source", "microglia",
                                          "reference", "effects", "damage"]) else { return nil }
        let hour = 3_600_000.0
        var c = InflammationConfig()
        c.periodic = sheet?.periodic ?? true
        c.cellSize = m["grid"]?.quantity(.length, min: 0, exclusiveMin: true) ?? c.cellSize
        if let d = m["diffusion"] { c.diffusion = decodeDiffusion(d) ?? c.diffusion }
        c.tau = m["tau"]?.quantity(.time, min: 0, exclusiveMin: true).map { $0 / hour } ?? c.tau
        let width = sheet?.width ?? .infinity, height = sheet?.height ?? .infinity
        if c.cellSize > min(width, height) { m["grid"]?.error("the cytokine grid cell (\(c.cellSize) µm) is larger than the sheet") }
        // The field's size and work, bounded before anything allocates or steps it (counted
        // in Doubles: a fine grid's cell count overflows an Int).
        let cells = (width / c.cellSize).rounded(.up) * (height / c.cellSize).rounded(.up)
        if cells.isFinite, cells > 4e6 {
            m["grid"]?.error("a cytokine grid of \(c.cellSize) µm cells over this sheet has \(cells.formattedCount) cells; at most 4·10⁶ — use a larger cell")
        }
        if let step = clock?.step {
            let substeps = c.diffusion * step / (c.cellSize * c.cellSize) * 6
            if substeps > 1e5 {
                (m["diffusion"] ?? m["grid"] ?? r).error("the cytokine diffusion needs \(substeps.formattedCount) explicit sub-steps per slow step (D·step/h² · 6); at most 10⁵ — a larger `grid` cell, a smaller `diffusion` or a shorter `slow_clock.step`")
            }
        }
        func position(_ n: NodeReader?) -> (Double, Double)? {
            guard let n, let items = n.sequence() else { return nil }
            guard items.count == 2, let x = items[0].quantity(.length), let y = items[1].quantity(.length) else {
                if items.count != 2 { n.error("`\(n.path)` must be [x, y], e.g. [500 um, 500 um]") }
                return nil
            }
            if x < 0 || y < 0 || x > width || y > height {
                n.error("`\(n.path)` (\(x), \(y)) µm lies outside the sheet (\(width) × \(height) µm)")
                return nil
            }
            return (x, y)
        }
        if let l = m["lps"], let items = l.sequence() {
            for item in items {
                guard let lm = item.mapping(allowed: ["at", "dose"]) else { continue }
                let at = lm["at"]?.quantity(.time, min: 0).map { $0 / hour } ?? 0
                let dose = lm.required("dose", in: item).flatMap { decodeDose($0, weight: 1) }
                if let end = clock?.duration, at >= end { lm["at"]?.error("the challenge comes after the run ends (\(fmtHours(end)))") }
                if let dose { c.lps.append((at, dose)) }
            }
        }
        if let s = m["sources"], let items = s.sequence() {
            for item in items {
                guard let sm = item.mapping(allowed: ["center", "radius", "rate", "start", "stop"]) else { continue }
                let p = position(sm.required("center", in: item))
                let radius = sm["radius"]?.quantity(.length, min: 0) ?? 0
                let rate = sm.required("rate", in: item)?.number(min: 0)
                let start = sm["start"]?.quantity(.time).map { $0 / hour } ?? 0
                let stop = sm["stop"]?.quantity(.time).map { $0 / hour } ?? .infinity
                if stop <= start { sm["stop"]?.error("`stop` must come after `start`") }
                if let p, let rate { c.sources.append(.init(x: p.0, y: p.1, radius: radius, rate: rate, start: start, stop: stop)) }
            }
        }
        c.stressSource = m["stress_source"]?.number(min: 0) ?? 0
        c.reference = m["reference"]?.number(min: 0) ?? 1
        if c.reference <= 0 { m["reference"]?.error("`reference` must be positive") }
        if let g = m["microglia"], let gm = g.mapping(allowed: ["count", "complement_tagging"]) {
            let count = gm.required("count", in: g)?.int(min: 0) ?? 0
            c.complementTagging = gm["complement_tagging"]?.bool() ?? true
            if let sh = sheet {
                // In Double: a fine grid's cell count overflows an Int (it is refused above).
                let cells = (sh.width / c.cellSize).rounded(.up) * (sh.height / c.cellSize).rounded(.up)
                let maxCount = (sh.width * sh.height / 1e6 * 1000).rounded(.down)
                if Double(count) > min(cells, maxCount) {
                    gm["count"]?.error("\(count) microglia do not fit this sheet: at most \(min(cells, maxCount).formattedCount) (one per cytokine cell and ≤ 1000 per mm²)")
                }
            }
            c.microglia = count
        }
        if let e = m["effects"], let em = e.mapping(allowed: ["formation", "loss", "bdnf", "ei_shift"]) {
            c.eiShift = em["ei_shift"]?.number(min: 0, max: 10) ?? 0
            c.formationEffect = em["formation"]?.number(min: 0, max: 1) ?? c.formationEffect
            c.lossEffect = em["loss"]?.number(min: 0) ?? c.lossEffect
            c.bdnfEffect = em["bdnf"]?.number(min: 0, max: 1) ?? c.bdnfEffect
        }
        if let d = m["damage"], let dm = d.mapping(allowed: ["insults"]) {
            c.damage = true
            if let items = dm["insults"]?.sequence() {
                for item in items {
                    guard let im = item.mapping(allowed: ["center", "radius", "start", "stop", "strength"]) else { continue }
                    let p = position(im.required("center", in: item))
                    let radius = im.required("radius", in: item)?.quantity(.length, min: 0, exclusiveMin: true)
                    let start = im["start"]?.quantity(.time).map { $0 / hour } ?? 0
                    let stop = im.required("stop", in: item)?.quantity(.time).map { $0 / hour }
                    let strength = im.required("strength", in: item)?.number(min: 0)
                    if let stop, stop <= start { im["stop"]?.error("`stop` must come after `start`") }
                    if let p, let radius, let stop, let strength {
                        c.insults.append(.init(x: p.0, y: p.1, radius: radius, start: start, stop: stop, strength: strength))
                    }
                }
            }
        }
        return c
    }

    /// "0.036 mm2/h", "36000 um2/h", "10 um2/s" → µm²/h.
    func decodeDiffusion(_ r: NodeReader) -> Double? {
        guard let s = r.string(), let q = Quantity.parse(s) else {
            r.error("`\(r.path)` must be a diffusion coefficient, e.g. \"0.036 mm2/h\""); return nil
        }
        let units: [String: Double] = ["um2/h": 1, "µm2/h": 1, "um2/s": 3600, "µm2/s": 3600, "mm2/h": 1e6, "mm2/d": 1e6 / 24,
                                       "um2/min": 60, "µm2/min": 60]
        guard let f = units[q.unit] else {
            r.error("`\(r.path)` needs a unit of area per time (um2/h, um2/s, mm2/h, mm2/d)\(Suggest.hint(q.unit, Array(units.keys))); got \"\(s)\""); return nil
        }
        guard q.value >= 0 else { r.error("`\(r.path)` must not be negative; got \"\(s)\""); return nil }
        guard q.value * f <= 1e9 else { r.error("`\(r.path)` is beyond the practical range of a diffusion coefficient (at most 1000 mm2/h); got \"\(s)\""); return nil }
        return q.value * f
    }
}
