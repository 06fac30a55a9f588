import Foundation

/// One row of ``Hyperparameters/table``: a hyperparameter's reference name, the
/// other names it is read under, its help line, how its value is read from text
/// (with the range it must lie in) and how it is written, typed.
///
/// The table is the one list of hyperparameters: ``Hyperparameters/set(_:to:)``,
/// ``Hyperparameters/typedValues`` (the model file's JSON, the log, `info`) and the
/// command line's help all come from it. Adding a hyperparameter is one row here
/// and its stored property.
public struct HyperparameterField {
    /// The reference implementation's name (snake_case).
    public let name: String
    /// Other names ``Hyperparameters/set(_:to:)`` accepts (the reference's older spellings).
    public let aliases: [String]
    /// One line for help texts.
    public let help: String
    /// Reads the value from its text (trimmed) into the hyperparameters; throws
    /// ``HyperparameterError/invalidValue(key:value:expected:)`` outside its range.
    let parse: (inout Hyperparameters, HyperparameterText) throws -> Void
    /// The typed value.
    let value: (Hyperparameters) -> HyperparameterValue

    /// A whole number of at least `minimum`.
    static func integer(_ name: String, aliases: [String] = [], _ keyPath: WritableKeyPath<Hyperparameters, Int>, minimum: Int,
                        help: String) -> HyperparameterField {
        HyperparameterField(name: name, aliases: aliases, help: help,
                            parse: { $0[keyPath: keyPath] = try $1.integer(minimum: minimum) },
                            value: { .integer($0[keyPath: keyPath]) })
    }

    /// A finite number in `range`.
    static func number(_ name: String, _ keyPath: WritableKeyPath<Hyperparameters, Float>,
                       _ range: ClosedRange<Float> = 0...Float.greatestFiniteMagnitude, help: String) -> HyperparameterField {
        HyperparameterField(name: name, aliases: [], help: help,
                            parse: { $0[keyPath: keyPath] = try $1.number(in: range) },
                            value: { .number($0[keyPath: keyPath]) })
    }

    /// One of the raw values of an enumeration.
    static func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ keyPath: WritableKeyPath<Hyperparameters, T>,
                                                           help: String) -> HyperparameterField where T.RawValue == String {
        HyperparameterField(name: name, aliases: [], help: help,
                            parse: { hp, text in
                                guard let v = T(rawValue: text.value) else {
                                    throw text.invalid(T.allCases.map(\.rawValue).joined(separator: ", "))
                                }
                                hp[keyPath: keyPath] = v
                            },
                            value: { .text($0[keyPath: keyPath].rawValue) })
    }
}
