import Operations
import Testing

/// Reading `/proc/self/stat`, whose second field is a command name that may hold spaces and parentheses.
@Suite struct ProcessStatisticsTests {
    @Test func fieldsAreCountedAfterTheCommandName() throws {
        // Fields 14 and 15 (utime 250, stime 50 ticks) and 22 (starttime 1,000 ticks) of a real line's shape.
        let stat =
            "4242 (dsr gateway (x)) S 1 4242 4242 0 -1 4194560 9000 0 0 0 250 50 0 0 20 0 12 0 1000 "
            + "700000000 5000 18446744073709551615 1 1 0 0 0 0 0 4096 17922 0 0 0 17 1 0 0 0 0 0"
        let statistics = try #require(
            ProcessStatistics.parse(
                stat: stat, statm: "171000 5000 3000 100 0 20000 0\n",
                system: "cpu  1 2 3\nbtime 1764600000\nprocesses 99\n", openFileDescriptors: 17,
                ticksPerSecond: 100, pageSize: 4096))
        #expect(statistics.cpuSeconds == 3)
        #expect(statistics.residentBytes == 5000 * 4096)
        #expect(statistics.openFileDescriptors == 17)
        #expect(statistics.startTime == 1_764_600_010)
    }

    @Test func aLineItCannotReadIsNoReading() {
        #expect(
            ProcessStatistics.parse(
                stat: "garbage", statm: "", system: "", openFileDescriptors: 0, ticksPerSecond: 100, pageSize: 4096)
                == nil)
    }
}
