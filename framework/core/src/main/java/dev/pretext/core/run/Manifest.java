package dev.pretext.core.run;

import dev.pretext.core.Json;
import ai.djl.engine.Engine;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.Composer.Composed;
import dev.pretext.core.plugins.InstalledPlugin;
import dev.pretext.core.train.Checkpoints;

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

/**
 * {@code manifest.json}: what exactly produced a run. Bundles with their sha256, the source revision, the
 * Java, DJL and libtorch versions, the machine; training and data accounting are added as the run goes.
 */
public final class Manifest {
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Path file;

    public Manifest(Path file) {
        this.file = file;
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
        Manifest m = new Manifest(file);
        m.root.put("run", run.recipe().name());
        m.root.put("created", Instant.now().toString());
        m.root.put("seed", run.recipe().seed());
        m.root.put("source", git(sourceDir));
        Map<String, Object> platform = new LinkedHashMap<>();
        platform.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        platform.put("djl", Engine.getDjlVersion());
        Engine engine = Engine.getInstance();
        platform.put("engine", engine.getEngineName() + " " + engine.getVersion());
        platform.put("device", RunDevice.describe(run.context().device()));
        if (device != null) {
            platform.put("device_detail", device);
        }
        platform.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        platform.put("cores", Runtime.getRuntime().availableProcessors());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            platform.put("memory_bytes", os.getTotalMemorySize());
        }
        platform.put("environment", nativeSettings(System.getenv()));
        m.root.put("platform", platform);

        List<Map<String, Object>> components = new ArrayList<>();
        Set<InstalledPlugin> used = new LinkedHashSet<>();
        for (Map.Entry<String, Composed<?>> e : run.slots().entrySet()) {
            InstalledPlugin p = e.getValue().plugin();
            used.add(p);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("slot", e.getKey());
            c.put("kind", p.kind().id());
            c.put("type", p.type());
            c.put("version", p.version().toString());
            c.put("bundle", p.bundle());
            components.add(c);
        }
        m.root.put("components", components);
        Map<String, Map<String, Object>> bundles = new LinkedHashMap<>();
        for (InstalledPlugin p : used) {
            bundles.computeIfAbsent(p.bundle() + "@" + p.version(), k -> {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("symbolic_name", p.bundle());
                b.put("version", p.version().toString());
                b.put("location", p.location());
                b.put("sha256", sha256OfLocation(p.location()));
                return b;
            });
        }
        m.root.put("bundles", new ArrayList<>(bundles.values()));
        return m;
    }

    /** Settings that change how libtorch computes (kernels, threads, the allocator), as this process got them. */
    static final List<String> NATIVE_SETTINGS = List.of("LD_PRELOAD", "GLIBC_TUNABLES", "OMP_WAIT_POLICY",
            "OMP_NUM_THREADS", "MKL_NUM_THREADS", "PRETEXT_MKL_VENDOR_FIX");

    static Map<String, Object> nativeSettings(Map<String, String> env) {
        Map<String, Object> set = new LinkedHashMap<>();
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

    private static Map<String, Object> git(Path dir) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("revision", run(dir, "git", "rev-parse", "HEAD"));
        String status = run(dir, "git", "status", "--porcelain", "--untracked-files=no");
        g.put("dirty", status == null ? null : !status.isBlank());
        return g;
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

    public void put(String key, Object value) {
        root.put(key, value);
    }

    /** Sets {@code root[section][key]}, creating the section. */
    @SuppressWarnings("unchecked")
    public void putUnder(String section, String key, Object value) {
        Object existing = root.get(section);
        Map<String, Object> map = existing instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
        map.put(key, value);
        root.put(section, map);
    }

    @SuppressWarnings("unchecked")
    public static Manifest load(Path file) {
        Manifest m = new Manifest(file);
        try {
            if (Files.exists(file)) {
                m.root.putAll(Json.MAPPER.readValue(file.toFile(), Map.class));
            }
        } catch (java.io.IOException e) {
            // An unreadable manifest is rewritten from scratch.
        }
        return m;
    }

    /** Takes everything from a fresh description except when the run was first created. */
    public void merge(Manifest fresh) {
        recordDeviceHistory(fresh);
        fresh.root.forEach((k, v) -> {
            if (!(k.equals("created") && root.containsKey(k))) {
                root.put(k, v);
            }
        });
    }

    /**
     * Keeps {@code device_history}: one entry per start of the run whose device differs from the one before
     * (the first start included), so that a run trained partly on a GPU and partly on the CPU says so.
     */
    @SuppressWarnings("unchecked")
    private void recordDeviceHistory(Map<String, Object> freshRoot) {
        String before = deviceOf(root);
        String now = deviceOf(freshRoot);
        if (now == null) {
            return;
        }
        Object existing = root.get("device_history");
        List<Object> history = existing instanceof List<?> l ? new ArrayList<>((List<Object>) l) : new ArrayList<>();
        if (history.isEmpty() && before != null) {
            Map<String, Object> first = new LinkedHashMap<>();
            first.put("device", before);
            first.put("started", root.get("created"));
            history.add(first);
        }
        if (!now.equals(before)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("device", now);
            entry.put("started", freshRoot.get("created"));
            history.add(entry);
        }
        freshRoot.put("device_history", history);
    }

    private void recordDeviceHistory(Manifest fresh) {
        recordDeviceHistory(fresh.root);
    }

    /** The device a manifest's platform records, or null. */
    public static String deviceOf(Map<String, Object> root) {
        return root.get("platform") instanceof Map<?, ?> p && p.get("device") instanceof String d ? d : null;
    }

    public Map<String, Object> asMap() {
        return root;
    }

    public void write() {
        Json.writeAtomically(file, Json.pretty(root));
    }
}
