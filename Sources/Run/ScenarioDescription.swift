// What `neuroplast describe` prints: the resolved parameters, counts, size estimate, the
// per-step kernel schedule, and the run's schedule of boundary events as `RunPlanner`
// plans it — the same list `RunSession` executes.

import Foundation
import Network

public enum ScenarioDescription {
    /// The description of `sc` as `neuroplast describe` prints it; `frames` and
    /// `checkpointEvery` [ms] as the run would have them (`--no-frames`, `--checkpoint-every`).
    public static func text(_ sc: Scenario, frames: Bool = true, checkpointEvery: Double? = nil) -> String {
        var s = "scenario \(sc.name) (seed \(sc.seed))\n"
        if !sc.description.isEmpty { s += "  \(sc.description)\n" }
        s += String(format: "time: dt %.3g ms, duration %.6g ms (%d steps), recording every %.6g ms, transient %.6g ms\n",
                    sc.time.dt, sc.time.duration, sc.time.steps, sc.time.recordInterval, sc.time.transient)
        s += String(format: "sheet: %.0f × %.0f µm, %@ boundary\n", sc.sheet.width, sc.sheet.height, sc.sheet.periodic ? "periodic" : "open")
        s += "populations:\n"
        for p in sc.populations {
            let b = p.model.base
            let model: String
            switch p.model {
            case .lif: model = "LIF"
            case let .adex(_, x): model = String(format: "AdEx (a %.3g nS, b %.3g pA, ΔT %.3g mV, V_T %.3g mV, τw %.3g ms, V_peak %.3g mV)", x.a, x.b, x.deltaT, x.VT, x.tauW, x.Vpeak)
            }
            s += String(format: "  %@: %d %@ %@ cells, %@; C %.4g pF, gL %.4g nS, EL %.4g mV, Vth %.4g mV, Vreset %.4g mV, t_ref %.3g ms, I_ext %.4g pA\n",
                        p.name, p.count, p.excitatory ? "excitatory" : "inhibitory", p.cellClass, model, b.C, b.gL, b.EL, b.Vth, b.Vreset, b.tRef, b.Iext)
        }
        let r = sc.receptors
        s += String(format: "receptors: AMPA τ %.3g ms E %.3g mV; NMDA τ_rise %.3g ms τ_decay %.4g ms E %.3g mV, [Mg²⁺] %.3g mM (Jahr–Stevens %.3g mM, %.3g /mV); GABA_A τ %.3g ms E %.3g mV\n",
                    r.ampaTau, r.ampaE, r.nmdaTauRise, r.nmdaTauDecay, r.nmdaE, r.mg, r.mgHalf, r.mgSlope, r.gabaTau, r.gabaE)
        s += "projections:\n"
        for p in sc.projections {
            let rule: String
            switch p.rule {
            case let .random(prob): rule = "random p = \(prob)"
            case let .gaussian(pm, sg): rule = String(format: "gaussian p_max %.3g, σ %.4g µm", pm, sg)
            case let .fixedInDegree(k): rule = "fixed in-degree \(k)"
            }
            s += String(format: "  %@ → %@: AMPA %.4g nS, NMDA %.4g nS, GABA_A %.4g nS; %@; delay %.3g ms%@\n",
                        sc.populations[p.source].name, sc.populations[p.target].name, p.ampa, p.nmda, p.gabaA, rule,
                        p.synapticDelay, p.velocity > 0 ? String(format: " + distance / %.3g m/s", p.velocity / 1000) : "")
        }
        for d in sc.drives {
            s += String(format: "drive %@: Poisson %.6g Hz × %.4g nS (%@), current %.4g pA\n",
                        sc.populations[d.population].name, d.poissonRate * 1000, d.weight, d.receptor.rawValue, d.current)
        }
        if !sc.stimuli.isEmpty {
            let plan = RunPlanner.plan(sc, frames: false, checkpointEvery: nil)
            for (i, st) in sc.stimuli.enumerated() {
                let n = plan.presentations.filter { $0.stimulus == i }.count
                s += "stimulus \(st.name) → \(st.describe(populations: sc.populations.map(\.name))); \(n) presentation\(n == 1 ? "" : "s") planned\n"
            }
        }
        let est = SizeEstimate(scenario: sc)
        s += String(format: "size: %d neurons, about %.0f synapses (%.1f per neuron); memory ≈ %.1f MiB\n",
                    sc.neuronCount, est.synapses, est.synapses / Double(max(1, sc.neuronCount)), est.bytes / 1_048_576)
        let budget = MemoryBudget.process, cores = MemoryBudget.cores
        s += "memory: steady ≈ \(formatBytes(est.steady(shards: 1, threads: cores))) (\(Int(est.bytesPerSynapse)) B per synapse\(est.bytesPerSynapse < SizeEstimate.fullBytesPerSynapse ? ": one weight and one delay, kept once" : "")); peak ≈ \(formatBytes(est.buildPeak(shards: 1, threads: cores))) while built (1 shard, \(cores) threads), ≈ \(formatBytes(est.checkpointPeak(shards: 1, threads: cores))) while a checkpoint is written or read; usable \(formatBytes(budget.bytes)) (\(budget.source))\n"
        let minDelay = sc.projections.map(\.synapticDelay).min() ?? sc.time.dt
        let epoch = Simulation.epochSteps(sc)
        s += """
        schedule (fast clock), each epoch of \(epoch) step\(epoch == 1 ? "" : "s") (≤ the minimum delay, \(minDelay) ms):
          1. deliver   spikes of the previous epoch, sorted by (step, source), into each shard's delay rings
          2. step ×\(epoch)  per neuron: \(sc.stimuli.isEmpty ? "" : "stimulus input (while on) + ")arrivals + Poisson drive → exponential-Euler membrane → exact conductance decay → threshold/reset
          3. exchange  gather all shards' spikes, sort, hand to every shard for the next epoch
        recording every \(sc.time.recordInterval) ms: rates, mean V and conductances, CV of ISI, synchrony → metrics.csv
        """
        if let l = sc.record.lfp { s += "\n" + lfpText(l, bands: sc.record.bands, sc: sc) }
        if let f = sc.frames {
            s += "\nframes every \(f.every) ms, \(f.width)×\(f.height), \(f.theme) theme, coloured by \(f.colour)"
        }
        for (label, plan) in schedules(sc, frames: frames, checkpointEvery: checkpointEvery) {
            s += "\n" + scheduleText(plan, label: label)
        }
        return s
    }

