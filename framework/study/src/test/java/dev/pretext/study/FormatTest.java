package dev.pretext.study;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fixed, locale-free number formatting. */
class FormatTest {
    @Test
    void numbersKeepFourSignificantDigitsWithoutTrailingZeros() {
        assertEquals("1.5e13", Format.number(1.5e13));
        assertEquals("3.612e6", Format.number(3_612_345));
        assertEquals("0.5", Format.number(0.5));
        assertEquals("12350", Format.number(12_345.6));
        assertEquals("-0.0123", Format.number(-0.0123));
        assertEquals("1e-4", Format.number(1e-4));
        assertEquals("3.16e13", Format.number(3.1623e13, 3));
        assertEquals("–", Format.number(Double.NaN));
    }

    @Test
    void sizesUseUnits() {
        assertEquals("3.61M", Format.size(3_612_345));
        assertEquals("500k", Format.size(500_000));
        assertEquals("1.2B", Format.size(1.2e9));
        assertEquals("950", Format.size(950));
    }
}
