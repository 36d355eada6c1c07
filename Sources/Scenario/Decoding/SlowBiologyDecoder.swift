// Decoding of the slow-clock sections — `slow_clock`, `pharmacology`, `stress` — with
// located errors: bad doses and regimens (negative dose, unknown drug or route, an
// infusion running past the end, overlapping doses) are reported before any work starts.

import Foundation
import InputReading

extension ScenarioDecoder {
    /// The most slow steps a run may plan (10 years at a 30 s step).
    static let maxSlowSteps = 1e7

    static let routes = ["iv_bolus", "iv_infusion", "intramuscular", "intraperitoneal", "subcutaneous", "intranasal", "oral"]

    func decodeSlowClock(_ r: NodeReader, time: TimeConfig?) -> SlowClockConfig? {
        guard let m = r.mapping(allowed: ["step", "duration", "window", "settle", "windows", "structural_every",
                                          "formation_sigma", "site_memory", "site_bias", "site_tau"]) else { return nil }
        let hour = 3_600_000.0
        let step = m.required("step", in: r)?.quantity(.time, min: 0, exclusiveMin: true).map { $0 / hour }
        let duration = m.required("duration", in: r)?.quantity(.time, min: 0, exclusiveMin: true).map { $0 / hour }
        let window = m["window"]?.quantity(.time, min: 0, exclusiveMin: true) ?? 500
        let settle = m["settle"]?.quantity(.time, min: 0) ?? 0
        if settle >= window { (m["settle"] ?? r).error("`settle` must be shorter than the window (\(window) ms)") }
        if let t = time, abs(window / t.dt - (window / t.dt).rounded()) > 1e-9 {
            m["window"]?.error("`window` must be a whole number of time steps (dt = \(t.dt) ms)")
        }
        if let s = step, let d = duration, s > d { m["step"]?.error("`step` must not exceed `duration`") }
        var cadence: [WindowPhase] = []
        if let w = m["windows"], let items = w.sequence() {
            var last = 0.0
            for item in items {
                guard let pm = item.mapping(allowed: ["until", "every"]) else { continue }
                let until = pm.required("until", in: item)?.quantity(.time, min: 0, exclusiveMin: true).map { $0 / hour }
                let every = pm.required("every", in: item)?.quantity(.time, min: 0, exclusiveMin: true).map { $0 / hour }
                if let u = until, u <= last { pm["until"]?.error("`until` must increase from one phase to the next") }
                if let e = every, let s = step, (e / s - (e / s).rounded()).magnitude > 1e-9 {
                    pm["every"]?.error("`every` must be a whole number of slow steps (\(s * 60) min)")
                }
                if let u = until, let e = every { cadence.append(WindowPhase(until: u, every: e)); last = u }
            }
        }
        let structural = m["structural_every"]?.quantity(.time, min: 0, exclusiveMin: true).map { $0 / hour } ?? 1
        if let s = step, (structural / s - (structural / s).rounded()).magnitude > 1e-9 || structural < s {
            m["structural_every"]?.error("`structural_every` must be a whole number of slow steps")
        }
        guard let step, let duration else { return nil }
        // Planning visits every slow step (windows, doses, structure): bound their count
        // before anything iterates over them.
        if duration / step > Self.maxSlowSteps {
            (m["step"] ?? r).error("`slow_clock` would plan \((duration / step).formattedCount) slow steps (duration / step); at most 10⁷ — make `step` larger or `duration` shorter")
            return nil
        }
        if cadence.isEmpty { cadence = [WindowPhase(until: duration, every: step)] }
        var c = SlowClockConfig(step: step, duration: duration, window: window, settle: settle, cadence: cadence,
                                structuralEvery: max(step, structural))
        c.formationSigma = m["formation_sigma"]?.quantity(.length, min: 0, exclusiveMin: true) ?? c.formationSigma
        c.siteMemory = m["site_memory"]?.bool() ?? c.siteMemory
        c.siteBias = m["site_bias"]?.number(min: 0) ?? c.siteBias
        c.siteTau = m["site_tau"]?.quantity(.time, min: 0, exclusiveMin: true).map { $0 / hour } ?? c.siteTau
        return c
    }

