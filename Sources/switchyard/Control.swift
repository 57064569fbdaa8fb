import CSwitchyardShims
import Glibc
import SwitchyardConfig
import SwitchyardCore
import SwitchyardReactor

/// The control thread: it owns no connection; it waits for signals and tells the workers
/// what to do through their loop handles.
enum Control {
    /// Signals taken by `sigwait` on the main thread. They are blocked before any worker
    /// thread starts, so workers inherit the mask and never see them.
    static let handled: [Int32] = [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2]
    /// Sent to ourselves when every worker has finished, to wake `sigwait`.
    static let workersDone = SIGUSR2
    static func blockSignals() {
        _ = CSwitchyardShims_ignoreSIGPIPE()
        _ = handled.withUnsafeBufferPointer { CSwitchyardShims_blockSignals($0.baseAddress, Int32($0.count)) }
    }

    /// Runs until the workers are gone. Returns when it is time to exit.
    static func supervise(_ router: Router, log: () -> ErrorLog, quitTimeoutMs: () -> Int64, reload: () -> Void) {
        let joiner = LoopThread(name: "switchyard-join") {
            router.join()
            kill(getpid(), workersDone)
        }
        var deadline: Int64?
        while true {
            let waitMs: Int = deadline.map { max(0, Int($0 - MonotonicClock.nowMs())) } ?? -1
            let signal = handled.withUnsafeBufferPointer {
                CSwitchyardShims_waitSignalTimeout($0.baseAddress, Int32($0.count), waitMs)
            }
            switch signal {
            case SIGTERM, SIGINT:
                log().notice("signal \(signal) received, exiting")
                router.stop()
            case SIGQUIT:
                log().notice("signal \(signal) received, shutting down gracefully")
                router.quit()
                deadline = MonotonicClock.nowMs() + quitTimeoutMs()
            case SIGHUP:
                log().notice("signal \(signal) received, reconfiguring")
                if deadline == nil { reload() }
            case SIGUSR1:
                log().notice("signal \(signal) received, nothing to reopen")
            case workersDone:
                joiner.join()
                return
            case 0:
                log().notice("worker_shutdown_timeout expired, closing remaining connections")
                router.stop()
                deadline = nil
            default:
                break
            }
        }
    }
}
