import Testing
import TestSupport

/// The parent of every end-to-end suite: `.serialized` runs them one at a time, because
/// each starts the real binary and some move hundreds of MiB on a 2-core machine, and the
/// timing bounds (connect and idle timeouts) must not be skewed by a neighbour's load.
/// Each suite is an extension in its own file.
@Suite(.serialized) struct Integration {}

let MiB = 1 << 20

/// A full config around a `stream { }` body, as a test writes it: one loop thread unless
/// asked, the log at `info` to stderr (the harness sends it to `switchyard.log`), and the
/// pid file in the test's directory.
func streamConfig(_ directory: TempDirectory, workers: Int = 1, connections: Int = 1024, _ stream: String) -> String {
    """
    worker_processes \(workers);
    error_log stderr info;
    pid \(directory.file("switchyard.pid"));

    events {
        worker_connections \(connections);
    }

    stream {
    \(stream)
    }

    """
}
