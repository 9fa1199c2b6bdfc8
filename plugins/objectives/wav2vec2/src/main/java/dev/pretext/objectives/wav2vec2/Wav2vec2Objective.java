package dev.pretext.objectives.wav2vec2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.api.model.FrontendOutput;
import dev.pretext.api.model.NetworkShape;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.objectives.support.SpanMask;
import jakarta.inject.Inject;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * wav2vec 2.0's objective. The frontend's output z (the waveform CNN's features, or fbank frames) is masked in
 * spans (see {@link SpanMask}) with a learned embedding and run through the encoder body; at every masked frame,
 * final_proj of the context is compared by cosine similarity / logit_temperature with project_q of the quantised
 * unmasked z at that frame (the positive) and at {@code negatives} other masked frames of the same utterance
 * (drawn with replacement from {@link TrainingBatch#rng()}); the loss is the cross-entropy of picking the
 * positive, plus diversity_weight x (1 - perplexity / (G V)) of the codebooks' mean softmax over the masked frames.
 * A distractor quantised to the very same codes as the positive is left out of the softmax (it cannot be told
 * apart), as wav2vec 2.0 does.
 *
 * <p>The quantiser is a product of G Gumbel-softmax codebooks of V entries: logits Linear(F -> G V), a hard
 * one-hot choice per codebook in the forward pass with the soft choice's gradient (straight-through), temperature
 * max(start * decay^n, floor) after n training passes. Without training, the argmax of the logits.
 *
 * <p>Metrics: {@code contrastive_loss}, {@code diversity_loss}, {@code accuracy} (share of masked frames whose
 * positive scores highest), {@code code_perplexity} (of the argmax codes in this batch, summed over codebooks: at
 * most G V), {@code prob_perplexity} (of the mean softmax, what the diversity loss raises), {@code
 * gumbel_temperature}, {@code masked_frames}. When code_perplexity falls below collapse_share x G V a one-line
 * warning goes to standard error, at most once per 100 passes.
 */
public final class Wav2vec2Objective implements Objective {
    /** Masked logits get this added: exp underflows to exactly 0. */
    static final float EXCLUDED = -1e9f;
    /** Per element: keep, replace, add. */
    static final double MASK_FLOPS_PER_ELEMENT = 3;
    /** Per codebook logit: Gumbel noise, add, scale, softmax, straight-through, mean softmax for the diversity. */
    static final double GUMBEL_FLOPS_PER_LOGIT = 16;
    /** Per vector element: square, sum, divide. */
    static final double NORMALISE_FLOPS_PER_ELEMENT = 3;
    /** Per logit: scale, exclusion, log-softmax. */
    static final double SOFTMAX_FLOPS_PER_LOGIT = 5;
    static final int WARNING_INTERVAL = 100;

    private final Wav2vec2Config config;
    private final Wav2vec2Heads heads;
    private PrintStream warnings = System.err;
    private long lastWarning = Long.MIN_VALUE;
    private int frontendDim;
    private double frameRate;
    private int encoderDim;

    @Inject
    public Wav2vec2Objective(Wav2vec2Config config) {
        this.config = config;
        this.heads = new Wav2vec2Heads(config);
    }

    public Wav2vec2Config config() {
        return config;
    }

    @Override
    public Block block() {
        return heads;
    }

    /** Where the collapse warning goes (standard error unless a test says otherwise). */
    void warnTo(PrintStream stream) {
        this.warnings = stream;
    }

    @Override
    public void initialize(NDManager manager, NetworkShape network) {
        this.frontendDim = network.frontendOutput().dim();
        this.frameRate = network.frontendOutput().frameRateHz();
        this.encoderDim = network.dim();
        heads.initialize(manager, DataType.FLOAT32, new Shape(1, 1, frontendDim), new Shape(1, 1, encoderDim));
    }

    /** Mask span in frames of the frontend's output. */
    int spanFrames() {
        return SpanMask.spanFrames(config.spanMs(), frameRate);
    }

    /** Training passes so far, as checkpointed with the parameters. */
    long passes() {
        return (long) heads.passes.getArray().getFloat();
    }

    /** The Gumbel-softmax temperature of the next training pass. */
    double temperature() {
        return config.gumbelTemperatureAfter(passes());
    }

    @Override
    public ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore parameters,
                                   FlopMeter meter, boolean training) {
        if (encoderDim == 0) {
            throw new IllegalStateException("initialize the wav2vec2 objective before the first forward pass");
        }
        NDManager manager = batch.manager();
        FrontendOutput front = encoder.frontend(batch.features(), batch.valid());
        NDArray z = front.features();
        Shape shape = z.getShape();
        if (shape.dimension() != 3 || shape.get(2) != frontendDim) {
            throw new IllegalArgumentException("wav2vec2 expects the frontend to hand the encoder [batch, frames, "
                    + frontendDim + "], got " + shape + "; the objective was initialised for that width");
        }
        int size = (int) shape.get(0);
        int frames = (int) shape.get(1);
        NDArray valid = front.valid();
        SpanMask mask = SpanMask.draw(valid, config.maskProb(), spanFrames(), batch.rng());
        int n = mask.count();
        if (n == 0) {
            throw new IllegalArgumentException("wav2vec2 got a batch of " + size + " utterances without real "
                    + "frames; every batch needs at least one frame to mask");
        }
        long passes = passes();
        double temperature = config.gumbelTemperatureAfter(passes);
        if (training) {
            // set() writes the value in place without recording anything for autograd
            heads.passes.getArray().set(new float[]{passes + 1});
        }

        // Context: masked frames replaced by the learned embedding, through the body.
        NDArray masked = mask.replace(manager, z,
                parameters.getValue(heads.maskEmbedding, manager.getDevice(), training));
        EncoderOutput context = encoder.body(masked, valid);
        if (context.last().getShape().get(2) != encoderDim) {
            throw new IllegalStateException("the encoder returned width " + context.last().getShape().get(2)
                    + " but the wav2vec2 heads were initialised for " + encoderDim);
        }
        NDIndex rows = new NDIndex("{}", manager.create(mask.indices()));
        NDArray c = context.last().reshape((long) size * frames, encoderDim).get(rows);
        NDArray x = heads.finalProj.forward(parameters, new NDList(c), training).head();

        // Targets: the unmasked features at the masked frames, quantised.
        NDArray zMasked = z.reshape((long) size * frames, frontendDim).get(rows);
        Quantized q = quantize(zMasked, temperature, parameters, manager, training);
        NDArray y = heads.projectQ.forward(parameters, new NDList(q.vectors()), training).head();

        int k = config.negatives();
        int[] negatives = negatives(mask.offsets(), k, batch.rng());
        NDArray logits = logits(x, y, mask.offsets(), negatives, q.codes(), manager);
        NDArray contrastive = logits.logSoftmax(1).get(":, 0").neg().mean();
        NDArray diversity = q.probPerplexity().mul(manager.create(1f / (config.groups() * config.entries())))
                .neg().add(1f);
        NDArray loss = contrastive.add(diversity.mul(manager.create(config.diversityWeight().floatValue())));
        // The pass counter joins the graph with weight 0: its gradient exists (the core's optimiser reads every
        // parameter's) and is exactly 0, so no update ever moves it.
        loss = loss.add(parameters.getValue(heads.passes, manager.getDevice(), training).sum()
                .mul(manager.create(0f)));

        meter.record(headFlops(size, frames, mask.offsets()), training);

        double codePerplexity = perplexity(q.argmaxCodes(), n);
        warnOnCollapse(codePerplexity, passes);
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("contrastive_loss", contrastive.stopGradient());
        metrics.put("diversity_loss", diversity.stopGradient());
        metrics.put("accuracy", manager.create((float) accuracy(logits)));
        metrics.put("code_perplexity", manager.create((float) codePerplexity));
        metrics.put("prob_perplexity", q.probPerplexity().stopGradient());
        metrics.put("gumbel_temperature", manager.create((float) temperature));
        metrics.put("masked_frames", manager.create((float) mask.share()));
        return new ObjectiveResult(loss, metrics);
    }

    /** What the quantiser chose for a batch's frames. */
    static final class Quantized {
        private final NDArray vectors;
        private final long[] codes;
        private final long[] argmaxCodes;
        private final NDArray probPerplexity;

        /**
         * @param vectors        [N, G d] the chosen code vectors (straight-through when training)
         * @param codes          [N G] the chosen entries, the ones {@code vectors} hold
         * @param argmaxCodes    [N G] the entries of highest logit (no noise), for the code perplexity
         * @param probPerplexity scalar: sum over codebooks of exp(entropy of the mean softmax over frames)
         */
        Quantized(NDArray vectors, long[] codes, long[] argmaxCodes, NDArray probPerplexity) {
            this.vectors = vectors;
            this.codes = codes;
            this.argmaxCodes = argmaxCodes;
            this.probPerplexity = probPerplexity;
        }

        NDArray vectors() {
            return vectors;
        }

        long[] codes() {
            return codes;
        }

        long[] argmaxCodes() {
            return argmaxCodes;
        }

        NDArray probPerplexity() {
            return probPerplexity;
        }
    }

    Quantized quantize(NDArray features, double temperature, ParameterStore parameters, NDManager manager,
                       boolean training) {
        int groups = config.groups();
        int entries = config.entries();
        long n = features.getShape().get(0);
        NDArray logits = heads.quantizer.forward(parameters, new NDList(features), training).head()
                .reshape(n, groups, entries);
        NDArray argmax = logits.argMax(2);
        NDArray choice;
        NDArray chosen;
        if (training) {
            // Gumbel noise -log(-log u) from the engine's generator, which the core seeds every step
            NDArray u = manager.randomUniform(0f, 1f, logits.getShape());
            NDArray gumbel = u.add(1e-10f).log().neg().add(1e-10f).log().neg();
            NDArray soft = logits.add(gumbel).mul(manager.create((float) (1 / temperature))).softmax(2);
            chosen = soft.argMax(2);
            // forward: the hard one-hot; backward: the soft choice's gradient
            choice = chosen.oneHot(entries).sub(soft.stopGradient()).add(soft);
        } else {
            chosen = argmax;
            choice = argmax.oneHot(entries);
        }
        NDArray book = parameters.getValue(heads.codebook, manager.getDevice(), training)
                .reshape(groups, entries, config.codeDim());
        // [G, N, V] x [G, V, d] -> [G, N, d] -> [N, G d]
        NDArray vectors = choice.transpose(1, 0, 2).matMul(book).transpose(1, 0, 2)
                .reshape(n, (long) groups * config.codeDim());
        NDArray mean = logits.softmax(2).mean(new int[]{0});
        NDArray probPerplexity = mean.mul(mean.add(1e-7f).log()).sum(new int[]{1}).neg().exp().sum();
        return new Quantized(vectors, chosen.toLongArray(), argmax.toLongArray(), probPerplexity);
    }

    /**
     * Distractors for every masked frame: {@code k} positions (indices into the masked frames) drawn uniformly with
     * replacement from the other masked frames of the same utterance; the frame itself only when its utterance has
     * no other (then {@link #logits} excludes it).
     */
    static int[] negatives(int[] offsets, int k, RandomGenerator rng) {
        int n = offsets[offsets.length - 1];
        int[] out = new int[n * k];
        for (int b = 0; b + 1 < offsets.length; b++) {
            int from = offsets[b];
            int count = offsets[b + 1] - from;
            for (int i = from; i < from + count; i++) {
                for (int j = 0; j < k; j++) {
                    int pick = i;
                    if (count > 1) {
                        pick = from + rng.nextInt(count - 1);
                        if (pick >= i) {
                            pick++;
                        }
                    }
                    out[i * k + j] = pick;
                }
            }
        }
        return out;
    }

    /**
     * [N, 1 + k] cosine similarities / logit_temperature of each frame's context with its positive (column 0) and
     * its distractors, read from each utterance's [n_b, n_b] similarity matrix (distractors never leave their
     * utterance, so the cross-utterance blocks are never computed); a distractor with the positive's codes is
     * excluded.
     *
     * @param offsets where each utterance's masked frames start among the N, {@code offsets[B] = N}
     */
    NDArray logits(NDArray x, NDArray y, int[] offsets, int[] negatives, long[] codes, NDManager manager) {
        int n = (int) x.getShape().get(0);
        int k = negatives.length / n;
        int groups = config.groups();
        NDArray xn = x.normalize(2, 1, 1e-8);
        NDArray yn = y.normalize(2, 1, 1e-8);
        NDList blocks = new NDList();
        long[] base = new long[offsets.length - 1];
        long at = 0;
        for (int b = 0; b + 1 < offsets.length; b++) {
            int from = offsets[b];
            int count = offsets[b + 1] - from;
            base[b] = at;
            if (count > 0) {
                NDIndex rows = new NDIndex(from + ":" + (from + count));
                blocks.add(xn.get(rows).matMul(yn.get(rows).transpose()).reshape((long) count * count));
                at += (long) count * count;
            }
        }
        NDArray similarity = (blocks.size() == 1 ? blocks.head() : NDArrays.concat(blocks))
                .mul(manager.create((float) (1 / config.logitTemperature())));
        long[] picks = new long[n * (k + 1)];
        float[] excluded = new float[n * (k + 1)];
        for (int b = 0; b + 1 < offsets.length; b++) {
            int from = offsets[b];
            int count = offsets[b + 1] - from;
            for (int i = from; i < from + count; i++) {
                long row = base[b] + (long) (i - from) * count;
                picks[i * (k + 1)] = row + (i - from);
                for (int j = 0; j < k; j++) {
                    int other = negatives[i * k + j];
                    picks[i * (k + 1) + 1 + j] = row + (other - from);
                    if (sameCodes(codes, i, other, groups)) {
                        excluded[i * (k + 1) + 1 + j] = EXCLUDED;
                    }
                }
            }
        }
        return similarity.get(new NDIndex("{}", manager.create(picks))).reshape(n, k + 1)
                .add(manager.create(excluded, new Shape(n, k + 1)));
    }

    private static boolean sameCodes(long[] codes, int a, int b, int groups) {
        for (int g = 0; g < groups; g++) {
            if (codes[a * groups + g] != codes[b * groups + g]) {
                return false;
            }
        }
        return true;
    }

    /** Sum over codebooks of exp(entropy) of the codes' frequencies among {@code n} frames. */
    double perplexity(long[] codes, int n) {
        int groups = config.groups();
        double total = 0;
        for (int g = 0; g < groups; g++) {
            int[] counts = new int[config.entries()];
            for (int i = 0; i < n; i++) {
                counts[(int) codes[i * groups + g]]++;
            }
            double entropy = 0;
            for (int count : counts) {
                if (count > 0) {
                    double p = count / (double) n;
                    entropy -= p * Math.log(p);
                }
            }
            total += Math.exp(entropy);
        }
        return total;
    }

    private static double accuracy(NDArray logits) {
        long[] best = logits.argMax(1).toLongArray();
        int right = 0;
        for (long b : best) {
            right += b == 0 ? 1 : 0;
        }
        return best.length == 0 ? 0 : right / (double) best.length;
    }

    private void warnOnCollapse(double codePerplexity, long pass) {
        double possible = (double) config.groups() * config.entries();
        if (codePerplexity >= config.collapseShare() * possible) {
            return;
        }
        if (lastWarning != Long.MIN_VALUE && pass - lastWarning < WARNING_INTERVAL) {
            return;
        }
        lastWarning = pass;
        warnings.println(String.format(Locale.ROOT, "WARNING wav2vec2: the codebook is collapsing at training pass "
                        + "%d: code perplexity %.1f of %.0f possible (below collapse_share %.3g); raise "
                        + "diversity_weight (now %.3g), lower optim.lr or check the features' scale (feature_norm)",
                pass, codePerplexity, possible, config.collapseShare(), config.diversityWeight()));
    }

    /** Forward FLOPs of everything the objective runs for a batch whose utterances' masked frames {@code offsets} delimit. */
    FlopCount headFlops(int batch, int frames, int[] offsets) {
        double n = offsets[offsets.length - 1];
        double pairs = 0;
        for (int b = 0; b + 1 < offsets.length; b++) {
            pairs += Math.pow(offsets[b + 1] - offsets[b], 2);
        }
        double codes = (double) config.groups() * config.entries();
        double fd = config.finalDim();
        int k = config.negatives();
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("objective.wav2vec2.mask", MASK_FLOPS_PER_ELEMENT * batch * frames * frontendDim);
        parts.put("objective.wav2vec2.quantizer", 2 * n * frontendDim * codes + n * codes
                + GUMBEL_FLOPS_PER_LOGIT * n * codes + 2 * n * codes * config.codeDim());
        parts.put("objective.wav2vec2.project_q", 2 * n * fd * fd + n * fd);
        parts.put("objective.wav2vec2.final_proj", 2 * n * encoderDim * fd + n * fd);
        parts.put("objective.wav2vec2.similarity", 2 * pairs * fd + 2 * NORMALISE_FLOPS_PER_ELEMENT * n * fd + pairs);
        parts.put("objective.wav2vec2.loss", SOFTMAX_FLOPS_PER_LOGIT * n * (k + 1));
        return new FlopCount(parts);
    }
}
