// Per-neuron state means of a record interval, gathered from every shard into global id
// order: what the simulation hands to the recorder at each record boundary.

/// Per-neuron interval means in global id order.
package struct GlobalState: Sendable {
    package var v: [Double], gAMPA: [Double], gNMDA: [Double], gGABA: [Double], vNow: [Double]
    init(count n: Int) {
        v = [Double](repeating: 0, count: n); gAMPA = v; gNMDA = v; gGABA = v; vNow = v
    }
    mutating func scatter(_ m: StateMeans) {
        for (k, g) in m.ids.enumerated() {
            let i = Int(g)
            v[i] = m.v[k]; gAMPA[i] = m.gAMPA[k]; gNMDA[i] = m.gNMDA[k]; gGABA[i] = m.gGABA[k]; vNow[i] = m.vNow[k]
        }
    }
}
