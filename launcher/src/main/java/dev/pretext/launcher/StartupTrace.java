package dev.pretext.launcher;

import java.lang.management.ManagementFactory;

/**
 * Start-up phases on stderr, in milliseconds since the JVM started, when {@code -Dpretext.trace.startup=true} (or
 * {@code PRETEXT_TRACE_STARTUP=1}) is set: where {@code pretext}'s first second goes (docs/BENCHMARKS.md, "Start-up").
 */
final class StartupTrace {
    static final boolean ON = Boolean.getBoolean("pretext.trace.startup")
            || "1".equals(System.getenv("PRETEXT_TRACE_STARTUP"));

    private StartupTrace() {
    }

    static void mark(String phase) {
        if (ON) {
            long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            System.err.printf("pretext: start-up %6d ms  %s [%s]%n", ms, phase, Thread.currentThread().getName());
        }
    }
}
