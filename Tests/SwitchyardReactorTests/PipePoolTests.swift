import CSwitchyardShims
import Testing
@testable import SwitchyardReactor

struct PipePoolTests {
    /// An empty pipe goes back to the pool and is lent again without a new pipe2().
    @Test func reusesEmptyPipes() throws {
        let pool = PipePool(pipeSize: 65536, maxIdle: 4)
        let pipe = try pool.take()
        #expect(pipe.capacity >= 65536)
        pool.give(pipe)
        #expect(pool.idleCount == 1)
        let again = try pool.take()
        #expect(again === pipe)
        #expect(pool.created == 1)
        pool.give(again)
    }

    /// A pipe that still holds bytes is never pooled: another tunnel must not receive them.
    @Test func neverPoolsNonEmptyPipe() throws {
        let pool = PipePool()
        let pipe = try pool.take()
        pipe.queued = 10
        pool.give(pipe)
        #expect(pool.idleCount == 0)
        #expect(pool.lent == 0)
    }

    /// The pool keeps at most `maxIdle` pipes; extra ones are closed.
    @Test func boundsIdlePipes() throws {
        let pool = PipePool(maxIdle: 2)
        let pipes = try (0..<4).map { _ in try pool.take() }
        for pipe in pipes { pool.give(pipe) }
        #expect(pool.idleCount == 2)
    }
}
