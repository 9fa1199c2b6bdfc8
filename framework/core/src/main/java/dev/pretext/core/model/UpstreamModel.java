package dev.pretext.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.Frontend;
import dev.pretext.api.model.FrontendOutput;
import dev.pretext.api.model.LearnedFrontend;
import dev.pretext.core.data.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The network that pre-training produces and probes read: the frontend's learned stage, when it has one, then
 * the encoder body. Loader batches (as the frontend's {@link Frontend#spec()} describes them) go in, every
 * hidden state comes out. Owns the seeded initialisation, the parameter order checkpoints rely on (learned
 * frontend first, then the body) and the FLOPs of both parts.
 */
public final class UpstreamModel {
    private final LearnedFrontend learned;
    private final Encoder encoder;
    private final FeatureSpec input;

    public UpstreamModel(Frontend frontend, Encoder encoder) {
        this.learned = frontend instanceof LearnedFrontend l ? l : null;
        this.encoder = encoder;
        this.input = frontend.spec();
    }

    /** What the encoder body sees: the learned stage's output, or the loader's features. */
    public static FeatureSpec bodyInput(Frontend frontend) {
        return frontend instanceof LearnedFrontend l ? l.outputSpec() : frontend.spec();
    }

    public Encoder encoder() {
        return encoder;
    }

    /** What the loader feeds in. */
    public FeatureSpec input() {
        return input;
    }

    public FeatureSpec bodyInput() {
        return learned != null ? learned.outputSpec() : input;
    }

    /**
     * Creates every parameter from the run seed: the same seed gives the same weights, for the run and for its
     * random-initialisation baseline. Returns them in checkpoint order.
     */
    public List<Parameter> initialize(NDManager manager, long seed) {
        List<Parameter> params = new ArrayList<>();
        if (learned != null) {
            Engine.getInstance().setRandomSeed((int) Seeds.mix(seed, 0x1416L));
            learned.initialize(manager);
            params.addAll(learned.block().getParameters().values());
        }
        Engine.getInstance().setRandomSeed((int) Seeds.mix(seed, 0x1417L));
        encoder.initialize(manager, bodyInput());
        params.addAll(encoder.block().getParameters().values());
        return params;
    }

    /** Parameter names in checkpoint order, prefixed by the part they belong to. */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        if (learned != null) {
            learned.block().getParameters().keys().forEach(k -> names.add("frontend " + k));
        }
        encoder.block().getParameters().keys().forEach(k -> names.add("encoder " + k));
        return names;
    }

    public long parameterCount() {
        long count = 0;
        if (learned != null) {
            count += count(learned.block().getParameters().values());
        }
        return count + count(encoder.block().getParameters().values());
    }

    /** Parameters of both parts known without creating them; empty when a part cannot tell. */
    public OptionalLong plannedParameters() {
        OptionalLong body = encoder.parameterCount();
        if (learned == null || body.isEmpty()) {
            return body;
        }
        OptionalLong front = learned.parameterCount();
        return front.isEmpty() ? front : OptionalLong.of(front.getAsLong() + body.getAsLong());
    }

    private static long count(List<Parameter> params) {
        long n = 0;
        for (Parameter p : params) {
            n += p.getArray().size();
        }
        return n;
    }

    /** A forward pass and the FLOPs it executed. */
    public record Pass(EncoderOutput output, FlopCount flops) {
    }

    /** The learned frontend alone and its FLOPs; the features unchanged (and no FLOPs) without one. */
    public FrontendPass frontend(ParameterStore store, NDArray features, NDArray valid, boolean training) {
        if (learned == null) {
            return new FrontendPass(new FrontendOutput(features, valid), FlopCount.ZERO);
        }
        FlopCount flops = learned.flops((int) features.getShape().get(0), (int) features.getShape().get(1));
        return new FrontendPass(learned.forward(store, features, valid, training), flops);
    }

    /** A frontend pass and the FLOPs it executed. */
    public record FrontendPass(FrontendOutput output, FlopCount flops) {
    }

    /** The body alone on the frontend's output (or the loader's features without a learned frontend). */
    public Pass body(ParameterStore store, NDArray features, NDArray valid, boolean training) {
        EncoderOutput output = encoder.forward(store, features, valid, training);
        FlopCount flops = output.executed() != null ? output.executed()
                : encoder.flops((int) features.getShape().get(0), (int) features.getShape().get(1));
        return new Pass(output, flops);
    }

    /** The encoder body's parameters (a teacher copies these). */
    public List<Parameter> bodyParameters() {
        return new ArrayList<>(encoder.block().getParameters().values());
    }

    /** Runs the learned frontend (if any) and the body on a padded loader batch. */
    public Pass forward(ParameterStore store, NDArray features, NDArray valid, boolean training) {
        FrontendPass front = frontend(store, features, valid, training);
        Pass body = body(store, front.output().features(), front.output().valid(), training);
        return new Pass(body.output(), front.flops().plus(body.flops()));
    }

    /** The network as objectives see it before training. */
    public dev.pretext.api.model.NetworkShape shape() {
        return new dev.pretext.api.model.NetworkShape(input, bodyInput(), encoder.dim(), encoder.layers(),
                encoder.causal());
    }

    /** Whether the body only looks at past frames. */
    public boolean causal() {
        return encoder.causal();
    }

    /** Forward FLOPs for a padded loader batch of this shape (every layer run: the plan, not a measurement). */
    public FlopCount flops(int batch, int frames) {
        if (learned == null) {
            return encoder.flops(batch, frames);
        }
        return learned.flops(batch, frames).plus(encoder.flops(batch, learned.outputFrames(frames)));
    }

}
