// HDF5Codec against libhdf5 itself: what is written reads back exactly (values, lengths,
// attributes, the SONATA enum), appends extend a dataset across chunk boundaries, and a file
// that is not HDF5 or a missing dataset throws an error naming the file.

import Foundation
import Testing
@testable import HDF5Codec

@Suite struct HDF5CodecTests {
    func scratch(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("h5codec-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }

    @Test func appendsReadBackAcrossChunks() throws {
        let path = scratch("a.h5")
        let f = try HDF5File.create(path)
        let g = try f.createGroup("spikes")
        let p = try g.createGroup("network")
        try p.setSortingAttribute(.byTime)
        let t = try p.createExtensible("timestamps", of: Double.self, chunk: 7)
        try t.setAttribute("units", "ms")
        let ids = try p.createExtensible("node_ids", of: UInt64.self, chunk: 7)
        var want: [Double] = [], wantIds: [UInt64] = []
        for k in 0..<5 {
            let times = (0..<(3 * k + 1)).map { Double(k) * 10 + Double($0) * 0.1 }
            let n = (0..<(3 * k + 1)).map { UInt64($0 * 1_000_003 + k) }
            try t.append(times); try ids.append(n)
            want += times; wantIds += n
        }
        try t.append([Double]())
        #expect(t.length == want.count)
        try f.setAttribute("dt_ms", 0.1)
        try f.setAttribute("neuroplast_version", "test")
        t.close(); ids.close(); p.close(); g.close()
        try f.close()

        let r = try HDF5File.open(path)
        let q = try r.openGroup("spikes/network")
        #expect(q.sortingAttribute() == .byTime)
        let rt = try q.openDataset("timestamps")
        #expect(rt.length == want.count)
        #expect(try rt.read(0..<rt.length, as: Double.self) == want)
        #expect(try rt.read(3..<9, as: Double.self) == Array(want[3..<9]))
        #expect(rt.stringAttribute("units") == "ms")
        #expect(try q.openDataset("node_ids").read(0..<wantIds.count, as: UInt64.self) == wantIds)
        #expect(r.doubleAttribute("dt_ms") == 0.1)
        #expect(r.stringAttribute("neuroplast_version") == "test")
        #expect(r.contains("spikes/network/node_ids"))
        #expect(!r.contains("spikes/other"))
        #expect(throws: HDF5Error.self) { try rt.read(0..<(want.count + 1), as: Double.self) }
    }

    @Test func twoDimensionalAndFixed() throws {
        let path = scratch("b.h5")
        let f = try HDF5File.create(path)
        try f.write("ranges", [UInt64](0..<12), columns: 2)
        try f.write("x", [1.5, -2.25, .nan])
        #expect(throws: HDF5Error.self) { try f.write("bad", [UInt64](0..<5), columns: 2) }
        try f.close()
        let r = try HDF5File.open(path)
        let d = try r.openDataset("ranges")
        #expect(d.length == 6)
        let x = try r.openDataset("x").read(0..<3, as: Double.self)
        #expect(x[0] == 1.5 && x[1] == -2.25 && x[2].isNaN)
    }

    @Test func notHDF5IsAnErrorNamingTheFile() throws {
        let path = scratch("c.h5")
        try Data("not an hdf5 file".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try HDF5File.open(path)
            Issue.record("opened a text file as HDF5")
        } catch let e as HDF5Error {
            #expect(e.description.hasPrefix(path))
        }
        let f = try HDF5File.create(scratch("d.h5"))
        #expect(throws: HDF5Error.self) { try f.openDataset("missing") }
        #expect(throws: HDF5Error.self) { try f.openGroup("missing") }
    }
}
