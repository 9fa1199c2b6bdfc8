package dev.pretext.testkit;

import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;

import java.util.ArrayList;
import java.util.List;

/** A {@link FlopMeter} that keeps every record, for tests to inspect. */
public final class RecordingMeter implements FlopMeter {
    /** One call to {@link #record}. */
    public record Entry(FlopCount forward, boolean withGradients) {
    }

    private final List<Entry> entries = new ArrayList<>();

    @Override
    public void record(FlopCount forward, boolean withGradients) {
        entries.add(new Entry(forward, withGradients));
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Forward FLOPs of every component whose name starts with {@code prefix} ("" for all). */
    public double forward(String prefix) {
        double sum = 0;
        for (Entry e : entries) {
            for (var c : e.forward().forward().entrySet()) {
                if (c.getKey().startsWith(prefix)) {
                    sum += c.getValue();
                }
            }
        }
        return sum;
    }

    public void clear() {
        entries.clear();
    }
}
