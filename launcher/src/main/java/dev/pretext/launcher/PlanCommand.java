package dev.pretext.launcher;

import dev.pretext.core.Json;
import dev.pretext.study.StudyPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Recommend a model size (and encoder scale and hours of audio) for a compute budget, from a "
                + "finished sweep's scaling laws: the optimal size per budget (IsoFLOP parabolas) fitted as a power "
                + "law of compute, with 5-95%% bootstrap intervals. Needs no plugins.")
final class PlanCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--flops", required = true, paramLabel = "C",
            description = "The compute budget to plan for, in FLOPs (e.g. 1e15).")
    double flops;

    @Option(names = "--from-sweep", required = true, paramLabel = "DIR",
            description = "The sweep's folder (sweeps/NAME): its results.jsonl, and the analysis block of its "
                    + "sweep.yaml if there is one.")
    Path sweep;

    @Option(names = "--json", description = "Print the plan as JSON (the same numbers) for scripts.")
    boolean json;

    @Override
    public Integer call() {
        StudyPlan.Plan plan = StudyPlan.recommend(sweep, flops);
        var out = main.out();
        out.print(json ? Json.pretty(plan.json()) : plan.text());
        out.flush();
        return 0;
    }
}
