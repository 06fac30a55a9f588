import Foundation
import GRU4Rec

/// `explain` and `similar`: why the model suggests an item, and the items
/// nearest to one by the model's item vectors. Called only from `Shell.update`.
extension ShellState {
    /// Explains an item after the live session and opens the Explain view.
    mutating func explainCommand(_ target: ExplainTarget) -> [ShellEffect] {
        guard directory != nil else {
            fail(CommandTable.noModel)
            return []
        }
        let item: Int
        switch target {
        case .selected:
            let place = (focus == .suggestions ? suggestionList.selected : nil) ?? 0
            guard place < suggestions.count else {
                fail("no suggestion to explain", hint: trace.steps.isEmpty ? "click an item first, or explain <id|name>" : "explain <id|name> explains any item")
                return []
            }
            item = suggestions[place].item
        case .place(let n):
            guard n >= 1, n <= suggestions.count else {
                fail("no suggestion #\(n)", hint: suggestions.isEmpty ? "the session is empty: explain <id|name>" : "give 1 to \(suggestions.count), or an id or name")
                return []
            }
            item = suggestions[n - 1].item
        case .item(let query):
            guard let found = resolveItem(query) else { return [] }
            item = found
        }
        explain(item)
        showView(.explain)
        focus = .explain
        return []
    }

    /// Lists the neighbours of an item in the Similar pane and opens the Explain view.
    mutating func similarCommand(_ query: ItemQuery) -> [ShellEffect] {
        guard directory != nil else {
            fail(CommandTable.noModel)
            return []
        }
        guard let item = resolveItem(query), let d = directory else { return [] }
        listSimilar(item)
        showView(.explain)
        focus = .similar
        if let first = explainState.similar.first {
            inform("nearest to \(d.label(item)): \(d.names[first.item]) (cosine \(String(format: "%.3f", first.similarity)))")
        } else {
            inform("\(d.label(item)) has no neighbours (a one-item catalog)")
        }
        return []
    }

    /// Computes the explanation of `item` after the live session, lists its
    /// neighbours, and names the most influential click in the message line.
    mutating func explain(_ item: Int) {
        guard let model = loaded?.model, let d = directory else { return }
        let explanation = SuggestionExplanation(model: model, session: trace.items, item: item, parallelism: parallelism)
        explainState.item = item
        explainState.session = trace.items
        explainState.explanation = explanation
        explainState.pending = nil
        explainState.influenceOffset = 0
        listSimilar(item)
        var text = "\(d.label(item)): #\(explanation.rank), \(SuggestionsPane.percent(explanation.probability))"
        if let top = explanation.byInfluence.first {
            text += "; click \(top.position + 1) (\(d.names[top.item])) moves it most: without it #\(top.rankWithout)"
                + String(format: ", score %+.3f", -top.influence)
        } else {
            text += " (empty session: the score is the output bias)"
        }
        inform(text)
    }

    /// Keeps what follows the session in step with it after a change: the
    /// tracked ranks here; the explanation through `explanationIfShown`.
    mutating func refreshExplanation() {
        refreshTracking()
    }

    /// After every message: while the Explain view is shown and its
    /// explanation is not of the live session, asks for it with an
    /// `.explain` effect (once per session and item). A click elsewhere thus
    /// costs no leave-one-out pass (n forward passes and n scorings of the
    /// catalog for n clicks); the explanation catches up when the view opens.
    /// The terminal loop computes it off the UI thread (the old explanation
    /// stays on screen, marked as updating, until `.explained` brings the
    /// new one); scripted mode and `ShellDriver` compute it in place.
    mutating func explanationIfShown() -> [ShellEffect] {
        guard view == .explain, let item = explainState.item, let model = loaded?.model, item < model.itemCount else { return [] }
        let session = trace.items
        guard explainState.session != session || explainState.explanation == nil else {
            explainState.pending = nil
            return []
        }
        if let pending = explainState.pending, pending.session == session, pending.item == item { return [] }
        explainState.requestSerial += 1
        explainState.pending = (explainState.requestSerial, session, item)
        return [.explain(ExplanationRequest(id: explainState.requestSerial, model: model, session: session, item: item,
                                              parallelism: parallelism))]
    }

    /// The answer to an `.explain` effect; a late answer to an older request is ignored.
    mutating func explained(id: Int, _ explanation: SuggestionExplanation) {
        guard let pending = explainState.pending, pending.id == id else { return }
        explainState.pending = nil
        explainState.explanation = explanation
        explainState.session = pending.session
    }

    /// Fills the Similar list with the neighbours of `item`.
    mutating func listSimilar(_ item: Int) {
        guard let model = loaded?.model else { return }
        if explainState.searches.first.map({ $0.model !== model }) ?? true {
            explainState.searches = ItemNeighbours.available(for: model).compactMap { try? ItemNeighbours(model: model, vectors: $0) }
        }
        explainState.similarItem = item
        explainState.similar = explainState.searches.flatMap { search in
            search.nearest(to: item, k: ExplainState.neighbourCount).map {
                SimilarEntry(item: $0.item, similarity: $0.similarity, vectors: search.vectors)
            }
        }
        explainState.similarList = ScrollList(count: explainState.similar.count, visibleRows: explainState.similarList.visibleRows)
    }

    /// Forgets the explanation and neighbours (a new model).
    mutating func clearExplanation() {
        explainState = ExplainState()
    }
}
