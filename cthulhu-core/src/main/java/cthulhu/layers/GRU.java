package cthulhu.layers;

import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.initializers.Initializer;

import java.util.List;
import java.util.Map;

/**
 * Keras's {@code GRU}, the gated recurrent unit (Cho et al., 2014), with gates in Keras's order
 * {@code z} (update), {@code r} (reset), {@code h} (candidate) side by side in the weights,
 * {@code σ} the recurrent activation (Keras 2.2.4's default {@code hard_sigmoid}) and {@code act}
 * the activation ({@code tanh}):
 * <pre>
 * z = σ(x·W_z + h·U_z + b_z)      r = σ(x·W_r + h·U_r + b_r)
 * resetAfter false: ĥ = act(x·W_h + (r·h)·U_h + b_h)
 * resetAfter true:  ĥ = act(x·W_h + b_h + r·(h·U_h + b'_h))
 * h' = z·h + (1 − z)·ĥ
 * </pre>
 * Weights {@code [kernel (features × 3·units), recurrent_kernel (units × 3·units), bias]}; the
 * bias is {@code (3·units)} without {@link #resetAfter} (Keras 2.2.4's default, kept here) and
 * {@code (2, 3·units)} with it (Keras 3's default; row 0 is added to the input projection
 * {@code b}, row 1 to the recurrent one {@code b'}). Options, masks and the loop: {@link Recurrent}.
 *
 * <pre>{@code
 * model.add(new GRU(32).resetAfter(true).recurrentActivation("sigmoid").inputShape(20, 8));
 * }</pre>
 */
public final class GRU extends Recurrent<GRU> {

    private boolean resetAfter;

    /**
     * @param units the size of the output and state, positive
     * @throws IllegalArgumentException if {@code units} is not positive
     */
    public GRU(int units) {
        super(units, Activations.get("tanh"), Activations.get("hard_sigmoid"));
    }

    /**
     * Whether the reset gate multiplies {@code h·U_h} (true, Keras 3's and CuDNN's form, with a
     * two-row bias) rather than {@code h} (false, Keras 2.2.4's default and this layer's).
     */
    public GRU resetAfter(boolean resetAfter) {
        checkNotBuilt("resetAfter");
        this.resetAfter = resetAfter;
        return this;
    }

    /** Whether the reset gate is applied after the recurrent product. */
    public boolean isResetAfter() {
        return resetAfter;
    }

    @Override
    public String className() {
        return "GRU";
    }

    @Override
    int gates() {
        return 3;
    }

    @Override
    Variable buildBias(Initializer initializer) {
        return resetAfter ? addWeight("bias", initializer, 2, 3 * units) : super.buildBias(initializer);
    }

    @Override
    Tensor inputBias() {
        if (bias == null || !resetAfter) {
            return super.inputBias();
        }
        return K.reshape(K.slice(bias.value(), 0, 0, 1), 3 * units);
    }

    @Override
    Tensor[] step(Tensor x, Tensor[] states, Step step) {
        Tensor h = states[0];
        List<Tensor> xs = K.split(x, 1, 3);
        Tensor xz = xs.get(0);
        Tensor xr = xs.get(1);
        Tensor xh = xs.get(2);
        Tensor z;
        Tensor r;
        Tensor candidate;
        if (resetAfter) {
            Tensor inner = step.recurrent(h, 0, 3, units);
            if (bias != null) {
                inner = K.add(inner, K.reshape(K.slice(bias.value(), 0, 1, 2), 3 * units));
            }
            List<Tensor> hs = K.split(inner, 1, 3);
            z = recurrentActivation().apply(K.add(xz, hs.get(0)));
            r = recurrentActivation().apply(K.add(xr, hs.get(1)));
            candidate = activation().apply(K.add(xh, K.multiply(r, hs.get(2))));
        } else {
            List<Tensor> hs = K.split(step.recurrent(h, 0, 2, units), 1, 2);
            z = recurrentActivation().apply(K.add(xz, hs.get(0)));
            r = recurrentActivation().apply(K.add(xr, hs.get(1)));
            candidate = activation().apply(K.add(xh, K.dot(K.multiply(r, step.dropped(h, 2)), step.columns(2, 1, units))));
        }
        Tensor next = K.add(K.multiply(z, h), K.multiply(K.subtract(K.onesLike(z), z), candidate));
        return new Tensor[] {next};
    }

    @Override
    void cellConfig(Map<String, Object> config) {
        config.put("implementation", 1);
        config.put("reset_after", resetAfter);
    }
}
