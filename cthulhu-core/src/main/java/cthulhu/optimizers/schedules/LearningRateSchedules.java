package cthulhu.optimizers.schedules;

import cthulhu.config.ConfigReader;
import cthulhu.config.KerasObjects;
import cthulhu.config.NameRegistry;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one registry of learning-rate schedule class names ({@code ExponentialDecay},
 * {@code InverseTimeDecay}, {@code PiecewiseConstantDecay}, {@code PolynomialDecay},
 * {@code CosineDecay}), and the form a learning rate takes in an optimizer's config: a number, or
 * Keras's {@code {"class_name": "ExponentialDecay", "config": {...}}}.
 */
public final class LearningRateSchedules {

    private static final NameRegistry<Function<ConfigReader, LearningRateSchedule>> REGISTRY =
            new NameRegistry<>("learning-rate schedule", "LearningRateSchedules");

    static {
        REGISTRY.builtIn("ExponentialDecay", r -> new ExponentialDecay(r.getDouble("initial_learning_rate"),
                r.getDouble("decay_steps"), r.getDouble("decay_rate"), r.getBoolean("staircase", false)));
        REGISTRY.builtIn("InverseTimeDecay", r -> new InverseTimeDecay(r.getDouble("initial_learning_rate"),
                r.getDouble("decay_steps"), r.getDouble("decay_rate"), r.getBoolean("staircase", false)));
        REGISTRY.builtIn("PiecewiseConstantDecay", r -> new PiecewiseConstantDecay(
                numbers(r, "boundaries").stream().mapToLong(Number::longValue).toArray(),
                numbers(r, "values").stream().mapToDouble(Number::doubleValue).toArray()));
        REGISTRY.builtIn("PolynomialDecay", r -> new PolynomialDecay(r.getDouble("initial_learning_rate"),
                r.getDouble("decay_steps"), r.getDouble("end_learning_rate", 0.0001), r.getDouble("power", 1),
                r.getBoolean("cycle", false)));
        REGISTRY.builtIn("CosineDecay", r -> new CosineDecay(r.getDouble("initial_learning_rate"),
                r.getDouble("decay_steps"), r.getDouble("alpha", 0), r.getNullableDouble("warmup_target", null),
                r.getDouble("warmup_steps", 0)));
        REGISTRY.builtIn("CosineDecayRestarts", r -> new CosineDecayRestarts(r.getDouble("initial_learning_rate"),
                r.getDouble("first_decay_steps"), r.getDouble("t_mul", 2), r.getDouble("m_mul", 1), r.getDouble("alpha", 0)));
    }

    private LearningRateSchedules() {
    }

    /**
     * A learning rate as it appears in a config: a number, or a schedule's
     * {@code {"class_name": …, "config": {…}}}.
     *
     * @throws IllegalArgumentException for an unknown class name, listing the known ones, or a bad config
     */
    public static LearningRateSchedule deserialize(Object value) {
        if (value instanceof Number n) {
            return LearningRateSchedule.constant(n.doubleValue());
        }
        return KerasObjects.deserialize("learning-rate schedule", value, REGISTRY);
    }

    /** A number for a constant rate, else the schedule's {@code {"class_name": …, "config": {…}}}. */
    public static Object serialize(LearningRateSchedule schedule) {
        if (schedule instanceof ConstantLearningRate) {
            return schedule.at(0);
        }
        return KerasObjects.serialize(schedule.className(), schedule.getConfig());
    }

    private static List<Number> numbers(ConfigReader reader, String key) {
        Object v = reader.get(key);
        if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof Number)) {
            return list.stream().map(Number.class::cast).toList();
        }
        throw new IllegalArgumentException("In the config of PiecewiseConstantDecay, '" + key
                + "' must be a list of numbers, but it is " + v);
    }
}
