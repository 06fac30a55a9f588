/// Turns a raw event file into GRU4Rec train/test session files, the way the reference
/// studies do (`gru4rec prepare`).
///
/// The steps, in order:
/// 1. Read every row (`PreprocessRawEvents`): session id, item id, time (in
///    `timeFormat`, converted to unix seconds), and the optional name.
/// 2. Row filters, each counted: `dropSessionsMatching`, `keepItemsMatching`, then every
///    `--min COL=VALUE`.
/// 3. Group into sessions: events by time, equal times in file order (the only order
///    there is when a whole order shares one timestamp); sessions by first event time,
///    ties by first appearance.
/// 4. With `dedupeConsecutive`, remove consecutive repeats of an item in a session.
/// 5. Filter to a fixed point: sessions shorter than `minSessionLength`, then items with
///    fewer than `minItemSupport` events, again and again until a round changes nothing
///    (with `dedupeConsecutive`, repeats that a removal brings together go too).
/// 6. Split: sessions whose first event is in the last `testDays` days before the latest
///    event are the test set, the rest the training set. The test set keeps only events
///    of training items (and, with `dedupeConsecutive`, loses repeats this brings
///    together), then only sessions of length 2 or more.
/// 7. With `validDays`, the same split of the training set gives `train_tr` and `valid`;
///    `train` stays the full training set.
///
/// Nothing is written here: `prepare(path:)` returns the files' bytes and the counts,
/// and `PreprocessResult.write(toDirectory:)` writes them once everything succeeded.
public struct Preprocessor {
    /// What to do.
    public let configuration: PreprocessConfiguration

    /// Checks `configuration`.
    /// - Throws: `PreprocessOptionError` for a bad number of days or length, or a bad
    ///   regular expression.
    public init(configuration: PreprocessConfiguration) throws {
        _ = try configuration.validated()
        self.configuration = configuration
    }

    /// Reads `path` and runs every step.
    /// - Throws: `InputError` for bad input (see `PreprocessRawEvents.read`), when a step
    ///   leaves nothing, and when a split leaves its training or test part empty.
    public func prepare(path: String) throws -> PreprocessResult {
        let configuration = self.configuration
        let patterns = try configuration.validated()
        let raw = try PreprocessRawEvents.read(
            path: path, configuration: configuration,
            sessionPattern: patterns.sessionPattern, itemPattern: patterns.itemPattern)
        let itemCount = raw.itemKeys.count
        var steps: [PreprocessCount] = []
        var warnings: [String] = []

        // Row filters.
        let rawCounts = raw.counts(afterRowFilters: 0)
        steps.append(PreprocessCount(step: "raw rows", events: rawCounts.events, sessions: rawCounts.sessions, items: rawCounts.items))
        for (k, label) in raw.rowFilters.map(\.label).enumerated() {
            let c = raw.counts(afterRowFilters: k + 1)
            steps.append(PreprocessCount(step: label, events: c.events, sessions: c.sessions, items: c.items))
            if c.events == 0 {
                throw InputError(
                    path: path, message: "no events left after the filter \"\(label)\"",
                    hint: "check the filter against the data; run without it to see the counts")
            }
        }
        if configuration.timeFormat == .unixSeconds, let latest = raw.eventTimes.max(), latest > 1e11 {
            warnings.append("the latest time is \(formatCompact(latest)), which is after the year 5000 in seconds: "
                + "are the times in milliseconds? then pass --time-format unix-ms")
        }

        // Sessions, repeats, filtering to a fixed point.
        var data = raw.keptSessions()
        func record(_ step: String, _ d: PreprocessSessions) {
            steps.append(PreprocessCount(
                step: step, events: d.eventCount, sessions: d.sessionCount, items: d.distinctItemCount(itemCount: itemCount)))
        }
        if configuration.dedupeConsecutive {
            data = data.removingConsecutiveRepeats()
            record("remove consecutive repeats", data)
        }
        let filtered = data.filteredToFixedPoint(
            minimumLength: configuration.minSessionLength, minimumSupport: configuration.minItemSupport,
            removingRepeats: configuration.dedupeConsecutive, itemCount: itemCount) { step, d in record(step, d) }
        data = filtered.sessions
        if data.eventCount == 0 {
            throw InputError(
                path: path,
                message: "no events left after filtering sessions shorter than \(configuration.minSessionLength) "
                    + "and items with fewer than \(configuration.minItemSupport) events",
                hint: "lower --min-item-support or --min-session-length, or check the session and item columns")
        }
        // The last round changed nothing: one row stands for it.
        if filtered.rounds > 1 { steps.removeLast(2) }
        let rounds = filtered.rounds
        steps.append(PreprocessCount(
            step: "filtered (fixed point after \(rounds) round\(rounds == 1 ? "" : "s"))", events: data.eventCount,
            sessions: data.sessionCount, items: data.distinctItemCount(itemCount: itemCount)))
        data = data.sortedByFirstEvent()

        // Splits.
        let (train, test) = try split(data, days: configuration.testDays, option: "--test-days",
                                      names: ("train", "test"), path: path, itemCount: itemCount, steps: &steps)
        var sets: [(String, PreprocessSessions)] = [("train.tsv", train), ("test.tsv", test)]
        if let validDays = configuration.validDays {
            let (trainTR, valid) = try split(train, days: validDays, option: "--valid-days",
                                             names: ("train_tr", "valid"), path: path, itemCount: itemCount, steps: &steps)
            sets += [("train_tr.tsv", trainTR), ("valid.tsv", valid)]
        }

        // Files.
        let renderer = PreprocessRenderer(sessionKeys: raw.sessionKeys, itemKeys: raw.itemKeys)
        var files = sets.map { name, d in
            PreprocessOutputFile(
                name: name, events: d.eventCount, sessions: d.sessionCount, items: d.distinctItemCount(itemCount: itemCount),
                firstTime: d.times.min() ?? 0, lastTime: d.times.max() ?? 0, bytes: renderer.sessionFile(d))
        }
        if configuration.nameColumn != nil {
            let (bytes, count) = renderer.itemFile(support: train.itemSupport(itemCount: itemCount), names: raw.itemNames)
            files.append(PreprocessOutputFile(
                name: "items.tsv", events: train.eventCount, sessions: train.sessionCount, items: count,
                firstTime: train.times.min() ?? 0, lastTime: train.times.max() ?? 0, bytes: bytes))
        }
        return PreprocessResult(steps: steps, files: files, warnings: warnings)
    }

