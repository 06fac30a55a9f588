import Foundation
import Testing
import GRU4Rec

@Suite struct IOFieldParsingTests {
    private func int(_ text: String) -> Int? {
        Array(text.utf8).withUnsafeBufferPointer { parseInt($0) }
    }

    private func double(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { parseDouble($0) }
    }

    @Test func integers() {
        #expect(int("0") == 0)
        #expect(int("42") == 42)
        #expect(int("-42") == -42)
        #expect(int("+7") == 7)
        #expect(int("007") == 7)
        #expect(int("  12 ") == 12)
        #expect(int("9223372036854775807") == Int.max)
        #expect(int("-9223372036854775808") == Int.min)
    }

    @Test(arguments: ["", " ", "-", "+", "1.0", "1e3", "12a", "a12", "1 2", "--1", "0x10",
                      "9223372036854775808", "-9223372036854775809", "99999999999999999999", "١٢"])
    func notIntegers(text: String) {
        #expect(int(text) == nil)
    }

    @Test func decimals() {
        #expect(double("0") == 0)
        #expect(double("-0")?.sign == .minus)
        #expect(double("12") == 12)
        #expect(double("-0.5") == -0.5)
        #expect(double(".5") == 0.5)
        #expect(double("5.") == 5)
        #expect(double("+1.25") == 1.25)
        #expect(double("1e3") == 1000)
        #expect(double("1E-3") == 0.001)
        #expect(double("2.5e+2") == 250)
        #expect(double(" 3.5 ") == 3.5)
        #expect(double("1396437466.94") == 1396437466.94)
        #expect(double("17850.0") == 17850)
        #expect(double("0.000000000000000000000000001") == 1e-27)
        #expect(double("123456789012345678901234567890") == 123456789012345678901234567890.0)
        #expect(double("1e-400") == 0)
        #expect(double("0.1") == 0.1)
    }

    @Test(arguments: ["", " ", "-", ".", "-.", "e5", "1e", "1e+", "1.2.3", "nan", "NaN", "inf", "-inf",
                      "infinity", "0x1p3", "1,5", "1 000", "1e400", "-1e400", "12abc"])
    func notDecimals(text: String) {
        #expect(double(text) == nil)
    }

    /// Agrees exactly with the standard library's correctly rounded parser on random
    /// decimal text, including many-digit and large-exponent numbers (the slow path).
    @Test func matchesTheStandardLibraryOnRandomDecimals() {
        var random = SplitMix64(seed: 2024)
        for _ in 0..<50_000 {
            var text = Bool.random(using: &random) ? "-" : ""
            let intDigits = Int.random(in: 0...20, using: &random)
            let fracDigits = Int.random(in: (intDigits == 0 ? 1 : 0)...20, using: &random)
            for _ in 0..<intDigits { text += String(Int.random(in: 0...9, using: &random)) }
            if fracDigits > 0 || Bool.random(using: &random) {
                text += "."
                for _ in 0..<fracDigits { text += String(Int.random(in: 0...9, using: &random)) }
            }
            if Int.random(in: 0..<4, using: &random) == 0 {
                text += "e" + String(Int.random(in: -40...40, using: &random))
            }
            let expected = Double(text)
            #expect(double(text) == expected, "\(text)")
            if double(text) != expected { return }
        }
    }
}
