// Checkpoints: everything a run's future depends on, written at segment boundaries to
// `<run dir>/checkpoints/checkpoint.npck` (through a temporary name, then renamed, so the
// file there is always the latest complete one), and read back to resume.
//
// File format (version 5; 1 held spike histories instead of STDP traces, 2 Double refractory
// counters, 3 the two loops' positions instead of the schedule's, 4 no microglial priming
// and no PV phenotype), little-endian:
//
//     offset  size  field
//          0     8  magic "NPCHECKP"
//          8     4  format version (UInt32) = 5
//         12     4  payload encoding (UInt32): 1 = JSON (UTF-8)
//         16     8  step of the checkpoint (UInt64)
//         24     8  payload length in bytes (UInt64)
//         32    32  SHA-256 of the resolved scenario (`scenario.resolved.yaml`)
//         64    32  SHA-256 of the payload
//         96     …  payload: `CheckpointPayload` as JSON; large arrays are base64 strings of
//                   their raw little-endian bytes (`PackedArray`), scalars are exact JSON
//                   numbers (Swift's encoder round-trips Double).
//
// Counter-based random streams need no generator state. Determinism after a restore:
// a checkpoint is taken only at a segment boundary that the uninterrupted run has as well
// (checkpoints never add boundaries), so the resumed run runs the same segments, delivers
// the same batches and writes the same bytes.

import Foundation
import Network
#if canImport(Glibc)
import Glibc
#endif

/// What a checkpoint file holds after its header: the run session's payload (in `Run`),
/// encoded as JSON. The header repeats its step, and reading checks that the two agree.
package protocol CheckpointBody: Codable {
    var step: Int { get }
}

package enum CheckpointFile {
    static let magic = Array("NPCHECKP".utf8)
    /// 5: microglia carry a priming level and a complement output, the slow clock the PV
    /// populations' oxidative load and phenotype (4 had none, and a resumed run would have
    /// restarted unprimed and with intact PV cells); 4: the position in the run's one schedule of events (3 held the
    /// fast and the slow loop's positions; 2 Double refractory counters).
    static let formatVersion: UInt32 = 5
    static let encodingJSON: UInt32 = 1
    static let headerSize = 96

    package static func folder(_ runDir: String) -> String { runDir + "/checkpoints" }
    package static func path(_ runDir: String) -> String { folder(runDir) + "/checkpoint.npck" }

    static func sha256(_ data: Data) -> [UInt8] {
        var h = SHA256()
        data.withUnsafeBytes { h.update(bytes: $0) }
        return h.finalize()
    }

    /// Writes `payload` as the run's checkpoint (temporary name, fsync, rename); returns its path.
    @discardableResult
    package static func write(_ payload: some CheckpointBody, scenarioYAML: String, runDir: String) throws -> String {
        guard UInt16(1).littleEndian == 1 else { throw RunError.io("checkpoints are only supported on little-endian machines") }
        let enc = JSONEncoder()
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let body: Data
        do { body = try enc.encode(payload) } catch { throw RunError.io("cannot encode the checkpoint: \(error)") }
        var file = Data(magic)
        func put<T: FixedWidthInteger>(_ x: T) { withUnsafeBytes(of: x.littleEndian) { file.append(contentsOf: $0) } }
        put(formatVersion); put(encodingJSON); put(UInt64(payload.step)); put(UInt64(body.count))
        file.append(contentsOf: SHA256.digest(Array(scenarioYAML.utf8)))
        file.append(contentsOf: sha256(body))
        file.append(body)
        let dir = folder(runDir), final = path(runDir), tmp = final + ".partial"
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw RunError.io("cannot create \(dir): \(error.localizedDescription)")
        }
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw RunError.io("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        let ok = file.withUnsafeBytes { raw -> Bool in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { return false }
                off += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(tmp, final) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw RunError.io("cannot write the checkpoint \(final): \(why)")
        }
        return final
    }

    /// Reads and verifies the run's checkpoint; nil when there is none.
    package static func read<Payload: CheckpointBody>(_ type: Payload.Type, runDir: String, scenarioYAML: String) throws -> Payload? {
        let p = path(runDir)
        guard FileManager.default.fileExists(atPath: p) else { return nil }
        guard let data = FileManager.default.contents(atPath: p) else { throw CheckpointError.corrupt("\(p): cannot be read") }
        return try decode(type, data, path: p, scenarioYAML: scenarioYAML)
    }

    static func decode<Payload: CheckpointBody>(_ type: Payload.Type, _ data: Data, path p: String, scenarioYAML: String) throws -> Payload {
        let bytes = [UInt8](data)
        let remedy = "delete \((p as NSString).deletingLastPathComponent) to start the run afresh"
        guard bytes.count >= headerSize, Array(bytes[0..<8]) == magic else {
            throw CheckpointError.corrupt("\(p) is not a neuroplast checkpoint (bad magic or shorter than its header); \(remedy)")
        }
        func get<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            var x: T = 0
            for k in 0..<MemoryLayout<T>.size { x |= T(bytes[at + k]) << (8 * k) }
            return x
        }
        let version = get(8, UInt32.self), encoding = get(12, UInt32.self)
        guard version == formatVersion, encoding == encodingJSON else {
            throw CheckpointError.corrupt("\(p) has checkpoint format \(version) (encoding \(encoding)); this program reads format \(formatVersion); \(remedy)")
        }
        let length = get(24, UInt64.self)
        guard UInt64(bytes.count - headerSize) == length else {
            throw CheckpointError.corrupt("\(p) is truncated or padded: payload of \(bytes.count - headerSize) bytes, header says \(length); \(remedy)")
        }
        let body = data.subdata(in: headerSize..<bytes.count)
        guard sha256(body) == Array(bytes[64..<96]) else {
            throw CheckpointError.corrupt("\(p) is damaged: the payload's SHA-256 does not match its header; \(remedy)")
        }
        let expected = SHA256.digest(Array(scenarioYAML.utf8))
        guard expected == Array(bytes[32..<64]) else {
            throw CheckpointError.foreign("\(p) was written for another scenario (scenario SHA-256 \(hex(Array(bytes[32..<64]))), this one is \(hex(expected))); resume with the same scenario file, --set and --seed, or use another --run-id")
        }
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            let payload = try dec.decode(Payload.self, from: body)
            // The header's step is outside the payload's checksum: converted without trapping.
            guard let headerStep = Int(exactly: get(16, UInt64.self)), payload.step == headerStep else { throw CheckpointError.corrupt("\(p): header and payload disagree on the step; \(remedy)") }
            return payload
        } catch let e as CheckpointError {
            throw e
        } catch {
            throw CheckpointError.corrupt("\(p) cannot be decoded (\(error)); \(remedy)")
        }
    }

    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }
}

extension SHA256 {
    /// The digest of `bytes`.
    static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var h = SHA256(); h.update(bytes); return h.finalize()
    }
}
