package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.regularizers.Regularizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects, on this thread, the activity penalties of the layers called while it is open (Keras's
 * {@code layer.losses} from {@code activity_regularizer}): a training or evaluation step opens one
 * around its forward pass and adds {@link #total} to the loss. Outside a collection, layers
 * compute no penalty, so prediction pays nothing for it.
 *
 * <pre>{@code
 * try (LayerLosses losses = LayerLosses.open()) {
 *     Tensor y = model.call(x, true);
 *     Tensor loss = K.add(objective(y), losses.total());
 * }
 * }</pre>
 */
public final class LayerLosses implements AutoCloseable {

    private static final ThreadLocal<ArrayDeque<LayerLosses>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final List<Tensor> penalties = new ArrayList<>();

    private LayerLosses() {
    }

    /** Starts collecting on this thread, nested in an open collection if any. */
    public static LayerLosses open() {
        LayerLosses losses = new LayerLosses();
        OPEN.get().push(losses);
        return losses;
    }

    /** Adds {@code regularizer(outputs)} to the innermost open collection, if any and if the regularizer is set. */
    static void record(Regularizer regularizer, Tensor outputs) {
        LayerLosses open = OPEN.get().peek();
        if (regularizer != null && open != null) {
            open.penalties.add(regularizer.apply(outputs));
        }
    }

    /** The penalties collected so far, in call order. */
    public List<Tensor> penalties() {
        return List.copyOf(penalties);
    }

    /**
     * The sum of the collected penalties and of the weight penalties of {@code layers}
     * ({@link Layer#weightPenalties}), a scalar; null when there is none.
     */
    public Tensor total(List<? extends Layer> layers) {
        Tensor sum = null;
        List<Tensor> all = new ArrayList<>(penalties);
        layers.forEach(l -> all.addAll(l.weightPenalties()));
        for (Tensor p : all) {
            sum = sum == null ? p : K.add(sum, p);
        }
        return sum;
    }

    /** Stops collecting. */
    @Override
    public void close() {
        OPEN.get().remove(this);
    }
}
