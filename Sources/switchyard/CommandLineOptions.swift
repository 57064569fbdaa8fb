/// The command line, in nginx's shape: `-c FILE`, `-t`, `-v`, `-s SIGNAL`, `-h`.
struct CommandLineOptions {
    enum Action: Equatable {
        case run
        case test
        case version
        case help
        case signal(String)
    }

    var configFile = "conf/switchyard.conf"
    var action = Action.run

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static let usage = """
        Usage: switchyard [-h] [-v] [-t] [-s signal] [-c filename]

        Options:
          -h            : this help
          -v            : show version and exit
          -t            : test configuration and exit
          -s signal     : send signal to a running router: stop, quit, reopen, reload
          -c filename   : set configuration file (default: conf/switchyard.conf)
        """

    init(arguments: [String]) throws(UsageError) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "-c":
                guard let file = rest.popFirst() else { throw UsageError(description: "option \"-c\" requires file name") }
                configFile = file
            case "-t":
                action = .test
            case "-v", "-V":
                action = .version
            case "-h", "-?", "--help":
                action = .help
            case "-s":
                guard let name = rest.popFirst() else { throw UsageError(description: "option \"-s\" requires parameter") }
                guard ["stop", "quit", "reopen", "reload"].contains(name) else {
                    throw UsageError(description: "invalid option: \"-s \(name)\"")
                }
                action = .signal(name)
            default:
                throw UsageError(description: "invalid option: \"\(argument)\"")
            }
        }
    }
}
