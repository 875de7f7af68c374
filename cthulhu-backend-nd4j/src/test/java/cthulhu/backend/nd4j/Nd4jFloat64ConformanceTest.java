package cthulhu.backend.nd4j;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;
import org.junit.platform.suite.api.SuiteDisplayName;

/** The conformance suite (every test in {@code cthulhu.conformance} and below) on the ND4J backend in float64. */
@Suite
@SuiteDisplayName("conformance: nd4j, float64")
@SelectPackages("cthulhu.conformance")
@ConfigurationParameter(key = "cthulhu.conformance.backend", value = "nd4j")
@ConfigurationParameter(key = "cthulhu.conformance.floatx", value = "float64")
class Nd4jFloat64ConformanceTest {
}
