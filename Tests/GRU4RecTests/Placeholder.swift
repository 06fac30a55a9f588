import Testing

@Test func placeholder_GRU4RecTests() { #expect(1 + 1 == 2) }
