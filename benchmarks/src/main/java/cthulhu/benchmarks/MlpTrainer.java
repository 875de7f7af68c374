package cthulhu.benchmarks;

import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;

import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/** The implementations of the {@link MlpSpec} training problem. */
final class MlpTrainer {

    private MlpTrainer() {
    }

    /**
     * The trainer named {@code impl}: a cthulhu backend ({@code pure}, {@code nd4j}, {@code djl};
     * a {@link Sequential} of {@link Daoloth} layers, relu and a softmax at the end, compiled with
     * {@code "adam"} and {@code "categorical_crossentropy"}, its weights set to the spec's initial
     * values, {@link CthulhuTrainer}) or a raw library ({@code raw-djl}, {@code raw-nd4j},
     * {@code dl4j}).
     *
     * @throws IllegalArgumentException for another name
     */
    static Trainer create(String impl, MlpSpec spec) {
        return switch (impl) {
            case "raw-djl" -> new DjlMlp(spec);
            case "raw-nd4j" -> new Nd4jMlp(spec);
            case "dl4j" -> new Dl4jMlp(spec);
            case "pure", "nd4j", "djl" -> new CthulhuTrainer(Bench.backend(impl), () -> cthulhuModel(spec),
                    new int[] {spec.inputs()}, spec.classes(), batches(spec, spec::x), batches(spec, spec::y));
            default -> throw new IllegalArgumentException("Unknown MLP implementation '" + impl
                    + "'; use pure, nd4j, djl, raw-djl, raw-nd4j or dl4j");
        };
    }

    private static List<float[]> batches(MlpSpec spec, IntFunction<float[]> batch) {
        return IntStream.range(0, spec.batches()).mapToObj(batch).toList();
    }

    private static Sequential cthulhuModel(MlpSpec spec) {
        int[] units = spec.units();
        Sequential model = new Sequential("mlp");
        int[][] kernelShapes = new int[spec.layers()][];
        for (int l = 0; l < spec.layers(); l++) {
            Daoloth dense = new Daoloth(units[l + 1], l < spec.layers() - 1 ? "relu" : "softmax");
            model.add(l == 0 ? dense.inputDim(units[0]) : dense);
            kernelShapes[l] = new int[] {units[l], units[l + 1]};
        }
        model.compile("adam", "categorical_crossentropy");
        CthulhuTrainer.setInitialWeights(model, kernelShapes, spec::kernel);
        return model;
    }
}
