// SweepFolder: writes a planned sweep into its folder — base.yaml (the base scenario's text,
// which every point runs), sweep.yaml (the sweep file as planned) and sweep.json (last).
// Re-planning into the same folder keeps finished points (same overrides ⇒ same id ⇒ same
// folder) but is refused if the base scenario's text changed, since old results would mix
// with new ones.

import Foundation

public enum SweepFolder {
    public static func write(_ plan: SweepPlan, sweepText: String, to layout: SweepLayout) throws -> SweepManifest {
        let manifest = SweepManifest(plan: plan)
        if let old = try? SweepManifest.read(layout), old.baseSha256 != manifest.baseSha256 {
            throw SweepError.usage("\(layout.root) was planned from a different base scenario (its base.yaml differs from \(plan.spec.basePath)); plan into a new folder with --out, or delete the old one")
        }
        do {
            try FileManager.default.createDirectory(atPath: layout.root, withIntermediateDirectories: true)
        } catch {
            throw SweepError.io("cannot create the sweep folder \(layout.root): \(error.localizedDescription)")
        }
        try writeAtomically(plan.baseText, to: layout.base)
        try writeAtomically(sweepText, to: layout.sweepCopy)
        try manifest.write(layout)
        return manifest
    }
}
