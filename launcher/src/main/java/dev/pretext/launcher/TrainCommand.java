package dev.pretext.launcher;

import dev.pretext.core.Console;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.run.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Pre-train under the recipe's budget, then run its probes. The run folder is "
                + "RUNS/<recipe name> unless --resume names one.")
final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "RECIPE", description = "The recipe YAML file.")
    Path recipe;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue this run from its latest checkpoint (same recipe required).")
    Path resume;

    @Option(names = "--force", description = "Delete an existing run folder of the same name and start over.")
    boolean force;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
            description = "Where run folders go (default: ${DEFAULT-VALUE}).")
    Path runs;

    @Option(names = "--checkpoint-on-term", description = "On SIGTERM, finish the current training step, write a "
            + "checkpoint and exit with code 75, so that a batch scheduler's requeued job continues with --resume "
            + "(pretext sweep --executor slurm passes it).")
    boolean checkpointOnTerm;

    @Override
    public Integer call() {
        if (checkpointOnTerm) {
            StopOnTerm.install();
        }
        LoadedRecipe loaded = LoadedRecipe.load(recipe);
        Path runDir = resume != null ? resume : runs.resolve(loaded.recipe().name());
        try (Host host = main.startHost()) {
            TrainingRun.Result result = TrainingRun.execute(loaded, host.registry(),
                    new TrainingRun.Options(runDir.toAbsolutePath(), main.cacheDir(), resume != null, force,
                            Main.home()), Console.to(main.out()));
            QuickstartCommand.printSummary(main.out(), result);
            return 0;
        }
    }
}
