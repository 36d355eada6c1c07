// Decoding of `stimuli:` — stimulus protocols, optogenetic and chemogenetic silencing and
// activation — with every fault located (file:line:column) before any work starts.
//
// Opsin and DREADD presets (override with `conductance`, `reversal`, `current`):
//
// | preset              | acts as                          | default                  | source |
// |---------------------|----------------------------------|--------------------------|--------|
// | `opsin: gtacr2`     | light-gated Cl⁻ channel: shunt   | g = 10 nS, E = −70 mV    | Govorunova et al. 2015 Science 349:647 (E_rev ≈ E_Cl) |
// | `opsin: archt`      | light-driven H⁺ pump: outward I  | I = −200 pA              | Han et al. 2011 Front Syst Neurosci 5:18 (photocurrents of a few hundred pA) |
// | `opsin: chr2`       | light-gated cation channel       | g = 2 nS, E = 0 mV       | Boyden et al. 2005 Nat Neurosci 8:1263 |
// | `receptor: hm4di`   | Gi DREADD opening GIRK channels  | g = 1 nS, E = −90 mV     | Armbruster et al. 2007 PNAS 104:5163 |
// | `receptor: hm3dq`   | Gq DREADD, depolarising          | I = +30 pA               | Alexander et al. 2009 Neuron 63:27 |
//
// The magnitudes are typical of the cited recordings, not fits; a user sets them for the
// preparation in question.

import InputReading

extension ScenarioDecoder {
    static let stimulusKeys = ["name", "population", "region", "near", "poisson", "current", "pulse", "sine",
                               "optogenetic", "chemogenetic", "start", "stop", "duration", "every", "count",
                               "at", "from", "to"]
    static let stimulusInputs = ["poisson", "current", "pulse", "sine", "optogenetic", "chemogenetic"]
    /// Presentations one stimulus may have (each is a run event at its onset and offset).
    static let maxPresentations = 100_000

