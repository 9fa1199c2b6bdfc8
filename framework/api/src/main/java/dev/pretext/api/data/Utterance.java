package dev.pretext.api.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A reference to one utterance of a dataset and its labels. Audio is loaded separately by
 * {@link Dataset#audio(Utterance)} so that listing a corpus stays cheap.
 *
 * @param id      unique within its dataset, stable across runs (seeds are derived from it)
 * @param audio   where the audio lives
 * @param seconds duration
 * @param speaker speaker label, or null when unknown
 * @param text    transcript, or null when unknown
 * @param phones  time-aligned phones in the common phone set, empty when unknown
 */
public record Utterance(String id, Path audio, double seconds, String speaker, String text, List<PhoneSegment> phones) {
    public Utterance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(audio, "audio");
        phones = phones == null ? List.of() : List.copyOf(phones);
    }

    public boolean hasSpeaker() {
        return speaker != null && !speaker.isBlank();
    }

    public boolean hasPhones() {
        return !phones.isEmpty();
    }
}
