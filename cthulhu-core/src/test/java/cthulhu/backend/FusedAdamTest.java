package cthulhu.backend;

import org.junit.jupiter.api.Test;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The one-pass Adam update against the formula worked in double, and its argument check. Its
 * agreement with {@link Composites#adam} on each backend is checked by the conformance suite.
 */
class FusedAdamTest {

    @Test
    void oneStepFromZeroMomentsMatchesTheFormula() {
        // lr 0.001, β1 0.9, β2 0.999, ε 1e-7, t = 1, g = [0.5, 0.25, -2]: m' = 0.1·g, v' = 0.001·g²,
        // lr_1 = 0.001·√0.001 / 0.1, p' = p − lr_1·m' / (√v' + ε).
        double[] p = {1, -2, 0.5};
        double[] g = {0.5, 0.25, -2};
        double lrT = Composites.adamStepSize(0.001, 1, 0.9, 0.999);
        assertEquals(0.001 * Math.sqrt(0.001) / 0.1, lrT, 1e-18);
        double[][] in = {p, g, new double[3], new double[3]};
        double[][] out = new double[3][3];
        FusedAdam.update(wrap(in), wrap(out), 3, lrT, 0.9, 0.999, 1e-7);
        for (int i = 0; i < 3; i++) {
            double m = 0.1 * g[i];
            double v = 0.001 * g[i] * g[i];
            assertEquals(m, out[1][i], 1e-15, "m'");
            assertEquals(v, out[2][i], 1e-15, "v'");
            assertEquals(p[i] - lrT * m / (Math.sqrt(v) + 1e-7), out[0][i], 1e-15, "p'");
        }
    }

    @Test
    void amsgradDividesByTheLargerSecondMomentAndFloatsRoundEachStep() {
        // v̂ = [1, 0]: the first element keeps v̂ = 1, the second takes v' = 0.001·g².
        float[] p = {1, 1};
        float[] g = {0.5f, 0.5f};
        float[][] in = {p, g, new float[2], new float[2], {1, 0}};
        float[][] out = new float[4][2];
        double lrT = 0.01;
        FusedAdam.update(wrap(in), wrap(out), 2, lrT, 0.9, 0.999, 1e-7);
        float m = 0.5f * (float) (1 - 0.9);
        float v = (0.5f * 0.5f) * (float) (1 - 0.999);
        assertArrayEquals(new float[] {1, v}, out[3]);
        assertEquals(1 - (m * 0.01f) / (1f + 1e-7f), out[0][0]);
        assertEquals(1 - (m * 0.01f) / ((float) Math.sqrt(v) + 1e-7f), out[0][1]);
    }

    @Test
    void aLargeUpdateSplitOverTwoThreadsCoversEveryElement() {
        // 100,003 elements: above the parallel threshold, halves on a chunk boundary, an odd tail.
        int n = 100_003;
        double[] p = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = i % 7 - 3;
            g[i] = (i % 11 - 5) / 4.0;
        }
        double[][] out = new double[3][n];
        double lrT = Composites.adamStepSize(0.01, 3, 0.9, 0.999);
        FusedAdam.update(wrap(new double[][] {p, g, new double[n], new double[n]}), wrap(out), n, lrT, 0.9, 0.999, 1e-7);
        for (int i = 0; i < n; i++) {
            double m = 0.1 * g[i];
            double v = 0.001 * g[i] * g[i];
            assertEquals(p[i] - lrT * m / (Math.sqrt(v) + 1e-7), out[0][i], 1e-15, "p' at " + i);
        }
    }

    @Test
    void theBufferCountsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FusedAdam.update(new FloatBuffer[4], new FloatBuffer[4], 0, 0.1, 0.9, 0.999, 1e-7));
        assertEquals("Adam takes p, g, m, v (and v̂ for AMSGrad) and gives p', m', v' (and v̂'); got 4 inputs and 4 outputs",
                e.getMessage());
    }

    private static DoubleBuffer[] wrap(double[][] arrays) {
        DoubleBuffer[] out = new DoubleBuffer[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = DoubleBuffer.wrap(arrays[i]);
        }
        return out;
    }

    private static FloatBuffer[] wrap(float[][] arrays) {
        FloatBuffer[] out = new FloatBuffer[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = FloatBuffer.wrap(arrays[i]);
        }
        return out;
    }
}
