package dev.pretext.api.data;

/** One phone of a time alignment, in seconds from the start of the utterance. */
public record PhoneSegment(String phone, double start, double end) {
    public PhoneSegment {
        if (phone == null || phone.isBlank()) {
            throw new IllegalArgumentException("phone label must not be blank");
        }
        if (!(end >= start) || start < 0) {
            throw new IllegalArgumentException("phone '" + phone + "' has bad times " + start + ".." + end);
        }
    }
}
