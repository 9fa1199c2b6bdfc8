package dev.pretext.launcher;

import dev.pretext.core.Json;
import dev.pretext.core.plugins.BundleProblem;
import dev.pretext.core.plugins.InstalledPlugin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List installed plugins (kind, type, version, bundle, state), and every problem of the plugins "
                + "folder with its cause: files that are not bundles, bundles that failed to load, plugins that fail.")
final class PluginsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    /** The registry as `plugins --json` and the server's /api/plugins show it. */
    static Map<String, Object> describe(Host host) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (InstalledPlugin p : host.registry().plugins()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", p.kind().id());
            row.put("type", p.type());
            row.put("version", p.version().toString());
            row.put("bundle", p.bundle());
            row.put("state", "active");
            row.put("location", p.location());
            row.put("description", p.factory().description());
            rows.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("plugins_dir", host.pluginsDir().toString());
        doc.put("plugins", rows);
        doc.put("problems", host.registry().problems());
        doc.put("log", host.log().toString());
        return doc;
    }

    @Override
    public Integer call() {
        try (Host host = main.startHostWithoutEngine()) {
            StartupTrace.mark("host ready");
            List<InstalledPlugin> plugins = host.registry().plugins();
            List<BundleProblem> problems = host.registry().problems();
            PrintWriter out = main.out();
            if (json) {
                Map<String, Object> doc = describe(host);
                out.print(Json.pretty(doc));
            } else {
                out.printf("%-13s %-12s %-9s %-38s %s%n", "KIND", "TYPE", "VERSION", "BUNDLE", "STATE");
                for (InstalledPlugin p : plugins) {
                    out.printf("%-13s %-12s %-9s %-38s %s%n", p.kind().id(), p.type(), p.version(), p.bundle(),
                            "active");
                }
                for (BundleProblem b : problems) {
                    String[] plugin = b.plugin() == null ? new String[]{"-", "-"} : b.plugin().split(" ", 2);
                    out.printf("%-13s %-12s %-9s %-38s %s%n", plugin[0], plugin[1], b.version(), b.bundle(),
                            b.plugin() == null ? b.state() : "failed");
                    out.printf("    cause: %s%n", b.cause().replace("\n", "\n    "));
                }
                out.printf("%nplugins folder: %s%n", host.pluginsDir());
                if (!problems.isEmpty()) {
                    out.printf("host log (stack traces): %s%n", host.log());
                }
            }
            out.flush();
            StartupTrace.mark("listed");
            return 0;
        }
    }
}
