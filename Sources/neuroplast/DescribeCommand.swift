// `neuroplast describe FILE`: the resolved parameters, counts, size estimates and the
// per-step schedule — what will run, before running it.

import ArgumentParser
import Engine
import Foundation

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show a scenario's resolved parameters, size and schedule.")

    @Argument(help: "Scenario file.") var file: String
    @OptionGroup var scenario: ScenarioOverrides

    func run() throws {
        let sc = try loadScenario(file, scenario)
        print(ScenarioDescription.text(sc))
    }
}

enum ScenarioDescription {
    static func text(_ sc: Scenario) -> String {
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
        let est = SizeEstimate(scenario: sc)
        s += String(format: "size: %d neurons, about %.0f synapses (%.1f per neuron); memory ≈ %.1f MiB\n",
                    sc.neuronCount, est.synapses, est.synapses / Double(max(1, sc.neuronCount)), est.bytes / 1_048_576)
        let minDelay = sc.projections.map(\.synapticDelay).min() ?? sc.time.dt
        let epoch = max(1, Int((minDelay / sc.time.dt).rounded()))
        s += """
        schedule (fast clock), each epoch of \(epoch) step\(epoch == 1 ? "" : "s") (≤ the minimum delay, \(minDelay) ms):
          1. deliver   spikes of the previous epoch, sorted by (step, source), into each shard's delay rings
          2. step ×\(epoch)  per neuron: arrivals + Poisson drive → exponential-Euler membrane → exact conductance decay → threshold/reset
          3. exchange  gather all shards' spikes, sort, hand to every shard for the next epoch
        recording every \(sc.time.recordInterval) ms: rates, mean V and conductances, CV of ISI, synchrony → metrics.csv
        """
        if let f = sc.frames {
            s += "\nframes every \(f.every) ms, \(f.width)×\(f.height), \(f.theme) theme, coloured by \(f.colour)"
        }
        return s
    }
}
