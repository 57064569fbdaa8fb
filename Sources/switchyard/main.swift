import Glibc
import SwitchyardConfig
import SwitchyardCore
import SwitchyardReactor

let options: CommandLineOptions
do {
    options = try CommandLineOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    Console.say("switchyard: \(error)\n\n\(CommandLineOptions.usage)")
    exit(1)
}

switch options.action {
case .help:
    Console.say("switchyard version \(SwitchyardVersion.string)\n\n\(CommandLineOptions.usage)")
    exit(0)
case .version:
    Console.say("switchyard version \(SwitchyardVersion.string)")
    exit(0)
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
    exit(1)
}

switch options.action {
case .test:
    Console.say("switchyard: the configuration file \(file) syntax is ok")
    Console.say("switchyard: configuration file \(file) test is successful")
    exit(0)
case .signal(let name):
    exit(SignalCommand.send(name, configuration: configuration))
default:
    break
}

var log: ErrorLog
do {
    log = try ErrorLog.open(path: configuration.errorLog.path, level: Severity(configuration.errorLog.level))
} catch {
    Console.emerg("\(error) while opening error log \"\(configuration.errorLog.path)\"")
    exit(1)
}

ResourceLimits.raiseOpenFiles(to: configuration.workerRlimitNofile, log: log)
Control.blockSignals()
var runningErrorLog = configuration.errorLog

let workers = configuration.workerProcesses ?? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
let router: Router
do {
    router = try Router(snapshot: snapshot, log: log, workers: workers)
} catch {
    Console.emerg("\(error)")
    if log.fd != 2 { log.emerg("\(error)") }
    exit(1)
}

if let pid = configuration.pidPath {
    do { try PidFile.write(pid) } catch {
        log.emerg("\(error) while writing pid file \"\(pid)\"")
        router.stop()
        router.join()
        exit(1)
    }
}
let addresses = snapshot.listeners.map { "\($0.address)" }.joined(separator: ", ")
log.notice("switchyard/\(SwitchyardVersion.string) started: \(router.workerCount) worker(s), listening on \(addresses)")

/// SIGHUP: read the file again and install it in every worker; sessions keep the
/// configuration they started with. A bad file changes nothing, as in nginx.
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
        log.notice("reconfigured from \(file): listening on \(next.listeners.map { "\($0.address)" }.joined(separator: ", "))")
    } catch {
        log.emerg("\(error)")
        log.notice("reload failed, still running the previous configuration")
    }
}

Control.supervise(router, log: { log }, reload: reload)

log.notice("exiting: \(router.metrics.summary)")
if let pid = configuration.pidPath { PidFile.remove(pid) }
exit(0)
