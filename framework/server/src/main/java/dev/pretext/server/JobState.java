package dev.pretext.server;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where a job is. A running job whose server died is queued again on restart and resumes from its checkpoints. */
public enum JobState {
    QUEUED, RUNNING, FINISHED, FAILED, CANCELLED;

    public boolean ended() {
        return this == FINISHED || this == FAILED || this == CANCELLED;
    }

    /** As the API and status.json write it: queued, running, ... */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static JobState fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
