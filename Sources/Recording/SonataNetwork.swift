// The network as SONATA files (the format of BMTK, NEST's SONATA loader, libsonata and
// the Allen/Blue Brain models), written at each `record.connectome` time into `network/`:
//
//   nodes.h5            /nodes/network/{node_id, node_type_id, node_group_id, node_group_index}
//                       (uint64) and group 0: x, y [µm], preferred_angle [deg] (ring
//                       populations; NaN elsewhere) — written once, neurons never move
//   node_types.csv      node_type_id pop_name cell_class ei model_type (space-separated)
//   edges_<t>ms.h5      /edges/network_to_network/{source_node_id, target_node_id (attribute
//                       node_population = network), edge_type_id, edge_group_id,
//                       edge_group_index} and group 0: syn_weight (the factor on the edge
//                       type's conductances), delay [ms], formation_time (NaN for synapses
//                       present from the start; attribute units: ms of network time, or h on
//                       the slow clock), with SONATA's source_to_target and target_to_source
//                       indices; edges in (target, source) order
//   edge_types.csv      edge_type_id source_pop target_pop ampa_ns nmda_ns gaba_ns
//                       synaptic_delay_ms velocity_um_per_ms structural — one type per
//                       projection; a synapse has the type of the first projection between
//                       its two populations, as the network builds it
//   circuit_<t>ms.json  a SONATA circuit config naming nodes.h5 and that time's edges
//
// Every file goes through `<name>.partial` and a rename, so a folder never holds a half file.

import Foundation
import HDF5Codec
import Network
import NeuroplastCore
import Plasticity
import Scenario
#if canImport(Glibc)
import Glibc
#endif

