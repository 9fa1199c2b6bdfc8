package dev.pretext.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's packages depend on each other one way (docs/ARCHITECTURE.md, "Packages of the core"): each may use
 * only the packages of the layers below its own (two packages of one layer do not use each other), so that a part can be read, tested and changed without the ones above.
 */
class PackageLayersTest {
    /** Bottom first; the root package ({@code dev.pretext.core}) is below all of them. */
    static final List<List<String>> LAYERS = List.of(
            List.of("data"),
            List.of("recipe", "model"),
            List.of("plugins"),
            List.of("train", "probe"),
            List.of("plan"),
            List.of("run"),
            List.of("sweep", "interop"));

    private static final Pattern REFERENCE = Pattern.compile("dev\\.pretext\\.core\\.([a-z]+)\\.[A-Z]");

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() throws IOException {
        Map<String, Set<String>> uses = uses(Path.of("src/main/java/dev/pretext/core"));
        List<String> known = LAYERS.stream().flatMap(List::stream).toList();
        assertEquals(new TreeSet<>(known), new TreeSet<>(uses.keySet()), "a new package needs a place in LAYERS");
        List<String> wrong = new ArrayList<>();
        uses.forEach((from, targets) -> {
            for (String to : targets) {
                if (level(to) >= level(from)) {
                    wrong.add(from + " -> " + to);
                }
            }
        });
        assertTrue(wrong.isEmpty(), "dependencies against the layering: " + wrong);
    }

    private static int level(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    static Map<String, Set<String>> uses(Path root) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = root.relativize(f);
                if (rel.getNameCount() < 2) {
                    continue;       // the root package: below everything, uses nothing of the core
                }
                String pkg = rel.getName(0).toString();
                Set<String> targets = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        targets.add(m.group(1));
                    }
                }
            }
        }
        return uses;
    }

    @Test
    void theRootPackageUsesNoOtherPackageOfTheCore() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/pretext/core"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = REFERENCE.matcher(Files.readString(f, StandardCharsets.UTF_8));
                if (m.find()) {
                    throw new AssertionError(f + " uses " + m.group());
                }
            }
        }
    }
}
