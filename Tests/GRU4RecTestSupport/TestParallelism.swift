import GRU4Rec

extension Parallelism {
    /// The tests' threads: one worker pool shared by every suite of a test process (two
    /// threads, as the programs' default on a machine with two cores or more), with BLAS
    /// kept to one thread as the programs set it where they start. Suites that run at the
    /// same time share the pool; a split that finds it busy runs on its caller (the
    /// results are the same either way). Tests that compare thread counts make their own
    /// values (``Parallelism/init(threads:)``) and read their own pool's counts.
    public static let tests: Parallelism = {
        BLASSettings.setThreads(1)
        return Parallelism(threads: 2)
    }()
}
