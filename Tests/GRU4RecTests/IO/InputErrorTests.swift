import Testing
import GRU4Rec

@Suite struct IOInputErrorTests {
    @Test func descriptionWithLineAndHint() {
        let error = InputError(path: "train.tsv", line: 12, message: "expected 3 fields, found 2", hint: "use tabs")
        #expect(error.description == "train.tsv:12: expected 3 fields, found 2\n  hint: use tabs")
        #expect("\(error)" == error.description)
    }

    @Test func descriptionWithoutLine() {
        let error = InputError(path: "m.safetensors", message: "header is not valid JSON", hint: "write it again")
        #expect(error.description == "m.safetensors: header is not valid JSON\n  hint: write it again")
    }

    @Test func descriptionWithoutHint() {
        #expect(InputError(path: "a.tsv", line: 1, message: "bad").description == "a.tsv:1: bad")
        #expect(InputError(path: "a.tsv", message: "bad").description == "a.tsv: bad")
    }

    @Test func equality() {
        let a = InputError(path: "p", line: 1, message: "m", hint: "h")
        #expect(a == InputError(path: "p", line: 1, message: "m", hint: "h"))
        #expect(a != InputError(path: "p", line: 2, message: "m", hint: "h"))
        #expect(a != InputError(path: "p", line: 1, message: "m", hint: nil))
        #expect(a != InputError(path: "q", line: 1, message: "m", hint: "h"))
        #expect(a != InputError(path: "p", line: 1, message: "n", hint: "h"))
    }
}
