// One structural update: which synapses to delete (elements retracted below their
// connected count, or synapses weak for too long) and which to create (vacant boutons
// paired with vacant dendritic elements, with a distance-dependent and optionally
// site-memory-biased choice). Pure and deterministic: the engine gathers the network's
// structural synapses, calls this, and applies the result to its shards.

#if canImport(Glibc)
import Glibc
#endif

/// A structural synapse by its endpoints (global ids). Structural synapses are unique per
/// (pre, post) pair: no multapses are formed.
public struct SynapseKey: Sendable, Hashable, Comparable {
    public var pre: Int32
    public var post: Int32
    public init(pre: Int32, post: Int32) { self.pre = pre; self.post = post }
    public static func < (a: SynapseKey, b: SynapseKey) -> Bool { a.post != b.post ? a.post < b.post : a.pre < b.pre }
}

/// A recently lost synapse: where a spine was, for formation biased back to that site.
public struct LostSite: Sendable, Equatable {
    public var key: SynapseKey
    public var time: Double  // [ms]
}

/// Parameters of formation and pruning.
public struct RewiringRules: Sendable, Equatable {
    /// Distance scale of partner choice [µm]; nil = any distance, equally likely (NEST MSP).
    public var sigma: Double?
    /// Whether formation is biased to sites lost recently (Moda-Sava et al. 2019).
    public var siteMemory: Bool
    /// How much more likely a lost partner is chosen again (multiplier − 1) when its loss is fresh.
    public var siteBias: Double
    /// Memory time constant [ms] of lost sites.
    public var siteTau: Double
    /// Prune synapses whose weight factor stays below this for `pruneAfter` ms (nil = never).
    public var pruneBelow: Double?
    public var pruneAfter: Double
    public init(sigma: Double?, siteMemory: Bool, siteBias: Double, siteTau: Double, pruneBelow: Double?, pruneAfter: Double) {
        self.sigma = sigma; self.siteMemory = siteMemory; self.siteBias = siteBias; self.siteTau = siteTau
        self.pruneBelow = pruneBelow; self.pruneAfter = pruneAfter
    }
}

/// What one structural update decided.
public struct RewiringPlan: Sendable, Equatable {
    public var deleted: [SynapseKey] = []
    public var created: [SynapseKey] = []
    public var prunedWeak = 0
    public init() {}
}

/// The bookkeeping of structural plasticity across updates.
public struct Rewiring: Sendable {
    public let rules: RewiringRules
    public let seed: UInt64
    /// Sign of each neuron's boutons (by population).
    let sign: [SynapseSign]
    /// Positions [µm] and sheet size for distances.
    let x: [Double], y: [Double]
    let width: Double, height: Double, periodic: Bool
    /// Which (pre population, post population) pairs may form structural synapses.
    let allowed: Set<[Int]>
    let population: [UInt8]
    public internal(set) var lost: [LostSite] = []
    /// Time since which a synapse has been weak [ms].
    public internal(set) var weakSince: [SynapseKey: Double] = [:]
    public internal(set) var updates: UInt64 = 0

    public init(rules: RewiringRules, seed: UInt64, sign: [SynapseSign], population: [UInt8], x: [Double], y: [Double],
                width: Double, height: Double, periodic: Bool, allowedPairs: [(Int, Int)]) {
        self.rules = rules; self.seed = seed; self.sign = sign; self.population = population
        self.x = x; self.y = y; self.width = width; self.height = height; self.periodic = periodic
        allowed = Set(allowedPairs.map { [$0.0, $0.1] })
    }

    func distance2(_ a: Int, _ b: Int) -> Double {
        var dx = abs(x[a] - x[b]), dy = abs(y[a] - y[b])
        if periodic { dx = min(dx, width - dx); dy = min(dy, height - dy) }
        return dx * dx + dy * dy
    }

