package dev.pretext.launcher;

import dev.pretext.core.Console;
import dev.pretext.core.Json;
import dev.pretext.core.probe.ProbeTable;
import dev.pretext.core.run.ProbeRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Probe a run's latest checkpoint, SUPERB-style (frozen encoder, learnable weighted sum of "
                + "layers, a small head per task), beside the baselines; merges the results into the run's "
                + "probes.json and prints the table with the overall score (features = 0, perfect = 100).")
final class ProbeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "RUN_DIR", description = "A run folder made by `pretext train`, e.g. runs/quickstart.")
    Path runDir;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK",
            description = "Probe types, e.g. phonemes,speakers,keywords,asr, with the settings the recipe's probes "
                    + "block gives them, else their defaults (default: the recipe's probes block).")
    List<String> tasks = List.of();

    @Option(names = "--upstream", split = ",", paramLabel = "UPSTREAM",
            description = "Which upstreams: pretrained (the checkpoint), features (the run's frontend, e.g. fbank), "
                    + "random (the same network at its initial weights). Default: all three.")
    List<String> upstreams = ProbeRun.UPSTREAMS;

    @Option(names = "--seeds", split = ",", paramLabel = "SEED",
            description = "Probe seeds, e.g. 1,2,3: each draws its own train/test split of the probe data and its "
                    + "own head initialisation, the same for every upstream (default: the recipe's probes.seeds, "
                    + "else its seed).")
    List<Long> seeds = List.of();

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "auto, cpu, gpu or gpu:N (default: the run's recipe), e.g. cpu to probe a GPU run here.")
    String device;

    @Option(names = "--json", description = "Print the results as JSON (as written to probes.json).")
    boolean json;

    @Override
    public Integer call() {
        try (Host host = main.startHost()) {
            Console console = json ? Console.quiet() : Console.to(main.out());
            ProbeTable table = ProbeRun.execute(runDir.toAbsolutePath(), tasks, upstreams, seeds, device,
                    host.registry(), main.cacheDir(), console);
            var out = main.out();
            if (json) {
                out.print(Json.pretty(table.json()));
            } else {
                out.println();
                out.print(table.text());
            }
            out.flush();
            return 0;
        }
    }
}
