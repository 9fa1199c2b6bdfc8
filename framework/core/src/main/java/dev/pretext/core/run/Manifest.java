package dev.pretext.core.run;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.pretext.core.Json;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.Composer.Composed;
import dev.pretext.core.plugins.InstalledPlugin;
import dev.pretext.core.train.Checkpoints;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * {@code manifest.json}: what exactly produced a run (a {@link RunManifest}). Bundles with their sha256, the
 * source revision, the Java, DJL and libtorch versions, the machine; training and data accounting are added as
 * the run goes, and each addition is written at once.
 */
public final class Manifest {
    private final Path file;
    private RunManifest content;

    public Manifest(Path file) {
        this(file, RunManifest.EMPTY);
    }

    public Manifest(Path file, RunManifest content) {
        this.file = file;
        this.content = content;
    }

    public static Manifest describe(Path file, ComposedRun run, Path sourceDir) {
        return describe(file, run, sourceDir, null);
    }

    /**
     * Describes a run, with the device it asked for and used.
     *
     * @param device what the run asked for and used ({@link RunDevice#manifestEntry}); null records only the
     *               context's device
     */
    public static Manifest describe(Path file, ComposedRun run, Path sourceDir, Map<String, Object> device) {
        Engine engine = Engine.getInstance();
        Long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : null;
        RunManifest.Platform platform = new RunManifest.Platform(
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                Engine.getDjlVersion(), engine.getEngineName() + " " + engine.getVersion(),
                RunDevice.describe(run.context().device()), device,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), memory, nativeSettings(System.getenv()));

        List<RunManifest.Component> components = new ArrayList<>();
        Set<InstalledPlugin> used = new LinkedHashSet<>();
        for (Map.Entry<String, Composed<?>> e : run.slots().entrySet()) {
            InstalledPlugin p = e.getValue().plugin();
            used.add(p);
            components.add(new RunManifest.Component(e.getKey(), p.kind().id(), p.type(), p.version().toString(),
                    p.bundle()));
        }
        Map<String, RunManifest.Bundle> bundles = new LinkedHashMap<>();
        for (InstalledPlugin p : used) {
            bundles.computeIfAbsent(p.bundle() + "@" + p.version(), k -> new RunManifest.Bundle(p.bundle(),
                    p.version().toString(), p.location(), sha256OfLocation(p.location())));
        }
        return new Manifest(file, new RunManifest(run.recipe().name(), Instant.now().toString(), run.recipe().seed(),
                git(sourceDir), platform, List.copyOf(components), List.copyOf(bundles.values()), null, null, null,
                null, null, null));
    }

    /** Settings that change how libtorch computes (kernels, threads, the allocator), as this process got them. */
    static final List<String> NATIVE_SETTINGS = List.of("LD_PRELOAD", "GLIBC_TUNABLES", "OMP_WAIT_POLICY",
            "OMP_NUM_THREADS", "MKL_NUM_THREADS", "PRETEXT_MKL_VENDOR_FIX", "THP_MEM_ALLOC_ENABLE");

    static Map<String, String> nativeSettings(Map<String, String> env) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String key : NATIVE_SETTINGS) {
            if (env.containsKey(key)) {
                set.put(key, env.get(key));
            }
        }
        return set;
    }

    private static String sha256OfLocation(String location) {
        try {
            if (location != null && location.startsWith("file:")) {
                Path p = Path.of(URI.create(location));
                if (Files.isRegularFile(p)) {
                    return Checkpoints.sha256(p);
                }
            }
        } catch (RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
        return "unavailable: not installed from a file";
    }

    private static RunManifest.Source git(Path dir) {
        String revision = run(dir, "git", "rev-parse", "HEAD");
        String status = run(dir, "git", "status", "--porcelain", "--untracked-files=no");
        return new RunManifest.Source(revision, status == null ? null : !status.isBlank());
    }

    private static String run(Path dir, String... command) {
        if (dir == null) {
            return null;
        }
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (Exception e) {
            return null;
        }
    }

    /** The manifest as it is now. */
    public RunManifest content() {
        return content;
    }

    /** Changes the manifest (e.g. {@code m -> m.withProbeWallSeconds(s)}); {@link #write} puts it on disk. */
    public void update(UnaryOperator<RunManifest> change) {
        content = change.apply(content);
    }

    /** A manifest file as it is; one that is missing or unreadable loads empty (and is rewritten from scratch). */
    public static Manifest load(Path file) {
        try {
            if (Files.exists(file)) {
                return new Manifest(file, read(Files.readString(file, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            // An unreadable manifest is rewritten from scratch.
        }
        return new Manifest(file);
    }

    /** Reads a manifest's text; keys it does not know (written by another version) are left out. */
    static RunManifest read(String json) throws IOException {
        return Json.MAPPER.readerFor(RunManifest.class)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .readValue(json);
    }

    /**
     * Takes everything from a fresh description except when the run was first created, and keeps
     * {@code device_history}: one entry per start of the run whose device differs from the one before (the first
     * start included), so that a run trained partly on a GPU and partly on the CPU says so.
     */
    public void merge(Manifest fresh) {
        RunManifest now = fresh.content;
        String before = content.device();
        if (now.device() != null) {
            List<RunManifest.DeviceStart> history = content.deviceHistory() == null ? new ArrayList<>()
                    : new ArrayList<>(content.deviceHistory());
            if (history.isEmpty() && before != null) {
                history.add(new RunManifest.DeviceStart(before, content.created()));
            }
            if (!now.device().equals(before)) {
                history.add(new RunManifest.DeviceStart(now.device(), now.created()));
            }
            now = now.withDeviceHistory(List.copyOf(history));
        }
        content = content.resumedWith(now);
    }

    public void write() {
        Json.writeAtomically(file, Json.pretty(content));
    }
}
