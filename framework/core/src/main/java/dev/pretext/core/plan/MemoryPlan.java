package dev.pretext.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.core.data.BatchPlanner;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.recipe.ConfigBinder;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.Recipe;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The memory a training step needs, estimated from the shapes before anything is allocated, so that a recipe
 * that cannot fit in this machine's memory is refused with the numbers instead of failing an allocation (or
 * swapping) hours later.
 *
 * <p>The estimate is of what a step keeps at its peak, in float32. The parameters with their gradients and
 * both AdamW moments take 16 bytes each (a teacher's copy 4 more). DJL keeps every array a step makes until the
 * step ends, so a Transformer-like layer holds about 12 x dim + 2 x ffn values per frame of the padded batch
 * (4 x dim more with dropout) and about four arrays of attention scores (raw, biased, softmax, and a copy
 * autograd keeps; two more with dropout) of heads x B x T^2 for a batch of B utterances of T frames, plus three
 * such arrays while the backward pass goes through a layer; and the loader's batches in flight. Measured on the
 * quickstart's network with 400 s batches: peak resident memory 9.9 GB, of which the process itself (JVM,
 * libtorch, the corpus) is under 1 GB; estimate 8.0 GB for its first epoch's largest batch. Objective heads
 * and a learned frontend's own activations are left out.
 *
 * <p>Before the data is listed ({@code recipe check}), B x T^2 is only bounded (every utterance as long as
 * {@code max_utterance_seconds}); a recipe is refused then only when the rest alone cannot fit, and the bound
 * is a note. {@code train} checks the first epoch's real batches before it trains.
 */
public final class MemoryPlan {
    private static final double GB = 1e9;

    private MemoryPlan() {
    }

    /**
     * What the estimate is made from.
     *
     * @param loaderFrames      frames the loader makes for the largest batch
     * @param inputDim          values per loader frame
     * @param bodyFrames        frames the body sees for the largest batch, padding included (B x T)
     * @param squaredFrames     the largest B x T^2 of a batch (attention scores per head)
     * @param longestFrames     frames of the longest utterance the body sees
     * @param dropout           whether the body drops out (keeps masks and extra copies)
     * @param parameters        trainable parameters (frontend, body; objective heads are small)
     * @param teacherParameters parameters of a teacher copy (0 without one)
     * @param batchesHeld       host batches alive at once (prefetched, being built, and the one training)
     */
    public record Shape(double loaderFrames, int inputDim, double bodyFrames, double squaredFrames,
                        double longestFrames, int layers, int dim, int ffn, int heads, boolean dropout,
                        long parameters, long teacherParameters, int batchesHeld) {

        /** The same network without attention scores: what a recipe needs whatever its utterances' lengths. */
        Shape withoutAttention() {
            return new Shape(loaderFrames, inputDim, bodyFrames, 0, longestFrames, layers, dim, ffn, heads, dropout,
                    parameters, teacherParameters, batchesHeld);
        }
    }

    /** Bytes per part of a step. */
    public record Estimate(double parameterBytes, double activationBytes, double attentionBytes, double batchBytes) {
        public double total() {
            return parameterBytes + activationBytes + attentionBytes + batchBytes;
        }

        /** Whether the batch (activations, attention, loader) rather than the model is most of it. */
        public boolean batchDominates() {
            return activationBytes + attentionBytes + batchBytes > parameterBytes;
        }
    }

    public static Estimate estimate(Shape s) {
        double parameters = 16.0 * s.parameters() + 4.0 * s.teacherParameters();
        double perFrame = (s.dropout() ? 16.0 : 12.0) * s.dim() + 2.0 * s.ffn();
        double activations = 4.0 * s.layers() * perFrame * s.bodyFrames();
        double scores = 4.0 * s.heads() * s.squaredFrames();
        double attention = scores * ((s.dropout() ? 6 : 4) * s.layers() + 3);
        double batches = 4.0 * s.loaderFrames() * (s.inputDim() + 1) * s.batchesHeld();
        return new Estimate(parameters, activations, attention, batches);
    }

