// PNGWriter: atomic PNG files. Encodes into `.<name>.tmp-<pid>` in the target directory
// via the C shim (which owns libpng's setjmp), then renames onto the target, so a reader
// never sees a partial frame. Any failure removes the temporary file and throws PNGError.

import CPNGShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Row filter used before deflate. `.sub` (default) and `.none` are the fast choices at
/// low compression levels; `.adaptive` is libpng's per-row heuristic (smaller, slower).
public enum PNGFilter: Sendable {
    case none, sub, up, adaptive
    var cValue: Int32 {
        switch self {
        case .none: Int32(NPNG_FILTER_NONE.rawValue)
        case .sub: Int32(NPNG_FILTER_SUB.rawValue)
        case .up: Int32(NPNG_FILTER_UP.rawValue)
        case .adaptive: Int32(NPNG_FILTER_ADAPTIVE.rawValue)
        }
    }
}

/// Writes 8-bit RGB/RGBA images to PNG files.
public enum PNGWriter {
    /// Encodes `pixels` (rows top to bottom, `width * channels` bytes each, straight alpha)
    /// to `path` atomically: the data go to `.<name>.tmp-<pid>` beside it, which is renamed
    /// onto `path` only when complete. On failure the temporary file is removed and a
    /// `PNGError` with libpng's message or the errno text is thrown.
    ///
    /// - Parameters:
    ///   - channels: 3 (RGB) or 4 (RGBA).
    ///   - text: key/value pairs stored as tEXt chunks (iTXt when a value is not ASCII),
    ///     in the order given. Keys are 1–79 Latin-1 characters.
    ///   - level: zlib level 0–9; the default 2 favours speed.
    ///   - filter: row filter; the default `.sub` favours speed.
    public static func write(pixels: [UInt8], width: Int, height: Int, channels: Int,
                             to path: String, text: [(key: String, value: String)] = [],
                             level: Int = 2, filter: PNGFilter = .sub) throws(PNGError) {
        guard channels == 3 || channels == 4, width > 0, height > 0,
              width <= Int(UInt32.max), height <= Int(UInt32.max),
              pixels.count == width * height * channels else {
            throw PNGError(kind: .invalidArgument, path: path,
                           message: "need \(width)×\(height)×\(channels) bytes (channels 3 or 4), got \(pixels.count)")
        }
        let temporary = temporaryPath(for: path)
        do {
            try encodeFile(pixels: pixels, width: width, height: height, channels: channels,
                           at: temporary, reportingAs: path, text: text, level: level, filter: filter)
        } catch {
            unlink(temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let e = errno
            unlink(temporary)
            throw PNGError(kind: .rename, path: path, message: String(cString: strerror(e)), errno: e)
        }
    }

    /// The temporary name used while writing `path`: `.<name>.tmp-<pid>` in the same directory.
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(name).tmp-\(getpid())"
    }

    /// Encodes straight to `file` (no temporary, no rename). Internal so tests can aim it
    /// at `/dev/full`; errors name `reportingAs`.
    static func encodeFile(pixels: [UInt8], width: Int, height: Int, channels: Int,
                           at file: String, reportingAs path: String,
                           text: [(key: String, value: String)], level: Int,
                           filter: PNGFilter) throws(PNGError) {
        // Keep the C strings alive for the whole call: one contiguous arena of
        // NUL-terminated keys and values, then pointers into it.
        var arena: [CChar] = []
        var offsets: [(Int, Int)] = []
        for (key, value) in text {
            let k = arena.count
            arena.append(contentsOf: key.utf8CString)
            let v = arena.count
            arena.append(contentsOf: value.utf8CString)
            offsets.append((k, v))
        }
        var message = [CChar](repeating: 0, count: 512)
        var sysErrno: Int32 = 0
        let status: Int32 = arena.withUnsafeBufferPointer { arenaBuffer in
            // SAFETY: `arenaBuffer` outlives `entries`, which lives only inside this closure;
            // every offset points at the start of a NUL-terminated string inside the arena.
            let base = arenaBuffer.baseAddress
            let entries = offsets.map { k, v in npng_text(key: base! + k, value: base! + v) }
            return entries.withUnsafeBufferPointer { entryBuffer in
                // SAFETY: `pixels` has exactly width*height*channels bytes (checked by the
                // caller), the stride given is width*channels, and C reads only inside it.
                // `message` has 512 bytes and C writes at most `message.count` of them.
                pixels.withUnsafeBufferPointer { pixelBuffer in
                    message.withUnsafeMutableBufferPointer { messageBuffer in
                        npng_write_file(file, pixelBuffer.baseAddress, UInt32(width), UInt32(height),
                                        width * channels, Int32(channels), Int32(level), filter.cValue,
                                        entryBuffer.baseAddress, Int32(entryBuffer.count),
                                        messageBuffer.baseAddress, messageBuffer.count, &sysErrno)
                    }
                }
            }
        }
        guard status != Int32(NPNG_OK.rawValue) else { return }
        throw PNGError(kind: PNGError.Kind(status: status), path: path,
                       message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                                       as: UTF8.self),
                       errno: sysErrno)
    }
}

extension PNGError.Kind {
    /// Maps an `npng_status` code.
    init(status: Int32) {
        switch UInt32(status) {
        case NPNG_ERR_ARGUMENT.rawValue: self = .invalidArgument
        case NPNG_ERR_OPEN.rawValue: self = .open
        case NPNG_ERR_IO.rawValue: self = .io
        case NPNG_ERR_MEMORY.rawValue: self = .memory
        default: self = .codec
        }
    }
}
