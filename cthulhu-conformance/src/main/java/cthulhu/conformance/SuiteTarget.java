package cthulhu.conformance;

import cthulhu.backend.DType;

/**
 * What the running suite was configured to test; a test method receives it by declaring a
 * parameter of this type.
 *
 * @param backend the backend's name, from {@value ConformanceExtension#BACKEND_KEY}
 * @param floatx the float type, from {@value ConformanceExtension#FLOATX_KEY}
 */
public record SuiteTarget(String backend, DType floatx) {
}
