package dev.pretext.launcher;

import dev.pretext.core.Console;
import dev.pretext.core.Json;
import dev.pretext.core.plan.BudgetPlan;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.run.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;

@Command(name = "budget", mixinStandardHelpOptions = true,
        description = "Plan a recipe's compute without training: FLOPs of a mean step per component (forward and "
                + "backward), the shares of attention and padding, how many steps the budget buys, how many hours "
                + "of audio and epochs over the data that is, and the same for other sizes of the encoder family.")
final class BudgetCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "RECIPE", description = "The recipe YAML file.")
    Path recipe;

    @Option(names = "--json", description = "Print the plan as JSON (the same numbers) for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LoadedRecipe loaded = LoadedRecipe.load(recipe);
        Path scratch = Files.createTempDirectory("pretext-budget-");
        try (Host host = main.startHost()) {
            ComposedRun run = TrainingRun.check(loaded, host.registry(), scratch, main.cacheDir());
            var training = TrainingRun.list(run.train(), run.frontend(), loaded.recipe().seed(), Console.quiet(), null);
            // The plan needs the objective's shape (HuBERT's number of clusters), not what its preparation makes:
            // targets not made yet are made and checked by `pretext train`.
            var preparation = run.objective().instance().preparation();
            if (preparation.isEmpty() || preparation.get().done()) {
                TrainingRun.checkObjective(run, training);
            }
            BudgetPlan.Report report = BudgetPlan.plan(run, training);
            var out = main.out();
            out.print(json ? Json.pretty(report.json()) : report.table());
            out.flush();
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
