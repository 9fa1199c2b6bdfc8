package dev.pretext.api;

import ai.djl.Device;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What every component of a run may know about the run.
 *
 * @param seed     the recipe's seed; derive every random stream from it (and from a stable key such as an
 *                 utterance id), never from the clock
 * @param runDir   the run folder; components may write files under it
 * @param cacheDir a folder shared by runs for expensive, content-keyed artefacts (synthesised corpora, features)
 * @param device   where tensors live
 */
public record RunContext(long seed, Path runDir, Path cacheDir, Device device) {
    public RunContext {
        Objects.requireNonNull(runDir, "runDir");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(device, "device");
    }
}
