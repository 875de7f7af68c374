/**
 * A JPMS application using cthulhu: it requires the core module; the pure backend, an automatic
 * module that provides cthulhu.backend.Backend, joins the module graph through service binding.
 */
module starter {
    requires cthulhu.core;
    // cthulhu names a method reference such as K::tanh by reading the lambda the compiler made here.
    opens starter to cthulhu.core;
}
