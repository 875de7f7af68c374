package cthulhu.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One name-to-object table of one kind — activations, initializers, layer classes, losses,
 * metrics, optimizers: the single place where a kind's names are resolved, serialized back and
 * registered by users, so that a saved model names things the same way when it is loaded.
 *
 * <p><b>Equality.</b> A name matches exactly, case included, as Keras's
 * {@code deserialize_keras_object} looks names up ({@code "relu"} is an activation,
 * {@code "ReLU"} is not). The one exception Keras makes, built-in optimizer names matching in any
 * case ({@code "Adam"}, {@code "RMSprop"}), is asked for with {@link #builtInsInAnyCase()}.
 *
 * <p><b>Errors.</b> An unknown name fails with
 * {@code "Unknown <kind>: <name>. Valid names: <every name, sorted>; register a custom <kind>
 * with <Owner>.register"}.
 *
 * <p>Several names may resolve to one object (aliases such as {@code mse}); the first name under
 * which an object was registered is its canonical name, the one {@link #nameOf} and
 * {@link #serialize} return. Objects are told apart by identity. Built-in names cannot be
 * replaced; a user name can. All methods are thread-safe.
 *
 * @param <T> the kind of object named
 */
public final class NameRegistry<T> {

    private final String kind;
    private final String owner;
    private final Map<String, T> byName = new HashMap<>();
    private final Map<T, String> canonical = new IdentityHashMap<>();
    private final Set<String> builtIn = new HashSet<>();
    private final Set<String> reserved = new HashSet<>();
    private volatile boolean builtInsInAnyCase;

    /**
     * @param kind what is named, for messages, e.g. {@code "activation function"}
     * @param owner the class whose {@code register} method adds names, for messages, e.g. {@code "Activations"}
     */
    public NameRegistry(String kind, String owner) {
        this.kind = kind;
        this.owner = owner;
    }

    /**
     * Lets built-in names also match in any case, as Keras's optimizer names do; built-in names
     * must then be lower case. User names still match exactly.
     *
     * @return this registry
     */
    public NameRegistry<T> builtInsInAnyCase() {
        builtInsInAnyCase = true;
        return this;
    }

    /** Adds a built-in name, which {@link #register} then refuses to replace. */
    public synchronized void builtIn(String name, T value) {
        put(name, value);
        builtIn.add(name);
    }

    /**
     * Adds a built-in name and other built-in names of the same object; {@code name} stays the
     * one it serializes to.
     */
    public synchronized void builtIn(String name, T value, String... aliases) {
        builtIn(name, value);
        for (String alias : aliases) {
            builtIn(alias, value);
        }
    }

    /** Whether {@code name} is one of the built-in names. */
    public synchronized boolean isBuiltIn(String name) {
        return builtIn.contains(name);
    }

    /**
     * Reserves a name that the owner resolves itself before asking this registry (Keras's
     * {@code accuracy} metric, which depends on the loss): it is listed among the valid names
     * and {@link #register} refuses it.
     */
    public synchronized void reserve(String name) {
        reserved.add(name);
    }

    /**
     * Adds or replaces a user name.
     *
     * @throws IllegalArgumentException if the name is blank, built in or reserved, or the value null
     */
    public synchronized void register(String name, T value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A " + kind + " name must not be blank");
        }
        if (value == null) {
            throw new IllegalArgumentException("Cannot register a null " + kind + " as '" + name + "'");
        }
        if (builtIn.contains(name) || reserved.contains(name)) {
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
     * The object of a name, or null when no name matches.
     */
    public synchronized T find(String name) {
        if (name == null) {
            return null;
        }
        T value = byName.get(name);
        if (value == null && builtInsInAnyCase) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (builtIn.contains(lower)) {
                value = byName.get(lower);
            }
        }
        return value;
    }

    /**
     * The object of a name.
     *
     * @throws IllegalArgumentException {@code "Unknown <kind>: <name>. Valid names: …"} when no name matches
     */
    public T get(String name) {
        T value = find(name);
        if (value == null) {
            throw new IllegalArgumentException("Unknown " + kind + ": " + name + ". Valid names: "
                    + String.join(", ", names()) + "; register a custom " + kind + " with " + owner + ".register");
        }
        return value;
    }

    /** Whether {@link #get} knows the name. */
    public boolean contains(String name) {
        return find(name) != null;
    }

    /**
     * The canonical name of an object, or null when it was never registered.
     */
    public synchronized String nameOf(T value) {
        return canonical.get(value);
    }

    /**
     * The canonical name of an object, for a saved configuration.
     *
     * @throws IllegalArgumentException for an object that is neither built in nor registered,
     *     saying how to register it
     */
    public String serialize(T value) {
        String name = nameOf(value);
        if (name == null) {
            throw new IllegalArgumentException("Cannot serialize " + kind + " " + value
                    + ": it is neither built in nor registered. Register it first with " + owner
                    + ".register(\"name\", …) and use that same object.");
        }
        return name;
    }

    /** Every name {@link #get} accepts, and the reserved ones, sorted. */
    public synchronized Set<String> names() {
        Set<String> names = new TreeSet<>(byName.keySet());
        names.addAll(reserved);
        return names;
    }

    /** What is named, as given to the constructor. */
    public String kind() {
        return kind;
    }
}
