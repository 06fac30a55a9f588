import Foundation
import GRU4Rec

/// How the benchmark reads the CPUs' placement: the probe, and how long a row may
/// wait for the CPUs to come near before a repeat (`--near-wait`).
struct PlacementProbe {
    /// Reads the distance now (``CPUDistance/measure(on:trips:batches:)`` in the benchmark).
    var measure: () -> CPUDistance?
    /// Seconds one row may spend, in all, waiting for a near placement.
    var patience: Double
    /// Seconds between two readings while waiting.
    var pollSeconds = 0.5
    /// Sleeps the given seconds (a no-op in tests).
    var pause: (Double) -> Void = { usleep(UInt32($0 * 1e6)) }
}

/// One repeat of a measurement, cut into windows by probe readings taken inside it:
/// the measurement calls ``start(events:)`` when its timed span begins, ``mark(events:)``
/// at each progress report (the probe is read there, and the time the reading takes
/// is left out of both windows), and ``stop(events:)`` at the end. A window is far
/// when the reading at either of its ends was far; the first window's start reading is
/// the one taken before the repeat, the last window's end reading the one after.
///
/// On these machines the host moves the two vCPUs apart and back from one second to
/// the next, so a repeat of a few seconds can hold both placements; cut into windows
/// (20 mini-batches each in training), a change of placement sets aside only the windows
/// it touched.
final class RepeatWindows {
    struct Window: Equatable {
        var events: Int
        var seconds: Double
        /// Whether the reading at the window's start / end was far (nil: no reading).
        var startFar: Bool?
        var endFar: Bool?
        var far: Bool { startFar == true || endFar == true }
        /// Events per second (nil for a window of no time).
        var rate: Double? { seconds > 0 ? Double(events) / seconds : nil }
    }

    private(set) var windows: [Window] = []
    /// Every reading taken inside the repeat, in nanoseconds.
    private(set) var roundTrips: [Double] = []
    private let probe: (() -> CPUDistance?)?
    private let clock: () -> UInt64
    private let before: Bool?
    private var open: (ns: UInt64, events: Int, far: Bool?)?

    /// `probe`: read at each mark (nil: not probed); `before`: the reading taken just
    /// before the repeat.
    init(probe: (() -> CPUDistance?)?, before: CPUDistance?, clock: @escaping () -> UInt64 = nowNanoseconds) {
        self.probe = probe
        self.clock = clock
        self.before = before?.isFar
    }

    /// The timed span begins, `events` events into the run.
    func start(events: Int) { open = (clock(), events, before) }

    /// Ends the open window, reads the probe and opens the next one.
    func mark(events: Int) {
        let end = clock()
        let reading = probe?()
        if let reading { roundTrips.append(reading.roundTripNanoseconds) }
        close(events: events, at: end, endFar: reading?.isFar)
        open = (clock(), events, reading?.isFar)
    }

    /// Ends the timed span; the last window's end reading comes with ``finish(after:)``.
    func stop(events: Int) {
        close(events: events, at: clock(), endFar: nil)
        open = nil
    }

    /// A measurement with no windows of its own (an evaluation pass): one window.
    func record(events: Int, seconds: Double) {
        windows.append(Window(events: events, seconds: seconds, startFar: before, endFar: nil))
    }

    /// The reading taken after the repeat ends the last window.
    func finish(after: CPUDistance?) {
        if !windows.isEmpty, windows[windows.count - 1].endFar == nil { windows[windows.count - 1].endFar = after?.isFar }
    }

    private func close(events: Int, at end: UInt64, endFar: Bool?) {
        guard let o = open, events > o.events else { return }  // an empty window (a stop right after a mark) says nothing
        windows.append(Window(events: events - o.events, seconds: Double(end &- o.ns) / 1e9, startFar: o.far, endFar: endFar))
    }

