// The program's version, written into manifests, PNG metadata and checkpoints.

public enum NeuroplastVersion {
    /// Semantic version of the program.
    public static let string = "0.1.0"
    /// Scenario schema versions this program reads.
    public static let scenarioSchema = 1
}
