import Foundation
import Testing
@testable import GRU4Rec

/// The one table of hyperparameters drives `set`, the typed values and the help lines.
struct HyperparameterTableTests {
    /// Every hyperparameter away from its default (and valid together).
    static func changed() throws -> Hyperparameters {
        var hp = Hyperparameters()
        try hp.apply(parameterString: "layers=64/32,loss=bpr-max,final_act=tanh,batch_size=17,dropout_p_embed=0.125,dropout_p_hidden=0.3,"
                     + "learning_rate=0.0123456789,momentum=0.3,n_sample=99,sample_alpha=0.75,sample_store=1234,bpreg=1.95,logq=0.5,"
                     + "embedding=16,constrained_embedding=false,n_epochs=7,optimizer=adam,adam_beta1=0.8,adam_beta2=0.99,"
                     + "adam_epsilon=1e-6,grad_clip=5,seed=18446744073709551615")
        return hp
    }

    @Test("every row reads back what it writes; the table has one row per name and a help line for each")
    func rowsRoundTrip() throws {
        let hp = try Self.changed()
        let defaults = Hyperparameters()
        #expect(Set(Hyperparameters.names).count == Hyperparameters.table.count)
        #expect(Hyperparameters.names == hp.typedValues.map(\.0))
        for (name, value) in hp.typedValues {
            #expect(!Hyperparameters.help(for: name).isEmpty, "\(name) has no help")
            // final_act=tanh shows as elu_param 0, which reads back as linear: the pair is checked below.
            if name == "elu_param" { continue }
            #expect(defaults.typedValues.first { $0.0 == name }?.1 != value, "\(name) kept its default: the test does not cover it")
            var one = defaults
            try one.set(name, to: value.exactText)
            #expect(one.typedValues.first { $0.0 == name }?.1 == value, "\(name) does not read back")
        }
        let texts = Dictionary(uniqueKeysWithValues: hp.typedValues.map { ($0.0, $0.1.exactText) })
        #expect(try Hyperparameters(dictionary: texts) == hp)
    }

    @Test("aliases and dashed names reach the same row; unknown names get a suggestion from the table")
    func aliases() throws {
        var a = Hyperparameters(), b = Hyperparameters()
        try a.apply(parameterString: "lr=0.25,epochs=3,sample_cache_max_size=77,n-sample=5")
        try b.apply(parameterString: "learning_rate=0.25,n_epochs=3,sample_store=77,n_sample=5")
        #expect(a == b)
        #expect(Hyperparameters.field(named: "sample-cache-max-size")?.name == "sample_store")
        #expect(throws: HyperparameterError.unknownKey("learning_rat", suggestion: "learning_rate")) {
            var hp = Hyperparameters()
            try hp.set("learning_rat", to: "1")
        }
    }

    @Test("values outside a row's range are refused with the range")
    func ranges() {
        for (key, value, expected) in [("dropout_p_hidden", "1", "0...0.99"), ("batch_size", "0", ">= 1"), ("logq", "nan", "0...1"),
                                       ("constrained_embedding", "maybe", "true or false"), ("loss", "hinge", "cross-entropy")] {
            var hp = Hyperparameters()
            do {
                try hp.set(key, to: value)
                Issue.record("\(key)=\(value) accepted")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }
}
