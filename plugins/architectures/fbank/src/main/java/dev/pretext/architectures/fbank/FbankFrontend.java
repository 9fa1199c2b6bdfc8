package dev.pretext.architectures.fbank;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.model.Frontend;
import dev.pretext.dsp.RealFft;
import jakarta.inject.Inject;

/**
 * Log-mel filterbank features computed like Kaldi's {@code compute-fbank-feats} and
 * {@code torchaudio.compliance.kaldi.fbank} with dither 0 and their defaults: frames that fit entirely in the clip
 * (snip_edges), per-frame DC removal, pre-emphasis 0.97, povey window, zero padding to a power-of-two FFT, power
 * spectrum, triangular mel filters from 20 Hz to Nyquist, natural log floored at the float epsilon.
 *
 * <p>Samples are taken on Kaldi's 16-bit scale (the [-1, 1] floats times 32768), so the values equal what Kaldi
 * computes from the same WAV file. With {@code cmvn} every band is then normalised to zero mean and unit variance
 * over the utterance.
 *
 * <p>Thread-safe: all tables are immutable and each call allocates its own scratch.
 */
public final class FbankFrontend implements Frontend {
    private static final double PREEMPHASIS = 0.97;
    private static final double LOW_HZ = 20.0;
    /** std::numeric_limits&lt;float&gt;::epsilon(), Kaldi's floor before the log. */
    private static final double LOG_FLOOR = Math.ulp(1.0f);
    /** Kaldi reads 16-bit PCM as integers; our waveforms hold them divided by 32768. */
    private static final double PCM_SCALE = 32768.0;
    /** Bands that are constant over an utterance (e.g. floored silence) are centred, not blown up. */
    private static final double MIN_STD = 1e-5;

    private final FbankConfig config;
    private final int windowSize;
    private final int windowShift;
    private final double[] window;
    private final RealFft fft;
    private final MelBank melBank;
    private final FeatureSpec spec;

    @Inject
    public FbankFrontend(FbankConfig config) {
        this.config = config;
        // Same arithmetic as Kaldi/torchaudio (truncation of rate * ms * 0.001), so the frame counts agree.
        windowSize = samples(config.frameMs());
        windowShift = samples(config.shiftMs());
        window = poveyWindow(windowSize);
        fft = new RealFft(fftLength(windowSize));
        melBank = melBank(config.bins(), fft.length());
        spec = new FeatureSpec(config.bins() * config.stack(), 1000.0 / config.shiftMs() / config.grouping());
    }

    /** Samples in {@code ms} milliseconds at 16 kHz, truncated as Kaldi does. */
    static int samples(double ms) {
        return (int) (Waveform.RATE * ms * 0.001);
    }

    /** The smallest power of two holding the window (Kaldi's round_to_power_of_two). */
    static int fftLength(int windowSize) {
        return Integer.highestOneBit(windowSize - 1) << 1;
    }

    static MelBank melBank(int bins, int fftLength) {
        return new MelBank(bins, fftLength, Waveform.RATE, LOW_HZ, Waveform.RATE / 2.0);
    }

