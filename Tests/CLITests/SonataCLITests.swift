// The SONATA files a run writes, read back with libhdf5: spikes.h5 holds exactly the spikes
// of spikes.bin (times step·dt, ids, order, the by_time sorting enum, units); the network
// files hold every synapse of the connectome dump with its delay, edge type and formation
// time, and indices that give each node its edges; the files are the same bytes whatever the
// thread and shard count; `record.sonata: false` writes none of them.

import Foundation
import HDF5Codec
import TestSupport
import Testing

@Suite struct SonataCLITests {
    static let scenario = """
    schema: 1
    name: sonata
    seed: 9
    time: {dt: 0.1 ms, duration: 600 ms, record_interval: 50 ms, transient: 100 ms}
    sheet: {width: 300 um, height: 300 um}
    populations:
      - {name: pyr, count: 160}
      - {name: pv, class: pv, count: 40}
    projections:
      - {from: pyr, to: pyr, ampa: 0.5 nS, nmda: 0.1 nS, connectivity: {rule: random, p: 0.1}, delay: {synaptic: 1 ms, velocity: 200 um/ms}}
      - {from: pyr, to: pv, ampa: 1 nS, connectivity: {rule: random, p: 0.2}, delay: {synaptic: 1.5 ms}}
      - {from: pv, to: pyr, gaba_a: 2 nS, connectivity: {rule: random, p: 0.3}, delay: {synaptic: 0.8 ms}}
    drive:
      - {population: pyr, poisson: {rate: 2 kHz, weight: 3 nS}}
      - {population: pv, poisson: {rate: 1 kHz, weight: 2 nS}}
    record: {connectome: [200 ms, end]}
    """

