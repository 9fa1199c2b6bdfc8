package dev.pretext.core.plan;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.Recipe;
import dev.pretext.core.run.ComposedRun;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;

/**
 * The memory a training step needs, estimated from the shapes before anything is allocated, so that a recipe
 * that cannot fit in this machine's memory is refused with the numbers instead of failing an allocation (or
 * swapping) hours later.
 *
 * <p>The estimate is of what a step keeps at its peak, in float32: the parameters with their gradients and
 * both AdamW moments (16 bytes each; a teacher's copy adds 4), the activations each Transformer-like layer
 * keeps for the backward pass for every frame of a full batch (about 10 x dim + 2 x ffn values per frame), the
 * attention probabilities (heads x frames x longest utterance per layer, since a batch of B utterances of T
 * frames holds B x T^2 = frames x T scores per head, plus three such arrays live while a layer runs), and the
 * loader's batches in flight. It is an upper bound on the batch shape (every batch full, every utterance as
 * long as {@code max_utterance_seconds}) and leaves out the objective's heads and a learned frontend's own
 * activations, which are smaller for the shipped plugins.
 */
public final class MemoryPlan {
    private static final double GB = 1e9;

    private MemoryPlan() {
    }

    /**
     * What the estimate is made from.
     *
     * @param loaderFrames      frames the loader makes for one batch ({@code batch.seconds} at the input rate)
     * @param inputDim          values per loader frame
     * @param bodyFrames        frames the body sees for one batch, padding included
     * @param longestFrames     frames of the longest utterance the body sees
     * @param parameters        trainable parameters (frontend, body; objective heads are small)
     * @param teacherParameters parameters of a teacher copy (0 without one)
     * @param batchesHeld       host batches alive at once (prefetched, being built, and the one training)
     */
    public record Shape(double loaderFrames, int inputDim, double bodyFrames, double longestFrames, int layers,
                        int dim, int ffn, int heads, long parameters, long teacherParameters, int batchesHeld) {
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
        double activations = 4.0 * s.layers() * (10.0 * s.dim() + 2.0 * s.ffn()) * s.bodyFrames();
        double scores = 4.0 * s.heads() * s.bodyFrames() * s.longestFrames();
        double attention = scores * (s.layers() + 3);
        double batches = 4.0 * s.loaderFrames() * (s.inputDim() + 1) * s.batchesHeld();
        return new Estimate(parameters, activations, attention, batches);
    }

    /** The shape of a composed run: the batch from the recipe, the network from its plugins. */
    public static Shape shapeOf(ComposedRun run) {
        Recipe.Batch batch = run.recipe().batch();
        UpstreamModel model = run.model();
        FeatureSpec input = model.input();
        FeatureSpec body = model.bodyInput();
        int dim = run.encoder().instance().dim();
        int layers = run.encoder().instance().layers();
        Map<String, Object> shape = BudgetPlan.shape(run.encoder().config());
        // Encoders that do not say are taken as Transformers of the usual proportions.
        int ffn = shape.get("ffn") instanceof Number n ? n.intValue() : 4 * dim;
        int heads = shape.get("heads") instanceof Number n ? n.intValue() : Math.max(1, dim / 64);
        long parameters = model.plannedParameters()
                .orElse((long) layers * (4L * dim * dim + 2L * dim * ffn));
        long teacher = run.objective().instance().teacher() == null ? 0
                : run.encoder().instance().parameterCount().orElse(parameters);
        return new Shape(batch.seconds() * input.frameRateHz(), input.dim(), batch.seconds() * body.frameRateHz(),
                batch.maxUtteranceSeconds() * body.frameRateHz(), layers, dim, ffn, heads, parameters, teacher,
                batch.prefetch() + batch.loaderThreads() + 1);
    }

    /**
     * Refuses a run whose step cannot fit in this machine's physical memory, or whose checkpoint cannot be
     * encoded in this JVM's heap.
     */
    public static void check(ComposedRun run) {
        check(run.loaded().source(), shapeOf(run), machineMemory(), Runtime.getRuntime().maxMemory());
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
        double heap = checkpointHeapBytes(shape);
        if (heap > heapBytes) {
            throw source.error("encoder", "writing a checkpoint needs about " + gb(heap) + " of Java heap (the "
                    + "parameters and AdamW state encoded in memory), more than the " + gb(heapBytes)
                    + " this JVM may use", "give it more with PRETEXT_JAVA_OPTS=-Xmx<N>g (the machine has "
                    + gb(machineMemory()) + "), or make the encoder smaller");
        }
    }

    /**
     * @throws dev.pretext.core.recipe.RecipeError at {@code batch.seconds} when the batch is most of the
     *                                             estimate, else at {@code encoder}, with the numbers
     */
    public static void check(LocatedYaml source, Shape shape, long limitBytes) {
        Estimate e = estimate(shape);
        if (limitBytes <= 0 || e.total() <= limitBytes) {
            return;
        }
        String parts = String.format(Locale.ROOT, "parameters, gradients and AdamW state %s; activations of %s "
                        + "frames per batch %s, of which attention (%d heads, utterances up to %s frames) %s; "
                        + "loader batches %s", gb(e.parameterBytes()), count(shape.bodyFrames()),
                gb(e.activationBytes() + e.attentionBytes()), shape.heads(), count(shape.longestFrames()),
                gb(e.attentionBytes()), gb(e.batchBytes()));
        String problem = "a training step needs about " + gb(e.total()) + " of memory, more than this machine's "
                + gb(limitBytes);
        if (e.batchDominates()) {
            throw source.error("batch.seconds", problem, parts + "\n  lower batch.seconds (audio per batch) or "
                    + "batch.max_utterance_seconds (attention grows with its square), or the encoder's size");
        }
        throw source.error("encoder", problem, parts + "\n  make the encoder smaller (layers, dim, ffn, or a "
                + "smaller preset or scale)");
    }

    /** This machine's memory (a container's limit where one is set), in bytes; 0 when unknown. */
    public static long machineMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    static String gb(double bytes) {
        return bytes >= 100 * GB ? String.format(Locale.ROOT, "%.3g GB", bytes / GB)
                : String.format(Locale.ROOT, "%.1f GB", bytes / GB);
    }

    private static String count(double n) {
        return n >= 1e7 ? String.format(Locale.ROOT, "%.3g", n) : String.format(Locale.ROOT, "%.0f", n);
    }
}
