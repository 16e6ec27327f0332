package dev.tollgate.topology.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpecialFunctionsTest {

    private static void assertRelativelyClose(double actual, double expected, double relative) {
        assertThat(actual).isCloseTo(expected, within(relative * Math.max(1.0, Math.abs(expected))));
    }

    @Test
    void shouldMatchKnownLnGammaValues() {
        // given values of Γ known in closed form or to 20 digits
        double sqrtPi = Math.sqrt(Math.PI);

        // when / then
        assertRelativelyClose(SpecialFunctions.lnGamma(0.5), Math.log(sqrtPi), 1e-14);
        assertRelativelyClose(SpecialFunctions.lnGamma(1.5), Math.log(sqrtPi / 2), 1e-14);
        assertRelativelyClose(SpecialFunctions.lnGamma(10), Math.log(362880), 1e-14);
        assertRelativelyClose(SpecialFunctions.lnGamma(1.0 / 3), Math.log(2.6789385347077476337), 1e-14);
        assertRelativelyClose(SpecialFunctions.lnGamma(0.25), Math.log(3.6256099082219083119), 1e-14);
        assertThat(SpecialFunctions.lnGamma(1)).isCloseTo(0.0, within(1e-14));
        assertThat(SpecialFunctions.lnGamma(2)).isCloseTo(0.0, within(1e-14));
        // ln Γ(x) = −ln x − γx + (π²/12)x² + O(x³) near 0
        double x = 1e-5;
        double series = -Math.log(x) - 0.57721566490153286061 * x + Math.PI * Math.PI / 12 * x * x;
        assertRelativelyClose(SpecialFunctions.lnGamma(x), series, 1e-14);
    }

    @Test
    void shouldMatchLogFactorialsUpToAThousand() {
        // given ln n! accumulated as a sum of logs
        double logFactorial = 0.0;
        for (int n = 1; n <= 1000; n++) {
            logFactorial += Math.log(n);

            // when / then ln Γ(n + 1) = ln n!
            assertRelativelyClose(SpecialFunctions.lnGamma(n + 1.0), logFactorial, 1e-13);
        }
        assertRelativelyClose(SpecialFunctions.lnGamma(100), 359.13420536957539878, 1e-14);
    }

    @Test
    void shouldSatisfyRecurrenceReflectionAndDuplication() {
        // given arguments spanning the recursion range, the Stirling switch at 10, and large values
        for (double x = 0.01; x < 60; x += 0.37) {
            // when / then Γ(x+1) = xΓ(x)
            assertThat(SpecialFunctions.lnGamma(x + 1) - SpecialFunctions.lnGamma(x))
                    .isCloseTo(Math.log(x), within(2e-14 * Math.max(1, SpecialFunctions.lnGamma(x + 1))));
        }
        for (double x = 0.05; x < 1; x += 0.05) {
            // Γ(x)Γ(1−x) = π / sin(πx)
            assertThat(SpecialFunctions.lnGamma(x) + SpecialFunctions.lnGamma(1 - x))
                    .isCloseTo(Math.log(Math.PI / Math.sin(Math.PI * x)), within(1e-14));
        }
        for (double x : new double[] {0.3, 3.7, 9.75, 12.5, 1e3, 1e6, 1e9}) {
            // Γ(x)Γ(x+½) = 2^(1−2x) √π Γ(2x)
            double duplication = SpecialFunctions.lnGamma(x)
                    + SpecialFunctions.lnGamma(x + 0.5)
                    + (2 * x - 1) * Math.log(2)
                    - 0.5 * Math.log(Math.PI);
            assertRelativelyClose(SpecialFunctions.lnGamma(2 * x), duplication, 1e-14);
        }
    }

    @Test
    void shouldMatchLnBetaClosedFormsOnAllBranches() {
        // given B(½,½) = π, B(1,y) = 1/y, B(½, n+½) = π·C(2n,n)/4ⁿ
        assertThat(SpecialFunctions.lnBeta(0.5, 0.5)).isCloseTo(Math.log(Math.PI), within(1e-14));
        for (double y : new double[] {0.5, 3, 9.99, 10, 1e3, 1e6, 1e12}) {
            assertThat(SpecialFunctions.lnBeta(1, y)).isCloseTo(-Math.log(y), within(1e-13));
            assertThat(SpecialFunctions.lnBeta(y, 1)).isCloseTo(-Math.log(y), within(1e-13));
        }
        double logCentral = 0.0;
        for (int n = 1; n <= 2000; n++) {
            logCentral += Math.log((2.0 * n - 1) / (2.0 * n));
            // when / then
            assertThat(SpecialFunctions.lnBeta(0.5, n + 0.5)).isCloseTo(Math.log(Math.PI) + logCentral, within(1e-12));
        }
        // both arguments large: ln B(m, n) = −ln(m+n−1) − ln C(m+n−2, m−1)
        int m = 500;
        int n = 2000;
        double logBinomial = 0.0;
        for (int i = 1; i <= m - 1; i++) {
            logBinomial += Math.log((double) (n - 1 + i) / i);
        }
        assertRelativelyClose(SpecialFunctions.lnBeta(m, n), -Math.log(m + n - 1.0) - logBinomial, 1e-13);
    }

    @Test
    void shouldAgreeWithLnGammaSumsForModerateArguments() {
        // given arguments where the direct formula has no cancellation problem
        for (double x = 0.1; x < 40; x *= 1.7) {
            for (double y = 0.1; y < 40; y *= 1.7) {
                // when
                double direct =
                        SpecialFunctions.lnGamma(x) + SpecialFunctions.lnGamma(y) - SpecialFunctions.lnGamma(x + y);

                // then
                assertThat(SpecialFunctions.lnBeta(x, y)).isCloseTo(direct, within(1e-12));
            }
        }
    }

    @Test
    void shouldComputeLog1mExpAccurately() {
        // given small and large |u|
        // when / then
        assertThat(SpecialFunctions.log1mExp(-1e-20)).isCloseTo(Math.log(1e-20), within(1e-12));
        assertThat(SpecialFunctions.log1mExp(-50)).isCloseTo(-Math.exp(-50), within(1e-35));
        assertThat(SpecialFunctions.log1mExp(-1)).isCloseTo(Math.log(1 - Math.exp(-1)), within(1e-15));
    }

    @Test
    void shouldRejectNonPositiveArguments() {
        assertThatThrownBy(() -> SpecialFunctions.lnGamma(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpecialFunctions.lnGamma(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpecialFunctions.lnBeta(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