    /** The shape of a composed run with the recipe's bound on its batches: full, of the longest utterances. */
    public static Shape shapeOf(ComposedRun run) {
        Recipe.Batch batch = run.recipe().batch();
        double bodyRate = run.model().bodyInput().frameRateHz();
        double body = batch.seconds() * bodyRate;
        double longest = batch.maxUtteranceSeconds() * bodyRate;
        return shape(run, batch.seconds() * run.model().input().frameRateHz(), body, body * longest, longest);
    }

    /** The shape of a composed run on the batches {@code planner} forms in the first epoch (the largest of each). */
    public static Shape shapeOf(ComposedRun run, BatchPlanner planner) {
        FeatureSpec input = run.model().input();
        double ratio = run.model().bodyInput().frameRateHz() / input.frameRateHz();
        double loader = 0;
        double body = 0;
        double squared = 0;
        double longestOverall = 0;
        for (int[] b : planner.plan(0)) {
            double longest = 0;
            for (int i : b) {
                longest = Math.max(longest, input.frames(planner.croppedSeconds(planner.utterances().get(i))));
            }
            loader = Math.max(loader, b.length * longest);
            body = Math.max(body, b.length * longest * ratio);
            squared = Math.max(squared, b.length * (longest * ratio) * (longest * ratio));
            longestOverall = Math.max(longestOverall, longest * ratio);
        }
        return shape(run, loader, body, squared, longestOverall);
    }

    private static Shape shape(ComposedRun run, double loaderFrames, double bodyFrames, double squaredFrames,
                               double longestFrames) {
        Recipe.Batch batch = run.recipe().batch();
        int dim = run.encoder().instance().dim();
        int layers = run.encoder().instance().layers();
        JsonNode config = ConfigBinder.MAPPER.valueToTree(run.encoder().config());
        // Encoders that do not say are taken as Transformers of the usual proportions.
        int ffn = config.path("ffn").isNumber() ? config.path("ffn").asInt() : 4 * dim;
        int heads = config.path("heads").isNumber() ? config.path("heads").asInt() : Math.max(1, dim / 64);
        boolean dropout = config.path("dropout").asDouble(0) > 0;
        long parameters = run.model().plannedParameters()
                .orElse((long) layers * (4L * dim * dim + 2L * dim * ffn));
        long teacher = run.objective().instance().teacher().isEmpty() ? 0
                : run.encoder().instance().parameterCount().orElse(parameters);
        return new Shape(loaderFrames, run.model().input().dim(), bodyFrames, squaredFrames, longestFrames, layers,
                dim, ffn, heads, dropout, parameters, teacher, batch.prefetch() + batch.loaderThreads() + 1);
    }

    /**
     * Before the data is listed: refuses what cannot fit whatever the utterances' lengths, and a checkpoint
     * the heap cannot encode.
     *
     * @return a note when the bound (every utterance as long as {@code max_utterance_seconds}) does not fit,
     *         else null
     */
    public static String check(ComposedRun run) {
        Shape bound = shapeOf(run);
        long limit = memoryOf(run.context().device());
        String where = whereOf(run.context().device());
        check(run.loaded().source(), bound.withoutAttention(), limit, where);
        checkHeap(run.loaded().source(), bound.withoutAttention(), Runtime.getRuntime().maxMemory());
        Estimate e = estimate(bound);
        if (limit > 0 && e.total() > limit) {
            return "note: if every utterance were as long as batch.max_utterance_seconds (" + count(bound.longestFrames())
                    + " frames), a training step would need about " + gb(e.total()) + " of memory, more than "
                    + where + " " + gb((double) limit) + " (attention " + gb(e.attentionBytes()) + "); `pretext train` "
                    + "checks the data's real batches before it trains";
        }
        return null;
    }

    /** On the data's real batches: refuses a run whose step cannot fit in this machine's memory. */
    public static void check(ComposedRun run, BatchPlanner planner) {
        check(run.loaded().source(), shapeOf(run, planner), memoryOf(run.context().device()),
                whereOf(run.context().device()));
    }

