// A stimulus protocol in network terms: the global ids one presentation reaches and its
// input lowered to kernel units. Shards take their own targets from this list
// (`Shard.setStimuli`), so what a neuron receives does not depend on the shard count.

import Kernel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One presentation of a stimulus, for the whole network.
public struct ActiveStimulus: Sendable, Equatable {
    /// Index of the stimulus in `Scenario.stimuli` (keys its Poisson draws).
    public var index: Int
    /// Global ids reached, ascending.
    public var targets: [Int32]
    public var input: StimulusProgram.Input
    public init(index: Int, targets: [Int32], input: StimulusProgram.Input) {
        self.index = index; self.targets = targets; self.input = input
    }
}

extension Blueprint {
    /// The neurons presentation `repetition` of stimulus `s` reaches: its population, within
    /// its region of the sheet, with a preferred angle within the window's half width of the
    /// window's centre at that repetition.
    public func targets(of s: Stimulus, repetition: Int) -> [Int32] {
        let near = s.target.near
        let centre = near?.centre(repetition: repetition) ?? 0
        return neurons(population: s.target.population, region: s.target.region).filter { g in
            guard let w = near, let a = preferredAngle(Int(g)) else { return true }
            return angularDistance(a, centre) <= w.width / 2 + 1e-9
        }
    }

    /// Global ids (ascending) of a population's neurons — all neurons without one — inside
    /// `region` if given: the targets of stimuli and interventions.
    public func neurons(population: Int?, region: SheetShape?) -> [Int32] {
        let ids = population.map { range(of: $0) } ?? 0..<neuronCount
        return ids.filter { g in region?.contains(x: x[g], y: y[g]) ?? true }.map { Int32($0) }
    }

    /// The kernel input of stimulus `s` for a presentation that begins at network step `onset`.
    public func kernelInput(of s: Stimulus, onset: Int) -> StimulusProgram.Input {
        let dt = scenario.time.dt
        switch s.input {
        case let .poisson(rate, weight, receptor):
            let drive = PoissonDrive(rate: rate, dt: dt, weight: weight, channel: receptor == .ampa ? 0 : receptor == .nmda ? 1 : 2)
            return .poisson(meanPerStep: drive.meanPerStep, pZero: drive.pZero, weight: weight, channel: drive.channel)
        case let .current(i):
            return .current(i)
        case let .sine(amplitude, frequency, phase, offset):
            return .sine(amplitude: amplitude, radiansPerStep: 2 * .pi * frequency * dt, phase: phase, offset: offset, onsetStep: onset)
        case let .conductance(g, e):
            return .conductance(g: g, reversal: e)
        }
    }
}
