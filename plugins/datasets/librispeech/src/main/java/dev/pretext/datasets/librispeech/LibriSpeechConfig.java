package dev.pretext.datasets.librispeech;

import dev.pretext.datasets.audio.AudioReader;
import dev.pretext.datasets.audio.BadAudioPolicy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * LibriSpeech (or any corpus in its layout).
 *
 * @param root            the folder holding the subsets, usually {@code .../LibriSpeech} (required)
 * @param subsets         the subset folders to read, e.g. {@code [train-clean-100, train-clean-360]} (required)
 * @param onBadAudio      {@code skip} (default: leave unusable files out, see {@code skipped()}) or {@code fail}
 * @param maxAudioSeconds files declaring more audio than this are unusable (default 3600)
 * @param verifyAudio     decode every file when listing, to find damage inside files before training (default
 *                        false: headers and the last frame are checked)
 */
public record LibriSpeechConfig(String root, List<String> subsets, String onBadAudio, Double maxAudioSeconds,
                                Boolean verifyAudio) {
    public LibriSpeechConfig {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("root is required: the LibriSpeech folder holding the subsets "
                    + "(train-clean-100, dev-clean, ...)");
        }
        if (subsets == null || subsets.isEmpty()) {
            throw new IllegalArgumentException("subsets is required, e.g. subsets: [train-clean-100]");
        }
        Set<String> seen = new HashSet<>();
        for (String s : subsets) {
            if (s == null || s.isBlank() || s.contains("/") || s.contains("\\") || s.equals("..") || s.equals(".")) {
                throw new IllegalArgumentException("subsets must be folder names under root, e.g. train-clean-100, "
                        + "got '" + s + "'");
            }
            if (!seen.add(s)) {
                throw new IllegalArgumentException("subsets names " + s + " twice");
            }
        }
        subsets = List.copyOf(subsets);
        onBadAudio = BadAudioPolicy.parse(onBadAudio).key();
        maxAudioSeconds = maxAudioSeconds == null ? AudioReader.DEFAULT_MAX_SECONDS : maxAudioSeconds;
        new AudioReader(maxAudioSeconds); // validates the limit
        verifyAudio = verifyAudio != null && verifyAudio;
    }
}
