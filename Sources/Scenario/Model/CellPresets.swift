// Default cell parameters per cell class, used when a population leaves a parameter out.
// Values from Compte et al. 2000 (Cereb Cortex 10:910) for pyramidal and fast-spiking
// (PV) cells; SST (low-threshold spiking, adapting) cells use the AdEx adapting set of
// Naud et al. 2008 (Biol Cybern 99:335, "adapting" pattern) scaled to a 200 pF cell.

public enum CellPresets {
    /// Base LIF parameters of a cell class.
    public static func base(_ cellClass: String) -> LIFParameters {
        switch cellClass {
        case "pv":
            // Compte 2000 interneuron: Cm 0.2 nF, gL 20 nS (τm 10 ms), VL −70, Vth −50, Vr −60, tref 1 ms.
            LIFParameters(C: 200, gL: 20, EL: -70, Vth: -50, Vreset: -60, tRef: 1, Iext: 0)
        case "sst":
            // LTS/SST: slower membrane (τm 20 ms), lower threshold relative to rest.
            LIFParameters(C: 200, gL: 10, EL: -70, Vth: -50, Vreset: -60, tRef: 2, Iext: 0)
        default:
            // Compte 2000 pyramidal: Cm 0.5 nF, gL 25 nS (τm 20 ms), VL −70, Vth −50, Vr −60, tref 2 ms.
            LIFParameters(C: 500, gL: 25, EL: -70, Vth: -50, Vreset: -60, tRef: 2, Iext: 0)
        }
    }

    /// AdEx extras of a cell class (used when `model: adex`).
    public static func adex(_ cellClass: String) -> AdExParameters {
        switch cellClass {
        case "pv": AdExParameters(a: 0, b: 0, deltaT: 0.5, VT: -50, tauW: 30, Vpeak: 0)
        case "sst": AdExParameters(a: 2, b: 40, deltaT: 2, VT: -50, tauW: 150, Vpeak: 0)
        default: AdExParameters(a: 4, b: 80, deltaT: 2, VT: -50, tauW: 150, Vpeak: 0)
        }
    }

    /// Whether a class is excitatory by default.
    public static func excitatory(_ cellClass: String) -> Bool { cellClass == "pyramidal" }

    public static let classes = ["pyramidal", "pv", "sst", "other"]
}
