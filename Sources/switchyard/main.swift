import Glibc

exit(Main.run(arguments: Array(CommandLine.arguments.dropFirst())))
