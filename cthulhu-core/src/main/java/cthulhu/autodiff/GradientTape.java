package cthulhu.autodiff;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records the operations applied to watched tensors, then computes gradients by reverse-mode
 * automatic differentiation (TensorFlow's {@code GradientTape}).
 *
 * <pre>{@code
 * try (GradientTape tape = GradientTape.open()) {
 *     tape.watch(w);
 *     Tensor loss = K.mean(K.square(K.subtract(K.dot(x, w), y)));
 *     List<Tensor> grads = tape.gradient(loss, List.of(w));
 * }
 * }</pre>
 *
 * <p>Every differentiable operation of {@link K} whose input is watched, or computed from a
 * watched tensor, is recorded with its gradient rule (see {@link Ops}). {@link #gradient} seeds
 * the target with ones, so it returns the gradient of {@code sum(target)}. The gradient pass
 * itself is not recorded: gradients are of first order. A tape belongs to the thread that opened
 * it; tapes nest, each recording what touches its own watched tensors.
 */
public final class GradientTape implements AutoCloseable {

    private static final ThreadLocal<ArrayDeque<GradientTape>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
    /** Set while a gradient pass runs on this thread, so that the pass records nothing. */
    private static final ThreadLocal<boolean[]> PAUSED = ThreadLocal.withInitial(() -> new boolean[1]);

    /** One recorded operation: how to turn the gradients of its outputs into those of its inputs. */
    record Node(Tensor[] outputs, Tensor[] inputs, MultiRule rule) {
    }

    /**
     * A gradient rule: given the gradient of the output, the gradient of each input whose
     * {@code needed} flag is set (null for the others, and for inputs without a gradient).
     */
    @FunctionalInterface
    interface Rule {
        Tensor[] backward(Tensor outputGradient, boolean[] needed);
    }

    /**
     * The gradient rule of an operation with several outputs: given the gradient of each output
     * (null for an output nothing differentiated depends on), the gradients of the inputs as
     * {@link Rule} gives them.
     */
    @FunctionalInterface
    interface MultiRule {
        Tensor[] backward(Tensor[] outputGradients, boolean[] needed);
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Set<Tensor> tracked = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Every tensor a recorded rule may read: the inputs and outputs of the recorded operations. */
    private final Set<Tensor> referenced = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Tensors a closing scope handed over because this tape still needs them; released on close. */
    private final List<Tensor> adopted = new ArrayList<>();
    private boolean closed;

    private GradientTape() {
    }

    /** Opens a tape on this thread; close it with try-with-resources. */
    public static GradientTape open() {
        GradientTape tape = new GradientTape();
        OPEN.get().push(tape);
        return tape;
    }

    /** Starts recording the operations that use {@code t}. @return {@code t} */
    public Tensor watch(Tensor t) {
        tracked.add(t);
        return t;
    }

    /** Watches each tensor; see {@link #watch(Tensor)}. */
    public void watch(List<? extends Tensor> ts) {
        ts.forEach(this::watch);
    }

    /** Whether some open tape on this thread would record an operation now. */
    static boolean recording() {
        return !OPEN.get().isEmpty() && !PAUSED.get()[0];
    }

    /**
     * Whether some open tape on this thread tracks {@code t}: watches it or recorded it as the
     * result of a recorded operation, so that a gradient may be asked of an operation reading it.
     */
    static boolean tracks(Tensor t) {
        for (GradientTape tape : OPEN.get()) {
            if (tape.tracked.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records an operation on every open tape that tracks one of its inputs. Called by
     * {@link Ops} after the forward computation.
     */
    static void record(Tensor output, Rule rule, Tensor... inputs) {
        recordAll(new Tensor[] {output}, (gs, needed) -> rule.backward(gs[0], needed), inputs);
    }

    /**
     * Records an operation with several outputs, whose rule runs once with all their gradients
     * (a split's backward is one concatenation, not one padded gradient per piece).
     */
    static void recordAll(Tensor[] outputs, MultiRule rule, Tensor... inputs) {
        for (GradientTape tape : OPEN.get()) {
            for (Tensor in : inputs) {
                if (in != null && tape.tracked.contains(in)) {
                    tape.nodes.add(new Node(outputs, inputs, rule));
                    for (Tensor out : outputs) {
                        tape.tracked.add(out);
                        tape.referenced.add(out);
                    }
                    for (Tensor t : inputs) {
                        if (t != null) {
                            tape.referenced.add(t);
                        }
                    }
                    break;
                }
            }
        }
    }

    /**
     * Takes over a tensor that a closing {@link cthulhu.backend.TensorScope} would release while an
     * open tape on this thread may still read it in {@link #gradient}: the outermost such tape
     * releases it when that tape closes. Called by {@code TensorScope} through {@link RecordingOps}; a scope opened inside a
     * tape therefore never frees what the tape needs.
     *
     * @return whether a tape took the tensor over
     */
    static boolean adopt(Tensor t) {
        ArrayDeque<GradientTape> open = OPEN.get();
        if (open.isEmpty()) {
            // Inference, as when serving: no tape, and no iterator made for each tensor released.
            return false;
        }
        GradientTape owner = null;
        for (GradientTape tape : open) {
            // Innermost first: the last match is the outermost tape, which closes last.
            if (tape.referenced.contains(t)) {
                owner = tape;
            }
        }
        if (owner == null) {
            return false;
        }
        owner.adopted.add(t);
        return true;
    }

    /**
     * The gradient of {@code sum(target)} with respect to each source, each of its source's
     * shape: zeros for a source that the target does not depend on.
     *
     * @throws IllegalStateException if the tape is closed
     */
    public List<Tensor> gradient(Tensor target, List<Tensor> sources) {
        if (closed) {
            throw new IllegalStateException("This GradientTape is closed; compute gradients inside its try block");
        }
        boolean[] paused = PAUSED.get();
        boolean wasPaused = paused[0];
        paused[0] = true;
        try {
            Map<Tensor, Tensor> grads = new IdentityHashMap<>();
            grads.put(target, K.onesLike(target));
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node node = nodes.get(i);
                Tensor[] outputs = node.outputs();
                Tensor[] gs = new Tensor[outputs.length];
                boolean any = false;
                for (int k = 0; k < outputs.length; k++) {
                    gs[k] = grads.get(outputs[k]);
                    any |= gs[k] != null;
                }
                if (!any) {
                    continue;
                }
                Tensor[] inputs = node.inputs();
                boolean[] needed = new boolean[inputs.length];
                for (int j = 0; j < inputs.length; j++) {
                    needed[j] = inputs[j] != null && tracked.contains(inputs[j]);
                }
                Tensor[] inputGrads = node.rule().backward(gs, needed);
                for (int j = 0; j < inputs.length; j++) {
                    Tensor in = inputs[j];
                    Tensor gin = inputGrads[j];
                    if (!needed[j] || gin == null) {
                        continue;
                    }
                    Tensor previous = grads.get(in);
                    grads.put(in, previous == null ? gin : K.add(previous, gin));
                }
            }
            List<Tensor> out = new ArrayList<>(sources.size());
            for (Tensor s : sources) {
                Tensor g = grads.get(s);
                out.add(g != null ? g : K.zerosLike(s));
            }
            return out;
        } finally {
            paused[0] = wasPaused;
        }
    }

    /** The gradient of {@code sum(target)} with respect to each source; see {@link #gradient(Tensor, List)}. */
    public List<Tensor> gradient(Tensor target, Tensor... sources) {
        return gradient(target, Arrays.asList(sources));
    }

    /** Stops recording, forgets the recorded operations and releases the tensors it adopted. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.get().remove(this);
        nodes.clear();
        tracked.clear();
        referenced.clear();
        adopted.forEach(Tensor::close);
        adopted.clear();
    }

    /**
     * Runs {@code body} without recording on any tape of this thread: for updates of state that is
     * not differentiated, such as a batch normalization's moving statistics during a training step.
     */
    public static <T> T withoutRecording(java.util.function.Supplier<T> body) {
        boolean[] paused = PAUSED.get();
        boolean wasPaused = paused[0];
        paused[0] = true;
        try {
            return body.get();
        } finally {
            paused[0] = wasPaused;
        }
    }
}
