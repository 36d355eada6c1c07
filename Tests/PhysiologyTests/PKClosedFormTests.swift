// The PK integrator against closed forms (one- and two-compartment bolus, infusion, first-
// order absorption), mass balance, body-weight scaling and metabolite formation.

import XCTest
import NeuroplastCore
@testable import Physiology

final class PKClosedFormTests: XCTestCase {
    let times = [0.1, 0.5, 1, 2, 3.7, 8, 24]

    func testOneCompartmentBolus() throws {
        var pk = try PKSystem(drugs: [testDrug(pk: ["human": oneCompartment])], species: "human", bodyWeight: 70,
                              doses: [DoseEvent(drug: "d", route: "iv_bolus", amount: 50, start: 0)], curves: [])
        XCTAssertEqual(pk.plasma("d"), 5000, accuracy: 1e-9)   // 50 mg / 10 L = 5 mg/L
        for t in times {
            pk.advance(to: t)
            let exact = 1000 * 50 / 10 * exp(-0.2 * t)
            XCTAssertLessThan(relativeError(pk.plasma("d"), exact), 1e-6, "t = \(t)")
        }
    }

    func testOneCompartmentInfusion() throws {
        let T = 2.0, R = 30.0   // [h], [mg/h]
        var pk = try PKSystem(drugs: [testDrug(pk: ["human": oneCompartment])], species: "human", bodyWeight: 70,
                              doses: [DoseEvent(drug: "d", route: "iv_infusion", amount: R * T, start: 0.5, duration: T)], curves: [])
        let k = 0.2, cl = 2.0
        for t in [0.25, 0.5, 1, 2.5, 3, 5, 12] {
            pk.advance(to: t)
            let s = t - 0.5
            let exact: Double
            if s <= 0 { exact = 0 } else if s <= T { exact = R / cl * (1 - exp(-k * s)) }
            else { exact = R / cl * (1 - exp(-k * T)) * exp(-k * (s - T)) }
            if exact == 0 { XCTAssertEqual(pk.plasma("d"), 0) }
            else { XCTAssertLessThan(relativeError(pk.plasma("d"), 1000 * exact), 1e-6, "t = \(t)") }
        }
    }

    func testTwoCompartmentBolusBiexponential() throws {
        let d = testDrug(pk: ["human": twoCompartment])
        var pk = try PKSystem(drugs: [d], species: "human", bodyWeight: 70,
                              doses: [DoseEvent(drug: "d", route: "iv_bolus", amount: 100, start: 0)], curves: [])
        let m = CompartmentModel(drug: "d", parameters: twoCompartment, bodyWeight: 70)
        let k10 = m.k10, k12 = m.kOut[0], k21 = m.kBack[0]
        let sum = k10 + k12 + k21, prod = k10 * k21
        let alpha = (sum + (sum * sum - 4 * prod).squareRoot()) / 2
        let beta = (sum - (sum * sum - 4 * prod).squareRoot()) / 2
        for t in times {
            pk.advance(to: t)
            let c = 100 / 20 * ((alpha - k21) / (alpha - beta) * exp(-alpha * t) + (k21 - beta) / (alpha - beta) * exp(-beta * t))
            XCTAssertLessThan(relativeError(pk.plasma("d"), 1000 * c), 1e-6, "t = \(t)")
        }
    }

    func testFirstOrderAbsorptionBateman() throws {
        var pk = try PKSystem(drugs: [testDrug(pk: ["human": oneCompartment])], species: "human", bodyWeight: 70,
                              doses: [DoseEvent(drug: "d", route: "oral", amount: 80, start: 1)], curves: [])
        let ka = 1.5, k = 0.2, f = 0.6, v = 10.0
        for t in [0.5, 1.2, 2, 4, 9, 30] {
            pk.advance(to: t)
            let s = t - 1
            let exact = s <= 0 ? 0 : f * 80 * ka / (v * (ka - k)) * (exp(-k * s) - exp(-ka * s))
            if exact == 0 { XCTAssertEqual(pk.plasma("d"), 0) }
            else { XCTAssertLessThan(relativeError(pk.plasma("d"), 1000 * exact), 1e-6, "t = \(t)") }
        }
    }

    func testMassBalance() throws {
        var pk = try PKSystem(drugs: [testDrug(pk: ["human": twoCompartment])], species: "human", bodyWeight: 70,
                              doses: [DoseEvent(drug: "d", route: "iv_bolus", amount: 20, start: 0),
                                      DoseEvent(drug: "d", route: "iv_infusion", amount: 30, start: 1, duration: 0.75),
                                      DoseEvent(drug: "d", route: "oral", amount: 40, start: 2)], curves: [])
        for (t, given) in [(0.5, 20.0), (1.3, 20 + 30 * 0.3 / 0.75), (2.5, 90), (10, 90), (100, 90)] {
            pk.advance(to: t)
            let total = pk.eliminated("d") + pk.amountInBody("d") + (pk.notAbsorbed["d"] ?? 0)
            XCTAssertLessThan(relativeError(total, given), 1e-9, "t = \(t)")
        }
        XCTAssertGreaterThan(pk.eliminated("d"), 89)   // nearly all gone after 100 h
    }

