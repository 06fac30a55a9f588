/// Maps item indices to dense slots for one step (the distinct rows of a
/// row-sparse parameter that the step touches). Raw storage, allocated once.
final class SlotMap {
    private let slot: UnsafeMutablePointer<Int32>
    /// The distinct items in slot order (`count` of them).
    let rowsPointer: UnsafeMutablePointer<Int32>
    private(set) var count = 0
    let itemCount: Int
    init(itemCount: Int) {
        self.itemCount = itemCount
        slot = .allocate(capacity: max(1, itemCount))
        slot.initialize(repeating: -1, count: max(1, itemCount))
        rowsPointer = .allocate(capacity: max(1, itemCount))
        rowsPointer.initialize(repeating: 0, count: max(1, itemCount))
    }
    deinit { slot.deallocate(); rowsPointer.deallocate() }
    /// Assigns slots to `n` items (new items get the next slots) and writes each one's slot.
    func assign(_ items: UnsafePointer<Int32>, count n: Int, slots out: UnsafeMutablePointer<Int32>) {
        var c = count
        let slot = self.slot, rows = rowsPointer
        for j in 0..<n {
            let item = Int(items[j])
            var s = slot[item]
            if s < 0 {
                s = Int32(c)
                slot[item] = s
                rows[c] = Int32(item)
                c += 1
            }
            out[j] = s
        }
        count = c
    }
    /// The distinct items in slot order.
    var rows: [Int32] { Array(UnsafeBufferPointer(start: rowsPointer, count: count)) }
    func clear() {
        for k in 0..<count { slot[Int(rowsPointer[k])] = -1 }
        count = 0
    }
}