    /// The planned schedule of each run folder the scenario writes: "" for a plain run,
    /// each arm's folder name for a comparison.
    public static func schedules(_ sc: Scenario, frames: Bool, checkpointEvery: Double?) -> [(folder: String, schedule: RunSchedule)] {
        let runs = sc.arms.isEmpty ? [("", sc)] : sc.arms.map { ($0.name, $0.scenario) }
        return runs.map { ($0.0, RunPlanner.plan($0.1, frames: frames && $0.1.frames != nil,
                                                 checkpointEvery: checkpointEvery ?? $0.1.checkpoint?.every)) }
    }

    /// The planner's events, counted by kind with their first times, in schedule order.
    static func scheduleText(_ plan: RunSchedule, label: String) -> String {
        let tally = plan.tally
        var s = "run schedule\(label.isEmpty ? "" : " of arm \(label)") (from the planner; events at one step run in this order):"
        for kind in RunEvent.Kind.allCases {
            guard let e = tally.entries[kind] else { continue }
            let ms = e.firstMs.map { String(format: "%.6g", $0) }.joined(separator: ", ")
            let h = e.firstHours.isEmpty ? "" : "; slow clock " + e.firstHours.map { String(format: "%.4g", $0) }.joined(separator: ", ") + " h"
            s += "\n  \(kind.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) ×\(e.count), first at \(ms) ms\(h)\(e.count > e.firstMs.count ? ", …" : "")"
        }
        return s
    }

    /// The planned schedules as JSON, keyed by run folder ("" for a plain run) — the same
    /// form as `schedule_executed` in each run folder's manifest.json.
    public static func scheduleJSON(_ sc: Scenario, frames: Bool, checkpointEvery: Double?) throws -> String {
        var all: [String: Any] = [:]
        for (folder, plan) in schedules(sc, frames: frames, checkpointEvery: checkpointEvery) { all[folder] = plan.tally.json }
        let data = try JSONSerialization.data(withJSONObject: all, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
