// Decoding of `record.lfp` and `record.bands`, with every refusal located: electrodes off
// the sheet, a sampling rate below 1 kHz or not a whole number of steps per sample, bands
// without an LFP, a Welch window shorter than 4 samples or longer than what it is
// estimated over (the record interval on the fast clock, the window on the slow clock).

import InputReading

extension ScenarioDecoder {
    static let lfpKeys = ["electrodes", "radius", "rate", "population"]

    /// Reads `lfp` and `bands` of the `record` mapping `m` into `rc`.
    /// - Parameter slowWindow: the slow clock's window after its settle [ms] (the part of a
    ///   window band powers are estimated over), nil on a fast run.
    func decodeLFPReadouts(_ m: [String: NodeReader], into rc: inout RecordConfig, sheet: Sheet?, pops: [Population],
                        time: TimeConfig?, slowWindow: Double?) {
        if let l = m["lfp"] { rc.lfp = decodeLFP(l, sheet: sheet, pops: pops, time: time) }
        guard let b = m["bands"] else { return }
        guard let bm = b.mapping(allowed: ["window"]) else { return }
        if m["lfp"] == nil {
            b.error("`record.bands` are band powers of the LFP; add `record.lfp` (electrodes) to record one")
            return
        }
        let window = bm["window"]?.quantity(.time, min: 0, exclusiveMin: true) ?? 500
        let at = bm["window"] ?? b
        let cfg = BandsConfig(window: window)
        if let lfp = rc.lfp, cfg.segmentSamples(rate: lfp.rate) < 4 {
            at.error("`record.bands.window` of \(window) ms holds \(cfg.segmentSamples(rate: lfp.rate)) LFP samples at \(lfp.rate) Hz; a Welch segment needs at least 4")
            return
        }
        if let w = slowWindow {
            if window > w + 1e-9 {
                at.error("`record.bands.window` (\(window) ms) is longer than the slow clock's window after its settle (\(w) ms), over which band powers are estimated")
                return
            }
        } else if let t = time, window > t.recordInterval + 1e-9 {
            at.error("`record.bands.window` (\(window) ms) is longer than `time.record_interval` (\(t.recordInterval) ms), over which band powers are estimated; lengthen the interval or shorten the window")
            return
        }
        if rc.lfp != nil { rc.bands = cfg }
    }

    func decodeLFP(_ r: NodeReader, sheet: Sheet?, pops: [Population], time: TimeConfig?) -> LFPConfig? {
        guard let m = r.mapping(allowed: Self.lfpKeys) else { return nil }
        let electrodes = m.required("electrodes", in: r).flatMap { decodeElectrodes($0, sheet: sheet) }
        let radius = m["radius"]?.quantity(.length, min: 0, exclusiveMin: true) ?? 250
        var rate: Double? = 1000
        if let rn = m["rate"] {
            rate = rn.quantity(.rate, min: 0, exclusiveMin: true).map { $0 * 1000 }   // 1/ms → Hz
            if let hz = rate, hz < 1000 - 1e-9 {
                rn.error("`record.lfp.rate` must be at least 1000 Hz (high gamma reaches 150 Hz); got \(hz) Hz"); rate = nil
            }
        }
        if let hz = rate, let dt = time?.dt {
            let steps = 1000 / (hz * dt)
            if steps < 1 - 1e-9 || abs(steps - steps.rounded()) > 1e-6 * steps {
                (m["rate"] ?? r).error("`record.lfp.rate` \(hz) Hz is not a whole number of steps of \(dt) ms per sample (1/(rate·dt) = \(steps)); choose a rate that divides \(1 / dt) kHz")
                rate = nil
            }
        }
        var members: [Int]?
        if let p = m["population"] {
            let items: [NodeReader]? = if case .sequence = p.node { p.sequence() } else { [p] }
            let idx = items?.map { populationIndex($0, pops, what: "`record.lfp.population`") }
            if let idx, idx.allSatisfy({ $0 != nil }) { members = idx.compactMap { $0 } }
            if let ms = members, ms.isEmpty { p.error("`record.lfp.population` must name at least one population"); members = nil }
        } else {
            members = pops.indices.filter { pops[$0].excitatory }
            if members!.isEmpty, !pops.isEmpty {
                r.error("`record.lfp` has no excitatory population to listen to; name one with `population`"); members = nil
            }
        }
        guard let electrodes, let rate, let members else { return nil }
        return LFPConfig(electrodes: electrodes, radius: radius, rate: rate, populations: members)
    }

    /// `{grid: [nx, ny]}` or a list of `[x, y]` positions [µm] (plain numbers or lengths).
    func decodeElectrodes(_ r: NodeReader, sheet: Sheet?) -> [(x: Double, y: Double)]? {
        if case .mapping = r.node {
            guard let m = r.mapping(allowed: ["grid"]), let g = m.required("grid", in: r), let items = g.sequence() else { return nil }
            guard items.count == 2 else { g.error("`\(g.path)` must be [nx, ny], two whole numbers; got \(items.count) values"); return nil }
            let n = items.compactMap { $0.int(min: 1, max: 1024) }
            guard n.count == 2, let s = sheet else { return nil }
            if n[0] * n[1] > 4096 { g.error("`\(g.path)` gives \(n[0] * n[1]) electrodes; at most 4096"); return nil }
            return LFPConfig.grid(nx: n[0], ny: n[1], width: s.width, height: s.height)
        }
        guard let items = r.sequence() else { return nil }
        if items.isEmpty { r.error("`\(r.path)` must list at least one electrode, or be {grid: [nx, ny]}"); return nil }
        if items.count > 4096 { r.error("`\(r.path)` lists \(items.count) electrodes; at most 4096"); return nil }
        var out: [(x: Double, y: Double)] = []
        var ok = true
        for item in items {
            guard let xy = item.sequence() else { ok = false; continue }
            guard xy.count == 2 else { item.error("`\(item.path)` must be [x, y] in µm; got \(xy.count) values"); ok = false; continue }
            let v = xy.compactMap(micrometres)
            guard v.count == 2 else { ok = false; continue }
            if let s = sheet, v[0] < 0 || v[0] > s.width || v[1] < 0 || v[1] > s.height {
                item.error("electrode at (\(v[0]), \(v[1])) µm lies off the sheet, which spans [0, \(s.width)] × [0, \(s.height)] µm")
                ok = false; continue
            }
            out.append((v[0], v[1]))
        }
        return ok ? out : nil
    }

    /// A position coordinate: a plain number is µm, otherwise a length with its unit.
    func micrometres(_ r: NodeReader) -> Double? {
        if let s = r.scalarText, let q = Quantity.parse(s), q.unit.isEmpty { return q.value }
        return r.quantity(.length)
    }
}
