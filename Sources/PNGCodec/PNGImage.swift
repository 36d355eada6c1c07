// PNGImage: an 8-bit, row-major, tightly packed RGB or RGBA pixel buffer in straight
// (not premultiplied) alpha — the value PNGWriter encodes and PNGReader returns.

/// An 8-bit straight-alpha image, rows top to bottom, no padding between rows.
public struct PNGImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// 3 (RGB) or 4 (RGBA).
    public var channels: Int
    /// `width * height * channels` bytes.
    public var pixels: [UInt8]

    /// Creates an image; traps if the buffer size does not match the dimensions.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 3 || channels == 4, "PNGImage: channels must be 3 or 4")
        precondition(width > 0 && height > 0 && pixels.count == width * height * channels,
                     "PNGImage: pixel buffer size does not match \(width)×\(height)×\(channels)")
        self.width = width; self.height = height; self.channels = channels; self.pixels = pixels
    }

    /// The pixel at (x, y) as RGBA (alpha 255 for RGB images).
    public func rgba(x: Int, y: Int) -> (UInt8, UInt8, UInt8, UInt8) {
        let i = (y * width + x) * channels
        return (pixels[i], pixels[i + 1], pixels[i + 2], channels == 4 ? pixels[i + 3] : 255)
    }

    /// Encodes this image with `PNGWriter.write` (atomic: temporary file, then rename).
    public func write(to path: String, text: [(key: String, value: String)] = [],
                      level: Int = 2, filter: PNGFilter = .sub) throws(PNGError) {
        try PNGWriter.write(pixels: pixels, width: width, height: height, channels: channels,
                            to: path, text: text, level: level, filter: filter)
    }
}
