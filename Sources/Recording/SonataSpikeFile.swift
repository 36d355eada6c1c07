// spikes.h5: the run's spikes as a SONATA spike report, which NEST (≥ 3.4), BMTK, libsonata
// and h5py read — `/spikes/network/timestamps` (float64, `units` = "ms"), `node_ids`
// (uint64, the global ids of neurons.csv) and the population's `sorting` attribute
// (by_time: spikes come ordered by step, then id), with the run's `dt_ms` and version on
// the root. One node population, `network`, holds every neuron; the cell population of
// each is its node type (network/nodes.h5, neurons.csv).
//
// Written in chunked datasets while the run goes, a whole chunk at a time, as
// `spikes.h5.partial` until the run ends; the same spikes give the same bytes. HDF5 is not a journal: a process killed between
// two flushes can leave the file's metadata half written. spikes.bin is, so a resumed run
// rebuilds spikes.h5.partial from spikes.bin.partial cut back to the checkpoint, and
// spikes.h5 is only written together with spikes.bin.

import Foundation
import HDF5Codec
import NeuroplastCore
#if canImport(Glibc)
import Glibc
#endif

final class SonataSpikeFile {
    /// The one node population of our SONATA files.
    static let population = "network"
    /// Elements per HDF5 chunk: 16 Ki spikes, 128 KiB per dataset (a short run pays 256 KiB for the two).
    static let chunk = 16_384

    let finalPath: String
    let partialPath: String
    let dt: Double
    private var file: HDF5File?
    private var group: HDF5Group?
    private var times: HDF5Dataset?
    private var ids: HDF5Dataset?

    /// Creates `<path>.partial` with the empty datasets.
    init(path: String, dt: Double) throws {
        finalPath = path
        partialPath = path + ".partial"
        self.dt = dt
        do {
            let f = try HDF5File.create(partialPath)
            try f.setAttribute("neuroplast_version", NeuroplastVersion.string)
            try f.setAttribute("dt_ms", dt)
            let top = try f.createGroup("spikes")
            let g = try top.createGroup(Self.population)
            try g.setSortingAttribute(.byTime)
            let t = try g.createExtensible("timestamps", of: Double.self, chunk: Self.chunk)
            try t.setAttribute("units", "ms")
            ids = try g.createExtensible("node_ids", of: UInt64.self, chunk: Self.chunk)
            times = t; group = g; file = f
        } catch let e as HDF5Error {
            throw RunError.io("cannot create \(partialPath): \(e.message)")
        }
    }

    /// Spikes not yet written: fewer than one chunk.
    private var pendingTimes: [Double] = []
    private var pendingIds: [UInt64] = []

    /// Appends sorted spikes. They reach the file one whole chunk at a time (times, then
    /// ids), and the rest at `commit`: the calls into HDF5, and so the file's bytes, depend
    /// only on the spikes — not on how intervals cut them, the thread or shard count, or a
    /// resume that rebuilt the file.
    func append(_ spikes: [Spike]) throws {
        guard !spikes.isEmpty else { return }
        for s in spikes { pendingTimes.append(Double(s.step) * dt); pendingIds.append(UInt64(s.source)) }
        while pendingTimes.count >= Self.chunk {
            try write(Self.chunk)
        }
    }

    /// Writes the first `n` pending spikes.
    private func write(_ n: Int) throws {
        guard let times, let ids, n > 0 else { return }
        do {
            try times.append(Array(pendingTimes.prefix(n)))
            try ids.append(Array(pendingIds.prefix(n)))
        } catch let e as HDF5Error {
            throw RunError.io("cannot write \(partialPath): \(e.message)")
        }
        pendingTimes.removeFirst(n); pendingIds.removeFirst(n)
    }

    /// Spikes appended so far.
    var count: Int { (times?.length ?? 0) + pendingTimes.count }

    /// A new spikes.h5.partial holding the spikes of `binary` (a spikes.bin or its partial
    /// file, already cut to the checkpoint's length), for a resumed run. The binary file
    /// stores steps modulo 2³²; they are sorted, so a step smaller than the one before it
    /// has wrapped.
    static func rebuilding(path: String, dt: Double, from binary: String) throws -> SonataSpikeFile {
        let out = try SonataSpikeFile(path: path, dt: dt)
        guard let h = fopen(binary, "rb") else {
            throw RunError.io("cannot resume: \(binary) is missing (\(String(cString: strerror(errno)))); spikes.h5 is rebuilt from it")
        }
        defer { fclose(h) }
        guard fseeko(h, off_t(SpikeBinary.headerBytes), SEEK_SET) == 0 else {
            throw RunError.io("cannot resume: \(binary) is shorter than its header")
        }
        var buffer = [UInt32](repeating: 0, count: 2 * Self.chunk)
        var spikes: [Spike] = []
        var wraps = 0, last: UInt32 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 8, Self.chunk, h) }
            if n == 0 { break }
            spikes.removeAll(keepingCapacity: true)
            for k in 0..<n {
                let step = UInt32(littleEndian: buffer[2 * k]), id = UInt32(littleEndian: buffer[2 * k + 1])
                if step < last { wraps += 1 }
                last = step
                spikes.append(Spike(step: wraps << 32 | Int(step), source: Int32(bitPattern: id)))
            }
            try out.append(spikes)
        }
        if ferror(h) != 0 { throw RunError.io("cannot read \(binary): \(String(cString: strerror(errno)))") }
        return out
    }

    /// Closes the file (its last metadata written here) and renames it to its final name.
    func commit() throws {
        guard let f = file else { return }
        try write(pendingTimes.count)
        times?.close(); ids?.close(); group?.close()
        times = nil; ids = nil; group = nil; file = nil
        do { try f.close() } catch let e as HDF5Error { throw RunError.io("cannot finish \(partialPath): \(e.message)") }
        if rename(partialPath, finalPath) != 0 {
            throw RunError.io("cannot rename \(partialPath): \(String(cString: strerror(errno)))")
        }
    }

    /// Closes and removes the partial file (on failure).
    func discard() {
        times?.close(); ids?.close(); group?.close()
        times = nil; ids = nil; group = nil
        try? file?.close()
        file = nil
        unlink(partialPath)
    }
}

/// The layout of spikes.bin: an 8-byte magic, version u32, reserved u32, dt f64, neuron
/// count u64, then (step u32, id u32) records, all little-endian.
enum SpikeBinary {
    static let headerBytes = 32
}
