// `neuroplast validate-science`: runs the shipped scenarios against the brief's calibration
// targets and writes the table into VALIDATION.md (between its validate-science markers).

import ArgumentParser
import Engine
import Foundation

struct ValidateScienceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-science",
        abstract: "Measure the brief's calibration targets 3–7 on the shipped scenarios; write the VALIDATION.md table.",
        discussion: "Runs ketamine-rodent, ketamine-infusion-human and chronic-stress-then-ketamine (several minutes). Exit 0 when every target passes, 1 otherwise.")

    @Option(help: "Folder with the shipped scenario files.") var scenarios = "Scenarios"
    @Option(help: "Folder for the runs.") var out = "Output/validate-science"
    @Option(help: "Markdown file whose validate-science section is replaced (\"-\" prints only).") var write = "VALIDATION.md"
    @Option(help: "Worker threads for the kernel.") var threads: Int = 1

    func run() async throws {
        let results = try await ScienceValidation.run(scenarios: scenarios, output: out, threads: threads) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let table = ScienceValidation.markdown(results, command: "neuroplast validate-science")
        print(table, terminator: "")
        if write != "-" {
            let old = (try? String(contentsOfFile: write, encoding: .utf8)) ?? "# Validation\n"
            var text: String
            if let a = old.range(of: "<!-- validate-science:begin"), let b = old.range(of: "<!-- validate-science:end -->\n") {
                text = old.replacingCharacters(in: a.lowerBound..<b.upperBound, with: table)
            } else {
                text = old + "\n" + table
            }
            try text.write(toFile: write + ".partial", atomically: false, encoding: .utf8)
            _ = rename(write + ".partial", write)
            print("wrote the table into \(write)")
        }
        if results.contains(where: { !$0.pass }) { throw ExitCode(1) }
    }
}
