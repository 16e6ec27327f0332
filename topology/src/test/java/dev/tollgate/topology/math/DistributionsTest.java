package dev.tollgate.topology.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistributionsTest {

    @Test
    void shouldMatchKnownNormalQuantiles() {
        // given / when / then (reference values from SciPy's norm.ppf)
        assertThat(Distributions.normalQuantile(0.975)).isCloseTo(1.959964, within(1e-6));
        assertThat(Distributions.normalQuantile(0.975)).isCloseTo(1.959963984540054, within(1e-12));
        assertThat(Distributions.normalQuantile(0.5)).isEqualTo(0.0);
        assertThat(Distributions.normalQuantile(0.99)).isCloseTo(2.3263478740408408, within(1e-12));
        assertThat(Distributions.normalQuantile(0.3)).isCloseTo(-0.5244005127080409, within(1e-12));
        assertThat(Distributions.normalQuantile(1e-10)).isCloseTo(-6.361340902404056, within(1e-9));
        assertThat(Distributions.normalQuantile(0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Distributions.normalQuantile(1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void shouldMatchKnownStudentTQuantiles() {
        // given / when / then (tables; more digits from SciPy's t.ppf)
        assertThat(Distributions.studentTQuantile(0.975, 10)).isCloseTo(2.228139, within(1e-6));
        assertThat(Distributions.studentTQuantile(0.99, 5)).isCloseTo(3.364930, within(1e-6));
        assertThat(Distributions.studentTQuantile(0.95, 30)).isCloseTo(1.697261, within(1e-6));
        assertThat(Distributions.studentTQuantile(0.99, 3)).isCloseTo(4.540702858568132, within(1e-9));
        assertThat(Distributions.studentTQuantile(0.999, 3)).isCloseTo(10.214531852407383, within(1e-8));
        assertThat(Distributions.studentTQuantile(0.9999, 4)).isCloseTo(13.033671720896821, within(1e-8));
        assertThat(Distributions.studentTQuantile(0.99, 100)).isCloseTo(2.3642173662384813, within(1e-9));
        assertThat(Distributions.studentTQuantile(0.95, 1000)).isCloseTo(1.6463788172854643, within(1e-9));
        assertThat(Distributions.studentTQuantile(0.99, 2000)).isCloseTo(2.3282138419397724, within(1e-9));
    }

    @Test
    void shouldUseClosedFormsForOneAndTwoDegreesOfFreedom() {
        // given / when / then
        assertThat(Distributions.studentTQuantile(0.99, 1)).isCloseTo(31.820515953773935, within(1e-8));
        assertThat(Distributions.studentTQuantile(0.99, 2)).isCloseTo(6.9645567342832715, within(1e-10));
    }

    @Test
    void shouldBeSymmetricAndInvertTheCdf() {
        for (int dof : new int[] {1, 2, 3, 4, 7, 10, 31, 250}) {
            for (double p : new double[] {0.001, 0.05, 0.3, 0.5, 0.8, 0.99}) {
                // given / when
                double t = Distributions.studentTQuantile(p, dof);

                // then
                assertThat(Distributions.studentTQuantile(1 - p, dof)).isCloseTo(-t, within(1e-9));
                assertThat(Distributions.studentTCdf(t, dof)).isCloseTo(p, within(1e-12));
            }
        }
    }

    @Test
    void shouldComputeKnownCdfValues() {
        // given / when / then (SciPy's t.cdf)
        assertThat(Distributions.studentTCdf(-3.0, 1)).isCloseTo(0.10241638234956674, within(1e-15));
        assertThat(Distributions.studentTCdf(2.0, 5)).isCloseTo(0.9490302605850709, within(1e-15));
        assertThat(Distributions.studentTCdf(0.7, 10)).isCloseTo(0.7500562149135579, within(1e-15));
        assertThat(Distributions.studentTCdf(0.0, 4)).isEqualTo(0.5);
    }

    @Test
    void shouldRejectInvalidArguments() {
        // given / when / then
        assertThatThrownBy(() -> Distributions.studentTQuantile(0.9, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Distributions.studentTQuantile(1.1, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Distributions.normalQuantile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
