package dev.pretext.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.jna.NativeLibrary;
import dev.pretext.core.Json;
import dev.pretext.launcher.Host;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/run mkl}: the same measurements in fresh JVMs with and without native/mkl-vendor's preload (MKL's
 * Intel kernels on AMD), and with any other settings given as variants, interleaved round by round so that the
 * load of a shared machine falls on all of them alike. Per JVM: the 2048^3 matmul peak and the median training step
 * of the pretext Transformer at the peer shapes ({@link PeerBench}'s pretext side: fixed batch, AdamW, no data
 * loading), its minor page faults per step, and the JVM's peak resident set (glibc malloc settings such as
 * {@code GLIBC_TUNABLES=glibc.malloc.trim_threshold=...} go in as environment variables of a variant).
 *
 * <p>Arguments: {@code [--rounds 3] [--shapes quickstart,slim] [--steps 5] [--warmup 2]
 * [--variant "NAME KEY=VALUE ..."]...}. Without {@code --variant}: {@code default} (no preload) and {@code fast}
 * (preloaded). In a variant, {@code mkl=0|1} chooses the path (default 1), a KEY with a dot is a Java system
 * property (e.g. {@code ai.djl.pytorch.num_interop_threads=1}), any other KEY an environment variable (e.g.
 * {@code OMP_WAIT_POLICY=ACTIVE}).
 */
final class MklBench {
    private static final String MARK = "MKLBENCH ";

    private MklBench() {
    }

    record Variant(String name, boolean fix, Map<String, String> properties, Map<String, String> env) {
        static Variant parse(String spec) {
            String[] words = spec.trim().split("\\s+");
            boolean fix = !words[0].equals("default");
            Map<String, String> props = new LinkedHashMap<>();
            Map<String, String> env = new LinkedHashMap<>();
            for (String w : Arrays.copyOfRange(words, 1, words.length)) {
                String[] kv = w.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("a variant's settings are KEY=VALUE, got " + w);
                }
                if (kv[0].equals("mkl")) {
                    fix = !kv[1].equals("0");
                } else if (kv[0].contains(".")) {
                    props.put(kv[0], kv[1]);
                } else {
                    env.put(kv[0], kv[1]);
                }
            }
            return new Variant(words[0], fix, props, env);
        }

