// DrugLibrary: the drug library file (`drugs.yaml`) — pharmacokinetics per species, brain
// distribution, NMDA block, other effects, metabolites and sources for each drug — decoded
// into `DrugParameters` with every fault located file:line:column. A user copies the
// built-in file, edits or extends it, and merges it over the built-in one.

import Foundation
import InputReading
import NeuroplastCore
import Yams

/// The drugs a run may use, by name.
///
/// File format (numbers are plain, the unit is in the key's name):
///
///     schema: 1
///     drugs:
///       - name: ketamine
///         molar_mass_g_per_mol: 237.73
///         brain_plasma_ratio: 6.5          # total brain : plasma at equilibrium
///         brain_unbound_fraction: 0.2      # of the total brain concentration
///         plasma_unbound_fraction: 0.5
///         pk:
///           human:                         # human, rat, mouse, macaque, dog
///             reference_weight_kg: 70
///             central_volume_L: 122
///             clearance_L_per_h: 79
///             peripheral: [{volume_L: 130, flow_L_per_h: 120}]   # 0–2 entries
///             ke0_per_h: 12                # optional effect site
///             absorption:                  # extravascular routes
///               intranasal: {rate_per_h: 4, bioavailability: 0.14, lag_h: 0}
///         nmda:                            # optional: open-channel block
///           ic50_uM: 1.0
///           hill: 0.602
///           subtype_ic50_no_mg_uM: {GluN2A: 0.5, GluN2B: 0.5, GluN2C: 0.5, GluN2D: 0.5}
///           subtype_ic50_mg_uM: {GluN2A: 5.4, GluN2B: 5.1, GluN2C: 1.2, GluN2D: 3.0}
///           tau_block_s: 0.5
///           trapping: 1
///         effects:                         # optional, by name
///           ampa_potentiation: {emax: 1, ec50_uM: 10, hill: 1, tau_h: 0}
///         metabolites: [{drug: norketamine, fraction: 0.8}]
///         sources: ["…"]
public struct DrugLibrary: Sendable, Equatable {
    public private(set) var entries: [String: DrugParameters]
    /// The file each entry came from.
    public private(set) var files: [String: String]

    public init(_ drugs: [DrugParameters], file: String = "") {
        entries = [:]; files = [:]
        for d in drugs { entries[d.name] = d; files[d.name] = file }
    }

    public subscript(name: String) -> DrugParameters? { entries[name] }
    public var names: [String] { entries.keys.sorted() }

    /// This library with `other`'s entries added; an entry of `other` replaces one of the same name.
    public func merging(_ other: DrugLibrary) -> DrugLibrary {
        var r = self
        for (k, v) in other.entries { r.entries[k] = v; r.files[k] = other.files[k] }
        return r
    }

    /// The entries named and their metabolites, recursively, sorted by name; unknown names
    /// are left out.
    public func closure(of names: [String]) -> [DrugParameters] {
        var seen = Set<String>(), queue = names
        while let n = queue.popLast() {
            guard !seen.contains(n), let d = entries[n] else { continue }
            seen.insert(n)
            queue.append(contentsOf: d.metabolites.map(\.drug))
        }
        return seen.sorted().compactMap { entries[$0] }
    }

    // MARK: loading

    /// The environment variable naming a library file to use instead of the built-in one.
    public static let environmentKey = "NEUROPLAST_DRUG_LIBRARY"
    static let resourceBundle = "Neuroplast_Scenario.resources"

    /// The library shipped with the program (`Sources/Scenario/Resources/drugs.yaml`), or the
    /// file named by `NEUROPLAST_DRUG_LIBRARY`.
    public static func builtIn() throws -> DrugLibrary {
        try load(path: builtInPath(), checkAgainstBuiltIn: false)
    }