    /** Hann window (symmetric) raised to 0.85: like Hann, but reaching zero at both ends. */
    private static double[] poveyWindow(int size) {
        double[] w = new double[size];
        for (int i = 0; i < size; i++) {
            w[i] = Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * i / (size - 1)), 0.85);
        }
        return w;
    }

    public FbankConfig config() {
        return config;
    }

    @Override
    public FeatureSpec spec() {
        return spec;
    }

    /** Frames Kaldi emits for {@code samples} samples with snip_edges: only windows that fit entirely. */
    public int frameCount(int samples) {
        return samples < windowSize ? 0 : 1 + (samples - windowSize) / windowShift;
    }

    @Override
    public Features extract(Waveform waveform) {
        if (waveform.sampleRate() != Waveform.RATE) {
            throw new IllegalArgumentException("fbank needs audio at " + Waveform.RATE + " Hz, got "
                    + waveform.sampleRate() + " Hz: resample it to " + Waveform.RATE + " Hz first");
        }
        float[] samples = waveform.samples();
        int frames = frameCount(samples.length);
        int bins = melBank.bins();
        float[] out = new float[frames * bins];
        double[] frame = new double[fft.length()];
        double[] power = new double[fft.bins()];
        double[] re = new double[fft.length() / 2];
        double[] im = new double[fft.length() / 2];
        for (int t = 0; t < frames; t++) {
            int offset = t * windowShift;
            double mean = 0;
            for (int i = 0; i < windowSize; i++) {
                frame[i] = samples[offset + i] * PCM_SCALE;
                mean += frame[i];
            }
            mean /= windowSize;
            for (int i = 0; i < windowSize; i++) {
                frame[i] -= mean;
            }
            // Backwards, so that each sample still sees its unmodified predecessor; the first uses itself.
            for (int i = windowSize - 1; i > 0; i--) {
                frame[i] -= PREEMPHASIS * frame[i - 1];
            }
            frame[0] -= PREEMPHASIS * frame[0];
            for (int i = 0; i < windowSize; i++) {
                frame[i] *= window[i];
            }
            // The tail stays zero from allocation: nothing above windowSize is ever written.
            fft.powerSpectrum(frame, power, re, im);
            int row = t * bins;
            for (int b = 0; b < bins; b++) {
                out[row + b] = (float) Math.log(Math.max(melBank.apply(b, power), LOG_FLOOR));
            }
        }
        if (config.cmvn()) {
            normalise(out, frames, bins);
        }
        return regroup(new Features(out, frames, bins));
    }

    /** Stacks or subsamples frames as configured; stacked frames lie side by side, the earliest first. */
    private Features regroup(Features f) {
        int group = config.grouping();
        if (group == 1) {
            return f;
        }
        int frames = f.frames() / group;
        int bins = f.dim();
        if (config.stack() > 1) {
            // Row-major frames of `bins` values: `group` consecutive rows are already one stacked row.
            float[] stacked = new float[frames * group * bins];
            System.arraycopy(f.data(), 0, stacked, 0, stacked.length);
            return new Features(stacked, frames, group * bins);
        }
        float[] kept = new float[frames * bins];
        for (int t = 0; t < frames; t++) {
            System.arraycopy(f.data(), t * group * bins, kept, t * bins, bins);
        }
        return new Features(kept, frames, bins);
    }

    /** Per-band mean and variance normalisation over the utterance. */
    private static void normalise(float[] data, int frames, int bins) {
        if (frames == 0) {
            return;
        }
        double[] sum = new double[bins];
        double[] sumSquares = new double[bins];
        for (int t = 0; t < frames; t++) {
            for (int b = 0; b < bins; b++) {
                double v = data[t * bins + b];
                sum[b] += v;
                sumSquares[b] += v * v;
            }
        }
        double[] mean = new double[bins];
        double[] inverseStd = new double[bins];
        for (int b = 0; b < bins; b++) {
            mean[b] = sum[b] / frames;
            double variance = Math.max(0.0, sumSquares[b] / frames - mean[b] * mean[b]);
            inverseStd[b] = 1.0 / Math.max(Math.sqrt(variance), MIN_STD);
        }
        for (int t = 0; t < frames; t++) {
            for (int b = 0; b < bins; b++) {
                int i = t * bins + b;
                data[i] = (float) ((data[i] - mean[b]) * inverseStd[b]);
            }
        }
    }

    /**
     * Operations per frame, counted from the code: framing and DC removal (scale, sum, subtract), pre-emphasis,
     * window, the FFT as executed (half-length complex FFT 5 (n/2) log2(n/2) plus the real split and the power
     * spectrum), a multiply-add per stored mel weight, floor and log per band (a log counted as one operation),
     * and CMVN (statistics and normalisation, 5 per value) when on.
     */
    @Override
    public double flopsPerFrame() {
        double framing = 3.0 * windowSize + 1;
        double preemphasis = 2.0 * windowSize;
        double windowing = windowSize;
        double mel = 2.0 * melBank.nonZero();
        double log = 2.0 * melBank.bins();
        double cmvn = config.cmvn() ? 5.0 * melBank.bins() : 0.0;
        // Every 10 ms frame is computed, also those that subsampling then drops.
        return config.grouping() * (framing + preemphasis + windowing + fft.flops() + mel + log + cmvn);
    }
}
