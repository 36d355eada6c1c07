// Collector: one tidy table of a sweep — a row per point × population × metric, with the
// point's axis values as columns. Metrics: rate_hz, cv_isi and synchrony from the run's
// summary.json (after the transient), and the means of metrics.csv's v_mean_mv, g_ampa_ns,
// g_nmda_ns and g_gaba_ns over the recording intervals that end after the transient; and
// the readouts where a run has them (the bump's means, band powers, overlaps).
// Points that are not done are left out and listed.

import Foundation

public struct ResultRow: Sendable, Equatable {
    public var point: SweepPoint
    public var population: String
    public var metric: String
    /// nil when the run has no value (e.g. no CV of ISI for a silent population).
    public var value: Double?
}

public struct CollectedTable: Sendable {
    public var columns: [ColumnInfo]
    public var rows: [ResultRow]
    public var missing: [SweepPoint]

    public static let summaryMetrics = ["rate_hz", "cv_isi", "synchrony"]
    public static let meanMetrics = ["v_mean_mv", "g_ampa_ns", "g_nmda_ns", "g_gaba_ns"]

    /// Header name of an axis column: numeric columns carry their unit (`rate_kHz`).
    public static func header(_ c: ColumnInfo) -> String {
        guard let u = c.unit, !u.isEmpty else { return c.name }
        let clean = u.map { $0.isLetter || $0.isNumber ? String($0) : ($0 == "/" ? "per" : "") }.joined()
        return c.name + "_" + clean
    }

    /// The table as CSV (RFC 4180 quoting; numbers in shortest round-trip form).
    public func csv() -> String {
        var out = (["point_id", "point_name"] + columns.map(Self.header) + ["population", "metric", "value"])
            .map(csvField).joined(separator: ",") + "\n"
        for r in rows {
            var f = [r.point.id, r.point.name ?? ""]
            for c in columns {
                let text = r.point.value(of: c.name) ?? ""
                f.append(c.number(text).map(numberText) ?? text)
            }
            f += [r.population, r.metric, r.value.map(numberText) ?? ""]
            out += f.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }
}

func numberText(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
}

func csvField(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

public enum Collector {
    public static func collect(_ m: SweepManifest, _ layout: SweepLayout) throws -> CollectedTable {
        var rows: [ResultRow] = [], missing: [SweepPoint] = []
        for p in m.points {
            guard layout.isComplete(p) else { missing.append(p); continue }
            let dir = layout.runDir(p)
            let summary = try readSummary(dir + "/summary.json")
            let means = try metricMeans(dir + "/metrics.csv", after: p.transientMs)
            for pop in m.populations {
                for k in CollectedTable.summaryMetrics { rows.append(ResultRow(point: p, population: pop, metric: k, value: summary[pop]?[k] ?? nil)) }
                for k in CollectedTable.meanMetrics { rows.append(ResultRow(point: p, population: pop, metric: k, value: means[pop]?[k] ?? nil)) }
            }
            for (pop, metric, value) in try readouts(dir) { rows.append(ResultRow(point: p, population: pop, metric: metric, value: value)) }
        }
        return CollectedTable(columns: m.columns, rows: rows, missing: missing)
    }

    /// The trial readouts of a run folder, when it has them: the bump's means over trials
    /// (manifest.json `bump`: `bump_held_fraction`, `bump_mean_abs_drift_deg`, …, population
    /// `bump`), the mean band powers (`bands.csv`: `band_gamma`, …, population `lfp`) and
    /// each overlap (`overlap.csv`: metric `overlap:<name>`, its population).
    static func readouts(_ dir: String) throws -> [(String, String, Double?)] {
        var out: [(String, String, Double?)] = []
        if let data = FileManager.default.contents(atPath: dir + "/manifest.json"),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let bump = obj["bump"] as? [String: Any] {
            for k in ["held_fraction", "mean_abs_drift_deg", "mean_width_deg", "mean_rate_in_hz", "mean_rate_out_hz", "trials"] {
                out.append(("bump", "bump_" + k, (bump[k] as? NSNumber)?.doubleValue))
            }
        }
        // Band powers: the mean of each band over bands.csv's rows (population `lfp`).
        if let text = try? String(contentsOfFile: dir + "/bands.csv", encoding: .utf8) {
            let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            if let head = lines.first {
                for band in ["delta", "theta", "alpha", "beta", "gamma", "high_gamma", "peak_hz"] {
                    guard let k = head.firstIndex(of: band) else { continue }
                    let v = lines.dropFirst().compactMap { $0.count == head.count ? Double($0[k]) : nil }
                    out.append(("lfp", "band_" + band, v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)))
                }
            }
        }
        if let text = try? String(contentsOfFile: dir + "/overlap.csv", encoding: .utf8) {
            let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            if let head = lines.first, let n = head.firstIndex(of: "name"), let pi = head.firstIndex(of: "population"), let v = head.firstIndex(of: "overlap") {
                for f in lines.dropFirst() where f.count == head.count { out.append((f[pi], "overlap:" + f[n], Double(f[v]))) }
            }
        }
        return out
    }

    /// summary.json: {"pop": {"rate_hz": x, "cv_isi": x|null, "synchrony": x|null}}.
    static func readSummary(_ path: String) throws -> [String: [String: Double?]] {
        guard let data = FileManager.default.contents(atPath: path),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SweepError.io("cannot read \(path) as a run summary")
        }
        var out: [String: [String: Double?]] = [:]
        for (pop, v) in obj {
            guard let d = v as? [String: Any] else { continue }
            var m: [String: Double?] = [:]
            for (k, x) in d { m[k] = (x as? NSNumber)?.doubleValue }
            out[pop] = m
        }
        return out
    }

    /// Per population, the mean of each column over rows with time_ms > `after`; empty
    /// cells are skipped.
    static func metricMeans(_ path: String, after transient: Double) throws -> [String: [String: Double?]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw SweepError.io("cannot read \(path)") }
        var lines = text.split(separator: "\n").map(String.init)
        guard !lines.isEmpty else { return [:] }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let ti = header.firstIndex(of: "time_ms"), let pi = header.firstIndex(of: "population") else {
            throw SweepError.io("\(path) has no time_ms/population columns")
        }
        var sums: [String: [String: (Double, Int)]] = [:]
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == header.count, let t = Double(f[ti]), t > transient + 1e-9 else { continue }
            for k in CollectedTable.meanMetrics {
                guard let i = header.firstIndex(of: k), let v = Double(f[i]) else { continue }
                let old = sums[f[pi], default: [:]][k] ?? (0, 0)
                sums[f[pi], default: [:]][k] = (old.0 + v, old.1 + 1)
            }
        }
        return sums.mapValues { $0.mapValues { $0.1 > 0 ? $0.0 / Double($0.1) : nil } }
    }
}

public enum SweepResults {
    /// Writes the table's CSV atomically.
    public static func write(_ t: CollectedTable, to path: String) throws { try writeAtomically(t.csv(), to: path) }
}
