import Foundation
import GRU4Rec
import Testing

/// The probe of how far apart a ``Parallelism``'s two threads sit (`pool.c`).
@Suite struct CPUDistanceTests {
    @Test func measuresARoundTripBetweenTheCallerAndTheWorker() throws {
        try #require(ProcessInfo.processInfo.activeProcessorCount >= 2)
        let parallelism = Parallelism(threads: 2)
        try #require(parallelism.threads == 2)
        // Few trips, so that a loaded machine (each trip waiting for a time slice) stays
        // within the probe's 50 ms; a reading can still be refused there, so ask a few times.
        var reading: CPUDistance?
        for _ in 0..<50 where reading == nil {
            let before = parallelism.handOff
            reading = CPUDistance.measure(on: parallelism, trips: 20, batches: 1)
            let splits = parallelism.handOff - before
            #expect(splits.published == 1)
            // A reading needs both parts running at once: part 1 on the worker.
            if reading != nil { #expect(splits.onWorker == 1 && splits.onCaller == 0) }
        }
        let d = try #require(reading)
        #expect(d.roundTripNanoseconds > 1 && d.roundTripNanoseconds < 50e6)
    }

    @Test func oneThreadHasNoDistance() {
        #expect(CPUDistance.measure(on: .serial) == nil)
    }

    @Test func aCallFromInsideASplitSaysNothingAndReturns() throws {
        // The pool is busy with the split that calls it: both probe parts run on the caller,
        // one after the other, and part 0 gives up after its 50 ms instead of waiting forever.
        let parallelism = Parallelism(threads: 2)
        try #require(parallelism.threads == 2)
        var readings: [CPUDistance?] = [CPUDistance(roundTripNanoseconds: 1), CPUDistance(roundTripNanoseconds: 1)]
        let start = DispatchTime.now().uptimeNanoseconds
        readings.withUnsafeMutableBufferPointer { out in
            parallelism.run { part in
                if part == 0 { out[0] = CPUDistance.measure(on: parallelism, trips: 20, batches: 3) }
            }
        }
        #expect(readings[0] == nil)
        #expect(DispatchTime.now().uptimeNanoseconds - start < 5_000_000_000)
    }

    @Test func thresholdSeparatesThePlacements() {
        #expect(!CPUDistance(roundTripNanoseconds: 80).isFar)
        #expect(CPUDistance(roundTripNanoseconds: 340).isFar)
    }
}
