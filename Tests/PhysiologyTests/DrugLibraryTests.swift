// The drug library file: the built-in one loads and every entry is sourced; a broken file
// gives every fault with its file:line:column.

import InputReading
import XCTest
import Foundation
import NeuroplastCore
import Scenario

final class DrugLibraryTests: XCTestCase {
    func testBuiltInLoadsWithSources() throws {
        let lib = try DrugLibrary.builtIn()
        for name in ["ketamine", "esketamine", "arketamine", "norketamine", "hnk_2r6r", "memantine", "mk801", "rapamycin", "fluoxetine"] {
            let d = try XCTUnwrap(lib[name], name)
            XCTAssertFalse(d.sources.isEmpty, name)
            XCTAssertTrue(d.sources.allSatisfy { !$0.isEmpty }, name)
            XCTAssertGreaterThan(d.molarMass, 0)
            for m in d.metabolites { XCTAssertNotNil(lib[m.drug], "\(name) → \(m.drug)") }
        }
        XCTAssertEqual(lib.closure(of: ["ketamine"]).map(\.name), ["hnk_2r6r", "ketamine", "norketamine"])
        XCTAssertNil(lib["hnk_2r6r"]?.nmda)
        XCTAssertNotNil(lib["hnk_2r6r"]?.effects["ampa_potentiation"])
        XCTAssertEqual(lib["memantine"]?.nmda?.trapping, 0.8)
        XCTAssertEqual(lib["fluoxetine"]?.effects["bdnf_synthesis"]?.tau, 336)
        XCTAssertEqual(lib["esketamine"]?.pk["human"]?.absorption["intranasal"]?.bioavailability, 0.48)
    }

    func testMergingReplacesByName() throws {
        let lib = try DrugLibrary.builtIn()
        var k = try XCTUnwrap(lib["ketamine"]); k.brainUnboundFraction = 0.3
        let merged = lib.merging(DrugLibrary([k]))
        XCTAssertEqual(merged["ketamine"]?.brainUnboundFraction, 0.3)
        XCTAssertEqual(merged.names, lib.names)
    }

    func testBrokenFileGivesLocatedMessages() throws {
        let text = """
        schema: 1
        drugs:
          - name: bad1
            molar_mass_g_per_mol: 100
            brain_plasma_ratio: 1
            brain_unbound_fraction: 0.5
            plasma_unbound_fraction: 0.5
            pk:
              human:
                reference_weight_kg: 70
                central_volume_L: -5
                clearance_L_per_h: 10
                ke0_per_hr: 3
            metabolites: [{drug: ketamin, fraction: 0.5}]
            sources: ["[I] test"]
          - name: bad2
            brain_plasma_ratio: 1
            brain_unbound_fraction: 0.5
            plasma_unbound_fraction: 0.5
            pk: {}
            sources: ["[I] test"]
        """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("broken-drugs-\(getpid()).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try DrugLibrary.load(path: path)
            XCTFail("a broken library loaded")
        } catch let e as ScenarioErrors {
            let lines = e.diagnostics.map(\.description)
            print(lines.joined(separator: "\n"))
            func expect(_ line: Int, _ column: Int, _ says: String) {
                XCTAssertTrue(e.diagnostics.contains { $0.location.file == path && $0.location.line == line && $0.location.column == column && $0.message.contains(says) },
                              "\(line):\(column) \(says) not in\n\(lines.joined(separator: "\n"))")
            }
            expect(11, 27, "must be greater than 0")                     // negative volume
            expect(13, 9, "did you mean `ke0_per_h`")                    // unknown key
            expect(14, 26, "did you mean `ketamine`")                    // unknown metabolite (known from the built-in library)
            expect(16, 5, "missing the required key `molar_mass_g_per_mol`")
            XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("\(path):") })
        }
    }
}