    /// Where the built-in library file is. Looks for `Neuroplast_Scenario.resources/drugs.yaml`
    /// beside the running executable (and one folder up, for test bundles). Does not use
    /// `Bundle.module`, which stops the program when the bundle is missing.
    public static func builtInPath() throws -> String {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment[environmentKey], !env.isEmpty {
            guard fm.fileExists(atPath: env) else {
                throw ScenarioErrors([Diagnostic(SourceLocation(file: env, line: 1, column: 1),
                    "the drug library named by \(environmentKey) does not exist; expected a drugs.yaml file")], isUsage: true)
            }
            return env
        }
        var dirs: [URL] = [Bundle.main.bundleURL]
        if let exe = Bundle.main.executableURL { dirs.append(exe.deletingLastPathComponent()) }
        if let arg0 = CommandLine.arguments.first, !arg0.isEmpty {
            let url = URL(fileURLWithPath: arg0).resolvingSymlinksInPath()
            dirs.append(url.deletingLastPathComponent())
        }
        dirs += Bundle.allBundles.map(\.bundleURL)
        var tried: [String] = []
        for d in dirs {
            for dir in [d, d.deletingLastPathComponent()] {
                let p = dir.appendingPathComponent(resourceBundle).appendingPathComponent("drugs.yaml").path
                if !tried.contains(p) { tried.append(p) }
                if fm.fileExists(atPath: p) { return p }
            }
        }
        throw ScenarioErrors([Diagnostic(SourceLocation(file: "drugs.yaml", line: 1, column: 1),
            "the built-in drug library was not found beside the program (looked for \(tried.joined(separator: ", "))); set \(environmentKey) to the path of a drugs.yaml")], isUsage: true)
    }

    /// Loads a library file, checking every entry; throws `ScenarioErrors` with all faults.
    public static func load(path: String) throws -> DrugLibrary {
        try load(path: path, checkAgainstBuiltIn: true)
    }

    static func load(path: String, checkAgainstBuiltIn: Bool) throws -> DrugLibrary {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions, or not UTF-8 text)" : "does not exist"
            throw ScenarioErrors([Diagnostic(SourceLocation(file: path, line: 1, column: 1),
                                             "the drug library file \(reason); expected a readable YAML file")], isUsage: true)
        }
        let external = checkAgainstBuiltIn ? ((try? builtIn())?.names ?? []) : []
        return try load(text: text, file: path, externalNames: external)
    }

    /// Decodes library text; metabolites may name drugs of this text or `externalNames`.
    public static func load(text: String, file: String, externalNames: [String] = []) throws -> DrugLibrary {
        let root = try ScenarioLoader.parse(text: text, file: file)
        let sink = DiagnosticSink()
        let drugs = DrugLibraryDecoder(sink: sink).decode(NodeReader(node: root, file: file, path: "", sink: sink),
                                                         externalNames: externalNames)
        try sink.throwIfAny()
        return DrugLibrary(drugs, file: file)
    }
}

/// Turns the YAML tree of a library file into `DrugParameters`, reporting every fault.
struct DrugLibraryDecoder {
    let sink: DiagnosticSink

    static let species = ["human", "rat", "mouse", "macaque", "dog"]
    static let routes = ["intramuscular", "intraperitoneal", "subcutaneous", "intranasal", "oral"]
    static let effects = ["ampa_potentiation", "ampa_block", "hcn_block", "nox2_activation", "nox2_inhibition", "mtor_inhibition", "bdnf_synthesis", "anti_inflammatory"]
    static let subtypes = ["GluN2A", "GluN2B", "GluN2C", "GluN2D"]
    static let drugKeys = ["name", "molar_mass_g_per_mol", "brain_plasma_ratio", "brain_unbound_fraction",
                           "plasma_unbound_fraction", "pk", "nmda", "effects", "metabolites", "sources"]

    func decode(_ root: NodeReader, externalNames: [String]) -> [DrugParameters] {
        guard let top = root.mapping(allowed: ["schema", "drugs"]) else { return [] }
        if let s = top.required("schema", in: root), let v = s.int(), v != 1 {
            s.error("`schema` must be 1 (the only drug-library format); got \(v)")
        }
        guard let list = top.required("drugs", in: root)?.sequence() else { return [] }
        var out: [DrugParameters] = [], nameNodes: [String: NodeReader] = [:]
        var links: [(NodeReader, String)] = []
        for item in list {
            guard let (d, nameNode) = decodeDrug(item, links: &links) else { continue }
            if nameNodes[d.name] != nil { nameNode.error("the drug `\(d.name)` is defined twice in this file"); continue }
            nameNodes[d.name] = nameNode
            out.append(d)
        }
        // Metabolites may name entries that failed to decode (their own faults are reported).
        let names = list.compactMap { item -> String? in
            if case let .mapping(m) = item.node, let n = m["name"]?.string { return n }
            return nil
        }
        let known = names + externalNames
        for (node, name) in links where !known.contains(name) {
            node.error("the metabolite `\(name)` is not a drug of this library\(Suggest.hint(name, known)); expected the name of an entry")
        }
        return out
    }

