// PKSystem: all drugs of a run in one subject — the dosed drugs, their metabolites (each its
// own compartment model, fed by a fraction of the parent's elimination) and user-given
// plasma curves — as one linear system integrated exactly between dose events, with the
// brain concentrations the receptor models read.

import NeuroplastCore

/// The pharmacokinetics of one subject (species, body weight) for one run.
///
/// Models: one `CompartmentModel` per dosed drug and per metabolite reachable from one
/// (recursively). A metabolite m of parent p with `fraction` f_m gets the input
///
///     dA₁,m/dt += f_m · (M_m / M_p) · k₁₀,p · A₁,p     [mg/h]
///
/// (M = molar mass [g/mol]), i.e. f_m is the molar fraction of the parent's elimination that
/// becomes m. All models together form one linear system dx/dt = A·x + u(t) with u piecewise
/// constant (infusions), which `LinearFlow` solves exactly over each interval between
/// events; events (bolus times, infusion starts and ends, each shifted by the route's lag)
/// are hit exactly. The state is right-continuous: at a bolus time the bolus is included.
///
/// Brain concentrations [µM]:
///
///     brainTotal = C × (brain:plasma ratio) / M × 1000,   C = C_e if the model has k_e0, else C_p [mg/L]
///     brainFree  = brainTotal × (brain unbound fraction)
///
/// A `ConcentrationCurve` replaces the PK of its drug: plasma is the curve (linear between
/// points, 0 outside), the brain follows plasma at once, and no metabolites are formed
/// from it (give curves for metabolites too if wanted).
public struct PKSystem: Sendable, Codable {
    public let species: String
    public let bodyWeight: Double               // [kg]
    public private(set) var time: Double = 0    // [h]
    /// Models by drug name, and where each one's block starts in the state.
    public let models: [String: CompartmentModel]
    public let offsets: [String: Int]
    let parameters: [String: DrugParameters]
    let curves: [String: ConcentrationCurve]
    let boluses: [Bolus]
    let infusions: [Infusion]
    let eventTimes: [Double]                    // sorted, unique [h]
    var nextEvent = 0
    var state: [Double]
    var flow: LinearFlow
    /// Dose amounts lost to incomplete bioavailability [mg] by drug.
    public private(set) var notAbsorbed: [String: Double] = [:]

    struct Bolus: Sendable, Codable { var time: Double; var index: Int; var amount: Double; var drug: String; var lost: Double }
    struct Infusion: Sendable, Codable { var start: Double; var end: Double; var index: Int; var rate: Double; var drug: String; var lost: Double }

    /// The routes every drug has besides those of `PKParameters.absorption`.
    public static let intravenousRoutes = ["iv_bolus", "iv_infusion"]

