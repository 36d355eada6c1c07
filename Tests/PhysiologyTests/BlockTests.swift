// NMDA block: the slice Hill curve against the brief's 50 %/80 % anchors, the subtype
// setting with Mg²⁺, the interneuron-selectivity switch, several blockers together, and
// the relaxation toward equilibrium.

import XCTest
import NeuroplastCore
import Scenario
@testable import Physiology

final class BlockTests: XCTestCase {
    func ketamine() throws -> NMDABlockParameters { try XCTUnwrap(DrugLibrary.builtIn()["ketamine"]?.nmda) }

    func testSliceBlockAnchors() throws {
        let k = try ketamine(), model = BlockModel()
        let b1 = model.equilibrium(free: ["ketamine": 1], drugs: ["ketamine": k], subtypes: [:], inhibitory: false)
        let b10 = model.equilibrium(free: ["ketamine": 10], drugs: ["ketamine": k], subtypes: [:], inhibitory: false)
        print(String(format: "ketamine slice block: %.1f %% at 1 µM, %.1f %% at 10 µM", 100 * b1, 100 * b10))
        XCTAssert((0.45...0.55).contains(b1), "\(b1)")
        XCTAssert((0.75...0.85).contains(b10), "\(b10)")
        XCTAssertEqual(model.equilibrium(free: [:], drugs: ["ketamine": k], subtypes: [:], inhibitory: false), 0)
    }

    func testMagnesiumFavoursGluN2CAndD() throws {
        let k = try ketamine()
        func block(_ subtype: String, mg: Double) -> Double {
            BlockModel(setting: .subtype(magnesium: mg)).equilibrium(free: ["ketamine": 1], drugs: ["ketamine": k],
                                                                      subtypes: [subtype: 1], inhibitory: false)
        }
        XCTAssertEqual(BlockModel.ic50(k, subtype: "GluN2A", magnesium: 1), k.subtypeIC50Mg["GluN2A"]!, accuracy: 1e-12)
        XCTAssertEqual(BlockModel.ic50(k, subtype: "GluN2D", magnesium: 0), k.subtypeIC50NoMg["GluN2D"]!, accuracy: 1e-12)
        let b = Dictionary(uniqueKeysWithValues: BlockModel.subtypeNames.map { ($0, block($0, mg: 1)) })
        let b0 = Dictionary(uniqueKeysWithValues: BlockModel.subtypeNames.map { ($0, block($0, mg: 0)) })
        print("ketamine 1 µM, 1 mM Mg: " + BlockModel.subtypeNames.map { String(format: "%@ %.0f %%", $0, 100 * b[$0]!) }.joined(separator: ", "))
        for low in ["GluN2A", "GluN2B"] {
            for high in ["GluN2C", "GluN2D"] {
                XCTAssertGreaterThan(b[high]!, b[low]!)
                XCTAssertGreaterThan(b[high]! / b[low]!, b0[high]! / b0[low]!)   // relatively more blocked with Mg
            }
        }
        // A mix is the fraction-weighted mean.
        let mix = BlockModel(setting: .subtype(magnesium: 1)).equilibrium(free: ["ketamine": 1], drugs: ["ketamine": k],
                                                                           subtypes: ["GluN2A": 3, "GluN2D": 1], inhibitory: false)
        XCTAssertEqual(mix, 0.75 * b["GluN2A"]! + 0.25 * b["GluN2D"]!, accuracy: 1e-12)
    }

    func testInterneuronSelectivity() throws {
        let k = try ketamine(), model = BlockModel(interneuronSelectivity: 3)
        let inh = model.equilibrium(free: ["ketamine": 0.5], drugs: ["ketamine": k], subtypes: [:], inhibitory: true)
        let exc = model.equilibrium(free: ["ketamine": 0.5], drugs: ["ketamine": k], subtypes: [:], inhibitory: false)
        let excAtTriple = model.equilibrium(free: ["ketamine": 1.5], drugs: ["ketamine": k], subtypes: [:], inhibitory: false)
        XCTAssertEqual(inh, excAtTriple, accuracy: 1e-12)
        XCTAssertGreaterThan(inh, exc)
        XCTAssertEqual(BlockModel().equilibrium(free: ["ketamine": 0.5], drugs: ["ketamine": k], subtypes: [:], inhibitory: true), exc, accuracy: 1e-15)
    }

    func testSeveralDrugsCombine() throws {
        let k = try ketamine()
        var n = k; n.ic50 = 4   // norketamine-like, same Hill slope
        let model = BlockModel()
        let both = model.equilibrium(free: ["ketamine": 1, "nor": 4], drugs: ["ketamine": k, "nor": n], subtypes: [:], inhibitory: false)
        XCTAssertEqual(both, 2.0 / 3, accuracy: 1e-12)   // x = 1 + 1
        let alone = model.equilibrium(free: ["ketamine": 1], drugs: ["ketamine": k, "nor": n], subtypes: [:], inhibitory: false)
        XCTAssertGreaterThan(both, alone)
        // A drug without block parameters does nothing.
        XCTAssertEqual(model.equilibrium(free: ["ketamine": 1, "hnk": 100], drugs: ["ketamine": k], subtypes: [:], inhibitory: false), alone)
    }

    func testRelaxation() {
        let tau = 0.5
        for t in [0.01, 0.1, 0.5, 1, 3] {
            XCTAssertEqual(BlockModel.relax(0, toward: 1, dt: t, tau: tau, openProbability: nil, trapping: 1), 1 - exp(-t / tau), accuracy: 1e-12)
            // Fully trapped block moves only while channels are open.
            XCTAssertEqual(BlockModel.relax(0, toward: 1, dt: t, tau: tau, openProbability: 0.2, trapping: 1), 1 - exp(-0.2 * t / tau), accuracy: 1e-12)
        }
        XCTAssertEqual(BlockModel.relax(0.3, toward: 0.9, dt: 10, tau: tau, openProbability: 0, trapping: 1), 0.3)
        // Partial trapping: the untrapped part relaxes regardless of opening.
        XCTAssertEqual(BlockModel.relax(0, toward: 1, dt: 1, tau: 1, openProbability: 0, trapping: 0.8), 1 - exp(-0.2), accuracy: 1e-12)
        // Steps compose: two half steps equal one step.
        let one = BlockModel.relax(0.1, toward: 0.7, dt: 0.4, tau: tau, openProbability: 0.3, trapping: 0.9)
        let two = BlockModel.relax(BlockModel.relax(0.1, toward: 0.7, dt: 0.2, tau: tau, openProbability: 0.3, trapping: 0.9),
                                   toward: 0.7, dt: 0.2, tau: tau, openProbability: 0.3, trapping: 0.9)
        XCTAssertEqual(one, two, accuracy: 1e-14)
    }
}
