// Rows B1–B6 of VALIDATION.md: every step of ketamine's route to new spines, blocked, abolishes
// the steps after it (brief §2.1; issue #17 item 2). Read from the arms of
// `Scenarios/ketamine-causal-chain.yaml`: spine formation at 12–24 h of each arm against the
// no-drug arm with the same genetics, with the mTOR and synaptic-protein peaks beside it so
// that a reader sees where the chain stops.

import Foundation
import Run

extension ScienceValidation {
    /// What one arm of the causal-chain scenario gives.
    struct ChainArm {
        var formation: Double      // mean formation 12–24 h [% of spines per day]
        var mtorPeak: Double
        var proteinPeak: Double
        var pyrRateGain: Double    // peak pyramidal rate in the first 3 h over the first window

        init(dir: String) throws {
            let t = try SlowTable(path: dir + "/slow.csv")
            formation = t.mean("formation_pct_per_day", from: 12, to: 24.01)
            mtorPeak = t["mtor"].filter(\.isFinite).max() ?? .nan
            proteinPeak = t["proteins"].filter(\.isFinite).max() ?? .nan
            let times = t["time_h"], rate = t["rate_pyr_hz"]
            let early = times.indices.filter { times[$0] > 0 && times[$0] <= 3 && rate[$0].isFinite }.map { rate[$0] }
            let first = rate.first { $0.isFinite } ?? .nan
            pyrRateGain = (early.max() ?? .nan) / first
        }

        func describe(against control: ChainArm) -> String {
            String(format: "formation ×%.2f of its control (%.2f vs %.2f %%/day at 12–24 h); mTOR peak %.3f, proteins peak %.3f; pyramidal rate up to ×%.2f in the first 3 h",
                   formation / control.formation, formation, control.formation, mtorPeak, proteinPeak, pyrRateGain)
        }
    }

    /// Spine formation of a blocked arm must stay within this factor of its control to count as
    /// abolished (the same band as "not raised" in target 6a).
    static let abolished = 1.25
    /// …and rise above this factor to count as intact (target 6a's "clearly raised").
    static let intact = 2.0

    static func causalChain(dir: String) throws -> [ScienceResult] {
        func arm(_ name: String) throws -> ChainArm { try ChainArm(dir: dir + "/" + name) }
        let control = try arm("control"), ketamine = try arm("ketamine")
        let scenario = "ketamine-causal-chain.yaml"
        func blocked(_ number: String, _ name: String, control c: ChainArm, target: String, source: String) throws -> ScienceResult {
            let a = try arm(name)
            return ScienceResult(number: number, target: target, source: source, scenario: scenario + " (arm \(name))",
                                 measured: a.describe(against: c), pass: a.formation / c.formation <= abolished)
        }
        var rows: [ScienceResult] = []
        rows.append(ScienceResult(number: "B1", target: "ketamine 10 mg/kg i.p. raises spine formation at 12–24 h (> 2× the no-drug arm): the chain the other rows block",
                                  source: "Li et al. 2010 Science 329:959; Moda-Sava 2019", scenario: scenario + " (arm ketamine)",
                                  measured: ketamine.describe(against: control), pass: ketamine.formation / control.formation > intact))
        rows.append(try blocked("B2", "rapamycin", control: control,
                                target: "mTORC1 blocked (rapamycin 10 mg/kg i.p. 30 min before): synaptogenesis abolished (≤ 1.25× control)",
                                source: "Li et al. 2010 Science 329:959 (\"completely blocked\")"))
        rows.append(try blocked("B3", "nbqx", control: control,
                                target: "AMPA receptors blocked (NBQX 10 mg/kg i.p. 10 min before): synaptogenesis abolished (≤ 1.25× control)",
                                source: "Li et al. 2010 (NBQX blocks the mTOR response); Maeng et al. 2008 Biol Psychiatry 63:349 (attenuates the antidepressant effect)"))
        rows.append(try blocked("B4", "bdnf-knockout", control: try arm("bdnf-knockout-control"),
                                target: "BDNF knocked out: synaptogenesis abolished (≤ 1.25× the knockout without drug)",
                                source: "Autry et al. 2011 Nature 475:91"))
        let inter = try arm("glun2b-interneurons"), interControl = try arm("glun2b-interneurons-control")
        let pyr = try arm("glun2b-pyramidal"), pyrControl = try arm("glun2b-pyramidal-control")
        rows.append(ScienceResult(number: "B5", target: "GluN2B knocked down in PV and SST interneurons abolishes ketamine's synaptogenesis (≤ 1.25× the knockdown without drug); knocked down in pyramidal cells it does not (> 2×)",
                                  source: "Gerhard et al. 2020 J Clin Invest 130:1336", scenario: scenario + " (arms glun2b-interneurons, glun2b-pyramidal and their controls)",
                                  measured: "interneurons: " + inter.describe(against: interControl) + "; pyramidal cells: " + pyr.describe(against: pyrControl),
                                  pass: inter.formation / interControl.formation <= abolished && pyr.formation / pyrControl.formation > intact))
        let hnk = try arm("hnk")
        rows.append(ScienceResult(number: "B6", target: "(2R,6R)-HNK 10 mg/kg i.p. alone, no NMDA block: reported, not fitted — Zanos 2016 found an AMPA-dependent, NMDA-independent antidepressant effect; Yang 2018 and Suzuki 2017 dispute it",
                                  source: "Zanos et al. 2016 Nature 533:481; Yang et al. 2018 IJNP 21:84; Suzuki et al. 2017 Nature 546:E1", scenario: scenario + " (arm hnk)",
                                  measured: hnk.describe(against: control), pass: true, reported: true))
        return rows
    }
}