    /// - Parameters:
    ///   - drugs: the library entries needed, including metabolites of dosed drugs.
    ///   - species: the key of `DrugParameters.pk` to use.
    ///   - bodyWeight: [kg].
    ///   - doses: amounts already multiplied out by body weight [mg].
    ///   - curves: plasma curves replacing the PK of their drugs.
    /// - Throws: `PhysiologyError` listing every fault.
    public init(drugs: [DrugParameters], species: String, bodyWeight: Double,
                doses: [DoseEvent], curves: [ConcentrationCurve]) throws {
        var faults: [String] = []
        var byName: [String: DrugParameters] = [:]
        for d in drugs {
            if byName[d.name] != nil, byName[d.name] != d { faults.append("drug `\(d.name)` is given twice with different parameters") }
            byName[d.name] = d
        }
        let known = byName.keys.sorted()
        func unknown(_ name: String, _ what: String) -> String {
            let hint = closestName(name, known).map { " (did you mean `\($0)`?)" } ?? ""
            return "\(what) names the drug `\(name)`, which is not among the drugs given\(hint); known: \(known.joined(separator: ", "))"
        }
        if !(bodyWeight > 0 && bodyWeight.isFinite) { faults.append("body weight must be a positive number of kg; got \(bodyWeight)") }

        // Curves.
        var curveMap: [String: ConcentrationCurve] = [:]
        for c in curves {
            if byName[c.drug] == nil { faults.append(unknown(c.drug, "a concentration curve")); continue }
            if curveMap[c.drug] != nil { faults.append("drug `\(c.drug)` has two concentration curves; expected at most one") }
            if c.times.isEmpty || c.times.count != c.plasma.count {
                faults.append("the concentration curve of `\(c.drug)` needs as many times as concentrations, at least one; got \(c.times.count) and \(c.plasma.count)")
            } else if zip(c.times, c.times.dropFirst()).contains(where: { $0 >= $1 }) || c.times.contains(where: { !$0.isFinite }) {
                faults.append("the times of the concentration curve of `\(c.drug)` must increase strictly")
            } else if c.plasma.contains(where: { !($0 >= 0) || !$0.isFinite }) {
                faults.append("the concentrations of the curve of `\(c.drug)` must be ≥ 0 ng/mL")
            }
            curveMap[c.drug] = c
        }

        // Which drugs need a compartment model: dosed ones and their metabolites.
        var modelled: [String] = []
        var queue = doses.map(\.drug).filter { byName[$0] != nil }
        while let name = queue.first {
            queue.removeFirst()
            if modelled.contains(name) { continue }
            modelled.append(name)
            guard let d = byName[name] else { continue }
            if curveMap[name] != nil { faults.append("drug `\(name)` is dosed (or formed as a metabolite) and also given a concentration curve; expected one or the other") }
            if d.pk[species] == nil {
                faults.append("drug `\(name)` has no pharmacokinetics for species `\(species)`; it has: \(d.pk.keys.sorted().joined(separator: ", "))")
            }
            for m in d.metabolites {
                if byName[m.drug] == nil {
                    faults.append("drug `\(name)` forms the metabolite `\(m.drug)`, which is not among the drugs given; pass the library's closure of the dosed drugs")
                } else { queue.append(m.drug) }
            }
        }
        modelled.sort()

        var models: [String: CompartmentModel] = [:], offsets: [String: Int] = [:]
        var n = 0
        for name in modelled {
            guard let p = byName[name]?.pk[species], bodyWeight > 0 else { continue }
            let m = CompartmentModel(drug: name, parameters: p, bodyWeight: bodyWeight)
            models[name] = m; offsets[name] = n; n += m.stateCount
        }

        // Doses → boluses and infusions into state indices.
        var boluses: [Bolus] = [], infusions: [Infusion] = []
        for (i, d) in doses.enumerated() {
            let label = "dose \(i + 1) (\(d.drug), \(d.route))"
            guard byName[d.drug] != nil else { faults.append(unknown(d.drug, label)); continue }
            if !(d.amount >= 0 && d.amount.isFinite) { faults.append("\(label): amount must be ≥ 0 mg; got \(d.amount)") }
            if !(d.start >= 0 && d.start.isFinite) { faults.append("\(label): start must be ≥ 0 h; got \(d.start)") }
            if !(d.duration >= 0 && d.duration.isFinite) { faults.append("\(label): duration must be ≥ 0 h; got \(d.duration)") }
            guard let m = models[d.drug], let o = offsets[d.drug] else { continue }
            var index = o + CompartmentModel.centralIndex, f = 1.0, lag = 0.0
            switch d.route {
            case "iv_bolus":
                if d.duration != 0 { faults.append("\(label): an iv_bolus has no duration; got \(d.duration) h (use iv_infusion)") }
            case "iv_infusion":
                if !(d.duration > 0) { faults.append("\(label): an iv_infusion needs a duration > 0 h") }
            default:
                guard let r = m.routes.firstIndex(of: d.route) else {
                    let routes = Self.intravenousRoutes + m.routes
                    let hint = closestName(d.route, routes).map { " (did you mean `\($0)`?)" } ?? ""
                    faults.append("\(label): unknown route `\(d.route)` for `\(d.drug)` in \(species)\(hint); expected one of: \(routes.joined(separator: ", "))")
                    continue
                }
                index = o + m.depotIndex(r); f = m.absorption[r].bioavailability; lag = m.absorption[r].lag
            }
            let start = d.start + lag
            if d.duration > 0 {
                infusions.append(Infusion(start: start, end: start + d.duration, index: index,
                                          rate: f * d.amount / d.duration, drug: d.drug, lost: (1 - f) * d.amount))
            } else {
                boluses.append(Bolus(time: start, index: index, amount: f * d.amount, drug: d.drug, lost: (1 - f) * d.amount))
            }
        }
        if !faults.isEmpty { throw PhysiologyError(faults) }

        // Generator: each model's block plus metabolite formation.
        var a = [Double](repeating: 0, count: n * n)
        for name in modelled {
            guard let m = models[name], let o = offsets[name], let d = byName[name] else { continue }
            m.addGenerator(into: &a, n: n, offset: o)
            for link in d.metabolites {
                guard let om = offsets[link.drug], let md = byName[link.drug] else { continue }
                let k = link.fraction * md.molarMass / d.molarMass * m.k10
                a[(om + CompartmentModel.centralIndex) * n + o + CompartmentModel.centralIndex] += k
            }
        }

        self.species = species; self.bodyWeight = bodyWeight
        self.models = models; self.offsets = offsets; self.parameters = byName; self.curves = curveMap
        self.boluses = boluses; self.infusions = infusions
        self.eventTimes = Array(Set(boluses.map(\.time) + infusions.flatMap { [$0.start, $0.end] })).sorted()
        self.state = [Double](repeating: 0, count: n)
        self.flow = LinearFlow(n: n, a: a)
        applyEvents(at: 0)
    }