    /// Decides one update at time `now` [ms].
    /// - Parameters:
    ///   - synapses: every structural synapse now, with its weight factor.
    ///   - elements: element counts after growth.
    public mutating func update(now: Double, synapses: [(key: SynapseKey, weight: Float)], elements: SynapticElements) -> RewiringPlan {
        updates += 1
        var plan = RewiringPlan()
        var rng = KeyedSequence(key: CounterRNG(seed: seed).key(stream: CounterRNG.Stream.plasticity.sub(1), entity: updates))
        var live = Set(synapses.map(\.key))
        // 1. Weak synapses: pruned after staying below the threshold long enough.
        if let below = rules.pruneBelow {
            var still: [SynapseKey: Double] = [:]
            for s in synapses where s.weight < Float(below) {
                let since = weakSince[s.key] ?? now
                if now - since >= rules.pruneAfter { live.remove(s.key); plan.deleted.append(s.key); plan.prunedWeak += 1 }
                else { still[s.key] = since }
            }
            weakSince = still
        }
        // 2. Retraction: delete synapses of elements whose count fell below their connections.
        //    Axonal side first, then dendritic; neurons in id order; victims drawn uniformly.
        //    Lists are in key order (post, then pre): the input is sorted, or sorted here.
        let n = x.count
        var ordered = synapses.map(\.key)
        if zip(ordered, ordered.dropFirst()).contains(where: { !($0 < $1) }) { ordered.sort() }
        var outgoing = [[SynapseKey]](repeating: [], count: n)
        var incomingE = [[SynapseKey]](repeating: [], count: n), incomingI = incomingE
        for k in ordered where live.contains(k) {
            outgoing[Int(k.pre)].append(k)
            if sign[Int(k.pre)] == .excitatory { incomingE[Int(k.post)].append(k) } else { incomingI[Int(k.post)].append(k) }
        }
        var removed = Set<SynapseKey>()
        func retract(_ list: [SynapseKey], keep z: Double) {
            let alive = list.filter { !removed.contains($0) }
            var excess = alive.count - Int(z.rounded(.down))
            var pool = alive
            while excess > 0, !pool.isEmpty {
                let victim = pool.remove(at: rng.below(pool.count))
                removed.insert(victim); excess -= 1
            }
        }
        for i in 0..<n { retract(outgoing[i], keep: elements.axonal[i]) }
        for j in 0..<n {
            retract(incomingE[j], keep: elements.dendriticExc[j])
            retract(incomingI[j], keep: elements.dendriticInh[j])
        }
        for k in removed.sorted() {
            plan.deleted.append(k)
            live.remove(k)
            if rules.siteMemory { lost.append(LostSite(key: k, time: now)) }
        }
        if rules.siteMemory { lost.removeAll { now - $0.time > 5 * rules.siteTau } }
        // 3. Formation: vacant boutons × vacant dendritic elements of the matching sign.
        var connectedOut = [Int](repeating: 0, count: n), connectedE = connectedOut, connectedI = connectedOut
        // Present partners of each neuron (pre ids of its inputs), for the "no multapse" check.
        var partners = [[Int32]](repeating: [], count: n)
        for k in live {
            connectedOut[Int(k.pre)] += 1
            if sign[Int(k.pre)] == .excitatory { connectedE[Int(k.post)] += 1 } else { connectedI[Int(k.post)] += 1 }
            partners[Int(k.post)].append(k.pre)
        }
        var lostBy: [Int32: [LostSite]] = [:]
        if rules.siteMemory { for s in lost { lostBy[s.key.post, default: []].append(s) } }
        let P = Int(population.max() ?? 0) + 1
        var allowedTable = [Bool](repeating: false, count: P * P)
        for a in 0..<P { for b in 0..<P { allowedTable[a * P + b] = allowed.contains([a, b]) } }
        var mark = [Int](repeating: -1, count: n)   // mark[i] == j: i already projects to j
        var siteMark = [Int](repeating: -1, count: n), siteBoost = [Double](repeating: 1, count: n)
        for sg in [SynapseSign.excitatory, .inhibitory] {
            // Neurons with vacant boutons (id order) and how many each has: a neuron's
            // boutons are interchangeable, so it is drawn with weight × count (the same
            // distribution as one entry per bouton, with one distance weight per neuron).
            var senders: [Int] = [], vacant: [Int] = []
            for i in 0..<n where sign[i] == sg {
                let v = Int(elements.axonal[i].rounded(.down)) - connectedOut[i]
                if v > 0 { senders.append(i); vacant.append(v) }
            }
            var remainingBoutons = vacant.reduce(0, +)
            var spines: [Int] = []
            for j in 0..<n {
                let z = sg == .excitatory ? elements.dendriticExc[j] : elements.dendriticInh[j]
                let c = sg == .excitatory ? connectedE[j] : connectedI[j]
                let v = Int(z.rounded(.down)) - c
                if v > 0 { spines += [Int](repeating: j, count: v) }
            }
            // Shuffle the spines (Fisher–Yates, deterministic), then give each a partner.
            for k in stride(from: spines.count - 1, to: 0, by: -1) { spines.swapAt(k, rng.below(k + 1)) }
            var weights = [Double](repeating: 0, count: senders.count)
            for j in spines {
                guard remainingBoutons > 0 else { break }
                for pre in partners[j] { mark[Int(pre)] = j }
                if rules.siteMemory, let sites = lostBy[Int32(j)] {
                    // The bias of each lost partner, multiplied over its lost sites.
                    for site in sites {
                        let i = Int(site.key.pre)
                        if siteMark[i] != j { siteMark[i] = j; siteBoost[i] = 1 }
                        siteBoost[i] *= 1 + rules.siteBias * exp(-(now - site.time) / rules.siteTau)
                    }
                }
                var total = 0.0
                let pj = Int(population[j])
                for (b, i) in senders.enumerated() {
                    weights[b] = 0
                    guard vacant[b] > 0, i != j, allowedTable[Int(population[i]) * P + pj], mark[i] != j else { continue }
                    var w = Double(vacant[b])
                    if let s = rules.sigma { w *= exp(-distance2(i, j) / (2 * s * s)) }
                    if siteMark[i] == j { w *= siteBoost[i] }
                    weights[b] = w; total += w
                }
                guard total > 0 else { continue }
                var u = rng.uniform() * total
                var chosen = -1
                for (b, w) in weights.enumerated() where w > 0 {
                    chosen = b
                    if u < w { break }
                    u -= w
                }
                let i = senders[chosen]
                vacant[chosen] -= 1
                remainingBoutons -= 1
                let key = SynapseKey(pre: Int32(i), post: Int32(j))
                live.insert(key)
                partners[j].append(Int32(i))
                plan.created.append(key)
            }
        }
        plan.created.sort()
        plan.deleted.sort()
        return plan
    }
}

extension Rewiring {
    /// Records synapses removed outside `update` (e.g. spine loss decided by a slow-clock
    /// model) as lost sites, so later formation can be biased back to them.
    public mutating func noteLost(_ keys: [SynapseKey], now: Double) {
        guard rules.siteMemory else { return }
        lost += keys.sorted().map { LostSite(key: $0, time: now) }
    }
}
