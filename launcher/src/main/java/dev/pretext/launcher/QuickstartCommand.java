package dev.pretext.launcher;

import dev.pretext.core.Console;
import dev.pretext.core.UserError;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.run.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Synthesise ~18 minutes of speech, pre-train a small slim encoder with masked acoustic "
                + "modelling under a fixed FLOPs budget, then probe it beside the fbank features and the randomly "
                + "initialised encoder under three probe seeds. Writes runs/quickstart/ (report.md says which "
                + "differences are real).")
final class QuickstartCommand implements Callable<Integer> {
    static final String RECIPE = "recipes/quickstart.yaml";

    @ParentCommand
    Main main;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
            description = "Where run folders go (default: ${DEFAULT-VALUE}).")
    Path runs;

    @Override
    public Integer call() throws IOException {
        LoadedRecipe loaded;
        try (InputStream in = QuickstartCommand.class.getClassLoader().getResourceAsStream(RECIPE)) {
            if (in == null) {
                throw new UserError("the quickstart recipe is missing from the distribution; rebuild with ./pretext");
            }
            loaded = LoadedRecipe.parse(Path.of(RECIPE), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Path runDir = runs.resolve(loaded.recipe().name()).toAbsolutePath();
        long t0 = System.nanoTime();
        try (Host host = main.startHost()) {
            TrainingRun.Result result = TrainingRun.execute(loaded, host.registry(),
                    new TrainingRun.Options(runDir, main.cacheDir(), false, true, Main.home()), Console.to(main.out()));
            printSummary(main.out(), result);
            main.out().printf(Locale.ROOT, "quickstart took %.0f s%n", (System.nanoTime() - t0) / 1e9);
            main.out().flush();
            return 0;
        }
    }

    static void printSummary(PrintWriter out, TrainingRun.Result result) {
        var s = result.outcome().state();
        out.printf(Locale.ROOT, "%ntrained %d steps, %.3g FLOPs (%s), final loss %.4f%n", s.step(), s.flops(),
                result.outcome().stopReason(), result.outcome().lastLoss());
        if (result.probes() != null) {
            out.println();
            out.print(result.probes().text());
        }
        out.printf("%nrun folder: %s (report.md, manifest.json, metrics.jsonl, checkpoints/)%n", result.runDir());
        out.flush();
    }
}
