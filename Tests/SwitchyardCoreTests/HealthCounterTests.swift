import Testing
@testable import SwitchyardCore

/// nginx Plus's fails/passes counting, probe by probe.
struct HealthCounterTests {
    /// Feeds `results` (true = passed) and returns the state after each, and which changed it.
    private func run(_ counter: inout HealthCounter, _ results: [Bool]) -> (states: [Bool], changes: [Int]) {
        var states: [Bool] = []
        var changes: [Int] = []
        for (index, passed) in results.enumerated() {
            if counter.record(passed: passed) { changes.append(index) }
            states.append(counter.healthy)
        }
        return (states, changes)
    }

    /// A server starts healthy; with fails=1 passes=1 every change of result changes the state.
    @Test func oneFailOnePass() {
        var counter = HealthCounter(fails: 1, passes: 1)
        #expect(counter.healthy)
        let (states, changes) = run(&counter, [true, false, false, true, true, false])
        #expect(states == [true, false, false, true, true, false])
        #expect(changes == [1, 3, 5])
    }

    /// `fails` failures in a row take it out; a pass in between starts the count again.
    @Test func failsMustBeConsecutive() {
        var counter = HealthCounter(fails: 3, passes: 1)
        let (states, changes) = run(&counter, [false, false, true, false, false, false, false])
        #expect(states == [true, true, true, true, true, false, false])
        #expect(changes == [5])
    }

    /// `passes` passes in a row bring it back; a failure in between starts the count again.
    @Test func passesMustBeConsecutive() {
        var counter = HealthCounter(fails: 1, passes: 2, healthy: false)
        let (states, changes) = run(&counter, [true, false, true, true, true])
        #expect(states == [false, false, false, true, true])
        #expect(changes == [3])
    }

    /// fails=2 passes=2 through a whole cycle: exactly two changes, each logged once.
    @Test func wholeCycle() {
        var counter = HealthCounter(fails: 2, passes: 2)
        let (_, changes) = run(&counter, [false, false, false, false, true, true, true])
        #expect(changes == [1, 5])
    }

    /// Counts below 1 behave as 1 (the parser refuses them; the counter does not trust that).
    @Test func zeroCountsAsOne() {
        var counter = HealthCounter(fails: 0, passes: 0)
        #expect(counter.record(passed: false) && !counter.healthy)
        #expect(counter.record(passed: true) && counter.healthy)
    }
}