        String settings() {
            List<String> s = new ArrayList<>();
            s.add(fix ? "preloaded" : "no preload");
            properties.forEach((k, v) -> s.add("-D" + k + "=" + v));
            env.forEach((k, v) -> s.add(k + "=" + v));
            return String.join(", ", s);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        int rounds = 3;
        String shapes = "quickstart,slim";
        int steps = 5;
        int warmup = 2;
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--shapes" -> shapes = value;
                case "--steps" -> steps = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--variant" -> variants.add(Variant.parse(value));
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see MklBench's javadoc");
            }
        }
        if (variants.isEmpty()) {
            variants = List.of(Variant.parse("default"), Variant.parse("fast"));
        }
        List<String> shapeNames = Arrays.stream(shapes.split(",")).map(s -> PeerBench.Config.parse(s).name()).toList();
        Map<String, List<JsonNode>> results = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (Variant v : variants) {
                JsonNode res = run(v, shapes, steps, warmup);
                results.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(res);
                System.err.printf(Locale.ROOT, "round %d, %s: %s%n", r + 1, v.name(), res);
            }
        }
        List<String> head = new ArrayList<>(List.of("variant", "MKL told Intel", "matmul 2048^3 GFLOP/s",
                "matmul GFLOP per CPU-s"));
        shapeNames.forEach(s -> head.add(s + " s/step"));
        shapeNames.forEach(s -> head.add(s + " CPU-s/step"));
        shapeNames.forEach(s -> head.add(s + " vs first (wall, CPU)"));
        shapeNames.forEach(s -> head.add(s + " minor faults/step"));
        head.add("peak RSS GB");
        List<String[]> rows = new ArrayList<>();
        Map<String, Double> first = new LinkedHashMap<>();
        for (Variant v : variants) {
            List<JsonNode> rs = results.get(v.name());
            List<String> row = new ArrayList<>(List.of(v.name(), rs.get(0).get("answer").asInt() == 1 ? "yes" : "no",
                    range(rs, n -> n.get("peak").asDouble() / 1e9, "%.1f"),
                    range(rs, n -> n.get("peak_per_cpu_second").asDouble() / 1e9, "%.1f")));
            List<String> cpuCells = new ArrayList<>();
            List<String> ratios = new ArrayList<>();
            for (String s : shapeNames) {
                row.add(range(rs, n -> n.get("steps").get(s).asDouble(), "%.3f"));
                cpuCells.add(range(rs, n -> n.get("cpu_steps").get(s).asDouble(), "%.3f"));
                double wall = PeerBench.median(rs.stream().mapToDouble(n -> n.get("steps").get(s).asDouble()).toArray());
                double cpu = PeerBench.median(rs.stream().mapToDouble(n -> n.get("cpu_steps").get(s).asDouble())
                        .toArray());
                first.putIfAbsent(s, wall);
                first.putIfAbsent(s + " cpu", cpu);
                ratios.add(String.format(Locale.ROOT, "%.2f, %.2f", wall / first.get(s), cpu / first.get(s + " cpu")));
            }
            row.addAll(cpuCells);
            row.addAll(ratios);
            for (String s : shapeNames) {
                row.add(range(rs, n -> n.get("faults").get(s).asDouble(), "%.0f"));
            }
            row.add(range(rs, n -> n.get("peak_rss").asDouble() / 1e9, "%.2f"));
            rows.add(row.toArray(String[]::new));
        }
        System.out.println();
        Bench.printTable(head, rows);
        System.out.printf(Locale.ROOT, "%nmedian over %d rounds [min-max]; each JVM: matmul best of 6 (and FLOPs per CPU second over all 8), then %d steps after "
                        + "%d warm-up per shape; CPU-s = this JVM's CPU time, all threads; 'vs first' = median / the first variant's; "
                        + "peak RSS of the whole JVM over all shapes%n", rounds, steps,
                warmup);
        for (Variant v : variants) {
            System.out.println("- " + v.name() + ": " + v.settings());
        }
        System.out.printf(Locale.ROOT, "%d cores, %s, Java %s, OMP_WAIT_POLICY=%s%n",
                Runtime.getRuntime().availableProcessors(), cpu(), System.getProperty("java.version"),
                System.getenv("OMP_WAIT_POLICY"));
    }

    /** "median [min-max]" of one value over the rounds. */
    private static String range(List<JsonNode> rs, java.util.function.ToDoubleFunction<JsonNode> f, String fmt) {
        double[] v = rs.stream().mapToDouble(f).toArray();
        double min = Arrays.stream(v).min().orElse(Double.NaN);
        double max = Arrays.stream(v).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, fmt + " [" + fmt + "-" + fmt + "]", PeerBench.median(v), min, max);
    }

    /** The vendor, model name and the vector extensions that matter here, from /proc/cpuinfo. */
    static String cpu() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
            String family = lines.stream().filter(l -> l.startsWith("cpu family")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
            List<String> flags = List.of(lines.stream().filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("").split("\\s+"));
            List<String> shown = List.of("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile").stream()
                    .filter(flags::contains).toList();
            String vendor = lines.stream().filter(l -> l.startsWith("vendor_id")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
            return vendor + " " + model + " (family " + family + ", " + String.join(" ", shown) + ")";
        } catch (Exception e) {
            return "?";
        }
    }

    private static JsonNode run(Variant v, String shapes, int steps, int warmup) throws Exception {
        Path lib = Path.of(System.getProperty("pretext.home"), "native", "mkl-vendor", "libpretext-mkl-vendor.so");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
        v.properties().forEach((k, val) -> cmd.add("-D" + k + "=" + val));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Bench.class.getName(), "mkl", "--child",
                shapes, "" + steps, "" + warmup));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        List<String> preload = new ArrayList<>(Arrays.stream(env.getOrDefault("LD_PRELOAD", "").split("[: ]"))
                .filter(s -> !s.isEmpty() && !Path.of(s).equals(lib)).toList());
        if (v.fix()) {
            preload.add(0, lib.toString());
            env.remove("PRETEXT_MKL_VENDOR_FIX");
        }
        env.put("LD_PRELOAD", String.join(":", preload));
        env.putAll(v.env());
        Process p = pb.start();
        JsonNode result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(MARK)) {
                    result = Json.COMPACT.readTree(line.substring(MARK.length()));
                }
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException("variant " + v.name() + " failed: " + String.join(" ", cmd));
        }
        return result;
    }

    private static void child(String[] args) throws Exception {
        String shapes = args[1];
        int steps = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        Path dist = Path.of(System.getProperty("pretext.dist"));
        Path work = Files.createTempDirectory("pretext-mkl-");
        ObjectNode out = Json.COMPACT.createObjectNode();
        try {
            Path plugins = Files.createDirectories(work.resolve("plugins"));
            try (var jars = Files.list(dist.resolve("plugins"))) {
                for (Path jar : jars.toList()) {
                    Files.copy(jar, plugins.resolve(jar.getFileName()));
                }
            }
            try (Host host = Host.start(dist.resolve("system"), plugins)) {
                long cpu0 = PeerBench.processCpuNanos();
                long wall0 = System.nanoTime();
                out.put("peak", Bench.matmulPeak(2048));
                // 8 products: FLOPs per CPU second, all threads (the best-of wall rate suffers most from other load)
                out.put("peak_per_cpu_second", 8 * 2.0 * Math.pow(2048, 3) / ((PeerBench.processCpuNanos() - cpu0) / 1e9));
                out.put("matmul_cpu_share", (PeerBench.processCpuNanos() - cpu0) / (double) (System.nanoTime() - wall0));
                ObjectNode times = out.putObject("steps");
                ObjectNode cpus = out.putObject("cpu_steps");
                ObjectNode losses = out.putObject("last_loss");
                ObjectNode faults = out.putObject("faults");
                for (String s : shapes.split(",")) {
                    PeerBench.Config c = PeerBench.Config.parse(s);
                    PeerBench.Timing t = PeerBench.trainPretext(host, work, c, steps, warmup, 0.1, "mse");
                    times.put(c.name(), t.median());
                    cpus.put(c.name(), t.cpuPerStep());
                    losses.put(c.name(), t.lastLoss());
                    faults.put(c.name(), t.faultsPerStep());
                }
            }
            out.put("peak_rss", peakRss());
            out.put("answer", answer());
            out.put("threads", JniUtils.getNumThreads());
            out.put("interop_threads", JniUtils.getNumInteropThreads());
        } finally {
            Bench.deleteTree(work);
        }
        System.out.println(MARK + out);
    }

    /**
     * Starts this process's peak resident set afresh from the current one (Linux 4.0 and later: writing 5 to
     * /proc/self/clear_refs resets VmHWM), so that {@link #peakRss} measures what follows. Ignored elsewhere.
     */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception e) {
            // not Linux, or not allowed: peakRss then covers the whole process so far
        }
    }

    /** This process's peak resident set (Linux VmHWM) in bytes, -1 where unavailable. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    /** What MKL is told about the vendor in this process: the preloaded answer, else libtorch's own (Intel only). */
    private static int answer() {
        try {
            return NativeLibrary.getProcess().getFunction("mkl_serv_intel_cpu_true").invokeInt(new Object[0]);
        } catch (UnsatisfiedLinkError e) {
            return cpu().startsWith("GenuineIntel") ? 1 : 0;
        }
    }
}
