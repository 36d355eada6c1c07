// Arms: variants of one scenario run side by side for comparison (e.g. ketamine against an
// SSRI). Each arm is a name and a set of `--set`-style overrides; every arm is decoded and
// checked when the file loads, so a bad arm is reported before anything runs.
//
//     arms:
//       - name: ketamine
//         set: {pharmacology.doses: [{drug: ketamine, route: intraperitoneal, dose: 10 mg/kg}]}

/// One arm: its name and the complete scenario it runs.
public struct ScenarioArm: Sendable {
    public var name: String
    public var scenario: Scenario
}