    /** The memory a step's arrays live in: the GPU's own on a GPU, else the machine's. 0 when unknown. */
    public static long memoryOf(ai.djl.Device device) {
        if (device.isGpu()) {
            try {
                return ai.djl.util.cuda.CudaUtils.getGpuMemory(device).getMax();
            } catch (RuntimeException | LinkageError e) {
                return 0;
            }
        }
        return machineMemory();
    }

    private static String whereOf(ai.djl.Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() + "'s" : "this machine's";
    }

    public static void check(LocatedYaml source, Shape shape, long limitBytes) {
        check(source, shape, limitBytes, "this machine's");
    }

    /**
     * Refuses a step whose estimate does not fit in the limit.
     *
     * @throws dev.pretext.core.recipe.RecipeError at {@code batch.seconds} when the batch is most of the
     *                                             estimate, else at {@code encoder}, with the numbers
     */
    public static void check(LocatedYaml source, Shape shape, long limitBytes, String where) {
        Estimate e = estimate(shape);
        if (limitBytes <= 0 || e.total() <= limitBytes) {
            return;
        }
        String attention = shape.squaredFrames() > 0 ? String.format(Locale.ROOT, ", of which attention (%d heads, "
                + "utterances up to %s frames) %s", shape.heads(), count(shape.longestFrames()), gb(e.attentionBytes()))
                : " before attention";
        String parts = String.format(Locale.ROOT, "parameters, gradients and AdamW state %s; activations of %s "
                        + "frames per batch %s%s; loader batches %s", gb(e.parameterBytes()), count(shape.bodyFrames()),
                gb(e.activationBytes() + e.attentionBytes()), attention, gb(e.batchBytes()));
        String problem = "a training step needs about " + gb(e.total()) + " of memory, more than " + where + " "
                + gb((double) limitBytes);
        if (e.batchDominates()) {
            throw source.error("batch.seconds", problem, parts + "\n  lower batch.seconds (audio per batch) or "
                    + "batch.max_utterance_seconds (attention grows with its square), or the encoder's size");
        }
        throw source.error("encoder", problem, parts + "\n  make the encoder smaller (layers, dim, ffn, or a "
                + "smaller preset or scale)");
    }

    /**
     * Java heap a checkpoint takes while it is written: the parameters (a teacher's too) and both AdamW moments
     * are encoded into byte arrays, the optimiser's growing by doubling and then copied (up to three times its
     * size at once) while the parameters' are held.
     */
    public static double checkpointHeapBytes(Shape s) {
        return 4.0 * (s.parameters() + s.teacherParameters()) + 3 * 8.0 * s.parameters();
    }

    /** {@link #check(LocatedYaml, Shape, long)}, then the checkpoint against {@code heapBytes}. */
    public static void check(LocatedYaml source, Shape shape, long limitBytes, long heapBytes) {
        check(source, shape, limitBytes);
        checkHeap(source, shape, heapBytes);
    }

    /** The checkpoint against {@code heapBytes} of Java heap. */
    public static void checkHeap(LocatedYaml source, Shape shape, long heapBytes) {
        double heap = checkpointHeapBytes(shape);
        if (heap > heapBytes) {
            throw source.error("encoder", "writing a checkpoint needs about " + gb(heap) + " of Java heap (the "
                    + "parameters and AdamW state encoded in memory), more than the " + gb((double) heapBytes)
                    + " this JVM may use", "give it more with PRETEXT_JAVA_OPTS=-Xmx<N>g (the machine has "
                    + gb((double) machineMemory()) + "), or make the encoder smaller");
        }
    }

    /** This machine's memory (a container's limit where one is set), in bytes; 0 when unknown. */
    public static long machineMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    static String gb(double bytes) {
        return bytes >= 1e6 * GB ? String.format(Locale.ROOT, "%.3g GB", bytes / GB)
                : bytes >= 100 * GB ? String.format(Locale.ROOT, "%.0f GB", bytes / GB)
                : String.format(Locale.ROOT, "%.1f GB", bytes / GB);
    }

    private static String count(double n) {
        return n >= 1e7 ? String.format(Locale.ROOT, "%.3g", n) : String.format(Locale.ROOT, "%.0f", n);
    }
}
