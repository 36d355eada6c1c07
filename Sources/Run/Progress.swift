// A one-line progress display with ETA on a terminal; silent when stderr is not a terminal
// (batch jobs, tests), so logs stay clean.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct ProgressLine {
    let enabled: Bool
    let total: Int
    let start = Date()
    var lastDraw = Date.distantPast

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    mutating func update(step: Int, dt: Double) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.2 || step == total else { return }
        lastDraw = now
        let frac = total > 0 ? Double(step) / Double(total) : 1
        let elapsed = now.timeIntervalSince(start)
        let eta = frac > 0 ? elapsed * (1 - frac) / frac : 0
        let width = 30, filled = Int(frac * Double(width))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let line = String(format: "\r[%@] %3.0f%%  t = %.0f / %.0f ms  ETA %.0f s ", bar, frac * 100,
                          Double(step) * dt, Double(total) * dt, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
