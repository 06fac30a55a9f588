import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// `--params` files: JSON, the official code's Python parameter files, key=value lines;
/// typed hyperparameters in model files.
struct ParameterFileTests {
    /// The official code's `paramfiles/rsc15_xe_shared_best.py` shape.
    static let officialXE = """
        from collections import OrderedDict
        gru4rec_params = OrderedDict([
        ('loss', 'cross-entropy'),
        ('constrained_embedding', True),
        ('embedding', 0),
        ('elu_param', 0),
        ('layers', [480]),
        ('n_epochs', 10),
        ('batch_size', 48),
        ('dropout_p_embed', 0.0),
        ('dropout_p_hidden', 0.2),
        ('learning_rate', 0.07),
        ('momentum', 0.0),
        ('n_sample', 2048),
        ('sample_alpha', 0.2),
        ('bpreg', 0.0),
        ('logq', 1.0)
        ])
        """

    func write(_ text: String, _ name: String) throws -> String {
        let dir = TestPaths.temporaryDirectory("gru4rec-params")
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("the official Python parameter file is read as data, every value exact")
    func officialPythonFile() throws {
        let path = try write(Self.officialXE, "rsc15_xe_shared_best.py")
        var hp = Hyperparameters()
        try ParameterFile.apply(path, to: &hp)
        #expect(hp.loss == .crossEntropy && hp.constrainedEmbedding && hp.embedding == 0)
        #expect(hp.finalActivation == .linear && hp.layers == [480] && hp.nEpochs == 10 && hp.batchSize == 48)
        #expect(hp.dropoutPEmbed == 0 && hp.dropoutPHidden == 0.2 && hp.learningRate == 0.07 && hp.momentum == 0)
        #expect(hp.nSample == 2048 && hp.sampleAlpha == 0.2 && hp.bpreg == 0 && hp.logq == 1)
    }

    @Test("literals: dicts, tuples, comments, continuation lines, trailing commas, negative and exponent numbers")
    func literals() throws {
        let text = """
            import collections  # skipped
            other = {'a': (1, -2.5e-3,), "b": [True, False, None]}  # a comment
            x = \\
              'text'
            """
        let a = try PythonParameterReader.assignments(in: text)
        #expect(a.map(\.name) == ["other", "x"])
        #expect(a[0].value == .dict([(.string("a"), .tuple([.number("1"), .number("-2.5e-3")])),
                                     (.string("b"), .list([.bool(true), .bool(false), .none]))]))
        #expect(a[1].value == .string("text"))
    }

    @Test("code is refused, never run, with the line named", arguments: [
        ("gru4rec_params = OrderedDict([('loss', __import__('os').system('touch /tmp/x'))])", "not a literal"),
        ("import os\nos.system('true')", "expected '='"),
        ("gru4rec_params = eval('1')", "not a literal"),
        ("gru4rec_params = OrderedDict([('loss', 'bpr-max')", "expected ',' or ']'"),
        ("gru4rec_params = " + String(repeating: "[", count: 100), "nested more than"),
        ("gru4rec_params = 'unterminated\n", "does not end"),
    ])
    func refusesCode(text: String, fragment: String) throws {
        let path = try write(text, "bad.py")
        var hp = Hyperparameters()
        do {
            try ParameterFile.apply(path, to: &hp)
            Issue.record("accepted: \(text)")
        } catch let e as InputError {
            #expect("\(e)".contains(fragment), "\(e)")
            #expect("\(e)".contains(path))
        }
    }

    @Test("Theano-era names are mapped where they have an equivalent; the rest are named and refused")
    func theanoNames() throws {
        let ok = try write("""
            from collections import OrderedDict
            gru4rec_params = OrderedDict([('layers', [100]), ('loss', 'cross-entropy'), ('final_act', 'softmax'),
              ('hidden_act', 'tanh'), ('adapt', 'adam'), ('batch_size', 32)])
            """, "theano.py")
        var hp = Hyperparameters()
        try ParameterFile.apply(ok, to: &hp)
        #expect(hp.optimizer == .adam && hp.batchSize == 32 && hp.layers == [100])

        let bad = try write("""
            gru4rec_params = OrderedDict([('loss', 'bpr-max'), ('final_act', 'elu-0.5'), ('hidden_act', 'relu'),
              ('lmbd', 0.0), ('adapt', 'rmsprop'), ('grad_cap', 0)])
            """, "theano-bad.py")
        var hp2 = Hyperparameters()
        do {
            try ParameterFile.apply(bad, to: &hp2)
            Issue.record("accepted parameters without an equivalent")
        } catch let e as InputError {
            let text = "\(e)"
            for name in ["hidden_act=relu", "lmbd", "adapt=rmsprop", "grad_cap"] { #expect(text.contains(name), "\(text)") }
        }
    }

    @Test("JSON and key=value files; a directory, an empty file and invalid UTF-8 get plain messages")
    func otherForms() throws {
        var hp = Hyperparameters()
        try ParameterFile.apply(try write("{\"loss\": \"bpr-max\", \"layers\": [64, 32], \"constrained_embedding\": false, \"learning_rate\": 0.05}", "p.json"), to: &hp)
        #expect(hp.loss == .bprMax && hp.layers == [64, 32] && !hp.constrainedEmbedding && hp.learningRate == 0.05)
        try ParameterFile.apply(try write("# comment\nbatch_size=16\nn_sample=0,momentum=0.1\n", "p.txt"), to: &hp)
        #expect(hp.batchSize == 16 && hp.nSample == 0 && hp.momentum == 0.1)
        try ParameterFile.apply("loss=top1-max", to: &hp)
        #expect(hp.loss == .top1Max)

        let dir = TestPaths.temporaryDirectory("gru4rec-params-dir")
        let invalid = dir + "/latin1.txt"
        FileManager.default.createFile(atPath: invalid, contents: Data([0x6C, 0x6F, 0x73, 0x73, 0x3D, 0xFF, 0xFE]))
        for (path, fragment) in [(dir, "is a directory"), ("/dev/null", "is empty"), (invalid, "not UTF-8")] {
            do {
                try ParameterFile.apply(path, to: &hp)
                Issue.record("accepted \(path)")
            } catch let e as InputError {
                #expect("\(e)".contains(fragment), "\(e)")
                #expect(!"\(e)".contains("NSCocoaErrorDomain"))
            }
        }
    }

    @Test("a huge unknown key is answered at once, its echo clipped")
    func hugeKey() throws {
        var hp = Hyperparameters()
        let key = String(repeating: "k", count: 1_000_000)
        do {
            try hp.apply(parameterString: key + "=1")
            Issue.record("accepted")
        } catch let e as HyperparameterError {
            #expect("\(e)".count < 1_000)
            #expect("\(e)".contains("1000000 characters"))
        }
    }

    @Test("model files store hyperparameters as typed JSON and read both typed and string forms exactly")
    func typedHyperparameters() throws {
        var hp = Hyperparameters()
        try hp.apply(parameterString: "layers=64/32,learning_rate=0.0123456789,momentum=0.3,constrained_embedding=false,embedding=16,seed=18446744073709551615")
        let text = hp.jsonText
        #expect(text.contains("\"layers\":[64,32]"))
        #expect(text.contains("\"constrained_embedding\":false"))
        #expect(text.contains("\"batch_size\":64"))
        #expect(text.contains("\"momentum\":0.3"))
        guard case .object(let typed) = try JSONParser.parse(Array(text.utf8)) else { Issue.record("not an object"); return }
        #expect(try Hyperparameters(json: typed) == hp)
        // The form earlier versions wrote: every value a string.
        var strings: [String: JSONValue] = [:]
        for (k, v) in hp.typedValues { strings[k] = .string(v.exactText) }
        #expect(try Hyperparameters(json: strings) == hp)
    }
}
