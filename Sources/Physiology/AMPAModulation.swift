// Drug action on AMPA receptors, for the network's AMPA conductance on the slow clock: an
// antagonist removes a fraction of the current, a positive modulator enlarges it.

/// The factor on every AMPA conductance (synaptic, Poisson drive and tonic) of the network.
///
/// Equation:
///
///     scale = (1 − b_A)·(1 + g_P·h),   clamped to 0…2
///
/// b_A is the summed `ampa_block` effect of the drugs (0…1: the fraction of AMPA current an
/// antagonist removes), h the summed `ampa_potentiation` effect ((2R,6R)-HNK; 0 when the
/// scenario's `hnk_ampa` switch is off).
///
/// | symbol | default | source |
/// |---|---|---|
/// | b_A | drug library | NBQX, a competitive AMPA/kainate antagonist: blocks ketamine's antidepressant and pGluR1 effects (Maeng et al. 2008 Biol Psychiatry 63:349 [V abstract: "attenuated"]) and its mTOR activation (Li et al. 2010 Science 329:959 [V]) |
/// | g_P | 0.3 | (2R,6R)-HNK raises AMPA-receptor-mediated synaptic responses (Zanos et al. 2016 Nature 533:481 [V via secondary abstracts]); size at full effect [I] |
public struct AMPAModulation: Sendable, Equatable {
    public var potentiationGain = 0.3
    public init() {}

    public func scale(block: Double, potentiation: Double) -> Double {
        let s = (1 - min(1, max(0, block))) * (1 + potentiationGain * max(0, potentiation))
        return s.isFinite ? min(2, max(0, s)) : 1
    }
}
