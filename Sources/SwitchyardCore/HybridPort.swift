/// Facts about hybrid ports (one address in an http server and a stream server).
public enum HybridPort {
    /// How long a hybrid port waits for a client's first byte when `preread_timeout` is not
    /// written: short, so a server-speaks-first protocol (SMTP, MySQL) answers at once. HAProxy
    /// configs commonly wait 5 s (inspect-delay) and sslh about 4 s.
    public static let defaultWait: Duration = .seconds(1)
}
