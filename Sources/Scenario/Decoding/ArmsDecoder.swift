// Decoding of a scenario's `arms`: each arm's overrides applied to the user's (already
// overridden) tree, located where they are written, and the result decoded into a complete
// scenario, so a bad arm is reported when the file loads (`ScenarioArm`, Model/Arms.swift).

import InputReading
import Yams

extension ScenarioLoader {
    /// Decodes the `arms` of `root` (already overridden by the user), each into a full scenario.
    static func decodeArms(_ arms: NodeReader, root: Node, file: String, sink: DiagnosticSink, memoryLimit: Double) -> [ScenarioArm] {
        guard let items = arms.sequence() else { return [] }
        var out: [ScenarioArm] = []
        var names: Set<String> = []
        for item in items {
            guard let m = item.mapping(allowed: ["name", "set"]) else { continue }
            guard let name = m.required("name", in: item)?.string() else { continue }
            if let why = FolderName.problem(name) {
                m["name"]?.error("an arm's `name` names its output folder, so it \(why)")
                continue
            }
            if !names.insert(name).inserted { m["name"]?.error("two arms are named `\(name)`") }
            var overrides: [Override] = []
            var marks: [Mark?] = []
            if let s = m.required("set", in: item), case let .mapping(pairs) = s.node {
                for (k, v) in pairs {
                    guard let key = k.string, !key.isEmpty else { s.error("`set` keys must be key paths"); continue }
                    if key == "arms" || key.hasPrefix("arms.") {
                        sink.error(k.mark.map { SourceLocation(mark: $0, file: file) } ?? s.location,
                                   "an arm cannot set `\(key)`: arms do not nest (each arm is one run of the scenario without `arms`)")
                        continue
                    }
                    let origin = k.mark.map { SourceLocation(mark: $0, file: file) } ?? s.location
                    let text = v.scalar?.string ?? ((try? Yams.serialize(node: v)) ?? "")
                    overrides.append(Override(path: key.split(separator: ".").map(String.init), value: text, origin: origin))
                    marks.append(v.mark ?? k.mark)
                }
            } else if let s = m["set"] {
                s.error("an arm's `set` must map key paths to values, e.g. {pharmacology.doses.0.drug: esketamine}")
            }
            // The arm's scenario: the root without `arms`, with the arm's overrides.
            guard case var .mapping(top) = root else { continue }
            top["arms"] = nil
            let armSink = DiagnosticSink()
            let resolved = OverrideApplier.apply(overrides, to: .mapping(top), sink: armSink, marks: marks)
            let yaml = (try? Yams.serialize(node: resolved)) ?? ""
            let decoder = ScenarioDecoder(root: NodeReader(node: resolved, file: file, path: "", sink: armSink), memoryLimit: memoryLimit)
            let sc = decoder.decode(resolvedYAML: yaml)
            // Faults the base scenario has already are not repeated per arm.
            for d in armSink.diagnostics where !sink.diagnostics.contains(where: { $0.location == d.location && $0.message == d.message }) {
                sink.error(d.location, "arm `\(name)`: \(d.message)")
            }
            if armSink.isEmpty, var sc {
                sc.name = sc.name + "-" + name
                out.append(ScenarioArm(name: name, scenario: sc))
            }
        }
        return out
    }
}
