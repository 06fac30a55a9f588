import CKernels
import GRU4Rec

/// One streaming read of a model's output weights Wy, in two halves on the threads that
/// score (a sum, so that nothing is skipped): the memory traffic of a full scoring pass
/// without its arithmetic. Timed beside the live clicks, it is the baseline that the
/// click is set against in the same run.
struct WyRead {
    let weights: UnsafePointer<Float>
    let count: Int
    let parallelism: Parallelism
    /// The sum of the weights the last read found (kept, so that the read cannot be skipped).
    private(set) var lastSum: Float = 0

    init(_ model: GRU4RecModel, parallelism: Parallelism) {
        weights = UnsafePointer(model.parameters["Wy.weight"])
        count = model.itemCount * model.outputSize
        self.parallelism = parallelism
    }

    var bytes: Int { count * MemoryLayout<Float>.size }
    var megabytes: Double { Double(bytes) / 1e6 }

    /// One read's time in milliseconds.
    mutating func time() -> Double {
        var sums: (Float, Float) = (0, 0)
        let (p, n) = (weights, count)
        let t = nowNanoseconds()
        parallelism.run { part in
            let r = Parallelism.half(n, part: part, align: 16)
            let s = g4r_stream_sum(p + r.lowerBound, r.count)
            if part == 0 { sums.0 = s } else { sums.1 = s }
        }
        let ms = Double(nowNanoseconds() - t) / 1e6
        lastSum = sums.0 + sums.1
        return ms
    }

    /// The median of `reads` reads, in milliseconds.
    mutating func median(of reads: Int) -> Double {
        let times = (0..<max(reads, 1)).map { _ in time() }
        return Bench.p50p99(times).0
    }
}

/// One burst of live clicks: each click's latency (ms) and, when paired, the time of a
/// read of Wy right after it. With two threads the placement is read every 100 clicks:
/// the clicks (and reads) of a hundred with a far reading at either end are kept apart.
struct LiveClickBurst {
    var near: [Double] = [], far: [Double] = []
    /// The reads of Wy taken after the near clicks (empty when not paired).
    var nearReads: [Double] = []
    /// The placement readings taken between the clicks, in nanoseconds.
    var roundTrips: [Double] = []
}

/// Live-click latencies gathered in bursts of the same clicks, spread over a run (they take
/// turns with the training rows): the p50 is the median of the bursts' p50s, so that a slower
/// spell of the machine moves one burst rather than the figure; the p99 is over all clicks
/// kept. Clicks read with the CPUs far apart are set aside (kept only when no burst had a
/// near click).
///
/// A click at 100,000 items reads the 40 MB of Wy, more than this machine's 32 MB L3 cache,
/// which it shares with the host's other tenants: its time follows their memory traffic
/// (±8% between quiet runs). Each click is therefore followed by a plain read of the same
/// Wy through the same two threads, and `perRead`, the median of the bursts' click p50 over
/// their read p50, is the figure that follows the code rather than the host.
struct LiveClickBursts {
    var near: [[Double]] = [], far: [[Double]] = []
    /// Per near burst: (click p50, read p50), when the burst was paired with reads.
    var paired: [(click: Double, read: Double)] = []
    var setAside = 0
    /// The placement readings taken between the clicks, in nanoseconds.
    var roundTrips: [Double] = []

    mutating func add(_ burst: LiveClickBurst) {
        if !burst.near.isEmpty {
            near.append(burst.near)
            if !burst.nearReads.isEmpty { paired.append((Bench.p50p99(burst.near).0, Bench.p50p99(burst.nearReads).0)) }
        } else {
            far.append(burst.far)
        }
        setAside += burst.far.count
        roundTrips += burst.roundTrips
    }

    struct Figures {
        var p50: Double, p99: Double, setAside: Int
        /// The median of the paired bursts' read p50s, and of their click p50 / read p50
        /// (nil without paired bursts).
        var readP50: Double?, perRead: Double?
    }

    var figures: Figures {
        let bursts = near.isEmpty ? far : near
        return Figures(p50: Bench.stat(bursts.map { Bench.p50p99($0).0 }).median, p99: Bench.p50p99(bursts.flatMap { $0 }).1,
                       setAside: near.isEmpty ? 0 : setAside,
                       readP50: paired.isEmpty ? nil : Bench.stat(paired.map(\.read)).median,
                       perRead: paired.isEmpty ? nil : Bench.stat(paired.map { $0.click / $0.read }).median)
    }
}

extension Bench {
    /// A burst of `clicks` live clicks (ms each): one GRU step and the top-10, from all scores
    /// or, with a `scorer`, screened (``ScreenedScorer``: the same list), a session reset every
    /// 20 clicks (the same items every call). With `pairedReads`, each click is followed by a
    /// timed read of Wy (``WyRead``), so that clicks and reads see the same state of the
    /// host's memory. With two threads the CPUs' placement is read every 100 clicks (outside
    /// the timed clicks).
    func liveClicks(_ model: GRU4RecModel, clicks: Int, scorer: ScreenedScorer? = nil, pairedReads: Bool = false,
                    parallelism: Parallelism) -> LiveClickBurst {
        let live = LiveSession(model: model, parallelism: parallelism, scorer: scorer)
        let probe = placementProbe(parallelism)
        var read = WyRead(model, parallelism: parallelism)
        var burst = LiveClickBurst(), window: [Double] = [], reads: [Double] = []
        func farReading() -> Bool {
            guard let reading = probe?.measure() else { return false }
            burst.roundTrips.append(reading.roundTripNanoseconds)
            return reading.isFar
        }
        var startFar = farReading()
        var rng = SeededGenerator(seed: 9)
        for k in 0..<clicks {
            if k % 20 == 0 { live.reset() }
            let item = rng.nextInt(below: model.itemCount)
            let t = nowNanoseconds()
            live.feed(item)
            _ = live.topK(10)
            window.append(Double(nowNanoseconds() - t) / 1e6)
            if pairedReads { reads.append(read.time()) }
            if window.count == 100 || k == clicks - 1 {
                let endFar = farReading()
                if startFar || endFar {
                    burst.far += window
                } else {
                    burst.near += window
                    burst.nearReads += reads
                }
                startFar = endFar
                window = []
                reads = []
            }
        }
        return burst
    }

    /// A live click's latency in one go (p50, p99 in ms; the clicks set aside with the CPUs far).
    func liveLatency(_ model: GRU4RecModel, clicks: Int, scorer: ScreenedScorer? = nil,
                     parallelism: Parallelism) -> (p50: Double, p99: Double, setAside: Int) {
        var bursts = LiveClickBursts()
        bursts.add(liveClicks(model, clicks: clicks, scorer: scorer, parallelism: parallelism))
        let figures = bursts.figures
        return (figures.p50, figures.p99, figures.setAside)
    }
}
