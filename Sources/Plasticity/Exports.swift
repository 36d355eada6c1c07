// Plasticity: synaptic (weight) and structural plasticity as functions over plain data —
// calcium-based and spike-timing rules, homeostatic scaling, growth curves, synaptic
// elements, formation and pruning. No actors, no files; the engine calls these.
@_exported import NeuroplastCore
