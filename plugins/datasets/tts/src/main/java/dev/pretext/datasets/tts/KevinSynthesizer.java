package dev.pretext.datasets.tts;

import com.sun.speech.freetts.Age;
import com.sun.speech.freetts.Gender;
import com.sun.speech.freetts.Item;
import com.sun.speech.freetts.Relation;
import com.sun.speech.freetts.Utterance;
import com.sun.speech.freetts.UtteranceProcessor;
import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.audio.AudioPlayer;
import com.sun.speech.freetts.en.us.CMUDiphoneVoice;
import com.sun.speech.freetts.en.us.CMULexicon;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;
import dev.pretext.api.data.PhoneSegment;

import javax.sound.sampled.AudioFormat;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One FreeTTS kevin16 voice with its own lexicon, rendering in the calling thread into memory. FreeTTS voices
 * keep per-utterance state, so each synthesis thread owns one of these; instances are not thread-safe.
 */
final class KevinSynthesizer implements AutoCloseable {
    static final int SAMPLE_RATE = 16_000;

    private final Voice voice;
    private final CapturingPlayer player = new CapturingPlayer();
    private final List<FreeTtsPart> parts = new ArrayList<>();

    KevinSynthesizer() {
        // Built directly instead of through VoiceManager, whose voices-file and class-name lookup fails in OSGi.
        URL database = KevinVoiceDirectory.class.getResource("cmu_us_kal16.bin");
        if (database == null) {
            throw new IllegalStateException("the kevin16 voice data (cmu_us_kal16.bin) is missing from the bundle");
        }
        voice = new CMUDiphoneVoice("kevin16", Gender.MALE, Age.YOUNGER_ADULT, "16 kHz diphone voice",
                Locale.US, "general", "cmu", new CMULexicon("cmulex"), database);
        voice.setAudioPlayer(player);
        voice.allocate();
        // allocate() starts an output thread; without a queue FreeTTS renders in the caller, so audio and phone
        // times of an utterance are captured in one place and in order.
        voice.getOutputQueue().close();
        voice.setOutputQueue(null);
        // Runs after every other processor and just before audio output: marks where this part's audio starts.
        voice.getUtteranceProcessors().add((UtteranceProcessor) this::recordPart);
    }

    Synthesis speak(String text, double pitchHz, double pitchRangeHz, double durationStretch) {
        voice.setPitch((float) pitchHz);
        voice.setPitchRange((float) pitchRangeHz);
        voice.setDurationStretch((float) durationStretch);
        player.clear();
        parts.clear();
        if (!voice.speak(text) || parts.isEmpty()) {
            throw new IllegalStateException("FreeTTS could not speak \"" + text + "\"");
        }
        short[] samples = player.samples();
        return new Synthesis(samples, SAMPLE_RATE, align(parts, samples.length, text));
    }

    /** One FreeTTS utterance (a long text may be split in several): where its audio starts and its segments. */
    private record FreeTtsPart(int startSample, List<String> phones, float[] ends) {
    }

    private void recordPart(Utterance utterance) {
        List<String> phones = new ArrayList<>();
        List<Float> ends = new ArrayList<>();
        for (Item item = utterance.getRelation(Relation.SEGMENT).getHead(); item != null; item = item.getNext()) {
            // mapped later, outside FreeTTS, which would swallow an exception thrown here
            phones.add(item.getFeatures().getString("name"));
            ends.add(item.getFeatures().getFloat("end"));
        }
        float[] e = new float[ends.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = ends.get(i);
        }
        parts.add(new FreeTtsPart(player.written(), phones, e));
    }

    /** The parts' segments on one time line, in the common phone set. */
    private static List<PhoneSegment> align(List<FreeTtsPart> parts, int totalSamples, String text) {
        List<String> labels = new ArrayList<>();
        List<Double> ends = new ArrayList<>();
        for (FreeTtsPart part : parts) {
            double offset = part.startSample() / (double) SAMPLE_RATE;
            for (int i = 0; i < part.phones().size(); i++) {
                labels.add(PhoneSet.fromCmu(part.phones().get(i), "FreeTTS"));
                ends.add(offset + part.ends()[i]);
            }
        }
        return Alignment.contiguous(labels, ends, totalSamples / (double) SAMPLE_RATE,
                "FreeTTS kevin16 speaking \"" + text + "\"");
    }

    @Override
    public void close() {
        voice.deallocate();
    }

    /**
     * Collects FreeTTS's 16-bit big-endian samples. Each utterance announces its length in {@link #begin}; the
     * LPC renderer can stop a few milliseconds short of it (the tail is silence), so {@link #end} pads with
     * zeros to keep the next utterance and the phone times in step.
     */
    private static final class CapturingPlayer implements AudioPlayer {
        private byte[] buffer = new byte[1 << 16];
        private int size;
        private int partStart;
        private int announced;
        private AudioFormat format;

        void clear() {
            size = 0;
        }

        int written() {
            return size / 2;
        }

        short[] samples() {
            short[] s = new short[size / 2];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) ((buffer[2 * i] << 8) | (buffer[2 * i + 1] & 0xff));
            }
            return s;
        }

        private void ensure(int extra) {
            if (size + extra > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
            }
        }

        @Override
        public void setAudioFormat(AudioFormat f) {
            if (f.getSampleRate() != SAMPLE_RATE || f.getSampleSizeInBits() != 16 || f.getChannels() != 1
                    || !f.isBigEndian() || f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED) {
                throw new IllegalStateException("kevin16 was expected to render 16 kHz 16-bit big-endian mono, got " + f);
            }
            format = f;
        }

        @Override
        public AudioFormat getAudioFormat() {
            return format;
        }

        @Override
        public void begin(int bytes) {
            partStart = size;
            announced = bytes;
        }

        @Override
        public boolean end() {
            int missing = partStart + announced - size;
            if (missing > 0) {
                ensure(missing);
                size += missing; // the buffer beyond size is zero only if never written: clear it explicitly
                Arrays.fill(buffer, size - missing, size, (byte) 0);
            }
            return true;
        }

        @Override
        public boolean write(byte[] bytes) {
            return write(bytes, 0, bytes.length);
        }

        @Override
        public boolean write(byte[] bytes, int offset, int length) {
            ensure(length);
            System.arraycopy(bytes, offset, buffer, size, length);
            size += length;
            return true;
        }

        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public void reset() {
        }

        @Override
        public boolean drain() {
            return true;
        }

        @Override
        public void cancel() {
        }

        @Override
        public void close() {
        }

        @Override
        public float getVolume() {
            return 1;
        }

        @Override
        public void setVolume(float volume) {
        }

        @Override
        public long getTime() {
            return 0;
        }

        @Override
        public void resetTime() {
        }

        @Override
        public void startFirstSampleTimer() {
        }

        @Override
        public void showMetrics() {
        }
    }
}
