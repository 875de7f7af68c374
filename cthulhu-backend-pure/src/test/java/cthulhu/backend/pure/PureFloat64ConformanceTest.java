package cthulhu.backend.pure;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;
import org.junit.platform.suite.api.SuiteDisplayName;

/** The conformance suite (every test in {@code cthulhu.conformance} and below) on the pure backend in float64. */
@Suite
@SuiteDisplayName("conformance: pure, float64")
@SelectPackages("cthulhu.conformance")
@ConfigurationParameter(key = "cthulhu.conformance.backend", value = "pure")
@ConfigurationParameter(key = "cthulhu.conformance.floatx", value = "float64")
class PureFloat64ConformanceTest {
}
