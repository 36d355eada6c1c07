// `neuroplast sweep collect SWEEP_DIR`: one tidy CSV of every finished point and figures
// of each summary metric against the first numeric axis.

import ArgumentParser
import Experiments
import Foundation

struct SweepCollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "collect", abstract: "Collect finished points into collect/results.csv and figures.")

    @Argument(help: "Sweep folder written by `sweep plan`.") var sweepDirectory: String
    @Flag(help: "Only the table, no figures.") var noFigures = false

    func run() throws {
        let (m, layout) = try SweepCLI.manifest(sweepDirectory)
        do {
            try FileManager.default.createDirectory(atPath: layout.collectDir, withIntermediateDirectories: true)
            let table = try Collector.collect(m, layout)
            try SweepResults.write(table, to: layout.resultsCSV)
            print("wrote \(layout.resultsCSV): \(table.rows.count) rows from \(m.points.count - table.missing.count) of \(m.points.count) points")
            if !table.missing.isEmpty {
                Report.stderr("warning: \(table.missing.count) points are not done and were left out: \(table.missing.prefix(8).map(\.id).joined(separator: ", "))\(table.missing.count > 8 ? ", …" : "")")
            }
            if !noFigures {
                let (paths, note) = try SweepFigures.write(table, manifest: m, to: layout.collectDir)
                for p in paths { print("wrote \(p)") }
                if let note { print(note) }
            }
        } catch { throw SweepCLI.exitCode(for: error) }
    }
}
