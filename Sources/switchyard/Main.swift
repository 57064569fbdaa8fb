import Glibc
import SwitchyardConfig
import SwitchyardCore
import SwitchyardReactor

/// The process from command line to exit status. Everything here runs on the main thread,
/// which becomes the control thread once the workers run.
enum Main {
    static func run(arguments: [String]) -> Int32 {
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions(arguments: arguments)
        } catch {
            Console.say("switchyard: \(error)\n\n\(CommandLineOptions.usage)")
            return 1
        }
        switch options.action {
        case .help:
            Console.say("switchyard version \(SwitchyardVersion.string)\n\n\(CommandLineOptions.usage)")
            return 0
        case .version:
            Console.say("switchyard version \(SwitchyardVersion.string)")
            return 0
        default:
            break
        }

        let file = options.configFile
        let configuration: Configuration
        let snapshot: RuntimeSnapshot
        do {
            configuration = try ConfigLoader.load(file: file)
            snapshot = try RuntimeSnapshot(config: configuration)
        } catch {
            Console.emerg("\(error)")
            if options.action == .test { Console.say("switchyard: configuration file \(file) test failed") }
            return 1
        }
        switch options.action {
        case .test:
            for line in HybridPortReport.lines(snapshot) { Console.say(line) }
            Console.say("switchyard: the configuration file \(file) syntax is ok")
            Console.say("switchyard: configuration file \(file) test is successful")
            return 0
        case .signal(let name):
            return SignalCommand.send(name, configuration: configuration)
        default:
            return serve(configuration: configuration, snapshot: snapshot, file: file)
        }
    }

    private static func serve(configuration: Configuration, snapshot: RuntimeSnapshot, file: String) -> Int32 {
        var log: ErrorLog
        do {
            log = try ErrorLog.open(path: configuration.errorLog.path, level: Severity(configuration.errorLog.level))
        } catch {
            Console.emerg("\(error) while opening error log \"\(configuration.errorLog.path)\"")
            return 1
        }
        ResourceLimits.raiseOpenFiles(to: configuration.workerRlimitNofile, log: log)
        Control.blockSignals()

        let workers = configuration.workerProcesses ?? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let router: Router
        do {
            router = try Router(snapshot: snapshot, log: log, workers: workers)
        } catch {
            Console.emerg("\(error)")
            if log.fd != 2 { log.emerg("\(error)") }
            return 1
        }
        if let pid = configuration.pidPath {
            do { try PidFile.write(pid) } catch {
                log.emerg("\(error.description.replacingOpen(pid)) while writing the pid file")
                router.stop()
                router.join()
                return 1
            }
        }
        log.notice("switchyard/\(SwitchyardVersion.string) started: \(router.workerCount) worker(s), "
            + "listening on \(snapshot.listeners.map { "\($0.address)" }.joined(separator: ", "))")

        var runningErrorLog = configuration.errorLog
        var shutdownTimeout = configuration.workerShutdownTimeout
        // SIGHUP: read the file again and install it in every worker; sessions keep the
        // configuration they started with. A bad file changes nothing, as in nginx.
        func reload() {
            do {
                let next = try RuntimeSnapshot(config: try ConfigLoader.load(file: file))
                let wanted = next.config.errorLog
                var nextLog = log
                if wanted != runningErrorLog {
                    do {
                        nextLog = try ErrorLog.open(path: wanted.path, level: Severity(wanted.level))
                    } catch {
                        throw ConfigError(message: "\(error) while opening error log \"\(wanted.path)\"", location: nil)
                    }
                }
                if (next.config.workerProcesses ?? workers) != router.workerCount {
                    log.notice("worker_processes changes on restart only; keeping \(router.workerCount)")
                }
                try router.reload(next, log: nextLog)
                log = nextLog
                runningErrorLog = wanted
                shutdownTimeout = next.config.workerShutdownTimeout
                log.notice("reconfigured from \(file): listening on "
                    + next.listeners.map { "\($0.address)" }.joined(separator: ", "))
            } catch {
                log.emerg("\(error)")
                log.notice("reload failed, still running the previous configuration")
            }
        }

        Control.supervise(router, log: { log }, quitTimeoutMs: { shutdownTimeout.milliseconds }, reload: reload)

        log.notice("exiting: \(router.metrics.summary)")
        if let pid = configuration.pidPath { PidFile.remove(pid) }
        return 0
    }
}
