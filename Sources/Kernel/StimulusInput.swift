// External input of stimulus protocols (a cue, 40 Hz entrainment, an optogenetic clamp): a
// program per active presentation, naming this shard's target neurons and what each gets
// per step. Applied by `ShardKernel.step` before the neuron update, as a serial pre-pass:
//
//   zero   — the stimulus conductance g_S [nS] and current term j_S [pA] of every target;
//   add    — Poisson:      count(key_i, t)·w added to the receptor's conductance (AMPA g,
//                          NMDA rise x, GABA_A g), as the background drive is;
//            current:      j_S += I;
//            sine:         j_S += offset + A·sin(ω·(t − t_on) + φ);
//            conductance:  g_S += g, j_S += g·E;
//   update — `KernelView.integrate` adds g_S to the total conductance and j_S·dt/C to the
//            input, so the membrane sees I_S = g_S·(E − V) + I, integrated by the same
//            exponential Euler as the synaptic conductances.
//
// Neurons no program targets have g_S = j_S = 0, which the update adds as exact zeros: their
// arithmetic, and every output of a run without stimuli, is unchanged bit for bit. The
// Poisson counts come from the counter RNG keyed by (seed, stimulus, global id) and the
// step, so they do not depend on shard or thread count.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One presentation of a stimulus on one shard.
public struct StimulusProgram: Sendable, Equatable {
    public enum Input: Sendable, Equatable {
        /// Poisson inputs: expected count per step, e^−mean, weight [nS], channel 0 AMPA,
        /// 1 NMDA, 2 GABA_A.
        case poisson(meanPerStep: Double, pZero: Double, weight: Double, channel: Int)
        /// A constant current [pA].
        case current(Double)
        /// offset + amplitude·sin(radiansPerStep·(t − onsetStep) + phase) [pA].
        case sine(amplitude: Double, radiansPerStep: Double, phase: Double, offset: Double, onsetStep: Int)
        /// A conductance [nS] with its reversal potential [mV].
        case conductance(g: Double, reversal: Double)
    }

    /// Local indices of the targets, ascending.
    public var targets: [Int32]
    /// Counter-RNG key per target (Poisson input only; empty otherwise).
    public var keys: [UInt64]
    public var input: Input

    public init(targets: [Int32], keys: [UInt64], input: Input) {
        self.targets = targets; self.keys = keys; self.input = input
    }

    /// The current [pA] of a current or sine input at step t (0 for the others).
    @inline(__always)
    func current(at t: Int) -> Double {
        switch input {
        case let .current(i): return i
        case let .sine(a, w, phase, offset, on): return offset + a * sin(w * Double(t - on) + phase)
        default: return 0
        }
    }
}

extension ShardKernel {
    /// Replaces the active stimulus programs (from the next step on). A program that feeds
    /// NMDA receptors switches its populations' NMDA integration on for the rest of the run
    /// (a population without NMDA input integrates an exact zero, so nothing else changes).
    public func setStimuli(_ programs: [StimulusProgram]) {
        // Targets of the programs that end no longer get input: zero them now.
        for p in stimuli { for i in p.targets { stimG[Int(i)] = 0; stimJ[Int(i)] = 0 } }
        stimuli = programs.filter { !$0.targets.isEmpty }
        var touched = [Bool](repeating: false, count: populations)
        for p in stimuli {
            for i in p.targets {
                let pop = Int(layout.population[Int(i)])
                if case let .poisson(_, _, _, channel) = p.input {
                    if channel == 1 { receivesNMDA[pop] = true }
                } else {
                    touched[pop] = true
                }
            }
        }
        stimulated = touched
    }

    /// The pre-pass of step t: stimulus conductances and currents set, Poisson stimulus
    /// inputs added to the targets' conductances.
    func applyStimuli(step t: Int) {
        for p in stimuli {
            if case .poisson = p.input { continue }
            for i in p.targets { stimG[Int(i)] = 0; stimJ[Int(i)] = 0 }
        }
        for p in stimuli {
            switch p.input {
            case let .poisson(mean, pZero, weight, channel):
                let target: KernelBuffer<Double>
                switch channel {
                case 0: target = gA
                case 1: target = xN
                default: target = gG
                }
                PoissonTable.with(mean: mean, pZero: pZero) { table in
                    for (k, i) in p.targets.enumerated() {
                        let c = table.count(CounterRNG.bits(key: p.keys[k], counter: UInt64(t)))
                        if c > 0 { target[Int(i)] += Double(c) * weight }
                    }
                }
            case let .conductance(g, e):
                for i in p.targets { stimG[Int(i)] += g; stimJ[Int(i)] += g * e }
            case .current, .sine:
                let current = p.current(at: t)
                for i in p.targets { stimJ[Int(i)] += current }
            }
        }
    }
}
