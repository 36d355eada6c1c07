// The planner: the one place a run's schedule is decided. From the resolved scenario (and
// the run options that change it: frames on or off, the checkpoint interval) it lays out
// the windows of network time — one for a fast run, the slow clock's windows between slow
// steps otherwise — and merges into each window the events its components declare
// (`WindowComponent`: recording, homeostasis, frames, connectome dumps, drive and block
// switches, stimulus onsets and offsets, structural updates). `describe` prints this list; `RunSession` executes it.

import Network

/// A span of network steps [start, end] making up one window.
public struct WindowSpan: Sendable, Equatable {
    public var start: Int
    public var end: Int
    /// Slow-clock time [h] of the slow step that runs the window; nil on a fast run.
    public var hours: Double?
    /// Whether events at `start` itself belong to this window (only network step 0 does:
    /// later starts are the previous window's end).
    public var includesStart: Bool
}

/// Something that needs boundaries inside windows of network time.
protocol WindowComponent {
    /// The component's events in `window`, each at a step in the window.
    func events(in window: WindowSpan) -> [RunEvent]
}

/// Steps k·every in the window (after its start, up to its end).
func multiples(of every: Int, in w: WindowSpan) -> [Int] {
    guard every > 0 else { return [] }
    var out: [Int] = []
    var t = (w.start / every + 1) * every
    if w.includesStart, w.start % every == 0 { t = w.start }
    while t <= w.end { out.append(t); t += every }
    return out
}

/// Record intervals: multiples of the interval, and the end of the run. Synaptic scaling,
/// when configured, runs at the same boundaries just before the record (from the interval's rates).
struct RecordComponent: WindowComponent {
    let every: Int
    let runEnd: Int
    let homeostasis: Bool
    func events(in w: WindowSpan) -> [RunEvent] {
        var steps = multiples(of: every, in: w).filter { $0 > 0 }
        if w.end == runEnd, steps.last != runEnd { steps.append(runEnd) }
        return steps.flatMap { t in
            (homeostasis ? [RunEvent(.homeostasis, step: t, hours: w.hours)] : []) + [RunEvent(.record, step: t, hours: w.hours)]
        }
    }
}

/// Events at fixed multiples of an interval (frames, structural updates).
struct PeriodicComponent: WindowComponent {
    let kind: RunEvent.Kind
    let every: Int
    func events(in w: WindowSpan) -> [RunEvent] {
        multiples(of: every, in: w).filter { $0 > 0 }.map { RunEvent(kind, step: $0, hours: w.hours) }
    }
}

/// Events at listed steps of network time (connectome dumps at `[start, end]`, drive and
/// block switches strictly inside: at a window's start the window sets the cells anyway).
struct TimedComponent: WindowComponent {
    let kind: RunEvent.Kind
    let steps: [Int]
    let inside: Bool
    func events(in w: WindowSpan) -> [RunEvent] {
        steps.filter { t in
            inside ? (t > w.start && t < w.end) : ((t > w.start || (w.includesStart && t == w.start)) && t <= w.end)
        }.map { RunEvent(kind, step: $0, hours: w.hours) }
    }
}

/// The planned schedule of a run.
public struct RunSchedule: Sendable {
    public let events: [RunEvent]
    public let dt: Double
    public let totalSteps: Int
    /// The first slow step (negative when stress episodes run before t = 0); nil on a fast run.
    public let firstSlowStep: Int?
    /// Every stimulus presentation, in network steps.
    public let presentations: [StimulusPresentation]
    /// Every structural intervention point.
    public let interventions: [InterventionPoint]
    public var tally: ScheduleTally { ScheduleTally(events, dt: dt) }
}

