// A lint over the modules that read user input (InputReading, Scenario, Experiments): no
// plain conversion of a Double expression to an integer type, which traps on NaN, infinity
// or overflow — `Int(saturating:)` (NeuroplastCore) saturates instead. The expressions it
// looks for are the ones that come from decoded values: a quotient, a product, a rounding,
// ceil or floor.

import Foundation
import NeuroplastCore
import Testing

@Suite struct ConversionLintTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `Int(…)`, `Int32(…)`, `Int64(…)`, `UInt…(…)` whose argument holds a rounding, a
    /// division, a multiplication, ceil or floor, and is not `saturating:`.
    static let unchecked = try! NSRegularExpression(
        pattern: #"\bU?Int(8|16|32|64)?\((?!saturating:|clamping:|truncatingIfNeeded:|bitPattern:)[^()\n]*(\([^()\n]*\)[^()\n]*)*(\.rounded|\s/\s|\s\*\s|ceil\(|floor\()"#)

    @Test func loaderModulesConvertDoublesOnlyBySaturating() throws {
        var found: [String] = []
        var scanned = 0
        for module in ["InputReading", "Scenario", "Experiments"] {
            let dir = Self.root + "/Sources/" + module
            // Every file of the module, in its role folders too.
            let files = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
            for file in files {
                scanned += 1
                let lines = try String(contentsOfFile: dir + "/" + file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                for (k, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                    let s = String(line)
                    if Self.unchecked.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil {
                        found.append("Sources/\(module)/\(file):\(k + 1): \(s.trimmingCharacters(in: .whitespaces))")
                    }
                }
            }
        }
        #expect(scanned > 40, "the lint read only \(scanned) files")
        #expect(found.isEmpty, "plain integer conversions of Double expressions (use Int(saturating:)):\n\(found.joined(separator: "\n"))")
    }

    @Test func theLintSeesWhatItLooksFor() {
        func flags(_ s: String) -> Bool { Self.unchecked.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil }
        #expect(flags("let n = Int((duration / dt).rounded())"))
        #expect(flags("let c = Int(dens * w * h)"))
        #expect(flags("x = Int64(ceil(v))"))
        #expect(!flags("let n = Int(saturating: (duration / dt).rounded())"))
        #expect(!flags("let k = Int(s.replacingUnderscores())"))
    }

    @Test func saturatingConversionNeverTraps() {
        #expect(Int(saturating: .nan) == 0)
        #expect(Int(saturating: .infinity) == .max && Int(saturating: -.infinity) == .min)
        #expect(Int(saturating: 1e308) == .max && Int32(saturating: -1e10) == .min)
        #expect(Int(saturating: 2.9) == 2 && Int(saturating: -2.9) == -2)
        #expect(UInt16(saturating: -5) == 0)
    }
}
