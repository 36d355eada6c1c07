// The planner against the rules it replaced: on the fast clock the network stops at every
// record interval, frame, structural update, drive switch and connectome time, and nowhere
// else (segment boundaries change delivery batching, so they must be exactly these);
// checkpoints follow the first boundary at or after each multiple of their interval; on the
// slow clock each window holds its own events, and slow steps follow in order.

import Foundation
import Testing
import Network
import Run

@Suite struct RunPlannerTests {
    static let base = """
    schema: 1
    name: plan
    time: {dt: 0.1 ms, duration: 1 s, record_interval: 100 ms}
    sheet: {width: 200 um, height: 200 um}
    populations: [{name: e, class: pyramidal, count: 20}]
    projections: [{from: e, to: e, ampa: 0.1 nS, connectivity: {rule: random, p: 0.1}, delay: {synaptic: 1 ms}, structural: true}]
    drive: [{population: e, poisson: {rate: 1 kHz, weight: 1 nS}, start: 250 ms, stop: 725 ms}]
    record: {connectome: [0 ms, 333 ms, 1 s]}
    frames: {every: 150 ms, width: 320, height: 180}
    plasticity: {homeostasis: {target_rate: {e: 3 Hz}, tau: 1 s}, structural: {interval: 70 ms, elements: [{population: e, axonal: {nu: 1 Hz, epsilon: 0.5}, dendritic_exc: {nu: 1 Hz, epsilon: 0.5}}]}}
    """

    /// The boundaries of the fast loop before the planner: from t, the next of the record
    /// interval, a drive switch, a connectome time, a frame and a structural update.
    static func oldBoundaries(total: Int, record: Int, frame: Int?, structural: Int?, switches: [Int], connectome: [Int]) -> [Int] {
        var out: [Int] = [], t = 0
        while t < total {
            var next = min(total, (t / record + 1) * record)
            if let s = switches.first(where: { $0 > t }) { next = min(next, s) }
            if let c = connectome.first(where: { $0 > t }) { next = min(next, c) }
            if let f = frame { next = min(next, (t / f + 1) * f) }
            if let s = structural { next = min(next, (t / s + 1) * s) }
            t = next
            out.append(t)
        }
        return out
    }

    @Test func fastBoundariesAreTheOldLoopsAndEventsComeInOrder() throws {
        let sc = try ScenarioLoader.load(text: Self.base, file: "plan.yaml")
        for frames in [true, false] {
            let plan = RunPlanner.plan(sc, frames: frames, checkpointEvery: nil)
            let steps = plan.events.map(\.step)
            #expect(steps == steps.sorted(), "events in time order")
            let inner = Array(Set(steps.filter { $0 > 0 })).sorted()
            let old = Self.oldBoundaries(total: 10_000, record: 1000, frame: frames ? 1500 : nil, structural: 700,
                                         switches: [2500, 7250], connectome: [0, 3330, 10_000])
            #expect(inner == old, "frames \(frames)")
            let t = plan.tally.entries
            #expect(t[.record]?.count == 10 && t[.homeostasis]?.count == 10)
            #expect(t[.structural]?.count == 14, "every 70 ms up to 980 ms")
            #expect(t[.frame]?.count == (frames ? 6 : nil))
            #expect(t[.connectome]?.firstMs == [0, 333, 1000])
            #expect(t[.driveChange]?.firstMs == [250, 725])
            #expect(t[.windowStart]?.count == 1 && t[.windowEnd]?.count == 1, "a fast run is one window")
            // At one step: connectome, drive switch, structural, homeostasis, record, frame.
            let at3000 = plan.events.filter { $0.step == 3000 }.map(\.kind)
            #expect(at3000 == (frames ? [.homeostasis, .record, .frame] : [.homeostasis, .record]))
            // The run may stop after the last event of each boundary inside the run only.
            for (i, e) in plan.events.enumerated() {
                let last = i + 1 == plan.events.count || plan.events[i + 1].step != e.step
                #expect(e.mayStop == (last && e.step > 0 && e.step < 10_000), "\(e)")
            }
        }
    }

    @Test func checkpointsFollowTheFirstBoundaryAfterEachMultiple() throws {
        let sc = try ScenarioLoader.load(text: Self.base, file: "plan.yaml")
        let plan = RunPlanner.plan(sc, frames: false, checkpointEvery: 260)
        let at = plan.events.filter { $0.kind == .checkpoint }.map(\.step)
        // Boundaries after 260 ms: 280 (structural); after 520: 560; after 780: 800.
        #expect(at == [2800, 5600, 8000], "\(at)")
        let without = RunPlanner.plan(sc, frames: false, checkpointEvery: nil).events
        #expect(plan.events.filter { $0.kind != .checkpoint } == without, "checkpoints add no other event")
    }

    @Test func slowClockWindowsAndSteps() throws {
        let sc = try SlowClockTests.small(["record.connectome=[150 ms]"])
        let plan = RunPlanner.plan(sc, frames: false, checkpointEvery: nil)
        let t = plan.tally.entries
        #expect(t[.slowStep]?.count == 24, "8 h of 20-min steps")
        #expect(t[.windowStart]?.count == 8 && t[.windowEnd]?.count == 8)
        #expect(t[.windowStart]?.firstHours == [0, 1, 2, 3, 4])
        #expect(t[.record]?.count == 16, "two 50 ms intervals per 100 ms window")
        #expect(t[.connectome]?.firstHours == [1], "150 ms of network time is in the second window")
        // Every window's events lie inside it, between its start and its end.
        var open: Int?
        for e in plan.events {
            switch e.kind {
            case .windowStart: #expect(open == nil); open = e.step
            case .windowEnd: #expect(open.map { e.step == $0 + 1000 } ?? false); open = nil
            case .record, .frame, .connectome, .homeostasis, .driveChange: #expect(open != nil, "\(e) outside a window")
            case .slowStep, .realiseSpines: #expect(open == nil, "\(e) inside a window")
            default: break
            }
        }
        #expect(plan.events.last?.kind == .slowStep && plan.events.last?.mayStop == false, "the run ends after its last slow step")
    }
}
