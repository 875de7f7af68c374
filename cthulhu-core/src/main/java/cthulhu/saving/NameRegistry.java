package cthulhu.saving;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One name-to-object table of one kind (losses, metrics, optimizers): the single place where
 * names are resolved, serialized back, and registered by users, so that saved models name
 * things the same way when they are loaded.
 *
 * <p>Several names may resolve to one object (aliases such as {@code mse}); the first name under
 * which an object was registered is its canonical name, the one {@link #nameOf} returns.
 * Built-in names cannot be replaced. All methods are thread-safe.
 *
 * @param <T> the kind of object named
 */
public final class NameRegistry<T> {

    private final String kind;
    private final Map<String, T> byName = new LinkedHashMap<>();
    private final Map<T, String> canonical = new IdentityHashMap<>();
    private final Set<String> builtIn = new TreeSet<>();

    /**
     * @param kind what is named, for messages, e.g. {@code "loss function"}
     */
    public NameRegistry(String kind) {
        this.kind = kind;
    }

    /** Adds a built-in name, which {@link #register} then refuses to replace. */
    public synchronized void builtIn(String name, T value) {
        put(name, value);
        builtIn.add(name);
    }

    /**
     * Adds or replaces a user name.
     *
     * @throws IllegalArgumentException if the name is blank or built in, or the value null
     */
    public synchronized void register(String name, T value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A " + kind + " name must not be blank");
        }
        if (value == null) {
            throw new IllegalArgumentException("Cannot register a null " + kind + " as '" + name + "'");
        }
        if (builtIn.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is a built-in " + kind
                    + " name and cannot be replaced; choose another name");
        }
        T previous = byName.get(name);
        if (previous != null && name.equals(canonical.get(previous))) {
            canonical.remove(previous);
        }
        put(name, value);
    }

    private void put(String name, T value) {
        byName.put(name, value);
        canonical.putIfAbsent(value, name);
    }

    /**
     * The object of a name.
     *
     * @throws IllegalArgumentException {@code "Unknown <kind>: <name>. Valid names: …"}
     */
    public synchronized T get(String name) {
        T value = name == null ? null : byName.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Unknown " + kind + ": " + name + ". Valid names: "
                    + String.join(", ", names()));
        }
        return value;
    }

    /** Whether {@link #get} knows the name. */
    public synchronized boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * The canonical name of an object, or null when it was never registered.
     */
    public synchronized String nameOf(T value) {
        return canonical.get(value);
    }

    /** Every name {@link #get} accepts, sorted. */
    public synchronized Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    /** What is named, as given to the constructor. */
    public String kind() {
        return kind;
    }
}
