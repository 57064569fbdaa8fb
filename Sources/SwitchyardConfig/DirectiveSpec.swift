/// How many arguments a directive takes, not counting its name (nginx's `NGX_CONF_NOARGS`,
/// `NGX_CONF_TAKE12`, `NGX_CONF_1MORE`, `NGX_CONF_FLAG`).
enum Arity: Sendable, Equatable {
    case none
    case exactly(Int)
    case between(Int, Int)
    case atLeast(Int)
    /// One argument, `on` or `off`.
    case flag

    func accepts(_ count: Int) -> Bool {
        switch self {
        case .none: count == 0
        case .exactly(let n): count == n
        case .between(let low, let high): (low...high).contains(count)
        case .atLeast(let n): count >= n
        case .flag: count == 1
        }
    }
}

/// A setter that is more than "store one parsed value".
typealias DirectiveHandler = @Sendable (inout ConfigBuilder, Directive) throws(ConfigError) -> Void
/// Runs when a block's `}` is reached, to check what the block must contain.
typealias BlockCloser = @Sendable (inout ConfigBuilder) throws(ConfigError) -> Void

/// What a directive does with its arguments. The slot cases are nginx's `ngx_conf_set_*_slot`:
/// parse one argument and store it at a key path, refusing a second value in the same block.
/// The key paths point into `ConfigBuilder`, whose scope properties (`scopeProxy`) follow the
/// block being read, so one declaration serves `stream {}` and `server {}` alike.
enum DirectiveAction: Sendable {
    /// `on` | `off`, case-insensitive as in nginx.
    case flag(WritableKeyPath<ConfigBuilder, Bool?> & Sendable)
    /// A decimal integer no smaller than `minimum`.
    case number(WritableKeyPath<ConfigBuilder, Int?> & Sendable, minimum: Int)
    /// A time in nginx's syntax, without a unit meaning seconds.
    case time(WritableKeyPath<ConfigBuilder, Duration?> & Sendable)
    /// A size in nginx's syntax (`16k`).
    case size(WritableKeyPath<ConfigBuilder, Int?> & Sendable)
    /// The argument as written (a path).
    case string(WritableKeyPath<ConfigBuilder, String?> & Sendable)
    case custom(DirectiveHandler)
    /// `name args { ... }`: `open` runs before the block's directives are read in `context`,
    /// `close` after.
    case block(DirectiveContext, open: DirectiveHandler, close: BlockCloser)
    /// `name args { ... }` whose block is data, not directives (`map`): the handler reads the
    /// lines itself, as nginx's `cf->handler` does.
    case rawBlock(DirectiveHandler)
}

/// One row of the directive table.
struct DirectiveSpec: Sendable {
    let name: String
    let contexts: DirectiveContext
    let arity: Arity
    let action: DirectiveAction
    /// The nginx default as the README states it; nil for directives without one.
    let defaultValue: String?

    init(
        _ name: String, _ contexts: DirectiveContext, _ arity: Arity, _ action: DirectiveAction,
        default defaultValue: String? = nil
    ) {
        self.name = name
        self.contexts = contexts
        self.arity = arity
        self.action = action
        self.defaultValue = defaultValue
    }

    var takesBlock: Bool {
        switch action {
        case .block, .rawBlock: true
        default: false
        }
    }
}
