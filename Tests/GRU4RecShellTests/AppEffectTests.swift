import Foundation
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// Effects as values, performed through an injected environment.
@Suite struct AppEffectTests {
    /// Applies `effects` the way a runtime does, feeding answers back.
    func performAll(_ effects: [ShellEffect], on state: inout ShellState, _ environment: ShellEnvironment) {
        var pending = effects
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if let answer = Shell.perform(effect, environment: environment) {
                pending += Shell.update(&state, answer)
            }
        }
    }

    @Test func saveWritesTheSessionWithEveryStepsSuggestionsAndRanks() throws {
        let files = AppFixture.Files()
        let environment = AppFixture.environment(files: files)
        var state = AppFixture.state()
        state.commands("click Red mug", "click Blue mug", "click Green mug", "topk 3")
        let effects = state.commands("save out/session.json")
        guard case .writeFile(let path, _, _)? = effects.first else {
            Issue.record("expected a write effect, got \(effects)")
            return
        }
        #expect(path == "out/session.json")
        #expect(files.written.isEmpty)  // update itself writes nothing
        performAll(effects, on: &state, environment)
        #expect(state.notice?.text == "saved the session (3 clicks) to out/session.json")

        let bytes = try #require(files.written["out/session.json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(json["top_k"] as? Int == 3)
        #expect(json["model"] as? String == "models/tiny.safetensors")
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.map { $0["name"] as? String } == ["Red mug", "Blue mug", "Green mug"])
        #expect(steps[0]["rank_before"] is NSNull)
        #expect(steps[1]["rank_before"] as? Double == state.trace.steps[1].rankBefore)
        #expect(steps[2]["hit"] as? Bool == (state.trace.steps[2].rankBefore! <= 3))
        let last = try #require(steps[2]["suggestions"] as? [[String: Any]])
        #expect(last.map { $0["item"] as? String } == state.suggestions.map { state.itemID($0.item) })
        #expect(last.allSatisfy { ($0["probability"] as? Double ?? -1) > 0 })
    }

    @Test func aFailedWriteIsAnError() {
        let environment = ShellEnvironment(
            loadModel: { throw InputError(path: $0, message: "unused") },
            loadSessions: { path, _ in throw InputError(path: path, message: "unused") },
            writeFile: { path, _ in throw InputError(path: path, message: "cannot write \(path): no space", hint: "free some space") })
        var state = AppFixture.state()
        performAll(state.commands("save /full/x.json"), on: &state, environment)
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text == "/full/x.json: cannot write /full/x.json: no space")
        #expect(state.notice?.hint == "free some space")
    }

    @Test func loadReplacesTheModelAndReadsTheSessionsBesideIt() {
        let environment = AppFixture.environment()
        var state = AppFixture.state()
        state.commands("click Red mug", "replay S2", "step")
        state.send(.input(.key(.character("?"))), .input(.key(.character("?"))))
        state.commands("view main")
        state.keys(.down, .down, .down)
        #expect(state.catalogList.selected == 3)
        let effects = state.commands("load other/tiny2.safetensors")
        #expect(effects == [.loadModel(path: "other/tiny2.safetensors")])
        performAll(effects, on: &state, environment)
        #expect(state.loaded?.path == "other/tiny2.safetensors")
        #expect(state.sessionItems.isEmpty)
        #expect(state.view == .main)
        #expect(state.catalogList.selected == 0)  // the new catalog from its top
        // The sessions beside the new model, not the previous model's file.
        #expect(state.sessionsPath == "other/test.tsv")
        #expect(state.sessions?.sessionCount == 60)
        // The load confirmation stays, with the sessions added.
        #expect(state.notice?.text == "loaded tiny2: 24 items, layers 8; 60 sessions from other/test.tsv")

        performAll(state.commands("load broken.bin"), on: &state, environment)
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text == "broken.bin: cannot open the model file")
        #expect(state.loaded?.path == "other/tiny2.safetensors")

        // A model with no sessions file beside it: no replay sessions at all.
        let bare = AppFixture.environment(sessionsBeside: false)
        let loadEffects = state.commands("load third/tiny3.safetensors")
        performAll(loadEffects, on: &state, bare)
        #expect(state.loaded?.path == "third/tiny3.safetensors")
        #expect(state.sessions == nil)
        #expect(state.sessionsPath == nil)
        #expect(state.notice?.text.hasPrefix("loaded tiny3: 24 items, layers 8; no sessions file beside it") == true)
    }

    @Test func startingEmptyAndLoadingLikeTheRuntime() {
        let environment = AppFixture.environment()
        var state = ShellState(width: 80, height: 24, colorMode: .none, parallelism: .tests)
        performAll([.loadModel(path: "tiny.safetensors")], on: &state, environment)
        #expect(state.loaded != nil)
        performAll(state.commands("sessions s.tsv"), on: &state, environment)
        #expect(state.sessions?.sessionCount == 60)
        #expect(state.sessionsPath == "s.tsv")
        performAll(state.commands("sessions missing.csv"), on: &state, environment)
        #expect(state.notice?.text == "missing.csv: no such file")
    }

    @Test func itemsFileNamesItemsAndIgnoresExtraColumns() throws {
        let text = "ItemId\tName\tSupport\tPrice\nA1\tRed mug\t31\t4.5\r\nA2\t\t3\t1\n\nA3\tGreen mug\t2\t9\n"
        let names = try ItemNamesFile.parse(text, path: "items.tsv")
        #expect(names == ["A1": "Red mug", "A3": "Green mug"])
        #expect(throws: InputError(
            path: "items.tsv", line: 1, message: "expected a header with columns ItemId and Name (found: id, name)",
            hint: "the items file is tab-separated: ItemId<TAB>Name<TAB>Support")) {
            try ItemNamesFile.parse("id\tname\n", path: "items.tsv")
        }
        #expect(throws: InputError.self) { try ItemNamesFile.parse("", path: "items.tsv") }
    }

    @Test func liveEnvironmentReadsModelLogAndItemsFromDisk() throws {
        let directory = TestPaths.temporaryDirectory("shell-env")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tiny = TinyModel(epochs: 1)
        let path = directory + "/tiny.safetensors"
        try tiny.model.save(to: path, facts: tiny.facts)
        try TrainingLog.append(tiny.log, to: TrainingLog.path(forModel: path))
        let items = "ItemId\tName\tSupport\n" + TinyModel.items.map { "\($0.id)\t\($0.name)\t1" }.joined(separator: "\n")
        try items.write(toFile: directory + "/items.tsv", atomically: true, encoding: .utf8)

        let loaded = try ShellEnvironment.live().loadModel(path)
        #expect(loaded.name == "tiny")
        #expect(loaded.itemNames == tiny.itemNames)
        // (JSON may round the last bit of a double, so compare the records' shape.)
        #expect(loaded.trainingLog?.count == tiny.log.count)
        #expect(loaded.trainingLog?.first == tiny.log.first)
        #expect(loaded.trainingLogNote == nil)
        #expect(loaded.sessionsPath == nil)  // no sessions file beside it yet
        try "SessionId\tItemId\tTime\n".write(toFile: directory + "/test.tsv", atomically: true, encoding: .utf8)
        #expect(try ShellEnvironment.live().loadModel(path).sessionsPath == directory + "/test.tsv")

        try FileManager.default.removeItem(atPath: directory + "/items.tsv")
        try FileManager.default.removeItem(atPath: TrainingLog.path(forModel: path))
        let bare = try ShellEnvironment.live().loadModel(path)
        #expect(bare.itemNames == nil)
        #expect(bare.trainingLog == nil)
        #expect(bare.trainingLogNote == "no training log at \(directory)/tiny.log.jsonl")
    }
}
