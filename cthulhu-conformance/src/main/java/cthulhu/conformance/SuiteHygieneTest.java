package cthulhu.conformance;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guards the suite itself: a test that would silently not run, or not run on the backend under
 * test, fails here instead. Every class in {@code cthulhu.conformance} and below that holds tests
 * must extend {@link ConformanceTestBase} (or be {@code @Nested} in one), must be named so that
 * the {@code @Suite} classes select it, and must not be disabled or conditional.
 */
class SuiteHygieneTest extends ConformanceTestBase {

    /** The class names {@code @SelectPackages} includes by default (JUnit's {@code ClassNamePatterns}). */
    private static final Pattern SELECTED = Pattern.compile("^(Test.*|.+[.$]Test.*|.*Tests?)$");

    private static List<Class<?>> testClasses() {
        List<Class<?>> found = new ArrayList<>();
        ReflectionSupport.streamAllClassesInPackage("cthulhu.conformance", c -> true, name -> true)
                .filter(c -> !Modifier.isAbstract(c.getModifiers()))
                .filter(c -> !ReflectionSupport.findMethods(c, m -> AnnotationSupport.isAnnotated(m, Testable.class),
                        HierarchyTraversalMode.TOP_DOWN).isEmpty())
                .forEach(found::add);
        return found;
    }

    @Test
    void theSuiteHoldsTests() {
        assertTrue(testClasses().size() >= 10, () -> "found only " + testClasses());
    }

    @Test
    void everyTestClassRunsOnTheBackendUnderTest() {
        List<String> wrong = new ArrayList<>();
        for (Class<?> c : testClasses()) {
            Class<?> top = c;
            while (top.isAnnotationPresent(Nested.class) && top.getEnclosingClass() != null) {
                top = top.getEnclosingClass();
            }
            if (!ConformanceTestBase.class.isAssignableFrom(top)) {
                wrong.add(c.getName());
            }
        }
        assertTrue(wrong.isEmpty(), () -> "These classes hold tests but do not extend ConformanceTestBase, so they would "
                + "not run on the backend and float type of the suite: " + wrong);
    }

    @Test
    void everyTestClassIsSelectedByTheSuites() {
        List<String> unselected = testClasses().stream()
                .filter(c -> !c.isAnnotationPresent(Nested.class))
                .map(Class::getName)
                .filter(name -> !SELECTED.matcher(name).matches())
                .toList();
        assertTrue(unselected.isEmpty(), () -> "These classes hold tests but their names do not end in Test, so the "
                + "@Suite classes never run them: " + unselected);
    }

    @Test
    void nothingIsDisabledOrConditional() {
        List<String> skipping = new ArrayList<>();
        for (Class<?> c : testClasses()) {
            Stream.concat(Stream.of((AnnotatedElement) c), ReflectionSupport.findMethods(c, m -> true,
                    HierarchyTraversalMode.TOP_DOWN).stream().map(m -> (AnnotatedElement) m))
                    .filter(SuiteHygieneTest::skips)
                    .forEach(e -> skipping.add(e instanceof Method m ? c.getName() + "." + m.getName() : c.getName()));
        }
        assertTrue(skipping.isEmpty(), () -> "Conformance tests run on every backend and float type; these are "
                + "disabled or conditional: " + skipping);
    }

    private static boolean skips(AnnotatedElement e) {
        if (AnnotationSupport.isAnnotated(e, Disabled.class)) {
            return true;
        }
        for (Annotation a : e.getAnnotations()) {
            if (a.annotationType().getPackageName().equals("org.junit.jupiter.api.condition")) {
                return true;
            }
        }
        return false;
    }
}
