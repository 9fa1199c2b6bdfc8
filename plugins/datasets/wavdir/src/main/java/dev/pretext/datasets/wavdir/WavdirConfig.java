package dev.pretext.datasets.wavdir;

import dev.pretext.datasets.audio.AudioReader;
import dev.pretext.datasets.audio.BadAudioPolicy;

import java.util.Locale;

/**
 * Every {@code .wav} and {@code .flac} file under a folder.
 *
 * @param root            the folder to search, recursively (required)
 * @param speakerFrom     where speaker labels come from: {@code parent} (the name of the folder holding the file,
 *                        the default), {@code librispeech} (the file name up to its first '-', as in LibriSpeech's
 *                        {@code 103-1240-0000.flac}) or {@code none}
 * @param onBadAudio      {@code skip} (default: leave unusable files out, see {@code skipped()}) or {@code fail}
 *                        (refuse the dataset when it is listed)
 * @param maxAudioSeconds files declaring more audio than this are unusable (default 3600)
 * @param verifyAudio     decode every file when listing, to find damage inside files before training (default
 *                        false: headers and, for FLAC, the last frame are checked)
 */
public record WavdirConfig(String root, String speakerFrom, String onBadAudio, Double maxAudioSeconds,
                           Boolean verifyAudio) {
    public static final String PARENT = "parent";
    public static final String LIBRISPEECH = "librispeech";
    public static final String NONE = "none";

    public WavdirConfig {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("root is required: the folder holding the .wav or .flac files");
        }
        String mode = speakerFrom == null ? PARENT : speakerFrom.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals(PARENT) && !mode.equals(LIBRISPEECH) && !mode.equals(NONE)) {
            throw new IllegalArgumentException("speaker_from must be 'parent', 'librispeech' or 'none', got '"
                    + speakerFrom + "'");
        }
        speakerFrom = mode;
        onBadAudio = BadAudioPolicy.parse(onBadAudio).key();
        maxAudioSeconds = maxAudioSeconds == null ? AudioReader.DEFAULT_MAX_SECONDS : maxAudioSeconds;
        new AudioReader(maxAudioSeconds); // validates the limit
        verifyAudio = verifyAudio != null && verifyAudio;
    }
}
