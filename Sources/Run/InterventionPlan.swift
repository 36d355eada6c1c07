// When structural interventions happen, in the one schedule: on the fast clock at the
// network step of `at` (a formation block also at its end, to report what it prevented);
// on the slow clock at the first slow step at or after `at` [h], between windows, before
// that step's slow biology. `RunSession` applies them (`intervene`).

import Network

/// One planned intervention event.
public struct InterventionPoint: Sendable, Equatable {
    /// Index in `Scenario.interventions`.
    public var intervention: Int
    public var step: Int
    /// Slow-clock time of the slow step it runs at; nil on a fast run.
    public var hours: Double?
    /// The end of a formation block (its report), not its start.
    public var isEnd: Bool
}

enum InterventionPlan {
    /// The fast clock's intervention points.
    static func fast(_ sc: Scenario) -> [InterventionPoint] {
        let dt = sc.time.dt
        return sc.interventions.enumerated().flatMap { i, iv -> [InterventionPoint] in
            var out = [InterventionPoint(intervention: i, step: Int((iv.at / dt).rounded()), hours: nil, isEnd: false)]
            if case let .blockFormation(until) = iv.action {
                out.append(InterventionPoint(intervention: i, step: min(sc.time.steps, Int((until / dt).rounded())), hours: nil, isEnd: true))
            }
            return out
        }
    }

    /// The slow clock's points due at slow step `hours` (after the previous step `previous`).
    static func slow(_ sc: Scenario, hours: Double, previous: Double?, step t: Int) -> [InterventionPoint] {
        func due(_ x: Double) -> Bool { x <= hours + 1e-9 && (previous.map { x > $0 + 1e-9 } ?? true) }
        return sc.interventions.enumerated().flatMap { i, iv -> [InterventionPoint] in
            var out: [InterventionPoint] = []
            if due(iv.at) { out.append(InterventionPoint(intervention: i, step: t, hours: hours, isEnd: false)) }
            if case let .blockFormation(until) = iv.action, due(until) {
                out.append(InterventionPoint(intervention: i, step: t, hours: hours, isEnd: true))
            }
            return out
        }
    }
}

/// `intervention` events at the fast clock's points inside a window.
struct InterventionComponent: WindowComponent {
    let points: [InterventionPoint]
    func events(in w: WindowSpan) -> [RunEvent] {
        Set(points.map(\.step).filter { ($0 > w.start || (w.includesStart && $0 == w.start)) && $0 <= w.end })
            .sorted().map { RunEvent(.intervention, step: $0, hours: w.hours) }
    }
}
