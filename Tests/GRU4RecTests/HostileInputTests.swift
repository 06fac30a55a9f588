import Foundation
import Testing
import GRU4Rec

/// Unit tests of the defences against hostile input (issue 12) that the end-to-end
/// bad-input table (`BadInputTests`) does not reach directly.
@Suite struct HostileInputTests {
    @Test func aLogWhoseLastLineWasCutReadsTheRecordsBeforeIt() throws {
        let dir = NSTemporaryDirectory() + "gru4rec-log-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/m.log.jsonl"
        let records: [TrainingLogRecord] = [.end(epochs: 1, keptEpoch: 1, time: "t"), .end(epochs: 2, keptEpoch: 2, time: "u")]
        try TrainingLog.append(records, to: path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"type\":\"epoch\",\"epo".utf8))
        handle.closeFile()
        #expect(try TrainingLog.read(path: path) == records)
        // A bad line that is not the last one is still an error with its line number.
        try TrainingLog.append([.end(epochs: 3, keptEpoch: 3, time: "v")], to: path)
        #expect(throws: InputError.self) { try TrainingLog.read(path: path) }
    }

    @Test func aRunIsCommittedToTheModelLogOnlyWhenAsked() throws {
        let dir = NSTemporaryDirectory() + "gru4rec-log-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = dir + "/m.log.jsonl", run = dir + "/m.checkpoint.log.jsonl"
        let old: [TrainingLogRecord] = [.end(epochs: 1, keptEpoch: 1, time: "old")]
        try TrainingLog.append(old, to: model)
        try TrainingLog.append([.end(epochs: 2, keptEpoch: 2, time: "new")], to: run)
        #expect(try TrainingLog.read(path: model) == old)
        try TrainingLog.commitRun(from: run, to: model)
        #expect(try TrainingLog.read(path: model) == old + [.end(epochs: 2, keptEpoch: 2, time: "new")])
        #expect(!FileManager.default.fileExists(atPath: run))
    }

    @Test func controlCharactersAreEscapedInErrors() {
        let error = InputError(path: "a\u{1B}b.tsv", line: 3, message: "found \"\u{1B}[31mred\u{7}\"", hint: "x\u{9B}y")
        #expect(error.description == "a\\u{1B}b.tsv:3: found \"\\u{1B}[31mred\\u{7}\"\n  hint: x\\u{9B}y")
        #expect(escapingControlCharacters("a\nb", keepNewlines: true) == "a\nb")
        #expect(escapingControlCharacters("a\nb") == "a\\u{A}b")
    }

    @Test func didYouMeanIsBoundedAndStillFindsNearWords() {
        #expect(closestMatch("itme42", in: ["item42", "item7"]) == "item42")
        #expect(closestMatch(String(repeating: "x", count: 1_000_000), in: ["x", "xx"]) == nil)
        #expect(closestMatch("abcdefghij", in: ["a", "abcdefghiz"]) == "abcdefghiz")
    }

    @Test func overLongHyperparameterKeysAndValuesAreRefusedAndTruncated() {
        var hp = Hyperparameters()
        #expect(throws: HyperparameterError.self) { try hp.set(String(repeating: "k", count: 1 << 20), to: "1") }
        do {
            try hp.set("loss", to: String(repeating: "v", count: 1 << 20))
            Issue.record("no error")
        } catch {
            #expect("\(error)".utf8.count < 300)
        }
    }

    @Test func sizesAreCheckedWithoutOverflow() {
        var hp = Hyperparameters()
        hp.layers = [Int.max / 2]
        #expect(throws: HyperparameterError.self) { try hp.validateSizes() }
        hp.layers = [65_536, 65_536]
        hp.batchSize = 1 << 20
        #expect(throws: ResourceError.self) { try hp.checkMemory(itemCount: 1 << 30, training: true) }
        #expect(ResourceLimits.product(Int.max, 2) == nil)
        #expect(ResourceLimits.product([1 << 32, 1 << 32]) == nil)
        #expect(ResourceLimits.sum([Int.max, 1]) == nil)
        hp = Hyperparameters()
        #expect(throws: Never.self) { try hp.checkMemory(itemCount: 1000, training: true) }
    }

    @Test func idsThatDifferInBytesStayDistinct() {
        var catalog = ItemCatalog(ids: [])
        let a = catalog.insert("caf\u{E9}"), b = catalog.insert("cafe\u{301}")
        #expect(a != b && catalog.count == 2)
        #expect(catalog.index(of: "cafe\u{301}") == b)
    }

    @Test func nonFiniteParametersAreFound() {
        let store = ParameterStore(layout: [("a", [4], .dense), ("b", [2, 3], .dense)])
        #expect(store.firstNonFiniteTensor() == nil)
        store["b"][5] = .infinity
        #expect(store.firstNonFiniteTensor() == "b")
        store["b"][5] = 0
        store["a"][0] = .nan
        #expect(store.firstNonFiniteTensor() == "a")
    }

    @Test func theFingerprintTellsDataApart() {
        let data = SessionData(sessionIDs: ["1", "2"], offsets: [0, 2, 4], items: [0, 1, 1, 0], times: [1, 2, 3, 4])
        var reordered = data
        reordered.items = [1, 0, 1, 0]
        var regrouped = data
        regrouped.offsets = [0, 1, 4]
        let f = TrainingDataFingerprint(data, file: nil)
        #expect(f.matches(TrainingDataFingerprint(data, file: "copy.tsv")))
        #expect(!f.matches(TrainingDataFingerprint(reordered, file: nil)))
        #expect(!f.matches(TrainingDataFingerprint(regrouped, file: nil)))
    }
}
