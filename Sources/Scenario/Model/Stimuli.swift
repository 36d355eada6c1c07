// Stimulus protocols (`stimuli:`): what a lab applies to the circuit from outside — Poisson
// trains, step, pulse and sinusoidal currents, optogenetic and chemogenetic silencing or
// activation — each aimed at a population, optionally narrowed to a region of the sheet or
// to the neurons whose preferred angle lies near a value, and timed in network time, every
// window of the slow clock (a probe trial), or in slow-clock hours. Decoded by
// `StimulusDecoder`; planned by the run planner as `stimulus` events.

import Foundation

/// One stimulus protocol of a scenario.
public struct Stimulus: Sendable, Equatable {
    /// What the stimulus injects into each target neuron.
    public enum Input: Sendable, Equatable {
        /// Independent Poisson spike trains, `rate` [1/ms] per neuron, each spike adding
        /// `weight` [nS] to the receptor's conductance (as the background drive does).
        case poisson(rate: Double, weight: Double, receptor: Receptor)
        /// A constant current [pA] (a step, or a pulse when short).
        case current(Double)
        /// I(t) = offset + amplitude·sin(2π·frequency·(t − t_on) + phase) [pA], frequency
        /// [1/ms], phase [rad], t_on the onset of the presentation.
        case sine(amplitude: Double, frequency: Double, phase: Double, offset: Double)
        /// A conductance g [nS] with reversal potential E [mV]: I = g·(E − V). A shunt (E near
        /// rest), a hyperpolarising clamp (E below rest) or an excitatory opsin (E ≈ 0 mV).
        case conductance(g: Double, reversal: Double)
    }

    /// The neurons a stimulus reaches: a population, optionally narrowed.
    public struct Target: Sendable, Equatable {
        public var population: Int
        public var region: SheetShape?
        /// Ring populations: neurons whose preferred angle lies within `width`/2 of `angle`
        /// [deg]; the angle turns by `rotate` [deg] at each repetition.
        public var near: AngleWindow?
        public init(population: Int, region: SheetShape? = nil, near: AngleWindow? = nil) {
            self.population = population; self.region = region; self.near = near
        }
    }

    /// When a stimulus is on. Times in ms of network time, or — with `inEachWindow` on the
    /// slow clock — from each window's start; `windows` picks windows by slow-clock time.
    public struct Timing: Sendable, Equatable {
        public var start: Double               // [ms]
        /// Length of one presentation [ms]; nil = until the end of the run (or window).
        public var duration: Double?
        /// Presentations repeat every `every` [ms] (nil = once) …
        public var every: Double?
        /// … at most `count` times (nil = as many as fit).
        public var count: Int?
        /// Slow clock: the times above count from the start of every window (a probe trial
        /// run in each window).
        public var inEachWindow: Bool
        /// Slow clock: only windows whose slow-clock time lies in [from, to) [h].
        public var windowsFrom: Double?
        public var windowsTo: Double?
        public init(start: Double, duration: Double?, every: Double?, count: Int?, inEachWindow: Bool,
                    windowsFrom: Double? = nil, windowsTo: Double? = nil) {
            self.start = start; self.duration = duration; self.every = every; self.count = count
            self.inEachWindow = inEachWindow; self.windowsFrom = windowsFrom; self.windowsTo = windowsTo
        }
    }

    /// Name used in outputs and by readouts (`record.bump.cue`).
    public var name: String
    /// The scenario key it was given as: poisson, current, pulse, sine, optogenetic, chemogenetic.
    public var kind: String
    public var input: Input
    public var target: Target
    public var timing: Timing

    public init(name: String, kind: String, input: Input, target: Target, timing: Timing) {
        self.name = name; self.kind = kind; self.input = input; self.target = target; self.timing = timing
    }

