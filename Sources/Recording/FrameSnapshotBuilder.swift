// Assembles a `FrameSnapshot` — the value Rendering draws — from the recorder's series and
// raster, the blueprint's positions and the current membrane potentials.

import Kernel
import Network

package enum FrameSnapshotBuilder {
    package static func make(recorder: Recorder, blueprint bp: Blueprint, time: Double, vNow: [Float],
                     synapses: (pre: [Int32], post: [Int32]), extra: [PerNeuronQuantity] = [], phase: String = "baseline") async -> FrameSnapshot {
        let sc = bp.scenario
        let rates = await recorder.recentRates()
        let quantities = [
            PerNeuronQuantity(key: "rate", label: "firing rate", unit: "Hz", values: rates,
                              range: 0...Float(max(10, percentile(rates, 0.98)))),
            PerNeuronQuantity(key: "v", label: "membrane potential", unit: "mV", values: vNow, range: -75 ... -45),
            PerNeuronQuantity(key: "population", label: "population", unit: "",
                              values: bp.populationOf.map { Float($0) }, range: 0...Float(max(1, sc.populations.count - 1))),
        ] + extra
        return FrameSnapshot(
            scenarioName: sc.name, time: time, phase: phase,
            sheetWidth: sc.sheet.width, sheetHeight: sc.sheet.height,
            populations: await recorder.populationInfo,
            x: bp.x.map { Float($0) }, y: bp.y.map { Float($0) }, population: bp.populationOf.map { UInt16($0) },
            quantities: quantities, synapsePre: synapses.pre, synapsePost: synapses.post,
            raster: await recorder.raster(now: time), series: await recorder.currentSeries())
    }

    static func percentile(_ v: [Float], _ q: Double) -> Float {
        guard !v.isEmpty else { return 0 }
        let s = v.sorted()
        return s[min(s.count - 1, Int(Double(s.count - 1) * q))]
    }
}
