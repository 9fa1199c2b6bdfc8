package dev.pretext.bench;

import dev.pretext.core.Console;
import dev.pretext.core.probe.ProbeTable;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.run.TrainingRun;
import dev.pretext.launcher.Host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long each probe takes at the quickstart's size: the quickstart recipe trained for one step, then every
 * probe task ({@code --tasks}, default all four) on the features baseline and the encoder under probe seed 1, with
 * the quickstart's probe data (12 minutes of speech, 6 x 192 layers). The seconds are each head's training and
 * scoring as {@code probes.json} records them; the result column is there to show the head trained at all.
 */
final class ProbeBench {
    private ProbeBench() {
    }

    static void main(Path dist, String recipeText, String[] args) throws Exception {
        String tasks = "phonemes,speakers,keywords,asr";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--tasks") && i + 1 < args.length) {
                tasks = args[++i];
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i] + " (bench/run probes [--tasks T,...])");
            }
        }
        StringBuilder taskList = new StringBuilder();
        for (String t : tasks.split(",")) {
            taskList.append(taskList.length() == 0 ? "" : ", ").append("{type: ").append(t.strip())
                    .append(t.strip().equals("phonemes") ? ", lr: 0.01}" : "}");
        }
        String text = recipeText.replaceAll("(?m)^budget:.*$", "budget: {steps: 1}")
                .replaceAll("(?ms)^probes:.*", "probes:\n  tasks: [" + taskList + "]\n  baselines: [features]\n"
                        + "  seeds: [1]\n");
        Path work = Files.createTempDirectory("pretext-bench-probes-");
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "pretext");
        List<String[]> rows = new ArrayList<>();
        try (Host host = Host.start(dist.resolve("system"), dist.resolve("plugins"))) {
            LoadedRecipe recipe = LoadedRecipe.parse(Path.of("bench-probes.yaml"), text);
            TrainingRun.Result result = TrainingRun.execute(recipe, host.registry(),
                    new TrainingRun.Options(work.resolve("run"), cache, false, true, null), Console.quiet());
            for (Map.Entry<String, Map<String, ProbeTable.Cell>> row : result.probes().rows().entrySet()) {
                for (Map.Entry<String, ProbeTable.Cell> cell : row.getValue().entrySet()) {
                    ProbeTable.Cell c = cell.getValue();
                    rows.add(new String[]{cell.getKey(), row.getKey(), String.format(Locale.ROOT, "%.1f s",
                            c.seconds()), String.format(Locale.ROOT, "%s %.3f", c.result().metric(), c.value())});
                }
            }
        } finally {
            Bench.deleteTree(work);
        }
        System.out.println();
        Bench.printTable(List.of("probe", "upstream", "seconds (one seed)", "result"), rows);
    }
}
