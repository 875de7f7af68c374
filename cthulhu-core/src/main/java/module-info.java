/**
 * cthulhu's core: the {@code Backend} SPI and the {@code K} facade, autodiff, activations, layers,
 * losses, metrics, optimizers, callbacks, models and their files. A backend is a module (or a
 * jar on the class path) that provides {@link cthulhu.backend.Backend}.
 *
 * <p>Protobuf, jHDF and JFreeChart are automatic modules, required by their stable
 * {@code Automatic-Module-Name}s.
 */
@SuppressWarnings("requires-automatic")
module cthulhu.core {
    requires com.fasterxml.jackson.databind;
    requires com.google.protobuf;
    requires io.jhdf;
    requires java.desktop;
    requires org.jfree.jfreechart;
    requires org.slf4j;
    // jHDF, an automatic module, cannot bring its explicit-module dependency into the graph; core does.
    requires org.apache.commons.lang3;

    exports cthulhu.activations;
    exports cthulhu.autodiff;
    exports cthulhu.backend;
    exports cthulhu.callbacks;
    exports cthulhu.config;
    exports cthulhu.constraints;
    exports cthulhu.initializers;
    exports cthulhu.layers;
    exports cthulhu.losses;
    exports cthulhu.metrics;
    exports cthulhu.models;
    exports cthulhu.optimizers;
    exports cthulhu.optimizers.schedules;
    exports cthulhu.regularizers;
    exports cthulhu.saving;

    uses cthulhu.backend.Backend;
    // K reaches the recording operations of autodiff without a package cycle (META-INF/services on the class path).
    uses cthulhu.backend.DifferentiableOps;
    provides cthulhu.backend.DifferentiableOps with cthulhu.autodiff.RecordingOps;
    // Model reaches its files in cthulhu.saving without a package cycle, the same way.
    uses cthulhu.models.ModelStorage;
    provides cthulhu.models.ModelStorage with cthulhu.saving.ModelFileStorage;
}
