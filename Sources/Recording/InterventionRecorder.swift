// interventions.csv: one row per structural intervention applied (and one at the end of a
// formation block): when, which, what it removed or prevented.
//
//   time_ms | hours, name, kind, targets, removed_synapses, killed_neurons, prevented_formations

import Foundation
import Network

package final class InterventionRecorder {
    let file: StreamFile
    let slow: Bool

    package init(dir: String, slow: Bool, resumeAt bytes: Int?) throws {
        self.slow = slow
        if let b = bytes {
            file = try StreamFile(path: dir + "/interventions.csv", resumeAt: b)
        } else {
            file = try StreamFile(path: dir + "/interventions.csv")
            try file.write((slow ? "hours" : "time_ms") + ",name,kind,targets,removed_synapses,killed_neurons,prevented_formations\n")
        }
    }

    package func row(time: Double, name: String, kind: String, targets: Int, removed: Int?, killed: Int?, prevented: Int?) throws {
        func f(_ x: Int?) -> String { x.map(String.init) ?? "" }
        let name = name.contains(",") || name.contains("\"") ? "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : name
        try file.write("\(fmt(time, slow ? 4 : 3)),\(name),\(kind),\(targets),\(f(removed)),\(f(killed)),\(f(prevented))\n")
    }

    package func sync() throws -> Int { try file.sync() }
    package func commit() throws { try file.commit() }
    package func discard() { file.discard() }
}