    func decodeStress(_ r: NodeReader) -> [StressSpec] {
        guard let items = r.sequence() else { return [] }
        let hour = 3_600_000.0
        var out: [StressSpec] = []
        for item in items {
            guard let m = item.mapping(allowed: ["start", "stop", "level"]) else { continue }
            let start = m.required("start", in: item)?.quantity(.time).map { $0 / hour }
            let stop = m.required("stop", in: item)?.quantity(.time).map { $0 / hour }
            let level = m["level"]?.number(min: 0) ?? 1
            if let a = start, let b = stop, b <= a { m["stop"]?.error("`stop` must come after `start`") }
            if let a = start, let b = stop, b > a { out.append(StressSpec(start: a, stop: b, level: level)) }
        }
        return out
    }

    func decodePharmacology(_ r: NodeReader, pops: [Population], clock: SlowClockConfig?) -> PharmacologyConfig? {
        guard let m = r.mapping(allowed: ["species", "body_weight", "library", "block", "doses", "concentrations",
                                          "allow_overlap", "hnk_ampa", "bdnf_trigger", "knockdown", "bdnf", "bath"]) else { return nil }
        let species = m["species"]?.choice(["human", "rat", "mouse"]) ?? "human"
        let defaults: [String: Double] = ["human": 70, "rat": 0.3, "mouse": 0.025]
        let defaultWeight: Double = defaults[species] ?? 70
        var weight: Double = defaultWeight
        if let b = m["body_weight"], let w = decodeMass(b) { weight = w }
        // The library: built in, extended or overridden by a user file next to the scenario.
        var library: DrugLibrary?
        do {
            library = try DrugLibrary.builtIn()
            if let l = m["library"], let p = l.string() {
                let path = p.hasPrefix("/") ? p : (URL(fileURLWithPath: r.file).deletingLastPathComponent().path + "/" + p)
                do { library = try library?.merging(DrugLibrary.load(path: path)) } catch let e as ScenarioErrors {
                    for d in e.diagnostics { sink.error(d.location, d.message) }
                } catch { l.error("the drug library `\(p)` cannot be read: \(error)") }
            }
        } catch let e as ScenarioErrors {
            for d in e.diagnostics { sink.error(d.location, d.message) }
        } catch {
            r.error("the built-in drug library cannot be loaded: \(error)")
        }
        let names = library?.names ?? []
        func drugName(_ n: NodeReader?) -> String? {
            guard let n, let s = n.string() else { return nil }
            guard library != nil else { return nil }
            if library?[s] == nil {
                n.error("unknown drug `\(s)`\(Suggest.hint(s, names)); the library has: \(names.joined(separator: ", "))")
                return nil
            }
            return s
        }
        let end = clock?.duration
        let hour = 3_600_000.0
        var doses: [DoseEvent] = []
        var doseNodes: [NodeReader] = []
        if let d = m["doses"], let items = d.sequence() {
            for item in items {
                guard let dm = item.mapping(allowed: ["drug", "route", "dose", "at", "duration", "repeat"]) else { continue }
                let drug = drugName(dm.required("drug", in: item))
                let route = dm.required("route", in: item)?.choice(Self.routes)
                let amount = dm.required("dose", in: item).flatMap { decodeDose($0, weight: weight) }
                let at = dm["at"]?.quantity(.time, min: 0).map { $0 / hour } ?? 0
                var duration = 0.0
                if route == "iv_infusion" {
                    duration = dm.required("duration", in: item)?.quantity(.time, min: 0, exclusiveMin: true).map { $0 / hour } ?? 0
                } else if let du = dm["duration"] {
                    du.error("`duration` applies only to `route: iv_infusion`")
                }
                if let drug, let route, route != "iv_bolus", route != "iv_infusion",
                   let p = library?[drug]?.pk[species], p.absorption[route] == nil {
                    dm["route"]?.error("the library gives no \(route) absorption for \(drug) in the \(species); routes it has: \((["iv_bolus", "iv_infusion"] + p.absorption.keys.sorted()).joined(separator: ", "))")
                }
                if let drug, library?[drug]?.pk[species] == nil {
                    dm["drug"]?.error("the library has no \(species) pharmacokinetics for `\(drug)`")
                }
                var starts = [at]
                if let rp = dm["repeat"], let rm = rp.mapping(allowed: ["every", "times"]) {
                    let every = rm.required("every", in: rp)?.quantity(.time, min: 0, exclusiveMin: true).map { $0 / hour }
                    let times = rm.required("times", in: rp)?.int(min: 1, max: 10_000)
                    if let e = every, let n = times { starts = (0..<n).map { at + Double($0) * e } }
                }
                guard let drug, let route, let amount else { continue }
                for s in starts {
                    if let end, s + duration > end + 1e-9 {
                        (route == "iv_infusion" ? (dm["duration"] ?? item) : (dm["at"] ?? item))
                            .error("this dose \(route == "iv_infusion" ? "ends" : "is given") at \(fmtHours(s + duration)), after the run ends (slow_clock.duration = \(fmtHours(end)))")
                        break
                    }
                    doses.append(DoseEvent(drug: drug, route: route, amount: amount, start: s, duration: duration))
                    doseNodes.append(item)
                }
            }
        }
        // Overlapping doses of one drug (an infusion still running, or two at the same time).
        let allowOverlap = m["allow_overlap"]?.bool() ?? false
        if !allowOverlap {
            let order = doses.indices.sorted { (doses[$0].drug, doses[$0].start) < (doses[$1].drug, doses[$1].start) }
            for (a, b) in zip(order, order.dropFirst()) where doses[a].drug == doses[b].drug {
                if doses[b].start < doses[a].start + max(doses[a].duration, 1e-9) {
                    doseNodes[b].error("this dose of \(doses[b].drug) at \(fmtHours(doses[b].start)) overlaps the one at \(fmtHours(doses[a].start)); space them out or set `allow_overlap: true`")
                }
            }
        }
        var curves: [ConcentrationCurve] = []
        if let c = m["concentrations"], let items = c.sequence() {
            for item in items {
                guard let cm = item.mapping(allowed: ["drug", "times", "plasma"]) else { continue }
                let drug = drugName(cm.required("drug", in: item))
                let times = cm.required("times", in: item)?.sequence()?.compactMap { $0.quantity(.time, min: 0).map { $0 / hour } }
                let plasma = cm.required("plasma", in: item)?.sequence()?.compactMap { decodePlasma($0) }
                if let t = times, zip(t, t.dropFirst()).contains(where: { $0 >= $1 }) {
                    cm["times"]?.error("`times` must increase")
                }
                if let t = times, let p = plasma, t.count != p.count || t.count < 2 {
                    cm["plasma"]?.error("`plasma` must have one value per time (at least two); got \(p.count) values for \(t.count) times")
                }
                if let drug, let t = times, let p = plasma, t.count == p.count, t.count >= 2 {
                    curves.append(ConcentrationCurve(drug: drug, times: t, plasma: p))
                }
            }
        }
        // A bath: the free concentration at the receptors held for the whole run (a slice in
        // ACSF), given as the plasma curve that yields it through the drug's brain:plasma
        // ratio and unbound fraction.
        if let b = m["bath"], let items = b.sequence() {
            for item in items {
                guard let bm = item.mapping(allowed: ["drug", "concentration"]) else { continue }
                let drug = drugName(bm.required("drug", in: item))
                let c = bm.required("concentration", in: item)?.quantity(.concentration, min: 0, max: 1)   // [mM], at most 1 mM
                guard let drug, let c, let d = library?.entries[drug] else { continue }
                if doses.contains(where: { $0.drug == drug }) || curves.contains(where: { $0.drug == drug }) {
                    bm["drug"]?.error("`\(drug)` is also dosed or given a concentration curve; a bath holds its concentration for the whole run, so give one or the other")
                    continue
                }
                guard d.brainPlasmaRatio > 0, d.brainUnboundFraction > 0 else {
                    bm["drug"]?.error("`\(drug)` reaches no free brain concentration (brain:plasma or unbound fraction 0), so a bath of it cannot be held")
                    continue
                }
                let plasma = c * 1000 / (d.brainPlasmaRatio * d.brainUnboundFraction) * d.molarMass   // µM free → ng/mL plasma
                let end = max(1, clock?.duration ?? 1) + 1
                curves.append(ConcentrationCurve(drug: drug, times: [0, end], plasma: [plasma, plasma]))
            }
        }
        var block = NMDABlockSetting.slice
        var selectivity = 1.0
        var useDependent = false
        var subtypes = [[String: Double]](repeating: ["GluN2A": 0.5, "GluN2B": 0.5], count: pops.count)
        if let b = m["block"], let bm = b.mapping(allowed: ["model", "magnesium", "interneuron_selectivity", "use_dependent", "subtypes"]) {
            let model = bm["model"]?.choice(["slice", "subtype"]) ?? "slice"
            let mg = bm["magnesium"]?.quantity(.concentration, min: 0, max: 10) ?? 1
            if model == "subtype" { block = .subtype(magnesium: mg) } else if bm["magnesium"] != nil {
                bm["magnesium"]?.error("`magnesium` applies to `model: subtype`; the slice setting's IC50 already includes it")
            }
            selectivity = bm["interneuron_selectivity"]?.number(min: 1, max: 1000) ?? 1
            useDependent = bm["use_dependent"]?.bool() ?? false
            if let s = bm["subtypes"], let sm = s.mapping(allowed: pops.map(\.name)) {
                for (name, v) in sm {
                    guard let i = pops.firstIndex(where: { $0.name == name }),
                          let fm = v.mapping(allowed: ["GluN2A", "GluN2B", "GluN2C", "GluN2D"]) else { continue }
                    var mix: [String: Double] = [:]
                    for (k, f) in fm { if let x = f.number(min: 0, max: 1) { mix[k] = x } }
                    let total = mix.values.reduce(0, +)
                    if abs(total - 1) > 1e-6 { v.error("the subunit fractions of `\(name)` must add up to 1; they add up to \(total)") }
                    subtypes[i] = mix
                }
            }
        }
        let hnk = m["hnk_ampa"]?.bool() ?? true
        let trigger = m["bdnf_trigger"]?.choice(BDNFTrigger.allCases.map(\.rawValue)).flatMap(BDNFTrigger.init(rawValue:)) ?? .both
        // Genetic manipulations of the blocking experiments: GluN2 subunits knocked down per
        // population (fraction of that subunit's receptors removed), and BDNF knocked out.
        var knockdown = [[String: Double]](repeating: [:], count: pops.count)
        if let k = m["knockdown"], let km = k.mapping(allowed: pops.map(\.name)) {
            for (name, v) in km {
                guard let i = pops.firstIndex(where: { $0.name == name }),
                      let fm = v.mapping(allowed: ["GluN2A", "GluN2B", "GluN2C", "GluN2D"]) else { continue }
                for (sub, f) in fm {
                    guard let x = f.number(min: 0, max: 1) else { continue }
                    if (subtypes[i][sub] ?? 0) == 0, x > 0 {
                        f.error("`\(name)` has no \(sub) to knock down (its subunit mix, `block.subtypes`, gives \(sub) a fraction of 0)")
                    }
                    knockdown[i][sub] = x
                }
            }
        }
        let bdnfKnockout = m["bdnf"]?.choice(["normal", "knockout"]) == "knockout"
        guard let library else { return nil }
        let used = Set(doses.map(\.drug) + curves.map(\.drug))
        var config = PharmacologyConfig(species: species, bodyWeight: weight, doses: doses, curves: curves,
                                        drugs: library.closure(of: used.sorted()), block: block,
                                        interneuronSelectivity: selectivity, useDependent: useDependent, subtypes: subtypes,
                                        hnkAMPA: hnk, bdnfTrigger: trigger)
        config.knockdown = knockdown
        config.bdnfKnockout = bdnfKnockout
        return config
    }

