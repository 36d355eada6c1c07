// ScenarioDecoder: turns a YAML node tree into a typed `Scenario`, checking every key,
// unit, range and cross-reference, reporting all faults with their locations.

import InputReading
import Yams
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ScenarioDecoder {
    let root: NodeReader
    var sink: DiagnosticSink { root.sink }
    /// Physical memory [bytes] the size check compares against.
    let memoryLimit: Double
    var declaredPopulations: Set<String> = []

    static let topKeys = ["schema", "name", "description", "seed", "time", "sheet", "receptors",
                          "populations", "projections", "drive", "record", "frames", "output", "plasticity", "nmda_block",
                          "checkpoint", "slow_clock", "pharmacology", "stress", "inflammation", "arms", "stimuli", "interventions"]

    func decode(resolvedYAML: String) -> Scenario? {
        guard let top = root.mapping(allowed: Self.topKeys) else { return nil }
        if let s = top.required("schema", in: root) {
            if let v = s.int(), v != NeuroplastSchema.version {
                s.error("`schema` \(v) is not supported; this program reads schema \(NeuroplastSchema.version)")
            }
        }
        let name = top.required("name", in: root)?.string()
        if let n = name, let why = FolderName.problem(n) {
            top["name"]?.error("`name` names the output folder, so it \(why)")
        }
        let description = top["description"]?.string() ?? ""
        let seed = top["seed"]?.uint64() ?? 1
        let slowNode = top["slow_clock"]
        var time = top.required("time", in: root).flatMap { decodeTime($0, slow: slowNode != nil) }
        let sheet = top.required("sheet", in: root).flatMap(decodeSheet)
        let receptors = top["receptors"].map(decodeReceptors) ?? Self.defaultReceptors
        let pops = top.required("populations", in: root).flatMap { decodePopulations($0, sheet: sheet) } ?? []
        // Names declared in the file, valid or not: a reference to a population that failed to
        // decode is not reported a second time.
        var declared: Set<String> = []
        if case let .sequence(items)? = top["populations"]?.node {
            for item in items { if let n = item["name"]?.string { declared.insert(n) } }
        }
        let dec = ScenarioDecoder(root: root, memoryLimit: memoryLimit, declaredPopulations: declared)
        let decoded = top["projections"].map { dec.decodeProjections($0, pops: pops, dt: time?.dt) } ?? ([], [])
        let projections = decoded.0
        var plasticity = PlasticityConfig.none
        plasticity.rules = decoded.1
        if let pr = top["plasticity"] {
            dec.decodePlasticity(pr, pops: pops, time: time, into: &plasticity)
        }
        if receptors?.nmdaSaturation != nil, plasticity.rules.contains(where: { $0 != nil }) {
            top["receptors"]?.error("NMDA saturation and weight plasticity (`projections[].plasticity`) cannot be combined yet: plastic delivery does not carry the saturation factor")
        }
        if plasticity.structural != nil, !projections.contains(where: \.structural) {
            top["plasticity"]?.error("`plasticity.structural` is set but no projection has `structural: true`; mark the projections whose synapses may be created and deleted")
        }
        let drives = top["drive"].map { dec.decodeDrives($0, pops: pops) } ?? []
        var blocks: [NMDABlock] = []
        if let nb = top["nmda_block"], let items = nb.sequence() {
            for item in items {
                guard let m = item.mapping(allowed: ["population", "fraction", "start", "stop"]) else { continue }
                let pop = dec.populationIndex(m.required("population", in: item), pops, what: "population")
                let f = m.required("fraction", in: item)?.number(min: 0, max: 1)
                let start = m["start"]?.quantity(.time, min: 0) ?? 0
                let stop = m["stop"]?.quantity(.time, min: 0)
                if let stop, stop <= start { m["stop"]?.error("`stop` must come after `start`") }
                if let p = pop, let f { blocks.append(NMDABlock(population: p, fraction: f, start: start, stop: stop)) }
            }
        }
        // The slow clock: its windows make up the network time of the run.
        var slow: SlowBiology?
        if let sn = slowNode, let clock = dec.decodeSlowClock(sn, time: time) {
            let pharmacology = top["pharmacology"].flatMap { dec.decodePharmacology($0, pops: pops, clock: clock) }
            let stress = top["stress"].map { dec.decodeStress($0) } ?? []
            slow = SlowBiology(clock: clock, pharmacology: pharmacology, stress: stress)
            slow?.inflammation = top["inflammation"].flatMap { dec.decodeInflammation($0, sheet: sheet, clock: clock) }
            if plasticity.structural != nil {
                top["plasticity"]?.error("with a `slow_clock`, structure follows the spine-turnover model on the slow clock; remove `plasticity.structural` (formation settings live in `slow_clock`)")
            }
            if let t = time {
                let windows = clock.windowTimes().count
                time?.duration = Double(windows) * clock.window
                if Double(windows) * clock.window / t.dt >= Double(Int32.max) {
                    top["slow_clock"]?.error("the slow clock's \(windows) windows of \(clock.window) ms are \((Double(windows) * clock.window / t.dt).formattedCount) network steps; at most \(Int32.max - 1) fit (fewer or shorter windows, or a larger dt)")
                }
                if t.recordInterval > clock.window || (clock.window / t.recordInterval).rounded() != clock.window / t.recordInterval {
                    top["time"]?.error("`time.record_interval` must divide the slow clock's window (\(clock.window) ms)")
                }
            }
        } else if slowNode == nil {
            for k in ["pharmacology", "stress", "inflammation"] where top[k] != nil {
                top[k]?.error("`\(k)` acts on the slow clock; add a `slow_clock` section (step, duration, window)")
            }
        }
        let stimuli = top["stimuli"].map { dec.decodeStimuli($0, pops: pops, sheet: sheet, time: time, slow: slow?.clock,
                                                             doses: slow?.pharmacology?.doses ?? []) } ?? []
        let interventions = top["interventions"].map {
            dec.decodeInterventions($0, pops: pops, projections: projections, sheet: sheet, time: time, slow: slow?.clock,
                                    doses: slow?.pharmacology?.doses ?? [],
                                    formsSynapses: plasticity.structural != nil || (slow != nil && projections.contains(where: \.structural)),
                                    fastStructural: slow == nil && plasticity.structural != nil)
        } ?? []
        let record = top["record"].map { dec.decodeRecord($0, duration: time?.duration, slow: slow != nil, pops: pops,
                                                          stimuli: stimuli, time: time, clock: slow?.clock,
                                                          doses: slow?.pharmacology?.doses ?? [], sheet: sheet) }
            ?? RecordConfig(spikes: true, rasterSample: 50)
        let frames = top["frames"].flatMap { decodeFrames($0, time: time) }
        let output = OutputConfig(directory: top["output"].flatMap(decodeOutput) ?? "Output")
        let checkpoint = top["checkpoint"].flatMap { decodeCheckpoint($0, time: time) }

        if let pr = top["populations"], pops.isEmpty, sink.isEmpty { pr.error("`populations` must list at least one population") }
        checkSize(pops: pops, projections: projections, sheet: sheet, top: top, checkpoint: checkpoint, dt: time?.dt,
                  staticWeights: plasticity.isEmpty && slow == nil && interventions.isEmpty && top["arms"] == nil)

        guard sink.isEmpty, let name, let time, let sheet, let receptors else { return nil }
        var sc = Scenario(name: name, description: description, seed: seed, time: time, sheet: sheet,
                          populations: pops, receptors: receptors, projections: projections, drives: drives,
                          record: record, frames: frames, output: output, resolvedYAML: resolvedYAML)
        sc.plasticity = plasticity
        sc.nmdaBlock = blocks
        sc.checkpoint = checkpoint
        sc.slow = slow
        sc.stimuli = stimuli
        sc.interventions = interventions
        return sc
    }

    // MARK: sections

    /// `slow`: the scenario has a slow clock, whose windows set the duration.
    func decodeTime(_ r: NodeReader, slow: Bool = false) -> TimeConfig? {
        guard let m = r.mapping(allowed: ["dt", "duration", "record_interval", "transient"]) else { return nil }
        let dt = m.required("dt", in: r)?.quantity(.time, min: 0.001, max: 1)
        if slow, let d = m["duration"] {
            d.error("`time.duration` is set by the slow clock (windows × window); remove it and set `slow_clock.duration`")
        }
        let duration = slow ? 1e9 : m.required("duration", in: r)?.quantity(.time, min: 0, exclusiveMin: true)
        let interval = m["record_interval"]?.quantity(.time, min: 0, exclusiveMin: true) ?? 100
        let transient = m["transient"]?.quantity(.time, min: 0) ?? 0
        guard let dt, let duration else { return nil }
        if duration < dt { m["duration"]?.error("`time.duration` must be at least one time step (\(dt) ms)") }
        // Spike steps are stored as 32-bit integers (spike files, plasticity traces).
        if !slow, duration / dt >= Double(Int32.max) {
            m["duration"]?.error("`time.duration` is \((duration / dt).formattedCount) steps of \(dt) ms; at most \(Int32.max - 1) steps fit (shorten it or use a larger dt)")
        }
        if interval < dt { m["record_interval"]?.error("`time.record_interval` must be at least one time step (\(dt) ms)") }
        if !slow, transient >= duration { m["transient"]?.error("`time.transient` must be shorter than `time.duration`") }
        if !slow, duration / dt > 2e9 { m["duration"]?.error("`time.duration` / `time.dt` is more than 2·10⁹ steps") }
        return TimeConfig(dt: dt, duration: duration, recordInterval: interval, transient: transient)
    }

    func decodeSheet(_ r: NodeReader) -> Sheet? {
        guard let m = r.mapping(allowed: ["width", "height", "boundary"]) else { return nil }
        let w = m.required("width", in: r)?.quantity(.length, min: 0, max: 1e5, exclusiveMin: true)
        let h = m.required("height", in: r)?.quantity(.length, min: 0, max: 1e5, exclusiveMin: true)
        let b = m["boundary"]?.choice(["periodic", "open"]) ?? "periodic"
        guard let w, let h else { return nil }
        return Sheet(width: w, height: h, periodic: b == "periodic")
    }

    static let defaultReceptors: ReceptorKinetics? = ReceptorKinetics(
        ampaTau: 2, ampaE: 0, nmdaTauRise: 2, nmdaTauDecay: 100, nmdaE: 0,
        mg: 1, mgHalf: 3.57, mgSlope: 0.062, gabaTau: 10, gabaE: -70)

    func decodeReceptors(_ r: NodeReader) -> ReceptorKinetics? {
        guard let m = r.mapping(allowed: ["ampa", "nmda", "gaba_a"]), var k = Self.defaultReceptors else { return nil }
        if let a = m["ampa"], let am = a.mapping(allowed: ["tau", "E"]) {
            k.ampaTau = am["tau"]?.quantity(.time, min: 0, exclusiveMin: true) ?? k.ampaTau
            k.ampaE = am["E"]?.quantity(.voltage) ?? k.ampaE
        }
        if let n = m["nmda"], let nm = n.mapping(allowed: ["tau_rise", "tau_decay", "E", "mg", "mg_half", "mg_slope", "saturation"]) {
            k.nmdaTauRise = nm["tau_rise"]?.quantity(.time, min: 0, exclusiveMin: true) ?? k.nmdaTauRise
            k.nmdaTauDecay = nm["tau_decay"]?.quantity(.time, min: 0, exclusiveMin: true) ?? k.nmdaTauDecay
            k.nmdaE = nm["E"]?.quantity(.voltage) ?? k.nmdaE
            k.mg = nm["mg"]?.quantity(.concentration, min: 0, max: 100) ?? k.mg
            k.mgHalf = nm["mg_half"]?.quantity(.concentration, min: 0, exclusiveMin: true) ?? k.mgHalf
            k.mgSlope = nm["mg_slope"]?.number(min: 0, max: 1) ?? k.mgSlope
            if let sn = nm["saturation"], let sm = sn.mapping(allowed: ["alpha"]) {
                // a = 1 − exp(−α·τ_rise): the fraction of free receptors one spike binds.
                if let alpha = sm.required("alpha", in: sn)?.quantity(.rate, min: 0, max: 1000, exclusiveMin: true) {
                    k.nmdaSaturation = 1 - exp(-alpha * k.nmdaTauRise)
                }
            }
            if k.nmdaTauRise >= k.nmdaTauDecay {
                (nm["tau_rise"] ?? n).error("`receptors.nmda.tau_rise` must be shorter than `tau_decay` (\(k.nmdaTauDecay) ms)")
            }
        }
        if let g = m["gaba_a"], let gm = g.mapping(allowed: ["tau", "E"]) {
            k.gabaTau = gm["tau"]?.quantity(.time, min: 0, exclusiveMin: true) ?? k.gabaTau
            k.gabaE = gm["E"]?.quantity(.voltage) ?? k.gabaE
        }
        return k
    }

    static let projectionKeys = ["from", "to", "ampa", "nmda", "gaba_a", "nmda_ampa_ratio",
                                 "connectivity", "autapses", "delay", "structural", "plasticity", "weight_profile"]

    static let paramKeys = ["C", "gL", "EL", "Vth", "Vreset", "refractory", "I_ext",
                            "a", "b", "delta_T", "V_T", "tau_w", "V_peak"]

    func decodePopulations(_ r: NodeReader, sheet: Sheet?) -> [Population]? {
        guard let items = r.sequence() else { return nil }
        var out: [Population] = []
        var names: Set<String> = []
        for item in items {
            guard let m = item.mapping(allowed: ["name", "class", "excitatory", "count", "density", "model", "params", "init_v", "region", "layout"]) else { continue }
            let name = m.required("name", in: item)?.string()
            if let n = name {
                if names.contains(n) { m["name"]?.error("population name `\(n)` is used twice") }
                if n.isEmpty || n.contains(where: { $0 == "." || $0 == "=" || $0 == " " }) {
                    m["name"]?.error("population names must be non-empty without `.`, `=` or spaces; got \"\(n)\"")
                }
                names.insert(n)
            }
            let cls = m["class"]?.choice(CellPresets.classes) ?? "pyramidal"
            let exc = m["excitatory"]?.bool() ?? CellPresets.excitatory(cls)
            var count: Int?
            switch (m["count"], m["density"]) {
            case let (c?, nil): count = c.int(min: 1, max: 50_000_000)
            case let (nil, d?):
                if let dens = d.quantity(.areaDensity, min: 0, exclusiveMin: true), let s = sheet {
                    let c = Int(saturating: (dens * s.width * s.height).rounded())
                    if c < 1 { d.error("`density` gives fewer than one neuron on this sheet") } else { count = c }
                }
            case (_?, _?): item.error("give either `count` or `density` for population `\(name ?? "?")`, not both")
            case (nil, nil): item.error("population `\(name ?? "?")` needs `count` (a whole number ≥ 1) or `density` (e.g. \"5000 /mm2\")")
            }
            let modelName = m["model"]?.choice(["lif", "adex"]) ?? "lif"
            var p = CellPresets.base(cls)
            var x = CellPresets.adex(cls)
            if let pr = m["params"], let pm = pr.mapping(allowed: Self.paramKeys) {
                p.C = pm["C"]?.quantity(.capacitance, min: 0, exclusiveMin: true) ?? p.C
                p.gL = pm["gL"]?.quantity(.conductance, min: 0, exclusiveMin: true) ?? p.gL
                p.EL = pm["EL"]?.quantity(.voltage) ?? p.EL
                p.Vth = pm["Vth"]?.quantity(.voltage) ?? p.Vth
                p.Vreset = pm["Vreset"]?.quantity(.voltage) ?? p.Vreset
                p.tRef = pm["refractory"]?.quantity(.time, min: 0) ?? p.tRef
                p.Iext = pm["I_ext"]?.quantity(.current) ?? p.Iext
                x.a = pm["a"]?.quantity(.conductance) ?? x.a
                x.b = pm["b"]?.quantity(.current) ?? x.b
                x.deltaT = pm["delta_T"]?.quantity(.voltage, min: 0, exclusiveMin: true) ?? x.deltaT
                x.VT = pm["V_T"]?.quantity(.voltage) ?? x.VT
                x.tauW = pm["tau_w"]?.quantity(.time, min: 0, exclusiveMin: true) ?? x.tauW
                x.Vpeak = pm["V_peak"]?.quantity(.voltage) ?? x.Vpeak
                if modelName == "lif" {
                    for k in ["a", "b", "delta_T", "V_T", "tau_w", "V_peak"] where pm[k] != nil {
                        pm[k]?.error("`\(k)` is an AdEx parameter; this population has `model: lif`")
                    }
                }
                if p.Vreset >= p.Vth { (pm["Vreset"] ?? pr).error("`Vreset` (\(p.Vreset) mV) must be below `Vth` (\(p.Vth) mV)") }
                if modelName == "adex", x.Vpeak <= x.VT { (pm["V_peak"] ?? pr).error("`V_peak` must be above `V_T`") }
            }
            var initV = min(p.Vreset, p.Vth)...max(p.Vreset, p.Vth)
            if let iv = m["init_v"], let im = iv.mapping(allowed: ["min", "max"]) {
                let lo = im["min"]?.quantity(.voltage) ?? initV.lowerBound
                let hi = im["max"]?.quantity(.voltage) ?? initV.upperBound
                if lo > hi { iv.error("`init_v.min` must not exceed `init_v.max`") } else { initV = lo...hi }
            }
            var region: Region?
            if let rg = m["region"], let rm = rg.mapping(allowed: ["center", "radius", "outside"]) {
                var c = (0.0, 0.0)
                if let cn = rm.required("center", in: rg), let xy = cn.sequence() {
                    if xy.count == 2, let cx = xy[0].quantity(.length), let cy = xy[1].quantity(.length) { c = (cx, cy) }
                    else if xy.count != 2 { cn.error("`region.center` must be [x, y], e.g. [\"500 um\", \"500 um\"]") }
                }
                let radius = rm.required("radius", in: rg)?.quantity(.length, min: 0, exclusiveMin: true) ?? 1
                if let s = sheet, c.0 < 0 || c.0 > s.width || c.1 < 0 || c.1 > s.height {
                    rm["center"]?.error("`region.center` lies outside the sheet (\(s.width) × \(s.height) µm)")
                }
                region = Region(centerX: c.0, centerY: c.1, radius: radius, outside: rm["outside"]?.bool() ?? false)
            }
            guard let name, let count else { continue }
            let model: NeuronModel = modelName == "adex" ? .adex(p, x) : .lif(p)
            var pop = Population(name: name, cellClass: cls, excitatory: exc, count: count, model: model, initialV: initV)
            pop.region = region
            if let l = m["layout"], l.choice(["sheet", "ring"]) == "ring" {
                pop.ring = true
                if m["region"] != nil { l.error("a ring population sits on a circle around the sheet's centre; remove `region` or `layout: ring`") }
            }
            out.append(pop)
        }
        return out
    }

    func populationIndex(_ r: NodeReader?, _ pops: [Population], what: String) -> Int? {
        guard let r, let n = r.string() else { return nil }
        if let i = pops.firstIndex(where: { $0.name == n }) { return i }
        if !pops.isEmpty, !declaredPopulations.contains(n) {
            r.error("\(what) `\(n)` is not a population of this scenario\(Suggest.hint(n, pops.map(\.name))); populations: \(pops.map(\.name).joined(separator: ", "))")
        }
        return nil
    }

    func decodeProjections(_ r: NodeReader, pops: [Population], dt: Double?) -> ([Projection], [WeightRule?]) {
        guard let items = r.sequence() else { return ([], []) }
        var out: [Projection] = []
        var rules: [WeightRule?] = []
        var pairs: Set<[Int]> = []
        for item in items {
            guard let m = item.mapping(allowed: Self.projectionKeys) else { continue }
            let src = populationIndex(m.required("from", in: item), pops, what: "source")
            let tgt = populationIndex(m.required("to", in: item), pops, what: "target")
            let ampa = m["ampa"]?.quantity(.conductance, min: 0) ?? 0
            var nmda = m["nmda"]?.quantity(.conductance, min: 0) ?? 0
            if let ratio = m["nmda_ampa_ratio"] {
                if m["nmda"] != nil { ratio.error("give either `nmda` or `nmda_ampa_ratio`, not both") }
                nmda = (ratio.number(min: 0, max: 100) ?? 0) * ampa
            }
            let gaba = m["gaba_a"]?.quantity(.conductance, min: 0) ?? 0
            if let s = src {
                if pops[s].excitatory, m["gaba_a"] != nil {
                    m["gaba_a"]?.error("`\(pops[s].name)` is excitatory: its projections carry `ampa` and `nmda`, not `gaba_a`")
                }
                if !pops[s].excitatory {
                    for k in ["ampa", "nmda", "nmda_ampa_ratio"] where m[k] != nil {
                        m[k]?.error("`\(pops[s].name)` is inhibitory: its projections carry `gaba_a`, not `\(k)`")
                    }
                }
                if ampa == 0, nmda == 0, gaba == 0 {
                    item.error("projection \(pops[s].name)→\(tgt.map { pops[$0].name } ?? "?") needs a conductance (`ampa`/`nmda` for excitatory sources, `gaba_a` for inhibitory)")
                }
            }
            if let s = src, let t = tgt {
                if pairs.contains([s, t]) { item.error("a second projection \(pops[s].name)→\(pops[t].name); merge them into one") }
                pairs.insert([s, t])
            }
            var rule: ConnectivityRule?
            if let c = m.required("connectivity", in: item), let cm = c.mapping(allowed: ["rule", "p", "p_max", "sigma", "k"]) {
                switch cm.required("rule", in: c)?.choice(["random", "gaussian", "fixed_indegree", "none"]) {
                case "none":
                    rule = .random(p: 0)
                case "random":
                    if let p = cm.required("p", in: c)?.number(min: 0, max: 1) { rule = .random(p: p) }
                case "gaussian":
                    let pm = cm.required("p_max", in: c)?.number(min: 0, max: 1)
                    let sg = cm.required("sigma", in: c)?.quantity(.length, min: 0, exclusiveMin: true)
                    if let pm, let sg { rule = .gaussian(pMax: pm, sigma: sg) }
                case "fixed_indegree":
                    if let k = cm.required("k", in: c)?.int(min: 1, max: 100_000) { rule = .fixedInDegree(k: k) }
                default: break
                }
            }
            let autapses = m["autapses"]?.bool() ?? false
            var synDelay = 0.5, velocity = 0.0
            if let d = m["delay"], let dm = d.mapping(allowed: ["synaptic", "velocity"]) {
                if let sd = dm["synaptic"]?.quantity(.time, min: 0) {
                    synDelay = sd
                    if let dt, sd < dt - 1e-12 {
                        dm["synaptic"]?.error("`delay.synaptic` (\(sd) ms) is shorter than the time step dt = \(dt) ms; the minimum delay must be at least one step")
                    }
                    if sd > 1000 { dm["synaptic"]?.error("`delay.synaptic` must be at most 1 s") }
                }
                velocity = dm["velocity"]?.quantity(.velocity, min: 0, exclusiveMin: true) ?? 0
            }
            let structural = m["structural"]?.bool() ?? false
            let weightRule = m["plasticity"].flatMap(decodeWeightRule)
            if let wr = weightRule, let s = src, !pops[s].excitatory, case .calcium = wr {
                m["plasticity"]?.error("the calcium rule needs NMDA-borne presynaptic calcium: use it on excitatory projections")
            }
            guard let s = src, let t = tgt, let rule else { continue }
            var p = Projection(source: s, target: t, ampa: ampa, nmda: nmda, gabaA: gaba, rule: rule,
                               autapses: autapses, synapticDelay: synDelay, velocity: velocity)
            p.structural = structural
            if let wp = m["weight_profile"], let wm = wp.mapping(allowed: ["j_plus", "sigma"]) {
                let jp = wm.required("j_plus", in: wp)?.number(min: 0, max: 100)
                let sg = wm.required("sigma", in: wp)?.quantity(.angle, min: 0, max: 360, exclusiveMin: true)
                for (i, role) in [(s, "source"), (t, "target")] where !pops[i].ring {
                    wp.error("`weight_profile` depends on preferred angles; the \(role) `\(pops[i].name)` has none (give it `layout: ring`)")
                }
                if let jp, let sg {
                    let profile = AngularProfile(jPlus: jp, sigma: sg)
                    let jm = profile.jMinus(sources: pops[s].count)
                    if jm < 0 || !jm.isFinite {
                        wp.error("with j_plus = \(jp) and sigma = \(sg)° the weight between distant neurons, J⁻ = (1 − J⁺ḡ)/(1 − ḡ) = \(jm), is negative; lower `j_plus` or `sigma`")
                    }
                    p.profile = profile
                }
                if structural { wp.error("a projection with a `weight_profile` cannot be `structural` (new synapses would have no angular weight)") }
            }
            out.append(p)
            rules.append(weightRule)
        }
        return (out, rules)
    }

    func decodeDrives(_ r: NodeReader, pops: [Population]) -> [Drive] {
        guard let items = r.sequence() else { return [] }
        var out: [Drive] = []
        var poissonFor: Set<Int> = []
        for item in items {
            guard let m = item.mapping(allowed: ["population", "poisson", "current", "tonic", "start", "stop"]) else { continue }
            let pop = populationIndex(m.required("population", in: item), pops, what: "population")
            var rate = 0.0, weight = 0.0, receptor = Receptor.ampa
            if let p = m["poisson"], let pm = p.mapping(allowed: ["rate", "weight", "receptor"]) {
                rate = pm.required("rate", in: p)?.quantity(.rate, min: 0, max: 1000) ?? 0
                weight = pm.required("weight", in: p)?.quantity(.conductance, min: 0) ?? 0
                receptor = pm["receptor"]?.choice(Receptor.allCases.map(\.rawValue)).flatMap(Receptor.init(rawValue:)) ?? .ampa
            }
            let current = m["current"]?.quantity(.current) ?? 0
            var tonic = (0.0, 0.0, 0.0)
            if let t = m["tonic"], let tm = t.mapping(allowed: ["ampa", "nmda", "gaba_a"]) {
                tonic = (tm["ampa"]?.quantity(.conductance, min: 0) ?? 0, tm["nmda"]?.quantity(.conductance, min: 0) ?? 0,
                         tm["gaba_a"]?.quantity(.conductance, min: 0) ?? 0)
            }
            if m["poisson"] == nil, m["current"] == nil, m["tonic"] == nil { item.error("a drive needs `poisson`, `current` or `tonic`") }
            guard let pop else { continue }
            if m["poisson"] != nil {
                if poissonFor.contains(pop) { m["poisson"]?.error("population `\(pops[pop].name)` already has a Poisson drive; give one per population (sum the rates)") }
                poissonFor.insert(pop)
            }
            var d = Drive(population: pop, poissonRate: rate, weight: weight, receptor: receptor, current: current,
                          tonicAMPA: tonic.0, tonicNMDA: tonic.1, tonicGABA: tonic.2)
            d.start = m["start"]?.quantity(.time, min: 0) ?? 0
            d.stop = m["stop"]?.quantity(.time, min: 0)
            if let stop = d.stop, stop <= d.start { m["stop"]?.error("`stop` must come after `start`") }
            if d.start > 0 || d.stop != nil, m["tonic"] != nil {
                m["tonic"]?.error("tonic conductances cannot be switched on and off yet; give them in a drive without `start`/`stop`")
            }
            out.append(d)
        }
        return out
    }

    /// `duration`: the run's network time [ms] (on the slow clock windows × window); a
    /// connectome time after it would never be written, so it is refused. `end` in
    /// `record.connectome` is that time.
    func decodeRecord(_ r: NodeReader, duration: Double? = nil, slow: Bool = false, pops: [Population] = [],
                      stimuli: [Stimulus] = [], time: TimeConfig? = nil, clock: SlowClockConfig? = nil,
                      doses: [DoseEvent] = [], sheet: Sheet? = nil) -> RecordConfig {
        guard let m = r.mapping(allowed: Self.recordKeys) else { return RecordConfig(spikes: true, rasterSample: 50) }
        var rc = RecordConfig(spikes: m["spikes"]?.bool() ?? true, rasterSample: m["raster_sample"]?.int(min: 0, max: 10_000) ?? 50)
        rc.sonata = m["sonata"]?.bool() ?? true
        decodeLFPReadouts(m, into: &rc, sheet: sheet, pops: pops, time: time, slowWindow: clock.map { $0.window - $0.settle })
        if let c = m["connectome"], let items = c.sequence() {
            rc.connectome = items.compactMap { item -> Double? in
                // `end`: the network as the run leaves it, after its last step's updates.
                if item.scalarText == "end" {
                    if rc.connectomeAtEnd { item.error("`end` is listed twice in `record.connectome`") }
                    rc.connectomeAtEnd = true
                    return nil
                }
                guard let t = item.quantity(.time, min: 0) else { return nil }
                if let d = duration, t > d + 1e-9 {
                    item.error("`record.connectome` time \(t) ms lies after the run's end at \(d) ms of network time"
                               + (slow ? " (on the slow clock, network time is the windows run one after another: windows × window)" : ""))
                }
                return t
            }.sorted()
            if rc.connectomeAtEnd, let d = duration, rc.connectome.contains(where: { abs($0 - d) < 1e-9 }) {
                c.error("`record.connectome` names the run's end twice (`end` and \(d) ms), and both would write connectome_\(Int(saturating: d.rounded()))ms.csv; keep `end`, which comes after the last step's updates")
            }
        }
        decodeReadouts(m, pops: pops, stimuli: stimuli, time: time, slow: clock, doses: doses, into: &rc)
        return rc
    }

    static let recordKeys = ["spikes", "sonata", "raster_sample", "connectome", "bump", "overlap", "lfp", "bands"]

    static let frameQuantities = ["rate", "v", "population", "calcium", "spines", "block", "bdnf"]

    func decodeFrames(_ r: NodeReader, time: TimeConfig?) -> FramesConfig? {
        guard let m = r.mapping(allowed: ["every", "width", "height", "theme", "colour", "synapses", "video", "enabled"]) else { return nil }
        if m["enabled"]?.bool() == false { return nil }
        let every = m.required("every", in: r)?.quantity(.time, min: 0, exclusiveMin: true)
        if let e = every, let t = time, e < t.dt { m["every"]?.error("`frames.every` must be at least one time step") }
        let w = m["width"]?.int(min: 160, max: 7680) ?? 1920
        let h = m["height"]?.int(min: 120, max: 4320) ?? 1080
        let theme = m["theme"]?.choice(["light", "dark"]) ?? "dark"
        let colour = m["colour"]?.choice(Self.frameQuantities) ?? "rate"
        let syn = m["synapses"]?.int(min: 0, max: 1_000_000) ?? 2000
        let video = m["video"]?.bool() ?? false
        guard let every else { return nil }
        return FramesConfig(every: every, width: w, height: h, theme: theme, colour: colour, synapses: syn, video: video)
    }

    func decodeCheckpoint(_ r: NodeReader, time: TimeConfig?) -> CheckpointConfig? {
        guard let m = r.mapping(allowed: ["every"]) else { return nil }
        guard let every = m.required("every", in: r)?.quantity(.time, min: 0, exclusiveMin: true) else { return nil }
        if let t = time, every < t.dt { m["every"]?.error("`checkpoint.every` must be at least one time step (\(t.dt) ms)") }
        return CheckpointConfig(every: every)
    }

    func decodeOutput(_ r: NodeReader) -> String? {
        guard let m = r.mapping(allowed: ["directory"]) else { return nil }
        return m["directory"]?.string()
    }

    // MARK: size

    /// Refuses networks whose estimated peak memory exceeds what the process may use, with
    /// the estimate: the steady size plus construction (one shard, every core), and the
    /// checkpoint's transient when the scenario asks for periodic checkpoints. The run checks
    /// again with its own shards, threads and flags (`RunSetup`).
    func checkSize(pops: [Population], projections: [Projection], sheet: Sheet?, top: [String: NodeReader], checkpoint: CheckpointConfig?,
                   dt: Double?, staticWeights: Bool) {
        let est = SizeEstimate(populations: pops, projections: projections, sheet: sheet, dt: dt, staticWeights: staticWeights)
        let build = est.buildPeak(shards: 1, threads: MemoryBudget.cores)
        if build > memoryLimit {
            (top["populations"] ?? root).error(
                "the network is too large for this machine: about \(est.synapses.formattedCount) synapses and \(est.neurons.formattedCount) neurons need ≈ \(formatBytes(build)) while being built, but only \(formatBytes(memoryLimit)) of memory is usable; reduce `count`/`density` or connection probabilities")
        } else if checkpoint != nil, est.checkpointPeak(shards: 1, threads: MemoryBudget.cores) > memoryLimit {
            (top["checkpoint"] ?? root).error(
                "a checkpoint of this network (about \(est.synapses.formattedCount) synapses) needs ≈ \(formatBytes(est.checkpointPeak(shards: 1, threads: MemoryBudget.cores))) while it is written or read, but only \(formatBytes(memoryLimit)) of memory is usable; remove `checkpoint` (the run itself needs ≈ \(formatBytes(build)))")
        }
    }
}

public enum NeuroplastSchema { public static let version = 1 }

extension String {
    init(format1 v: Double) { self = String((v * 10).rounded() / 10) }
}

extension Double {
    public var formattedCount: String {
        if !isFinite { return String(self) }
        if self >= 1e12 {
            let e = Int(saturating: log10(self).rounded(.down))
            let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
            return String(format1: self / pow(10, Double(e))) + "·10" + String(String(e).map { digits[Int(String($0))!] })
        }
        if self >= 1e9 { return String(format1: self / 1e9) + "·10⁹" }
        if self >= 1e6 { return String(format1: self / 1e6) + "·10⁶" }
        return String(Int(saturating: self.rounded()))
    }
}
