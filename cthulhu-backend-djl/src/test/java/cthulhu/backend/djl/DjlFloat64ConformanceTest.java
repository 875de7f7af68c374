package cthulhu.backend.djl;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;
import org.junit.platform.suite.api.SuiteDisplayName;

/** The shared conformance suite on the djl backend in float64. */
@Suite
@SuiteDisplayName("conformance: djl, float64")
@SelectPackages("cthulhu.conformance")
@ConfigurationParameter(key = "cthulhu.conformance.backend", value = "djl")
@ConfigurationParameter(key = "cthulhu.conformance.floatx", value = "float64")
class DjlFloat64ConformanceTest {
}
