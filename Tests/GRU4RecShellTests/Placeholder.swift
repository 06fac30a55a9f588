import Testing

@Test func placeholder_GRU4RecShellTests() { #expect(1 + 1 == 2) }
