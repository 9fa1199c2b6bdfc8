package dev.pretext.core.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code manifest.json} holds, as written: sweeps, the study, the server and people read the file by these
 * names, so the components' names and order are its format. Sections a run has not reached yet (training, data)
 * are left out; values that are unknown (a source revision outside a checkout) are written as null.
 *
 * @param created         when the run was first created; a resumed run keeps it
 * @param deviceHistory   one entry per start whose device differs from the one before (the first included);
 *                        written once the run has been resumed
 * @param dataProblems    per dataset slot, the files it left out
 * @param parameters      the network's size (the objective's heads are not part of it)
 * @param probeWallSeconds what probing cost, beside the training time
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunManifest(String run, String created, Long seed, Source source, Platform platform,
                          List<Component> components, List<Bundle> bundles,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<DeviceStart> deviceHistory,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, DataProblems> dataProblems,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Training training,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Long parameters,
                          @JsonInclude(JsonInclude.Include.NON_NULL) DataSummary data,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double probeWallSeconds) {

    /** A manifest with nothing in it: what an unreadable or missing file loads as. */
    public static final RunManifest EMPTY = new RunManifest(null, null, null, null, null, null, null, null, null,
            null, null, null, null);

    /** The source checkout: its revision and whether it had changes (both null outside a checkout). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Source(String revision, Boolean dirty) {
    }

    /**
     * The machine and the libraries.
     *
     * @param device       "cpu" or "gpu:N", what the run trained on
     * @param deviceDetail what it asked for and what it got ({@link RunDevice#manifestEntry})
     * @param environment  settings that change how libtorch computes, as this process got them
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Platform(String java, String djl, String engine, String device,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> deviceDetail,
                           String os, Integer cores,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long memoryBytes,
                           Map<String, String> environment) {
    }

    /** One component of the recipe and the plugin that built it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Component(String slot, String kind, String type, String version, String bundle) {
    }

    /** A bundle the run used, with the sha256 of its jar. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Bundle(String symbolicName, String version, String location, String sha256) {
    }

    /** A start of the run on a device. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeviceStart(String device, String started) {
    }

    /**
     * The files a dataset left out.
     *
     * @param skipped how many (always exact)
     * @param files   the first of them, each with why
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DataProblems(long skipped, List<String> files) {
    }

    /**
     * How training went.
     *
     * @param flopsBudget  the FLOPs limit, null for a budget of steps or time
     * @param featureCache what the feature cache served; left out without one
     * @param checkpoint   the last checkpoint, relative to the run folder
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Training(long steps, String stopReason, double flops, Double flopsBudget,
                           Map<String, Double> flopsByComponent, double trainSeconds, double dataWaitSeconds,
                           double dataWaitShare, int loaderThreads,
                           @JsonProperty("loader_x_realtime_per_thread") double loaderXRealtimePerThread,
                           double loaderUtterancesPerThreadSecond,
                           @JsonInclude(JsonInclude.Include.NON_NULL) FeatureCacheUse featureCache,
                           double finalLoss, String checkpoint) {
    }

    /** The feature cache's folder and counts since the (re)start. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FeatureCacheUse(String folder, long hits, long misses, long bypassed, long damaged,
                                  long writeFailures) {
    }

    /**
     * The training data and what was made of it.
     *
     * @param augmentations the mix as configured, in the order applied: waveform ones, then feature ones
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DataSummary(int trainUtterances, double uniqueHours, double processedHours, double epochs,
                              double paddingShare, List<Augmentation> augmentations) {
    }

    /**
     * One augmentation of the mix.
     *
     * @param appliesTo {@code waveform} or {@code features}
     * @param config    its bound config, every default filled in
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Augmentation(String type, String appliesTo, String slot, Map<String, Object> config) {
    }

    public RunManifest withDeviceHistory(List<DeviceStart> history) {
        return new RunManifest(run, created, seed, source, platform, components, bundles, history, dataProblems,
                training, parameters, data, probeWallSeconds);
    }

    /** The same manifest with one more dataset's left-out files (or that dataset's replaced). */
    public RunManifest withDataProblems(String slot, DataProblems problems) {
        Map<String, DataProblems> all = dataProblems == null ? new LinkedHashMap<>() : new LinkedHashMap<>(dataProblems);
        all.put(slot, problems);
        return new RunManifest(run, created, seed, source, platform, components, bundles, deviceHistory, all,
                training, parameters, data, probeWallSeconds);
    }

    public RunManifest withTraining(Training t, Long networkParameters, DataSummary d) {
        return new RunManifest(run, created, seed, source, platform, components, bundles, deviceHistory,
                dataProblems, t, networkParameters, d, probeWallSeconds);
    }

    public RunManifest withProbeWallSeconds(double seconds) {
        return new RunManifest(run, created, seed, source, platform, components, bundles, deviceHistory,
                dataProblems, training, parameters, data, seconds);
    }

    /**
     * A fresh description merged into this, the manifest of an earlier start: everything is taken from the
     * fresh one except when the run was first created; sections the fresh one has not reached yet are kept.
     */
    public RunManifest resumedWith(RunManifest fresh) {
        return new RunManifest(fresh.run, created != null ? created : fresh.created, fresh.seed, fresh.source,
                fresh.platform, fresh.components, fresh.bundles, fresh.deviceHistory != null ? fresh.deviceHistory
                : deviceHistory, fresh.dataProblems != null ? fresh.dataProblems : dataProblems,
                fresh.training != null ? fresh.training : training,
                fresh.parameters != null ? fresh.parameters : parameters, fresh.data != null ? fresh.data : data,
                fresh.probeWallSeconds != null ? fresh.probeWallSeconds : probeWallSeconds);
    }

    /** The device the platform records, or null. */
    @JsonIgnore
    public String device() {
        return platform == null ? null : platform.device();
    }
}
