import FuzzTargets

#if canImport(Glibc)
import Glibc
#endif

/// FUZZ_TARGET names the target (`scripts/fuzz.sh` sets it); read once, before the first input.
nonisolated(unsafe) private var target: (any FuzzTarget.Type)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    // scripts/fuzz.sh --seed: write the generated seeds and stop.
    if let dir = getenv("FUZZ_WRITE_SEEDS") {
        do { try FuzzSeeds.write(into: String(cString: dir)) } catch { fail("cannot write seeds: \(error)") }
        exit(0)
    }
    let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let found = FuzzTargets.named(name) else {
        let names = FuzzTargets.names.joined(separator: " ")
        fail("FUZZ_TARGET must be one of: \(names) (got '\(name)')")
    }
    target = found
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    target!.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// To stderr (through the fd: Glibc's `stderr` is a global Swift 6 refuses), then exit.
private func fail(_ message: String) -> Never {
    let bytes = Array((message + "\n").utf8)
    _ = write(2, bytes, bytes.count)
    exit(2)
}