    /// The median rate (events/s) of the near windows, or of the far ones; 0 for none.
    /// A repeat's figure: a few seconds of a slower machine (the host's other tenants)
    /// move the repeat's overall rate, but only the windows they touch.
    func medianRate(far: Bool) -> Double {
        Bench.stat(windows.filter { $0.far == far }.compactMap(\.rate)).median
    }

    /// The near windows' events and seconds, and the far ones'.
    var split: (near: (events: Int, seconds: Double), far: (events: Int, seconds: Double)) {
        var near = (events: 0, seconds: 0.0), far = (events: 0, seconds: 0.0)
        for w in windows {
            if w.far { far.events += w.events; far.seconds += w.seconds } else { near.events += w.events; near.seconds += w.seconds }
        }
        return (near, far)
    }
}

/// Repeats of a two-thread measurement kept apart by where the host had placed the
/// two CPUs (``CPUDistance``). The probe is read before and after each repeat and
/// inside it (``RepeatWindows``); a repeat's rate is the median of its near windows'
/// rates, and the repeat counts as near when those cover at least half its timed span. Before a
/// repeat, while the CPUs read far, the row waits for them to come near (within the
/// probe's patience). The figure reported is the median of the near repeats; far ones
/// are set aside and reported beside it, and further repeats are run (up to three
/// times `repeats` in all) until `repeats` near ones are in. With one thread, or where
/// the distance cannot be measured, every window counts.
struct PlacedRepeats {
    /// Rates of the repeats with the CPUs near each other (all repeats when not probed).
    var near: [Double] = []
    /// Rates of the repeats that ran mostly with the CPUs far apart.
    var far: [Double] = []
    /// Rates of the windows with the CPUs near, over all repeats.
    var nearWindowRates: [Double] = []
    /// Every round trip read, before, inside and after the repeats, in nanoseconds.
    var roundTrips: [Double] = []
    /// Windows, in all, and those set aside (far), with their seconds.
    var windows = 0, farWindows = 0
    var seconds = 0.0, farSeconds = 0.0
    /// Seconds spent waiting for a near placement.
    var waited: Double = 0

    /// Repeats run so far (near and far).
    var attempts = 0

    /// Whether another repeat is due: fewer than `repeats` near ones are in, and fewer
    /// than `3 * repeats` were run (`repeats` without a probe).
    func due(repeats: Int, probed: Bool) -> Bool {
        near.count < repeats && attempts < (probed ? 3 * repeats : repeats)
    }

    /// Runs `measure(attempt, windows)` (`attempt` counts from 0) once, reading `probe`
    /// before and after it and at the measurement's marks, and files its rate.
    mutating func runOne(probe: PlacementProbe?, clock: @escaping () -> UInt64 = nowNanoseconds,
                         _ measure: (Int, RepeatWindows) throws -> Void) rethrows {
        var before = probe?.measure()
        if let probe {
            while before?.isFar == true, waited + probe.pollSeconds <= probe.patience {
                probe.pause(probe.pollSeconds)
                waited += probe.pollSeconds
                before = probe.measure()
            }
        }
        let windows = RepeatWindows(probe: probe?.measure, before: before, clock: clock)
        try measure(attempts, windows)
        let after = probe?.measure()
        windows.finish(after: after)
        attempts += 1
        roundTrips += [before].compactMap { $0?.roundTripNanoseconds } + windows.roundTrips + [after].compactMap { $0?.roundTripNanoseconds }
        nearWindowRates += windows.windows.filter { !$0.far }.compactMap(\.rate)
        let (near, far) = windows.split
        self.windows += windows.windows.count
        farWindows += windows.windows.filter(\.far).count
        seconds += near.seconds + far.seconds
        farSeconds += far.seconds
        if near.seconds > 0, near.seconds >= far.seconds {
            self.near.append(windows.medianRate(far: false))
        } else if far.seconds > 0 {
            self.far.append(windows.medianRate(far: true))
        }
    }