    /// A number > 0.
    func positive(_ r: NodeReader?) -> Double? {
        guard let r, let v = r.number() else { return nil }
        guard v > 0, v.isFinite else { r.error("`\(r.path)` must be greater than 0; got \(v)"); return nil }
        return v
    }

    /// A fraction in (0, 1] (or [0, 1] with `allowZero`).
    func fraction(_ r: NodeReader?, allowZero: Bool = false) -> Double? {
        guard let r, let v = r.number(max: 1) else { return nil }
        guard allowZero ? v >= 0 : v > 0 else {
            r.error("`\(r.path)` must be a fraction \(allowZero ? "from 0" : "above 0") to 1; got \(v)"); return nil
        }
        return v
    }

    /// One entry; its metabolite references are appended to `links` even when the entry has
    /// other faults, so that they are checked too.
    func decodeDrug(_ item: NodeReader, links: inout [(NodeReader, String)]) -> (DrugParameters, NodeReader)? {
        guard let m = item.mapping(allowed: Self.drugKeys) else { return nil }
        let nameNode = m.required("name", in: item)
        let name = nameNode?.string()
        if let n = name, n.isEmpty || n.contains(where: { $0.isWhitespace }) {
            nameNode?.error("`\(nameNode!.path)` must be a name without spaces; got \"\(n)\"")
        }
        let mw = positive(m.required("molar_mass_g_per_mol", in: item))
        let ratio = positive(m.required("brain_plasma_ratio", in: item))
        let fuBrain = fraction(m.required("brain_unbound_fraction", in: item))
        let fuPlasma = fraction(m.required("plasma_unbound_fraction", in: item))
        var pk: [String: PKParameters] = [:]
        var ok = true
        if let p = m.required("pk", in: item) {
            if let species = p.mapping(allowed: Self.species) {
                for (s, r) in species { if let v = decodePK(r) { pk[s] = v } else { ok = false } }
            } else { ok = false }
        } else { ok = false }
        var nmda: NMDABlockParameters?
        if let r = m["nmda"] {
            if case .scalar(let s) = r.node, ["null", "~", ""].contains(s.string) { nmda = nil }
            else if let v = decodeNMDA(r) { nmda = v } else { ok = false }
        }
        var effects: [String: HillEffect] = [:]
        if let r = m["effects"], let e = r.mapping(allowed: Self.effects) {
            for (k, v) in e { if let h = decodeEffect(v) { effects[k] = h } else { ok = false } }
        }
        var metabolites: [MetaboliteLink] = []
        if let r = m["metabolites"], let list = r.sequence() {
            var total = 0.0
            for li in list {
                guard let lm = li.mapping(allowed: ["drug", "fraction"]) else { ok = false; continue }
                let dn = lm.required("drug", in: li), d = dn?.string()
                let f = fraction(lm.required("fraction", in: li))
                if let d, let dn, d != name { links.append((dn, d)) }
                if let d, let f, let dn {
                    if d == name { dn.error("a drug cannot be its own metabolite"); ok = false; continue }
                    metabolites.append(MetaboliteLink(drug: d, fraction: f)); total += f
                } else { ok = false }
            }
            if total > 1 + 1e-12 { r.error("the metabolite fractions of `\(name ?? "?")` add up to \(total); expected at most 1") ; ok = false }
        }
        var sources: [String] = []
        if let r = m.required("sources", in: item), let list = r.sequence() {
            for s in list { if let t = s.string(), !t.isEmpty { sources.append(t) } }
            if list.isEmpty { r.error("`\(r.path)` must list at least one source (paper, table, or [I] with the reasoning)"); ok = false }
        } else { ok = false }
        guard ok, let name, let mw, let ratio, let fuBrain, let fuPlasma, let nameNode else { return nil }
        return (DrugParameters(name: name, molarMass: mw, pk: pk, brainPlasmaRatio: ratio, brainUnboundFraction: fuBrain,
                               plasmaUnboundFraction: fuPlasma, nmda: nmda, effects: effects, metabolites: metabolites,
                               sources: sources), nameNode)
    }