    /// Splits `data` by session start into an earlier and a later part (the last `days`
    /// days); the later part keeps only items of the earlier part, then sessions of
    /// length 2 or more. Records the counts.
    /// - Throws: `InputError` when either part is empty.
    private func split(
        _ data: PreprocessSessions, days: Double, option: String, names: (String, String), path: String,
        itemCount: Int, steps: inout [PreprocessCount]
    ) throws -> (PreprocessSessions, PreprocessSessions) {
        func record(_ step: String, _ d: PreprocessSessions) {
            steps.append(PreprocessCount(
                step: step, events: d.eventCount, sessions: d.sessionCount, items: d.distinctItemCount(itemCount: itemCount)))
        }
        let (earlier, later, boundary) = data.splittingByStart(lastDays: days)
        let from = formatUTCMinute(boundary)
        let span = "\(formatCompact(days)) day\(days == 1 ? "" : "s")"
        record("\(names.0): sessions starting before \(from)", earlier)
        record("\(names.1): sessions starting from \(from)", later)
        guard earlier.sessionCount > 0 else {
            throw InputError(
                path: path,
                message: "the split leaves \(names.0) empty: every session starts in the last \(span) "
                    + "(from \(from) UTC to \(formatUTCMinute(data.times.max() ?? 0)) UTC)",
                hint: "use a smaller \(option) than \(formatCompact(days)); the data spans "
                    + "\(formatCompact(((data.times.max() ?? 0) - (data.times.min() ?? 0)) / 86400)) days")
        }
        var restricted = later.keepingItems(of: earlier, itemCount: itemCount)
        if configuration.dedupeConsecutive { restricted = restricted.removingConsecutiveRepeats() }
        record("\(names.1): \(names.0) items only", restricted)
        restricted = restricted.keepingSessions(minimumLength: 2).sortedByFirstEvent()
        record("\(names.1): sessions with length >= 2", restricted)
        guard restricted.sessionCount > 0 else {
            throw InputError(
                path: path,
                message: "the split leaves \(names.1) empty: no session of length 2 or more with \(names.0) items "
                    + "starts in the last \(span) (from \(from) UTC); \(later.sessionCount) session(s) started there before the restriction",
                hint: "use a larger \(option) than \(formatCompact(days))")
        }
        return (earlier, restricted)
    }
}

/// The counts after one step of `Preprocessor`.
public struct PreprocessCount: Sendable, Equatable {
    /// What the step did, e.g. "keep rows with Quantity >= 1".
    public var step: String
    public var events: Int
    public var sessions: Int
    /// Distinct items.
    public var items: Int
}
