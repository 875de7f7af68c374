package cthulhu.initializers;

import java.util.Map;

/**
 * A built-in initializer: one of Keras 2.2.4's initializer classes, described by its Keras class
 * name and configuration so that it round-trips through a saved model
 * ({@code {"class_name": "VarianceScaling", "config": {"scale": 1.0, ...}}}).
 */
public sealed interface KerasInitializer extends Initializer
        permits Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
        Orthogonal {

    /** The Keras class name, e.g. {@code "RandomNormal"}. */
    String className();

    /** The constructor arguments under Keras's keys, e.g. {@code {mean=0.0, stddev=0.05, seed=null}}. */
    Map<String, Object> getConfig();
}
