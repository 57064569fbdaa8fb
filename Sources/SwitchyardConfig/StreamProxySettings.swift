/// The stream settings a `server {}` inherits from `stream {}`. Nil means "not written in this
/// block", which is what lets a setter refuse a duplicate and lets the merge tell an inherited
/// value from an explicit one.
struct StreamProxySettings: Sendable, Equatable {
    var connectTimeout: Duration?
    var timeout: Duration?
    var nextUpstream: Bool?
    var nextUpstreamTries: Int?
    var nextUpstreamTimeout: Duration?
    var halfClose: Bool?
    var splice: Bool?
    var prereadTimeout: Duration?
    var prereadBufferSize: Int?
    var sslPreread: Bool?

    /// nginx's merge step (`ngx_conf_merge_*_value(conf, prev, default)`) for every field: the
    /// value written in this server, else the one written in `stream {}`, else the default that
    /// `defaults` already carries (the `StreamServerConfig` initializer's, which are nginx's).
    func merged(with parent: StreamProxySettings, over defaults: StreamServerConfig) -> StreamServerConfig {
        var config = defaults
        func inherit<Value>(
            _ setting: KeyPath<StreamProxySettings, Value?>, _ field: WritableKeyPath<StreamServerConfig, Value>
        ) {
            config[keyPath: field] = self[keyPath: setting] ?? parent[keyPath: setting] ?? defaults[keyPath: field]
        }
        inherit(\.connectTimeout, \.proxyConnectTimeout)
        inherit(\.timeout, \.proxyTimeout)
        inherit(\.nextUpstream, \.proxyNextUpstream)
        inherit(\.nextUpstreamTries, \.proxyNextUpstreamTries)
        inherit(\.nextUpstreamTimeout, \.proxyNextUpstreamTimeout)
        inherit(\.halfClose, \.proxyHalfClose)
        inherit(\.splice, \.proxySplice)
        inherit(\.prereadTimeout, \.prereadTimeout)
        inherit(\.prereadBufferSize, \.prereadBufferSize)
        inherit(\.sslPreread, \.sslPreread)
        config.prereadTimeoutIsExplicit = prereadTimeout != nil || parent.prereadTimeout != nil
        return config
    }
}