    /// `slow`: the slow clock, if any; `doses`: its doses, for "… after dose N".
    func decodeStimuli(_ r: NodeReader, pops: [Population], sheet: Sheet?, time: TimeConfig?,
                       slow: SlowClockConfig?, doses: [DoseEvent]) -> [Stimulus] {
        guard let items = r.sequence() else { return [] }
        var out: [Stimulus] = []
        var names: Set<String> = []
        for (index, item) in items.enumerated() {
            guard let m = item.mapping(allowed: Self.stimulusKeys) else { continue }
            let name = m["name"]?.string() ?? "stimulus \(index + 1)"
            if names.contains(name) { m["name"]?.error("stimulus name `\(name)` is used twice") }
            names.insert(name)
            let pop = populationIndex(m.required("population", in: item), pops, what: "population")
            // Target.
            var region: SheetShape?
            if let rg = m["region"] { region = decodeShape(rg, sheet: sheet) }
            var near: AngleWindow?
            if let nr = m["near"], let nm = nr.mapping(allowed: ["angle", "width", "rotate"]) {
                let angle = nm.required("angle", in: nr)?.quantity(.angle, min: -360, max: 360)
                let width = nm.required("width", in: nr)?.quantity(.angle, min: 0, max: 360, exclusiveMin: true)
                let rotate = nm["rotate"]?.quantity(.angle, min: -360, max: 360) ?? 0
                if let p = pop, !pops[p].ring {
                    nr.error("`near` picks neurons by preferred angle; population `\(pops[p].name)` has no angles (give it `layout: ring`)")
                }
                if let angle, let width { near = AngleWindow(angle: angle, width: width, rotate: rotate) }
            }
            if region != nil, near != nil {
                item.error("give either `region` (a part of the sheet) or `near` (preferred angles), not both")
            }
            if let p = pop, pops[p].ring, region != nil {
                m["region"]?.error("population `\(pops[p].name)` is laid on a ring; aim at it with `near: {angle, width}`, not a sheet region")
            }
            // Input.
            let given = Self.stimulusInputs.filter { m[$0] != nil }
            if given.count != 1 {
                item.error(given.isEmpty
                    ? "a stimulus needs one of \(Self.stimulusInputs.map { "`\($0)`" }.joined(separator: ", "))"
                    : "a stimulus has one input; this one gives \(given.map { "`\($0)`" }.joined(separator: " and "))")
            }
            var input: Stimulus.Input?
            var pulseWidth: Double?
            if let key = given.first, let n = m[key] {
                switch key {
                case "poisson":
                    if let pm = n.mapping(allowed: ["rate", "weight", "receptor"]) {
                        let rate = pm.required("rate", in: n)?.quantity(.rate, min: 0, max: 1000, exclusiveMin: true)
                        let weight = pm.required("weight", in: n)?.quantity(.conductance, min: 0, max: 1000, exclusiveMin: true)
                        let receptor = pm["receptor"]?.choice(Receptor.allCases.map(\.rawValue)).flatMap(Receptor.init(rawValue:)) ?? .ampa
                        if let rate, let weight { input = .poisson(rate: rate, weight: weight, receptor: receptor) }
                    }
                case "current":
                    input = n.quantity(.current, min: -1e6, max: 1e6).map { .current($0) }
                case "pulse":
                    if let pm = n.mapping(allowed: ["amplitude", "width"]) {
                        let a = pm.required("amplitude", in: n)?.quantity(.current, min: -1e6, max: 1e6)
                        pulseWidth = pm.required("width", in: n)?.quantity(.time, min: 0, max: 1e6, exclusiveMin: true)
                        if let a { input = .current(a) }
                        for k in ["stop", "duration"] where m[k] != nil {
                            m[k]?.error("a `pulse` lasts its `width`; remove `\(k)`")
                        }
                    }
                case "sine":
                    if let sm = n.mapping(allowed: ["amplitude", "frequency", "phase", "offset"]) {
                        let a = sm.required("amplitude", in: n)?.quantity(.current, min: -1e6, max: 1e6)
                        let f = sm.required("frequency", in: n)?.quantity(.rate, min: 0, max: 1000, exclusiveMin: true)
                        let phase = sm["phase"]?.quantity(.angle, min: -360, max: 360) ?? 0
                        let offset = sm["offset"]?.quantity(.current, min: -1e6, max: 1e6) ?? 0
                        if let f, let dt = time?.dt, f * dt > 0.5 {
                            sm["frequency"]?.error("`frequency` \(f * 1000) Hz is above the Nyquist frequency of dt = \(dt) ms (\(0.5 / dt * 1000) Hz)")
                        }
                        if let a, let f { input = .sine(amplitude: a, frequency: f, phase: phase * .pi / 180, offset: offset) }
                    }
                case "optogenetic":
                    input = decodePreset(n, key: "opsin", presets: [
                        "gtacr2": .conductance(g: 10, reversal: -70), "archt": .current(-200), "chr2": .conductance(g: 2, reversal: 0)])
                default:
                    input = decodePreset(n, key: "receptor", presets: [
                        "hm4di": .conductance(g: 1, reversal: -90), "hm3dq": .current(30)])
                }
            }
            // Timing.
            let timing = decodeStimulusTiming(m, item: item, pulseWidth: pulseWidth, time: time, slow: slow, doses: doses)
            guard let pop, let input, let timing else { continue }
            let s = Stimulus(name: name, kind: given.first ?? "", input: input,
                             target: Stimulus.Target(population: pop, region: region, near: near), timing: timing)
            if let t = time {
                let span = slow?.window ?? t.duration
                let n = s.presentations(until: span, limit: Self.maxPresentations + 1).count
                let windows = slow.map { c in c.windowTimes().filter { h in
                    (timing.windowsFrom.map { h >= $0 - 1e-9 } ?? true) && (timing.windowsTo.map { h < $0 - 1e-9 } ?? true) }.count } ?? 1
                // (A start after the run's or window's end is reported with the timing.)
                if n * windows > Self.maxPresentations {
                    (m["every"] ?? item).error("this stimulus has more than \(Self.maxPresentations) presentations; repeat it less often or set `count`")
                } else if windows == 0 {
                    (m["from"] ?? m["at"] ?? item).error("no window of the slow clock falls in this stimulus's time range")
                }
            }
            out.append(s)
        }
        return out
    }