    /// Runs repeats (``runOne(probe:clock:_:)``) while one is ``due(repeats:probed:)``.
    static func run(repeats: Int, probe: PlacementProbe?, clock: @escaping () -> UInt64 = nowNanoseconds,
                    _ measure: (Int, RepeatWindows) throws -> Void) rethrows -> PlacedRepeats {
        var result = PlacedRepeats()
        while result.due(repeats: repeats, probed: probe != nil) { try result.runOne(probe: probe, clock: clock, measure) }
        return result
    }

    /// What the row reports: the near repeats, or the far ones when no repeat was near.
    var reported: [Double] { near.isEmpty ? far : near }

    /// The row's figure: the median and range of the reported repeats' rates.
    var figure: Bench.Stat { Bench.stat(reported) }

    /// The placement line printed under a training row, or nil when nothing was probed.
    var summary: String? {
        guard !roundTrips.isEmpty else { return nil }
        let threshold = CPUDistance.farThresholdNanoseconds
        let nearTrips = roundTrips.filter { $0 <= threshold }, farTrips = roundTrips.filter { $0 > threshold }
        func range(_ xs: [Double]) -> String {
            guard let lo = xs.min(), let hi = xs.max() else { return "-" }
            return lo.rounded() == hi.rounded() ? String(format: "%.0f ns", lo) : String(format: "%.0f-%.0f ns", lo, hi)
        }
        let readings = "\(roundTrips.count) reading\(roundTrips.count == 1 ? "" : "s")"
        var s = "placement: CPUs \(range(nearTrips)) apart in \(near.count) repeat(s) (\(readings))"
        if waited > 0 { s += String(format: " (waited %.1f s for them to come near)", waited) }
        if near.isEmpty {
            return "placement: the CPUs were far apart (\(range(farTrips))) in every repeat (\(readings))"
                + (waited > 0 ? String(format: " (waited %.0f s for them to come near)", waited) : "")
                + ": the figure above is of the far placement"
        }
        if farWindows > 0 {
            s += String(format: "; set aside with the CPUs %@ apart: %d of %d windows (%.2f of %.2f s)", range(farTrips),
                        farWindows, windows, farSeconds, seconds)
            if !far.isEmpty {
                s += String(format: ", %d whole repeat(s) (%@ events/s)", far.count, far.map { String(format: "%.0f", $0) }.joined(separator: ", "))
            }
        }
        return s
    }

    /// The JSON form: round trips, windows and the set-aside rates.
    var report: [String: Any] {
        ["round_trip_ns": roundTrips, "near_repeats": near.count, "far_rates": far, "waited_s": waited,
         "windows": windows, "far_windows": farWindows, "near_window_rates": nearWindowRates, "seconds": seconds, "far_seconds": farSeconds]
    }
}

/// What the placement readings of a whole run say about the host: a run during which
/// no reading was far is quiet. In the runs where the host moved the two CPUs apart at
/// times, the figures read lower even in the windows kept, by up to 15% (BPR-max and
/// evaluation; the live click's latency up to 40% higher: the host was busy in other
/// ways too), so only quiet runs are comparable with one another. (The live click's ratio
/// to a read of the same weights, ``LiveClickBursts``, held within ±2.2% in busy runs too.)
struct HostActivity {
    var readings = 0, far = 0

    mutating func add(_ roundTrips: [Double]) {
        readings += roundTrips.count
        far += roundTrips.filter { $0 > CPUDistance.farThresholdNanoseconds }.count
    }

    var quiet: Bool { far == 0 }

    /// The verdict line (nil when nothing was read: one thread, or no probe).
    var line: String? {
        guard readings > 0 else { return nil }
        return quiet
            ? "host: the CPUs read near at all \(readings) placement readings of this run: a quiet run, comparable with other quiet runs"
            : "host: the CPUs read far at \(far) of \(readings) placement readings: the host was busy during this run, and even the windows kept may read up to 15% low (BPR-max, evaluation; the live click up to 40% slow, while its ratio to the read of Wy holds); to compare with another run, run again until one reads quiet"
    }

    var report: [String: Any] { ["readings": readings, "far_readings": far, "quiet": quiet] }
}
