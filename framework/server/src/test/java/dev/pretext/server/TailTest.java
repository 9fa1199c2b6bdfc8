package dev.pretext.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Scheduler.tail reads a log's last lines from its end, whatever the file's size and last line. */
class TailTest {
    @TempDir
    Path temp;

    @Test
    void theLastLinesOfLargeSmallAndUnfinishedFiles() throws Exception {
        Path big = temp.resolve("big.txt");
        Files.writeString(big, IntStream.rangeClosed(1, 50_000).mapToObj(i -> "line " + i + " " + "x".repeat(i % 300))
                .collect(Collectors.joining("\n", "", "\n")));
        List<String> last = Scheduler.tail(big, 3);
        assertEquals(List.of("line 49998 " + "x".repeat(49998 % 300), "line 49999 " + "x".repeat(49999 % 300),
                "line 50000 " + "x".repeat(50000 % 300)), last);
        assertEquals(200, Scheduler.tail(big, 200).size());
        assertEquals("line 49801 " + "x".repeat(49801 % 300), Scheduler.tail(big, 200).get(0));

        Path small = temp.resolve("small.txt");
        Files.writeString(small, "a\nb\nhalf-written");
        assertEquals(List.of("a", "b", "half-written"), Scheduler.tail(small, 10));
        assertEquals(List.of("half-written"), Scheduler.tail(small, 1));
        Files.writeString(small, "");
        assertEquals(List.of(), Scheduler.tail(small, 5));
        assertEquals(List.of(), Scheduler.tail(temp.resolve("missing.txt"), 5));
    }
}
