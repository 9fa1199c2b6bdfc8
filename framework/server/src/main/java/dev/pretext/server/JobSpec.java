package dev.pretext.server;

import java.time.Instant;
import java.util.List;

/**
 * What was submitted, fixed at submission: the job folder's {@code job.json}.
 *
 * @param kind     {@code recipe} (one training run and its probes) or {@code sweep}
 * @param name     the recipe's or sweep's name (the run or sweep folder's name)
 * @param main     the submitted file the job runs, inside the job folder
 * @param bundles  the plugin bundles the job runs on, pinned by content when it was submitted
 */
public record JobSpec(long id, String kind, String name, String user, int priority, Instant submitted, String main,
                      List<PinnedBundle> bundles) {
    public static final String RECIPE = "recipe";
    public static final String SWEEP = "sweep";

    public JobSpec {
        bundles = List.copyOf(bundles);
    }

    /** One bundle jar of the job's plugins folder: the file name it has there, what it is, and its content hash. */
    public record PinnedBundle(String file, String bundle, String version, String sha256) {
    }
}
