// Diagnostics: located error messages for scenario and sweep files. Loading collects every
// problem it finds (not just the first) so a user fixes a file in one pass. Messages read
// `file:line:column: what was expected; got …`.

/// A position in a source file (1-based line and column, as libyaml counts them).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) { self.file = file; self.line = line; self.column = column }
    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in an input file.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    public init(_ location: SourceLocation, _ message: String) { self.location = location; self.message = message }
    public var description: String { "\(location): \(message)" }
}

/// All problems found in one load; thrown when there is at least one.
public struct ScenarioErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    /// Whether the fault is in how the program was called (a bad `--set`, an unreadable
    /// file) rather than in the file's content: the CLI maps this to exit code 64 vs 65.
    public var isUsage: Bool
    public init(_ diagnostics: [Diagnostic], isUsage: Bool = false) {
        self.diagnostics = diagnostics; self.isUsage = isUsage
    }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Collects diagnostics during one load. Used on one thread only.
public final class DiagnosticSink {
    public private(set) var diagnostics: [Diagnostic] = []
    /// The same diagnostics, for the duplicate check: a file with tens of thousands of faults
    /// made a linear search per fault take minutes.
    private var seen: Set<Diagnostic> = []
    public init() {}
    /// The most diagnostics kept: past them a file is not a scenario with typos but data or
    /// noise, and listing (and suggesting for) every fault would only take time.
    public static let limit = 1000
    /// Faults found beyond `limit`, counted but not kept.
    public private(set) var dropped = 0
    public var isFull: Bool { diagnostics.count >= Self.limit }
    public func error(_ location: SourceLocation, _ message: String) {
        if isFull { dropped += 1; return }
        let d = Diagnostic(location, message)
        if seen.insert(d).inserted { diagnostics.append(d) }
    }
    public var isEmpty: Bool { diagnostics.isEmpty }
    /// Throws everything collected, sorted by position.
    public func throwIfAny(isUsage: Bool = false) throws {
        guard !diagnostics.isEmpty else { return }
        var sorted = diagnostics.sorted {
            ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column)
        }
        if dropped > 0, let last = sorted.last {
            sorted.append(Diagnostic(last.location, "and \(dropped) more problems not listed (the first \(Self.limit) are above)"))
        }
        throw ScenarioErrors(sorted, isUsage: isUsage)
    }
}

/// "Did you mean" suggestions by edit distance.
public enum Suggest {
    /// The closest candidate within a distance of about a third of the word, if any.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word.lowercased(), c.lowercased())
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    /// Levenshtein distance.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    /// " (did you mean `x`?)" or "".
    public static func hint(_ word: String, _ candidates: [String]) -> String {
        if let c = closest(to: word, in: candidates) { return " (did you mean `\(c)`?)" }
        return ""
    }
}
