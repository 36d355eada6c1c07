// structure.csv: the network's structure over time, one block of rows per structural
// update — per projection the synapse count, synapses formed and eliminated since the last
// update, weak synapses pruned, and the mean weight factor; per population the mean
// calcium, element counts, spines (connected dendritic elements) per neuron and spine
// density per mm² of sheet.

import Foundation
import Kernel
import Plasticity
import Network

package final class StructureRecorder {
    package let file: StreamFile
    let blueprint: Blueprint
    /// Series for frames and the summary figure.
    package var calciumSeries: [MetricSeries]
    package var spineSeries: [MetricSeries]

    package init(dir: String, blueprint bp: Blueprint, resume: StructureRecorderState? = nil) throws {
        blueprint = bp
        if let r = resume {
            // A checkpoint may come from anywhere: one series per population, times and values paired.
            let P = bp.scenario.populations.count
            guard r.calciumSeries.count == P, r.spineSeries.count == P,
                  (r.calciumSeries + r.spineSeries).allSatisfy({ $0.times.count == $0.values.count && ($0.population.map { (0..<P).contains($0) } ?? true) }) else {
                throw CheckpointError.corrupt("the checkpoint's structure series do not fit this scenario's \(P) populations")
            }
            file = try StreamFile(path: dir + "/structure.csv", resumeAt: r.bytes)
            calciumSeries = r.calciumSeries
            spineSeries = r.spineSeries
            return
        }
        file = try StreamFile(path: dir + "/structure.csv")
        try file.write("time_ms,scope,name,synapses,formed,eliminated,pruned_weak,mean_weight,calcium_mean,axonal_elements,dendritic_elements,spines_per_neuron,spine_density_per_mm2\n")
        let P = bp.scenario.populations.count
        calciumSeries = (0..<P).map { MetricSeries(name: "Calcium (structural)", unit: "", population: $0, times: [], values: []) }
        spineSeries = (0..<P).map { MetricSeries(name: "Spines per neuron", unit: "", population: $0, times: [], values: []) }
    }

    package func record(now: Double, synapses: [(key: SynapseKey, weight: Float)], driver: inout StructuralDriver,
                spinesPerNeuron: [Int]) throws {
        let sc = blueprint.scenario
        var count = [Int](repeating: 0, count: sc.projections.count)
        var wsum = [Double](repeating: 0, count: sc.projections.count)
        for s in synapses {
            if let p = driver.projectionIndex(s.key) { count[p] += 1; wsum[p] += Double(s.weight) }
        }
        var rows = ""
        for (p, pr) in sc.projections.enumerated() where pr.structural {
            let name = "\(sc.populations[pr.source].name)->\(sc.populations[pr.target].name)"
            rows += "\(fmt(now, 3)),projection,\(name),\(count[p]),\(driver.formed[p]),\(driver.eliminated[p]),,\(count[p] > 0 ? fmt(wsum[p] / Double(count[p]), 4) : ""),,,,,\n"
        }
        if driver.prunedWeak > 0 { rows += "\(fmt(now, 3)),network,all,,,,\(driver.prunedWeak),,,,,,\n" }
        let ca = driver.calcium(at: now)
        let areaMM2 = sc.sheet.width * sc.sheet.height / 1e6
        for (p, pop) in sc.populations.enumerated() {
            let r = blueprint.range(of: p)
            let N = Double(r.count)
            let caMean = r.reduce(0.0) { $0 + ca[$1] } / N
            let ax = r.reduce(0.0) { $0 + driver.elements.axonal[$1] } / N
            let den = r.reduce(0.0) { $0 + driver.elements.dendriticExc[$1] + driver.elements.dendriticInh[$1] } / N
            let spines = Double(r.reduce(0) { $0 + spinesPerNeuron[$1] })
            rows += "\(fmt(now, 3)),population,\(pop.name),,,,,,\(fmt(caMean, 6)),\(fmt(ax, 3)),\(fmt(den, 3)),\(fmt(spines / N, 3)),\(fmt(spines / areaMM2, 1))\n"
            calciumSeries[p].times.append(now); calciumSeries[p].values.append(caMean)
            spineSeries[p].times.append(now); spineSeries[p].values.append(spines / N)
        }
        try file.write(rows)
        driver.formed = driver.formed.map { _ in 0 }
        driver.eliminated = driver.eliminated.map { _ in 0 }
        driver.prunedWeak = 0
    }
}

/// The structure recorder's part of a checkpoint: its series and the length of structure.csv.
package struct StructureRecorderState: Codable {
    var calciumSeries: [MetricSeries]
    var spineSeries: [MetricSeries]
    var bytes: Int
}

extension StructureRecorder {
    package func captureState() throws -> StructureRecorderState {
        StructureRecorderState(calciumSeries: calciumSeries, spineSeries: spineSeries, bytes: try file.sync())
    }
}
