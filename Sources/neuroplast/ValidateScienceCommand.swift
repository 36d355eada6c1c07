// `neuroplast validate-science`: runs the shipped scenarios against the brief's calibration
// targets and writes the table into VALIDATION.md (between its validate-science markers).

import ArgumentParser
import Foundation
import Validation

struct ValidateScienceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-science",
        abstract: "Measure the brief's calibration targets 3–7 on the shipped scenarios; write the VALIDATION.md table.",
        discussion: "Runs ketamine-rodent, ketamine-infusion-human, chronic-stress-then-ketamine, the arms of ketamine-causal-chain and ketamine-slice, ketamine-acute-eeg, ketamine-wm-probe, ketamine-long-term-use, lps-inflammation and excitotoxic-insult (about an hour on one core). Exit 0 when every target passes, 1 otherwise.")

    @Option(help: "Folder with the shipped scenario files.") var scenarios = "Scenarios"
    @Option(help: "Folder for the runs.") var out = "Output/validate-science"
    @Option(help: "Markdown file whose validate-science section is replaced (\"-\" prints only).") var write = "VALIDATION.md"
    @Option(help: "Worker threads for the kernel.") var threads: Int = 1
    @Option(help: "Which targets: pharmacology (3–7), causal (the blocking rows B1–B6, the slice rows S1–S2), side-effects (A1–A3, L1–L4), inflammation (8, 8r and D), or all.") var only = "all"
    @Flag(help: "Reuse finished runs in --out whose resolved scenario is unchanged.") var reuse = false

    func validate() throws {
        guard only == "all" || ScienceValidation.allParts.contains(only) else {
            throw ValidationError("--only must be all, \(ScienceValidation.allParts.joined(separator: ", ")); got \(only)")
        }
    }

    func run() async throws {
        let parts: Set<String> = only == "all" ? Set(ScienceValidation.allParts) : [only]
        let results = try await ScienceValidation.run(scenarios: scenarios, output: out, threads: threads, parts: parts, reuse: reuse) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        // One table per part, each between its own markers in the file.
        var text = (try? String(contentsOfFile: write, encoding: .utf8)) ?? "# Validation\n"
        for part in ScienceValidation.allParts where parts.contains(part) {
            let mine = results.filter { ScienceValidation.part(of: $0) == part }
            let table = ScienceValidation.markdown(mine, command: "neuroplast validate-science --only \(part)", marker: ":" + part)
            print(table, terminator: "")
            if let a = text.range(of: "<!-- validate-science:\(part):begin"), let b = text.range(of: "<!-- validate-science:\(part):end -->\n") {
                text.replaceSubrange(a.lowerBound..<b.upperBound, with: table)
            } else {
                text += "\n" + table
            }
        }
        if write != "-" {
            try text.write(toFile: write + ".partial", atomically: false, encoding: .utf8)
            _ = rename(write + ".partial", write)
            print("wrote the tables into \(write)")
        }
        if results.contains(where: { !$0.pass }) { throw ExitCode(1) }
    }
}