    func testBodyWeightScaling() throws {
        let m = CompartmentModel(drug: "d", parameters: twoCompartment, bodyWeight: 140)
        XCTAssertEqual(m.centralVolume, 40, accuracy: 1e-12)
        XCTAssertEqual(m.peripheralVolumes[0], 80, accuracy: 1e-12)
        XCTAssertEqual(m.clearance, 6 * pow(2, 0.75), accuracy: 1e-12)
        XCTAssertEqual(m.peripheralFlows[0], 10 * pow(2, 0.75), accuracy: 1e-12)
        // Same mg/kg: same initial concentration, elimination slower by W^-0.25.
        var light = try PKSystem(drugs: [testDrug(pk: ["human": oneCompartment])], species: "human", bodyWeight: 70,
                                 doses: [DoseEvent(drug: "d", route: "iv_bolus", amount: 70, start: 0)], curves: [])
        var heavy = try PKSystem(drugs: [testDrug(pk: ["human": oneCompartment])], species: "human", bodyWeight: 140,
                                 doses: [DoseEvent(drug: "d", route: "iv_bolus", amount: 140, start: 0)], curves: [])
        XCTAssertEqual(light.plasma("d"), heavy.plasma("d"), accuracy: 1e-9)
        light.advance(to: 3); heavy.advance(to: 3)
        XCTAssertLessThan(relativeError(heavy.plasma("d"), 7000 * exp(-0.2 * pow(2, -0.25) * 3)), 1e-6)
        XCTAssertGreaterThan(heavy.plasma("d"), light.plasma("d"))
    }

    func testMetaboliteFormation() throws {
        let parent = testDrug("p", molarMass: 240, pk: ["human": twoCompartment], metabolites: [MetaboliteLink(drug: "m", fraction: 0.8)])
        let met = testDrug("m", molarMass: 220, pk: ["human": oneCompartment])
        var pk = try PKSystem(drugs: [parent, met], species: "human", bodyWeight: 70,
                              doses: [DoseEvent(drug: "p", route: "iv_infusion", amount: 35, start: 0, duration: 2.0 / 3)], curves: [])
        XCTAssertEqual(pk.drugNames, ["m", "p"])
        var peak = 0.0
        for t in stride(from: 0.25, through: 48, by: 0.25) {
            pk.advance(to: t)
            peak = max(peak, pk.plasma("m"))
            let formed = pk.eliminated("m") + pk.amountInBody("m")
            let bound = pk.eliminated("p") * 0.8 * 220 / 240
            XCTAssertLessThanOrEqual(formed, bound * (1 + 1e-9) + 1e-12, "t = \(t)")
            XCTAssertLessThan(relativeError(formed, bound), 1e-9, "t = \(t)")   // all of it, in fact
        }
        XCTAssertGreaterThan(peak, 0)
    }

    func testConcentrationCurveReplacesPK() throws {
        let d = testDrug(pk: [:])
        var pk = try PKSystem(drugs: [d], species: "human", bodyWeight: 70, doses: [],
                              curves: [ConcentrationCurve(drug: "d", times: [1, 2, 4], plasma: [100, 300, 0])])
        XCTAssertEqual(pk.plasma("d"), 0)
        pk.advance(to: 1.5); XCTAssertEqual(pk.plasma("d"), 200, accuracy: 1e-9)
        pk.advance(to: 3); XCTAssertEqual(pk.plasma("d"), 150, accuracy: 1e-9)
        XCTAssertEqual(pk.brainTotal("d"), 150.0 / 200 * 2, accuracy: 1e-12)
        XCTAssertEqual(pk.brainFree("d"), 150.0 / 200, accuracy: 1e-12)
        pk.advance(to: 5); XCTAssertEqual(pk.plasma("d"), 0)
    }

    func testSetUpFaultsAreListed() {
        let d = testDrug(pk: ["rat": oneCompartment])
        XCTAssertThrowsError(try PKSystem(drugs: [d], species: "human", bodyWeight: 70,
                                          doses: [DoseEvent(drug: "d", route: "iv_bolus", amount: 1, start: 0),
                                                  DoseEvent(drug: "x", route: "iv_bolus", amount: 1, start: 0)], curves: [])) { e in
            let text = String(describing: e)
            XCTAssertTrue(text.contains("no pharmacokinetics for species `human`"), text)
            XCTAssertTrue(text.contains("`x`"), text)
        }
        let h = testDrug(pk: ["human": oneCompartment])
        XCTAssertThrowsError(try PKSystem(drugs: [h], species: "human", bodyWeight: 70,
                                          doses: [DoseEvent(drug: "d", route: "orall", amount: 1, start: 0)], curves: [])) { e in
            let text = String(describing: e)
            XCTAssertTrue(text.contains("unknown route `orall`") && text.contains("did you mean `oral`"), text)
        }
    }
}