    func decodePK(_ r: NodeReader) -> PKParameters? {
        guard let m = r.mapping(allowed: ["reference_weight_kg", "central_volume_L", "clearance_L_per_h", "peripheral",
                                          "ke0_per_h", "absorption"]) else { return nil }
        let w = positive(m.required("reference_weight_kg", in: r))
        let v1 = positive(m.required("central_volume_L", in: r))
        var cl: Double?
        if let c = m.required("clearance_L_per_h", in: r) { cl = c.number(min: 0) }
        var ok = true
        var peripheral: [PeripheralCompartment] = []
        if let p = m["peripheral"], let list = p.sequence() {
            if list.count > 2 { p.error("`\(p.path)` may have at most 2 compartments; got \(list.count)"); ok = false }
            for c in list {
                guard let cm = c.mapping(allowed: ["volume_L", "flow_L_per_h"]) else { ok = false; continue }
                let v = positive(cm.required("volume_L", in: c)), q = positive(cm.required("flow_L_per_h", in: c))
                if let v, let q { peripheral.append(PeripheralCompartment(volume: v, flow: q)) } else { ok = false }
            }
        }
        var ke0: Double?
        if let k = m["ke0_per_h"] { ke0 = positive(k); if ke0 == nil { ok = false } }
        var absorption: [String: Absorption] = [:]
        if let a = m["absorption"], let routes = a.mapping(allowed: Self.routes) {
            for (route, rr) in routes {
                guard let am = rr.mapping(allowed: ["rate_per_h", "bioavailability", "lag_h"]) else { ok = false; continue }
                let ka = positive(am.required("rate_per_h", in: rr))
                let f = fraction(am.required("bioavailability", in: rr))
                var lag: Double? = 0
                if let l = am["lag_h"] { lag = l.number(min: 0) }
                if let ka, let f, let lag { absorption[route] = Absorption(rate: ka, bioavailability: f, lag: lag) } else { ok = false }
            }
        }
        guard ok, let w, let v1, let cl else { return nil }
        return PKParameters(referenceWeight: w, centralVolume: v1, clearance: cl, peripheral: peripheral, ke0: ke0, absorption: absorption)
    }

    func decodeSubtypes(_ r: NodeReader?) -> [String: Double]? {
        guard let r else { return [:] }
        guard let m = r.mapping(allowed: Self.subtypes) else { return nil }
        var out: [String: Double] = [:], ok = true
        for (k, v) in m { if let x = positive(v) { out[k] = x } else { ok = false } }
        return ok ? out : nil
    }

    func decodeNMDA(_ r: NodeReader) -> NMDABlockParameters? {
        guard let m = r.mapping(allowed: ["ic50_uM", "hill", "subtype_ic50_no_mg_uM", "subtype_ic50_mg_uM",
                                          "tau_block_s", "trapping"]) else { return nil }
        let ic50 = positive(m.required("ic50_uM", in: r))
        let hill = positive(m.required("hill", in: r))
        let no = decodeSubtypes(m["subtype_ic50_no_mg_uM"]), mg = decodeSubtypes(m["subtype_ic50_mg_uM"])
        let tau = m.required("tau_block_s", in: r)?.number(min: 0)
        let trap = fraction(m.required("trapping", in: r), allowZero: true)
        guard let ic50, let hill, let no, let mg, let tau, let trap else { return nil }
        return NMDABlockParameters(ic50: ic50, hill: hill, subtypeIC50NoMg: no, subtypeIC50Mg: mg, tauBlock: tau, trapping: trap)
    }

    func decodeEffect(_ r: NodeReader) -> HillEffect? {
        guard let m = r.mapping(allowed: ["emax", "ec50_uM", "hill", "tau_h"]) else { return nil }
        let emax = m.required("emax", in: r)?.number()
        let ec50 = positive(m.required("ec50_uM", in: r))
        var hill: Double? = 1, tau: Double? = 0
        if let h = m["hill"] { hill = positive(h) }
        if let t = m["tau_h"] { tau = t.number(min: 0) }
        guard let emax, let ec50, let hill, let tau else { return nil }
        return HillEffect(emax: emax, ec50: ec50, hill: hill, tau: tau)
    }
}
