// The presentations of a scenario's stimulus protocols in network steps, laid out by the
// planner over the run's windows (the whole run on the fast clock; on the slow clock the
// windows the protocol selects, each from its own start), and the component that turns
// them into `stimulus` events: one at every onset and offset strictly inside a window. At a
// window's start the session sets the stimuli anyway (`window_start`).

import Network

/// One presentation of a stimulus: steps [on, off).
public struct StimulusPresentation: Sendable, Equatable, Codable {
    /// Index in `Scenario.stimuli`.
    public var stimulus: Int
    /// Presentations of this stimulus before this one (the angle window turns with it).
    public var repetition: Int
    public var on: Int
    public var off: Int
    /// Slow-clock time [h] of the window it runs in; nil on a fast run.
    public var hours: Double?
}

enum StimulusPlan {
    /// Every presentation of every stimulus, by stimulus and then time.
    static func presentations(_ sc: Scenario, windows: [WindowSpan]) -> [StimulusPresentation] {
        let dt = sc.time.dt
        func step(_ ms: Double) -> Int { Int((ms / dt).rounded()) }
        var out: [StimulusPresentation] = []
        for (i, s) in sc.stimuli.enumerated() {
            var k = 0
            for w in windows {
                if let h = w.hours {
                    if let from = s.timing.windowsFrom, h < from - 1e-9 { continue }
                    if let to = s.timing.windowsTo, h >= to - 1e-9 { continue }
                }
                let length = Double(w.end - w.start) * dt
                for p in s.presentations(until: length) {
                    let on = w.start + step(p.on), off = min(w.end, w.start + step(p.off))
                    guard off > on else { continue }
                    out.append(StimulusPresentation(stimulus: i, repetition: k, on: on, off: off, hours: w.hours))
                    k += 1
                }
            }
        }
        return out
    }

    /// The presentations in force during step t.
    static func active(_ all: [StimulusPresentation], at t: Int) -> [StimulusPresentation] {
        all.filter { $0.on <= t && t < $0.off }
    }
}

/// `stimulus` events at the onsets and offsets inside a window.
struct StimulusComponent: WindowComponent {
    let presentations: [StimulusPresentation]
    func events(in w: WindowSpan) -> [RunEvent] {
        let steps = Set(presentations.flatMap { [$0.on, $0.off] }.filter { $0 > w.start && $0 < w.end })
        return steps.sorted().map { RunEvent(.stimulus, step: $0, hours: w.hours) }
    }
}
