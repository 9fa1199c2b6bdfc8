package dev.pretext.launcher;

import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.run.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "recipe", mixinStandardHelpOptions = true, description = "Work with recipes.",
        subcommands = {RecipeCommand.Check.class})
final class RecipeCommand implements Runnable {
    @ParentCommand
    Main main;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a recipe against the installed plugins without training: every key, type, "
                    + "version range and data folder. Prints the resolved recipe.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        RecipeCommand parent;

        @Parameters(paramLabel = "RECIPE", description = "The recipe YAML file.")
        Path recipe;

        @Override
        public Integer call() throws Exception {
            LoadedRecipe loaded = LoadedRecipe.load(recipe);
            Path scratch = Files.createTempDirectory("pretext-check-");
            try (Host host = parent.main.startHostWithoutEngine()) {
                ComposedRun run = TrainingRun.check(loaded, host.registry(), scratch, parent.main.cacheDir());
                // What cannot fit in this machine's memory is refused here, before any training.
                String memory = dev.pretext.core.plan.MemoryPlan.check(run);
                var out = parent.main.out();
                out.println(recipe + ": ok");
                if (memory != null) {
                    out.println(memory);
                }
                out.print(dev.pretext.core.recipe.ConfigBinder.YAML_WRITER.writeValueAsString(run.resolvedRecipe()));
                out.flush();
                return 0;
            } finally {
                try (var walk = Files.walk(scratch)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
