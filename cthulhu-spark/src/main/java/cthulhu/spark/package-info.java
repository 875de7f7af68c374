/**
 * cthulhu on Apache Spark: {@link cthulhu.spark.SparkTrainer} trains a model data-parallel over a
 * Spark {@code Dataset} (gradient or parameter averaging, combined with {@code treeReduce}),
 * evaluates it, and adds its predictions to a Dataset; executors run the model's own
 * single-machine steps on the backend their discovery or {@code spark.cthulhu.backend} chooses.
 */
package cthulhu.spark;
