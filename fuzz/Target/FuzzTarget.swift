// The libFuzzer target over the scenario loader and the sweep-file decoder: every input is
// decoded as a scenario (or, when it starts with `sweep:`, as a sweep file) and must end in
// a value or a located refusal — a Swift trap, an out-of-bounds access (AddressSanitizer) or a
// hang is a finding. Built two ways:
//
//   swift build -c release --product neuroplast-fuzz --scratch-path .build-fuzz \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
//   .build-fuzz/release/neuroplast-fuzz -dict=fuzz/scenario.dict -max_len=16384 fuzz/work Scenarios
//
// (libFuzzer's own main; `fuzz/campaign.sh` runs it), and in every ordinary build as a small
// replayer — `neuroplast-fuzz FILE…` runs each file through the same function — so that the
// regression corpus needs no fuzzer to run.

import Experiments
import Foundation
import Scenario

/// One input through the loader; true when it was accepted.
@discardableResult
func exercise(_ data: UnsafeRawBufferPointer) -> Bool {
    let text = String(decoding: data, as: UTF8.self)
    do {
        if text.hasPrefix("sweep:") {
            _ = try SweepDecoder.decode(text: text, file: "fuzz-input.yaml")
        } else {
            // A fixed memory limit, so a finding does not depend on the machine.
            _ = try ScenarioLoader.load(text: text, file: "fuzz-input.yaml", memoryLimit: 16 * 1024 * 1024 * 1024)
        }
        return true
    } catch {
        return false
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    exercise(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// libFuzzer's driver, for executables that have their own `main` (libclang_rt.fuzzer).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable target's entry point as `<module>_main` (so tests can link
/// it) and aliases `main` to it; libFuzzer's own `main` is then never pulled in, so this
/// entry point hands the command line to libFuzzer's driver.
@_cdecl("neuroplast_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        exercise(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
}
#else
@main
struct Replay {
    static func main() {
        let files = CommandLine.arguments.dropFirst()
        guard !files.isEmpty else {
            print("usage: neuroplast-fuzz FILE… (runs each file through the loader; build with -DFUZZING for libFuzzer)")
            return
        }
        for f in files {
            guard let d = FileManager.default.contents(atPath: f) else { print("\(f): cannot read"); continue }
            let ok = d.withUnsafeBytes { exercise($0) }
            print("\(f): \(ok ? "accepted" : "refused")")
        }
    }
}
#endif