    /// "70 kg", "25 g" → kg.
    func decodeMass(_ r: NodeReader) -> Double? {
        guard let s = r.string(), let q = Quantity.parse(s) else { r.error("`\(r.path)` must be a body mass, e.g. \"70 kg\""); return nil }
        let f: Double? = ["kg": 1, "g": 1e-3][q.unit]
        guard let f else { r.error("`\(r.path)` must be a body mass in kg or g, e.g. \"70 kg\"; got \"\(s)\""); return nil }
        guard q.value > 0 else { r.error("`\(r.path)` must be positive; got \"\(s)\""); return nil }
        guard q.value * f <= 1000 else { r.error("`\(r.path)` is beyond the practical range of a body mass (at most 1000 kg); got \"\(s)\""); return nil }
        return q.value * f
    }

    /// "0.5 mg/kg" (× body weight) or "56 mg" → mg.
    func decodeDose(_ r: NodeReader, weight: Double) -> Double? {
        guard let s = r.string(), let q = Quantity.parse(s) else {
            r.error("`\(r.path)` must be a dose per body mass or an amount, e.g. \"0.5 mg/kg\" or \"56 mg\""); return nil
        }
        let perKg: [String: Double] = ["mg/kg": 1, "ug/kg": 1e-3, "µg/kg": 1e-3, "g/kg": 1e3]
        let absolute: [String: Double] = ["mg": 1, "ug": 1e-3, "µg": 1e-3, "g": 1e3]
        guard q.value > 0 else { r.error("`\(r.path)` must be a positive dose; got \"\(s)\""); return nil }
        // Practical ranges: 1 g/kg is beyond every lethal dose of the library's drugs.
        if let f = perKg[q.unit] {
            guard q.value * f <= 1000 else { r.error("`\(r.path)` is beyond the practical range of a dose (at most 1 g/kg); got \"\(s)\""); return nil }
            return q.value * f * weight
        }
        if let f = absolute[q.unit] {
            guard q.value * f <= 100_000 else { r.error("`\(r.path)` is beyond the practical range of a dose (at most 100 g); got \"\(s)\""); return nil }
            return q.value * f
        }
        r.error("`\(r.path)` needs a dose unit (mg/kg, ug/kg, mg, ug, g)\(Suggest.hint(q.unit, Array(perKg.keys) + Array(absolute.keys))), e.g. \"0.5 mg/kg\"; got \"\(s)\"")
        return nil
    }

