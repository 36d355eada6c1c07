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