    /// An opsin or DREADD preset, with `conductance`, `reversal` or `current` overriding it.
    func decodePreset(_ n: NodeReader, key: String, presets: [String: Stimulus.Input]) -> Stimulus.Input? {
        guard let m = n.mapping(allowed: [key, "conductance", "reversal", "current"]) else { return nil }
        guard let name = m.required(key, in: n)?.choice(presets.keys.sorted()), var input = presets[name] else { return nil }
        let g = m["conductance"]?.quantity(.conductance, min: 0, max: 1e4)
        let e = m["reversal"]?.quantity(.voltage, min: -200, max: 200)
        let i = m["current"]?.quantity(.current, min: -1e6, max: 1e6)
        switch input {
        case let .conductance(g0, e0):
            if m["current"] != nil { m["current"]?.error("`\(name)` acts through a conductance; set `conductance` and `reversal`, not `current`") }
            input = .conductance(g: g ?? g0, reversal: e ?? e0)
        default:
            for k in ["conductance", "reversal"] where m[k] != nil {
                m[k]?.error("`\(name)` acts as a current; set `current`, not `\(k)`")
            }
            if let i { input = .current(i) }
        }
        return input
    }

    /// A disc `{center: [x, y], radius}` or a rectangle `{from: [x0, y0], to: [x1, y1]}`
    /// inside the sheet.
    func decodeShape(_ r: NodeReader, sheet: Sheet?) -> SheetShape? {
        guard let m = r.mapping(allowed: ["center", "radius", "from", "to"]) else { return nil }
        func point(_ key: String) -> (Double, Double)? {
            guard let n = m.required(key, in: r), let xy = n.sequence() else { return nil }
            guard xy.count == 2 else { n.error("`\(n.path)` must be [x, y], e.g. [\"500 um\", \"500 um\"]"); return nil }
            guard let x = xy[0].quantity(.length, min: 0, max: 1e5), let y = xy[1].quantity(.length, min: 0, max: 1e5) else { return nil }
            if let s = sheet, x > s.width || y > s.height {
                n.error("`\(n.path)` lies outside the sheet (\(s.width) × \(s.height) µm)")
                return nil
            }
            return (x, y)
        }
        if m["center"] != nil || m["radius"] != nil {
            for k in ["from", "to"] where m[k] != nil { m[k]?.error("a disc has `center` and `radius`; `\(k)` belongs to a rectangle") }
            let c = point("center")
            let radius = m.required("radius", in: r)?.quantity(.length, min: 0, max: 1e5, exclusiveMin: true)
            guard let c, let radius else { return nil }
            return .disc(x: c.0, y: c.1, radius: radius)
        }
        guard let a = point("from"), let b = point("to") else { return nil }
        if b.0 <= a.0 || b.1 <= a.1 {
            m["to"]?.error("a rectangle's `to` must lie above and to the right of `from` ([\(a.0), \(a.1)] µm)")
            return nil
        }
        return .rectangle(x0: a.0, y0: a.1, x1: b.0, y1: b.1)
    }