    /// "185 ng/mL" or a plain number in ng/mL.
    func decodePlasma(_ r: NodeReader) -> Double? {
        guard let s = r.string(), let q = Quantity.parse(s) else { r.error("`\(r.path)` must be a plasma concentration, e.g. \"185 ng/mL\""); return nil }
        let f: Double? = ["": 1, "ng/mL": 1, "ng/ml": 1, "ug/mL": 1000, "µg/mL": 1000, "mg/L": 1000][q.unit]
        guard let f else { r.error("`\(r.path)` must be in ng/mL (or µg/mL, mg/L); got \"\(s)\""); return nil }
        guard q.value >= 0 else { r.error("`\(r.path)` must not be negative; got \"\(s)\""); return nil }
        guard q.value * f <= 1e7 else { r.error("`\(r.path)` is beyond the practical range of a plasma concentration (at most 10 mg/mL); got \"\(s)\""); return nil }
        return q.value * f
    }

    func fmtHours(_ h: Double) -> String {
        guard h.magnitude < 1e12 else { return "\(h) h" }
        if h >= 48, (h / 24).rounded() == h / 24 { return "\(Int(saturating: h / 24)) d" }
        if h == h.rounded() { return "\(Int(h)) h" }
        return String(format: "%.2f h", h)
    }
}
