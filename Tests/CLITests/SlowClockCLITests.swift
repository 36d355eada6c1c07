// Slow-clock scenarios through the built `neuroplast` executable: every shipped scenario
// with a `slow_clock` validates, and a bad dose stops `validate` and `run` with exit 65, a
// located message and no output folder.

import Foundation
import XCTest
import TestSupport

final class SlowClockCLITests: XCTestCase {
    /// The shipped scenarios that have a `slow_clock` section (read, not edited).
    func slowScenarios() throws -> [String] {
        let dir = CLI.root + "/Scenarios"
        return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { dir + "/" + $0 }
            .filter { (try? String(contentsOfFile: $0, encoding: .utf8))?.range(of: "(?m)^slow_clock:", options: .regularExpression) != nil }
    }

    func testShippedSlowClockScenariosValidate() throws {
        let files = try slowScenarios()
        XCTAssertGreaterThanOrEqual(files.count, 2, "expected at least the human and rodent ketamine scenarios")
        XCTAssertTrue(files.contains { $0.hasSuffix("/ketamine-infusion-human.yaml") }, "\(files)")
        for f in files {
            let r = try CLI.run(["validate", f])
            XCTAssertEqual(r.status, 0, "\(f): \(r.err)")
            XCTAssertTrue(r.out.contains("\(f): ok"), "\(f): stdout was \(r.out)")
        }
    }

    /// The shipped human scenario with its dose made negative, in a temporary folder.
    func badDoseScenario(in dir: String) throws -> (path: String, line: Int, column: Int) {
        let text = try String(contentsOfFile: CLI.root + "/Scenarios/ketamine-infusion-human.yaml", encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let i = lines.firstIndex(where: { $0.contains("dose: 0.5 mg/kg") }),
              let r = lines[i].range(of: "0.5 mg/kg") else {
            throw XCTSkip("ketamine-infusion-human.yaml no longer gives `dose: 0.5 mg/kg`")
        }
        var bad = lines
        bad[i] = lines[i].replacingCharacters(in: r, with: "-1 mg/kg")
        let path = dir + "/bad-dose.yaml"
        try bad.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return (path, i + 1, lines[i].distance(from: lines[i].startIndex, to: r.lowerBound) + 1)
    }

    func testBadDoseFailsValidateWithLocation() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = try badDoseScenario(in: dir)
        let r = try CLI.run(["validate", "bad-dose.yaml"], cwd: dir)
        XCTAssertEqual(r.status, 65, r.err)
        XCTAssertTrue(r.err.contains("bad-dose.yaml:\(bad.line):\(bad.column): "), "stderr was: \(r.err)")
        XCTAssertTrue(r.err.contains("must be a positive dose"), "stderr was: \(r.err)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/Output"), "validate created an Output folder")
    }

    func testBadDoseFailsRunWithoutOutputFolder() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = try badDoseScenario(in: dir)
        // The scenario's `output.directory` is `Output`, relative to the working folder.
        let r = try CLI.run(["run", bad.path], cwd: dir)
        XCTAssertEqual(r.status, 65, r.err)
        XCTAssertTrue(r.err.contains("\(bad.path):\(bad.line):\(bad.column): "), "stderr was: \(r.err)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/Output"), "a bad file created an Output folder")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["bad-dose.yaml"])
    }
}
