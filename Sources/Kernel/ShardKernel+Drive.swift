// Changing a population's cell model during a run — its background drive switched on or
// off (a lesion that silences a region's input, a stimulation protocol): the new model
// applies from the next step on.

extension ShardKernel {
    /// Replaces population `p`'s cell model (parameters, drive, currents).
    public func setCell(population p: Int, _ cell: CellModel) {
        guard p < layout.cells.count else { return }
        layout.cells[p] = cell
    }
}

extension ShardKernel {
    /// Sets the unblocked fraction of population `t`'s NMDA receptors (1 − block); acts on the
    /// conductance of receptors already bound as well as on new arrivals, as a channel
    /// blocker does.
    public func setNMDAUnblocked(target t: Int, _ fraction: Double) {
        guard t < layout.cells.count else { return }
        layout.cells[t].nmdaUnblocked = fraction
    }
}

extension ShardKernel {
    /// Silences neurons for good (excitotoxic death): their refractory countdown is set to
    /// infinity, so the update keeps them clamped at V_reset and they never spike again.
    public func silence(local ids: [Int]) {
        for i in ids where i >= 0 && i < n { refractory[i] = .infinity }
    }
}

extension ShardKernel {
    /// Scales the GABA_A output of source population `source` onto every population by
    /// `scale` (interneurons that lost their phenotype release less GABA): the delivery factor
    /// becomes the layout's receptor mix × scale. Applies from the next delivery on; call
    /// between steps only. Scale 1 restores the mix exactly.
    public func setGABAOutput(source: Int, scale: Float) {
        guard source >= 0, source < populations, scale.isFinite, scale >= 0 else { return }
        for t in 0..<populations {
            // SAFETY: source·P + t < P², the buffer's count; no step runs while this writes.
            mixBuffers.gaba.pointer[source * populations + t] = layout.mixGABA[source * populations + t] * scale
        }
    }
}
