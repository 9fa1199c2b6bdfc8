package dev.pretext.core.train;

import dev.pretext.core.data.FeatureCache;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of {@code metrics.jsonl}: one optimiser step. The keys and their order are the file's format (sweeps,
 * reports and the resume check read it), so the map is built here in one place.
 *
 * @param featureCache the loader's feature cache so far (cumulative since the (re)start, prefetched batches
 *                     included); null without a cache, and then its keys are left out
 * @param objective    the objective's own metrics, in its order, after the core's keys
 */
record StepMetrics(long step, int epoch, double loss, double lr, double gradNorm, double flopsStep,
                   double flopsTotal, int rows, double paddingShare, double audioSecondsTotal, double stepSeconds,
                   double dataWaitSeconds, double loaderRealTimePerThread, FeatureCache.Stats featureCache,
                   Map<String, Double> objective) {

    Map<String, Object> toMap() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("epoch", epoch);
        line.put("loss", loss);
        line.put("lr", lr);
        line.put("grad_norm", gradNorm);
        line.put("flops_step", flopsStep);
        line.put("flops_total", flopsTotal);
        line.put("rows", rows);
        line.put("padding_share", paddingShare);
        line.put("audio_seconds_total", audioSecondsTotal);
        line.put("step_seconds", stepSeconds);
        line.put("data_wait_seconds", dataWaitSeconds);
        line.put("loader_x_realtime_per_thread", loaderRealTimePerThread);
        if (featureCache != null) {
            line.put("feature_cache_hits", featureCache.hits());
            line.put("feature_cache_misses", featureCache.misses());
            line.put("feature_cache_bypassed", featureCache.bypassed());
        }
        objective.forEach(line::put);
        return line;
    }
}
