// PNGError: what went wrong writing or reading a PNG, with the path and the message from
// libpng or from the failed system call (strerror), so a user sees e.g.
// "cannot write PNG /out/frame_000012.png: write failed: No space left on device".

/// A failure of `PNGWriter` or `PNGReader`.
public struct PNGError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stage that failed.
    public enum Kind: Sendable, Equatable {
        /// Width, height, channel count, buffer size or text key was invalid.
        case invalidArgument
        /// The file (or the temporary file next to it) could not be created or opened.
        case open
        /// libpng rejected the data or the file (message is libpng's).
        case codec
        /// A write, flush, close or read failed (message carries the errno text).
        case io
        /// Renaming the finished temporary file onto the target failed.
        case rename
        /// Memory allocation failed.
        case memory
    }

    public var kind: Kind
    /// The path the caller asked for (not the temporary name).
    public var path: String
    /// libpng's message or the errno text.
    public var message: String
    /// errno of the failed system call, 0 if none.
    public var errno: Int32

    public init(kind: Kind, path: String, message: String, errno: Int32 = 0) {
        self.kind = kind; self.path = path; self.message = message; self.errno = errno
    }

    public var description: String {
        let verb: String
        switch kind {
        case .invalidArgument: verb = "invalid PNG request for"
        case .open: verb = "cannot create or open PNG"
        case .codec: verb = "PNG codec failed for"
        case .io: verb = "I/O error on PNG"
        case .rename: verb = "cannot move finished PNG into place at"
        case .memory: verb = "out of memory for PNG"
        }
        return "\(verb) \(path): \(message)"
    }
}
