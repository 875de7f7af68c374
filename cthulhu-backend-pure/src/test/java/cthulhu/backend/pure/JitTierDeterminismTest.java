package cthulhu.backend.pure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cthulhu.backend.UnaryOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The vectorised transcendental kernels give the same bits whichever JIT tier runs them: a
 * JVM that only interprets ({@code -Xint}) computes exactly what this JVM computes once the
 * loops are compiled. Without that, the same model trained twice from the same seed could end
 * in different last bits, depending on when the JIT recompiled a loop.
 */
class JitTierDeterminismTest {

    private static final UnaryOp[] OPS = {UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID};
    private static final int N = 1024;

    @Test
    void anInterpretingJvmComputesTheSameBits() throws IOException, InterruptedException {
        for (int round = 0; round < 3000; round++) {
            bits();
        }
        List<String> compiled = bits();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), JitTierDeterminismTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "the interpreting JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        List<String> interpreted = out.lines().filter(l -> l.startsWith("bits ")).toList();
        assertEquals(compiled, interpreted, "results of the compiled and the interpreted kernels");
    }

    /** Each op's float and double results over {@link #N} inputs spanning the exponent range, as hex bit patterns. */
    private static List<String> bits() {
        List<String> lines = new ArrayList<>();
        float[] xf = new float[N];
        double[] xd = new double[N];
        for (int i = 0; i < N; i++) {
            xd[i] = (i - N / 2) * 0.173 + Math.sin(i) * 1e-3;
            xf[i] = (float) xd[i];
        }
        for (UnaryOp op : OPS) {
            float[] of = new float[N];
            double[] od = new double[N];
            VectorFloatKernels.unary(op, xf, of, 0, N);
            VectorDoubleKernels.unary(op, xd, od, 0, N);
            StringBuilder line = new StringBuilder("bits ").append(op);
            for (int i = 0; i < N; i++) {
                line.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(of[i])))
                        .append(':').append(Long.toHexString(Double.doubleToRawLongBits(od[i])));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** The interpreting JVM's side: prints {@link #bits()}. */
    public static void main(String[] args) {
        bits().forEach(System.out::println);
    }
}
