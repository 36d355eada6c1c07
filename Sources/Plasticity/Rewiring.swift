// One structural update: which synapses to delete (elements retracted below their
// connected count, or synapses weak for too long) and which to create (vacant boutons
// paired with vacant dendritic elements, with a distance-dependent and optionally
// site-memory-biased choice). Pure and deterministic: the engine gathers the network's
// structural synapses, calls this, and applies the result to its shards.

import Kernel

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

    /// Decides one update at time `now` [ms].
    /// - Parameters:
    ///   - synapses: every structural synapse now, with its weight factor.
    ///   - elements: element counts after growth.
    ///   - threads: threads for formation's distance factors (`DistanceFactors`); the plan
    ///     is the same for any count.
    public mutating func update(now: Double, synapses: [(key: SynapseKey, weight: Float)], elements: SynapticElements,
                                threads: Int = 1) -> RewiringPlan {
        updates += 1
        var plan = RewiringPlan()
        var rng = KeyedSequence(key: CounterRNG(seed: seed).key(stream: CounterRNG.Stream.plasticity.sub(1), entity: updates))
        let n = x.count
        // The synapses in key order (post, then pre), as flat arrays indexed by position s:
        // no sets or per-neuron arrays (hashing and allocating them was most of the update's
        // cost). Equal keys, if the input has any, share the identity of their first copy.
        var keys = synapses.map(\.key)
        if zip(keys, keys.dropFirst()).contains(where: { !($0 < $1) }) { keys.sort() }
        let m = keys.count
        var identity = [Int](repeating: 0, count: m)
        for s in 0..<m { identity[s] = s > 0 && keys[s] == keys[s - 1] ? identity[s - 1] : s }
        var pruned = [Bool](repeating: false, count: m)    // by identity: weak for too long
        var removed = [Bool](repeating: false, count: m)   // by identity: retracted now
        // 1. Weak synapses: pruned after staying below the threshold long enough.
        if let below = rules.pruneBelow {
            var still: [SynapseKey: Double] = [:]
            for s in synapses where s.weight < Float(below) {
                let since = weakSince[s.key] ?? now
                if now - since >= rules.pruneAfter {
                    pruned[identity[Self.position(of: s.key, in: keys)]] = true
                    plan.deleted.append(s.key); plan.prunedWeak += 1
                } else { still[s.key] = since }
            }
            weakSince = still
        }
        // 2. Retraction: delete synapses of elements whose count fell below their connections.
        //    Axonal side first, then dendritic; neurons in id order; victims drawn uniformly
        //    from each neuron's list in key order.
        let outgoing = Self.grouped(m, n) { s in pruned[identity[s]] ? nil : Int(keys[s].pre) }
        let incomingE = Self.grouped(m, n) { s in
            pruned[identity[s]] || sign[Int(keys[s].pre)] != .excitatory ? nil : Int(keys[s].post)
        }
        let incomingI = Self.grouped(m, n) { s in
            pruned[identity[s]] || sign[Int(keys[s].pre)] == .excitatory ? nil : Int(keys[s].post)
        }
        var pool: [Int] = []
        func retract(_ list: CSRGroups, _ i: Int, keep z: Double) {
            pool.removeAll(keepingCapacity: true)
            for s in list.items[list.start[i]..<list.start[i + 1]] where !removed[identity[s]] { pool.append(s) }
            var excess = pool.count - Int(z.rounded(.down))
            while excess > 0, !pool.isEmpty {
                let victim = pool.remove(at: rng.below(pool.count))
                removed[identity[victim]] = true; excess -= 1
            }
        }
        for i in 0..<n { retract(outgoing, i, keep: elements.axonal[i]) }
        for j in 0..<n {
            retract(incomingE, j, keep: elements.dendriticExc[j])
            retract(incomingI, j, keep: elements.dendriticInh[j])
        }
        for s in 0..<m where identity[s] == s && removed[s] {
            plan.deleted.append(keys[s])
            if rules.siteMemory { lost.append(LostSite(key: keys[s], time: now)) }
        }
        if rules.siteMemory { lost.removeAll { now - $0.time > 5 * rules.siteTau } }
        // 3. Formation: vacant boutons × vacant dendritic elements of the matching sign.
        var connectedOut = [Int](repeating: 0, count: n), connectedE = connectedOut, connectedI = connectedOut
        // Present partners of each neuron, for the "no multapse" check: the live synapses
        // onto j (a run of the key order, `inputs`), then those created in this update
        // (a list per j threaded through `createdNext`).
        var inputs = [Int](repeating: 0, count: n + 1)
        for s in 0..<m where identity[s] == s && !pruned[s] && !removed[s] {
            let k = keys[s]
            connectedOut[Int(k.pre)] += 1
            if sign[Int(k.pre)] == .excitatory { connectedE[Int(k.post)] += 1 } else { connectedI[Int(k.post)] += 1 }
        }
        for s in 0..<m { inputs[Int(keys[s].post) + 1] = s + 1 }
        for j in 0..<n { inputs[j + 1] = max(inputs[j + 1], inputs[j]) }
        var createdHead = [Int](repeating: -1, count: n), createdNext: [Int] = [], createdPre: [Int32] = []
        var lostBy: [Int32: [LostSite]] = [:]
        if rules.siteMemory { for s in lost { lostBy[s.key.post, default: []].append(s) } }
        let P = Int(population.max() ?? 0) + 1
        let allowedTable = (0..<P * P).map { allowed.contains([$0 / P, $0 % P]) }
        var mark = [Int](repeating: -1, count: n)   // mark[i] == j: i already projects to j
        var siteMark = [Int](repeating: -1, count: n), siteBoost = [Double](repeating: 1, count: n)
        // Formation's schedule: one worker gang for both signs (one Dispatch call; inline with one
        // thread), which fills the blocks of distance factors (`DistanceFactors`) while this
        // thread, its leader, makes every choice in order.
        WorkerGang.run(threads: threads) { gang in
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
                    if v > 0 { for _ in 0..<v { spines.append(j) } }
                }
                // Shuffle the spines (Fisher–Yates, deterministic), then give each a partner.
                for k in stride(from: spines.count - 1, to: 0, by: -1) { spines.swapAt(k, rng.below(k + 1)) }
                var weights = [Double](repeating: 0, count: senders.count)
                // Distance factors a block of spines ahead, in parallel (`DistanceFactors`): block
                // q / perBlock in slot (q / perBlock) % 2; with a gang, the next block's fill runs
                // on the followers while this loop chooses the partners of the current one.
                let factors = rules.sigma.map { DistanceFactors(sigma: $0, width: width, height: height, periodic: periodic,
                                                                senders: senders, x: x, y: y, population: population,
                                                                allowed: allowedTable, populations: P) }
                let perBlock = factors?.spinesPerBlock ?? 1
                var ahead: WorkerGang.Phase?
                func block(_ q: Int) -> ArraySlice<Int> { spines[q..<min(q + perBlock, spines.count)] }
                for (q, j) in spines.enumerated() {
                    guard remainingBoutons > 0 else { break }
                    if q % perBlock == 0, let f = factors {
                        let slot = (q / perBlock) % 2
                        let open = vacant.map { $0 > 0 }
                        if let phase = ahead {
                            gang?.finish(phase)
                            ahead = nil
                        } else {
                            f.fill(slot: slot, spines: block(q), open: open, gang: gang)
                        }
                        if let gang, q + perBlock < spines.count {
                            ahead = f.start(slot: 1 - slot, spines: block(q + perBlock), open: open, gang: gang)
                        }
                    }
                    for s in inputs[j]..<inputs[j + 1] where identity[s] == s && !pruned[s] && !removed[s] {
                        mark[Int(keys[s].pre)] = j
                    }
                    var c = createdHead[j]
                    while c >= 0 { mark[Int(createdPre[c])] = j; c = createdNext[c] }
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
                    if let f = factors {
                        // This spine's row of the block's factors. A factor is 0 where the sender
                        // had no vacant bouton at the block's start, is j itself or may not connect
                        // to j (and where exp underflows, which gives weight 0 all the same), so
                        // only the checks that change from spine to spine are left here.
                        let fv = f.values(slot: (q / perBlock) % 2), row = (q % perBlock) * senders.count
                        for (b, i) in senders.enumerated() {
                            weights[b] = 0
                            let d = fv[row + b], v = vacant[b]
                            guard d != 0, v > 0, mark[i] != j else { continue }
                            var w = Double(v) * d
                            if siteMark[i] == j { w *= siteBoost[i] }
                            weights[b] = w; total += w
                        }
                    } else {
                        for (b, i) in senders.enumerated() {
                            weights[b] = 0
                            guard vacant[b] > 0, i != j, allowedTable[Int(population[i]) * P + pj], mark[i] != j else { continue }
                            var w = Double(vacant[b])
                            if siteMark[i] == j { w *= siteBoost[i] }
                            weights[b] = w; total += w
                        }
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
                    createdNext.append(createdHead[j]); createdPre.append(Int32(i)); createdHead[j] = createdPre.count - 1
                    plan.created.append(SynapseKey(pre: Int32(i), post: Int32(j)))
                }
                // The fill started ahead for a block that was not needed (every bouton taken):
                // done before its slot is freed.
                if let phase = ahead { gang?.finish(phase) }
            }
        }
        plan.created.sort()
        plan.deleted.sort()
        return plan
    }
}

/// Items grouped by neuron in compressed rows: the items of neuron i are
/// `items[start[i] ..< start[i + 1]]`, in the order they were offered.
struct CSRGroups {
    var start: [Int]
    var items: [Int]
}

extension Rewiring {
    /// Positions 0..<m grouped by `group(s)` (nil: left out), each group in ascending s.
    static func grouped(_ m: Int, _ n: Int, _ group: (Int) -> Int?) -> CSRGroups {
        var start = [Int](repeating: 0, count: n + 1)
        for s in 0..<m { if let g = group(s) { start[g + 1] += 1 } }
        for i in 0..<n { start[i + 1] += start[i] }
        var fill = start, items = [Int](repeating: 0, count: start[n])
        for s in 0..<m { if let g = group(s) { items[fill[g]] = s; fill[g] += 1 } }
        return CSRGroups(start: start, items: items)
    }

    /// The first position of `key` in the sorted `keys` (which contain it).
    static func position(of key: SynapseKey, in keys: [SynapseKey]) -> Int {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
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
