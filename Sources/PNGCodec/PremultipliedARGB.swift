// Cairo → PNG pixel conversion. Cairo's image surfaces hold premultiplied ARGB32 in
// native-endian 32-bit words (bytes B,G,R,A on little-endian); PNG wants straight-alpha
// RGB(A) bytes. Un-premultiplying: c = round(c' · 255 / a) for a > 0.

/// Converts premultiplied native-endian ARGB32 pixels to straight RGBA or RGB bytes.
public enum PremultipliedARGB {
    /// Converts `height` rows of `width` ARGB32 words starting at `data`, `stride` bytes
    /// apart (Cairo's stride), into a packed RGBA (`channels` 4) or RGB (`channels` 3)
    /// buffer. RGB output composites over black, i.e. keeps the premultiplied colour —
    /// identical to the straight colour for the opaque pixels a rendered frame has.
    ///
    /// - Precondition: `data` points at `stride * height` readable bytes, 4-byte aligned.
    public static func toStraight(data: UnsafeRawPointer, width: Int, height: Int,
                                  stride: Int, channels: Int) -> [UInt8] {
        precondition(channels == 3 || channels == 4, "channels must be 3 or 4")
        precondition(stride >= width * 4, "stride shorter than a row")
        let count = width * height * channels
        // [] rather than capacity 0, whose count store lands in the shared empty-array
        // singleton (a race under ThreadSanitizer with threads reading empty arrays).
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialised in
            for y in 0..<height {
                // SAFETY: row y spans bytes [y*stride, y*stride + 4*width) of the caller's
                // buffer (precondition above); `out` has room for width*channels bytes per row.
                let row = data + y * stride
                var o = y * width * channels
                for x in 0..<width {
                    let word = row.load(fromByteOffset: x * 4, as: UInt32.self)
                    let a = word >> 24
                    var r = (word >> 16) & 0xFF, g = (word >> 8) & 0xFF, b = word & 0xFF
                    if channels == 4 && a != 255 {
                        if a == 0 {
                            r = 0; g = 0; b = 0
                        } else {
                            r = min(255, (r * 255 + a / 2) / a)
                            g = min(255, (g * 255 + a / 2) / a)
                            b = min(255, (b * 255 + a / 2) / a)
                        }
                    }
                    out[o] = UInt8(truncatingIfNeeded: r)
                    out[o + 1] = UInt8(truncatingIfNeeded: g)
                    out[o + 2] = UInt8(truncatingIfNeeded: b)
                    if channels == 4 { out[o + 3] = UInt8(truncatingIfNeeded: a) }
                    o += channels
                }
            }
            initialised = count
        }
    }
}
