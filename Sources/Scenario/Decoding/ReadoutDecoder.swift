// Decoding of the trial readouts under `record:` — `bump` (the working-memory bump of a ring
// population per cue presentation) and `overlap` (cosine of population rate vectors
// between two stretches of time) — with every fault located.

import InputReading

extension ScenarioDecoder {
    func decodeReadouts(_ m: [String: NodeReader], pops: [Population], stimuli: [Stimulus], time: TimeConfig?,
                        slow: SlowClockConfig?, doses: [DoseEvent], into rc: inout RecordConfig) {
        if let b = m["bump"], let bm = b.mapping(allowed: ["population", "cue", "delay", "window", "bins",
                                                           "in_radius", "out_radius", "tolerance", "inhibitory"]) {
            let pop = populationIndex(bm.required("population", in: b), pops, what: "population")
            if let p = pop, !pops[p].ring {
                bm["population"]?.error("`record.bump` decodes an angle from preferred angles; `\(pops[p].name)` has none (give it `layout: ring`)")
            }
            var cue: Int?
            if let c = bm.required("cue", in: b), let name = c.string() {
                cue = stimuli.firstIndex { $0.name == name }
                if cue == nil {
                    c.error("`cue` must name a stimulus; \(stimuli.isEmpty ? "this scenario has none" : "stimuli: " + stimuli.map(\.name).joined(separator: ", "))")
                } else if let k = cue, stimuli[k].target.near == nil {
                    c.error("the cue `\(name)` needs `near: {angle, width}` (the angle the bump should hold)")
                } else if let k = cue, stimuli[k].timing.duration == nil {
                    c.error("the cue `\(name)` needs a `duration` or `stop`: the delay is counted from its offset")
                }
            }
            let delay = bm.required("delay", in: b)?.quantity(.time, min: 0, max: 1e9, exclusiveMin: true)
            let window = bm["window"]?.quantity(.time, min: 0, max: 1e9, exclusiveMin: true) ?? 250
            let bins = bm["bins"]?.int(min: 4, max: 3600) ?? 64
            let inR = bm["in_radius"]?.quantity(.angle, min: 0, max: 180, exclusiveMin: true) ?? 18
            let outR = bm["out_radius"]?.quantity(.angle, min: 0, max: 180) ?? 90
            let tol = bm["tolerance"]?.quantity(.angle, min: 0, max: 180) ?? 20
            let inh = bm["inhibitory"].flatMap { populationIndex($0, pops, what: "population") }
            if outR < inR { bm["out_radius"]?.error("`out_radius` (\(outR)°) must be at least `in_radius` (\(inR)°)") }
            if let d = delay, window > d { (bm["window"] ?? b).error("`window` (\(window) ms) must not exceed `delay` (\(d) ms)") }
            if let d = delay, let k = cue, let t = time, let dur = stimuli[k].timing.duration {
                let span = slow?.window ?? t.duration
                if stimuli[k].timing.start + dur + d > span + 1e-9 {
                    bm["delay"]?.error("the first trial's delay ends at \(stimuli[k].timing.start + dur + d) ms, after the \(slow == nil ? "run" : "window") ends (\(span) ms)")
                }
                if let e = stimuli[k].timing.every, dur + d > e + 1e-9 {
                    bm["delay"]?.error("cue + delay (\(dur + d) ms) is longer than the cue's repetition period (\(e) ms): trials would overlap")
                }
            }
            if let pop, let cue, let delay {
                rc.bump = BumpReadout(population: pop, cue: cue, delay: delay, window: window, bins: bins, inRadius: inR,
                                      outRadius: outR, tolerance: tol, inhibitory: inh)
            }
        }
        if let o = m["overlap"], let items = o.sequence() {
            for (i, item) in items.enumerated() {
                guard let om = item.mapping(allowed: ["name", "population", "a", "b"]) else { continue }
                let name = om["name"]?.string() ?? "overlap \(i + 1)"
                let pop = populationIndex(om.required("population", in: item), pops, what: "population")
                let a = om.required("a", in: item).flatMap { span($0, time: time, slow: slow, doses: doses) }
                let b = om.required("b", in: item).flatMap { span($0, time: time, slow: slow, doses: doses) }
                if let pop, let a, let b { rc.overlap.append(OverlapReadout(name: name, population: pop, a: a, b: b)) }
            }
        }
    }

    /// A stretch of network time [ms]: `{from, to}` on the fast clock; on the slow clock a
    /// slow-clock time naming the window that starts at or after it (its whole length).
    func span(_ r: NodeReader, time: TimeConfig?, slow: SlowClockConfig?, doses: [DoseEvent]) -> ClosedRange<Double>? {
        if let c = slow {
            guard let h = slowTime(r, doses: doses, clock: c) else { return nil }
            let windows = c.windowTimes()
            guard let k = windows.firstIndex(where: { $0 >= h - 1e-9 }) else {
                r.error("no window of the slow clock starts at or after \(fmtHours(h))"); return nil
            }
            return Double(k) * c.window...Double(k + 1) * c.window
        }
        guard let m = r.mapping(allowed: ["from", "to"]) else { return nil }
        let from = m.required("from", in: r)?.quantity(.time, min: 0, max: 1e12)
        let to = m.required("to", in: r)?.quantity(.time, min: 0, max: 1e12)
        guard let from, let to else { return nil }
        if to <= from { (m["to"] ?? r).error("`to` (\(to) ms) must come after `from` (\(from) ms)"); return nil }
        if let t = time, to > t.duration + 1e-9 { (m["to"] ?? r).error("`to` (\(to) ms) lies after the run's end (\(t.duration) ms)"); return nil }
        return from...to
    }
}
