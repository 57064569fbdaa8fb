import Testing

@testable import SwitchyardConfig

struct UnitsTests {
    /// Decimal integers only: no sign, no spaces, no overflow.
    @Test func numbers() {
        #expect(Units.number("0") == 0)
        #expect(Units.number("512") == 512)
        #expect(Units.number("9223372036854775807") == Int.max)
        #expect(Units.number("9223372036854775808") == nil)
        for bad in ["", "-1", "+1", " 1", "1 ", "1k", "0x10"] {
            #expect(Units.number(bad) == nil, "\(bad)")
        }
    }

    /// Sizes take k, m and g in either case, in powers of 1024.
    @Test func sizes() {
        #expect(Units.size("1024") == 1024)
        #expect(Units.size("8k") == 8192)
        #expect(Units.size("8K") == 8192)
        #expect(Units.size("1m") == 1_048_576)
        #expect(Units.size("1M") == 1_048_576)
        #expect(Units.size("1g") == 1_073_741_824)
        #expect(Units.size("2G") == 2_147_483_648)
        #expect(Units.size("0") == 0)
    }

    /// Anything else is rejected: a unit without digits, two units, fractions, signs, bytes suffix.
    @Test func badSizes() {
        for bad in ["", "k", "8kb", "8kk", "1.5k", "-1", "8 k", "8t", "8B"] {
            #expect(Units.size(bad) == nil, "\(bad)")
        }
    }

    /// A size whose bytes do not fit in an Int is an error, not a wrapped value.
    @Test func sizeOverflow() {
        #expect(Units.size("8589934591g") == 8_589_934_591 << 30)
        #expect(Units.size("8589934592g") == nil)
        #expect(Units.size("9007199254740992k") == nil)
        #expect(Units.size("99999999999999999999") == nil)
    }

    /// Timeouts: `ms s m h d w`, combined largest first, a bare number is seconds.
    @Test func times() {
        #expect(Units.time("500ms") == .milliseconds(500))
        #expect(Units.time("60s") == .seconds(60))
        #expect(Units.time("60") == .seconds(60))
        #expect(Units.time("0") == .zero)
        #expect(Units.time("10m") == .seconds(600))
        #expect(Units.time("1h30m") == .seconds(5400))
        #expect(Units.time("1h 30m") == .seconds(5400))
        #expect(Units.time("1m30") == .seconds(90))
        #expect(Units.time("1s500ms") == .milliseconds(1500))
        #expect(Units.time("2d") == .seconds(172_800))
        #expect(Units.time("1w1d") == .seconds(691_200))
        #expect(Units.time("10 ") == .seconds(10))
    }

    /// Out-of-order or repeated units, unknown units and units without digits are rejected.
    @Test func badTimes() {
        for bad in ["", "s", "ms", "30m1h", "1h1h", "1s1m", "5x", "1.5s", "-1s", " 5s", "1h m", "1s 5", "10 5"] {
            #expect(Units.time(bad) == nil, "\(bad)")
        }
    }

    /// Timeouts (millisecond base) refuse months and years, as nginx does.
    @Test func millisecondBaseRefusesMonthsAndYears() {
        #expect(Units.time("1M") == nil)
        #expect(Units.time("1y") == nil)
    }

    /// Periods (second base) accept months and years and refuse `ms`.
    @Test func secondBase() {
        #expect(Units.time("10", base: .seconds) == .seconds(10))
        #expect(Units.time("30s", base: .seconds) == .seconds(30))
        #expect(Units.time("1M", base: .seconds) == .seconds(2_592_000))
        #expect(Units.time("1y", base: .seconds) == .seconds(31_536_000))
        #expect(Units.time("500ms", base: .seconds) == nil)
    }

    /// A time whose total does not fit in an Int of the base unit is rejected.
    @Test func timeOverflow() {
        #expect(Units.time("9223372036854775ms") == .milliseconds(9_223_372_036_854_775))
        #expect(Units.time("9223372036854775807s") == nil)
        #expect(Units.time("99999999999999999999ms") == nil)
        #expect(Units.time("9223372036854775807", base: .seconds) == .seconds(Int.max))
        #expect(Units.time("106751991167300d 55807s", base: .seconds) == .seconds(Int.max))
        #expect(Units.time("106751991167300d 55808s", base: .seconds) == nil)
    }
}
