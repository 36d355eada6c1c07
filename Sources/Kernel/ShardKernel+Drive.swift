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
