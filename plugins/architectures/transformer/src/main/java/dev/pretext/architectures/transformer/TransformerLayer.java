package dev.pretext.architectures.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One Transformer layer, pre-LN: {@code x + Attention(LN(x))}, then {@code x + FFN(LN(x))}; or post-LN:
 * {@code LN(x + Attention(x))}, then {@code LN(x + FFN(x))}. The FFN uses GELU.
 * Inputs: hidden states [B, T, D] and an additive key bias [B, 1, 1, T] (0 for real keys, a large negative
 * number for padded keys). Written by hand because DJL's TransformerEncoderBlock uses BatchNorm and adds the
 * raw input in both residuals.
 */
final class TransformerLayer extends AbstractBlock {
    private final int dim;
    private final int heads;
    private final int ffnDim;
    private final float dropout;
    private final boolean preNorm;
    private final LayerNorm attentionNorm;
    private final Linear qkv;
    private final Linear attentionOutput;
    private final LayerNorm ffnNorm;
    private final Linear ffnIn;
    private final Linear ffnOut;

    TransformerLayer(int dim, int heads, int ffnDim, float dropout, boolean preNorm) {
        this.preNorm = preNorm;
        this.dim = dim;
        this.heads = heads;
        this.ffnDim = ffnDim;
        this.dropout = dropout;
        // axis 2 of [B, T, D]: normalise each frame on its own (DJL's default would span T and D).
        attentionNorm = addChildBlock("attention_norm", LayerNorm.builder().axis(2).build());
        qkv = addChildBlock("attention_qkv", Linear.builder().setUnits(3L * dim).build());
        attentionOutput = addChildBlock("attention_output", Linear.builder().setUnits(dim).build());
        ffnNorm = addChildBlock("ffn_norm", LayerNorm.builder().axis(2).build());
        ffnIn = addChildBlock("ffn_in", Linear.builder().setUnits(ffnDim).build());
        ffnOut = addChildBlock("ffn_out", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray keyBias = inputs.get(1);
        long batch = x.getShape().get(0);
        long frames = x.getShape().get(1);
        int headDim = dim / heads;

        NDArray normed = preNorm ? attentionNorm.forward(ps, new NDList(x), training).head() : x;
        NDArray projected = qkv.forward(ps, new NDList(normed), training).head();
        // [B, T, 3D] -> [3, B, H, T, dh]: one matmul for q, k and v, then split by a view.
        NDArray split = projected.reshape(batch, frames, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
        // The scale is an array owned by the step's manager, never mul(Number): DJL frees a Number operand's
        // memory right after the op, while autograd still needs it for the backward pass (garbage gradients).
        NDArray scale = x.getManager().create((float) (1.0 / Math.sqrt(headDim)));
        NDArray queries = split.get(0).mul(scale);
        NDArray keys = split.get(1);
        NDArray values = split.get(2);
        NDArray weights = drop(attentionWeights(queries, keys, keyBias), training);
        NDArray context = weights.matMul(values).transpose(0, 2, 1, 3).reshape(batch, frames, dim);
        NDArray attended = attentionOutput.forward(ps, new NDList(context), training).head();
        NDArray afterAttention = x.add(drop(attended, training));
        if (!preNorm) {
            afterAttention = attentionNorm.forward(ps, new NDList(afterAttention), training).head();
        }

        NDArray ffnInput = preNorm ? ffnNorm.forward(ps, new NDList(afterAttention), training).head() : afterAttention;
        NDArray hidden = Activation.gelu(ffnIn.forward(ps, new NDList(ffnInput), training).head());
        NDArray ffnResult = ffnOut.forward(ps, new NDList(hidden), training).head();
        NDArray out = afterAttention.add(drop(ffnResult, training));
        return new NDList(preNorm ? out : ffnNorm.forward(ps, new NDList(out), training).head());
    }

    /**
     * softmax(q k^T + bias) over the keys, [B, H, T, T]. A finite bias (not -inf) keeps rows whose keys are all
     * padding finite: they become a uniform average. The bias is added in place and the scores closed once softmax
     * has read them: matmul's backward needs q and k, softmax's needs its output, so nothing needs the B x H x T x T
     * scores again, while DJL would otherwise keep them (and a second copy from an add) alive until the step's
     * manager closes. On the quickstart shape this took peak RSS from 2.85 to 1.85 GB.
     */
    static NDArray attentionWeights(NDArray queries, NDArray keys, NDArray keyBias) {
        NDArray scores = queries.matMul(keys.transpose(0, 1, 3, 2)).addi(keyBias);
        NDArray probabilities = scores.softmax(3);
        scores.close();
        return probabilities;
    }

    private NDArray drop(NDArray x, boolean training) {
        if (!training || dropout == 0f) {
            return x;
        }
        return Dropout.dropout(x, dropout, true).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = inputShapes[0];
        attentionNorm.initialize(manager, dataType, hidden);
        qkv.initialize(manager, dataType, hidden);
        attentionOutput.initialize(manager, dataType, hidden);
        ffnNorm.initialize(manager, dataType, hidden);
        ffnIn.initialize(manager, dataType, hidden);
        ffnOut.initialize(manager, dataType, new Shape(hidden.get(0), hidden.get(1), ffnDim));
    }
}
