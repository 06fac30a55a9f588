import Foundation
import Testing
import GRU4Rec

/// The probe of how far apart the two CPUs are (`probe.c`).
@Suite struct CPUDistanceTests {
    @Test func measuresARoundTripOnTwoCPUs() throws {
        try #require(ProcessInfo.processInfo.activeProcessorCount >= 2)
        // Few trips, so that a loaded machine (each trip waiting for a time slice) stays within the probe's second.
        let d = try #require(CPUDistance.measure(trips: 20, batches: 1))
        #expect(d.roundTripNanoseconds > 1 && d.roundTripNanoseconds < 1e9)
    }

    /// What a thread allowed on one CPU measured, and whether it ran.
    final class ResultBox: @unchecked Sendable {
        var value: CPUDistance?
        var ran = false
        var pinned = false
        var setAffinity: SetAffinity?
    }

    /// `sched_setaffinity`, which Swift's Glibc module does not export (it is a GNU extension).
    typealias SetAffinity = @convention(c) (Int32, Int, UnsafeRawPointer) -> Int32

    @Test func saysNothingWhenTheThreadMayUseOneCPU() throws {
        // The probe run from a thread allowed on CPU 0 only has no second CPU to measure against.
        let symbol = try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity"))  // RTLD_DEFAULT
        let box = ResultBox()
        box.setAffinity = unsafeBitCast(symbol, to: SetAffinity.self)
        let context = Unmanaged.passRetained(box)
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let b = Unmanaged<ResultBox>.fromOpaque(raw).takeRetainedValue()
            var set = cpu_set_t()
            let pinned = withUnsafeMutableBytes(of: &set) { bytes -> Int32 in
                bytes.initializeMemory(as: UInt8.self, repeating: 0)
                bytes[0] = 1  // CPU 0
                return b.setAffinity?(0, bytes.count, UnsafeRawPointer(bytes.baseAddress!)) ?? -1
            }
            b.pinned = pinned == 0
            b.value = CPUDistance.measure(trips: 20, batches: 1)
            b.ran = true
            return nil
        }, context.toOpaque())
        try #require(created == 0)
        pthread_join(thread, nil)
        #expect(box.ran)
        #expect(box.pinned)
        #expect(box.value == nil)
    }
}
