// swift-tools-version:6.0
// Neuroplast: a PFC microcircuit simulator. Module layout and the reasons for it are in
// ARCHITECTURE.md; dependencies point only downwards in that table.
import PackageDescription
import Foundation

/// The numeric targets are compiled for the vector generation of the building machine, as
/// Brian2's standalone builds use `-march=native`: AVX-512 (`znver4` on AMD, `skylake-avx512`
/// otherwise: 32 vector registers, so the update spills less, and 64-bit lane multiplies for
/// the drive's random numbers; COBA 0.143 → 0.127 s) or AVX2 (`haswell`: 4-lane double
/// vectors in one register). On the AVX-512 tier the loops are vectorised 512 bits wide
/// (`wide512`: LLVM's Intel tuning otherwise keeps them at 256 bits, to spare the clock of
/// older Xeons): eight doubles per instruction in the neuron update, COBA 0.087 → 0.069 s
/// and fixed 64 000 1.54 → 1.36 s on a Xeon of 2026 (model 207). Results are the same bit for bit on every tier (Swift never
/// contracts a·b + c into an FMA, and the update's explicit fused multiply-adds round once
/// wherever they are computed), so only speed differs. `NEUROPLAST_PORTABLE=1` builds for
/// baseline x86-64, for a binary that must run on machines without FMA (before 2013); it
/// calls glibc's `fma` for every fused multiply-add, and the update is much slower (COBA
/// 1.41 s against 0.059 s on the AVX-512 tier).
/// Clears LLVM's `prefer-256-bit` tuning flag, passed as a target feature through the Clang
/// importer (which Swift's code generation takes its target features from).
let wide512: [String] = ["-Xcc", "-Xclang", "-Xcc", "-target-feature", "-Xcc", "-Xclang", "-Xcc", "-prefer-256-bit"]
let cpuFlags: [String] = {
    #if arch(x86_64) && os(Linux)
    if ProcessInfo.processInfo.environment["NEUROPLAST_PORTABLE"] != nil { return [] }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }).map({ Set($0.split(separator: " ")) }),
          ["avx2", "fma", "bmi2", "movbe", "f16c"].allSatisfy({ flags.contains(Substring($0)) }) else { return [] }
    if ["avx512f", "avx512dq", "avx512vl", "avx512bw", "avx512cd"].allSatisfy({ flags.contains(Substring($0)) }) {
        let amd = info.contains("AuthenticAMD") && flags.contains("avx512_bf16")
        return ["-target-cpu", amd ? "znver4" : "skylake-avx512"] + wide512
    }
    return ["-target-cpu", "haswell"]
    #else
    return []
    #endif
}()

/// MPI ranks need MPICH's headers (`libmpich-dev`, pkg-config `mpich`). Without them — or with
/// `NEUROPLAST_NO_MPI=1` — the package builds as before and `neuroplast run` under an MPI
/// launcher says this build has no MPI.
let withMPI: Bool = {
    if ProcessInfo.processInfo.environment["NEUROPLAST_NO_MPI"] != nil { return false }
    return ["/usr/lib/x86_64-linux-gnu/pkgconfig/mpich.pc", "/usr/lib/aarch64-linux-gnu/pkgconfig/mpich.pc",
            "/usr/lib/pkgconfig/mpich.pc", "/usr/local/lib/pkgconfig/mpich.pc"].contains { FileManager.default.fileExists(atPath: $0) }
}()

let optimise: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"] + cpuFlags, .when(configuration: .release))]

let package = Package(
    name: "Neuroplast",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "neuroplast", targets: ["neuroplast"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "NeuroplastCore"),
        .target(name: "InputReading", dependencies: ["Yams"]),
        .target(name: "Scenario", dependencies: ["NeuroplastCore", "InputReading", "Yams"], resources: [.copy("Resources/drugs.yaml")]),
        .target(name: "CPrefetch"),
        .target(name: "Kernel", dependencies: ["NeuroplastCore", "CPrefetch"], swiftSettings: optimise),
        .target(name: "Plasticity", dependencies: ["NeuroplastCore", "Kernel"], swiftSettings: optimise),
        .target(name: "Physiology", dependencies: ["NeuroplastCore"], swiftSettings: optimise),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial",
                       providers: [.apt(["libhdf5-dev"])]),
        .target(name: "HDF5Codec", dependencies: ["CHDF5"]),
        .target(name: "CPNGShim", linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z")]),
        .target(name: "PNGCodec", dependencies: ["CPNGShim"]),
        .target(name: "Rendering", dependencies: ["NeuroplastCore", "CCairo", "PNGCodec"]),
        .target(name: "Network", dependencies: ["NeuroplastCore", "Scenario", "Kernel", "Plasticity"], swiftSettings: optimise),
        .target(name: "Recording", dependencies: ["NeuroplastCore", "Scenario", "Kernel", "Plasticity", "Network", "Rendering", "PNGCodec", "HDF5Codec"],
                swiftSettings: optimise),
        .target(name: "Run", dependencies: ["NeuroplastCore", "Scenario", "Kernel", "Plasticity", "Physiology", "Network", "Recording", "Rendering"],
                swiftSettings: optimise),
        .target(name: "Validation", dependencies: ["NeuroplastCore", "Scenario", "Physiology", "Network", "Recording", "Run"],
                swiftSettings: optimise),
        .target(name: "Ranks", dependencies: ["Network"] + (withMPI ? ["CMPI"] : [])),
        .target(name: "Experiments", dependencies: ["NeuroplastCore", "InputReading", "Scenario", "Rendering", "PNGCodec", "Yams"]),
        .executableTarget(name: "neuroplast", dependencies: [
            "NeuroplastCore", "InputReading", "Scenario", "Kernel", "Network", "Recording", "Run", "Validation", "Rendering", "PNGCodec", "Experiments", "Ranks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The libFuzzer target over the loader (built with -sanitize=fuzzer,address -DFUZZING by
        // fuzz/campaign.sh), and otherwise a replayer of its corpus: fuzz/Target/FuzzTarget.swift.
        .executableTarget(name: "neuroplast-fuzz", dependencies: ["Scenario", "Experiments"], path: "fuzz/Target"),
        .testTarget(name: "CoreTests", dependencies: ["NeuroplastCore"]),
        .testTarget(name: "ScenarioTests", dependencies: ["InputReading", "Scenario", "NeuroplastCore"]),
        .testTarget(name: "KernelTests", dependencies: ["Kernel", "NeuroplastCore"]),
        .testTarget(name: "EngineTests", dependencies: ["Network", "Recording", "Run", "InputReading", "Scenario", "Kernel", "Physiology", "NeuroplastCore"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "PNGCodec", "NeuroplastCore"],
                    resources: [.copy("Golden")]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CLITests", dependencies: ["NeuroplastCore", "TestSupport", "HDF5Codec"], exclude: ["Fixtures"]),
        .testTarget(name: "HDF5CodecTests", dependencies: ["HDF5Codec"]),
        .testTarget(name: "PhysiologyTests", dependencies: ["Physiology", "InputReading", "Scenario", "NeuroplastCore"]),
        .testTarget(name: "PlasticityTests", dependencies: ["Plasticity", "Kernel", "NeuroplastCore"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "InputReading", "Scenario", "NeuroplastCore", "TestSupport"]),
    ] + (withMPI ? [.systemLibrary(name: "CMPI", pkgConfig: "mpich", providers: [.apt(["libmpich-dev"])])] : [])
)
