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
        let placed = PlacedRepeats.run(repeats: 3, probe: probe.probe()) { attempt, windows in
            attempts.append(attempt)
            windows.record(events: 1000 + attempt, seconds: 1)
        }
        #expect(attempts == [0, 1, 2, 3, 4])
        #expect(placed.near == [1000, 1003, 1004])
        #expect(placed.far == [1001, 1002])
        #expect(placed.reported == [1000, 1003, 1004])
        #expect(placed.roundTrips.count == 10)
        let summary = placed.summary ?? ""
        #expect(summary.contains("60-80 ns apart in 3 repeat(s) (10 readings)"), "\(summary)")
        #expect(summary.contains("set aside with the CPUs 340-350 ns apart: 2 of 5 windows (2.00 of 5.00 s), 2 whole repeat(s) (1001, 1002 events/s)"), "\(summary)")
    }

    @Test func alwaysFarStopsAtThreeTimesTheRepeatsAndReportsTheFarFigures() {
        let probe = ScriptedProbe(Array(repeating: 360, count: 100))
        var count = 0
        let placed = PlacedRepeats.run(repeats: 2, probe: probe.probe()) { _, windows in count += 1; windows.record(events: 5, seconds: 1) }
        #expect(count == 6)
        #expect(placed.near.isEmpty)
        #expect(placed.reported == Array(repeating: 5, count: 6))
        #expect(placed.summary?.contains("far apart (360 ns) in every repeat") == true)
    }

    @Test func aFarPlacementBeforeARepeatIsWaitedOutWithinThePatience() {
        // Far, far, near: the row waits two polls, then measures with near readings.
        let probe = ScriptedProbe([350, 340, 70, 75, 72, 74])
        let placed = PlacedRepeats.run(repeats: 2, probe: probe.probe(patience: 10)) { attempt, windows in
            windows.record(events: 10 * (attempt + 1), seconds: 10)
        }
        #expect(probe.pauses == [0.5, 0.5])
        #expect(placed.waited == 1.0)
        #expect(placed.near == [1, 2])
        #expect(placed.far.isEmpty)
        #expect(placed.roundTrips == [70, 75, 72, 74])
        #expect(placed.summary?.contains("(waited 1.0 s for them to come near)") == true)
    }

    @Test func waitingStopsAtThePatience() {
        // Always far: 1.2 s of patience allows two polls of 0.5 s in all, then every repeat runs far.
        let probe = ScriptedProbe(Array(repeating: 330, count: 100))
        let placed = PlacedRepeats.run(repeats: 1, probe: probe.probe(patience: 1.2)) { _, windows in windows.record(events: 3, seconds: 1) }
        #expect(probe.pauses == [0.5, 0.5])
        #expect(placed.near.isEmpty)
        #expect(placed.far == [3, 3, 3])
    }

    @Test func withoutAProbeEveryRepeatCounts() {
        var count = 0
        let placed = PlacedRepeats.run(repeats: 3, probe: nil) { _, windows in count += 1; windows.record(events: count, seconds: 1) }
        #expect(count == 3)
        #expect(placed.near == [1, 2, 3])
        #expect(placed.summary == nil)
    }

    @Test func aProbeThatCannotMeasureCountsTheRepeat() {
        let probe = ScriptedProbe([])
        let placed = PlacedRepeats.run(repeats: 2, probe: probe.probe()) { _, windows in windows.record(events: 7, seconds: 1) }
        #expect(placed.near == [7, 7])
        #expect(placed.far.isEmpty)
        #expect(placed.summary == nil)
    }
}

/// A repeat cut into windows by the probe readings taken inside it.
@Suite struct RepeatWindowsTests {
    /// A clock that answers the given nanoseconds in turn.
    final class ScriptedClock {
        var times: [UInt64]
        init(_ seconds: [Double]) { times = seconds.map { UInt64($0 * 1e9) } }
        func now() -> UInt64 { times.isEmpty ? 0 : times.removeFirst() }
    }

