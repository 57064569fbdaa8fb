import Glibc

// sy-load: the loopback backends and load clients of the end-to-end benchmarks. Each command
// is one process on one thread (the runner pins it to a CPU), so what it measures is the
// proxy in the middle, not this tool.
ProcessSetup.prepare()
exit(Commands.run(Array(CommandLine.arguments.dropFirst())))
