// PNGReader: decodes any PNG (palette, grey, 16-bit, interlaced) to 8-bit RGBA through the
// C shim. Used by the golden-image tests and by anyone checking a written frame.

import CPNGShim

/// Reads PNG files.
public enum PNGReader {
    /// Decodes the PNG at `path` to an RGBA `PNGImage` (channels 4).
    public static func read(path: String) throws(PNGError) -> PNGImage {
        var pointer: UnsafeMutablePointer<UInt8>?
        var width: UInt32 = 0, height: UInt32 = 0
        var fileChannels: Int32 = 0, sysErrno: Int32 = 0
        var message = [CChar](repeating: 0, count: 512)
        let status = message.withUnsafeMutableBufferPointer { buffer in
            // SAFETY: `buffer` has `buffer.count` bytes and C writes at most that many.
            npng_read_rgba(path, &pointer, &width, &height, &fileChannels,
                           buffer.baseAddress, buffer.count, &sysErrno)
        }
        guard status == Int32(NPNG_OK.rawValue), let pointer else {
            throw PNGError(kind: PNGError.Kind(status: status), path: path,
                           message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                                           as: UTF8.self),
                           errno: sysErrno)
        }
        defer { npng_free(pointer) }
        let count = Int(width) * Int(height) * 4
        // SAFETY: on success the shim returns a malloc'd buffer of width*height*4 bytes,
        // which we copy before freeing it in the `defer` above.
        let pixels = Array(UnsafeBufferPointer(start: pointer, count: count))
        return PNGImage(width: Int(width), height: Int(height), channels: 4, pixels: pixels)
    }
}