package enum SonataNetwork {
    static let population = SonataSpikeFile.population
    static var edgePopulation: String { "\(population)_to_\(population)" }

    /// Writes nodes.h5 and node_types.csv into `dir`/network unless they are there.
    package static func writeNodes(dir: String, blueprint bp: Blueprint) throws {
        let folder = try networkFolder(dir)
        guard access(folder + "/nodes.h5", F_OK) != 0 else { return }
        let sc = bp.scenario
        let n = bp.neuronCount
        try writeHDF5(folder + "/nodes.h5") { f in
            let g = try f.createGroup("nodes").createGroup(population)
            try g.write("node_id", (0..<n).map { UInt64($0) })
            try g.write("node_type_id", bp.populationOf.map { UInt64($0) })
            try g.write("node_group_id", [UInt64](repeating: 0, count: n))
            var index = [UInt64](repeating: 0, count: n)
            for g in 0..<n { index[g] = UInt64(g) }
            try g.write("node_group_index", index)
            let g0 = try g.createGroup("0")
            try g0.write("x", bp.x)
            try g0.write("y", bp.y)
            let angles = (0..<n).map { bp.preferredAngle($0) }
            if angles.contains(where: { $0 != nil }) { try g0.write("preferred_angle", angles.map { $0 ?? .nan }) }
        }
        var csv = "node_type_id pop_name cell_class ei model_type\n"
        for (p, pop) in sc.populations.enumerated() {
            csv += "\(p) \(pop.name) \(pop.cellClass) \(pop.excitatory ? "e" : "i") point_neuron\n"
        }
        try writeAtomically(Data(csv.utf8), to: folder + "/node_types.csv")
    }

    /// Writes edges_<t>ms.h5, edge_types.csv and circuit_<t>ms.json for the synapses at `time`.
    /// - Parameters:
    ///   - edges: every synapse, sorted by (post, pre) (`Simulation.edges()`).
    ///   - formed: formation times of synapses created during the run, in `formationUnit`.
    package static func writeEdges(dir: String, time: Double, blueprint bp: Blueprint, edges: [SynapseEdge],
                                   formed: (SynapseKey) -> Double?, formationUnit: String) throws {
        let folder = try networkFolder(dir)
        let sc = bp.scenario
        let dt = sc.time.dt
        let n = bp.neuronCount, m = edges.count
        let stamp = "\(Int(time.rounded()))ms"
        try writeHDF5(folder + "/edges_\(stamp).h5") { f in
            let g = try f.createGroup("edges").createGroup(edgePopulation)
            let src = try g.write("source_node_id", edges.map { UInt64($0.key.pre) })
            try src.setAttribute("node_population", population)
            let tgt = try g.write("target_node_id", edges.map { UInt64($0.key.post) })
            try tgt.setAttribute("node_population", population)
            try g.write("edge_type_id", edges.map { e in
                UInt64(bp.projectionIndex(pre: Int(e.key.pre), post: Int(e.key.post)) ?? 0)
            })
            try g.write("edge_group_id", [UInt64](repeating: 0, count: m))
            try g.write("edge_group_index", (0..<m).map { UInt64($0) })
            let g0 = try g.createGroup("0")
            try g0.write("syn_weight", edges.map { Double($0.weight) })
            let delay = try g0.write("delay", edges.map { Double($0.delay) * dt })
            try delay.setAttribute("units", "ms")
            let formation = try g0.write("formation_time", edges.map { formed($0.key) ?? .nan })
            try formation.setAttribute("units", formationUnit)
            try writeIndices(g, edges: edges, neurons: n)
        }
        var csv = "edge_type_id source_pop target_pop ampa_ns nmda_ns gaba_ns synaptic_delay_ms velocity_um_per_ms structural\n"
        for (k, pr) in sc.projections.enumerated() {
            csv += "\(k) \(sc.populations[pr.source].name) \(sc.populations[pr.target].name) \(pr.ampa) \(pr.nmda) \(pr.gabaA) "
                + "\(pr.synapticDelay) \(pr.velocity) \(pr.structural ? 1 : 0)\n"
        }
        try writeAtomically(Data(csv.utf8), to: folder + "/edge_types.csv")
        let config: [String: Any] = [
            "manifest": ["$NETWORK_DIR": "."],
            "components": [String: String](),
            "networks": [
                "nodes": [["nodes_file": "$NETWORK_DIR/nodes.h5", "node_types_file": "$NETWORK_DIR/node_types.csv",
                           "populations": [population: ["type": "point_neuron"]]]],
                "edges": [["edges_file": "$NETWORK_DIR/edges_\(stamp).h5", "edge_types_file": "$NETWORK_DIR/edge_types.csv",
                           "populations": [edgePopulation: ["type": "chemical"]]]],
            ],
        ]
        let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try writeAtomically(json, to: folder + "/circuit_\(stamp).json")
    }

    /// SONATA's edge indices: for each node the rows [start, end) of `range_to_edge_id`, and
    /// each row a run [start, end) of consecutive edge ids. Edges are in target order, so each
    /// target has one run; a source's edges are gathered by a stable counting sort.
    static func writeIndices(_ g: HDF5Group, edges: [SynapseEdge], neurons n: Int) throws {
        let idx = try g.createGroup("indices")
        func index(_ name: String, node: (Int) -> Int) throws {
            // edge ids grouped by node, ascending within each node (stable counting sort)
            var start = [Int](repeating: 0, count: n + 1)
            for e in edges.indices { start[node(e) + 1] += 1 }
            for i in 0..<n { start[i + 1] += start[i] }
            var order = [Int](repeating: 0, count: edges.count)
            var next = start
            for e in edges.indices { order[next[node(e)]] = e; next[node(e)] += 1 }
            var nodeRanges = [UInt64](), runs = [UInt64]()
            nodeRanges.reserveCapacity(2 * n)
            for v in 0..<n {
                let first = runs.count / 2
                var k = start[v]
                while k < start[v + 1] {
                    var j = k + 1
                    while j < start[v + 1], order[j] == order[j - 1] + 1 { j += 1 }
                    runs += [UInt64(order[k]), UInt64(order[j - 1] + 1)]
                    k = j
                }
                nodeRanges += [UInt64(first), UInt64(runs.count / 2)]
            }
            let group = try idx.createGroup(name)
            try group.write("node_id_to_ranges", nodeRanges, columns: 2)
            try group.write("range_to_edge_id", runs, columns: 2)
        }
        try index("source_to_target") { Int(edges[$0].key.pre) }
        try index("target_to_source") { Int(edges[$0].key.post) }
    }

    private static func networkFolder(_ dir: String) throws -> String {
        let folder = dir + "/network"
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw RunError.io("cannot create \(folder): \(error.localizedDescription)")
        }
        return folder
    }

    /// Builds an HDF5 file at `<path>.partial` and renames it to `path`; removes it on failure.
    private static func writeHDF5(_ path: String, _ body: (HDF5File) throws -> Void) throws {
        let partial = path + ".partial"
        do {
            let f = try HDF5File.create(partial)
            try f.setAttribute("neuroplast_version", NeuroplastVersion.string)
            do { try body(f) } catch { try? f.close(); throw error }
            try f.close()
        } catch let e as HDF5Error {
            unlink(partial)
            throw RunError.io("cannot write \(partial): \(e.message)")
        }
        if rename(partial, path) != 0 {
            let why = String(cString: strerror(errno))
            unlink(partial)
            throw RunError.io("cannot rename \(partial): \(why)")
        }
    }
}
