package cthulhu.backend;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Owns the tensors created while it is open on this thread, and releases them when it closes.
 *
 * <p>Every tensor that {@link K} or an operation creates is registered with the innermost open
 * scope of the creating thread. Closing the scope closes each of them except those passed to
 * {@link #keep}, which move to the enclosing scope (or, at the outermost scope, to nobody: the
 * caller then owns them). A training step runs in one scope, so its intermediates, native memory
 * included, are freed when the step ends while the updated weights are kept.
 *
 * <pre>{@code
 * try (TensorScope scope = TensorScope.open()) {
 *     Tensor y = K.tanh(K.dot(x, w));
 *     return scope.keep(y);          // everything else made here is closed
 * }
 * }</pre>
 *
 * <p>A tensor that an open {@link cthulhu.autodiff.GradientTape} recorded is not released by a scope closing
 * inside that tape: the tape takes it over and releases it when the tape closes, because its
 * gradient rules may still read it. Open the step's scope outside the tape to release everything
 * when the step ends.
 *
 * <p>Scopes nest and belong to one thread; they must be closed in the reverse order of opening,
 * which try-with-resources guarantees.
 */
public final class TensorScope implements AutoCloseable {

    private static final ThreadLocal<ArrayDeque<TensorScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final List<Tensor> owned = new ArrayList<>();
    /**
     * Made at the first {@link #keep}, at the smallest size: a scope per request when serving
     * keeps a few outputs, and should cost little.
     */
    private IdentityHashMap<Tensor, Boolean> kept;
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private TensorScope() {
    }

    /** Opens a scope on this thread, nested in the current one if any. */
    public static TensorScope open() {
        TensorScope scope = new TensorScope();
        OPEN.get().push(scope);
        return scope;
    }

    /**
     * Registers a new tensor with the innermost open scope of this thread, if any. Backends and
     * core call this for every tensor they hand out; users need not.
     *
     * @return {@code t}
     */
    public static Tensor track(Tensor t) {
        TensorScope scope = OPEN.get().peek();
        if (scope != null) {
            scope.owned.add(t);
        }
        return t;
    }

    /**
     * Removes {@code t} from every open scope of this thread, so that no scope closes it: its
     * new owner, usually a {@link Variable}, releases it. A tensor not tracked by any scope is
     * left as it is.
     *
     * @return {@code t}
     */
    public static <T extends Tensor> T detach(T t) {
        for (TensorScope scope : OPEN.get()) {
            List<Tensor> owned = scope.owned;
            // The tensor was most likely created last, so search from the end.
            for (int i = owned.size() - 1; i >= 0; i--) {
                if (owned.get(i) == t) {
                    owned.remove(i);
                    if (scope.kept != null) {
                        scope.kept.remove(t);
                    }
                    return t;
                }
            }
        }
        return t;
    }

    /**
     * Keeps a tensor alive past this scope: it moves to the enclosing scope, or to the caller
     * at the outermost one.
     *
     * @return {@code t}, for chaining
     */
    public <T extends Tensor> T keep(T t) {
        if (kept == null) {
            kept = new IdentityHashMap<>(2);
        }
        kept.put(t, Boolean.TRUE);
        return t;
    }

    /** Keeps each of the tensors; see {@link #keep(Tensor)}. */
    public <T extends Tensor> List<T> keepAll(List<T> tensors) {
        tensors.forEach(this::keep);
        return tensors;
    }

    /**
     * Closes every tensor created in this scope and not kept.
     *
     * @throws IllegalStateException if closed on another thread or out of order
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("A TensorScope must be closed on the thread that opened it (" + thread.getName() + ")");
        }
        ArrayDeque<TensorScope> stack = OPEN.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("TensorScopes must be closed in the reverse order of opening; close the inner scope first");
        }
        stack.pop();
        closed = true;
        TensorScope parent = stack.peek();
        for (Tensor t : owned) {
            if (kept != null && kept.containsKey(t)) {
                if (parent != null) {
                    parent.owned.add(t);
                }
            } else if (!K.OPS.adopt(t)) {
                t.close();
            }
        }
        owned.clear();
    }

    /**
     * Releases {@code t} now, before the scope that owns it closes: it leaves every open scope of
     * this thread and is closed, unless an open {@link cthulhu.autodiff.GradientTape} still reads it, which then
     * releases it when it closes. For a tensor that is surely no longer needed, such as an
     * intermediate of a model's graph whose last consumer has run.
     */
    public static void release(Tensor t) {
        detach(t);
        if (!K.OPS.adopt(t)) {
            t.close();
        }
    }
}
