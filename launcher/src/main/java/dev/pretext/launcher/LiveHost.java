package dev.pretext.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.run.TrainingRun;
import dev.pretext.core.sweep.Sweep;
import dev.pretext.core.sweep.SweepFile;
import dev.pretext.server.BundleSource;
import dev.pretext.server.Inventory;
import dev.pretext.server.JobSpec;
import dev.pretext.server.Validator;
import dev.pretext.study.AnalysisSpec;
import org.osgi.framework.Bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The server's view of its long-lived host: submissions checked against, and bundles pinned from, what is live. */
final class LiveHost implements Validator, BundleSource, Inventory {
    private final Host host;
    private final Path cacheDir;

    LiveHost(Host host, Path cacheDir) {
        this.host = host;
        this.cacheDir = cacheDir;
    }

    /** One submission at a time: composing a recipe touches the engine and the registry's plugin instances. */
    @Override
    public synchronized Checked check(Path main) {
        String text;
        try {
            text = Files.readString(main, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode root = LocatedYaml.read(main, text).root();
        Path scratch;
        try {
            scratch = Files.createTempDirectory("pretext-serve-check-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            if (root.isObject() && root.has("base")) {
                SweepFile file = SweepFile.parse(main, text);
                Sweep sweep = Sweep.plan(file, scratch, host.registry(), cacheDir);
                Set<String> axes = new LinkedHashSet<>();
                sweep.runs().forEach(r -> axes.addAll(r.plan().labels().keySet()));
                AnalysisSpec.parse(file.source(), file.analysis()).check(file.source(), axes);
                return new Checked(JobSpec.SWEEP, file.name());
            }
            LoadedRecipe loaded = LoadedRecipe.parse(main, text);
            // What cannot fit in this machine's memory is refused now, as `recipe check` does.
            dev.pretext.core.plan.MemoryPlan.check(TrainingRun.check(loaded, host.registry(), scratch.resolve("run"),
                    cacheDir));
            return new Checked(JobSpec.RECIPE, loaded.recipe().name());
        } finally {
            deleteTree(scratch);
        }
    }

    @Override
    public List<LiveBundle> bundles() {
        Path dir = host.pluginsDir().toAbsolutePath().normalize();
        List<LiveBundle> live = new ArrayList<>();
        for (Bundle b : host.context().getBundles()) {
            Path jar = jarOf(b.getLocation());
            if (jar == null || !dir.equals(jar.getParent()) || b.getState() != Bundle.ACTIVE || !Files.isRegularFile(jar)) {
                continue;
            }
            live.add(new LiveBundle(jar, b.getSymbolicName(), b.getVersion().toString()));
        }
        live.sort(Comparator.comparing(LiveBundle::bundle).thenComparing(LiveBundle::version));
        return live;
    }

    static Path jarOf(String location) {
        if (location == null || !location.startsWith("file:")) {
            return null;
        }
        try {
            return Path.of(URI.create(location)).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            return Path.of(location.substring("file:".length())).toAbsolutePath().normalize();
        }
    }

    @Override
    public Map<String, Object> describe() {
        return PluginsCommand.describe(host);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A temporary folder left behind.
        }
    }
}
