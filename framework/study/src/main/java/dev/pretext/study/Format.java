package dev.pretext.study;

import java.util.Locale;

/** Number formatting of reports and plans: fixed, locale-independent, so the same numbers give the same bytes. */
public final class Format {
    private Format() {
    }

    /** Four significant digits, without trailing zeros: 3.612e+06 → "3.612e6", 0.5 → "0.5". */
    public static String number(double v) {
        return number(v, 4);
    }

    /** {@code digits} significant digits, without trailing zeros. */
    public static String number(double v, int digits) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        if (v == 0) {
            return "0";
        }
        java.math.BigDecimal rounded = new java.math.BigDecimal(v).round(new java.math.MathContext(digits));
        double a = Math.abs(rounded.doubleValue());
        if (a >= 1e-3 && a < 1e5) {
            return rounded.stripTrailingZeros().toPlainString();
        }
        String s = String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
        String mant = s.substring(0, s.indexOf('e'));
        int exp = Integer.parseInt(s.substring(s.indexOf('e') + 1));
        mant = mant.contains(".") ? mant.replaceAll("0+$", "").replaceAll("\\.$", "") : mant;
        return mant + "e" + exp;
    }

    /** A fixed number of decimals. */
    public static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A model size: 3.61M, 120k, 1.2B. */
    public static String size(double n) {
        if (Double.isNaN(n)) {
            return "–";
        }
        if (Double.isInfinite(n)) {
            return n > 0 ? "∞" : "0";
        }
        double a = Math.abs(n);
        if (a >= 1e9) {
            return trim(String.format(Locale.ROOT, "%.3g", n / 1e9)) + "B";
        }
        if (a >= 1e6) {
            return trim(String.format(Locale.ROOT, "%.3g", n / 1e6)) + "M";
        }
        if (a >= 1e3) {
            return trim(String.format(Locale.ROOT, "%.3g", n / 1e3)) + "k";
        }
        return trim(String.format(Locale.ROOT, "%.3g", n));
    }

    private static String trim(String s) {
        return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
