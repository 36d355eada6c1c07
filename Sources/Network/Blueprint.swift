// Blueprint: the scenario in kernel terms before any shard exists — global neuron ids,
// populations, positions on the sheet — and the partition of the sheet into shards.
// Everything here is a pure function of the scenario and seed.

import Kernel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Global neuron ids are population-major: population 0 holds ids 0..<n₀, and so on.
public struct Blueprint: Sendable {
    public let scenario: Scenario
    /// First global id of each population, plus the total at the end.
    public let populationStart: [Int]
    /// Global population index of every neuron.
    public let populationOf: [UInt8]
    /// Positions [µm].
    public let x: [Double]
    public let y: [Double]

    public init(scenario: Scenario) {
        self.scenario = scenario
        var starts = [0]
        for p in scenario.populations { starts.append(starts.last! + p.count) }
        populationStart = starts
        let n = starts.last!
        var pop = [UInt8](repeating: 0, count: n)
        var xs = [Double](repeating: 0, count: n), ys = [Double](repeating: 0, count: n)
        let rng = CounterRNG(seed: scenario.seed)
        for (p, range) in zip(scenario.populations.indices, zip(starts, starts.dropFirst()).map { $0..<$1 }) {
            for g in range {
                pop[g] = UInt8(p)
                // Uniform on the sheet, or in the population's region by rejection (draw pairs
                // until one falls inside; 10 000 tries, then the last draw is kept).
                if scenario.populations[p].ring {
                    // A ring population sits on a circle centred on the sheet, neuron k of N at
                    // its preferred angle 360°·k/N (so a sheet figure shows the ring).
                    let theta = Self.ringAngle(g - range.lowerBound, of: range.count) * .pi / 180
                    let r = 0.4 * min(scenario.sheet.width, scenario.sheet.height)
                    xs[g] = min(scenario.sheet.width.nextDown, max(0, scenario.sheet.width / 2 + r * cos(theta)))
                    ys[g] = min(scenario.sheet.height.nextDown, max(0, scenario.sheet.height / 2 + r * sin(theta)))
                    continue
                }
                let key = rng.key(stream: .position, entity: UInt64(g))
                let region = scenario.populations[p].region
                var k: UInt64 = 0
                repeat {
                    xs[g] = CounterRNG.unit(CounterRNG.bits(key: key, counter: k)) * scenario.sheet.width
                    ys[g] = CounterRNG.unit(CounterRNG.bits(key: key, counter: k + 1)) * scenario.sheet.height
                    k += 2
                } while !(region?.contains(x: xs[g], y: ys[g]) ?? true) && k < 20_000
            }
        }
        populationOf = pop; x = xs; y = ys
    }

    public var neuronCount: Int { populationStart.last! }

    /// Preferred angle [deg] of neuron k of a ring of n: 360°·k/n.
    public static func ringAngle(_ k: Int, of n: Int) -> Double { 360 * Double(k) / Double(max(1, n)) }

    /// Preferred angle [deg] of neuron g if its population is a ring (`layout: ring`).
    public func preferredAngle(_ g: Int) -> Double? {
        let p = Int(populationOf[g])
        guard scenario.populations[p].ring else { return nil }
        return Self.ringAngle(g - populationStart[p], of: scenario.populations[p].count)
    }

    /// Global id range of population p.
    public func range(of p: Int) -> Range<Int> { populationStart[p]..<populationStart[p + 1] }

    /// Distance [µm] between two neurons, periodic on a toroidal sheet.
    @inline(__always)
    public func distance(_ a: Int, _ b: Int) -> Double {
        var dx = abs(x[a] - x[b]), dy = abs(y[a] - y[b])
        if scenario.sheet.periodic {
            dx = min(dx, scenario.sheet.width - dx)
            dy = min(dy, scenario.sheet.height - dy)
        }
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The shard owning each neuron: the sheet is cut into `shards` vertical strips of equal
    /// width; a neuron belongs to the strip containing its x.
    public func partition(shards: Int) -> [[Int32]] {
        var out = [[Int32]](repeating: [], count: shards)
        let w = scenario.sheet.width
        for g in 0..<neuronCount {
            let s = min(shards - 1, Int(x[g] / w * Double(shards)))
            out[s].append(Int32(g))
        }
        return out
    }

    /// Kernel cell models: parameters plus Poisson drive, constant current and tonic conductances.
    public func cellModels(at time: Double = 0) -> [CellModel] {
        let sc = scenario
        return sc.populations.indices.map { p in
            var current = 0.0
            var tonic = (ampa: 0.0, nmda: 0.0, gaba: 0.0)
            var drive = PoissonDrive.none
            for d in sc.drives where d.population == p {
                tonic.ampa += d.tonicAMPA; tonic.nmda += d.tonicNMDA; tonic.gaba += d.tonicGABA
                guard d.start <= time, time < (d.stop ?? .infinity) else { continue }
                current += d.current
                if d.poissonRate > 0 {
                    let ch = d.receptor == .ampa ? 0 : d.receptor == .nmda ? 1 : 2
                    drive = PoissonDrive(rate: d.poissonRate, dt: sc.time.dt, weight: d.weight, channel: ch)
                }
            }
            var cell = CellModel(model: sc.populations[p].model, dt: sc.time.dt, current: current, drive: drive, tonic: tonic)
            cell.nmdaUnblocked = nmdaFactors(at: time)[p]
            return cell
        }
    }

    /// The delay in steps of a synapse pre → post of projection `pr`.
    public func delaySteps(_ pr: Projection, pre: Int, post: Int) -> UInt16 {
        pr.delaySteps(distance: distance(pre, post), dt: scenario.time.dt)
    }

    /// The projection joining neuron `pre` to neuron `post` (by their populations), if any.
    public func projectionIndex(pre: Int, post: Int) -> Int? {
        let s = Int(populationOf[pre]), t = Int(populationOf[post])
        return scenario.projections.firstIndex { $0.source == s && $0.target == t }
    }

    /// The delay in steps of a new synapse pre → post (structural plasticity, spine
    /// realisation); nil when no projection joins their populations.
    public func delaySteps(pre: Int, post: Int) -> UInt16? {
        projectionIndex(pre: pre, post: post).map { delaySteps(scenario.projections[$0], pre: pre, post: post) }
    }

    /// The unblocked fraction of NMDA conductance of each population at `time` [ms]:
    /// the product of (1 − fraction) over the blocks in force.
    public func nmdaFactors(at time: Double) -> [Double] {
        var f = [Double](repeating: 1, count: scenario.populations.count)
        for b in scenario.nmdaBlock where b.start <= time && time < (b.stop ?? .infinity) {
            f[b.population] *= 1 - b.fraction
        }
        return f
    }

    /// Conductance mixes [nS] per (source, target) population, index s·P + t.
    public func receptorMixes() -> (ampa: [Float], nmda: [Float], gaba: [Float]) {
        let P = scenario.populations.count
        var a = [Float](repeating: 0, count: P * P), n = a, g = a
        for pr in scenario.projections {
            let k = pr.source * P + pr.target
            a[k] = Float(pr.ampa); n[k] = Float(pr.nmda); g[k] = Float(pr.gabaA)
        }
        return (a, n, g)
    }
}
