package cthulhu.benchmarks;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The {@link MlpSpec} problem on DL4J's {@link MultiLayerNetwork}: dense relu layers, a softmax
 * output layer with multi-class crossentropy (MCXENT), Adam with the same hyper-parameters,
 * Xavier-uniform (Glorot-uniform) kernels and zero biases, float32. One step is one
 * {@code fit(DataSet)} on one batch.
 */
final class Dl4jMlp implements Trainer {

    private final MlpSpec spec;
    private final MultiLayerNetwork network;
    private final DataSet[] data;

    Dl4jMlp(MlpSpec spec) {
        this.spec = spec;
        int[] units = spec.units();
        int layers = spec.layers();
        NeuralNetConfiguration.ListBuilder builder = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .updater(new Adam(MlpSpec.LEARNING_RATE, MlpSpec.BETA1, MlpSpec.BETA2, MlpSpec.EPSILON))
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .list();
        for (int l = 0; l < layers - 1; l++) {
            builder.layer(new DenseLayer.Builder().nIn(units[l]).nOut(units[l + 1]).activation(Activation.RELU).build());
        }
        builder.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(units[layers - 1]).nOut(units[layers]).activation(Activation.SOFTMAX).build());
        MultiLayerConfiguration conf = builder.build();
        network = new MultiLayerNetwork(conf);
        network.init();
        data = new DataSet[spec.batches()];
        for (int i = 0; i < spec.batches(); i++) {
            INDArray x = Nd4j.create(spec.x(i), new long[] {spec.batchSize(), spec.inputs()}, 'c');
            INDArray y = Nd4j.create(spec.y(i), new long[] {spec.batchSize(), spec.classes()}, 'c');
            data[i] = new DataSet(x, y);
        }
    }

    @Override
    public int batches() {
        return spec.batches();
    }

    @Override
    public float step(int i) {
        network.fit(data[i]);
        return (float) network.score();
    }

    @Override
    public void close() {
        network.close();
        for (DataSet d : data) {
            d.getFeatures().close();
            d.getLabels().close();
        }
    }
}
