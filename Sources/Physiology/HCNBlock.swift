// Ketamine's second target at slice and anaesthetic concentrations: HCN1 channels. Their
// current (I_h) depolarises pyramidal cells at rest; blocking it hyperpolarises them, which
// is how, at 10 µM, ketamine lowers the excitatory events pyramidal cells receive even
// though it disinhibits them at 1 µM (Gerhard et al. 2020).

/// The resting I_h a population loses when a drug blocks HCN channels.
///
/// Equation (per population, added to its constant current):
///
///     ΔI = −I_h0(class)·b_H,   b_H = the drugs' summed `hcn_block` effect (0…1)
///
/// | symbol | default | source |
/// |---|---|---|
/// | I_h0 (pyramidal) | 75 pA | L5 pyramidal cells carry a large dendritic HCN1 current; blocking it (ZD7288) hyperpolarises them by a few mV at rest [R]; with g_L ≈ 25 nS, 3 mV ≈ 75 pA [I] |
/// | I_h0 (pv, sst, other) | 0 | interneurons' I_h is smaller and not represented [I] |
/// | b_H (ketamine) | drug library: EC50 8 µM, Hill 1 | HCN1 inhibition at 4–8 µM (brief §1.2 [V secondary table]; Chen, Shu & Bayliss 2009 J Neurosci 29:600 [R]); Bojak et al. 2013 explain ketamine's EEG with HCN1 block [V] |
///
/// At the free brain concentrations of the antidepressant doses (≈ 1–2 µM) b_H stays below
/// 0.2; it matters in slices at 10 µM and at anaesthetic doses.
public enum HCNBlock {
    /// Resting I_h [pA] of a population of class `cellClass`.
    public static func restingCurrent(cellClass: String) -> Double {
        cellClass == "pyramidal" ? 75 : 0
    }

    /// The change of the population's constant current [pA] at HCN block `block` (0…1).
    public static func currentShift(cellClass: String, block: Double) -> Double {
        let b = block.isFinite ? min(1, max(0, block)) : 0
        return -restingCurrent(cellClass: cellClass) * b
    }
}
