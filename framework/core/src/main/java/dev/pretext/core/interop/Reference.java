package dev.pretext.core.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.model.Frontend;
import dev.pretext.api.model.LearnedFrontend;
import dev.pretext.core.UserError;
import dev.pretext.core.data.FeatureStats;
import dev.pretext.core.model.UpstreamModel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * A network's hidden states on one recording, for checking a model outside pretext against pretext's own numbers:
 * {@code audio} is exactly the waveform the other side must be given (for waveform-cnn, the whole 20 ms frames
 * pretext reads plus the 80 zero samples it appends, so that wav2vec 2.0's stride arithmetic yields the same
 * frames; else the recording), {@code features} (a features frontend such as fbank) the [frames, bins] the
 * encoder reads, {@code hidden.0} the input to the first Transformer layer, {@code hidden.i} the output of layer i
 * (the last one after the final LayerNorm of a pre-LN encoder), each [frames, dim].
 */
public final class Reference {
    /** Samples wav2vec 2.0's receptive field reaches beyond the last 320-sample frame. */
    static final int TAIL = 80;
    static final int HOP = 320;

    private Reference() {
    }

    /** A 16 kHz mono 16-bit PCM WAV file as samples in [-1, 1) (value / 32768). */
    public static float[] readWav(Path file) {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat f = in.getFormat();
            if (!AudioFormat.Encoding.PCM_SIGNED.equals(f.getEncoding()) || f.getSampleSizeInBits() != 16
                    || f.getChannels() != 1 || Math.round(f.getSampleRate()) != Waveform.RATE) {
                throw new UserError("--reference " + file + ": need a 16 kHz mono 16-bit PCM WAV file, got " + f
                        + " (convert it, e.g. sox in.wav -r 16000 -c 1 -b 16 out.wav)");
            }
            byte[] bytes = in.readAllBytes();
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            float[] samples = new float[bytes.length / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = buf.getShort() / 32768f;
            }
            return samples;
        } catch (UnsupportedAudioFileException | IOException e) {
            throw new UserError("--reference " + file + ": not a readable WAV file (" + e.getMessage() + ")");
        }
    }

    /** Hidden states of {@code model} (parameters loaded) on {@code samples}, and the audio as torchaudio needs it. */
    public static Map<String, Tensor> compute(UpstreamModel model, Frontend frontend, FeatureStats stats,
                                              float[] samples, NDManager parent) {
        Features features = frontend.extract(new Waveform(samples, Waveform.RATE));
        if (stats != null) {
            features = stats.apply(features);
        }
        if (features.frames() < 1) {
            throw new UserError("--reference: the recording is too short for one frame (" + samples.length
                    + " samples)");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        float[] audio = samples.clone();
        if (frontend instanceof LearnedFrontend) {
            int used = features.frames() * HOP;
            audio = new float[used + TAIL];
            System.arraycopy(samples, 0, audio, 0, Math.min(used, samples.length));
        }
        out.put("audio", new Tensor("audio", new long[]{audio.length}, audio));
        if (!(frontend instanceof LearnedFrontend)) {
            // what the encoder reads: the frontend's features, normalised as the run normalises them
            out.put("features", new Tensor("features", new long[]{features.frames(), features.dim()},
                    features.data().clone()));
        }
        try (NDManager manager = parent.newSubManager()) {
            NDArray x = manager.create(features.data(), new Shape(1, features.frames(), features.dim()));
            NDArray valid = manager.ones(new Shape(1, features.frames()));
            java.util.List<NDArray> hidden = model.forward(new ParameterStore(manager, false), x, valid, false).output()
                    .hiddenStates();
            for (int i = 0; i < hidden.size(); i++) {
                NDArray h = hidden.get(i);
                long[] shape = {h.getShape().get(1), h.getShape().get(2)};
                out.put("hidden." + i, new Tensor("hidden." + i, shape, h.toFloatArray()));
            }
        }
        return out;
    }
}