public enum RunPlanner {
    /// The schedule of `scenario` (not of its arms: each arm is planned on its own).
    /// - Parameters:
    ///   - frames: whether frames are drawn (`--no-frames` turns them off).
    ///   - checkpointEvery: periodic checkpoint interval [ms of network time], nil = none.
    public static func plan(_ sc: Scenario, frames: Bool, checkpointEvery: Double?) -> RunSchedule {
        let dt = sc.time.dt
        func steps(_ ms: Double) -> Int { max(1, Int((ms / dt).rounded())) }
        let total = sc.time.steps
        var parts: [WindowComponent] = [RecordComponent(every: steps(sc.time.recordInterval), runEnd: total,
                                                        homeostasis: sc.plasticity.homeostasis != nil)]
        if frames, let f = sc.frames { parts.append(PeriodicComponent(kind: .frame, every: steps(f.every))) }
        if let s = sc.plasticity.structural { parts.append(PeriodicComponent(kind: .structural, every: steps(s.interval))) }
        if !sc.record.connectome.isEmpty {
            parts.append(TimedComponent(kind: .connectome, steps: sc.record.connectome.map { Int(($0 / dt).rounded()) }, inside: false))
        }
        if sc.record.connectomeAtEnd {
            parts.append(TimedComponent(kind: .connectomeEnd, steps: [total], inside: false))
        }
        let switches = sc.switchTimes.map { Int(($0 / dt).rounded()) }
        if !switches.isEmpty { parts.append(TimedComponent(kind: .driveChange, steps: switches, inside: true)) }
        let every = checkpointEvery.map(steps)
        let presentations = StimulusPlan.presentations(sc, windows: windowSpans(sc))
        if !presentations.isEmpty { parts.append(StimulusComponent(presentations: presentations)) }
        var interventions = sc.slow == nil ? InterventionPlan.fast(sc) : []
        if !interventions.isEmpty { parts.append(InterventionComponent(points: interventions)) }

        /// One window with its components' events, ordered by step and then by kind.
        func window(_ w: WindowSpan) -> [RunEvent] {
            let inner = parts.flatMap { $0.events(in: w) }
                .sorted { $0.step != $1.step ? $0.step < $1.step : $0.kind.rank < $1.kind.rank }
            return [RunEvent(.windowStart, step: w.start, hours: w.hours)] + inner + [RunEvent(.windowEnd, step: w.end, hours: w.hours)]
        }

        guard let slow = sc.slow else {
            // A fast run: one window over the whole run. The run may stop (and checkpoints
            // are taken) after the last event of a boundary inside the run.
            var events = window(WindowSpan(start: 0, end: total, hours: nil, includesStart: true))
            var out: [RunEvent] = []
            var next = every
            for (i, var e) in events.enumerated() {
                let last = i + 1 == events.count || events[i + 1].step != e.step
                if last, e.step > 0, e.step < total {
                    e.mayStop = true
                    out.append(e)
                    if let n = next, let k = every, e.step >= n {
                        out.append(RunEvent(.checkpoint, step: e.step, mayStop: true))
                        next = (e.step / k + 1) * k
                    }
                } else {
                    out.append(e)
                }
            }
            events = out
            return RunSchedule(events: events, dt: dt, totalSteps: total, firstSlowStep: nil, presentations: presentations,
                               interventions: interventions)
        }

        // The slow clock. Per slow step k (t = k·Δt_slow; stress episodes before 0 run first,
        // with no windows): realise structure (before a due window, daily before t = 0, at the
        // last step, at most every `structural_every`), the window if due, the slow step.
        let clock = slow.clock
        let W = Int((clock.window / dt).rounded())
        let first = SlowClockGrid.firstStep(slow)
        let windowTimes = clock.windowTimes()
        let structural = sc.projections.contains(where: \.structural)
        var events: [RunEvent] = []
        var nextWindow = 0
        var lastRealised = Double(first) * clock.step
        var t = 0
        var next = every
        for k in first..<clock.stepCount {
            let hours = Double(k) * clock.step
            let windowDue = k >= 0 && nextWindow < windowTimes.count && abs(windowTimes[nextWindow] - hours) < 1e-9
            let spacing = k < 0 ? max(clock.structuralEvery, 24) : clock.structuralEvery
            if structural, windowDue || k == clock.stepCount - 1 || k < 0,
               hours - lastRealised >= spacing - 1e-9 || (k == 0 && lastRealised < 0) {
                events.append(RunEvent(.realiseSpines, step: t, hours: hours))
                lastRealised = hours
            }
            if windowDue {
                nextWindow += 1
                events += window(WindowSpan(start: t, end: t + W, hours: hours, includesStart: t == 0))
                t += W
            }
            let due = InterventionPlan.slow(sc, hours: hours, previous: k == first ? nil : hours - clock.step, step: t)
            if !due.isEmpty {
                interventions += due
                events.append(RunEvent(.intervention, step: t, hours: hours))
            }
            let more = k + 1 < clock.stepCount
            events.append(RunEvent(.slowStep, step: t, hours: hours, mayStop: more))
            if more, let n = next, let e = every, t >= n {
                events.append(RunEvent(.checkpoint, step: t, hours: hours, mayStop: true))
                next = (t / e + 1) * e
            }
        }
        return RunSchedule(events: events, dt: dt, totalSteps: total, firstSlowStep: first, presentations: presentations,
                           interventions: interventions)
    }

    /// The windows of network time of a run: the whole run, or the slow clock's windows one
    /// after another (the spans `plan` lays its events out in).
    static func windowSpans(_ sc: Scenario) -> [WindowSpan] {
        let total = sc.time.steps
        guard let slow = sc.slow else { return [WindowSpan(start: 0, end: total, hours: nil, includesStart: true)] }
        let W = Int((slow.clock.window / sc.time.dt).rounded())
        return slow.clock.windowTimes().enumerated().map { k, h in
            WindowSpan(start: k * W, end: (k + 1) * W, hours: h, includesStart: k == 0)
        }
    }
}

/// The slow clock's grid before t = 0.
enum SlowClockGrid {
    /// The first slow step: on the grid at or before the earliest stress episode (0 without one).
    static func firstStep(_ slow: SlowBiology) -> Int {
        let pre = slow.stress.map(\.start).min().map { min(0, $0) } ?? 0
        return Int((pre / slow.clock.step).rounded(.down))
    }
}
