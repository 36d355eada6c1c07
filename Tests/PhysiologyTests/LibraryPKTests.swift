// The built-in library's ketamine against the brief's calibration targets: the human
// antidepressant protocol (§5 target 3, §1.4) and the mouse anchors (§1.5). Figures printed.

import XCTest
import NeuroplastCore
import Scenario
@testable import Physiology

final class LibraryPKTests: XCTestCase {
    func testHumanAntidepressantProtocol() throws {
        let lib = try DrugLibrary.builtIn()
        // 0.5 mg/kg over 40 min, 70 kg.
        var pk = try PKSystem(drugs: lib.closure(of: ["ketamine"]), species: "human", bodyWeight: 70,
                              doses: [DoseEvent(drug: "ketamine", route: "iv_infusion", amount: 35, start: 0, duration: 40.0 / 60)],
                              curves: [])
        var peak = (t: 0.0, c: 0.0), brainPeak = 0.0
        var t = 0.0
        while t < 1.0 - 1e-9 {
            t += 1.0 / 120   // 30 s
            pk.advance(to: t)
            if pk.plasma("ketamine") > peak.c { peak = (t, pk.plasma("ketamine")) }
            brainPeak = max(brainPeak, pk.brainFree("ketamine"))
        }
        var at: [Double: Double] = [:]
        for h in [1.0, 2, 4, 6] { pk.advance(to: h); at[h] = pk.plasma("ketamine") }
        print(String(format: "human 0.5 mg/kg/40 min: Cmax %.1f ng/mL at %.1f min; 1/2/4/6 h %.1f / %.1f / %.1f / %.1f ng/mL; peak free brain %.2f µM",
                     peak.c, peak.t * 60, at[1]!, at[2]!, at[4]!, at[6]!, brainPeak))
        XCTAssertEqual(peak.t, 40.0 / 60, accuracy: 1e-9, "peak at the end of the infusion")
        XCTAssert((150...220).contains(peak.c), "Cmax \(peak.c)")
        for (h, target) in [(1.0, 125.0), (2, 65), (4, 36), (6, 21)] {
            XCTAssertLessThan(abs(at[h]! - target) / target, 0.25, "\(h) h: \(at[h]!) vs \(target)")
        }
        XCTAssert((0.5...1.5).contains(brainPeak), "peak free brain \(brainPeak) µM, brief §1.4 [I] 0.5–1.5")
        XCTAssertGreaterThan(pk.plasma("norketamine"), 0)
        XCTAssertGreaterThan(pk.plasma("hnk_2r6r"), 0)
    }

    func testMouseAnchors() throws {
        let lib = try DrugLibrary.builtIn()
        let w = 0.025
        // 10 mg/kg i.p.
        var ip = try PKSystem(drugs: lib.closure(of: ["ketamine"]), species: "mouse", bodyWeight: w,
                              doses: [DoseEvent(drug: "ketamine", route: "intraperitoneal", amount: 10 * w, start: 0)], curves: [])
        var peak = (t: 0.0, c: 0.0)
        for i in 1...120 {   // 2 h in 1-min steps
            ip.advance(to: Double(i) / 60)
            if ip.brainTotal("ketamine") > peak.c { peak = (ip.time, ip.brainTotal("ketamine")) }
            if i == 10 {
                print(String(format: "mouse 10 mg/kg i.p.: brain total at 10 min %.2f µM (plasma %.0f ng/mL)", ip.brainTotal("ketamine"), ip.plasma("ketamine")))
                XCTAssert((5...10).contains(ip.brainTotal("ketamine")), "brain at 10 min \(ip.brainTotal("ketamine")) µM")
            }
        }
        print(String(format: "mouse 10 mg/kg i.p.: brain total peak %.2f µM at %.0f min", peak.c, peak.t * 60))
        XCTAssertLessThanOrEqual(peak.t, 10.0 / 60 + 1e-9, "Tmax \(peak.t * 60) min (brief §1.5: 5–10 min)")
        // Terminal half-life from 60 and 90 min.
        var tail = try PKSystem(drugs: lib.closure(of: ["ketamine"]), species: "mouse", bodyWeight: w,
                                doses: [DoseEvent(drug: "ketamine", route: "intraperitoneal", amount: 10 * w, start: 0)], curves: [])
        tail.advance(to: 1); let c1 = tail.plasma("ketamine")
        tail.advance(to: 1.5); let c2 = tail.plasma("ketamine")
        let half = 0.5 * log(2) / log(c1 / c2) * 60
        print(String(format: "mouse ketamine terminal t½ %.1f min", half))
        XCTAssert((15...30).contains(half), "t½ \(half) min")

        // 30 mg/kg s.c.: occupancy near its maximum at 15 min, small at 1 h (Lord 2013).
        var sc = try PKSystem(drugs: lib.closure(of: ["ketamine"]), species: "mouse", bodyWeight: w,
                              doses: [DoseEvent(drug: "ketamine", route: "subcutaneous", amount: 30 * w, start: 0)], curves: [])
        let block = BlockModel()
        let nmda = ["ketamine": lib["ketamine"]!.nmda!, "norketamine": lib["norketamine"]!.nmda!]
        sc.advance(to: 0.25)
        let f15 = sc.brainFree("ketamine"), b15 = block.equilibrium(free: sc.brainFreeAll, drugs: nmda, subtypes: [:], inhibitory: false)
        sc.advance(to: 1)
        let f60 = sc.brainFree("ketamine"), b60 = block.equilibrium(free: sc.brainFreeAll, drugs: nmda, subtypes: [:], inhibitory: false)
        print(String(format: "mouse 30 mg/kg s.c.: free brain %.2f µM (block %.0f %%) at 15 min, %.2f µM (block %.0f %%) at 1 h",
                     f15, 100 * b15, f60, 100 * b60))
        XCTAssertLessThan(f60, 0.15 * f15)
        XCTAssertLessThan(b60, b15)
    }

    func testEsketamineIntranasal() throws {
        let lib = try DrugLibrary.builtIn()
        var pk = try PKSystem(drugs: lib.closure(of: ["esketamine"]), species: "human", bodyWeight: 70,
                              doses: [DoseEvent(drug: "esketamine", route: "intranasal", amount: 56, start: 0)], curves: [])
        var peak = (t: 0.0, c: 0.0)
        for i in 1...240 {
            pk.advance(to: Double(i) / 60)
            if pk.plasma("esketamine") > peak.c { peak = (pk.time, pk.plasma("esketamine")) }
        }
        print(String(format: "esketamine 56 mg intranasal: Cmax %.1f ng/mL at %.0f min", peak.c, peak.t * 60))
        XCTAssert((20...40).contains(peak.t * 60), "Tmax \(peak.t * 60) min (label 20–40)")
    }
}