    /// Presentations as [onset, offset) in ms from the time origin (the run's start, or a
    /// window's start with `inEachWindow`), up to `end` [ms].
    /// At most `limit` are listed.
    public func presentations(until end: Double, limit: Int = .max) -> [(on: Double, off: Double)] {
        var out: [(Double, Double)] = []
        var k = 0
        while out.count < limit {
            let on = timing.start + Double(k) * (timing.every ?? 0)
            if on >= end - 1e-9 || (timing.count.map { k >= $0 } ?? false) { break }
            out.append((on, min(end, on + (timing.duration ?? .infinity))))
            k += 1
            if timing.every == nil { break }
        }
        return out
    }
}

extension Stimulus {
    /// One line for `describe`: target, input and timing.
    public func describe(populations: [String]) -> String {
        func n(_ x: Double) -> String { String(format: "%g", x) }
        var target = populations[target.population]
        switch self.target.region {
        case let .disc(x, y, r)?: target += " within \(n(r)) µm of (\(n(x)), \(n(y))) µm"
        case let .rectangle(x0, y0, x1, y1)?: target += " in [\(n(x0)), \(n(x1))] × [\(n(y0)), \(n(y1))] µm"
        case nil: break
        }
        if let w = self.target.near {
            target += " near \(n(w.angle))° ± \(n(w.width / 2))°" + (w.rotate != 0 ? " (turning \(n(w.rotate))° each time)" : "")
        }
        let what: String
        switch input {
        case let .poisson(rate, weight, receptor): what = "Poisson \(n(rate * 1000)) Hz × \(n(weight)) nS (\(receptor.rawValue))"
        case let .current(i): what = "current \(n(i)) pA"
        case let .sine(a, f, phase, offset): what = "sine \(n(a)) pA at \(n(f * 1000)) Hz, phase \(n(phase * 180 / .pi))°, offset \(n(offset)) pA"
        case let .conductance(g, e): what = "conductance \(n(g)) nS at \(n(e)) mV"
        }
        var when = timing.duration.map { "\(n($0)) ms from \(n(timing.start)) ms" } ?? "from \(n(timing.start)) ms to the end"
        if let e = timing.every { when += ", every \(n(e)) ms" + (timing.count.map { " × \($0)" } ?? "") }
        if timing.inEachWindow {
            when += " of each window"
            if let a = timing.windowsFrom { when += " from \(n(a)) h" }
            if let b = timing.windowsTo { when += " until \(n(b)) h" }
        }
        return "\(target): " + (what.hasPrefix(kind) ? "" : "\(kind) — ") + "\(what); \(when)"
    }
}

/// An angular window on a ring population: |θ − angle| ≤ width/2 (circular distance).
public struct AngleWindow: Sendable, Equatable {
    public var angle: Double   // [deg]
    public var width: Double   // [deg]
    /// Degrees added to `angle` at each repetition of the stimulus.
    public var rotate: Double  // [deg]
    public init(angle: Double, width: Double, rotate: Double) { self.angle = angle; self.width = width; self.rotate = rotate }

    /// The window's centre at repetition `k`, in [0, 360).
    public func centre(repetition k: Int) -> Double {
        let a = (angle + Double(k) * rotate).truncatingRemainder(dividingBy: 360)
        return a < 0 ? a + 360 : a
    }
}

/// Circular distance between two angles [deg], in [0, 180].
public func angularDistance(_ a: Double, _ b: Double) -> Double {
    var d = abs(a - b).truncatingRemainder(dividingBy: 360)
    if d > 180 { d = 360 - d }
    return d
}

/// A region of the sheet: a disc or an axis-aligned rectangle [µm].
public enum SheetShape: Sendable, Equatable {
    case disc(x: Double, y: Double, radius: Double)
    case rectangle(x0: Double, y0: Double, x1: Double, y1: Double)

    public func contains(x: Double, y: Double) -> Bool {
        switch self {
        case let .disc(cx, cy, r): return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r
        case let .rectangle(x0, y0, x1, y1): return x >= x0 && x <= x1 && y >= y0 && y <= y1
        }
    }
}
