/// Reads pretrained vectors in the word2vec / GloVe text format: one
/// `id v1 v2 ... vD` line per vector, fields separated by spaces or tabs,
/// optionally preceded by word2vec's header line `count D`. Blank lines are
/// skipped; CRLF line ends read as LF.
///
/// Every byte is treated as hostile: a header whose size is not `dimension`, a
/// line with another number of components, or a component that is not a finite
/// number is an ``InputError`` naming the file and the line.
struct WordVectorsText {
    /// The file's path (for messages).
    let path: String
    /// The number of components each vector must have.
    let dimension: Int
    /// The hint given when the header announces another size (argument: that size).
    let sizeHint: (Int) -> String

    /// Reads every vector line of `text` in file order: `destination` gets the line's id
    /// and returns where its `dimension` components go, or nil to skip the line (its
    /// components are then not read). Returns the number of vectors written.
    @discardableResult
    func read(_ text: String, destination: (Substring) -> UnsafeMutablePointer<Float>?) throws -> Int {
        var lineNo = 0, written = 0
        // "\r\n" is one Character in Swift: split on both, so CRLF files read as lines.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNo += 1
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.isEmpty { continue }
            if lineNo == 1 && parts.count == 2, Int(parts[0]) != nil, let size = Int(parts[1]) {
                guard size == dimension else {
                    throw InputError(path: path, line: 1, message: "vectors have size \(parts[1]) but the model's embedding has size \(dimension)",
                                     hint: sizeHint(size))
                }
                continue
            }
            guard parts.count - 1 == dimension else {
                throw InputError(path: path, line: lineNo, message: "expected an item id and \(dimension) numbers, found \(parts.count - 1) numbers",
                                 hint: "the model's embedding size is \(dimension)")
            }
            guard let target = destination(parts[0]) else { continue }
            for k in 0..<dimension {
                guard let v = Float(parts[k + 1]), v.isFinite else {
                    throw InputError(path: path, line: lineNo, message: "'\(truncatedForMessage(String(parts[k + 1])))' is not a finite number",
                                     hint: "every vector component must be a finite number (no nan or inf)")
                }
                target[k] = v
            }
            written += 1
        }
        return written
    }
}
