package dev.pretext.core.run;

import dev.pretext.api.probe.ProbeResult;
import dev.pretext.core.Json;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.probe.PairedDifference;
import dev.pretext.core.probe.ProbeTable;
import dev.pretext.core.train.Trainer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code report.md}: what the run did, what it cost, and what its encoder is worth. */
public final class Report {
    private Report() {
    }

    public static void write(java.nio.file.Path file, ComposedRun run, Manifest manifest, Trainer.Outcome outcome,
                             ProbeTable probes) {
        var r = run.recipe();
        var s = outcome.state();
        StringBuilder md = new StringBuilder();
        md.append("# Run `").append(r.name()).append("`\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "objective", run.objective().plugin().describe());
        row(md, "encoder", run.encoder().plugin().describe() + " (" + run.encoder().instance().layers() + " layers x "
                + run.encoder().instance().dim() + ")");
        row(md, "frontend", run.frontend().plugin().describe());
        row(md, "seed", String.valueOf(r.seed()));
        row(md, "steps", String.valueOf(s.step()));
        row(md, "stopped because", outcome.stopReason());
        row(md, "training FLOPs", String.format(Locale.ROOT, "%.4g%s", s.flops(),
                r.budget().flopsLimit() != null ? String.format(Locale.ROOT, " of %.4g budgeted", r.budget().flopsLimit()) : ""));
        row(md, "training time", String.format(Locale.ROOT, "%.1f s (%.3g FLOP/s achieved)", s.trainSeconds(),
                s.trainSeconds() > 0 ? s.flops() / s.trainSeconds() : 0));
        row(md, "final loss", String.format(Locale.ROOT, "%.4f", outcome.lastLoss()));
        RunManifest.DataSummary data = manifest.content().data();
        if (data != null) {
            row(md, "data", String.format(Locale.ROOT, "%.3f h unique, %.3f h processed (%.2f epochs), padding %.1f%%",
                    data.uniqueHours(), data.processedHours(), data.epochs(), 100 * data.paddingShare()));
        }
        if (data != null && data.augmentations() != null && !data.augmentations().isEmpty()) {
            List<String> described = new java.util.ArrayList<>();
            for (RunManifest.Augmentation a : data.augmentations()) {
                described.add(a.type() + ("features".equals(a.appliesTo()) ? " (features) " : " ") + a.config());
            }
            row(md, "augmentation", String.join("; ", described));
        }
        row(md, "waited for data", String.format(Locale.ROOT, "%.1f s (%.1f%% of training time); a loader thread "
                        + "prepares %.0fx real time", outcome.dataWaitSeconds(),
                s.trainSeconds() > 0 ? 100 * outcome.dataWaitSeconds() / s.trainSeconds() : 0,
                outcome.loaderRealTimePerThread()));
        if (outcome.featureCache() != null) {
            var c = outcome.featureCache();
            row(md, "feature cache", String.format(Locale.ROOT, "%d hits, %d misses (%.0f%% served from disk), %d "
                            + "bypassed (cropped or augmented audio), %d damaged files recomputed, %d not written",
                    c.hits(), c.misses(), 100 * c.hitShare(), c.bypassed(), c.damaged(), c.writeFailures()));
        }
        leftOut(md, manifest);
        md.append("\n## Compute by component (training FLOPs)\n\n| component | FLOPs | share |\n|---|---|---|\n");
        double total = Math.max(1e-30, s.flops());
        for (var e : new TreeMap<>(s.flopsByComponent()).entrySet()) {
            md.append(String.format(Locale.ROOT, "| %s | %.4g | %.1f%% |\n", e.getKey(), e.getValue(),
                    100 * e.getValue() / total));
        }
        if (probes != null) {
            md.append("\n## Probes (frozen upstream, learnable weighted sum of layers)\n\n");
            md.append(probes.markdown());
            comparisons(md, probes);
            md.append(probes.seeds().size() > 1 ? "\nLayer weights (softmax, input first; mean over probe seeds):\n\n"
                    : "\nLayer weights (softmax, input first):\n\n");
            for (var row : probes.rows().entrySet()) {
                for (var cell : row.getValue().entrySet()) {
                    ProbeResult pr = cell.getValue().result();
                    StringBuilder w = new StringBuilder();
                    for (double v : pr.layerWeights()) {
                        w.append(String.format(Locale.ROOT, "%.2f ", v));
                    }
                    md.append("- ").append(row.getKey()).append(" / ").append(cell.getKey()).append(": ")
                            .append(w.toString().trim()).append(String.format(Locale.ROOT, " (%.1f s)\n",
                                    cell.getValue().seconds()));
                }
            }
        }
        md.append("\nFiles: `recipe.yaml` (resolved), `manifest.json`, `metrics.jsonl`, `checkpoints/`")
                .append(probes != null ? ", `probes.json`" : "").append(".\n");
        Json.writeAtomically(file, md.toString());
    }

    /**
     * The pre-trained encoder against each baseline on each task, paired by probe seed, with the verdict of
     * {@link PairedDifference}'s rule.
     */
    static void comparisons(StringBuilder md, ProbeTable probes) {
        if (!probes.rows().containsKey("pretrained")) {
            return;
        }
        List<PairedDifference> found = new java.util.ArrayList<>();
        for (String baseline : probes.rows().keySet()) {
            if (baseline.equals("pretrained")) {
                continue;
            }
            for (String task : probes.tasks()) {
                PairedDifference d = probes.compare("pretrained", baseline, task);
                if (d != null) {
                    found.add(d);
                }
            }
        }
        if (found.isEmpty()) {
            return;
        }
        md.append("\n### Pre-trained against the baselines\n\n").append(PairedDifference.RULE)
                .append(" Differences are oriented so that positive means the pre-trained encoder is better.\n\n")
                .append("| task | against | difference (mean over seeds) | verdict |\n|---|---|---|---|\n");
        for (PairedDifference d : found) {
            md.append("| ").append(d.task()).append(' ').append(d.metric()).append(" | ").append(d.b()).append(" | ")
                    .append(d.summary()).append(" | ").append(d.describe()).append(" |\n");
        }
    }

    /** The files each dataset left out, with why, as the manifest records them under {@code data_problems}. */
    static void leftOut(StringBuilder md, Manifest manifest) {
        Map<String, RunManifest.DataProblems> problems = manifest.content().dataProblems();
        if (problems == null || problems.isEmpty()) {
            return;
        }
        md.append("\n## Files left out\n");
        for (Map.Entry<String, RunManifest.DataProblems> e : problems.entrySet()) {
            List<String> files = e.getValue().files() == null ? List.of() : e.getValue().files();
            long count = e.getValue().skipped();
            md.append("\n`").append(e.getKey()).append("`: ").append(count).append(count == 1 ? " file" : " files")
                    .append(" not used").append(count > files.size() ? " (the first " + files.size() + " listed)" : "")
                    .append(".\n\n");
            for (String f : files) {
                // Code spans: reasons and paths may hold characters markdown would interpret.
                md.append("- `").append(f.replace("`", "'")).append("`\n");
            }
        }
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }
}
