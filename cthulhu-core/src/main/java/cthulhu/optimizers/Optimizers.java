package cthulhu.optimizers;

import cthulhu.backend.K;
import cthulhu.config.ConfigReader;
import cthulhu.config.NameRegistry;
import cthulhu.optimizers.schedules.LearningRateSchedule;
import cthulhu.optimizers.schedules.LearningRateSchedules;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The one registry of optimizer names: {@code sgd}, {@code rmsprop}, {@code adam},
 * {@code adagrad}, {@code adadelta}, {@code adamax}, {@code nadam} (Keras 2.2.4's defaults),
 * {@code adamw}, {@code lion}, {@code ftrl}, {@code lamb} (Keras 3's), and any registered with {@link #register}. Optimizers
 * hold state, so every {@link #get} returns a new one.
 *
 * <p>An optimizer serializes to its name plus its {@link Optimizer#getConfig() config};
 * {@link #deserialize} rebuilds it. Names are matched exactly, and built-in names in any case as
 * Keras does, so Keras's class names ({@code "Adam"}, {@code "RMSprop"}) work too.
 */
public final class Optimizers {

    /** Builds an optimizer from a config map (Keras names; absent keys take the defaults). */
    @FunctionalInterface
    public interface Factory {
        /**
         * @throws IllegalArgumentException naming the key for an unknown key or a value of the wrong type
         */
        Optimizer create(Map<String, Object> config);
    }

    private static final NameRegistry<Factory> REGISTRY = new NameRegistry<Factory>("optimizer", "Optimizers").builtInsInAnyCase();
    private static final Map<Class<? extends Optimizer>, String> NAME_BY_CLASS = new ConcurrentHashMap<>();

    static {
        builtIn("sgd", SGD.class, c -> read("sgd", c, r -> new SGD(lr(r, 0.01), r.getDouble("momentum", 0),
                r.getDouble("decay", 0), r.getBoolean("nesterov", false))));
        builtIn("rmsprop", RMSprop.class, c -> read("rmsprop", c, r -> new RMSprop(lr(r, 0.001), r.getDouble("rho", 0.9),
                r.getDouble("momentum", 0), r.getDouble("epsilon", K.epsilon()), r.getBoolean("centered", false),
                r.getDouble("decay", 0))));
        builtIn("adam", Adam.class, c -> read("adam", c, r -> new Adam(lr(r, 0.001), r.getDouble("beta_1", 0.9),
                r.getDouble("beta_2", 0.999), r.getDouble("epsilon", K.epsilon()), r.getDouble("decay", 0),
                r.getBoolean("amsgrad", false))));
        builtIn("adagrad", Adagrad.class, c -> read("adagrad", c, r -> new Adagrad(lr(r, 0.01),
                r.getDouble("epsilon", K.epsilon()), r.getDouble("decay", 0))));
        builtIn("adadelta", Adadelta.class, c -> read("adadelta", c, r -> new Adadelta(lr(r, 1.0), r.getDouble("rho", 0.95),
                r.getDouble("epsilon", K.epsilon()), r.getDouble("decay", 0))));
        builtIn("adamax", Adamax.class, c -> read("adamax", c, r -> new Adamax(lr(r, 0.002), r.getDouble("beta_1", 0.9),
                r.getDouble("beta_2", 0.999), r.getDouble("epsilon", K.epsilon()), r.getDouble("decay", 0))));
        builtIn("nadam", Nadam.class, c -> read("nadam", c, r -> new Nadam(lr(r, 0.002), r.getDouble("beta_1", 0.9),
                r.getDouble("beta_2", 0.999), r.getDouble("epsilon", K.epsilon()), r.getDouble("schedule_decay", 0.004))));
        builtIn("adamw", AdamW.class, c -> read("adamw", c, r -> new AdamW(lr(r, 0.001), r.getDouble("weight_decay", 0.004),
                r.getDouble("beta_1", 0.9), r.getDouble("beta_2", 0.999), r.getDouble("epsilon", 1e-7),
                r.getBoolean("amsgrad", false))));
        builtIn("lion", Lion.class, c -> read("lion", c, r -> new Lion(lr(r, 0.001), r.getDouble("beta_1", 0.9),
                r.getDouble("beta_2", 0.99))));
        builtIn("lamb", Lamb.class, c -> read("lamb", c, r -> new Lamb(lr(r, 0.001), r.getDouble("beta_1", 0.9),
                r.getDouble("beta_2", 0.999), r.getDouble("epsilon", 1e-7))));
        builtIn("ftrl", Ftrl.class, c -> read("ftrl", c, r -> new Ftrl(lr(r, 0.001), r.getDouble("learning_rate_power", -0.5),
                r.getDouble("initial_accumulator_value", 0.1), r.getDouble("l1_regularization_strength", 0),
                r.getDouble("l2_regularization_strength", 0), r.getDouble("l2_shrinkage_regularization_strength", 0),
                r.getDouble("beta", 0))));
    }

    private Optimizers() {
    }

    /** Builds with {@code body} and rejects any key it did not read. */
    private static Optimizer read(String name, Map<String, Object> config, Function<ConfigReader, Optimizer> body) {
        ConfigReader reader = new ConfigReader("optimizer " + name, config);
        Optimizer optimizer = body.apply(reader);
        optimizer.clipnorm(reader.getDouble("clipnorm", 0));
        optimizer.clipvalue(reader.getDouble("clipvalue", 0));
        optimizer.globalClipnorm(reader.getDouble("global_clipnorm", 0));
        if (reader.has("weight_decay")) {
            optimizer.weightDecay(reader.getDouble("weight_decay"));
        }
        reader.finish();
        return optimizer;
    }

    /**
     * The learning rate under Keras 2.2.4's key {@code lr}, or the later {@code learning_rate}: a
     * number or a schedule's {@code {"class_name": …, "config": {…}}}.
     */
    private static LearningRateSchedule lr(ConfigReader reader, double fallback) {
        String key = reader.has("lr") ? "lr" : "learning_rate";
        Object value = reader.get(key);
        return value == null ? LearningRateSchedule.constant(fallback) : LearningRateSchedules.deserialize(value);
    }

    private static void builtIn(String name, Class<? extends Optimizer> type, Factory factory) {
        REGISTRY.builtIn(name, factory);
        NAME_BY_CLASS.put(type, name);
    }

    /**
     * A new optimizer of a name with its default hyper-parameters.
     *
     * @throws IllegalArgumentException {@code "Unknown optimizer: foo. Valid names: …"}
     */
    public static Optimizer get(String name) {
        return deserialize(name, Map.of());
    }

    /**
     * A new optimizer of a name with the given hyper-parameters (Keras names: {@code lr},
     * {@code momentum}, {@code beta_1}, …, and {@code clipnorm}, {@code clipvalue},
     * {@code global_clipnorm}, {@code weight_decay} for the built-in optimizers;
     * {@code learning_rate} is accepted for {@code lr}, and either may hold a schedule's
     * {@code {"class_name": …, "config": {…}}}).
     *
     * @throws IllegalArgumentException for an unknown name, or an unknown key or bad value in the
     *     config, naming it
     */
    public static Optimizer deserialize(String name, Map<String, Object> config) {
        return REGISTRY.get(name).create(config);
    }

    /**
     * The name {@link #get} accepts for the optimizer's class.
     *
     * @throws IllegalArgumentException for an optimizer class never registered, saying how to register it
     */
    public static String serialize(Optimizer optimizer) {
        String name = NAME_BY_CLASS.get(optimizer.getClass());
        if (name == null) {
            throw new IllegalArgumentException("Cannot serialize optimizer " + optimizer.getClass().getName()
                    + ": it is not registered. Register it first with Optimizers.register(\"name\", "
                    + optimizer.getClass().getSimpleName() + ".class, config -> new " + optimizer.getClass().getSimpleName() + "(...))");
        }
        return name;
    }

    /**
     * Makes a custom optimizer known by name, so that models can be compiled with the name and
     * saved with it.
     *
     * @param type the class {@link #serialize} maps back to {@code name}
     * @param factory builds one from a config map (empty for the defaults)
     * @throws IllegalArgumentException if the name is blank or built in
     */
    public static <T extends Optimizer> void register(String name, Class<T> type, Factory factory) {
        REGISTRY.register(name, factory);
        NAME_BY_CLASS.put(type, name);
    }

    /** Every name {@link #get} accepts, sorted. */
    public static Set<String> names() {
        return REGISTRY.names();
    }
}
