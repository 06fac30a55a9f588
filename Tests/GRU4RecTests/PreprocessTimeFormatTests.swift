import Foundation
import GRU4Rec
import Testing

/// `--time-format`: unix seconds, milliseconds and strptime-style patterns, read as UTC.
/// Expected values come from `date -u -d '...' +%s`.
@Suite struct PreprocessTimeFormatTests {
    private func seconds(_ format: String, _ text: String) throws -> Double? {
        try PreprocessTimeFormat(parsing: format).parse(text)
    }

    @Test func namedFormats() throws {
        #expect(try PreprocessTimeFormat(parsing: "unix") == .unixSeconds)
        #expect(try PreprocessTimeFormat(parsing: "unix-ms") == .unixMilliseconds)
        #expect(try PreprocessTimeFormat(parsing: "%Y-%m-%d") == .pattern("%Y-%m-%d"))
        #expect(PreprocessTimeFormat.unixMilliseconds.description == "unix-ms")
        #expect(try seconds("unix", "1396437466.94") == 1396437466.94)
        #expect(try seconds("unix", " 12 ") == 12)
        #expect(try seconds("unix", "2010-12-01") == nil)
        #expect(try seconds("unix", "") == nil)
        let ms = try #require(try seconds("unix-ms", "1396437466940"))
        #expect(abs(ms - 1396437466.94) < 1e-6)
    }

    @Test func onlineRetailPattern() throws {
        let f = "%Y-%m-%d %H:%M"
        #expect(try seconds(f, "2010-12-01 08:26") == 1291191960)
        #expect(try seconds(f, "2011-12-09 12:50") == 1323435000)
        #expect(try seconds(f, " 2011-12-09 12:50 ") == 1323435000)  // spaces around the field
        #expect(try seconds(f, "2011-12-09  12:50") == 1323435000)  // a space matches a run of spaces
        #expect(try seconds(f, "2011-12-09 12:50:00") == nil)  // trailing text
        #expect(try seconds(f, "2011-12-09") == nil)  // missing part
        #expect(try seconds(f, "2011/12/09 12:50") == nil)
    }

    @Test func directives() throws {
        #expect(try seconds("%Y-%m-%dT%H:%M:%S.%f%z", "2014-04-07T10:51:09.277Z") == 1396867869.277)
        #expect(try seconds("%Y-%m-%dT%H:%M:%S%z", "2014-04-07T12:51:09+02:00") == 1396867869)
        #expect(try seconds("%Y-%m-%dT%H:%M:%S%z", "2014-04-07T09:51:09-0100") == 1396867869)
        #expect(try seconds("%F %T", "2014-04-07 10:51:09") == 1396867869)
        #expect(try seconds("%m/%d/%Y %H:%M", "1/2/2011 8:26") == 1293956760)  // one-digit fields
        #expect(try seconds("%d %b %Y %H:%M", "2 Jan 2011 08:26") == 1293956760)
        #expect(try seconds("%d %B %Y %H:%M", "2 JANUARY 2011 08:26") == 1293956760)
        #expect(try seconds("%m/%d/%Y %I:%M %p", "12/1/2010 8:26 PM") == 1291235160)
        #expect(try seconds("%m/%d/%Y %I:%M %p", "12/1/2010 12:05 am") == 1291161900)
        #expect(try seconds("%d.%m.%y", "04.07.99") == 931046400)
        #expect(try seconds("%Y%%%m", "2000%3") == 951868800)
        #expect(try seconds("%Y-%m-%d %H:%M", "1969-12-31 23:59") == -60)
    }

    @Test func refusesDatesThatDoNotExist() throws {
        let f = "%Y-%m-%d %H:%M"
        #expect(try seconds(f, "2012-02-29 00:00") == 1330473600)
        #expect(try seconds(f, "2011-02-29 00:00") == nil)
        #expect(try seconds(f, "2000-02-29 00:00") != nil)
        #expect(try seconds(f, "1900-02-29 00:00") == nil)
        #expect(try seconds(f, "2011-04-31 00:00") == nil)
        #expect(try seconds(f, "2011-13-01 00:00") == nil)
        #expect(try seconds(f, "2011-00-01 00:00") == nil)
        #expect(try seconds(f, "2011-01-01 24:00") == nil)
        #expect(try seconds(f, "2011-01-01 23:60") == nil)
        #expect(try seconds("%m/%d/%Y %I:%M %p", "12/1/2010 13:05 PM") == nil)
    }

    @Test func badPatternsAreOptionErrors() {
        for bad in ["%Q", "%Y-%", "yyyy-mm-dd", "%I:%M"] {
            #expect(throws: PreprocessOptionError.self, "\(bad)") { try PreprocessTimeFormat(parsing: bad) }
        }
        do {
            _ = try PreprocessTimeFormat(parsing: "%Y-%m-%d %k")
            Issue.record("expected an error")
        } catch let e as PreprocessOptionError {
            #expect(e.option == "--time-format")
            #expect(e.message.contains("%k"))
            #expect(e.hint != nil)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func suggestsAFormatForAValue() {
        #expect(PreprocessTimeFormat.suggestion(for: "2010-12-01 08:26") == "%Y-%m-%d %H:%M")
        #expect(PreprocessTimeFormat.suggestion(for: "2010-12-01 08:26:07") == "%Y-%m-%d %H:%M:%S")
        #expect(PreprocessTimeFormat.suggestion(for: "2014-04-07T10:51:09.277Z") == "%Y-%m-%dT%H:%M:%S.%f%z")
        #expect(PreprocessTimeFormat.suggestion(for: "1396437466") == "unix")
        #expect(PreprocessTimeFormat.suggestion(for: "yesterday") == nil)
    }

    /// Formatting and parsing agree on every minute, over two centuries (seeded).
    @Test func formatAndParseRoundTrip() throws {
        #expect(formatUTCMinute(1291191960) == "2010-12-01 08:26")
        #expect(formatUTCMinute(-60) == "1969-12-31 23:59")
        let format = try PreprocessTimeFormat(parsing: "%Y-%m-%d %H:%M")
        var random = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let minute = Double(Int.random(in: -36_000_000...68_000_000, using: &random)) * 60
            let text = formatUTCMinute(minute + 59.5)
            #expect(try format.parse(text) == minute, "\(text)")
        }
    }
}
