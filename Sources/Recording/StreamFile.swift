// An output file written through a temporary name: bytes go to `<name>.partial`, and only
// `commit()` renames it to its final name, so an interrupted run never leaves a file that
// looks complete. Buffered C stdio for speed.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

package final class StreamFile {
    let finalPath: String
    let partialPath: String
    private var handle: UnsafeMutablePointer<FILE>?

    init(path: String) throws {
        finalPath = path
        partialPath = path + ".partial"
        handle = fopen(partialPath, "wb")
        guard handle != nil else { throw RunError.io("cannot create \(partialPath): \(String(cString: strerror(errno)))") }
    }

    /// Reopens the partial file of an interrupted run, cut back to `length` bytes — its length
    /// when the checkpoint was written — so that writing continues where the checkpoint
    /// left off. A file already committed (the run had finished) is reopened as partial.
    init(path: String, resumeAt length: Int) throws {
        finalPath = path
        partialPath = path + ".partial"
        if access(partialPath, F_OK) != 0, access(finalPath, F_OK) == 0 { rename(finalPath, partialPath) }
        guard let h = fopen(partialPath, "r+b") else {
            throw RunError.io("cannot resume: \(partialPath) is missing (\(String(cString: strerror(errno)))); the run folder does not match its checkpoint")
        }
        handle = h
        fseeko(h, 0, SEEK_END)
        let size = Int(ftello(h))
        guard size >= length else {
            throw RunError.io("cannot resume: \(partialPath) holds \(size) bytes but the checkpoint recorded \(length); the run folder does not match its checkpoint")
        }
        if ftruncate(fileno(h), off_t(length)) != 0 || fseeko(h, off_t(length), SEEK_SET) != 0 {
            throw RunError.io("cannot resume \(partialPath): \(String(cString: strerror(errno)))")
        }
    }

    /// Flushes to disk and returns the file's length in bytes (recorded by checkpoints).
    package func sync() throws -> Int {
        guard let h = handle else { return 0 }
        if fflush(h) != 0 || fsync(fileno(h)) != 0 {
            throw RunError.io("cannot flush \(partialPath): \(String(cString: strerror(errno)))")
        }
        return Int(ftello(h))
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let h = handle, bytes.count > 0 else { return }
        if fwrite(bytes.baseAddress, 1, bytes.count, h) != bytes.count {
            throw RunError.io("cannot write \(partialPath): \(String(cString: strerror(errno)))")
        }
    }

    func write(_ text: String) throws {
        var t = text
        try t.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Flushes, closes and renames to the final name.
    package func commit() throws {
        guard let h = handle else { return }
        handle = nil
        if fflush(h) != 0 || fclose(h) != 0 {
            throw RunError.io("cannot finish \(partialPath): \(String(cString: strerror(errno)))")
        }
        if rename(partialPath, finalPath) != 0 {
            throw RunError.io("cannot rename \(partialPath): \(String(cString: strerror(errno)))")
        }
    }

    /// Closes and removes the partial file (on failure).
    package func discard() {
        if let h = handle { fclose(h); handle = nil }
        unlink(partialPath)
    }

    deinit { if let h = handle { fclose(h) } }
}

/// Writes a whole file atomically (temporary name, then rename).
package func writeAtomically(_ data: Data, to path: String) throws {
    let tmp = path + ".partial"
    do {
        try data.write(to: URL(fileURLWithPath: tmp))
        if rename(tmp, path) != 0 { throw RunError.io("cannot rename \(tmp): \(String(cString: strerror(errno)))") }
    } catch let e as RunError {
        unlink(tmp); throw e
    } catch {
        unlink(tmp); throw RunError.io("cannot write \(path): \(error.localizedDescription)")
    }
}

/// Failures while running (exit code 1).
public enum RunError: Error, CustomStringConvertible {
    case io(String)
    case invalid(String)
    public var description: String {
        switch self { case let .io(s): s; case let .invalid(s): s }
    }
}
