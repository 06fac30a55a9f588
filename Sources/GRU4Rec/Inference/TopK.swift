import CKernels
/// The `k` highest scores by partial selection, the two halves of a large catalog
/// scanned in parallel (over `parallelism`) and their lists merged: the same result as one
/// scan. Ties are broken by the lower item index. Items in `excluded` are skipped.
public func topKParallel(_ scores: UnsafePointer<Float>, count n: Int, k: Int, excluded: Set<Int> = [], parallelism: Parallelism) -> [(item: Int, score: Float)] {
    if n < 8192 { return topK(scores, count: n, k: k, excluded: excluded) }
    var halves: [[(item: Int, score: Float)]] = [[], []]
    halves.withUnsafeMutableBufferPointer { out in
        guard let outP = out.baseAddress else { return }
        parallelism.run { part in
            let r = Parallelism.half(n, part: part, align: 16)
            let found = topK(scores + r.lowerBound, count: r.count, k: k,
                             excluded: Set(excluded.lazy.filter { r.contains($0) }.map { $0 - r.lowerBound }))
            outP[part] = found.map { (item: $0.item + r.lowerBound, score: $0.score) }
        }
    }
    return Array((halves[0] + halves[1])
        .sorted { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
        .prefix(max(0, min(k, n - excluded.count))))
}

/// The `k` highest scores by partial selection (a small min-heap), not a full sort.
/// Ties are broken by the lower item index. Items in `excluded` are skipped.
public func topK(_ scores: UnsafePointer<Float>, count n: Int, k: Int, excluded: Set<Int> = []) -> [(item: Int, score: Float)] {
    let k = min(k, n - excluded.count)
    guard k > 0 else { return [] }
    let inRange = excluded.isEmpty ? 0 : excluded.lazy.filter { $0 >= 0 && $0 < n }.count
    if inRange <= 4096 {
        // One vectorised pass (CKernels/rank.c) for the k + (excluded) best, the excluded
        // dropped after: the best k of the rest are among them.
        let wanted = min(n, k + inRange)
        var items = [Int32](repeating: 0, count: wanted), values = [Float](repeating: 0, count: wanted)
        let found = g4r_topk(scores, n, wanted, &items, &values)
        var out: [(item: Int, score: Float)] = []
        out.reserveCapacity(k)
        for j in 0..<found where out.count < k && (inRange == 0 || !excluded.contains(Int(items[j]))) {
            out.append((item: Int(items[j]), score: values[j]))
        }
        return out
    }
    return topKHeap(scores, count: n, k: k, excluded: excluded)
}

/// The heap-based selection: the path with exclusions, and the oracle the vectorised one is tested against.
func topKHeap(_ scores: UnsafePointer<Float>, count n: Int, k: Int, excluded: Set<Int>) -> [(item: Int, score: Float)] {
    guard k > 0 else { return [] }
    var heapItems = [Int](), heapScores = [Float]()
    heapItems.reserveCapacity(k)
    heapScores.reserveCapacity(k)
    // "a is worse than b": lower score, or equal score and higher index.
    @inline(__always) func worse(_ sa: Float, _ ia: Int, _ sb: Float, _ ib: Int) -> Bool { sa < sb || (sa == sb && ia > ib) }
    func siftDown(_ start: Int) {
        var i = start
        let c = heapItems.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < c && worse(heapScores[l], heapItems[l], heapScores[m], heapItems[m]) { m = l }
            if r < c && worse(heapScores[r], heapItems[r], heapScores[m], heapItems[m]) { m = r }
            if m == i { return }
            heapItems.swapAt(i, m); heapScores.swapAt(i, m); i = m
        }
    }
    for j in 0..<n {
        if !excluded.isEmpty && excluded.contains(j) { continue }
        let s = scores[j]
        if heapItems.count < k {
            heapItems.append(j); heapScores.append(s)
            var i = heapItems.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                if worse(heapScores[i], heapItems[i], heapScores[p], heapItems[p]) {
                    heapItems.swapAt(i, p); heapScores.swapAt(i, p); i = p
                } else { break }
            }
        } else if worse(heapScores[0], heapItems[0], s, j) {
            heapItems[0] = j; heapScores[0] = s
            siftDown(0)
        }
    }
    return zip(heapItems, heapScores).map { (item: $0.0, score: $0.1) }
        .sorted { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
}
