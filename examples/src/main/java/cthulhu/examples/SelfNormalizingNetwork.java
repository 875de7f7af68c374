package cthulhu.examples;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.initializers.Seeds;
import cthulhu.layers.AlphaDarkness;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Layer;
import cthulhu.layers.LayerNames;

import java.util.ArrayList;
import java.util.List;

/**
 * A self-normalising network (Klambauer et al., 2017, "Self-Normalizing Neural Networks"): eight
 * {@code selu} dense layers of width 256 with {@code lecun_normal} kernels, each followed by alpha
 * dropout. Fed standard-normal input, every layer's activations keep mean ≈ 0 and variance ≈ 1,
 * with dropout on (training) and off (inference), without any normalisation layer.
 *
 * <p>For contrast the same stack with {@code relu} and {@code glorot_uniform}, and no dropout, is
 * printed too: its variance halves at each layer.
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -q -pl examples -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp examples/target/classes:$(cat examples/target/classpath.txt) cthulhu.examples.SelfNormalizingNetwork
 * </pre>
 */
public final class SelfNormalizingNetwork {

    private static final int BATCH = 1024;
    private static final int WIDTH = 256;
    private static final int DEPTH = 8;
    private static final double DROPOUT = 0.05;

    private SelfNormalizingNetwork() {
    }

    /** Builds the networks, feeds them standard-normal input and prints each layer's activation statistics. */
    @SuppressWarnings("try") // the scope frees every activation when the run ends; nothing in it is referenced
    public static void main(String[] args) {
        Seeds.reset(2017);
        System.out.println("backend: " + K.backend() + ", floatx: " + K.floatx());
        System.out.printf("input: %d samples of %d standard-normal features%n%n", BATCH, WIDTH);

        LayerNames names = new LayerNames();
        List<Layer> selu = new ArrayList<>();
        List<Layer> relu = new ArrayList<>();
        for (int i = 0; i < DEPTH; i++) {
            selu.add(new Daoloth(WIDTH, "selu").kernelInitializer("lecun_normal").inputDim(WIDTH));
            selu.add(new AlphaDarkness(DROPOUT));
            relu.add(new Daoloth(WIDTH, "relu").kernelInitializer("glorot_uniform").inputDim(WIDTH));
        }
        selu.forEach(names::assign);
        relu.forEach(new LayerNames()::assign);

        try (TensorScope scope = TensorScope.open()) {
            Tensor x = K.randomNormal(new int[] {BATCH, WIDTH}, 0, 1, 42);
            System.out.printf("%-28s %-25s %-25s %s%n", "", "selu + lecun_normal", "selu + lecun_normal",
                    "relu + glorot_uniform");
            System.out.printf("%-28s %-25s %-25s %s%n", "", "+ AlphaDarkness, training", "inference", "no dropout");
            System.out.printf("%-28s %10s %10s     %10s %10s     %10s %10s%n", "after layer", "mean", "variance",
                    "mean", "variance", "mean", "variance");
            print("input", x, x, x);
            Tensor training = x;
            Tensor inference = x;
            Tensor plain = x;
            for (int i = 0; i < DEPTH; i++) {
                Layer dense = selu.get(2 * i);
                Layer dropout = selu.get(2 * i + 1);
                training = dropout.call(dense.call(training, true), true);
                inference = dropout.call(dense.call(inference, false), false);
                plain = relu.get(i).call(plain);
                print(dense.getName() + " + " + dropout.getName(), training, inference, plain);
            }
        }
    }

    private static void print(String label, Tensor training, Tensor inference, Tensor plain) {
        System.out.printf("%-28s %10.4f %10.4f     %10.4f %10.4f     %10.4f %10.4f%n", label,
                mean(training), variance(training), mean(inference), variance(inference), mean(plain), variance(plain));
    }

    private static double mean(Tensor x) {
        return K.mean(x).toDoubleArray()[0];
    }

    /** The variance over all elements, {@code mean((x - mean(x))²)}. */
    private static double variance(Tensor x) {
        return K.mean(K.square(K.subtract(x, K.mean(x)))).toDoubleArray()[0];
    }
}
