import Foundation

/// Hyperparameters from `--params`: a file or a `key=value,key=value` string.
///
/// Files are read by their content:
/// - a JSON object `{"loss": "bpr-max", "layers": [100], ...}`;
/// - the official GRU4Rec's Python parameter files (`paramfiles/*.py`,
///   `gru4rec_params = OrderedDict([('loss', 'cross-entropy'), ...])`), read
///   as data by ``PythonParameterReader`` (never run); the Theano-era names
///   `hidden_act`, `final_act` (`softmax`) and `adapt` are mapped where they
///   have an equivalent, other unknown names are refused, all named at once;
/// - otherwise lines of `key=value,key=value` (`#` starts a comment).
public enum ParameterFile {
    /// Longest parameter file read (1 MiB): parameter files are a few hundred bytes.
    static let maximumBytes = 1 << 20

    /// Applies `--params` (a path or a parameter string) to `hp`.
    public static func apply(_ params: String, to hp: inout Hyperparameters) throws {
        guard FileManager.default.fileExists(atPath: params) else {
            if params.hasSuffix(".py") || params.hasSuffix(".json") {
                throw InputError(path: params, message: "no such parameter file", hint: "check the path")
            }
            return try hp.apply(parameterString: params)
        }
        let text = try readRegularTextFile(params, option: "--params", maximumBytes: maximumBytes,
                                           hint: "give a JSON, Python (OrderedDict) or key=value file, or a 'k=v,k=v' string")
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw InputError(path: params, message: "the parameter file is empty",
                             hint: "write e.g. {\"loss\": \"bpr-max\", \"layers\": [100]} or loss=bpr-max,layers=100")
        }
        if trimmed.hasPrefix("{") {
            try applyJSON(text, path: params, to: &hp)
        } else if params.hasSuffix(".py") || trimmed.contains("OrderedDict") || trimmed.hasPrefix("from ") || trimmed.hasPrefix("import ") {
            try applyPython(text, path: params, to: &hp)
        } else {
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let t = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if t.isEmpty || t.hasPrefix("#") { continue }
                do { try hp.apply(parameterString: t) } catch { throw InputError(path: params, line: n + 1, message: "\(error)") }
            }
        }
    }

    static func applyJSON(_ text: String, path: String, to hp: inout Hyperparameters) throws {
        let object: [String: JSONValue]
        do {
            guard case .object(let o) = try JSONParser.parse(Array(text.utf8)) else { throw JSONSyntaxError(offset: 0, message: "not an object") }
            object = o
        } catch let e as JSONSyntaxError {
            throw InputError(path: path, message: "not a JSON object: \(e.message) (byte \(e.offset))",
                             hint: "write {\"loss\": \"bpr-max\", \"layers\": [100], ...}")
        }
        for key in object.keys.sorted() {
            guard let value = object[key] else { continue }
            do { try hp.set(key, to: try Hyperparameters.text(of: value, key: key)) } catch { throw InputError(path: path, message: "\(error)") }
        }
    }

    static func applyPython(_ text: String, path: String, to hp: inout Hyperparameters) throws {
        let assignments: [(name: String, value: PythonLiteral)]
        do {
            assignments = try PythonParameterReader.assignments(in: text)
        } catch let e as PythonLiteralError {
            throw InputError(path: path, line: e.line, message: e.message)
        }
        let dicts = assignments.filter { if case .dict = $0.value { return true } else { return false } }
        guard let chosen = dicts.first(where: { $0.name == "gru4rec_params" }) ?? (dicts.count == 1 ? dicts.first : nil),
              case .dict(let pairs) = chosen.value else {
            throw InputError(path: path, message: "no `gru4rec_params = OrderedDict([...])` in the file",
                             hint: "the official code's parameter files assign gru4rec_params")
        }
        var entries: [(String, PythonLiteral)] = []
        for (key, value) in pairs {
            guard case .string(let k) = key else { throw InputError(path: path, message: "a parameter name that is not a string") }
            entries.append((k, value))
        }
        try applyReferenceEntries(entries, path: path, to: &hp)
    }

    /// Applies (name, value) pairs of the official code's parameter sets, mapping the
    /// Theano-era names with an equivalent and refusing the rest, all named at once.
    static func applyReferenceEntries(_ entries: [(String, PythonLiteral)], path: String, to hp: inout Hyperparameters) throws {
        var refused: [String] = []
        var softmaxFinal = false
        for (key, value) in entries {
            let text = try valueText(value, key: key, path: path)
            switch key {
            case "hidden_act":
                // The PyTorch GRU (and this one) always uses tanh.
                if text != "tanh" { refused.append("hidden_act=\(text) (only tanh)") }
            case "final_act" where text == "softmax" || text == "softmax_logit":
                softmaxFinal = true  // what cross-entropy does; checked against the loss below
            case "adapt":
                switch text.lowercased() {
                case "adagrad": hp.optimizer = .adagrad
                case "adam": hp.optimizer = .adam
                case "", "none", "false", "sgd": hp.optimizer = .sgd
                default: refused.append("adapt=\(text) (adagrad, adam or none)")
                }
            default:
                guard Hyperparameters.field(named: key) != nil else {
                    refused.append(key)
                    continue
                }
                do { try hp.set(key, to: text) } catch { throw InputError(path: path, message: "\(error)") }
            }
        }
        if softmaxFinal && hp.loss.usesFinalActivation {
            refused.append("final_act=softmax with loss \(hp.loss.rawValue)")
        }
        guard refused.isEmpty else {
            throw InputError(path: path, message: "parameters with no equivalent here: \(refused.joined(separator: ", "))",
                             hint: "remove them; known names: \(Hyperparameters.names.joined(separator: ", ")) (and hidden_act, final_act, adapt)")
        }
    }

    private static func valueText(_ value: PythonLiteral, key: String, path: String) throws -> String {
        switch value {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .none: return "none"
        case .list(let items), .tuple(let items):
            return try items.map { item -> String in
                guard case .number(let n) = item else {
                    throw InputError(path: path, message: "\(key): expected a list of numbers such as [100, 100]")
                }
                return n
            }.joined(separator: "/")
        case .dict: throw InputError(path: path, message: "\(key): a dict is not a parameter value")
        }
    }
}
