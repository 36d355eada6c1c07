// The LFP readout's lines of `neuroplast describe`: electrodes, reach, sampling and the
// per-step pass, and the Welch estimate behind bands.csv.

import Foundation
import Network
import Recording

extension ScenarioDescription {
    static func lfpText(_ l: LFPConfig, bands: BandsConfig?, sc: Scenario) -> String {
        let pops = l.populations.map { sc.populations[$0].name }.joined(separator: ", ")
        let m = l.stepsPerSample(dt: sc.time.dt)
        var s = String(format: "LFP proxy (Mazzoni et al. 2015): %d electrode%@, cells of %@ within %.4g µm (Gaussian σ %.4g µm), ",
                       l.electrodes.count, l.electrodes.count == 1 ? "" : "s", pops, l.radius, l.radius * LFPProxy.sigmaPerRadius)
        s += String(format: "|I_AMPA(t − %d samples)| − %.3g·|I_GABA(t)| after every step, mean of %d step%@ per sample at %.6g Hz → lfp.csv",
                    LFPProxy.delaySamples(rate: l.rate), LFPProxy.gabaFactor, m, m == 1 ? "" : "s", l.rate)
        if let b = bands {
            let L = b.segmentSamples(rate: l.rate), n = FFT.paddedLength(L)
            s += String(format: "\nbands: Welch, Hann segments of %.6g ms (%d samples, zero-padded to %d: Δf %.4g Hz), 50 %% overlap, per %@ → bands.csv, spectrum.csv",
                        b.window, L, n, l.rate / Double(n), sc.slow == nil ? "record interval" : "window")
        }
        return s
    }
}