    /// Boluses due at `t` (exactly), and the event cursor moved past `t`.
    private mutating func applyEvents(at t: Double) {
        for b in boluses where b.time == t {
            state[b.index] += b.amount
            notAbsorbed[b.drug, default: 0] += b.lost
        }
        for i in infusions where i.start == t { notAbsorbed[i.drug, default: 0] += i.lost }
        while nextEvent < eventTimes.count, eventTimes[nextEvent] <= t { nextEvent += 1 }
    }

    /// The infusion input [mg/h per state] on [t, next event).
    private func input(at t: Double) -> [Double] {
        var u = [Double](repeating: 0, count: state.count)
        for i in infusions where i.start <= t && t < i.end { u[i.index] += i.rate }
        return u
    }

    /// Moves the state to time `t` [h]; times before the current one are ignored.
    public mutating func advance(to t: Double) {
        guard t > time else { return }
        while nextEvent < eventTimes.count, eventTimes[nextEvent] <= t {
            let te = eventTimes[nextEvent]
            flow.step(&state, by: te - time, input: input(at: time))
            time = te
            applyEvents(at: te)
        }
        flow.step(&state, by: t - time, input: input(at: time))
        time = t
    }

    // MARK: queries

    /// Dosed drugs, their metabolites and drugs with curves, sorted.
    public var drugNames: [String] { Array(Set(models.keys).union(curves.keys)).sorted() }

    /// Total plasma concentration [ng/mL] now; 0 for a drug not in the run.
    public func plasma(_ drug: String) -> Double {
        if let c = curves[drug] { return Self.interpolate(c, at: time) }
        guard let m = models[drug], let o = offsets[drug] else { return 0 }
        return m.plasma(centralAmount: state[o + CompartmentModel.centralIndex])
    }

    /// Total plasma concentration [µM].
    public func plasmaMicromolar(_ drug: String) -> Double {
        guard let d = parameters[drug] else { return 0 }
        return plasma(drug) / d.molarMass
    }

