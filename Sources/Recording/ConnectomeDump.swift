// connectome_<t>ms.csv: every synapse at a chosen time as an edge list — pre and post
// global ids and the weight factor (multiplying the projection's conductances).

import Foundation
import Plasticity

package enum ConnectomeDump {
    package static func write(dir: String, time: Double, synapses: [(key: SynapseKey, weight: Float)]) async throws {
        var csv = "pre,post,weight\n"
        csv.reserveCapacity(synapses.count * 16)
        for s in synapses { csv += "\(s.key.pre),\(s.key.post),\(s.weight)\n" }
        try writeAtomically(Data(csv.utf8), to: dir + "/connectome_\(Int(time.rounded()))ms.csv")
    }
}