    @Test func aPlacementChangeInsideARepeatSetsAsideOnlyTheWindowsItTouched() {
        // Before 60 ns; inside, at the four marks: 70, 350 (far), 65, 68; after 62.
        let probe = BenchPlacementTests.ScriptedProbe([60, 70, 350, 65, 68, 62])
        // start; each mark ends a window, reads the probe (0.1 s, outside every window) and
        // opens the next; stop. Windows: 1 s, 0.5 s, 0.5 s, 1 s, 0.5 s.
        let clock = ScriptedClock([0, 1, 1.1, 1.6, 1.7, 2.2, 2.3, 3.3, 3.4, 3.9])
        let placed = PlacedRepeats.run(repeats: 1, probe: probe.probe(), clock: clock.now) { _, windows in
            windows.start(events: 0)
            for k in 1...4 { windows.mark(events: 100 * k) }
            windows.stop(events: 500)
        }
        // Windows 2 and 3 touch the far reading (at the end of one, the start of the other);
        // the near ones run at 100, 100 and 200 events/s: the repeat's rate is their median.
        #expect(placed.windows == 5)
        #expect(placed.farWindows == 2)
        #expect(abs(placed.farSeconds - 1.0) < 1e-9)
        #expect(abs(placed.seconds - 3.5) < 1e-9)
        #expect(placed.near == [100])
        #expect(placed.far.isEmpty)
        #expect(placed.nearWindowRates == [100, 100, 200])
        #expect(placed.roundTrips == [60, 70, 350, 65, 68, 62])
        let summary = placed.summary ?? ""
        #expect(summary.contains("60-70 ns apart in 1 repeat(s) (6 readings)"), "\(summary)")
        #expect(summary.contains("set aside with the CPUs 350 ns apart: 2 of 5 windows (1.00 of 3.50 s)"), "\(summary)")
        #expect(!summary.contains("whole repeat"), "\(summary)")
    }

    @Test func aRepeatMostlyFarIsRunAgain() {
        // First repeat: near at the start, far at both marks and after: 2 of its 3 s are far.
        // Second repeat: near throughout.
        let probe = BenchPlacementTests.ScriptedProbe([60, 330, 340, 335, 61, 62, 63, 64])
        let clock = ScriptedClock([0, 1, 1, 2, 2, 3, 10, 11, 11, 12, 12, 13])
        var attempts = 0
        let placed = PlacedRepeats.run(repeats: 1, probe: probe.probe(), clock: clock.now) { _, windows in
            attempts += 1
            windows.start(events: 0)
            windows.mark(events: 10)
            windows.mark(events: 20)
            windows.stop(events: 30)
        }
        #expect(attempts == 2)
        #expect(placed.far == [10])
        #expect(placed.near == [10])
        #expect(placed.summary?.contains("1 whole repeat(s) (10 events/s)") == true)
    }

    @Test func aStopRightAfterAMarkOpensNoEmptyWindow() {
        let windows = RepeatWindows(probe: { CPUDistance(roundTripNanoseconds: 70) }, before: nil, clock: ScriptedClock([0, 1, 1, 1]).now)
        windows.start(events: 0)
        windows.mark(events: 50)
        windows.stop(events: 50)
        windows.finish(after: CPUDistance(roundTripNanoseconds: 400))
        #expect(windows.windows.count == 1)
        // The window's end reading is the mark's (near), not the one after the repeat.
        #expect(windows.windows.first?.far == false)
        #expect(windows.medianRate(far: false) == 50)
    }
}

/// The run's verdict from all its placement readings.
@Suite struct HostActivityTests {
    @Test func aRunWithoutAFarReadingIsQuiet() {
        var host = HostActivity()
        host.add([70, 80, 95])
        host.add([])
        #expect(host.quiet)
        #expect(host.line?.contains("near at all 3 placement readings of this run: a quiet run") == true)
        #expect(host.report["quiet"] as? Bool == true)
    }

