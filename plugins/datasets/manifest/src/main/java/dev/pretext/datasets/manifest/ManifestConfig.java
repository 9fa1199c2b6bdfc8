package dev.pretext.datasets.manifest;

import dev.pretext.datasets.audio.AudioReader;
import dev.pretext.datasets.audio.BadAudioPolicy;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A fairseq-style manifest: a {@code .tsv} whose first line is the audio root folder and each further line
 * {@code relative/path<TAB>num_samples}, with optional label files of the same stem beside it.
 *
 * @param tsv             the manifest file, e.g. {@code data/manifests/train.tsv} (required)
 * @param speakerPattern  a regular expression searched in each relative path: group 1 (or the whole match when
 *                        it has no group) is the speaker label, e.g. {@code "^[^/]+/(\\d+)/"}; unset: no speakers
 * @param onBadAudio      {@code skip} (default: leave unusable files out, see {@code skipped()}) or {@code fail}
 * @param maxAudioSeconds files declaring more audio than this are unusable (default 3600)
 * @param verifyAudio     decode every file when listing, to find damage inside files before training (default
 *                        false: headers and, for FLAC, the last frame are checked)
 */
public record ManifestConfig(String tsv, String speakerPattern, String onBadAudio, Double maxAudioSeconds,
                             Boolean verifyAudio) {
    public ManifestConfig {
        if (tsv == null || tsv.isBlank()) {
            throw new IllegalArgumentException("tsv is required: the manifest file (first line the audio folder, "
                    + "then relative/path<TAB>num_samples)");
        }
        if (speakerPattern != null) {
            try {
                Pattern.compile(speakerPattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("speaker_pattern is not a valid regular expression: "
                        + e.getDescription() + " near index " + e.getIndex() + " of '" + speakerPattern + "'");
            }
        }
        onBadAudio = BadAudioPolicy.parse(onBadAudio).key();
        maxAudioSeconds = maxAudioSeconds == null ? AudioReader.DEFAULT_MAX_SECONDS : maxAudioSeconds;
        new AudioReader(maxAudioSeconds); // validates the limit
        verifyAudio = verifyAudio != null && verifyAudio;
    }
}
