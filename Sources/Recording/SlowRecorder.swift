// slow.csv: one row per slow step of biological time — drug concentrations, NMDA block per
// population, stress, the BDNF/mTOR cascade, spines and their turnover, and the last fast
// window's rates — plus the same values as series for the slow summary figure.

import Foundation
import Network

package final class SlowRecorder {
    package let file: StreamFile
    let populations: [String]
    let drugs: [String]
    package var series: [String: MetricSeries] = [:]
    package var order: [String] = []

    /// `resume`: reopen slow.csv.partial at the checkpoint's length with its series.
    let inflammation: Bool
    /// Drugs given (not metabolites): the ones drawn in slow.png.
    package var dosed: Set<String> = []
    /// Without inflammation panels there is room for the synaptic-protein panel.
    var figureHasRoom: Bool { !inflammation }

    /// Populations whose PV phenotype (GABA output) slow.csv records.
    let pvPopulations: [Int]

    package init(dir: String, populations: [String], drugs: [String], inflammation: Bool = false, pvPopulations: [Int] = [],
         resume: (bytes: Int, series: [MetricSeries], order: [String])? = nil) throws {
        self.populations = populations
        self.pvPopulations = pvPopulations
        self.drugs = drugs
        self.inflammation = inflammation
        if let r = resume {
            file = try StreamFile(path: dir + "/slow.csv", resumeAt: r.bytes)
            // A checkpoint may come from anywhere: one series per name, times and values paired.
            guard r.order.count == r.series.count, Set(r.order).count == r.order.count,
                  r.series.allSatisfy({ $0.times.count == $0.values.count && ($0.population.map { populations.indices.contains($0) } ?? true) }) else {
                throw RunError.invalid("cannot resume: the checkpoint's slow-clock series are inconsistent (names and series of unequal counts, or times and values of unequal lengths)")
            }
            order = r.order
            for (k, s) in zip(r.order, r.series) { series[k] = s }
            return
        }
        file = try StreamFile(path: dir + "/slow.csv")
        var header = ["time_h", "window"]
        for d in drugs { header += ["\(d)_plasma_ng_ml", "\(d)_brain_free_um"] }
        header += populations.map { "block_\($0)" }
        header += ["glucocorticoid", "bdnf", "mtor", "proteins", "structural_drive",
                   "spines_per_neuron", "spines_model", "formation_pct_per_day", "elimination_pct_per_day"]
        header += populations.map { "rate_\($0)_hz" }
        header += pvPopulations.flatMap { ["pv_output_\(populations[$0])", "oxidative_load_\(populations[$0])"] }
        if inflammation {
            header += ["cytokine_mean", "cytokine_max", "microglia", "microglia_activated", "microglia_primed", "microglia_complement", "engulfed", "damage_mean", "dead"]
        }
        try file.write(header.joined(separator: ",") + "\n")
    }

    package struct Row {
        var time: Double                 // [h]
        var window: Bool
        var concentrations: [(plasma: Double, brainFree: Double)]
        var block: [Double]
        var glucocorticoid: Double
        var bdnf: Double, mtor: Double, proteins: Double, drive: Double
        var spines: Double?              // mean structural inputs per spiny neuron (network)
        var spinesModel: Double          // mean of the pools
        var formation: Double?           // [% of spines per day] over the last realisation
        var elimination: Double?
        var rates: [Double]              // [Hz] last window
        var inflammation: InflammationRow?
        /// Per population: GABA output (PV phenotype) and oxidative load (only PV populations are written).
        package var pvOutput: [Double] = []
        package var oxidativeLoad: [Double] = []

        package init(time: Double, window: Bool, concentrations: [(plasma: Double, brainFree: Double)], block: [Double],
                     glucocorticoid: Double, bdnf: Double, mtor: Double, proteins: Double, drive: Double, spines: Double?,
                     spinesModel: Double, formation: Double?, elimination: Double?, rates: [Double], inflammation: InflammationRow?) {
            self.time = time; self.window = window; self.concentrations = concentrations; self.block = block
            self.glucocorticoid = glucocorticoid; self.bdnf = bdnf; self.mtor = mtor; self.proteins = proteins; self.drive = drive
            self.spines = spines; self.spinesModel = spinesModel; self.formation = formation; self.elimination = elimination
            self.rates = rates; self.inflammation = inflammation
        }
    }

    package struct InflammationRow {
        var cytokineMean: Double, cytokineMax: Double
        var microglia: Int, activated: Int
        var primed: Double               // mean microglial priming P (0…1)
        var complement: Double           // mean microglial complement output Q (0…1)
        var engulfed: Int                // synapses engulfed during the step
        var damageMean: Double
        var dead: Int

        package init(cytokineMean: Double, cytokineMax: Double, microglia: Int, activated: Int, primed: Double, complement: Double, engulfed: Int,
                     damageMean: Double, dead: Int) {
            self.cytokineMean = cytokineMean; self.cytokineMax = cytokineMax; self.microglia = microglia
            self.activated = activated; self.primed = primed; self.complement = complement; self.engulfed = engulfed; self.damageMean = damageMean; self.dead = dead
        }
    }

    package func write(_ r: Row) throws {
        var f = [fmt(r.time, 4), r.window ? "1" : "0"]
        for c in r.concentrations { f += [fmt(c.plasma, 4), fmt(c.brainFree, 5)] }
        f += r.block.map { fmt($0, 5) }
        f += [fmt(r.glucocorticoid, 4), fmt(r.bdnf, 5), fmt(r.mtor, 5), fmt(r.proteins, 5), fmt(r.drive, 5),
              r.spines.map { fmt($0, 3) } ?? "", fmt(r.spinesModel, 3),
              r.formation.map { fmt($0, 3) } ?? "", r.elimination.map { fmt($0, 3) } ?? ""]
        f += r.rates.map { fmt($0, 4) }
        for p in pvPopulations {
            f += [fmt(r.pvOutput.indices.contains(p) ? r.pvOutput[p] : 1, 5), fmt(r.oxidativeLoad.indices.contains(p) ? r.oxidativeLoad[p] : 0, 5)]
        }
        if inflammation, let i = r.inflammation {
            f += [fmt(i.cytokineMean, 5), fmt(i.cytokineMax, 5), "\(i.microglia)", "\(i.activated)", fmt(i.primed, 5), fmt(i.complement, 5), "\(i.engulfed)",
                  fmt(i.damageMean, 5), "\(i.dead)"]
        }
        try file.write(f.joined(separator: ",") + "\n")
        let ms = r.time * 3_600_000
        // The figure shows the dosed drugs (metabolites are in slow.csv).
        for (k, d) in drugs.enumerated() where dosed.contains(d) { add("\(d) free brain", "µM", nil, ms, r.concentrations[k].brainFree) }
        for (p, b) in r.block.enumerated() { add("NMDA block", "", p, ms, b) }
        add("BDNF", "rel.", nil, ms, r.bdnf)
        if series["Synaptic proteins#-"] != nil || figureHasRoom { add("Synaptic proteins", "rel.", nil, ms, r.proteins) }
        if let s = r.spines { add("Spines per neuron", "", nil, ms, s) }
        if let v = r.formation { add("Spine formation", "%/day", nil, ms, v) }
        if let v = r.elimination { add("Spine elimination", "%/day", nil, ms, v) }
        if r.glucocorticoid > 0 || series["Glucocorticoid#-"] != nil { add("Glucocorticoid", "", nil, ms, r.glucocorticoid) }
        if r.window { for (p, v) in r.rates.enumerated() { add("Window rate", "Hz", p, ms, v) } }
        for p in pvPopulations where r.pvOutput.indices.contains(p) && (r.pvOutput[p] < 0.999 || series["PV output#\(p)"] != nil) {
            add("PV output", "", p, ms, r.pvOutput[p])
        }
        if let i = r.inflammation {
            add("Cytokine (mean)", "rel.", nil, ms, i.cytokineMean)
            add("Activated microglia", "", nil, ms, Double(i.activated))
            add("Dead neurons", "", nil, ms, Double(i.dead))
        }
    }

    private func add(_ name: String, _ unit: String, _ p: Int?, _ t: Double, _ v: Double) {
        let key = "\(name)#\(p.map(String.init) ?? "-")"
        if series[key] == nil {
            series[key] = MetricSeries(name: name, unit: unit, population: p, times: [], values: [])
            order.append(key)
        }
        series[key]?.times.append(t)
        series[key]?.values.append(v)
    }

    package var allSeries: [MetricSeries] { order.compactMap { series[$0] } }
}