    /// (step, id) records of spikes.bin.
    static func binarySpikes(_ path: String) throws -> (dt: Double, records: [(UInt32, UInt32)]) {
        let d = try #require(FileManager.default.contents(atPath: path))
        let dt = d.subdata(in: 16..<24).withUnsafeBytes { Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        let body = d.subdata(in: 32..<d.count)
        let words = body.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)).map { UInt32(littleEndian: $0) } }
        return (dt, stride(from: 0, to: words.count, by: 2).map { (words[$0], words[$0 + 1]) })
    }

    func run(_ tmp: String, _ id: String, _ extra: [String] = []) throws -> String {
        let file = tmp + "/s.yaml"
        try Self.scenario.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", file, "--out", tmp + "/out", "--run-id", id, "--quiet", "--no-frames"] + extra)
        #expect(r.status == 0, "\(r.err)")
        return tmp + "/out/sonata/" + id
    }

    @Test func spikesMatchTheBinaryFileAndNetworkFilesTheConnectome() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let dir = try run(tmp, "a", ["--threads", "1", "--shards", "1"])

        // spikes.h5 against spikes.bin
        let (dt, records) = try Self.binarySpikes(dir + "/spikes.bin")
        #expect(records.count > 1000, "too few spikes to compare: \(records.count)")
        let f = try HDF5File.open(dir + "/spikes.h5")
        #expect(f.doubleAttribute("dt_ms") == dt)
        #expect(f.stringAttribute("neuroplast_version") != nil)
        let pop = try f.openGroup("spikes/network")
        #expect(pop.sortingAttribute() == .byTime)
        let times = try pop.openDataset("timestamps"), ids = try pop.openDataset("node_ids")
        #expect(times.stringAttribute("units") == "ms")
        #expect(times.length == records.count && ids.length == records.count)
        let t = try times.read(0..<times.length, as: Double.self), n = try ids.read(0..<ids.length, as: UInt64.self)
        #expect(zip(t, records).allSatisfy { $0 == Double($1.0) * dt })
        #expect(zip(n, records).allSatisfy { $0 == UInt64($1.1) })
        #expect(!FileManager.default.fileExists(atPath: dir + "/spikes.h5.partial"))

        // nodes.h5 against neurons.csv
        let nodes = try HDF5File.open(dir + "/network/nodes.h5").openGroup("nodes/network")
        let types = try nodes.openDataset("node_type_id").read(0..<200, as: UInt64.self)
        #expect(types == [UInt64](repeating: 0, count: 160) + [UInt64](repeating: 1, count: 40))
        let x = try nodes.openGroup("0").openDataset("x").read(0..<200, as: Double.self)
        let csv = try String(contentsOfFile: dir + "/neurons.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        for (g, line) in csv.enumerated() {
            let cols = line.split(separator: ",")
            #expect(abs(Double(cols[2])! - x[g]) <= 0.005 + 1e-9, "x of neuron \(g)")
        }
        #expect(!nodes.contains("0/preferred_angle"))
        let nodeTypes = try String(contentsOfFile: dir + "/network/node_types.csv", encoding: .utf8)
        #expect(nodeTypes == "node_type_id pop_name cell_class ei model_type\n0 pyr pyramidal e point_neuron\n1 pv pv i point_neuron\n")

        // edges at each dump against the connectome CSV, in the same (post, pre) order
        for stamp in ["200ms", "600ms"] {
            let edges = try HDF5File.open(dir + "/network/edges_\(stamp).h5").openGroup("edges/network_to_network")
            let rows = try String(contentsOfFile: dir + "/connectome_\(stamp).csv", encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",") }
            let m = rows.count
            #expect(m > 1000)
            let src = try edges.openDataset("source_node_id"), tgt = try edges.openDataset("target_node_id")
            #expect(src.length == m && src.stringAttribute("node_population") == "network" && tgt.stringAttribute("node_population") == "network")
            let pre = try src.read(0..<m, as: UInt64.self), post = try tgt.read(0..<m, as: UInt64.self)
            let w = try edges.openDataset("0/syn_weight").read(0..<m, as: Double.self)
            #expect(zip(rows.indices, rows).allSatisfy { k, r in
                pre[k] == UInt64(r[0])! && post[k] == UInt64(r[1])! && Float(w[k]) == Float(r[2])!
            })
            // edge type = projection between the two populations; delays = the projection's
            let type = try edges.openDataset("edge_type_id").read(0..<m, as: UInt64.self)
            let delay = try edges.openDataset("0/delay").read(0..<m, as: Double.self)
            let wrong = (0..<m).filter { k in
                let expected: UInt64 = pre[k] < 160 ? (post[k] < 160 ? 0 : 1) : 2
                let delayOK = expected == 0 ? delay[k] >= 1 - 1e-9 : abs(delay[k] - (expected == 1 ? 1.5 : 0.8)) < 1e-9
                return type[k] != expected || !delayOK
            }
            #expect(wrong.isEmpty, "\(wrong.count) edges with a wrong type or delay, first \(wrong.first.map { "\(pre[$0])→\(post[$0]) type \(type[$0]) delay \(delay[$0])" } ?? "")")
            #expect(delay.contains { $0 > 1.05 }, "distance-dependent delays expected on pyr → pyr")
            let formed = try edges.openDataset("0/formation_time").read(0..<m, as: Double.self)
            #expect(formed.allSatisfy { $0.isNaN }, "a static network forms no synapse during the run")
            // SONATA's indices: node v's rows of range_to_edge_id cover exactly its edges
            for (index, node) in [("target_to_source", post), ("source_to_target", pre)] {
                let ranges = try edges.openDataset("indices/\(index)/node_id_to_ranges").readAll(as: UInt64.self)
                let runs = try edges.openDataset("indices/\(index)/range_to_edge_id").readAll(as: UInt64.self)
                #expect(ranges.count == 2 * 200)
                var seen = [Int](repeating: 0, count: 200)
                for v in 0..<200 {
                    for r in Int(ranges[2 * v])..<Int(ranges[2 * v + 1]) {
                        for e in Int(runs[2 * r])..<Int(runs[2 * r + 1]) {
                            #expect(node[e] == UInt64(v)); seen[v] += 1
                        }
                    }
                }
                #expect(seen == (0..<200).map { v in node.filter { $0 == UInt64(v) }.count }, "\(index)")
            }
        }
        let edgeTypes = try String(contentsOfFile: dir + "/network/edge_types.csv", encoding: .utf8).split(separator: "\n")
        #expect(edgeTypes.count == 4 && edgeTypes[1] == "0 pyr pyr 0.5 0.1 0.0 1.0 200.0 0", "\(edgeTypes)")
        let config = try JSONSerialization.jsonObject(with: try #require(FileManager.default.contents(atPath: dir + "/network/circuit_600ms.json")))
        #expect((config as? [String: Any])?["networks"] != nil)

        // the same bytes with other threads and shards
        let other = try run(tmp, "b", ["--threads", "2", "--shards", "3"])
        for name in ["spikes.h5", "network/nodes.h5", "network/edges_200ms.h5", "network/edges_600ms.h5"] {
            #expect(FileManager.default.contents(atPath: dir + "/" + name) == FileManager.default.contents(atPath: other + "/" + name), "\(name) differs")
        }

        // record.sonata: false writes none of them
        let off = try run(tmp, "c", ["--set", "record.sonata=false"])
        #expect(FileManager.default.fileExists(atPath: off + "/spikes.bin"))
        #expect(!FileManager.default.fileExists(atPath: off + "/spikes.h5"))
        #expect(!FileManager.default.fileExists(atPath: off + "/network"))
    }

    /// On the slow clock the network files come at network time (`end` = windows × window),
    /// synapses realised from spines carry their formation time in hours, and spikes.h5
    /// still equals spikes.bin.
    @Test func slowClockEdgesCarryFormationHours() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let args = ["run", CLI.root + "/Scenarios/ketamine-rodent.yaml", "--out", tmp, "--run-id", "s", "--quiet", "--no-frames",
                    "--set", "slow_clock.duration=4 h", "--set", "slow_clock.windows=[{until: 4 h, every: 2 h}]",
                    "--set", "slow_clock.window=200 ms", "--set", "slow_clock.settle=50 ms",
                    "--set", "slow_clock.structural_every=1 h", "--set", "pharmacology.doses.0.at=0 h",
                    "--set", "populations.0.count=400", "--set", "populations.1.count=60", "--set", "populations.2.count=40",
                    "--set", "record.connectome=[end]"]
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.err)")
        let dir = tmp + "/ketamine-rodent/s"
        // two windows of 200 ms: the end of network time is 400 ms
        let edges = try HDF5File.open(dir + "/network/edges_400ms.h5").openGroup("edges/network_to_network")
        let m = try edges.openDataset("source_node_id").length
        let rows = try String(contentsOfFile: dir + "/connectome_400ms.csv", encoding: .utf8).split(separator: "\n").count - 1
        #expect(m == rows && m > 0)
        let formation = try edges.openDataset("0/formation_time")
        #expect(formation.stringAttribute("units") == "h")
        let hours = try formation.read(0..<m, as: Double.self).filter { !$0.isNaN }
        #expect(!hours.isEmpty, "spine realisation formed no synapse in 4 h")
        #expect(hours.allSatisfy { $0 >= 0 && $0 <= 4 }, "\(hours.prefix(5))")
        let (dt, records) = try Self.binarySpikes(dir + "/spikes.bin")
        let t = try HDF5File.open(dir + "/spikes.h5").openGroup("spikes/network").openDataset("timestamps")
        #expect(t.length == records.count)
        #expect(try t.read(0..<t.length, as: Double.self) == records.map { Double($0.0) * dt })
    }

    /// `end` is the network as the run leaves it: after the structural update of the last
    /// step, so its synapses are the ones structure.csv counts at that time (a dump at a
    /// time T shows the network before T's updates).
    @Test func endDumpFollowsTheLastStructuralUpdate() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let r = try CLI.run(["run", CLI.root + "/Scenarios/structural-homeostasis.yaml", "--out", tmp, "--run-id", "e", "--quiet", "--no-frames",
                             "--set", "time.duration=600 ms", "--set", "time.transient=100 ms", "--set", "drive.1.stop=300 ms",
                             "--set", "populations.0.count=140", "--set", "populations.1.count=20", "--set", "populations.2.count=40",
                             "--set", "record.connectome=[300 ms, end]"])
        #expect(r.status == 0, "\(r.err)")
        let dir = tmp + "/structural-homeostasis/e"
        let rows = try String(contentsOfFile: dir + "/structure.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let last = rows.filter { $0[0] == "600.000" && $0[1] == "projection" }.map { Int($0[3])! }.reduce(0, +)
        let dumped = try String(contentsOfFile: dir + "/connectome_600ms.csv", encoding: .utf8).split(separator: "\n").count - 1
        #expect(last > 0 && dumped == last, "structure.csv counts \(last) synapses at 600 ms, the end dump holds \(dumped)")
        #expect(try HDF5File.open(dir + "/network/edges_600ms.h5").openGroup("edges/network_to_network").openDataset("source_node_id").length == dumped)
        // `end` and the end's time together would write one file twice: refused, located
        let both = try CLI.run(["validate", CLI.root + "/Scenarios/structural-homeostasis.yaml", "--set", "time.duration=600 ms",
                                "--set", "record.connectome=[600 ms, end]"])
        #expect(both.status == 65 && both.err.contains("names the run's end twice"), "\(both.err)")
    }
}
