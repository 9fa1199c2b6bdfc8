package dev.pretext.study;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Student's t against printed tables. */
class StudentTest {
    @Test
    void quantilesMatchTheTables() {
        assertEquals(4.303, Student.quantile(0.975, 2), 5e-4);
        assertEquals(2.776, Student.quantile(0.975, 4), 5e-4);
        assertEquals(2.262, Student.quantile(0.975, 9), 5e-4);
        assertEquals(12.706, Student.quantile(0.975, 1), 5e-3);
        assertEquals(1.960, Student.quantile(0.975, 100_000), 5e-4);
        assertEquals(-2.776, Student.quantile(0.025, 4), 5e-4);
        assertEquals(0, Student.quantile(0.5, 7), 1e-12);
    }

    @Test
    void theCdfIsSymmetricAndTheTwoSidedPAgrees() {
        for (double df : new double[]{1, 2, 4.5, 30}) {
            for (double t : new double[]{0.1, 1, 2.5, 10}) {
                assertEquals(1, Student.cdf(t, df) + Student.cdf(-t, df), 1e-12);
                assertEquals(2 * (1 - Student.cdf(t, df)), Student.twoSidedP(t, df), 1e-12);
            }
        }
        // df = 1 is the Cauchy distribution: P(T ≤ 1) = 3/4.
        assertEquals(0.75, Student.cdf(1, 1), 1e-12);
        // df = 2 has a closed form: P(T ≤ t) = 1/2 + t / (2 √(2 + t²)).
        assertEquals(0.5 + 1.5 / (2 * Math.sqrt(2 + 2.25)), Student.cdf(1.5, 2), 1e-12);
        assertEquals(0.05, Student.twoSidedP(2.262157, 9), 1e-6);
    }

    @Test
    void logGammaMatchesFactorials() {
        assertEquals(Math.log(120), Student.Beta.logGamma(6), 1e-12);
        assertEquals(0.5 * Math.log(Math.PI), Student.Beta.logGamma(0.5), 1e-12);
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Student.quantile(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> Student.cdf(1, 0));
    }
}