    /// Total brain concentration [µM]: effect site (or plasma) × brain:plasma ratio.
    public func brainTotal(_ drug: String) -> Double {
        guard let d = parameters[drug] else { return 0 }
        var c = plasma(drug)   // [ng/mL]
        if curves[drug] == nil, let m = models[drug], let o = offsets[drug], let e = m.effectIndex {
            c = 1000 * state[o + e]
        }
        return c / d.molarMass * d.brainPlasmaRatio
    }

    /// Unbound brain concentration [µM], what receptors see.
    public func brainFree(_ drug: String) -> Double {
        guard let d = parameters[drug] else { return 0 }
        return brainTotal(drug) * d.brainUnboundFraction
    }

    /// Free brain concentrations of every drug of the run [µM].
    public var brainFreeAll: [String: Double] {
        Dictionary(uniqueKeysWithValues: drugNames.map { ($0, brainFree($0)) })
    }

    /// Amount in the body of a modelled drug [mg]: central, peripheral and depots.
    public func amountInBody(_ drug: String) -> Double {
        guard let m = models[drug], let o = offsets[drug] else { return 0 }
        var s = 0.0
        for i in 0..<m.stateCount where i != m.eliminatedIndex && i != m.effectIndex { s += state[o + i] }
        return s
    }

    /// Amount of a modelled drug eliminated from the central compartment so far [mg].
    public func eliminated(_ drug: String) -> Double {
        guard let m = models[drug], let o = offsets[drug] else { return 0 }
        return state[o + m.eliminatedIndex]
    }

    /// Amount of a modelled drug in a depot [mg] (not yet absorbed).
    public func depot(_ drug: String, route: String) -> Double {
        guard let m = models[drug], let o = offsets[drug], let r = m.routes.firstIndex(of: route) else { return 0 }
        return state[o + m.depotIndex(r)]
    }

    /// Linear interpolation of a curve, 0 outside its time range.
    static func interpolate(_ c: ConcentrationCurve, at t: Double) -> Double {
        guard let first = c.times.first, let last = c.times.last, t >= first, t <= last else { return 0 }
        if c.times.count == 1 { return c.plasma[0] }
        var hi = 1
        while hi < c.times.count - 1 && c.times[hi] < t { hi += 1 }
        let t0 = c.times[hi - 1], t1 = c.times[hi]
        let w = (t - t0) / (t1 - t0)
        return c.plasma[hi - 1] + w * (c.plasma[hi] - c.plasma[hi - 1])
    }
}

/// The closest name by edit distance (within about a third of its length), for hints.
func closestName(_ word: String, _ candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count { cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)) }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
    let w = Array(word.lowercased())
    let limit = max(2, w.count / 3)
    return candidates.map { ($0, distance(w, Array($0.lowercased()))) }
        .filter { $0.1 <= limit }.min { $0.1 < $1.1 }?.0
}

extension PKSystem {
    /// `self` (built from the scenario) advanced to the time, state and losses of `saved`, a
    /// copy read from a checkpoint; nil when `saved` is not this system at another time.
    /// Everything the scenario determines (models, offsets, doses) stays `self`'s, so a
    /// crafted checkpoint can change amounts, never indices.
    public func restoring(_ saved: PKSystem) -> PKSystem? {
        guard saved.state.count == state.count, saved.offsets == offsets, saved.eventTimes == eventTimes,
              saved.time.isFinite, saved.time >= 0, (0...eventTimes.count).contains(saved.nextEvent),
              saved.state.allSatisfy({ $0.isFinite }), saved.notAbsorbed.values.allSatisfy({ $0.isFinite }) else { return nil }
        var out = self
        out.time = saved.time; out.nextEvent = saved.nextEvent; out.state = saved.state; out.notAbsorbed = saved.notAbsorbed
        return out
    }
}
