package dev.pretext.server;

import java.nio.file.Path;

/**
 * Checks a submitted recipe or sweep against the live plugin registry, as {@code pretext recipe check} and
 * {@code pretext sweep --dry-run} do, and throws their {@link dev.pretext.core.UserError} (with file and line)
 * when it would not run.
 */
public interface Validator {
    /** @param kind {@link JobSpec#RECIPE} or {@link JobSpec#SWEEP} */
    record Checked(String kind, String name) {
    }

    /** @param main the submitted file in a scratch folder, beside the other submitted files */
    Checked check(Path main);
}
