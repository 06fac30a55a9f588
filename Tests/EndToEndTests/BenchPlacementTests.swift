import Foundation
import GRU4Rec
import Testing

@testable import gru4rec

/// The benchmark's repeats kept apart by where the host placed the two CPUs.
@Suite struct BenchPlacementTests {
    /// A probe that answers the given round trips in turn (nil when they run out).
    final class ScriptedProbe {
        var readings: [Double?]
        var pauses: [Double] = []
        init(_ readings: [Double?]) { self.readings = readings }
        func probe(patience: Double = 0) -> PlacementProbe {
            PlacementProbe(measure: next, patience: patience, pause: { self.pauses.append($0) })
        }
        func next() -> CPUDistance? {
            guard !readings.isEmpty else { return nil }
            return readings.removeFirst().map { CPUDistance(roundTripNanoseconds: $0) }
        }
    }

    @Test func aRepeatWithAFarReadingIsSetAsideAndRunAgain() {
        // Readings before/after: near/near, near/FAR, FAR/near, near/near, near/near.
        let probe = ScriptedProbe([60, 70, 65, 350, 340, 80, 62, 64, 61, 63])
        var attempts: [Int] = []
        let placed = PlacedRepeats.run(repeats: 3, probe: probe.probe()) { attempt in
            attempts.append(attempt)
            return Double(1000 + attempt)
        }
        #expect(attempts == [0, 1, 2, 3, 4])
        #expect(placed.near == [1000, 1003, 1004])
        #expect(placed.far == [1001, 1002])
        #expect(placed.reported == [1000, 1003, 1004])
        #expect(placed.roundTrips.count == 10)
        let summary = placed.summary ?? ""
        #expect(summary.contains("60-80 ns apart around 3 repeat(s)"), "\(summary)")
        #expect(summary.contains("2 repeat(s) set aside with the CPUs 340-350 ns apart (1001, 1002 events/s)"), "\(summary)")
    }

    @Test func alwaysFarStopsAtThreeTimesTheRepeatsAndReportsTheFarFigures() {
        let probe = ScriptedProbe(Array(repeating: 360, count: 100))
        var count = 0
        let placed = PlacedRepeats.run(repeats: 2, probe: probe.probe()) { _ in count += 1; return 5 }
        #expect(count == 6)
        #expect(placed.near.isEmpty)
        #expect(placed.reported == Array(repeating: 5, count: 6))
        #expect(placed.summary?.contains("far apart (360 ns) around every repeat") == true)
    }

    @Test func aFarPlacementBeforeARepeatIsWaitedOutWithinThePatience() {
        // Far, far, near: the row waits two polls, then measures with near readings.
        let probe = ScriptedProbe([350, 340, 70, 75, 72, 74])
        let placed = PlacedRepeats.run(repeats: 2, probe: probe.probe(patience: 10)) { attempt in Double(attempt) }
        #expect(probe.pauses == [0.5, 0.5])
        #expect(placed.waited == 1.0)
        #expect(placed.near == [0, 1])
        #expect(placed.far.isEmpty)
        #expect(placed.roundTrips == [70, 75, 72, 74])
        #expect(placed.summary?.contains("(waited 1.0 s for them to come near)") == true)
    }

    @Test func waitingStopsAtThePatience() {
        // Always far: 1.2 s of patience allows two polls of 0.5 s in all, then every repeat runs far.
        let probe = ScriptedProbe(Array(repeating: 330, count: 100))
        let placed = PlacedRepeats.run(repeats: 1, probe: probe.probe(patience: 1.2)) { _ in 3 }
        #expect(probe.pauses == [0.5, 0.5])
        #expect(placed.near.isEmpty)
        #expect(placed.far == [3, 3, 3])
    }

    @Test func withoutAProbeEveryRepeatCounts() {
        var count = 0
        let placed = PlacedRepeats.run(repeats: 3, probe: nil) { _ in count += 1; return Double(count) }
        #expect(count == 3)
        #expect(placed.near == [1, 2, 3])
        #expect(placed.summary == nil)
    }

    @Test func aProbeThatCannotMeasureCountsTheRepeat() {
        let probe = ScriptedProbe([])
        let placed = PlacedRepeats.run(repeats: 2, probe: probe.probe()) { _ in 7 }
        #expect(placed.near == [7, 7])
        #expect(placed.far.isEmpty)
        #expect(placed.summary == nil)
    }
}