    /// start, stop | duration, every, count; on the slow clock also from, to, at (slow-clock
    /// time, "36 h" or "24 h after dose 1"), selecting the windows the stimulus runs in.
    func decodeStimulusTiming(_ m: [String: NodeReader], item: NodeReader, pulseWidth: Double?, time: TimeConfig?,
                              slow: SlowClockConfig?, doses: [DoseEvent]) -> Stimulus.Timing? {
        let start = m["start"]?.quantity(.time, min: 0, max: 1e12) ?? 0
        var duration = pulseWidth
        if let st = m["stop"] {
            if m["duration"] != nil { st.error("give either `stop` or `duration`, not both") }
            if let stop = st.quantity(.time, min: 0, max: 1e12) {
                if stop <= start { st.error("`stop` (\(stop) ms) must come after `start` (\(start) ms)") } else { duration = stop - start }
            }
        }
        if let d = m["duration"]?.quantity(.time, min: 0, max: 1e12, exclusiveMin: true) { duration = d }
        if let d = duration, let dt = time?.dt, d < dt - 1e-12 {
            (m["duration"] ?? m["pulse"] ?? item).error("the stimulus lasts \(d) ms, less than one time step (dt = \(dt) ms)")
        }
        let every = m["every"]?.quantity(.time, min: 0, max: 1e12, exclusiveMin: true)
        let count = m["count"]?.int(min: 1, max: Self.maxPresentations)
        if m["count"] != nil, every == nil { m["count"]?.error("`count` repeats a stimulus; give `every` as well") }
        if let e = every {
            if let d = duration, e < d - 1e-9 {
                m["every"]?.error("`every` (\(e) ms) is shorter than one presentation (\(d) ms); presentations of one stimulus must not overlap")
            }
            if duration == nil { m["every"]?.error("a repeated stimulus needs `duration` or `stop` (each presentation's length)") }
        }
        var from: Double?, to: Double?
        if let c = slow {
            let windows = c.windowTimes()
            if let at = m["at"] {
                for k in ["from", "to"] where m[k] != nil { m[k]?.error("give either `at` (one window) or `from`/`to` (a range of windows), not both") }
                if let h = slowTime(at, doses: doses, clock: c) {
                    if let w = windows.first(where: { $0 >= h - 1e-9 }) {
                        from = w; to = windows.first(where: { $0 > w + 1e-9 }) ?? c.duration + 1
                    } else {
                        at.error("no window of the slow clock starts at or after \(fmtHours(h)) (the last starts at \(fmtHours(windows.last ?? 0)))")
                    }
                }
            }
            if let f = m["from"] { from = slowTime(f, doses: doses, clock: c) }
            if let t = m["to"] { to = slowTime(t, doses: doses, clock: c) }
            if let a = from, let b = to, b <= a { (m["to"] ?? item).error("`to` (\(fmtHours(b))) must come after `from` (\(fmtHours(a)))") }
            if start >= c.window { (m["start"] ?? item).error("on the slow clock `start` counts from each window's start; it must be shorter than the window (\(c.window) ms)") }
        } else {
            for k in ["at", "from", "to"] where m[k] != nil {
                m[k]?.error("`\(k)` picks windows of the slow clock; this scenario has none (use `start`/`stop` in ms of network time)")
            }
            if let t = time, start >= t.duration {
                (m["start"] ?? item).error("`start` (\(start) ms) is at or after the run's end (\(t.duration) ms)")
            }
        }
        return Stimulus.Timing(start: start, duration: duration, every: every, count: count, inEachWindow: slow != nil,
                               windowsFrom: from, windowsTo: to)
    }

    /// A slow-clock time [h]: a time ("36 h", "2 d"), or "<time> after dose <n>" counted from
    /// the n-th dose (1-based, in the order the doses are listed and repeated).
    func slowTime(_ r: NodeReader, doses: [DoseEvent], clock: SlowClockConfig) -> Double? {
        let hour = 3_600_000.0
        guard let text = r.scalarText else { r.error("`\(r.path)` must be a time, e.g. \"36 h\" or \"24 h after dose 1\""); return nil }
        let parts = text.components(separatedBy: " after dose ")
        if parts.count == 2 {
            guard let n = Int(parts[1].filter { $0 != " " }), n >= 1 else {
                r.error("`\(r.path)`: expected \"<time> after dose <n>\" with n a dose number from 1; got \"\(text)\""); return nil
            }
            guard n <= doses.count else {
                r.error("`\(r.path)` refers to dose \(n), but the scenario gives \(doses.count) dose\(doses.count == 1 ? "" : "s")"); return nil
            }
            guard let q = Quantity.parse(parts[0]), let (d, f) = UnitTable.units[q.unit], d == .time, q.value.isFinite, abs(q.value * f) < 1e13 else {
                r.error("`\(r.path)`: \"\(parts[0])\" is not a time, e.g. \"24 h\""); return nil
            }
            let sorted = doses.map(\.start).sorted()
            return sorted[n - 1] + q.value * f / hour
        }
        return r.quantity(.time, min: -1e13, max: 1e13).map { $0 / hour }
    }
}
