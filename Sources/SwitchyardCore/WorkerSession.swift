/// What a worker needs from any session it holds, stream or http.
protocol WorkerSession: AnyObject {
    /// Ends the session now (SIGTERM, the graceful-stop deadline).
    func abort(_ reason: String)
    /// The worker stops accepting: finish what is in progress, start nothing new.
    func quit()
}
