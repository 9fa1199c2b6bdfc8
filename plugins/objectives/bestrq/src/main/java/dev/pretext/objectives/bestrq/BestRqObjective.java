package dev.pretext.objectives.bestrq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import dev.pretext.api.RunContext;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.api.model.NetworkShape;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.objectives.support.SpanMask;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * BEST-RQ (Chiu et al., 2022): self-supervised learning with a random-projection quantiser.
 *
 * <p>Targets: each utterance's features are normalised per bin over its real frames (the paper normalises its
 * input; without it the random projection sends most frames to a few codes), {@code stack} frames are stacked into
 * one label frame, projected by a frozen random matrix and labelled with the nearest code of a frozen random
 * codebook by cosine similarity. The quantiser is drawn from the run seed ({@link RandomQuantizer}), so a resumed
 * run regenerates the same one; it holds no parameters.
 *
 * <p>Input: spans of label frames ({@link SpanMask}, from the batch's stream) are replaced, on every frame they
 * cover, by noise around the utterance's mean ({@code noise_std} of its standard deviation, from the engine's
 * seeded generator). The encoder's last hidden states are averaged over each label frame's input frames, and a
 * linear head predicts the code; the loss is the cross-entropy over masked label frames, divided by their number.
 *
 * <p>Metrics: {@code masked_accuracy} (the head's top code equals the target on masked label frames),
 * {@code code_perplexity} (exp of the entropy of the targets over real label frames: how many codes the data really
 * uses) and {@code masked_share} (masked share of the real label frames).
 */
public final class BestRqObjective implements Objective {
    /** Keeps the quantiser's stream apart from every other stream derived from the run seed. */
    private static final long QUANTISER_SALT = 0x6265_7374_7271_4c31L;
    /** Per input element: masking, mean, centre, square, variance, scale (no gradients). */
    private static final double NORM_FLOPS_PER_ELEMENT = 10;
    /** Per logit: log-softmax (max, subtract, exp, sum, log, subtract) and picking the target. */
    private static final double LOSS_FLOPS_PER_LOGIT = 8;
    private static final float VARIANCE_FLOOR = 1e-5f;

    private final BestRqConfig config;
    private final long quantiserSeed;
    private final SequentialBlock head = new SequentialBlock();
    private int featureDim;
    private int encoderDim;
    private RandomQuantizer quantizer;
    private NDArray projection;
    private NDArray codebookTransposed;

    @Inject
    public BestRqObjective(BestRqConfig config, RunContext run) {
        this.config = config;
        this.quantiserSeed = mix(run.seed(), QUANTISER_SALT);
    }

    public BestRqConfig config() {
        return config;
    }

    /** The prediction head; it exists once {@link #initialize} has run. The quantiser is not part of it. */
    @Override
    public Block block() {
        return head;
    }

    @Override
    public void initialize(NDManager manager, NetworkShape network) {
        this.featureDim = network.input().dim();
        this.encoderDim = network.dim();
        quantizer = RandomQuantizer.draw(quantiserSeed, config.stack() * featureDim, config.codebookDim(),
                config.codebookSize());
        projection = manager.create(quantizer.projection(), new Shape(quantizer.inputDim(), quantizer.dim()));
        codebookTransposed = manager.create(quantizer.codebook(), new Shape(quantizer.codes(), quantizer.dim()))
                .transpose();
        head.add(Linear.builder().setUnits(config.codebookSize()).build());
        head.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.AVG, 3), Parameter.Type.WEIGHT);
        head.initialize(manager, DataType.FLOAT32, new Shape(1, 1, encoderDim));
    }

    /** The frozen quantiser (for tests and inspection); null before {@link #initialize}. */
    RandomQuantizer quantizer() {
        return quantizer;
    }

    @Override
    public ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore parameters,
                                   FlopMeter meter, boolean training) {
        if (encoderDim == 0) {
            throw new IllegalStateException("initialize the bestrq objective before the first forward pass");
        }
        NDArray features = batch.features();
        Shape shape = features.getShape();
        if (shape.dimension() != 3 || shape.get(2) != featureDim) {
            throw new IllegalArgumentException("bestrq objective expects features [batch, frames, " + featureDim
                    + "], got " + shape + "; the objective was initialised for the frontend's dim " + featureDim);
        }
        NDManager manager = batch.manager();
        int size = (int) shape.get(0);
        int frames = (int) shape.get(1);
        int stack = config.stack();
        int groups = (frames + stack - 1) / stack;
        int[] lengths = batch.lengths();
        int[] realGroups = new int[size];
        float[] framesPerGroup = new float[size * groups];
        for (int b = 0; b < size; b++) {
            realGroups[b] = (lengths[b] + stack - 1) / stack;
            for (int g = 0; g < groups; g++) {
                framesPerGroup[b * groups + g] = Math.max(1, Math.min(stack, lengths[b] - g * stack));
            }
        }
        SpanMask mask = SpanMask.draw(realGroups, groups, config.maskProb(), config.span(),
                SpanMask.Placement.NON_OVERLAPPING, batch.rng());

        NDArray validColumn = batch.valid().reshape(size, frames, 1);
        Statistics stats = Statistics.of(batch);
        NDArray mean = stats.mean();
        NDArray std = stats.std();
        NDArray targets = targets(manager, stats.normalised(), size, groups);
        NDArray groupMasked = manager.create(mask.masked(), new Shape(size, groups));

        // Masked input frames: noise around the utterance mean; padding and unmasked frames pass unchanged.
        float[] frameMask = new float[size * frames];
        for (int b = 0; b < size; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                frameMask[b * frames + t] = mask.masked()[b * groups + t / stack];
            }
        }
        NDArray maskColumn = manager.create(frameMask, new Shape(size, frames, 1));
        NDArray noise = manager.randomNormal(0f, config.noiseStd().floatValue(), shape, DataType.FLOAT32)
                .mul(std).add(mean);
        NDArray input = features.mul(maskColumn.neg().add(1f)).add(noise.mul(maskColumn));

        EncoderOutput encoded = encoder.apply(input, batch.valid());
        NDArray hidden = encoded.last();
        if (hidden.getShape().get(2) != encoderDim) {
            throw new IllegalStateException("the encoder returned width " + hidden.getShape().get(2)
                    + " but the bestrq head was initialised for " + encoderDim);
        }
        NDArray pooled = hidden;
        if (stack > 1) {
            // the mean of each label frame's real input frames (padding excluded)
            NDArray real = padFrames(manager, hidden.mul(validColumn), groups * stack);
            pooled = real.reshape(size, groups, stack, encoderDim).sum(new int[]{2})
                    .div(manager.create(framesPerGroup, new Shape(size, groups, 1)));
        }
        NDArray logits = head.forward(parameters, new NDList(pooled), training).head();
        NDArray picked = logits.logSoftmax(2).mul(targets.oneHot(config.codebookSize())).sum(new int[]{2});
        // Divide by an array the step's manager owns: DJL frees a Number operand right after the op while autograd
        // still needs it in the backward pass.
        NDArray maskedCount = manager.create((float) Math.max(1, mask.count()));
        NDArray loss = picked.mul(groupMasked).sum().neg().div(maskedCount);

        recordFlops(meter, size, frames, groups, training);
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("masked_accuracy", logits.stopGradient().argMax(2).eq(targets).toType(DataType.FLOAT32, false)
                .mul(groupMasked).sum().div(maskedCount));
        metrics.put("code_perplexity", manager.create((float) perplexity(targets.toLongArray(), realGroups, groups)));
        long real = 0;
        for (int g : realGroups) {
            real += g;
        }
        metrics.put("masked_share", manager.create(real == 0 ? 0f : (float) mask.count() / real));
        return new ObjectiveResult(loss, metrics);
    }

    /**
     * [B, G] code indices: stacked normalised frames, projected, nearest code by cosine. The projection's own length
     * scales every code's similarity alike, so the argmax over unit-length codes is the cosine's argmax.
     */
    private NDArray targets(NDManager manager, NDArray normalised, int size, int groups) {
        int stack = config.stack();
        NDArray stacked = padFrames(manager, normalised, groups * stack).reshape(size, groups, (long) stack * featureDim);
        return stacked.matMul(projection).matMul(codebookTransposed).argMax(2);
    }

    /** The code indices of a batch's label frames, row-major [B x G] (for tests). */
    long[] labels(TrainingBatch batch) {
        int groups = (batch.frames() + config.stack() - 1) / config.stack();
        return targets(batch.manager(), Statistics.of(batch).normalised(), batch.size(), groups).toLongArray();
    }

    /**
     * Per-utterance, per-bin mean and standard deviation over real frames, and the features normalised by them
     * (padding 0). No gradients flow here: it reads the input only.
     */
    private record Statistics(NDArray mean, NDArray std, NDArray normalised) {
        static Statistics of(TrainingBatch batch) {
            int size = batch.size();
            float[] realCounts = new float[size];
            for (int b = 0; b < size; b++) {
                realCounts[b] = Math.max(1, batch.lengths()[b]);
            }
            NDArray validColumn = batch.valid().reshape(size, batch.frames(), 1);
            NDArray count = batch.manager().create(realCounts, new Shape(size, 1, 1));
            NDArray features = batch.features();
            NDArray mean = features.mul(validColumn).sum(new int[]{1}, true).div(count);
            NDArray centred = features.sub(mean).mul(validColumn);
            NDArray std = centred.square().sum(new int[]{1}, true).div(count).add(VARIANCE_FLOOR).sqrt();
            return new Statistics(mean, std, centred.div(std));
        }
    }

    /** [B, T, X] zero-padded along time to {@code frames}. */
    private static NDArray padFrames(NDManager manager, NDArray x, int frames) {
        Shape shape = x.getShape();
        long missing = frames - shape.get(1);
        if (missing == 0) {
            return x;
        }
        return x.concat(manager.zeros(new Shape(shape.get(0), missing, shape.get(2))), 1);
    }

    /** exp(entropy) of the code histogram over real label frames. */
    static double perplexity(long[] codes, int[] realGroups, int groups) {
        Map<Long, Integer> histogram = new LinkedHashMap<>();
        int total = 0;
        for (int b = 0; b < realGroups.length; b++) {
            for (int g = 0; g < realGroups[b]; g++) {
                histogram.merge(codes[b * groups + g], 1, Integer::sum);
                total++;
            }
        }
        double entropy = 0;
        for (int n : histogram.values()) {
            double p = n / (double) total;
            entropy -= p * Math.log(p);
        }
        return Math.exp(entropy);
    }

    private void recordFlops(FlopMeter meter, int size, int frames, int groups, boolean training) {
        double n = (double) size * frames;
        double labels = (double) size * groups;
        double codes = config.codebookSize();
        double codeDim = config.codebookDim();
        Map<String, Double> trained = new LinkedHashMap<>();
        trained.put("objective.bestrq.pool", config.stack() > 1 ? 2 * n * encoderDim : 0);
        trained.put("objective.bestrq.head", 2 * labels * encoderDim * codes + labels * codes);
        trained.put("objective.bestrq.loss", LOSS_FLOPS_PER_LOGIT * labels * codes);
        meter.record(new FlopCount(trained), training);
        // the quantiser and the masking are computed from the input alone: forward only, even when training
        Map<String, Double> frozen = new LinkedHashMap<>();
        frozen.put("objective.bestrq.targets", NORM_FLOPS_PER_ELEMENT * n * featureDim
                + 2 * labels * config.stack() * featureDim * codeDim + 2 * labels * codeDim * codes + labels * codes);
        meter.record(new FlopCount(frozen), false);
    }

    /** A 64-bit mix (SplitMix64's finaliser) of the run seed and a salt. */
    private static long mix(long seed, long salt) {
        long z = seed + salt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
