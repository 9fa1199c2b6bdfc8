package dev.pretext.datasets.wavdir;

import java.util.Locale;

/**
 * Every {@code .wav} file under a folder.
 *
 * @param root        the folder to search, recursively (required)
 * @param speakerFrom where speaker labels come from: {@code parent} (the name of the folder holding the file,
 *                    the default) or {@code none}
 */
public record WavdirConfig(String root, String speakerFrom) {
    public static final String PARENT = "parent";
    public static final String NONE = "none";

    public WavdirConfig {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("root is required: the folder holding the .wav files");
        }
        String mode = speakerFrom == null ? PARENT : speakerFrom.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals(PARENT) && !mode.equals(NONE)) {
            throw new IllegalArgumentException("speaker_from must be 'parent' or 'none', got '" + speakerFrom + "'");
        }
        speakerFrom = mode;
    }
}
