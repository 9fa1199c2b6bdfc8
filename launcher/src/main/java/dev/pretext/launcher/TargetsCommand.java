package dev.pretext.launcher;

import dev.pretext.api.data.Utterance;
import dev.pretext.core.Console;
import dev.pretext.core.UserError;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.run.LayerFeatures;
import dev.pretext.core.run.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "targets", mixinStandardHelpOptions = true,
        description = "Make what the recipe's objective needs before training, e.g. HuBERT's k-means targets: "
                + "from MFCC of the training data (iteration 1), or from a layer of a trained run (iteration 2, "
                + "--from-run and --layer). `pretext train` makes missing targets by itself; this command makes "
                + "them on request, or again with --force.")
final class TargetsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "RECIPE", description = "The recipe whose objective needs targets.")
    Path recipe;

    @Option(names = "--from-run", paramLabel = "RUN_DIR",
            description = "Cluster a layer of this trained run's network instead of MFCC.")
    Path fromRun;

    @Option(names = "--layer", paramLabel = "N",
            description = "With --from-run: which hidden state (0 = the input to the first layer).")
    Integer layer;

    @Option(names = "--force", description = "Make the targets again even if they exist.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if ((fromRun == null) != (layer == null)) {
            throw new UserError("--from-run and --layer go together: e.g. --from-run runs/hubert --layer 4");
        }
        LoadedRecipe loaded = LoadedRecipe.load(recipe);
        Path scratch = Files.createTempDirectory("pretext-targets-");
        Console console = Console.to(main.out());
        try (Host host = main.startHost()) {
            ComposedRun run = TrainingRun.check(loaded, host.registry(), scratch, main.cacheDir());
            if (run.objective().instance().preparation().isEmpty()) {
                throw new UserError("objective " + run.objective().plugin().type() + " needs nothing made before "
                        + "training");
            }
            List<Utterance> training = TrainingRun.list(run.train(), run.frontend(), loaded.recipe().seed(), console,
                    null);
            boolean ran;
            if (fromRun != null) {
                try (LayerFeatures frames = new LayerFeatures(fromRun.toAbsolutePath(), layer, run.train().instance(),
                        host.registry(), main.cacheDir())) {
                    ran = TrainingRun.prepare(run, training, frames, true, console);
                }
            } else {
                ran = TrainingRun.prepare(run, training, null, force, console);
            }
            if (!ran) {
                console.line("already made: " + run.objective().instance().preparation().orElseThrow().describe()
                        + " (--force makes it again)");
            }
            return 0;
        } finally {
            try (var walk = Files.walk(scratch)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