    @Test func oneFarReadingMakesTheRunBusy() {
        var host = HostActivity()
        host.add([70, 80])
        host.add([340, 75])
        #expect(!host.quiet)
        #expect(host.line?.contains("far at 1 of 4 placement readings: the host was busy") == true)
        #expect(host.report["far_readings"] as? Int == 1)
    }

    @Test func nothingReadSaysNothing() {
        #expect(HostActivity().line == nil)
    }
}

/// The live click's figures, and the read of Wy it is set against.
@Suite struct LiveClickBurstsTests {
    @Test func theClickPerReadIsTheMedianOfTheBurstsRatiosAndFarBurstsAreSetAside() {
        var bursts = LiveClickBursts()
        bursts.add(LiveClickBurst(near: [1, 2, 3], nearReads: [1, 1, 1]))  // p50 2, read 1: 2x
        bursts.add(LiveClickBurst(near: [2, 4, 6], nearReads: [2, 2, 2]))  // p50 4, read 2: 2x
        bursts.add(LiveClickBurst(far: [9, 9], roundTrips: [340, 350]))     // set aside
        bursts.add(LiveClickBurst(near: [3, 3, 3], nearReads: [1, 1, 1]))  // p50 3, read 1: 3x
        let f = bursts.figures
        #expect(f.p50 == 3)
        #expect(f.readP50 == 1)
        // The median of the ratios (2, 2, 3), not the ratio of the medians (3 / 1).
        #expect(f.perRead == 2)
        #expect(f.setAside == 2)
        #expect(bursts.roundTrips == [340, 350])
    }

    @Test func withoutReadsThereIsNoRatio() {
        var bursts = LiveClickBursts()
        bursts.add(LiveClickBurst(near: [1, 2, 3]))
        #expect(bursts.figures.p50 == 2)
        #expect(bursts.figures.readP50 == nil && bursts.figures.perRead == nil)
    }

    @Test func aBurstPairsOneReadOfWyWithEveryClick() throws {
        let bench = try Bench.parse(["--threads", "2"])
        let parallelism = Parallelism(threads: 2)
        let model = try bench.syntheticModel(items: 5_000, hidden: 16)
        let burst = bench.liveClicks(model, clicks: 250, pairedReads: true, parallelism: parallelism)
        #expect(burst.near.count + burst.far.count == 250)
        #expect(burst.nearReads.count == burst.near.count)
        #expect(burst.nearReads.allSatisfy { $0 > 0 })
        // Readings of the placement before the clicks and after each hundred.
        #expect(burst.roundTrips.count <= 4)
        let unpaired = bench.liveClicks(model, clicks: 30, parallelism: Parallelism.serial)
        #expect(unpaired.near.count == 30 && unpaired.nearReads.isEmpty && unpaired.roundTrips.isEmpty)
    }

    @Test func aReadOfWyReadsEveryWeight() throws {
        let model = try Bench.parse([]).syntheticModel(items: 1_000, hidden: 8)
        for parallelism in [Parallelism.serial, Parallelism(threads: 2)] {
            var read = WyRead(model, parallelism: parallelism)
            #expect(read.count == 8_000)
            #expect(read.megabytes == 0.032)
            #expect(read.time() >= 0)
            // Both halves, every weight: the sum of the whole matrix.
            let whole = UnsafeBufferPointer(start: read.weights, count: read.count).reduce(Double(0)) { $0 + Double($1) }
            let magnitude = UnsafeBufferPointer(start: read.weights, count: read.count).reduce(Double(0)) { $0 + Double(abs($1)) }
            #expect(abs(Double(read.lastSum) - whole) <= 1e-5 * magnitude, "\(read.lastSum) against \(whole)")
            #expect(read.lastSum != 0)
        }
    }
}
